package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"runtime"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/onramp/onramp/internal/account"
	"github.com/onramp/onramp/internal/errs"
	"github.com/onramp/onramp/internal/place"
)

// The import page lets an administrator load a file into the tree, but only
// into the part of it they manage. place.Import knows nothing of grants, so
// before it runs, the page reads the file's codes, parent codes and kinds
// itself — the way Import reads them — and refuses, with row errors of the same
// shape, any row that would touch a place outside the person's scope:
//
//   - a row whose code is a stored place (the row would change or move it) must
//     name a place inside the scope;
//   - a parent_code that is not defined in the file must name a stored place
//     inside the scope (one outside gets the same message as one that does not
//     exist, so the page tells nothing about other parts of the tree);
//   - a new country needs the rule of mayCreateCountry.
//
// Parents defined in the file are rows themselves, checked in turn, so every
// chain of new places ends on a checked stored place or a checked new country.
// When this reading fails (encoding, quotes, header), the file is refused here
// and Import is not called: a file must never reach Import unchecked.

// importRef is what the scope check needs of one row.
type importRef struct {
	line         int
	code, parent string
	kind         place.Kind
}

// scanImport reads the rows' codes, parent codes and kinds. A file it cannot
// read gives one file-level error, with the key Import would give.
func scanImport(data []byte) ([]importRef, *place.RowError) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return nil, &place.RowError{Row: firstBadLine(data), Key: "place.import.error.bad_encoding"}
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = importDelimiter(data)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, &place.RowError{Key: "place.import.error.empty"}
	}
	if err != nil {
		return nil, csvRowError(err)
	}
	col := map[string]int{place.ColCode: -1, place.ColParentCode: -1, place.ColKind: -1}
	for i, raw := range header {
		name := strings.ToLower(importText(raw))
		if c, ok := col[name]; ok && c < 0 {
			col[name] = i
		}
	}
	for _, c := range []string{place.ColCode, place.ColKind} {
		if col[c] < 0 {
			line, _ := cr.FieldPos(0)
			return nil, &place.RowError{Row: line, Column: c, Key: "place.import.error.missing_column",
				Args: map[string]any{"column": c}}
		}
	}
	cell := func(rec []string, name string) string {
		if i := col[name]; i >= 0 && i < len(rec) {
			return rec[i]
		}
		return ""
	}
	var refs []importRef
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return refs, nil
		}
		if err != nil {
			return nil, csvRowError(err)
		}
		line, _ := cr.FieldPos(0)
		if blankRecord(rec) {
			continue
		}
		if len(refs) == place.MaxImportRows {
			return nil, &place.RowError{Row: line, Key: "place.import.error.too_many_rows",
				Args: map[string]any{"max": place.MaxImportRows}}
		}
		refs = append(refs, importRef{line: line, code: importText(cell(rec, place.ColCode)),
			parent: importText(cell(rec, place.ColParentCode)), kind: place.Kind(importKind(cell(rec, place.ColKind)))})
	}
}

// importScopeErrors checks refs against the person's scope (see above).
func (s *Server) importScopeErrors(ctx context.Context, p *principal, refs []importRef) ([]place.RowError, error) {
	whole, err := s.managesWholeTree(ctx, p)
	if err != nil || whole {
		return nil, err
	}
	inFile := make(map[string]bool, len(refs))
	for _, r := range refs {
		inFile[r.code] = true
	}
	var want []string
	asked := map[string]bool{}
	for _, r := range refs {
		for _, c := range []string{r.code, r.parent} {
			if c != "" && !asked[c] && (c == r.code || !inFile[c]) {
				asked[c] = true
				want = append(want, c)
			}
		}
	}
	stored, err := s.lookUpCodes(ctx, p.Grants.PlacesFor(account.ActManagePlaces), want)
	if err != nil {
		return nil, err
	}
	var (
		out       []place.RowError
		seen      = make(map[string]bool, len(refs))
		countryOK *bool
	)
	for _, r := range refs {
		if r.code != "" && !seen[r.code] {
			seen[r.code] = true
			inScope, found := stored[r.code]
			switch {
			case found && !inScope:
				out = append(out, place.RowError{Row: r.line, Column: place.ColCode, Key: "place.import.error.out_of_scope",
					Args: map[string]any{"code": clipText(r.code)}})
			case !found && r.kind == place.KindCountry:
				if countryOK == nil {
					ok, err := s.mayCreateCountry(ctx, p)
					if err != nil {
						return nil, err
					}
					countryOK = &ok
				}
				if !*countryOK {
					out = append(out, place.RowError{Row: r.line, Column: place.ColKind,
						Key: "place.import.error.country_not_allowed"})
				}
			}
		}
		if r.parent != "" && !inFile[r.parent] {
			if inScope, found := stored[r.parent]; found && !inScope {
				out = append(out, place.RowError{Row: r.line, Column: place.ColParentCode, Key: "place.import.error.unknown_parent",
					Args: map[string]any{"parent_code": clipText(r.parent)}})
			}
		}
	}
	return out, nil
}

// managesWholeTree reports whether the person manages places in every country,
// and so everywhere: then any row is in scope, new countries included, and the
// codes need no looking up — the usual case of a programme in one country.
func (s *Server) managesWholeTree(ctx context.Context, p *principal) (bool, error) {
	mine := 0
	for _, id := range p.Grants.PlacesFor(account.ActManagePlaces) {
		pl, err := s.deps.Places.FindPlaceByID(ctx, id)
		if errs.Is(err, errs.NotFound) {
			continue
		}
		if err != nil {
			return false, err
		}
		if pl.Kind == place.KindCountry {
			mine++
		}
	}
	if mine == 0 {
		return false, nil
	}
	_, all, err := s.deps.Places.FindPlaces(ctx, place.Filter{Kind: place.KindCountry, Limit: 1})
	return err == nil && all == mine, err
}

// lookUpCodes finds which codes are stored, and whether each is within roots:
// code -> in scope, for the stored ones only. The look-ups run a few at a time
// on the reader pool; a large file has one per row.
func (s *Server) lookUpCodes(ctx context.Context, roots, codes []string) (map[string]bool, error) {
	type result struct {
		code           string
		found, inScope bool
		err            error
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan string)
	results := make(chan result)
	workers := min(4, max(1, runtime.GOMAXPROCS(0)), max(1, len(codes)))
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for code := range jobs {
				res := result{code: code}
				pl, err := s.deps.Places.FindPlaceByCode(ctx, code)
				switch {
				case errs.Is(err, errs.NotFound):
				case err != nil:
					res.err = err
				default:
					res.found = true
					res.inScope, res.err = s.deps.Places.IsWithin(ctx, pl.ID, roots...)
				}
				select {
				case results <- res:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		defer close(jobs)
		for _, c := range codes {
			select {
			case jobs <- c:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()
	out := map[string]bool{}
	for res := range results {
		if res.err != nil {
			cancel()
			for range results {
			}
			return nil, res.err
		}
		if res.found {
			out[res.code] = res.inScope
		}
	}
	return out, nil
}

// importText is how Import cleans a cell: NFC, spaces trimmed.
func importText(s string) string { return strings.TrimSpace(norm.NFC.String(s)) }

// importKind is how Import reads a kind: any case, spaces or hyphens for underscores.
func importKind(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return '_'
		}
		return r
	}, strings.ToLower(strings.TrimSpace(s)))
}

// importDelimiter is Import's choice of delimiter: the most frequent of comma,
// semicolon and tab in the header line, outside quotes.
func importDelimiter(data []byte) rune {
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

func firstBadLine(data []byte) int {
	good := 0
	for good < len(data) {
		r, n := utf8.DecodeRune(data[good:])
		if r == utf8.RuneError && n <= 1 {
			break
		}
		good += n
	}
	return 1 + bytes.Count(data[:good], []byte{'\n'})
}

func csvRowError(err error) *place.RowError {
	line := 0
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		line = pe.StartLine
	}
	return &place.RowError{Row: line, Key: "place.import.error.bad_csv", Args: map[string]any{"line": line}}
}

func blankRecord(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// clipText keeps what a report echoes back short, as Import does.
func clipText(s string) string {
	const n = 60
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
