-- +goose Up
-- The lesson search (internal/course, search.go and store.go): one row per
-- course, lesson and language. The text is folded in Go before it gets here
-- (lower case, accents removed, Vietnamese đ -> d), so SQLite and PostgreSQL
-- match the same words; the 'simple' configuration only splits and keeps them.
CREATE TABLE course_search_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO course_search_meta (key, value) VALUES ('content_hash', '');

-- The text as shown (titles, and the plain text snippets are cut from), and
-- doc: the folded words weighted A title, B course title, C lesson text,
-- D words only other country profiles put in the lesson (VNeID, Госуслуги, ...).
CREATE TABLE course_search_docs (
    id           INTEGER PRIMARY KEY,
    course       TEXT NOT NULL,
    lesson       TEXT NOT NULL,
    lang         TEXT NOT NULL,
    title        TEXT NOT NULL,
    course_title TEXT NOT NULL,
    body         TEXT NOT NULL,
    doc          TSVECTOR NOT NULL,
    UNIQUE (course, lesson, lang)
);
CREATE INDEX course_search_docs_doc ON course_search_docs USING GIN (doc);
