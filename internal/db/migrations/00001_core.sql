-- +goose Up
-- app_meta keeps facts about this installation (when it was created, the demo
-- data version, ...). Every area adds its own tables in its own migration.
CREATE TABLE app_meta (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
