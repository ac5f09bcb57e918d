package web

import (
	"net/http"
	"slices"

	"github.com/onramp/onramp/internal/account"
	"github.com/onramp/onramp/internal/i18n"
)

// personView is a person's page: who they are, how they sign in, their roles
// and login cards, and the forms the viewer may use on them.
type personView struct {
	Page
	Form         *form // the PIN or role form that failed; empty otherwise
	ID           string
	Name         string
	Phone        string
	Email        string
	LangName     string
	LangCode     string
	Disabled     bool
	SignIn       []string // i18n keys
	Grants       []personGrant
	Cards        []cardRow
	NoCardYet    bool // nothing else to sign in with, and no card: print one now
	CanResetPIN  bool
	CanCards     bool // may block this person's cards
	CanIssue     bool // may print a new one: a learner's account in use
	CanGrant     bool
	GrantRoles   []roleOption
	HiddenGrants int // roles at places the viewer cannot see
}

type personGrant struct {
	Role      string
	RoleKey   string
	PlaceID   string
	PlaceName string
	PlaceCode string
	CanRevoke bool
}

type cardRow struct {
	ID        string
	Issued    string // YYYY-MM-DD
	RevokedOn string // YYYY-MM-DD, "" while the card works
}

// personPage shows a person to someone who may see them (see peopleRoutes).
func (s *Server) personPage(w http.ResponseWriter, r *http.Request) {
	p, pr, ok := s.loadPerson(w, r)
	if !ok {
		return
	}
	s.renderPerson(w, r, http.StatusOK, p, pr, newForm())
}

// renderPerson renders the person page; the POST handlers use it to show a
// form again with its problems.
func (s *Server) renderPerson(w http.ResponseWriter, r *http.Request, status int, p *principal, pr *person, f *form) {
	ctx := r.Context()
	u := pr.User
	v := personView{Page: s.page(r), Form: f, ID: u.ID, Name: u.DisplayName, Phone: u.Phone, Email: u.Email,
		Disabled: u.Disabled(), LangCode: u.PreferredLang}
	if l, ok := i18n.LangByCode(u.PreferredLang); ok {
		v.LangName = l.NativeName
	}
	cards, err := s.deps.Accounts.LoginCardsOf(ctx, u.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	active := hasActiveCard(cards)
	v.SignIn = signInKeys(u, active)
	v.NoCardYet = !active && !(u.HasPIN && u.Phone != "") && !u.HasPassword
	for _, c := range cards {
		row := cardRow{ID: c.ID, Issued: c.CreatedAt.Format("2006-01-02")}
		if c.Revoked() {
			row.RevokedOn = c.RevokedAt.Format("2006-01-02")
		}
		v.Cards = append(v.Cards, row)
	}
	manager := holdsAnywhere(p.Grants, account.ActManageStaff)
	for _, g := range pr.Grants {
		sc := pr.scope[g.PlaceID]
		if !p.Grants.Allows(account.ActViewLearners, sc) && !p.Grants.Allows(account.ActManageStaff, sc) {
			v.HiddenGrants++
			continue
		}
		pl, err := s.deps.Places.FindPlaceByID(ctx, g.PlaceID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.Grants = append(v.Grants, personGrant{Role: string(g.Role), RoleKey: "role." + string(g.Role),
			PlaceID: g.PlaceID, PlaceName: pl.Name(v.Lang), PlaceCode: pl.Code,
			CanRevoke: manager && p.Grants.AllowsGrant(g.Role, sc)})
	}
	v.CanResetPIN = pr.may(p, account.ActResetPIN)
	v.CanCards = pr.may(p, account.ActIssueLoginCards)
	v.CanIssue = v.CanCards && !pr.Grants.IsStaff() && !u.Disabled()
	if manager {
		chosen := f.Get("role")
		for _, ro := range account.Roles() {
			if grantableSomewhere(p.Grants, ro) {
				v.GrantRoles = append(v.GrantRoles, roleOption{Value: string(ro), Key: "role." + string(ro), Selected: string(ro) == chosen})
			}
		}
		v.CanGrant = len(v.GrantRoles) > 0
	}
	s.render(w, r, status, "people/view", v)
}

// grantableSomewhere reports whether some grant that manages staff may give ro.
func grantableSomewhere(gs account.Grants, ro account.Role) bool {
	return slices.ContainsFunc(gs, func(g account.Grant) bool {
		return g.Role.Can(account.ActManageStaff) && g.Role.CanGrant(ro)
	})
}
