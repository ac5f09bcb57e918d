package web

import (
	"net/http"
	"time"

	"github.com/onramp/onramp/internal/account"
	"github.com/onramp/onramp/internal/i18n"
)

// displaySave stores the larger-text and high-contrast choices in a cookie and
// goes back to the page the person was on.
func (s *Server) displaySave(w http.ResponseWriter, r *http.Request) {
	f := parseForm(w, r)
	d := displayOf(r)
	switch f.Get("text") {
	case "large":
		d.Large = true
	case "normal":
		d.Large = false
	}
	switch f.Get("contrast") {
	case "high":
		d.Contrast = true
	case "normal":
		d.Contrast = false
	}
	http.SetCookie(w, &http.Cookie{
		Name: displayCookie, Value: d.cookieValue(), Path: "/", MaxAge: int((365 * 24 * time.Hour).Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.deps.SecureCookies,
	})
	http.Redirect(w, r, localPath(f.Get("back")), http.StatusSeeOther)
}

// languageSave makes a language the signed-in person's setting (and the
// cookie's), so it follows them to any computer.
func (s *Server) languageSave(w http.ResponseWriter, r *http.Request) {
	f := parseForm(w, r)
	lang := f.Get("lang")
	if !i18n.Supported(lang) {
		s.renderError(w, r, http.StatusUnprocessableEntity, "error.invalid")
		return
	}
	setLangCookie(w, lang, s.deps.SecureCookies)
	if p := who(r); p != nil {
		if _, err := s.deps.Accounts.UpdateUser(r.Context(), p.User.ID, account.UserUpdate{PreferredLang: &lang}, p.User.ID); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	http.Redirect(w, r, localPath(f.Get("back")), http.StatusSeeOther)
}
