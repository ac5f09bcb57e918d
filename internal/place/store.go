package place

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/onramp/onramp/internal/db"
	"github.com/onramp/onramp/internal/errs"
)

// All of the package's SQL is in this file. The same text runs on SQLite and
// PostgreSQL: $n placeholders, TEXT timestamps, ON CONFLICT.

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

const placeCols = `p.id, p.parent_id, p.kind, p.venue_kind, p.code, p.adult_population, p.depth, p.created_at, p.updated_at`

type scanner interface{ Scan(dest ...any) error }

func scanPlace(s scanner) (*Place, error) {
	var (
		p                Place
		parent, venue    sql.NullString
		pop              sql.NullInt64
		created, updated string
		kind             string
		err              error
	)
	if err = s.Scan(&p.ID, &parent, &kind, &venue, &p.Code, &pop, &p.Depth, &created, &updated); err != nil {
		return nil, err
	}
	p.ParentID = parent.String
	p.Kind = Kind(kind)
	p.VenueKind = VenueKind(venue.String)
	if pop.Valid {
		n := pop.Int64
		p.AdultPopulation = &n
	}
	if p.CreatedAt, err = db.ParseTime(created); err != nil {
		return nil, fmt.Errorf("place %s created_at: %w", p.ID, err)
	}
	if p.UpdatedAt, err = db.ParseTime(updated); err != nil {
		return nil, fmt.Errorf("place %s updated_at: %w", p.ID, err)
	}
	p.Names = map[string]string{}
	return &p, nil
}

// queryPlaces runs a query selecting placeCols and loads the names of what it finds.
func queryPlaces(ctx context.Context, q querier, query string, args ...any) ([]*Place, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	var out []*Place
	for rows.Next() {
		p, err := scanPlace(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, p)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, loadNames(ctx, q, out)
}

// chunk is how many values go in one IN list or multi-row VALUES: far below the
// parameter limits of both engines (32766 and 65535).
const chunk = 500

func loadNames(ctx context.Context, q querier, ps []*Place) error {
	byID := make(map[string]*Place, len(ps))
	ids := make([]any, 0, len(ps))
	for _, p := range ps {
		if _, dup := byID[p.ID]; !dup {
			byID[p.ID] = p
			ids = append(ids, p.ID)
		}
	}
	for len(ids) > 0 {
		n := min(len(ids), chunk)
		rows, err := q.QueryContext(ctx,
			`SELECT place_id, lang, name FROM place_names WHERE place_id IN (`+db.Placeholders(1, n)+`)`, ids[:n]...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id, lang, name string
			if err := rows.Scan(&id, &lang, &name); err != nil {
				rows.Close()
				return err
			}
			byID[id].Names[lang] = name
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

func notFound(err error) error { return errs.E(errs.NotFound, keyNotFound, err) }

// getPlace returns NotFound when there is no such place.
func getPlace(ctx context.Context, q querier, id string) (*Place, error) {
	return onePlace(ctx, q, `SELECT `+placeCols+` FROM places p WHERE p.id = $1`, id)
}

func getPlaceByCode(ctx context.Context, q querier, code string) (*Place, error) {
	return onePlace(ctx, q, `SELECT `+placeCols+` FROM places p WHERE p.code = $1`, code)
}

func onePlace(ctx context.Context, q querier, query, arg string) (*Place, error) {
	p, err := scanPlace(q.QueryRowContext(ctx, query, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(fmt.Errorf("place %q", arg))
	}
	if err != nil {
		return nil, errs.Wrap(err, "place: get %q", arg)
	}
	if err := loadNames(ctx, q, []*Place{p}); err != nil {
		return nil, errs.Wrap(err, "place: names of %s", p.ID)
	}
	return p, nil
}

func placeExists(ctx context.Context, q querier, id string) (bool, error) {
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM places WHERE id = $1`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

func findPlaces(ctx context.Context, q querier, f Filter) ([]*Place, int, error) {
	var (
		from  = `places p`
		where []string
		args  []any
	)
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.Under != "" {
		from += ` JOIN place_closure c ON c.descendant_id = p.id AND c.ancestor_id = ` + arg(f.Under)
	}
	if f.ParentID != "" {
		where = append(where, `p.parent_id = `+arg(f.ParentID))
	}
	if f.Kind != "" {
		where = append(where, `p.kind = `+arg(string(f.Kind)))
	}
	if qs := cleanText(f.Query); qs != "" {
		namePat := "%" + db.LikeEscape(foldName(qs)) + "%"
		codePat := db.LikeEscape(strings.ToLower(qs)) + "%"
		where = append(where, `(EXISTS (SELECT 1 FROM place_names n WHERE n.place_id = p.id AND n.name_fold LIKE `+
			arg(namePat)+` ESCAPE '\') OR LOWER(p.code) LIKE `+arg(codePat)+` ESCAPE '\')`)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+from+cond, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if total == 0 || f.Offset >= total {
		return []*Place{}, total, nil
	}
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit = min(limit, MaxLimit)
	page := fmt.Sprintf(` ORDER BY p.depth, p.code LIMIT %d OFFSET %d`, limit, max(f.Offset, 0))
	ps, err := queryPlaces(ctx, q, `SELECT `+placeCols+` FROM `+from+cond+page, args...)
	return ps, total, err
}

func listChildren(ctx context.Context, q querier, id string) ([]*Place, error) {
	return queryPlaces(ctx, q, `SELECT `+placeCols+` FROM places p WHERE p.parent_id = $1 ORDER BY p.code`, id)
}

// listAncestors returns the place and its ancestors, root first.
func listAncestors(ctx context.Context, q querier, id string) ([]*Place, error) {
	return queryPlaces(ctx, q, `SELECT `+placeCols+` FROM place_closure c JOIN places p ON p.id = c.ancestor_id
		WHERE c.descendant_id = $1 ORDER BY c.depth DESC`, id)
}

// isWithin is one lookup in place_closure_descendant_idx.
func isWithin(ctx context.Context, q querier, id string, roots []string) (bool, error) {
	args := make([]any, 0, len(roots)+1)
	args = append(args, id)
	for _, r := range roots {
		args = append(args, r)
	}
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM place_closure WHERE descendant_id = $1 AND ancestor_id IN (`+
		db.Placeholders(2, len(roots))+`) LIMIT 1`, args...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

func subtreeIDs(ctx context.Context, q querier, id string) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT descendant_id FROM place_closure WHERE ancestor_id = $1 ORDER BY depth, descendant_id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// isDescendant reports whether d is in the subtree of a (a itself included).
func isDescendant(ctx context.Context, q querier, a, d string) (bool, error) {
	return isWithin(ctx, q, d, []string{a})
}

func codeTakenBy(ctx context.Context, q querier, code string) (string, error) {
	var id string
	err := q.QueryRowContext(ctx, `SELECT id FROM places WHERE code = $1`, code).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return id, err
}

func hasChildren(ctx context.Context, q querier, id string) (bool, error) {
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM places WHERE parent_id = $1 LIMIT 1`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullInt(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

// insertPlace writes a new place, its names and its closure rows (its parent's
// ancestors plus itself).
func insertPlace(ctx context.Context, q querier, p *Place) error {
	ts := db.FormatTime(p.CreatedAt)
	if _, err := q.ExecContext(ctx, `INSERT INTO places
		(id, parent_id, kind, venue_kind, code, adult_population, depth, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		p.ID, nullString(p.ParentID), string(p.Kind), nullString(string(p.VenueKind)), p.Code,
		nullInt(p.AdultPopulation), p.Depth, ts, ts); err != nil {
		return err
	}
	for lang, name := range p.Names {
		if err := upsertName(ctx, q, p.ID, lang, name); err != nil {
			return err
		}
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO place_closure (ancestor_id, descendant_id, depth)
		SELECT ancestor_id, $1, depth + 1 FROM place_closure WHERE descendant_id = $2`, p.ID, p.ParentID); err != nil {
		return err
	}
	_, err := q.ExecContext(ctx, `INSERT INTO place_closure (ancestor_id, descendant_id, depth) VALUES ($1, $1, 0)`, p.ID)
	return err
}

func upsertName(ctx context.Context, q querier, id, lang, name string) error {
	_, err := q.ExecContext(ctx, `INSERT INTO place_names (place_id, lang, name, name_fold) VALUES ($1, $2, $3, $4)
		ON CONFLICT (place_id, lang) DO UPDATE SET name = excluded.name, name_fold = excluded.name_fold`,
		id, lang, name, foldName(name))
	return err
}

func deleteName(ctx context.Context, q querier, id, lang string) error {
	_, err := q.ExecContext(ctx, `DELETE FROM place_names WHERE place_id = $1 AND lang = $2`, id, lang)
	return err
}

func touchPlace(ctx context.Context, q querier, id, ts string) error {
	_, err := q.ExecContext(ctx, `UPDATE places SET updated_at = $2 WHERE id = $1`, id, ts)
	return err
}

// updatePlaceRow writes the changeable columns of p.
func updatePlaceRow(ctx context.Context, q querier, p *Place) error {
	_, err := q.ExecContext(ctx, `UPDATE places SET code = $2, venue_kind = $3, adult_population = $4, updated_at = $5
		WHERE id = $1`, p.ID, p.Code, nullString(string(p.VenueKind)), nullInt(p.AdultPopulation), db.FormatTime(p.UpdatedAt))
	return err
}

// moveSubtree hangs id (and everything under it) under newParent, where id's
// depth becomes newDepth: the links from id's old ancestors into the subtree go,
// links from newParent's ancestors (and newParent) come, and the depths of the
// subtree shift by the change of level. The caller runs it in a transaction and
// has checked the kind rule and that newParent is not in the subtree.
func moveSubtree(ctx context.Context, q querier, id, newParent string, newDepth int, ts string) error {
	var oldDepth int
	if err := q.QueryRowContext(ctx, `SELECT depth FROM places WHERE id = $1`, id).Scan(&oldDepth); err != nil {
		return fmt.Errorf("depth: %w", err)
	}
	depthDelta := newDepth - oldDepth
	if _, err := q.ExecContext(ctx, `DELETE FROM place_closure
		WHERE descendant_id IN (SELECT descendant_id FROM place_closure WHERE ancestor_id = $1)
		  AND ancestor_id IN (SELECT ancestor_id FROM place_closure WHERE descendant_id = $1 AND depth > 0)`, id); err != nil {
		return fmt.Errorf("unlink: %w", err)
	}
	if newParent != "" {
		if _, err := q.ExecContext(ctx, `INSERT INTO place_closure (ancestor_id, descendant_id, depth)
			SELECT a.ancestor_id, d.descendant_id, a.depth + d.depth + 1
			FROM place_closure a, place_closure d
			WHERE a.descendant_id = $1 AND d.ancestor_id = $2`, newParent, id); err != nil {
			return fmt.Errorf("link: %w", err)
		}
	}
	if depthDelta != 0 {
		if _, err := q.ExecContext(ctx, `UPDATE places SET depth = depth + $2
			WHERE id IN (SELECT descendant_id FROM place_closure WHERE ancestor_id = $1)`, id, depthDelta); err != nil {
			return fmt.Errorf("depths: %w", err)
		}
	}
	if _, err := q.ExecContext(ctx, `UPDATE places SET parent_id = $2, updated_at = $3 WHERE id = $1`,
		id, nullString(newParent), ts); err != nil {
		return fmt.Errorf("parent: %w", err)
	}
	return nil
}

// deleteLeaf removes a place that has no children.
func deleteLeaf(ctx context.Context, q querier, id string) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM place_closure WHERE descendant_id = $1`, id); err != nil {
		return err
	}
	if _, err := q.ExecContext(ctx, `DELETE FROM place_names WHERE place_id = $1`, id); err != nil {
		return err
	}
	_, err := q.ExecContext(ctx, `DELETE FROM places WHERE id = $1`, id)
	return err
}

// population adds up, over the subtree of id, the figures of the areas that have
// one and no ancestor with one inside the subtree: an area's own figure wins over
// its children's, and an area without a figure counts its children's. The
// ancestors of a node n inside the subtree are exactly those at a distance of 1 to
// c.depth from n, which keeps this one query over the closure. Venues count only
// when id is the venue itself: a venue's figure (say, care-home residents) is not
// part of the area's adult population.
func population(ctx context.Context, q querier, id string) (int64, error) {
	var n int64
	err := q.QueryRowContext(ctx, `SELECT CAST(COALESCE(SUM(p.adult_population), 0) AS BIGINT)
		FROM place_closure c JOIN places p ON p.id = c.descendant_id
		WHERE c.ancestor_id = $1 AND p.adult_population IS NOT NULL AND (c.depth = 0 OR p.kind <> 'venue')
		  AND NOT EXISTS (
			SELECT 1 FROM place_closure y JOIN places a ON a.id = y.ancestor_id
			WHERE y.descendant_id = c.descendant_id AND y.depth BETWEEN 1 AND c.depth
			  AND a.adult_population IS NOT NULL)`, id).Scan(&n)
	return n, err
}

// --- import ---------------------------------------------------------------

// existing is what Import needs to know about a place already stored.
type existing struct {
	id, parentID string
	kind         Kind
	venueKind    VenueKind
	pop          *int64
	names        map[string]string
}

// lookupCodes returns the stored places with these codes.
func lookupCodes(ctx context.Context, q querier, codes []string) (map[string]*existing, error) {
	out := make(map[string]*existing)
	byID := make(map[string]*existing)
	for len(codes) > 0 {
		n := min(len(codes), chunk)
		args := make([]any, n)
		for i, c := range codes[:n] {
			args[i] = c
		}
		rows, err := q.QueryContext(ctx, `SELECT id, parent_id, kind, venue_kind, code, adult_population
			FROM places WHERE code IN (`+db.Placeholders(1, n)+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var (
				e             existing
				parent, venue sql.NullString
				pop           sql.NullInt64
				code, kind    string
			)
			if err := rows.Scan(&e.id, &parent, &kind, &venue, &code, &pop); err != nil {
				rows.Close()
				return nil, err
			}
			e.parentID, e.kind, e.venueKind = parent.String, Kind(kind), VenueKind(venue.String)
			if pop.Valid {
				v := pop.Int64
				e.pop = &v
			}
			e.names = map[string]string{}
			out[code] = &e
			byID[e.id] = &e
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
		codes = codes[n:]
	}
	ids := make([]any, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	for len(ids) > 0 {
		n := min(len(ids), chunk)
		rows, err := q.QueryContext(ctx,
			`SELECT place_id, lang, name FROM place_names WHERE place_id IN (`+db.Placeholders(1, n)+`)`, ids[:n]...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id, lang, name string
			if err := rows.Scan(&id, &lang, &name); err != nil {
				rows.Close()
				return nil, err
			}
			byID[id].names[lang] = name
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
		ids = ids[n:]
	}
	return out, nil
}

// ancestorChains returns, for each id, its ancestors and itself, root first.
func ancestorChains(ctx context.Context, q querier, ids []string) (map[string][]string, error) {
	out := make(map[string][]string, len(ids))
	for len(ids) > 0 {
		n := min(len(ids), chunk)
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = id
		}
		rows, err := q.QueryContext(ctx, `SELECT descendant_id, ancestor_id FROM place_closure
			WHERE descendant_id IN (`+db.Placeholders(1, n)+`) ORDER BY descendant_id, depth DESC`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var d, a string
			if err := rows.Scan(&d, &a); err != nil {
				rows.Close()
				return nil, err
			}
			out[d] = append(out[d], a)
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
		ids = ids[n:]
	}
	return out, nil
}

// countRows counts the rows of the three place tables (tests and the fuzz target
// use it to prove a refused import wrote nothing).
func countRows(ctx context.Context, q querier) (places, names, closure int, err error) {
	err = q.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM places), (SELECT COUNT(*) FROM place_names),
		(SELECT COUNT(*) FROM place_closure)`).Scan(&places, &names, &closure)
	return
}

// bulkInsert appends rows to one table with multi-row INSERTs: a statement
// prepared once for a full batch, and a one-off statement for the remainder.
// One row per Exec is what makes naive imports slow on SQLite.
type bulkInsert struct {
	ctx    context.Context
	tx     *sql.Tx
	head   string // "INSERT INTO t (a, b) VALUES "
	tail   string // " ON CONFLICT ..." or ""
	cols   int
	batch  int
	full   *sql.Stmt
	args   []any
	n      int
	closed bool
}

var errBulkClosed = errors.New("place: bulk insert used after close")

func newBulkInsert(ctx context.Context, tx *sql.Tx, table, cols, tail string, ncols, batch int) *bulkInsert {
	return &bulkInsert{ctx: ctx, tx: tx, head: `INSERT INTO ` + table + ` (` + cols + `) VALUES `, tail: tail,
		cols: ncols, batch: batch, args: make([]any, 0, ncols*batch)}
}

func (b *bulkInsert) values(rows int) string {
	var s strings.Builder
	s.WriteString(b.head)
	for r := 0; r < rows; r++ {
		if r > 0 {
			s.WriteString(", ")
		}
		s.WriteByte('(')
		s.WriteString(db.Placeholders(r*b.cols+1, b.cols))
		s.WriteByte(')')
	}
	s.WriteString(b.tail)
	return s.String()
}

// add queues one row; len(vals) must be the column count.
func (b *bulkInsert) add(vals ...any) error {
	if b.closed {
		return errBulkClosed
	}
	b.args = append(b.args, vals...)
	b.n++
	if b.n < b.batch {
		return nil
	}
	if b.full == nil {
		st, err := b.tx.PrepareContext(b.ctx, b.values(b.batch))
		if err != nil {
			return err
		}
		b.full = st
	}
	_, err := b.full.ExecContext(b.ctx, b.args...)
	b.args, b.n = b.args[:0], 0
	return err
}

// flush writes what is queued.
func (b *bulkInsert) flush() error {
	if b.n == 0 {
		return nil
	}
	_, err := b.tx.ExecContext(b.ctx, b.values(b.n), b.args...)
	b.args, b.n = b.args[:0], 0
	return err
}

func (b *bulkInsert) close() {
	b.closed = true
	if b.full != nil {
		b.full.Close()
	}
}

// bulkParams is how many parameters one multi-row INSERT binds. PostgreSQL
// gains from big statements (fewer round trips); modernc's SQLite looks each
// parameter up by a linear scan, so a statement's cost grows with the square of
// its parameters and a few dozen rows per statement is fastest.
func bulkParams(d db.Dialect) int {
	if d == db.SQLite {
		return 180
	}
	return 3000
}

func newPlaceInserter(ctx context.Context, tx *sql.Tx, d db.Dialect) *bulkInsert {
	return newBulkInsert(ctx, tx, "places",
		"id, parent_id, kind, venue_kind, code, adult_population, depth, created_at, updated_at", "", 9, bulkParams(d)/9)
}

func newNameUpserter(ctx context.Context, tx *sql.Tx, d db.Dialect) *bulkInsert {
	return newBulkInsert(ctx, tx, "place_names", "place_id, lang, name, name_fold",
		" ON CONFLICT (place_id, lang) DO UPDATE SET name = excluded.name, name_fold = excluded.name_fold", 4, bulkParams(d)/4)
}

func newClosureInserter(ctx context.Context, tx *sql.Tx, d db.Dialect) *bulkInsert {
	return newBulkInsert(ctx, tx, "place_closure", "ancestor_id, descendant_id, depth", "", 3, bulkParams(d)/3)
}

// prepareImportUpdate prepares the statement importUpdate runs for each stored
// place a re-import changes.
func prepareImportUpdate(ctx context.Context, tx *sql.Tx) (*sql.Stmt, error) {
	return tx.PrepareContext(ctx, `UPDATE places SET venue_kind = $2, adult_population = $3, updated_at = $4 WHERE id = $1`)
}

// importUpdate writes an imported row over a stored place (not its parent:
// moveSubtree does that).
func importUpdate(ctx context.Context, st *sql.Stmt, id string, vk VenueKind, pop *int64, ts string) error {
	_, err := st.ExecContext(ctx, id, nullString(string(vk)), nullInt(pop), ts)
	return err
}
