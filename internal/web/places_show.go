package web

import (
	"net/http"

	"github.com/onramp/onramp/internal/account"
	"github.com/onramp/onramp/internal/errs"
	"github.com/onramp/onramp/internal/i18n"
	"github.com/onramp/onramp/internal/place"
)

type placeShowView struct {
	Page
	ID       string
	Name     string
	Crumbs   []crumb // the bigger places above this one, the country first
	Names    []placeName
	KindKey  string
	VenueKey string
	Code     string
	// Population is "" when unknown; Sum marks the sum of the areas below.
	Population string
	Sum        bool
	Children   []placeRow
	Total      int // children in all
	Paging     paging
	IsVenue    bool
	CanManage  bool
	CanMove    bool // countries have nowhere to move to
}

type crumb struct {
	Name string
	URL  string // "" when the person may not open it
}

type placeName struct {
	Lang, Language, Name string
}

// placeShow is one place: where it sits, its names, figures and the places in it.
func (s *Server) placeShow(w http.ResponseWriter, r *http.Request) {
	p := s.requirePlaceViewer(w, r)
	if p == nil {
		return
	}
	ctx := r.Context()
	path, scope, err := s.placePath(ctx, r.PathValue("id"))
	if err != nil && !errs.Is(err, errs.NotFound) {
		s.fail(w, r, err)
		return
	}
	if err != nil || !viewsAt(p.Grants, scope) {
		s.renderError(w, r, http.StatusNotFound, "place.error.not_found")
		return
	}
	pl := path[len(path)-1]
	v := placeShowView{Page: s.page(r), ID: pl.ID, Code: pl.Code, KindKey: kindKey(pl.Kind),
		VenueKey: venueKey(pl.VenueKind), IsVenue: pl.Kind == place.KindVenue}
	v.Name = pl.Name(v.Lang)
	for i, a := range path[:len(path)-1] {
		c := crumb{Name: a.Name(v.Lang)}
		if viewsAt(p.Grants, scope[:i+1]) {
			c.URL = "/places/" + a.ID
		}
		v.Crumbs = append(v.Crumbs, c)
	}
	for _, l := range i18n.Languages() {
		if n := pl.Names[l.Code]; n != "" {
			v.Names = append(v.Names, placeName{Lang: l.Code, Language: l.NativeName, Name: n})
		}
	}
	if v.Population, v.Sum, err = s.population(ctx, pl, v.Lang); err != nil {
		s.fail(w, r, err)
		return
	}
	v.CanManage = p.Grants.Allows(account.ActManagePlaces, scope)
	v.CanMove = v.CanManage && pl.Kind != place.KindCountry
	if !v.IsVenue {
		pg := pageOf(r)
		kids, total, err := s.deps.Places.FindPlaces(ctx, place.Filter{ParentID: pl.ID,
			Limit: placePageSize, Offset: (pg - 1) * placePageSize})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.Total, v.Paging = total, newPaging(r, pg, total)
		for _, k := range kids {
			row := newPlaceRow(k, v.Lang)
			if row.Population, row.Sum, err = s.population(ctx, k, v.Lang); err != nil {
				s.fail(w, r, err)
				return
			}
			if k.Kind != place.KindVenue {
				if _, row.Children, err = s.deps.Places.FindPlaces(ctx, place.Filter{ParentID: k.ID, Limit: 1}); err != nil {
					s.fail(w, r, err)
					return
				}
			}
			v.Children = append(v.Children, row)
		}
	}
	s.render(w, r, http.StatusOK, "places/show", v)
}
