package web

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/onramp/onramp/internal/i18n"
)

// searchMaxQuery is the most of a query the page keeps (in characters); the search box says the same.
const searchMaxQuery = 200

// searchLimit is how many lessons a search shows.
const searchLimit = 20

type searchView struct {
	Page
	Query    string
	Searched bool // a query with text was given: show results or the "nothing found" help
	Hits     []searchHit
}

// searchHit is one lesson found. Other marks a hit in another language than the page's: its texts carry
// their own lang attribute and a tag names the language.
type searchHit struct {
	URL, Title, CourseTitle, Snippet string
	Lang, LangName                   string
	Other                            bool
}

// search is the lesson search: a form, and with ?q= the lessons whose text has the words, in the page's
// language first. Any text is a valid query; one with nothing to search for finds nothing.
func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	v := searchView{Page: s.page(r), Query: searchQuery(r.URL.Query().Get("q"))}
	if v.Query != "" {
		v.Searched = true
		if s.deps.Search != nil {
			hits, err := s.deps.Search.Find(r.Context(), v.Query, v.Lang, searchLimit)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			for _, h := range hits {
				sh := searchHit{
					URL:   "/courses/" + url.PathEscape(h.Course) + "/lessons/" + url.PathEscape(h.Lesson),
					Title: h.Title, CourseTitle: h.CourseTitle, Snippet: h.Snippet,
					Lang: h.Lang, Other: h.Lang != v.Lang,
				}
				if l, ok := i18n.LangByCode(h.Lang); ok {
					sh.LangName = l.NativeName
				}
				v.Hits = append(v.Hits, sh)
			}
		}
	}
	s.render(w, r, http.StatusOK, "search", v)
}

// searchQuery cleans what was typed for showing and searching: valid UTF-8, no control characters, trimmed,
// at most searchMaxQuery characters.
func searchQuery(q string) string {
	q = strings.ToValidUTF8(q, "")
	q = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, q)
	if utf8.RuneCountInString(q) > searchMaxQuery {
		q = string([]rune(q)[:searchMaxQuery])
	}
	return strings.TrimSpace(q)
}
