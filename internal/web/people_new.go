package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"

	"github.com/onramp/onramp/internal/account"
	"github.com/onramp/onramp/internal/i18n"
)

// peopleNewView is the trainer's 30-second sign-up: name, and optionally a
// phone and PIN; no e-mail needed. Someone who may manage staff here also gets
// a role select and the e-mail and password a member of staff signs in with.
type peopleNewView struct {
	Page
	Form        *form
	PlaceID     string
	PlaceName   string
	LangChoices []langOption
	Roles       []roleOption // empty when learner is the only choice
	Staff       bool         // show role, e-mail and password
}

// newFields is the order of the sign-up form's fields, for the error summary.
func newFields() []string {
	return []string{"display_name", "phone", "pin", "pin_repeat", "preferred_lang", "assisted", "role", "email", "password"}
}

// signUpRoles lists the roles p may give a new person at placeID: learner where
// p may create learners, staff roles where p may manage staff, each only if p's
// grants allow granting it there.
func (s *Server) signUpRoles(ctx context.Context, p *principal, placeID string) ([]account.Role, bool, error) {
	scope, err := s.scopeOf(ctx, placeID)
	if err != nil {
		return nil, false, err
	}
	learners := p.Grants.Allows(account.ActCreateLearners, scope)
	staff := p.Grants.Allows(account.ActManageStaff, scope)
	var out []account.Role
	for _, ro := range account.Roles() {
		if !p.Grants.AllowsGrant(ro, scope) {
			continue
		}
		if (ro == account.Learner && learners) || (ro.IsStaff() && staff) {
			out = append(out, ro)
		}
	}
	return out, staff && slices.ContainsFunc(out, account.Role.IsStaff), nil
}

func (s *Server) peopleNewPage(w http.ResponseWriter, r *http.Request, status int, f *form) {
	ctx := r.Context()
	placeID := r.PathValue("id")
	p := who(r)
	pl, err := s.deps.Places.FindPlaceByID(ctx, placeID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	roles, staff, err := s.signUpRoles(ctx, p, placeID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := peopleNewView{Page: s.page(r), Form: f, PlaceID: placeID, Staff: staff}
	v.PlaceName = pl.Name(v.Lang)
	lang := f.Get("preferred_lang")
	if lang == "" {
		lang = v.Lang
	}
	v.LangChoices = langOptions(lang)
	if staff {
		chosen := f.Get("role")
		if chosen == "" {
			chosen = string(roles[0])
		}
		for _, ro := range roles {
			v.Roles = append(v.Roles, roleOption{Value: string(ro), Key: "role." + string(ro), Selected: string(ro) == chosen})
		}
	}
	s.render(w, r, status, "people/new", v)
}

// peopleNew shows the sign-up form.
func (s *Server) peopleNew(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireAt(w, r, r.PathValue("id"), account.ActCreateLearners, account.ActManageStaff); !ok {
		return
	}
	s.peopleNewPage(w, r, http.StatusOK, newForm())
}

// peopleCreate signs a person up at the place and opens their page.
func (s *Server) peopleCreate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	placeID := r.PathValue("id")
	p, ok := s.requireAt(w, r, placeID, account.ActCreateLearners, account.ActManageStaff)
	if !ok {
		return
	}
	f := parseForm(w, r)
	if f.Error != "" {
		s.peopleNewPage(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	roles, staff, err := s.signUpRoles(ctx, p, placeID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	role := account.Learner
	if staff {
		role = account.Role(f.Get("role"))
	}
	if !slices.Contains(roles, role) {
		// Not offered on the form: a trainer, or someone who may not grant it here.
		if len(roles) == 0 || !staff {
			s.renderError(w, r, http.StatusForbidden, "error.forbidden")
			return
		}
		f.Fail("role", "form.invalid_choice", nil)
	}

	nu := account.NewUser{
		DisplayName:   f.Get("display_name"),
		Phone:         f.Get("phone"),
		PIN:           f.Get("pin"),
		PreferredLang: f.Get("preferred_lang"),
		Assisted:      f.Checked("assisted") && !role.IsStaff(),
		CreatedBy:     p.User.ID,
		Role:          role,
		PlaceID:       placeID,
	}
	if staff {
		nu.Email = f.Get("email")
		nu.Password = f.Value("password")
	}
	if nu.DisplayName == "" {
		f.Fail("display_name", "form.required", nil)
	}
	switch {
	case nu.PIN != "" && nu.Phone == "":
		f.Fail("pin", "people.new.pin_needs_phone", nil)
	case nu.PIN != "" && nu.PIN != f.Get("pin_repeat"):
		f.Fail("pin_repeat", "form.pin_mismatch", nil)
	case nu.PIN == "" && f.Get("pin_repeat") != "":
		f.Fail("pin", "form.required", nil)
	}
	if nu.PreferredLang == "" {
		nu.PreferredLang = langOf(r)
	} else if !i18n.Supported(nu.PreferredLang) {
		f.Fail("preferred_lang", "form.invalid_choice", nil)
	}
	if role.IsStaff() {
		if nu.Email == "" && nu.Phone == "" {
			f.Fail("email", "people.new.email_or_phone", nil)
		}
		if nu.Password == "" {
			f.Fail("password", "form.required", nil)
		}
	} else if !nu.Assisted && nu.Phone == "" && nu.Email == "" {
		f.Fail("phone", "people.new.phone_or_assisted", nil)
	}
	if f.HasErrors() {
		fillArgs(f)
		s.peopleNewPage(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	u, err := s.deps.Accounts.CreateUser(ctx, nu)
	if err != nil {
		if !f.absorb(err, newFields()) {
			s.fail(w, r, err)
			return
		}
		fillArgs(f)
		s.peopleNewPage(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	s.flash(r, "people.new.done")
	http.Redirect(w, r, "/people/"+url.PathEscape(u.ID), http.StatusSeeOther)
}
