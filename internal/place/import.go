package place

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/onramp/onramp/internal/db"
	"github.com/onramp/onramp/internal/errs"
)

// Import limits. The upload page should cap the request body at MaxImportBytes
// too, so an oversized file is refused before it is read.
const (
	MaxImportBytes  = 64 << 20 // 64 MiB, about half a million rows
	MaxImportRows   = 500_000  // data rows, the header not counted
	MaxReportErrors = 1000     // errors listed in a Report; BadRows counts them all
)

// Import columns. name_<lang> exists for every language of Langs.
const (
	ColCode       = "code"
	ColParentCode = "parent_code"
	ColKind       = "kind"
	ColVenueKind  = "venue_kind"
	ColPopulation = "adult_population"
	colNamePrefix = "name_"
)

// Import error keys (RowError.Key), for the catalog. Args named in brackets.
const (
	keyImpTooLarge      = "place.import.error.too_large"        // [max_bytes]
	keyImpTooManyRows   = "place.import.error.too_many_rows"    // [max]
	keyImpEmpty         = "place.import.error.empty"            // no header
	keyImpBadEncoding   = "place.import.error.bad_encoding"     // not UTF-8
	keyImpBadCSV        = "place.import.error.bad_csv"          // broken quotes [line]
	keyImpBadHeader     = "place.import.error.bad_header"       // unknown column [column]
	keyImpDupColumn     = "place.import.error.duplicate_column" // [column]
	keyImpMissingColumn = "place.import.error.missing_column"   // [column]
	keyImpExtraFields   = "place.import.error.extra_fields"     // more cells than header columns
	keyImpRequired      = "place.import.error.required"         // [column]
	keyImpTooLong       = "place.import.error.too_long"         // [column, max]
	keyImpBadText       = "place.import.error.bad_text"         // control characters [column]
	keyImpBadKind       = "place.import.error.bad_kind"         // [value]
	keyImpBadVenueKind  = "place.import.error.bad_venue_kind"   // [value, kind]
	keyImpBadNumber     = "place.import.error.bad_number"       // [value]
	keyImpMissingName   = "place.import.error.missing_name"
	keyImpDupCode       = "place.import.error.duplicate_code"  // [code, first_row]
	keyImpUnknownParent = "place.import.error.unknown_parent"  // [parent_code]
	keyImpBadParent     = "place.import.error.bad_parent"      // kind rule [kind, parent_code, parent_kind]
	keyImpCycle         = "place.import.error.cycle"           // [code, parent_code]
	keyImpKindChanged   = "place.import.error.kind_changed"    // [code, kind (stored)]
	keyImpTooManyErrors = "place.import.error.too_many_errors" // [shown, bad_rows]
	keyImpRejected      = "place.import.error.rejected"        // the error Import returns [bad_rows]
	keyImpConflict      = "place.import.error.conflict"        // a concurrent change; try again
)

// RowError is one problem in an imported file.
type RowError struct {
	// Row is the line of the file the record starts on, the header being 1 —
	// the spreadsheet's row number unless a cell holds a line break. 0 is the
	// whole file.
	Row int
	// Column is the header name of the cell at fault ("" for the row or file).
	Column string
	Key    string
	Args   map[string]any
}

// Report is the outcome of an Import.
type Report struct {
	Rows      int // data rows read (blank rows skipped)
	Created   int
	Updated   int
	Unchanged int // rows that matched what was stored
	BadRows   int // rows with at least one error
	// Errors lists the problems, by row, at most MaxReportErrors (then one more
	// saying how many rows were bad in all). Non-empty means nothing was written.
	Errors []RowError
}

// OK reports whether the import was written.
func (r *Report) OK() bool { return len(r.Errors) == 0 }

// Import reads a hierarchy from CSV and writes it all or not at all.
//
// Columns are found by header name, in any order: code, kind and at least one
// name_<lang> are required; parent_code, venue_kind and adult_population are
// optional. The file is UTF-8 with or without a byte-order mark, delimited by
// commas, semicolons (what Excel writes in ru, uk and lv locales) or tabs, as
// the header line shows. A row's parent may be defined earlier, later, or
// already stored. A row whose code is stored updates that place (a re-import
// changes only what differs): it moves the place when parent_code differs, takes
// venue_kind and adult_population when those columns are present (an empty
// population cell forgets the figure), and sets the names of non-empty name
// cells; empty name cells leave that language alone. A stored place's kind
// cannot change.
//
// Every row is checked first. When any is bad, nothing is written, the Report
// lists the problems and the error is Invalid (place.import.error.rejected); the
// caller shows the report. Otherwise all rows are written in one transaction and
// the error is nil.
// On SQLite the import holds the one write connection from the first check to
// the commit, so other writes wait for it (seconds for a very large file).
// Errors: Invalid (with the Report), Conflict (place.import.error.conflict: a
// code was stored meanwhile; importing again resolves it), Internal.
func (s *Service) Import(ctx context.Context, r io.Reader) (Report, error) {
	var rep Report
	data, err := io.ReadAll(io.LimitReader(r, MaxImportBytes+1))
	if err != nil {
		return rep, errs.Wrap(err, "place: import: read")
	}
	im := &importer{svc: s, rep: &rep}
	if len(data) > MaxImportBytes {
		im.fileError(0, keyImpTooLarge, map[string]any{"max_bytes": MaxImportBytes})
		return im.reject()
	}
	if !im.parse(data) {
		return im.reject()
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := im.resolve(ctx, tx); err != nil {
			return err
		}
		if rep.BadRows > 0 {
			return errRejected
		}
		return im.write(ctx, tx)
	})
	if errors.Is(err, errRejected) {
		return im.reject()
	}
	if db.IsUniqueViolation(err) {
		// Someone else stored one of the codes between our check and our write
		// (PostgreSQL; on SQLite the import holds the write lock throughout).
		return Report{Rows: rep.Rows}, errs.E(errs.Conflict, keyImpConflict, err)
	}
	if err != nil {
		return Report{Rows: rep.Rows}, errs.Wrap(err, "place: import")
	}
	return rep, nil
}

// ImportRef is one row of an import file as Import reads it: what a caller
// needs to check the rows against rules of its own before importing (the web
// layer checks each code against the person's place scope).
type ImportRef struct {
	Row        int // the file's line
	Code       string
	ParentCode string
	Kind       Kind
}

// ScanImport reads an import file exactly as Import does — size, encoding,
// delimiter, header, cells — without the database, and lists its rows. When
// Import would refuse the file as a whole, the problems found so far are
// returned instead; problems of single rows are left to Import.
func ScanImport(data []byte) ([]ImportRef, []RowError) {
	if len(data) > MaxImportBytes {
		return nil, []RowError{{Key: keyImpTooLarge, Args: map[string]any{"max_bytes": MaxImportBytes}}}
	}
	var rep Report
	im := &importer{rep: &rep}
	if !im.parse(data) {
		return nil, rep.Errors
	}
	refs := make([]ImportRef, 0, len(im.rows))
	for _, r := range im.rows {
		refs = append(refs, ImportRef{Row: r.line, Code: r.code, ParentCode: r.parentCode, Kind: r.kind})
	}
	return refs, nil
}

// errRejected rolls the transaction back when resolve found bad rows.
var errRejected = errors.New("place: import rejected")

type langName struct {
	lang, name string
}

// row is one data row of the file, checked.
type row struct {
	line       int
	code       string
	parentCode string
	kind       Kind
	venueKind  VenueKind
	pop        *int64
	names      []langName // non-empty cells only
	bad        bool
	errCols    []string // columns with an error, "" for the row
	nameErr    bool     // a name cell was at fault

	// Filled by resolve.
	ex        *existing // the stored place with this code
	parentRow *row      // the parent, when the file defines it
	parentEx  *existing // the parent, when only the database has it

	// Filled by write.
	id    string
	chain []string // ancestors and the place itself, root first
}

type importer struct {
	svc  *Service
	rep  *Report
	rows []*row
	// column indexes, -1 when absent
	cCode, cParent, cKind, cVenue, cPop int
	cNames                              []struct {
		lang string
		i    int
	}
	width  int
	byCode map[string]*row
}

func (im *importer) fileError(line int, key string, args map[string]any) {
	im.rep.Errors = append(im.rep.Errors, RowError{Row: line, Key: key, Args: args})
	im.rep.BadRows++
}

// fail records a problem with r; column "" is the whole row.
func (im *importer) fail(r *row, column, key string, args map[string]any) {
	if !r.bad {
		r.bad = true
		im.rep.BadRows++
	}
	r.errCols = append(r.errCols, column)
	im.rep.Errors = append(im.rep.Errors, RowError{Row: r.line, Column: column, Key: key, Args: args})
}

func (im *importer) reject() (Report, error) {
	e := im.rep.Errors
	slices.SortStableFunc(e, func(a, b RowError) int { return cmp.Compare(a.Row, b.Row) })
	if len(e) > MaxReportErrors {
		e = append(e[:MaxReportErrors:MaxReportErrors], RowError{Key: keyImpTooManyErrors,
			Args: map[string]any{"shown": MaxReportErrors, "bad_rows": im.rep.BadRows}})
	}
	im.rep.Errors = e
	im.rep.Created, im.rep.Updated, im.rep.Unchanged = 0, 0, 0
	return *im.rep, &errs.Error{Code: errs.Invalid, Key: keyImpRejected,
		Args: map[string]any{"bad_rows": im.rep.BadRows}, Err: fmt.Errorf("place import: %d bad rows", im.rep.BadRows)}
}

// clip keeps what a report echoes back short.
func clip(s string) string {
	const n = 60
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// detectDelimiter picks the most frequent of , ; and tab in the header line,
// outside quotes.
func detectDelimiter(data []byte) rune {
	var comma, semi, tab int
	quoted := false
	for _, c := range data {
		if c == '"' {
			quoted = !quoted
			continue
		}
		if quoted {
			continue
		}
		if c == '\n' {
			if comma+semi+tab > 0 {
				break
			}
			continue
		}
		switch c {
		case ',':
			comma++
		case ';':
			semi++
		case '\t':
			tab++
		}
	}
	switch {
	case semi > comma && semi >= tab:
		return ';'
	case tab > comma && tab > semi:
		return '\t'
	}
	return ','
}

// parse reads the header and every row, checking what needs no database. It
// returns false when the file cannot be read on (encoding, quoting, header, size).
func (im *importer) parse(data []byte) bool {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		bad := 0
		for len(data[bad:]) > 0 {
			r, n := utf8.DecodeRune(data[bad:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			bad += n
		}
		im.fileError(1+bytes.Count(data[:bad], []byte{'\n'}), keyImpBadEncoding, nil)
		return false
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = detectDelimiter(data)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		im.fileError(0, keyImpEmpty, nil)
		return false
	}
	if err != nil {
		im.csvError(err)
		return false
	}
	headerLine, _ := cr.FieldPos(0)
	if !im.header(header, headerLine) {
		return false
	}
	im.byCode = make(map[string]*row)
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			im.csvError(err)
			return false
		}
		line, _ := cr.FieldPos(0)
		if blank(rec) {
			continue
		}
		if im.rep.Rows == MaxImportRows {
			im.fileError(line, keyImpTooManyRows, map[string]any{"max": MaxImportRows})
			return false
		}
		im.rep.Rows++
		im.row(rec, line)
	}
	return true // a header alone is a valid, empty import
}

func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

func (im *importer) csvError(err error) {
	line := 0
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		line = pe.StartLine
	}
	im.fileError(line, keyImpBadCSV, map[string]any{"line": line})
}

// header maps columns; unknown, duplicate and missing columns are errors, but a
// column with an empty header (stray cells in a spreadsheet) is ignored.
func (im *importer) header(h []string, line int) bool {
	im.cCode, im.cParent, im.cKind, im.cVenue, im.cPop = -1, -1, -1, -1, -1
	im.width = len(h)
	seen := map[string]bool{}
	ok := true
	bad := func(key, col string) {
		im.rep.Errors = append(im.rep.Errors, RowError{Row: line, Column: col, Key: key,
			Args: map[string]any{"column": clip(col)}})
		ok = false
	}
	for i, raw := range h {
		name := strings.ToLower(cleanText(raw))
		if name == "" {
			continue
		}
		if seen[name] {
			bad(keyImpDupColumn, name)
			continue
		}
		seen[name] = true
		switch name {
		case ColCode:
			im.cCode = i
		case ColParentCode:
			im.cParent = i
		case ColKind:
			im.cKind = i
		case ColVenueKind:
			im.cVenue = i
		case ColPopulation:
			im.cPop = i
		default:
			lang, isName := strings.CutPrefix(name, colNamePrefix)
			if isName && slices.Contains(Langs(), lang) {
				im.cNames = append(im.cNames, struct {
					lang string
					i    int
				}{lang, i})
				continue
			}
			bad(keyImpBadHeader, name)
		}
	}
	if !ok {
		// Unknown columns usually mean a wrong file or a typo; the missing-column
		// errors would only repeat the same story.
		im.rep.BadRows++
		return false
	}
	for col, i := range map[string]int{ColCode: im.cCode, ColKind: im.cKind} {
		if i < 0 {
			bad(keyImpMissingColumn, col)
		}
	}
	if len(im.cNames) == 0 {
		bad(keyImpMissingColumn, colNamePrefix+"*")
	}
	if !ok {
		slices.SortFunc(im.rep.Errors, func(a, b RowError) int { return cmp.Compare(a.Column, b.Column) })
		im.rep.BadRows++
	}
	return ok
}

func cell(rec []string, i int) string {
	if i < 0 || i >= len(rec) {
		return ""
	}
	return rec[i]
}

// normKind reads a kind or venue kind as people type it: any case, spaces or
// hyphens for underscores.
func normKind(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return '_'
		}
		return r
	}, s)
}

// row checks one record on its own.
func (im *importer) row(rec []string, line int) {
	r := &row{line: line}
	im.rows = append(im.rows, r)
	// Cells past the header or under a nameless column must be empty: Excel
	// leaves empty ones behind, but a value there would be silently lost.
	for i := range rec {
		if rec[i] != "" && !im.named(i) && strings.TrimSpace(rec[i]) != "" {
			im.fail(r, "", keyImpExtraFields, map[string]any{"columns": im.width})
			break
		}
	}

	r.code = cleanText(cell(rec, im.cCode))
	switch checkCode(r.code) {
	case keyRequired:
		im.fail(r, ColCode, keyImpRequired, map[string]any{"column": ColCode})
	case keyTooLong:
		im.fail(r, ColCode, keyImpTooLong, map[string]any{"column": ColCode, "max": MaxCodeLen})
	case keyBadText:
		im.fail(r, ColCode, keyImpBadText, map[string]any{"column": ColCode})
	default:
		if first, dup := im.byCode[r.code]; dup {
			im.fail(r, ColCode, keyImpDupCode, map[string]any{"code": clip(r.code), "first_row": first.line})
		} else {
			im.byCode[r.code] = r
		}
	}

	kindOK := false
	if raw := cell(rec, im.cKind); strings.TrimSpace(raw) == "" {
		im.fail(r, ColKind, keyImpRequired, map[string]any{"column": ColKind})
	} else if k := Kind(normKind(raw)); !k.Valid() {
		im.fail(r, ColKind, keyImpBadKind, map[string]any{"value": clip(raw)})
	} else {
		r.kind, kindOK = k, true
	}

	if raw := cell(rec, im.cVenue); strings.TrimSpace(raw) != "" {
		vk := VenueKind(normKind(raw))
		switch {
		case !vk.Valid():
			im.fail(r, ColVenueKind, keyImpBadVenueKind, map[string]any{"value": clip(raw), "kind": string(r.kind)})
		case kindOK && r.kind != KindVenue:
			im.fail(r, ColVenueKind, keyImpBadVenueKind, map[string]any{"value": clip(raw), "kind": string(r.kind)})
		default:
			r.venueKind = vk
		}
	}

	r.parentCode = cleanText(cell(rec, im.cParent))
	if kindOK {
		switch {
		case r.kind == KindCountry && r.parentCode != "":
			im.fail(r, ColParentCode, keyImpBadParent, map[string]any{"kind": string(r.kind),
				"parent_code": clip(r.parentCode), "parent_kind": ""})
		case r.kind != KindCountry && r.parentCode == "":
			im.fail(r, ColParentCode, keyImpRequired, map[string]any{"column": ColParentCode})
		}
	}

	if raw := cell(rec, im.cPop); im.cPop >= 0 {
		p, ok := ParsePopulation(raw)
		if !ok {
			im.fail(r, ColPopulation, keyImpBadNumber, map[string]any{"value": clip(raw)})
		}
		r.pop = p
	}

	nameErr := false
	for _, c := range im.cNames {
		name := cleanText(cell(rec, c.i))
		if name == "" {
			continue
		}
		col := colNamePrefix + c.lang
		switch checkName(name) {
		case keyTooLong:
			im.fail(r, col, keyImpTooLong, map[string]any{"column": col, "max": MaxNameLen})
			nameErr = true
			continue
		case keyBadText:
			im.fail(r, col, keyImpBadText, map[string]any{"column": col})
			nameErr = true
			continue
		}
		r.names = append(r.names, langName{c.lang, name})
	}
	r.nameErr = nameErr
}

func (im *importer) named(i int) bool {
	if i == im.cCode || i == im.cParent || i == im.cKind || i == im.cVenue || i == im.cPop {
		return true
	}
	for _, c := range im.cNames {
		if c.i == i {
			return true
		}
	}
	return false
}

// resolve checks what needs the database: parents, kind rules, cycles, and
// stored places the rows update.
func (im *importer) resolve(ctx context.Context, q querier) error {
	if len(im.rows) == 0 {
		return nil
	}
	want := make([]string, 0, len(im.byCode))
	for code := range im.byCode {
		want = append(want, code)
	}
	for _, r := range im.rows {
		if r.parentCode != "" && im.byCode[r.parentCode] == nil {
			want = append(want, r.parentCode)
		}
	}
	slices.Sort(want)
	want = slices.Compact(want)
	stored, err := lookupCodes(ctx, q, want)
	if err != nil {
		return fmt.Errorf("look up codes: %w", err)
	}

	im.findCycles()
	for _, r := range im.rows {
		if im.byCode[r.code] == r {
			r.ex = stored[r.code]
		}
		// A new place needs a name; a stored one keeps its names.
		if r.ex == nil && len(r.names) == 0 && !r.nameErr {
			im.fail(r, "", keyImpMissingName, nil)
		}
		if r.code == "" || im.byCode[r.code] != r {
			continue // no code, or a duplicate already reported
		}
		if r.ex != nil && r.kind != "" && r.ex.kind != r.kind {
			im.fail(r, ColKind, keyImpKindChanged, map[string]any{"code": clip(r.code), "kind": string(r.ex.kind)})
			continue
		}
		if r.kind == KindVenue && r.venueKind == "" {
			if r.ex != nil && im.cVenue < 0 {
				r.venueKind = r.ex.venueKind // column absent: keep
			} else if !im.hasError(r, ColVenueKind) {
				im.fail(r, ColVenueKind, keyImpRequired, map[string]any{"column": ColVenueKind})
			}
		}
		if r.parentCode == "" || r.kind == KindCountry || r.kind == "" || im.hasError(r, ColParentCode) {
			continue
		}
		var parentKind Kind
		if pr := im.byCode[r.parentCode]; pr != nil {
			r.parentRow, parentKind = pr, pr.kind
		} else if pe := stored[r.parentCode]; pe != nil {
			r.parentEx, parentKind = pe, pe.kind
		} else {
			im.fail(r, ColParentCode, keyImpUnknownParent, map[string]any{"parent_code": clip(r.parentCode)})
			continue
		}
		if parentKind != "" && !CanParent(parentKind, r.kind) {
			im.fail(r, ColParentCode, keyImpBadParent, map[string]any{"kind": string(r.kind),
				"parent_code": clip(r.parentCode), "parent_kind": string(parentKind)})
		}
	}
	return nil
}

// hasError reports whether r already has an error in column.
func (im *importer) hasError(r *row, column string) bool {
	return slices.Contains(r.errCols, column)
}

// findCycles reports rows whose parent_code chain inside the file comes back to
// them. The kind rules would refuse such rows too, but "A is inside B is inside
// A" is the message that helps.
func (im *importer) findCycles() {
	const (
		unseen = iota
		onPath
		done
	)
	state := make(map[*row]int, len(im.rows))
	var path []*row
	for _, start := range im.rows {
		path = path[:0]
		cur := start
		for cur != nil && state[cur] == unseen {
			state[cur] = onPath
			path = append(path, cur)
			cur = im.byCode[cur.parentCode]
		}
		if cur != nil && state[cur] == onPath {
			i := slices.Index(path, cur)
			for _, r := range path[i:] {
				im.fail(r, ColParentCode, keyImpCycle, map[string]any{"code": clip(r.code), "parent_code": clip(r.parentCode)})
			}
		}
		for _, r := range path {
			state[r] = done
		}
	}
}

// write stores the checked rows, a level at a time from the countries down, so
// every parent (new, moved or stored) is in its final place before its children
// are written. New rows go in with multi-row INSERTs whose closure rows come
// from the parent's chain held in memory; stored rows are updated, and moved
// with the closure rewrite MovePlace uses.
func (im *importer) write(ctx context.Context, tx *sql.Tx) error {
	ts := db.FormatTime(im.svc.stamp())
	rows := slices.Clone(im.rows)
	slices.SortStableFunc(rows, func(a, b *row) int { return cmp.Compare(a.kind.level(), b.kind.level()) })

	places := newPlaceInserter(ctx, tx, im.svc.db.Dialect)
	defer places.close()
	names := newNameUpserter(ctx, tx, im.svc.db.Dialect)
	defer names.close()
	closure := newClosureInserter(ctx, tx, im.svc.db.Dialect)
	defer closure.close()
	upd, err := prepareImportUpdate(ctx, tx)
	if err != nil {
		return err
	}
	defer upd.Close()

	for lo := 0; lo < len(rows); {
		hi := lo
		for hi < len(rows) && rows[hi].kind == rows[lo].kind {
			hi++
		}
		if err := im.writeLevel(ctx, tx, rows[lo:hi], ts, places, names, closure, upd); err != nil {
			return err
		}
		lo = hi
	}
	return nil
}

func (im *importer) writeLevel(ctx context.Context, tx *sql.Tx, level []*row, ts string,
	places, names, closure *bulkInsert, upd *sql.Stmt) error {
	// Chains of stored parents, read now: moves of earlier levels are done.
	var need []string
	for _, r := range level {
		if r.parentEx != nil {
			need = append(need, r.parentEx.id)
		}
	}
	slices.Sort(need)
	need = slices.Compact(need)
	chains, err := ancestorChains(ctx, tx, need)
	if err != nil {
		return fmt.Errorf("parent chains: %w", err)
	}
	for _, id := range need {
		if len(chains[id]) == 0 {
			return fmt.Errorf("place %s has no closure rows", id)
		}
	}
	parentChain := func(r *row) []string {
		switch {
		case r.parentRow != nil:
			return r.parentRow.chain
		case r.parentEx != nil:
			return chains[r.parentEx.id]
		}
		return nil
	}

	// New places: the rows, then names and closure, so foreign keys hold at
	// every statement.
	for _, r := range level {
		if r.ex != nil {
			continue
		}
		r.id = im.svc.newID()
		pc := parentChain(r)
		r.chain = append(slices.Clip(pc), r.id)
		parentID := ""
		if len(pc) > 0 {
			parentID = pc[len(pc)-1]
		}
		if err := places.add(r.id, nullString(parentID), string(r.kind), nullString(string(r.venueKind)), r.code,
			nullInt(r.pop), len(pc), ts, ts); err != nil {
			return fmt.Errorf("insert places: %w", err)
		}
		im.rep.Created++
	}
	if err := places.flush(); err != nil {
		return fmt.Errorf("insert places: %w", err)
	}
	for _, r := range level {
		if r.ex != nil {
			continue
		}
		for _, n := range r.names {
			if err := names.add(r.id, n.lang, n.name, foldName(n.name)); err != nil {
				return fmt.Errorf("insert names: %w", err)
			}
		}
		for i, a := range r.chain {
			if err := closure.add(a, r.id, len(r.chain)-1-i); err != nil {
				return fmt.Errorf("insert closure: %w", err)
			}
		}
	}

	// Stored places: update what differs, move when the parent changed.
	for _, r := range level {
		if r.ex == nil {
			continue
		}
		ex := r.ex
		r.id = ex.id
		pc := parentChain(r)
		r.chain = append(slices.Clip(pc), r.id)
		parentID := ""
		if len(pc) > 0 {
			parentID = pc[len(pc)-1]
		}
		changed := false
		if parentID != ex.parentID {
			if err := moveSubtree(ctx, tx, ex.id, parentID, len(pc), ts); err != nil {
				return fmt.Errorf("move %s: %w", r.code, err)
			}
			changed = true
		}
		vk, pop := ex.venueKind, ex.pop
		if im.cVenue >= 0 || r.venueKind != "" {
			vk = r.venueKind
		}
		if im.cPop >= 0 {
			pop = r.pop
		}
		if vk != ex.venueKind || !samePop(pop, ex.pop) {
			if err := importUpdate(ctx, upd, ex.id, vk, pop, ts); err != nil {
				return fmt.Errorf("update %s: %w", r.code, err)
			}
			changed = true
		}
		for _, n := range r.names {
			if ex.names[n.lang] != n.name {
				if err := names.add(r.id, n.lang, n.name, foldName(n.name)); err != nil {
					return fmt.Errorf("update names: %w", err)
				}
				changed = true
			}
		}
		if changed {
			if err := touchPlace(ctx, tx, ex.id, ts); err != nil {
				return err
			}
			im.rep.Updated++
		} else {
			im.rep.Unchanged++
		}
	}
	if err := names.flush(); err != nil {
		return fmt.Errorf("names: %w", err)
	}
	if err := closure.flush(); err != nil {
		return fmt.Errorf("closure: %w", err)
	}
	return nil
}

func samePop(a, b *int64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}
