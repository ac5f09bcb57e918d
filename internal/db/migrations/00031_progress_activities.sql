-- +goose Up
-- Statements about practice scenario runs and scam-drill items, next to lessons:
-- kind says which (lesson, scenario, drill) and activity holds the scenario or
-- drill item id; tries and hints are a finished practice run's counts.
ALTER TABLE statements ADD COLUMN kind TEXT NOT NULL DEFAULT 'lesson';
ALTER TABLE statements ADD COLUMN activity TEXT NOT NULL DEFAULT '';
ALTER TABLE statements ADD COLUMN tries INTEGER;
ALTER TABLE statements ADD COLUMN hints INTEGER;

-- A learner's record of each practice scenario, kept in the same transaction
-- as the statements arrive (counts, MIN and MAX: the order does not matter).
CREATE TABLE practice_results (
    actor_id           TEXT NOT NULL,
    scenario           TEXT NOT NULL,
    place_id           TEXT NOT NULL DEFAULT '',
    runs_started       INTEGER NOT NULL DEFAULT 0,
    runs_completed     INTEGER NOT NULL DEFAULT 0,
    best_tries         INTEGER,
    first_completed_at TEXT,
    last_at            TEXT NOT NULL,
    PRIMARY KEY (actor_id, scenario)
);
