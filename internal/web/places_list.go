package web

import (
	"context"
	"math"
	"net/http"
	"strings"

	"github.com/onramp/onramp/internal/account"
	"github.com/onramp/onramp/internal/place"
)

type placeListView struct {
	Page
	Roots  []placeRow // the places the person's grants sit on
	Query  string
	Rows   []placeRow // the children of the roots, or the search results
	Total  int
	Paging paging
	// CanManage shows the import link; CanAddCountry the "add a country" link.
	CanManage     bool
	CanAddCountry bool
}

// placeList shows the places the person's grants reach: those places, then the
// places directly inside them — or, with ?q=, the places anywhere inside them
// whose name or code matches — a page at a time.
func (s *Server) placeList(w http.ResponseWriter, r *http.Request) {
	p := s.requirePlaceViewer(w, r)
	if p == nil {
		return
	}
	ctx := r.Context()
	v := placeListView{Page: s.page(r), Query: strings.TrimSpace(r.URL.Query().Get("q"))}
	roots, err := s.placeRoots(ctx, p.Grants, placeViewActions()...)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, rt := range roots {
		v.Roots = append(v.Roots, newPlaceRow(rt, v.Lang))
	}
	filter := func(root *place.Place) place.Filter { return place.Filter{ParentID: root.ID} }
	if v.Query != "" {
		filter = func(root *place.Place) place.Filter { return place.Filter{Under: root.ID, Query: v.Query} }
	}
	pg := pageOf(r)
	found, total, err := s.findAcross(ctx, roots, filter, (pg-1)*placePageSize, placePageSize)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Total = total
	v.Paging = newPaging(r, pg, total)
	parents := map[string]string{}
	for _, rt := range roots {
		parents[rt.ID] = rt.Name(v.Lang)
	}
	for _, pl := range found {
		row := newPlaceRow(pl, v.Lang)
		if pl.ParentID != "" {
			name, ok := parents[pl.ParentID]
			if !ok {
				parent, err := s.deps.Places.FindPlaceByID(ctx, pl.ParentID)
				if err != nil {
					s.fail(w, r, err)
					return
				}
				name = parent.Name(v.Lang)
				parents[pl.ParentID] = name
			}
			row.Parent = name
		}
		v.Rows = append(v.Rows, row)
	}
	v.CanManage = holdsAnywhere(p.Grants, account.ActManagePlaces)
	if v.CanManage {
		if v.CanAddCountry, err = s.mayCreateCountry(ctx, p); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "places/list", v)
}

// findAcross pages through the places matching filter(root) for each root in
// turn, as if they were one list, and returns one page and the total.
func (s *Server) findAcross(ctx context.Context, roots []*place.Place, filter func(*place.Place) place.Filter,
	offset, limit int) ([]*place.Place, int, error) {
	var (
		out   []*place.Place
		total int
	)
	for _, rt := range roots {
		f := filter(rt)
		if len(out) < limit {
			f.Offset, f.Limit = max(offset-total, 0), limit-len(out)
		} else {
			// Only the count is wanted: an offset past the end skips the rows.
			f.Offset, f.Limit = math.MaxInt32, 1
		}
		ps, n, err := s.deps.Places.FindPlaces(ctx, f)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, ps...)
		total += n
	}
	return out, total, nil
}
