package web

import (
	"context"
	"net/http"
	"net/url"

	"github.com/onramp/onramp/internal/account"
	"github.com/onramp/onramp/internal/errs"
	"github.com/onramp/onramp/internal/place"
)

// findPlaceByCodeOrID reads a place as staff type it: its code, or its ID.
func (s *Server) findPlaceByCodeOrID(ctx context.Context, ref string) (*place.Place, error) {
	if ref == "" || len(ref) > place.MaxCodeLen {
		return nil, errs.E(errs.NotFound, "place.error.not_found", nil)
	}
	pl, err := s.deps.Places.FindPlaceByCode(ctx, ref)
	if errs.Is(err, errs.NotFound) {
		pl, err = s.deps.Places.FindPlaceByID(ctx, ref)
	}
	return pl, err
}

// personGrant gives a person a role on a place, if the signed-in person's
// grants allow giving that role there.
func (s *Server) personGrant(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p, pr, ok := s.loadPerson(w, r)
	if !ok {
		return
	}
	f := parseForm(w, r)
	if f.Error != "" {
		s.renderPerson(w, r, http.StatusUnprocessableEntity, p, pr, f)
		return
	}
	role, valid := account.ParseRole(f.Get("role"))
	if valid && !grantableSomewhere(p.Grants, role) {
		// Never offered on the form (a coordinator asking for "manager").
		s.renderError(w, r, http.StatusForbidden, "error.forbidden")
		return
	}
	if !valid {
		f.Fail("role", "form.invalid_choice", nil)
	}
	ref := f.Get("place")
	var pl *place.Place
	if ref == "" {
		f.Fail("place", "form.required", nil)
	} else {
		var err error
		pl, err = s.findPlaceByCodeOrID(ctx, ref)
		switch {
		case errs.Is(err, errs.NotFound):
			f.Fail("place", "people.grant.place_unknown", nil)
		case err != nil:
			s.fail(w, r, err)
			return
		}
	}
	if pl != nil && valid {
		scope, err := s.scopeOf(ctx, pl.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		switch {
		case !p.Grants.Allows(account.ActManageStaff, scope):
			// Out of the person's reach: the same words as an unknown code.
			f.Fail("place", "people.grant.place_unknown", nil)
		case !p.Grants.AllowsGrant(role, scope):
			f.Fail("role", "people.grant.not_here", nil)
		}
	}
	if f.HasErrors() {
		s.renderPerson(w, r, http.StatusUnprocessableEntity, p, pr, f)
		return
	}
	if err := s.deps.Accounts.GrantRole(ctx, pr.User.ID, role, pl.ID, p.User.ID); err != nil {
		if errs.CodeOf(err) != errs.Internal && f.absorb(err, []string{"role", "place"}) {
			s.renderPerson(w, r, http.StatusUnprocessableEntity, p, pr, f)
			return
		}
		s.fail(w, r, err)
		return
	}
	s.flash(r, "people.grant.done")
	http.Redirect(w, r, "/people/"+url.PathEscape(pr.User.ID), http.StatusSeeOther)
}

// personGrantRevoke takes a role away, if the signed-in person could have
// given it there.
func (s *Server) personGrantRevoke(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p, pr, ok := s.loadPerson(w, r)
	if !ok {
		return
	}
	f := parseForm(w, r)
	role, _ := account.ParseRole(f.Get("role"))
	placeID := f.Get("place")
	var held bool
	for _, g := range pr.Grants {
		if g.Role == role && g.PlaceID == placeID {
			held = true
		}
	}
	if f.Error != "" || !held {
		s.renderError(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	if !p.Grants.AllowsGrant(role, pr.scope[placeID]) {
		s.renderError(w, r, http.StatusForbidden, "error.forbidden")
		return
	}
	if err := s.deps.Accounts.RevokeRole(ctx, pr.User.ID, role, placeID); err != nil {
		if errs.CodeOf(err) == errs.Conflict {
			f.Error = errs.KeyOf(err)
			s.renderPerson(w, r, http.StatusConflict, p, pr, f)
			return
		}
		s.fail(w, r, err)
		return
	}
	s.flash(r, "people.grant.revoked")
	// With that role gone the person may be out of the viewer's reach: go back
	// to the place's people then.
	next := "/people/" + url.PathEscape(pr.User.ID)
	if after, err := s.findPerson(ctx, pr.User.ID); err != nil || !after.visibleTo(p) {
		next = "/places/" + url.PathEscape(placeID) + "/people"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}
