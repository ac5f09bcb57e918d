package web

import (
	"context"
	"net/http"
	"slices"

	"github.com/onramp/onramp/internal/account"
	"github.com/onramp/onramp/internal/errs"
	"github.com/onramp/onramp/internal/i18n"
)

// peopleRoutes are the pages about people: sign-up, PIN reset, login cards, roles.
//
// Who may see a person: someone who may view_learners or manage_staff at one of
// the places the person holds a role on. Everyone else gets 404, as for a person
// who does not exist. A learner-only account gets 403 on every route here: a
// learner's own data page is a page of its own (later).
func (s *Server) peopleRoutes() []Route {
	see := NeedsAny(account.ActViewLearners, account.ActManageStaff)
	signUp := NeedsAny(account.ActCreateLearners, account.ActManageStaff)
	return []Route{
		{"GET /places/{id}/people", s.anyOf(see, s.peopleList), see},
		{"GET /places/{id}/people/new", s.anyOf(signUp, s.peopleNew), signUp},
		{"POST /places/{id}/people", s.anyOf(signUp, s.peopleCreate), signUp},
		{"GET /people/{id}", s.anyOf(see, s.personPage), see},
		{"POST /people/{id}/pin", http.HandlerFunc(s.personPIN), Needs(account.ActResetPIN)},
		{"POST /people/{id}/cards", http.HandlerFunc(s.personCardIssue), Needs(account.ActIssueLoginCards)},
		{"POST /people/{id}/cards/{cardID}/revoke", http.HandlerFunc(s.personCardRevoke), Needs(account.ActIssueLoginCards)},
		{"POST /people/{id}/grants", http.HandlerFunc(s.personGrant), Needs(account.ActManageStaff)},
		{"POST /people/{id}/grants/revoke", http.HandlerFunc(s.personGrantRevoke), Needs(account.ActManageStaff)},
	}
}

// person is an account as the people pages see it: the user, their grants, and
// the scope (place and ancestors) of each grant's place, worked out once.
type person struct {
	User   account.User
	Grants account.Grants
	scope  map[string][]string // grant place ID -> that place and its ancestors
}

// loadPerson reads the person of the {id} in the path and checks that the
// signed-in person may see them. It answers 404 for a missing person and for
// one out of reach alike, and returns false then.
func (s *Server) loadPerson(w http.ResponseWriter, r *http.Request) (*principal, *person, bool) {
	p := who(r)
	if p == nil {
		s.needLogin(w, r)
		return nil, nil, false
	}
	pr, err := s.findPerson(r.Context(), r.PathValue("id"))
	if errs.Is(err, errs.NotFound) {
		s.renderError(w, r, http.StatusNotFound, "error.not_found")
		return nil, nil, false
	}
	if err != nil {
		s.fail(w, r, err)
		return nil, nil, false
	}
	if !pr.visibleTo(p) {
		s.renderError(w, r, http.StatusNotFound, "error.not_found")
		return nil, nil, false
	}
	return p, pr, true
}

func (s *Server) findPerson(ctx context.Context, id string) (*person, error) {
	if id == "" || len(id) > 64 {
		return nil, errs.E(errs.NotFound, "account.user.not_found", nil)
	}
	u, err := s.deps.Accounts.FindUserByID(ctx, id)
	if err != nil {
		return nil, err
	}
	gs, err := s.deps.Accounts.GrantsOf(ctx, id)
	if err != nil {
		return nil, err
	}
	pr := &person{User: u, Grants: gs, scope: map[string][]string{}}
	for _, g := range gs {
		if _, ok := pr.scope[g.PlaceID]; ok {
			continue
		}
		sc, err := s.scopeOf(ctx, g.PlaceID)
		if err != nil && !errs.Is(err, errs.NotFound) {
			return nil, err
		}
		pr.scope[g.PlaceID] = sc // nil for a place that is gone: it reaches nobody
	}
	return pr, nil
}

// mayAt reports whether p may do a at one of the person's grant places.
func (pr *person) mayAt(p *principal, a account.Action) bool {
	for _, g := range pr.Grants {
		if p.Grants.Allows(a, pr.scope[g.PlaceID]) {
			return true
		}
	}
	return false
}

// A learner's record is for the people who teach them (view_learners); managing
// staff alone does not open it: a programme manager sees learners only through
// reports (data minimisation, see the capability table in account).
func (pr *person) visibleTo(p *principal) bool {
	if !pr.Grants.IsStaff() {
		return pr.mayAt(p, account.ActViewLearners)
	}
	return pr.mayAt(p, account.ActViewLearners) || pr.mayAt(p, account.ActManageStaff)
}

// manageableBy reports whether p could have granted every staff role the person
// holds, where they hold it. Only then may p set the person's secrets (PIN,
// login cards): a trainer must not be able to take over a coordinator's or an
// administrator's account by printing a card for it.
func (pr *person) manageableBy(p *principal) bool {
	for _, g := range pr.Grants {
		if g.Role.IsStaff() && !p.Grants.AllowsGrant(g.Role, pr.scope[g.PlaceID]) {
			return false
		}
	}
	return true
}

// may reports whether p may do a (reset_pin, issue_login_cards) to this person:
// the action at one of their places, and the right to manage them if staff.
func (pr *person) may(p *principal, a account.Action) bool {
	return pr.mayAt(p, a) && (!pr.Grants.IsStaff() || pr.manageableBy(p))
}

// requirePerson is loadPerson plus the action check of a POST: 404 when the
// person is out of reach, 403 when visible but the action is not p's to do.
func (s *Server) requirePerson(w http.ResponseWriter, r *http.Request, a account.Action) (*principal, *person, bool) {
	p, pr, ok := s.loadPerson(w, r)
	if !ok {
		return nil, nil, false
	}
	if !pr.may(p, a) {
		s.renderError(w, r, http.StatusForbidden, "error.forbidden")
		return nil, nil, false
	}
	return p, pr, true
}

// signInKeys says, as i18n keys, how a person signs in. cards is whether a
// login card of theirs still works.
func signInKeys(u account.User, cards bool) []string {
	var out []string
	if u.Phone != "" && u.HasPIN {
		out = append(out, "people.signin.pin")
	}
	if u.HasPassword && u.Email != "" {
		out = append(out, "people.signin.email")
	}
	if u.HasPassword && u.Phone != "" {
		out = append(out, "people.signin.phone")
	}
	if cards {
		out = append(out, "people.signin.card")
	}
	if len(out) == 0 {
		out = append(out, "people.signin.none")
	}
	return out
}

func hasActiveCard(cs []account.LoginCard) bool {
	return slices.ContainsFunc(cs, func(c account.LoginCard) bool { return !c.Revoked() })
}

// langOption is one entry of a language select.
type langOption struct {
	Code, Name string
	Selected   bool
}

func langOptions(selected string) []langOption {
	var out []langOption
	for _, l := range i18n.Languages() {
		out = append(out, langOption{Code: l.Code, Name: l.NativeName, Selected: l.Code == selected})
	}
	return out
}

// roleOption is one entry of a role select.
type roleOption struct {
	Value    string
	Key      string // i18n key of the role's name
	Selected bool
}

// fillArgs gives the shared form messages that need a number their number: the
// service names the problem by key only.
func fillArgs(f *form) {
	for name, e := range f.Errors {
		switch e.Key {
		case "form.too_long":
			e.Args = map[string]any{"Max": 200}
		case "form.password_short":
			e.Args = map[string]any{"Min": account.MinPasswordLen}
		default:
			continue
		}
		f.Errors[name] = e
	}
}
