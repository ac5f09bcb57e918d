package web

import (
	"net/http"
	"slices"

	"github.com/onramp/onramp/internal/account"
	"github.com/onramp/onramp/internal/errs"
	"github.com/onramp/onramp/internal/place"
)

// placeNewView is the form that adds a place under a parent (none for a country).
type placeNewView struct {
	Page
	Form       *form
	ParentID   string
	ParentName string // "" for a country
	Kinds      []option
	VenueKinds []option
	Names      []nameField
}

// placeFormOrder is the order of the place form's fields, for the error summary.
func placeFormOrder() []string {
	order := []string{place.FieldParent, place.FieldKind, place.FieldVenueKind}
	for _, l := range place.Langs() {
		order = append(order, place.NameField(l))
	}
	return append(order, place.FieldNames, place.FieldCode, place.FieldPopulation)
}

// placeNew shows the form for a new place under ?parent= (a country without it).
func (s *Server) placeNew(w http.ResponseWriter, r *http.Request) {
	parentID := r.URL.Query().Get("parent")
	parent, kinds, ok := s.newPlaceParent(w, r, parentID)
	if !ok {
		return
	}
	f := newForm()
	if len(kinds) == 1 {
		f.Values.Set(place.FieldKind, string(kinds[0]))
	}
	s.renderPlaceNew(w, r, http.StatusOK, f, parent, kinds)
}

// placeCreate adds the place.
func (s *Server) placeCreate(w http.ResponseWriter, r *http.Request) {
	f := parseForm(w, r)
	if f.Error != "" {
		s.renderError(w, r, http.StatusBadRequest, "error.invalid")
		return
	}
	parent, kinds, ok := s.newPlaceParent(w, r, f.Get(place.FieldParent))
	if !ok {
		return
	}
	np := place.NewPlace{Kind: place.Kind(f.Get(place.FieldKind)), Code: f.Get(place.FieldCode), Names: formNames(f)}
	if parent != nil {
		np.ParentID = parent.ID
	}
	switch {
	case np.Kind == "":
		f.Fail(place.FieldKind, "form.required", nil)
	case !slices.Contains(kinds, np.Kind):
		f.Fail(place.FieldKind, "place.error.bad_kind", nil)
	}
	// The venue-kind select is on the form whatever the kind (no JavaScript to
	// hide it); for an area its value means nothing and is dropped.
	if np.Kind == place.KindVenue {
		np.VenueKind = place.VenueKind(f.Get(place.FieldVenueKind))
		if np.VenueKind == "" {
			f.Fail(place.FieldVenueKind, "form.required", nil)
		}
	}
	if !hasAName(np.Names) {
		f.Fail(place.FieldNames, keyNamesRequired, nil)
	}
	if np.Code == "" {
		f.Fail(place.FieldCode, "form.required", nil)
	}
	pop, ok := parseCount(f.Get(place.FieldPopulation))
	if !ok {
		f.Fail(place.FieldPopulation, "form.invalid_number", nil)
	}
	np.AdultPopulation = pop
	if f.HasErrors() {
		s.renderPlaceNew(w, r, http.StatusUnprocessableEntity, f, parent, kinds)
		return
	}
	created, err := s.deps.Places.CreatePlace(r.Context(), np)
	if err != nil {
		if !absorbPlaceErr(f, err) {
			s.fail(w, r, err)
			return
		}
		s.renderPlaceNew(w, r, http.StatusUnprocessableEntity, f, parent, kinds)
		return
	}
	s.flash(r, "place.saved")
	http.Redirect(w, r, "/places/"+created.ID, http.StatusSeeOther)
}

// keyNamesRequired says what "no name" means on a form with a name per language.
const keyNamesRequired = "place.form.names_required"

// absorbPlaceErr takes a place service error into a place form.
func absorbPlaceErr(f *form, err error) bool {
	if !f.absorb(err, placeFormOrder()) {
		return false
	}
	if e, ok := f.Errors[place.FieldNames]; ok && e.Key == "form.required" {
		f.Errors[place.FieldNames] = fieldError{Key: keyNamesRequired}
	}
	return true
}

func hasAName(names map[string]string) bool {
	for _, n := range names {
		if n != "" {
			return true
		}
	}
	return false
}

// newPlaceParent loads the parent a new place goes under and the kinds it may
// hold, after checking the person may add places there: manage_places at the
// parent (404 otherwise, as for a missing place), or the country rule of
// mayCreateCountry when there is no parent (403 otherwise).
func (s *Server) newPlaceParent(w http.ResponseWriter, r *http.Request, parentID string) (*place.Place, []place.Kind, bool) {
	p := who(r)
	if parentID == "" {
		ok, err := s.mayCreateCountry(r.Context(), p)
		if err != nil {
			s.fail(w, r, err)
			return nil, nil, false
		}
		if !ok {
			s.renderError(w, r, http.StatusForbidden, "error.forbidden")
			return nil, nil, false
		}
		return nil, []place.Kind{place.KindCountry}, true
	}
	path, scope, err := s.placePath(r.Context(), parentID)
	if err != nil && !errs.Is(err, errs.NotFound) {
		s.fail(w, r, err)
		return nil, nil, false
	}
	if err != nil || !p.Grants.Allows(account.ActManagePlaces, scope) {
		s.renderError(w, r, http.StatusNotFound, "place.error.not_found")
		return nil, nil, false
	}
	parent := path[len(path)-1]
	var kinds []place.Kind
	for _, k := range place.Kinds() {
		if place.CanParent(parent.Kind, k) {
			kinds = append(kinds, k)
		}
	}
	if len(kinds) == 0 {
		s.renderError(w, r, http.StatusBadRequest, "place.new.nothing_inside")
		return nil, nil, false
	}
	return parent, kinds, true
}

func (s *Server) renderPlaceNew(w http.ResponseWriter, r *http.Request, status int, f *form, parent *place.Place, kinds []place.Kind) {
	v := placeNewView{Page: s.page(r), Form: f, Kinds: kindOptions(kinds, f.Value(place.FieldKind)),
		VenueKinds: venueKindOptions(f.Value(place.FieldVenueKind)), Names: nameFields(f)}
	if parent != nil {
		v.ParentID, v.ParentName = parent.ID, parent.Name(v.Lang)
	}
	s.render(w, r, status, "places/new", v)
}

// NamesHint is the hint above the names in every language.
func (placeNewView) NamesHint() string { return "place.form.names_hint" }
