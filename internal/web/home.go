package web

import (
	"net/http"

	"github.com/onramp/onramp/internal/account"
)

type homeView struct {
	Page
	Grants   []grantView
	Actions  []navItem
	Learner  bool
	Learning learningHome // learn_home.go
}

// grantView is one role a person holds, with the place's name in the page language.
type grantView struct {
	RoleKey   string
	PlaceID   string
	PlaceName string
	CanOpen   bool // the place page is open to this role
}

// home is the page for whoever is signed in: a learner gets their learning, a
// member of staff their places and what they can do there; a visitor the ways
// to sign in.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	v := homeView{Page: s.page(r)}
	p := who(r)
	if p == nil {
		s.render(w, r, http.StatusOK, "home", v)
		return
	}
	v.Learner = p.IsLearnerOnly()
	var err error
	if v.Learning, err = s.learningHome(r.Context(), p, v.Lang); err != nil {
		s.fail(w, r, err)
		return
	}
	for _, g := range p.Grants {
		pl, err := s.deps.Places.FindPlaceByID(r.Context(), g.PlaceID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.Grants = append(v.Grants, grantView{
			RoleKey: "role." + string(g.Role), PlaceID: g.PlaceID, PlaceName: pl.Name(v.Lang),
			CanOpen: g.Role.IsStaff() && canSeePlace(g.Role),
		})
	}
	s.render(w, r, http.StatusOK, "home", v)
}

// canSeePlace says whether a role may open place pages at all.
func canSeePlace(r account.Role) bool {
	for _, a := range placeViewActions() {
		if r.Can(a) {
			return true
		}
	}
	return false
}

// placeViewActions are the actions any of which lets a person open a place page.
func placeViewActions() []account.Action {
	return []account.Action{account.ActManagePlaces, account.ActViewReports, account.ActViewLearners, account.ActManageStaff}
}
