-- +goose Up
-- Printable login cards. Only the SHA-256 of the normalised code is kept: the
-- code carries 60 random bits, so a fast hash is enough and lets the login look
-- the card up by its hash. A user has at most one card that is not revoked.
CREATE TABLE login_cards (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash  TEXT NOT NULL UNIQUE,
    created_by TEXT,
    created_at TEXT NOT NULL,
    revoked_by TEXT,
    revoked_at TEXT
);

CREATE INDEX login_cards_user_idx ON login_cards (user_id);
