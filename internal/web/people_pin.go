package web

import (
	"net/http"

	"github.com/onramp/onramp/internal/account"
	"github.com/onramp/onramp/internal/errs"
)

// personPIN sets a new PIN for a person (a learner who forgot theirs).
func (s *Server) personPIN(w http.ResponseWriter, r *http.Request) {
	p, pr, ok := s.requirePerson(w, r, account.ActResetPIN)
	if !ok {
		return
	}
	f := parseForm(w, r)
	pin, again := f.Get("pin"), f.Get("pin_repeat")
	switch {
	case f.Error != "":
	case pr.User.Phone == "":
		f.Error = "people.pin.no_phone"
	case pin == "":
		f.Fail("pin", "form.required", nil)
	default:
		if err := account.ValidatePIN(pin); err != nil {
			f.absorb(err, []string{"pin", "pin_repeat"})
		} else if pin != again {
			f.Fail("pin_repeat", "form.pin_mismatch", nil)
		}
	}
	if f.HasErrors() {
		s.renderPerson(w, r, http.StatusUnprocessableEntity, p, pr, f)
		return
	}
	if err := s.deps.Accounts.SetPIN(r.Context(), pr.User.ID, pin, p.User.ID); err != nil {
		if errs.CodeOf(err) == errs.Invalid && f.absorb(err, []string{"pin", "pin_repeat"}) {
			s.renderPerson(w, r, http.StatusUnprocessableEntity, p, pr, f)
			return
		}
		s.fail(w, r, err)
		return
	}
	s.flash(r, "learner.pin_reset_done")
	http.Redirect(w, r, "/people/"+pr.User.ID, http.StatusSeeOther)
}
