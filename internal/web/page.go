package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/onramp/onramp/internal/account"
)

// Translator is what pages need of the i18n catalog.
type Translator interface {
	T(lang, key string, args ...any) string
	N(lang, key string, count int, args ...any) string
}

// Page is the part of every view model the layout reads. Templates call
// {{.T "key"}} and {{.N "key" n}} so every string goes through the catalog.
type Page struct {
	Lang      string
	RequestID string
	Path      string // the current path, for aria-current and "back" fields
	Langs     []langLink
	Display   display
	SignedIn  bool
	UserName  string
	Shared    bool
	Nav       []navItem
	Flash     string // an i18n key shown once
	tr        Translator
}

type navItem struct {
	Key, URL string
	Current  bool
}

// T translates key into the page's language.
func (p Page) T(key string, args ...any) string { return p.tr.T(p.Lang, key, args...) }

// N translates a plural key for count.
func (p Page) N(key string, count int, args ...any) string {
	return p.tr.N(p.Lang, key, count, args...)
}

// HTMLClass is the class list of <html>: the display preferences.
func (p Page) HTMLClass() string {
	var c []string
	if p.Display.Large {
		c = append(c, "text-large")
	}
	if p.Display.Contrast {
		c = append(c, "contrast-high")
	}
	return strings.Join(c, " ")
}

func (s *Server) page(r *http.Request) Page {
	lang := langOf(r)
	p := Page{
		Lang:      lang,
		RequestID: RequestID(r.Context()),
		Path:      r.URL.Path,
		Langs:     langLinks(r, lang),
		Display:   displayOf(r),
		tr:        s.tr(),
	}
	if hasSession(r) && s.sessions.Exists(r.Context(), sessFlash) {
		p.Flash = s.sessions.PopString(r.Context(), sessFlash)
	}
	if pr := who(r); pr != nil {
		p.SignedIn = true
		p.UserName = pr.User.DisplayName
		p.Shared = pr.Shared
	}
	p.Nav = s.nav(r.Context(), who(r), r.URL.Path)
	return p
}

// nav lists the areas the person may use, in a fixed order.
func (s *Server) nav(_ context.Context, p *principal, path string) []navItem {
	items := []navItem{{Key: "nav.home", URL: "/"}, {Key: "nav.courses", URL: "/courses"}, {Key: "nav.search", URL: "/search"}}
	if p != nil {
		if holdsAnywhere(p.Grants, account.ActManagePlaces) || holdsAnywhere(p.Grants, account.ActViewReports) ||
			holdsAnywhere(p.Grants, account.ActViewLearners) || holdsAnywhere(p.Grants, account.ActManageStaff) {
			items = append(items, navItem{Key: "nav.places", URL: "/places"})
		}
	}
	for i := range items {
		items[i].Current = items[i].URL == path || (items[i].URL != "/" && strings.HasPrefix(path, items[i].URL+"/"))
	}
	return items
}

// tr returns the catalog, or one that shows keys when none was given.
func (s *Server) tr() Translator {
	if s.deps.Translator != nil {
		return s.deps.Translator
	}
	return keyTranslator{}
}

type keyTranslator struct{}

func (keyTranslator) T(_, key string, _ ...any) string        { return key }
func (keyTranslator) N(_, key string, _ int, _ ...any) string { return key }
