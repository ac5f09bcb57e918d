-- +goose Up
-- People who sign in: staff (e-mail or phone + password) and learners (phone +
-- PIN, or a login card). email is lower-cased and phone normalised to "+digits"
-- in Go before they reach the table, so UNIQUE means "the same address". Both
-- are nullable: an assisted account, made by a trainer, has neither. Secrets are
-- argon2id strings in PHC format; the lock-out counter is shared by PIN and
-- password. display_name_fold is the name lower-cased with diacritics removed
-- (made in Go, the same on both engines) for search.
CREATE TABLE users (
    id                  TEXT PRIMARY KEY,
    display_name        TEXT NOT NULL,
    display_name_fold   TEXT NOT NULL,
    email               TEXT UNIQUE,
    phone               TEXT UNIQUE,
    password_hash       TEXT,
    pin_hash            TEXT,
    preferred_lang      TEXT NOT NULL DEFAULT '',
    assisted            BOOLEAN NOT NULL DEFAULT FALSE,
    failed_secret_count INTEGER NOT NULL DEFAULT 0,
    locked_until        TEXT,
    created_by          TEXT,
    created_at          TEXT NOT NULL,
    updated_by          TEXT,
    updated_at          TEXT NOT NULL,
    disabled_at         TEXT
);

CREATE INDEX users_name_fold_idx ON users (display_name_fold);
