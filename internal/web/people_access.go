package web

import (
	"net/http"
	"strings"

	"github.com/onramp/onramp/internal/account"
)

// NeedsAny is the access of a route open to anyone holding at least one of the
// actions somewhere (the people list: trainers through view_learners, managers
// through manage_staff). The route wrapper (anyOf) answers 403 to the rest; the
// handler then checks the object's place, as with Needs.
func NeedsAny(as ...account.Action) Access {
	parts := make([]string, len(as))
	for i, a := range as {
		parts[i] = string(a)
	}
	return Access("any:" + strings.Join(parts, "|"))
}

// AnyActions returns the actions of a NeedsAny access.
func (a Access) AnyActions() ([]account.Action, bool) {
	s, ok := strings.CutPrefix(string(a), "any:")
	if !ok {
		return nil, false
	}
	var out []account.Action
	for _, p := range strings.Split(s, "|") {
		out = append(out, account.Action(p))
	}
	return out, true
}

// anyOf enforces a NeedsAny access in front of h. The route's guard has already
// sent anyone not signed in to the sign-in page (an "any:" access is not Public).
func (s *Server) anyOf(access Access, h http.HandlerFunc) http.Handler {
	acts, ok := access.AnyActions()
	if !ok {
		panic("web: anyOf needs a NeedsAny access, got " + string(access))
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := who(r)
		if p == nil {
			s.needLogin(w, r)
			return
		}
		for _, a := range acts {
			if holdsAnywhere(p.Grants, a) {
				h(w, r)
				return
			}
		}
		s.renderError(w, r, http.StatusForbidden, "error.forbidden")
	})
}
