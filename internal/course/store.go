package course

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/onramp/onramp/internal/db"
)

// The SQL of the lesson search (migration 00040_course_search, one file per engine). Both engines index text
// that Go folded into space-separated words (search.go), so they agree on what a word is:
//
//   - SQLite: course_search_docs holds the text as shown; the FTS5 table course_search_fts (same rowid) holds the
//     folded columns, tokenised by unicode61 with remove_diacritics 2 (a no-op safety net after Go's folding).
//     Queries are FTS5 prefix terms ("word"*), ranked by bm25 with weights per column.
//   - PostgreSQL: course_search_docs also holds doc, a tsvector of the folded columns built with the 'simple'
//     configuration (no language's stemming or stop words) and weighted A title, B course title, C text,
//     D other countries' names; a GIN index serves @@. Queries are to_tsquery('simple', 'word:*' ...), ranked by
//     ts_rank.
//
// The meta row content_hash holds the hash of what the index was built from; Index writes nothing while it
// matches.

const searchHashKey = "content_hash"

// searchRow is one row a search returns.
type searchRow struct {
	course, lesson, lang, title, courseTitle, body string
	score                                          float64
}

// readSearchHash returns the content hash the index was last built from ("" when never).
func readSearchHash(ctx context.Context, d *db.DB) (string, error) {
	var h string
	err := d.R.QueryRowContext(ctx, `SELECT value FROM course_search_meta WHERE key = $1`, searchHashKey).Scan(&h)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return h, err
}

// errSearchCurrent rolls back a rebuild that another process finished first.
var errSearchCurrent = errors.New("course search: the index is current")

// writeSearchIndex replaces every row of the index with docs and records hash, in one transaction. It returns
// false, having written nothing, when the stored hash already equals hash: another instance sharing the
// database rebuilt it first (the UPDATE of the meta row makes the second wait for the first).
func writeSearchIndex(ctx context.Context, d *db.DB, docs []searchDoc, hash string) (bool, error) {
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE course_search_meta SET value = value WHERE key = $1`, searchHashKey); err != nil {
			return err
		}
		var cur string
		err := tx.QueryRowContext(ctx, `SELECT value FROM course_search_meta WHERE key = $1`, searchHashKey).Scan(&cur)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if cur == hash {
			return errSearchCurrent
		}
		if d.Dialect == db.SQLite {
			if _, err := tx.ExecContext(ctx, `DELETE FROM course_search_fts`); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM course_search_docs`); err != nil {
			return err
		}
		if err := insertSearchDocs(ctx, tx, d.Dialect, docs); err != nil {
			return err
		}
		if d.Dialect == db.SQLite {
			// Merge the FTS5 segments the inserts made into one b-tree: the fastest shape for reading.
			if _, err := tx.ExecContext(ctx, `INSERT INTO course_search_fts (course_search_fts) VALUES ('optimize')`); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO course_search_meta (key, value) VALUES ($1, $2)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, searchHashKey, hash)
		return err
	})
	if errors.Is(err, errSearchCurrent) {
		return false, nil
	}
	return err == nil, err
}

func insertSearchDocs(ctx context.Context, tx *sql.Tx, dialect db.Dialect, docs []searchDoc) error {
	doc := `INSERT INTO course_search_docs (id, course, lesson, lang, title, course_title, body)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`
	if dialect == db.Postgres {
		doc = `INSERT INTO course_search_docs (id, course, lesson, lang, title, course_title, body, doc)
		VALUES ($1, $2, $3, $4, $5, $6, $7,
			setweight(to_tsvector('simple', $8), 'A') || setweight(to_tsvector('simple', $9), 'B') ||
			setweight(to_tsvector('simple', $10), 'C') || setweight(to_tsvector('simple', $11), 'D'))`
	}
	ins, err := tx.PrepareContext(ctx, doc)
	if err != nil {
		return err
	}
	defer ins.Close()
	var fts *sql.Stmt
	if dialect == db.SQLite {
		fts, err = tx.PrepareContext(ctx, `INSERT INTO course_search_fts (rowid, title, course_title, body, names)
			VALUES ($1, $2, $3, $4, $5)`)
		if err != nil {
			return err
		}
		defer fts.Close()
	}
	for i, d := range docs {
		id := i + 1
		args := []any{id, d.course, d.lesson, d.lang, d.title, d.courseTitle, d.body}
		if dialect == db.Postgres {
			args = append(args, d.fTitle, d.fCourse, d.fBody, d.fNames)
		}
		if _, err := ins.ExecContext(ctx, args...); err != nil {
			return err
		}
		if fts != nil {
			if _, err := fts.ExecContext(ctx, id, d.fTitle, d.fCourse, d.fBody, d.fNames); err != nil {
				return err
			}
		}
	}
	return nil
}

// findSearch returns up to limit lessons matching every term (all) or any term: for each lesson its best row,
// a row in lang before rows in other languages; then those in lang first, then by score. Only the chosen rows'
// text leaves the database.
func findSearch(ctx context.Context, d *db.DB, terms []queryTerm, all bool, lang string, limit int) ([]searchRow, error) {
	var q, expr string
	if d.Dialect == db.Postgres {
		expr = tsQuery(terms, all)
		q = `WITH m AS (
				SELECT id, course, lesson, lang, ts_rank(doc, query) AS score
				FROM course_search_docs, to_tsquery('simple', $1) AS query
				WHERE doc @@ query
			), r AS (
				SELECT id, score, row_number() OVER (PARTITION BY course, lesson ORDER BY lang = $2 DESC, score DESC, lang) AS n
				FROM m
			)
			SELECT d.course, d.lesson, d.lang, d.title, d.course_title, d.body, r.score
			FROM r JOIN course_search_docs d ON d.id = r.id
			WHERE r.n = 1
			ORDER BY d.lang = $2 DESC, r.score DESC, d.course, d.lesson
			LIMIT $3`
	} else {
		expr = ftsQuery(terms, all)
		// bm25 is lower for a better match; the column weights are title, course title, text, other names.
		// MATERIALIZED keeps bm25 in the query on the FTS5 table, the only place it may be called.
		q = `WITH m AS MATERIALIZED (
				SELECT rowid AS id, -bm25(course_search_fts, 10.0, 4.0, 1.0, 0.5) AS score
				FROM course_search_fts
				WHERE course_search_fts MATCH $1
			), r AS (
				SELECT m.id, m.score, row_number() OVER (PARTITION BY d.course, d.lesson ORDER BY d.lang = $2 DESC, m.score DESC, d.lang) AS n
				FROM m JOIN course_search_docs d ON d.id = m.id
			)
			SELECT d.course, d.lesson, d.lang, d.title, d.course_title, d.body, r.score
			FROM r JOIN course_search_docs d ON d.id = r.id
			WHERE r.n = 1
			ORDER BY d.lang = $2 DESC, r.score DESC, d.course, d.lesson
			LIMIT $3`
	}
	rows, err := d.R.QueryContext(ctx, q, expr, lang, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []searchRow
	for rows.Next() {
		var r searchRow
		if err := rows.Scan(&r.course, &r.lesson, &r.lang, &r.title, &r.courseTitle, &r.body, &r.score); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ftsQuery writes the terms as an FTS5 query: ("word"* OR "stem"*) AND ... Terms hold only letters, digits and
// marks (queryTerms), so the quotes cannot be broken out of.
func ftsQuery(terms []queryTerm, all bool) string {
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = `"` + t.word + `"*`
		if t.stem != "" {
			parts[i] = `("` + t.word + `"* OR "` + t.stem + `"*)`
		}
	}
	if all {
		return strings.Join(parts, " AND ")
	}
	return strings.Join(parts, " OR ")
}

// tsQuery writes the terms as a PostgreSQL tsquery for to_tsquery: (word:* | stem:*) & ...
func tsQuery(terms []queryTerm, all bool) string {
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = t.word + ":*"
		if t.stem != "" {
			parts[i] = "(" + t.word + ":* | " + t.stem + ":*)"
		}
	}
	if all {
		return strings.Join(parts, " & ")
	}
	return strings.Join(parts, " | ")
}
