package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/onramp/onramp/internal/i18n"
)

const langCookie = "onramp_lang"

type langKey struct{}

// langOf is the language the request is answered in.
func langOf(r *http.Request) string {
	if l, ok := r.Context().Value(langKey{}).(string); ok {
		return l
	}
	return i18n.Default
}

// language picks the page language: an explicit ?lang= (which also sets the
// cookie), else the signed-in person's setting, else the cookie, else
// Accept-Language, else English.
func (s *Server) language(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lang := ""
		if q := r.URL.Query().Get("lang"); q != "" && i18n.Supported(q) {
			lang = q
			setLangCookie(w, q, s.deps.SecureCookies)
		}
		if lang == "" {
			setting := ""
			if p := who(r); p != nil {
				setting = p.User.PreferredLang
			}
			cookie := ""
			if c, err := r.Cookie(langCookie); err == nil {
				cookie = c.Value
			}
			lang = i18n.Negotiate(setting, cookie, r.Header.Get("Accept-Language"))
		}
		w.Header().Add("Vary", "Accept-Language")
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), langKey{}, lang)))
	})
}

func setLangCookie(w http.ResponseWriter, lang string, secure bool) {
	http.SetCookie(w, &http.Cookie{
		Name: langCookie, Value: lang, Path: "/", MaxAge: int((365 * 24 * time.Hour).Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: secure,
	})
}

// Display preferences (larger text, high contrast) live in a cookie so they
// stick on a shared computer's browser profile without an account.
const displayCookie = "onramp_display"

type display struct {
	Large    bool
	Contrast bool
}

func displayOf(r *http.Request) display {
	c, err := r.Cookie(displayCookie)
	if err != nil {
		return display{}
	}
	return display{Large: strings.Contains(c.Value, "large"), Contrast: strings.Contains(c.Value, "contrast")}
}

func (d display) cookieValue() string {
	var parts []string
	if d.Large {
		parts = append(parts, "large")
	}
	if d.Contrast {
		parts = append(parts, "contrast")
	}
	return strings.Join(parts, ".")
}

// langLink is one entry of the language switcher.
type langLink struct {
	Code, Name, URL string
	Current         bool
}

// langLinks builds the switcher: the same page in each language.
func langLinks(r *http.Request, current string) []langLink {
	var out []langLink
	for _, l := range i18n.Languages() {
		u := *r.URL
		q := u.Query()
		q.Set("lang", l.Code)
		u.RawQuery = q.Encode()
		out = append(out, langLink{Code: l.Code, Name: l.NativeName, URL: u.RequestURI(), Current: l.Code == current})
	}
	return out
}
