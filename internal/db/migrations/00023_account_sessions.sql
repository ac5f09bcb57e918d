-- +goose Up
-- Server-side sessions for scs. data is the scs-encoded session, base64 text so
-- that one column type serves both engines. expiry is a db.FormatTime string,
-- which sorts as time does; the index serves the periodic purge.
CREATE TABLE sessions (
    token  TEXT PRIMARY KEY,
    data   TEXT NOT NULL,
    expiry TEXT NOT NULL
);

CREATE INDEX sessions_expiry_idx ON sessions (expiry);
