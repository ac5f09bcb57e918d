-- +goose Up
-- The place hierarchy: country -> region -> municipality -> ward -> venue. The
-- kind rules (which kind may sit under which) live in internal/place; the CHECKs
-- here are a backstop. Codes are the operator's own and unique across the tree.
CREATE TABLE places (
    id               TEXT PRIMARY KEY,
    parent_id        TEXT REFERENCES places (id),
    kind             TEXT NOT NULL CHECK (kind IN ('country', 'region', 'municipality', 'ward', 'venue')),
    venue_kind       TEXT CHECK (venue_kind IN ('library', 'social_institution', 'care_home', 'hospital_school',
                                                'community_centre', 'school', 'other')),
    code             TEXT NOT NULL UNIQUE,
    adult_population BIGINT CHECK (adult_population >= 0),
    depth            INTEGER NOT NULL CHECK (depth >= 0),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    CHECK ((kind = 'venue' AND venue_kind IS NOT NULL) OR (kind <> 'venue' AND venue_kind IS NULL)),
    CHECK ((kind = 'country' AND parent_id IS NULL) OR (kind <> 'country' AND parent_id IS NOT NULL))
);

-- Children of a place, and "has it children?" before a delete.
CREATE INDEX places_parent_idx ON places (parent_id);

-- One name per language. name_fold is the name lower-cased with diacritics removed
-- (made in Go, the same on both engines) so that a search for "ha noi" or "ежик"
-- finds "Hà Nội" and "Ёжик".
CREATE TABLE place_names (
    place_id  TEXT NOT NULL REFERENCES places (id) ON DELETE CASCADE,
    lang      TEXT NOT NULL,
    name      TEXT NOT NULL,
    name_fold TEXT NOT NULL,
    PRIMARY KEY (place_id, lang)
);

-- The closure table: one row for every (ancestor, descendant) pair, the place
-- itself included at depth 0. The primary key makes "the subtree of X" a range
-- scan on ancestor_id; the second index makes "the ancestors of Y" and "is Y
-- inside any of X1..Xn" (every authorisation check) an index-only lookup.
-- It is derived data, written only by internal/place/store.go, so it carries no
-- foreign keys: checking two of them per row took two thirds of a bulk import's
-- time on PostgreSQL, and places.parent_id already guards the tree itself.
CREATE TABLE place_closure (
    ancestor_id   TEXT NOT NULL,
    descendant_id TEXT NOT NULL,
    depth         INTEGER NOT NULL CHECK (depth >= 0),
    PRIMARY KEY (ancestor_id, descendant_id)
);

CREATE INDEX place_closure_descendant_idx ON place_closure (descendant_id, ancestor_id, depth);
