package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/onramp/onramp/internal/account"
	"github.com/onramp/onramp/internal/errs"
)

// Access levels beyond Public and Ops.
const (
	SignedIn Access = "signed_in" // any signed-in person
)

// Needs is the access of a route that requires an action (account's capability
// table). The route wrapper checks that the person holds some role that may do
// it somewhere; the handler then checks the place of the object (requireAt).
func Needs(a account.Action) Access { return Access("act:" + string(a)) }

// Action returns the action an Access requires, if any.
func (a Access) Action() (account.Action, bool) {
	s, ok := strings.CutPrefix(string(a), "act:")
	return account.Action(s), ok
}

// guard enforces the coarse part of a route's Access before its handler runs.
func (s *Server) guard(rt Route) http.Handler {
	if rt.Access == Public || rt.Access == Ops {
		return rt.Handler
	}
	act, needsAct := rt.Access.Action()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := who(r)
		if p == nil {
			s.needLogin(w, r)
			return
		}
		if needsAct && !holdsAnywhere(p.Grants, act) {
			s.renderError(w, r, http.StatusForbidden, "error.forbidden")
			return
		}
		rt.Handler.ServeHTTP(w, r)
	})
}

func holdsAnywhere(gs account.Grants, a account.Action) bool {
	for _, g := range gs {
		if g.Role.Can(a) {
			return true
		}
	}
	return false
}

// needLogin sends a GET to the sign-in page (coming back afterwards) and
// answers anything else with 401.
func (s *Server) needLogin(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		s.apiError(w, r, http.StatusUnauthorized, errs.E(errs.Unauthenticated, "", nil))
		return
	}
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	s.renderError(w, r, http.StatusUnauthorized, "error.unauthenticated")
}

// scopeOf is the place and all its ancestors: a grant on any of them reaches it.
func (s *Server) scopeOf(ctx context.Context, placeID string) ([]string, error) {
	if ids, ok := s.scopes.get(placeID); ok {
		return ids, nil
	}
	anc, err := s.deps.Places.Ancestors(ctx, placeID)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(anc)+1)
	for _, a := range anc {
		if a.ID != placeID {
			ids = append(ids, a.ID)
		}
	}
	ids = append(ids, placeID)
	s.scopes.put(placeID, ids)
	return ids, nil
}

// allowedAt reports whether p may do a at placeID.
func (s *Server) allowedAt(ctx context.Context, p *principal, a account.Action, placeID string) (bool, error) {
	if p == nil || placeID == "" {
		return false, nil
	}
	scope, err := s.scopeOf(ctx, placeID)
	if err != nil {
		if errs.Is(err, errs.NotFound) {
			return false, nil
		}
		return false, err
	}
	return p.Grants.Allows(a, scope), nil
}

// requireAt checks that the signed-in person may do one of the actions at
// placeID. When not, it answers 404 — the same answer as for a place that does
// not exist, so changing an ID in a URL tells nothing about other venues — and
// returns false.
func (s *Server) requireAt(w http.ResponseWriter, r *http.Request, placeID string, as ...account.Action) (*principal, bool) {
	p := who(r)
	if p == nil {
		s.needLogin(w, r)
		return nil, false
	}
	for _, a := range as {
		ok, err := s.allowedAt(r.Context(), p, a, placeID)
		if err != nil {
			s.fail(w, r, err)
			return nil, false
		}
		if ok {
			return p, true
		}
	}
	s.renderError(w, r, http.StatusNotFound, "error.not_found")
	return nil, false
}

// fail answers an error from a service: its code picks the status, its key the
// message; the cause goes to the log only.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	status := http.StatusInternalServerError
	switch errs.CodeOf(err) {
	case errs.Invalid:
		status = http.StatusUnprocessableEntity
	case errs.NotFound:
		status = http.StatusNotFound
	case errs.Conflict:
		status = http.StatusConflict
	case errs.Forbidden:
		status = http.StatusForbidden
	case errs.Unauthenticated:
		status = http.StatusUnauthorized
	case errs.TooMany:
		status = http.StatusTooManyRequests
	}
	key := errs.KeyOf(err)
	if status == http.StatusInternalServerError {
		s.log.Error("request failed", "request_id", RequestID(r.Context()), "route", routeOf(r), "err", err)
		key = "error.internal"
	}
	s.renderError(w, r, status, key)
}
