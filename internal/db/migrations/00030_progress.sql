-- +goose Up
-- Learning records: append-only statements shaped like xAPI, with the id the
-- client made (offline phones included). hash is over the content, so the
-- same id sent again with other content can be told apart from a duplicate.
CREATE TABLE statements (
    id          TEXT PRIMARY KEY,
    actor_id    TEXT NOT NULL,
    place_id    TEXT NOT NULL DEFAULT '',
    verb        TEXT NOT NULL,
    course_slug TEXT NOT NULL,
    lesson_slug TEXT NOT NULL DEFAULT '',
    step        INTEGER NOT NULL DEFAULT -1,
    success     INTEGER,
    response    TEXT NOT NULL DEFAULT '',
    lang        TEXT NOT NULL DEFAULT '',
    offline     BOOLEAN NOT NULL DEFAULT FALSE,
    ts          TEXT NOT NULL,
    stored_at   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX statements_actor ON statements (actor_id, ts);

-- Projections, kept up to date in the same transaction as the statements
-- arrive, in a way that does not depend on the order they arrive in.
CREATE TABLE enrolments (
    actor_id          TEXT NOT NULL,
    course_slug       TEXT NOT NULL,
    place_id          TEXT NOT NULL DEFAULT '',
    started_at        TEXT NOT NULL,
    last_at           TEXT NOT NULL,
    last_lesson       TEXT NOT NULL DEFAULT '',
    lessons_completed INTEGER NOT NULL DEFAULT 0,
    completed_at      TEXT,
    PRIMARY KEY (actor_id, course_slug)
);

CREATE TABLE lesson_progress (
    actor_id     TEXT NOT NULL,
    course_slug  TEXT NOT NULL,
    lesson_slug  TEXT NOT NULL,
    last_step    INTEGER NOT NULL DEFAULT 0,
    last_at      TEXT NOT NULL,
    answers      INTEGER NOT NULL DEFAULT 0,
    correct      INTEGER NOT NULL DEFAULT 0,
    completed_at TEXT,
    PRIMARY KEY (actor_id, course_slug, lesson_slug)
);

-- Daily rollup per place (the learner's venue) and course: what dashboards read.
CREATE TABLE progress_daily (
    place_id          TEXT NOT NULL,
    course_slug       TEXT NOT NULL,
    day               TEXT NOT NULL,
    learners_started  BIGINT NOT NULL DEFAULT 0,
    lessons_completed BIGINT NOT NULL DEFAULT 0,
    courses_completed BIGINT NOT NULL DEFAULT 0,
    answers           BIGINT NOT NULL DEFAULT 0,
    answers_correct   BIGINT NOT NULL DEFAULT 0,
    statements        BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (place_id, course_slug, day)
);
