package web

import (
	"context"
	"runtime"
	"sync"
	"unicode/utf8"

	"github.com/onramp/onramp/internal/account"
	"github.com/onramp/onramp/internal/errs"
	"github.com/onramp/onramp/internal/place"
)

// The import page lets an administrator load a file into the tree, but only
// into the part of it they manage. place.Import knows nothing of grants, so
// before it runs, the page reads the file's codes, parent codes and kinds with
// place.ScanImport — exactly as Import reads them — and refuses, with row errors of the same
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

// importScopeErrors checks refs against the person's scope (see above).
func (s *Server) importScopeErrors(ctx context.Context, p *principal, refs []place.ImportRef) ([]place.RowError, error) {
	whole, err := s.managesWholeTree(ctx, p)
	if err != nil || whole {
		return nil, err
	}
	inFile := make(map[string]bool, len(refs))
	for _, r := range refs {
		inFile[r.Code] = true
	}
	var want []string
	asked := map[string]bool{}
	for _, r := range refs {
		for _, c := range []string{r.Code, r.ParentCode} {
			if c != "" && !asked[c] && (c == r.Code || !inFile[c]) {
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
		if r.Code != "" && !seen[r.Code] {
			seen[r.Code] = true
			inScope, found := stored[r.Code]
			switch {
			case found && !inScope:
				out = append(out, place.RowError{Row: r.Row, Column: place.ColCode, Key: "place.import.error.out_of_scope",
					Args: map[string]any{"code": clipText(r.Code)}})
			case !found && r.Kind == place.KindCountry:
				if countryOK == nil {
					ok, err := s.mayCreateCountry(ctx, p)
					if err != nil {
						return nil, err
					}
					countryOK = &ok
				}
				if !*countryOK {
					out = append(out, place.RowError{Row: r.Row, Column: place.ColKind,
						Key: "place.import.error.country_not_allowed"})
				}
			}
		}
		if r.ParentCode != "" && !inFile[r.ParentCode] {
			if inScope, found := stored[r.ParentCode]; found && !inScope {
				out = append(out, place.RowError{Row: r.Row, Column: place.ColParentCode, Key: "place.import.error.unknown_parent",
					Args: map[string]any{"parent_code": clipText(r.ParentCode)}})
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

// clipText shortens a code quoted in a message, as Import's own messages do.
func clipText(s string) string {
	const n = 60
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
