package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/onramp/onramp/internal/account"
	"github.com/onramp/onramp/internal/errs"
	"github.com/onramp/onramp/internal/i18n"
	"github.com/onramp/onramp/internal/place"
)

// placeRoutes are the place pages: list, view, create, rename, move, import.
//
// The list and the place page are open to anyone who may open place pages at
// all (placeViewActions); their handlers answer 403 for everyone else, as
// Needs would, because no single action covers them. Everything that changes
// the tree needs manage_places, at the place concerned.
func (s *Server) placeRoutes() []Route {
	manage := Needs(account.ActManagePlaces)
	return []Route{
		{"GET /places", http.HandlerFunc(s.placeList), SignedIn},
		{"GET /places/new", http.HandlerFunc(s.placeNew), manage},
		{"POST /places", http.HandlerFunc(s.placeCreate), manage},
		{"GET /places/import", http.HandlerFunc(s.placeImportPage), manage},
		{"POST /places/import", http.HandlerFunc(s.placeImport), manage},
		{"GET /places/{id}", http.HandlerFunc(s.placeShow), SignedIn},
		{"GET /places/{id}/edit", http.HandlerFunc(s.placeEdit), manage},
		{"POST /places/{id}", http.HandlerFunc(s.placeUpdate), manage},
		{"GET /places/{id}/move", http.HandlerFunc(s.placeMovePage), manage},
		{"POST /places/{id}/move", http.HandlerFunc(s.placeMove), manage},
	}
}

// placePageSize is how many places a list page shows.
const placePageSize = 50

// mayOpenPlaces reports whether the person may open place pages anywhere: the
// access of GET /places and GET /places/{id}.
func mayOpenPlaces(p *principal) bool {
	if p == nil {
		return false
	}
	for _, a := range placeViewActions() {
		if holdsAnywhere(p.Grants, a) {
			return true
		}
	}
	return false
}

// viewsAt reports whether some grant lets the person open the place whose scope
// (the place and its ancestors) is given.
func viewsAt(gs account.Grants, scope []string) bool {
	for _, a := range placeViewActions() {
		if gs.Allows(a, scope) {
			return true
		}
	}
	return false
}

// requirePlaceViewer answers 403 (and returns nil) unless the person may open
// place pages somewhere.
func (s *Server) requirePlaceViewer(w http.ResponseWriter, r *http.Request) *principal {
	p := who(r)
	if p == nil {
		s.needLogin(w, r)
		return nil
	}
	if !mayOpenPlaces(p) {
		s.renderError(w, r, http.StatusForbidden, "error.forbidden")
		return nil
	}
	return p
}

// placePath returns the path from the country down to id (the place last) and
// the IDs of that path: the scope a grant must reach. NotFound for no place.
func (s *Server) placePath(ctx context.Context, id string) ([]*place.Place, []string, error) {
	anc, err := s.deps.Places.Ancestors(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	ids := make([]string, len(anc))
	for i, a := range anc {
		ids[i] = a.ID
	}
	return anc, ids, nil
}

// managedPlace loads the place of the URL when the person may manage places
// there. Otherwise it answers 404 (missing and out of scope look the same) and
// returns nil.
func (s *Server) managedPlace(w http.ResponseWriter, r *http.Request) (*principal, *place.Place, []*place.Place) {
	p := who(r)
	path, scope, err := s.placePath(r.Context(), r.PathValue("id"))
	if err != nil && !errs.Is(err, errs.NotFound) {
		s.fail(w, r, err)
		return nil, nil, nil
	}
	if err != nil || !p.Grants.Allows(account.ActManagePlaces, scope) {
		s.renderError(w, r, http.StatusNotFound, "place.error.not_found")
		return nil, nil, nil
	}
	return p, path[len(path)-1], path
}

// placeRoots returns the places the person's grants for any of acts sit on,
// leaving out those inside another of them, so each place is reached once.
func (s *Server) placeRoots(ctx context.Context, gs account.Grants, acts ...account.Action) ([]*place.Place, error) {
	var ids []string
	for _, a := range acts {
		for _, id := range gs.PlacesFor(a) {
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	var out []*place.Place
	for i, id := range ids {
		others := slices.Delete(slices.Clone(ids), i, i+1)
		inside, err := s.deps.Places.IsWithin(ctx, id, others...)
		if err != nil {
			return nil, err
		}
		if inside {
			continue
		}
		pl, err := s.deps.Places.FindPlaceByID(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, pl)
	}
	return out, nil
}

// mayCreateCountry is the rule for a new country, which has no place above it
// whose grant could allow it: an administrator (manage_places) whose grant is
// on a country may add countries — they already run a whole country, and a
// programme that spans a border needs the neighbour — and so may anyone who
// manages places while the tree is empty (the first set-up). An administrator
// of a region or below may not: that would put them at the top of a tree.
// The same rule applies to country rows of an import.
func (s *Server) mayCreateCountry(ctx context.Context, p *principal) (bool, error) {
	if p == nil || !holdsAnywhere(p.Grants, account.ActManagePlaces) {
		return false, nil
	}
	for _, id := range p.Grants.PlacesFor(account.ActManagePlaces) {
		pl, err := s.deps.Places.FindPlaceByID(ctx, id)
		if errs.Is(err, errs.NotFound) {
			continue
		}
		if err != nil {
			return false, err
		}
		if pl.Kind == place.KindCountry {
			return true, nil
		}
	}
	_, total, err := s.deps.Places.FindPlaces(ctx, place.Filter{Limit: 1})
	if err != nil {
		return false, err
	}
	return total == 0, nil
}

// placeRow is one line of a table of places.
type placeRow struct {
	ID       string
	Name     string
	Code     string
	KindKey  string // i18n key of the kind
	VenueKey string // i18n key of the venue kind, "" for areas
	Parent   string // name of the place it is part of (lists)
	Link     bool   // the person may open it
	// Population is the figure to show ("" when none is known); Sum says it is
	// the sum of the areas below rather than the area's own figure.
	Population string
	Sum        bool
	Children   int
	IsVenue    bool
}

func kindKey(k place.Kind) string { return "place.kind." + string(k) }

func venueKey(v place.VenueKind) string {
	if v == "" {
		return ""
	}
	return "place.venue_kind." + string(v)
}

func newPlaceRow(pl *place.Place, lang string) placeRow {
	return placeRow{ID: pl.ID, Name: pl.Name(lang), Code: pl.Code, KindKey: kindKey(pl.Kind),
		VenueKey: venueKey(pl.VenueKind), IsVenue: pl.Kind == place.KindVenue, Link: true}
}

// population gives what a page shows for a place's adult population: its own
// figure; else, for an area, the sum of the areas below (sum true); "" when
// nothing is known.
func (s *Server) population(ctx context.Context, pl *place.Place, lang string) (string, bool, error) {
	if pl.AdultPopulation != nil {
		return formatCount(lang, *pl.AdultPopulation), false, nil
	}
	if pl.Kind == place.KindVenue {
		return "", false, nil
	}
	n, err := s.deps.Places.Population(ctx, pl.ID)
	if err != nil || n == 0 {
		return "", false, err
	}
	return formatCount(lang, n), true, nil
}

// formatCount groups digits the way each language writes large numbers.
func formatCount(lang string, n int64) string {
	sep := ","
	switch lang {
	case "ru", "uk", "lv":
		sep = "\u00a0"
	case "vi":
		sep = "."
	}
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// parseCount reads a number as people type it: digits, optionally grouped with
// spaces, no-break or thin spaces ("1 234 567", as ru, uk and lv write it).
// Commas and dots are refused rather than guessed at: "12.500" is twelve and a
// half in one language and twelve thousand five hundred in another. Empty gives
// nil, true.
func parseCount(s string) (*int64, bool) {
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\u00a0', '\u202f', '\u2009':
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	if s == "" {
		return nil, true
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return nil, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n > place.MaxPopulation {
		return nil, false
	}
	return &n, true
}

// nameField is one name input of a place form: the language's own name labels it.
type nameField struct {
	Lang   string // code, also the lang attribute of the label and input
	Label  string // the language's native name
	Name   string // form field name: name_<lang>
	Value  string
	Errors *fieldError
}

func nameFields(f *form) []nameField {
	var out []nameField
	for _, l := range i18n.Languages() {
		n := place.NameField(l.Code)
		out = append(out, nameField{Lang: l.Code, Label: l.NativeName, Name: n, Value: f.Value(n), Errors: f.Err(n)})
	}
	return out
}

// formNames reads the name fields of a place form.
func formNames(f *form) map[string]string {
	names := map[string]string{}
	for _, l := range place.Langs() {
		names[l] = f.Get(place.NameField(l))
	}
	return names
}

// option is one choice of a select.
type option struct {
	Value    string
	Key      string // i18n key of the text, or
	Text     string // the text itself (place names)
	Selected bool
}

func kindOptions(kinds []place.Kind, selected string) []option {
	out := make([]option, 0, len(kinds))
	for _, k := range kinds {
		out = append(out, option{Value: string(k), Key: kindKey(k), Selected: string(k) == selected})
	}
	return out
}

func venueKindOptions(selected string) []option {
	var out []option
	for _, v := range place.VenueKinds() {
		out = append(out, option{Value: string(v), Key: venueKey(v), Selected: string(v) == selected})
	}
	return out
}

// paging is the previous / next navigation under a list.
type paging struct {
	Page, Pages int
	Prev, Next  string // URLs, "" at either end
}

// pageOf reads ?page= (1 when absent or wrong).
func pageOf(r *http.Request) int {
	n, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || n < 1 {
		return 1
	}
	return n
}

func newPaging(r *http.Request, page, total int) paging {
	pages := max(1, (total+placePageSize-1)/placePageSize)
	pg := paging{Page: page, Pages: pages}
	link := func(n int) string {
		u := *r.URL
		q := u.Query()
		q.Del("lang")
		if n == 1 {
			q.Del("page")
		} else {
			q.Set("page", strconv.Itoa(n))
		}
		u.RawQuery = q.Encode()
		return u.RequestURI()
	}
	if page > 1 {
		pg.Prev = link(min(page-1, pages))
	}
	if page < pages {
		pg.Next = link(page + 1)
	}
	return pg
}
