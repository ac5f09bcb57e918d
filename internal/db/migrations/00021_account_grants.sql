-- +goose Up
-- A role granted on a place reaches the place's subtree. place_id has no foreign
-- key on purpose: account and place are separate areas of one level, and the
-- web layer combines grants with the place tree. granted_by is NULL for the first
-- administrator, made from the command line.
CREATE TABLE grants (
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       TEXT NOT NULL,
    place_id   TEXT NOT NULL,
    granted_by TEXT,
    granted_at TEXT NOT NULL,
    PRIMARY KEY (user_id, role, place_id)
);

-- "Who works or learns at this place?" and the place filter of the user list.
CREATE INDEX grants_place_idx ON grants (place_id);
