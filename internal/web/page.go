package web

import (
	"net/http"
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
	tr        Translator
}

// T translates key into the page's language.
func (p Page) T(key string, args ...any) string { return p.tr.T(p.Lang, key, args...) }

// N translates a plural key for count.
func (p Page) N(key string, count int, args ...any) string {
	return p.tr.N(p.Lang, key, count, args...)
}

func (s *Server) page(r *http.Request) Page {
	return Page{Lang: "en", RequestID: RequestID(r.Context()), tr: s.tr()}
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
