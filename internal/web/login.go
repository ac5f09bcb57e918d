package web

import (
	"errors"
	"net/http"

	"github.com/onramp/onramp/internal/account"
	"github.com/onramp/onramp/internal/errs"
)

// loginView serves the three sign-in pages: password, phone + PIN, login card.
type loginView struct {
	Page
	Form *form
	Mode string // password, pin, card
	Next string
}

func (s *Server) loginPage(mode string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f := newForm()
		if mode == "card" {
			f.Values.Set("code", r.PathValue("code"))
		}
		w.Header().Set("Cache-Control", "no-store")
		pg := s.page(r)
		if r.URL.Query().Get("signed_out") != "" && pg.Flash == "" {
			pg.Flash = "login.signed_out"
		}
		s.render(w, r, http.StatusOK, "login", loginView{Page: pg, Form: f, Mode: mode, Next: localPath(r.URL.Query().Get("next"))})
	}
}

// loginSubmit checks the secret of one of the three modes and starts a session.
// Failures are throttled per address (on top of the per-account lock-out) so one
// machine cannot spray common PINs across many accounts.
func (s *Server) loginSubmit(mode string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f := parseForm(w, r)
		view := loginView{Page: s.page(r), Form: f, Mode: mode, Next: localPath(f.Get("next"))}
		w.Header().Set("Cache-Control", "no-store")
		if f.Error != "" {
			s.render(w, r, http.StatusBadRequest, "login", view)
			return
		}
		ip := clientIP(r)
		if !s.loginLimit.allowed(ip) {
			f.Error = "error.rate_limited"
			s.render(w, r, http.StatusTooManyRequests, "login", view)
			return
		}
		var (
			u   account.User
			err error
		)
		required := map[string][]string{"password": {"identifier", "password"}, "pin": {"phone", "pin"}, "card": {"code"}}
		if !f.Require(required[mode]...) {
			s.render(w, r, http.StatusUnprocessableEntity, "login", view)
			return
		}
		switch mode {
		case "password":
			u, err = s.deps.Accounts.AuthenticatePassword(r.Context(), f.Get("identifier"), f.Value("password"))
		case "pin":
			u, err = s.deps.Accounts.AuthenticatePIN(r.Context(), f.Get("phone"), f.Get("pin"))
		case "card":
			u, err = s.deps.Accounts.AuthenticateCard(r.Context(), f.Get("code"))
		}
		if err != nil {
			if errs.CodeOf(err) == errs.Internal {
				s.fail(w, r, err)
				return
			}
			s.loginLimit.failed(ip)
			f.Error = errs.KeyOf(err)
			var e *errs.Error
			if errors.As(err, &e) {
				f.Args = e.Args
			}
			status := http.StatusUnauthorized
			if errs.Is(err, errs.TooMany) {
				status = http.StatusTooManyRequests
			}
			s.render(w, r, status, "login", view)
			return
		}
		if err := s.signIn(w, r, u, f.Checked("shared")); err != nil {
			s.fail(w, r, err)
			return
		}
		http.Redirect(w, r, view.Next, http.StatusSeeOther)
	}
}

// logout ends the session and asks the browser to forget everything of this
// site (cache, cookies, storage) — on a shared library computer the next person
// must find nothing, not even with the Back button.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if err := s.sessions.Destroy(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Clear-Site-Data", `"cache", "cookies", "storage"`)
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, "/login?signed_out=1", http.StatusSeeOther)
}
