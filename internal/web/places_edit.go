package web

import (
	"net/http"
	"strconv"

	"github.com/onramp/onramp/internal/place"
)

// placeEditView changes a place's names, code, adult population and, for a
// venue, its venue kind. The kind and the parent stay (moving has its own page).
type placeEditView struct {
	Page
	Form       *form
	ID         string
	Name       string
	KindKey    string
	IsVenue    bool
	VenueKinds []option
	Names      []nameField
}

// placeEdit shows the form filled with what is stored.
func (s *Server) placeEdit(w http.ResponseWriter, r *http.Request) {
	_, pl, _ := s.managedPlace(w, r)
	if pl == nil {
		return
	}
	f := newForm()
	for lang, n := range pl.Names {
		f.Values.Set(place.NameField(lang), n)
	}
	f.Values.Set(place.FieldCode, pl.Code)
	if pl.AdultPopulation != nil {
		f.Values.Set(place.FieldPopulation, strconv.FormatInt(*pl.AdultPopulation, 10))
	}
	f.Values.Set(place.FieldVenueKind, string(pl.VenueKind))
	s.renderPlaceEdit(w, r, http.StatusOK, f, pl)
}

// placeUpdate saves the form. An empty name removes that language (one must
// stay); an empty population means "not known".
func (s *Server) placeUpdate(w http.ResponseWriter, r *http.Request) {
	_, pl, _ := s.managedPlace(w, r)
	if pl == nil {
		return
	}
	f := parseForm(w, r)
	if f.Error != "" {
		s.renderError(w, r, http.StatusBadRequest, "error.invalid")
		return
	}
	code := f.Get(place.FieldCode)
	u := place.Update{Code: &code, Names: formNames(f)}
	if code == "" {
		f.Fail(place.FieldCode, "form.required", nil)
	}
	if !hasAName(u.Names) {
		f.Fail(place.FieldNames, keyNamesRequired, nil)
	}
	if pl.Kind == place.KindVenue {
		vk := place.VenueKind(f.Get(place.FieldVenueKind))
		if vk == "" {
			f.Fail(place.FieldVenueKind, "form.required", nil)
		}
		u.VenueKind = &vk
	}
	pop, ok := parseCount(f.Get(place.FieldPopulation))
	switch {
	case !ok:
		f.Fail(place.FieldPopulation, "form.invalid_number", nil)
	case pop == nil:
		u.ClearAdultPopulation = true
	default:
		u.AdultPopulation = pop
	}
	if f.HasErrors() {
		s.renderPlaceEdit(w, r, http.StatusUnprocessableEntity, f, pl)
		return
	}
	if _, err := s.deps.Places.UpdatePlace(r.Context(), pl.ID, u); err != nil {
		if !absorbPlaceErr(f, err) {
			s.fail(w, r, err)
			return
		}
		s.renderPlaceEdit(w, r, http.StatusUnprocessableEntity, f, pl)
		return
	}
	s.flash(r, "place.saved")
	http.Redirect(w, r, "/places/"+pl.ID, http.StatusSeeOther)
}

func (s *Server) renderPlaceEdit(w http.ResponseWriter, r *http.Request, status int, f *form, pl *place.Place) {
	v := placeEditView{Page: s.page(r), Form: f, ID: pl.ID, KindKey: kindKey(pl.Kind), IsVenue: pl.Kind == place.KindVenue,
		Names: nameFields(f)}
	v.Name = pl.Name(v.Lang)
	if v.IsVenue {
		v.VenueKinds = venueKindOptions(f.Value(place.FieldVenueKind))
	}
	s.render(w, r, status, "places/edit", v)
}

// NamesHint is the hint above the names in every language.
func (placeEditView) NamesHint() string { return "place.form.names_edit_hint" }
