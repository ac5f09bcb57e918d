package web_test

import (
	"html/template"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/onramp/onramp/content"
	"github.com/onramp/onramp/internal/course"
	"github.com/onramp/onramp/internal/db"
	"github.com/onramp/onramp/internal/i18n"
	"github.com/onramp/onramp/internal/testkit"
	"github.com/onramp/onramp/internal/web"
)

// searchServer is a server with the real content indexed in d; search is nil for a server without the search.
func searchServer(t *testing.T, d *db.DB, withSearch bool) (*web.Server, *course.Search) {
	t.Helper()
	lib, err := course.Load(content.FS())
	if err != nil {
		t.Fatal(err)
	}
	cat, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	deps := web.Deps{Log: slog.New(slog.DiscardHandler), DB: d, Translator: cat, Courses: lib}
	var sr *course.Search
	if withSearch {
		sr = course.NewSearch(d, lib)
		if err := sr.Index(t.Context()); err != nil {
			t.Fatal(err)
		}
		deps.Search = sr
	}
	s, err := web.New(deps)
	if err != nil {
		t.Fatal(err)
	}
	return s, sr
}

// firstHit is the best lesson for q in lang, as the page must show it.
func firstHit(t *testing.T, sr *course.Search, q, lang string) course.Hit {
	t.Helper()
	hits, err := sr.Find(t.Context(), q, lang, 20)
	if err != nil || len(hits) == 0 {
		t.Fatalf("Find(%q, %s): %d hits, %v", q, lang, len(hits), err)
	}
	return hits[0]
}

func searchURL(q, lang string) string {
	return "/search?" + url.Values{"q": {q}, "lang": {lang}}.Encode()
}

func TestSearchPage(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		s, sr := searchServer(t, d, true)
		vi := firstHit(t, sr, "dien thoai", "vi")
		ru := firstHit(t, sr, "телефоны", "ru")
		lv := firstHit(t, sr, "parole", "ru") // only the Latvian lessons have the word
		if lv.Lang != "lv" {
			t.Fatalf("parole from a Russian page: first hit in %s", lv.Lang)
		}
		link := func(h course.Hit) string { return `href="/courses/` + h.Course + `/lessons/` + h.Lesson + `"` }
		esc := template.HTMLEscapeString
		scenarios := []testkit.Scenario{
			{Name: "the form", URL: "/search?lang=en", WantStatus: 200,
				WantIn:    []string{"<h1>Search the lessons</h1>", `<label for="f-q">What do you want to learn about?</label>`, `name="q"`, `type="search"`, `role="search"`},
				WantNotIn: []string{"No lesson matches", "search-results"}},
			{Name: "vietnamese without marks", URL: searchURL("dien thoai", "vi"), WantStatus: 200,
				WantIn:    []string{`<html lang="vi"`, "Bài học về “dien thoai”", "Tìm thấy", link(vi), esc(vi.Title), `value="dien thoai"`},
				WantNotIn: []string{`<span class="tag">`}},
			{Name: "russian word forms", URL: searchURL("телефоны", "ru"), WantStatus: 200,
				WantIn: []string{"Уроки по запросу «телефоны»", link(ru), esc(ru.Title), esc(ru.CourseTitle)}},
			{Name: "a hit in another language is marked", URL: searchURL("parole", "ru"), WantStatus: 200,
				WantIn: []string{link(lv), `<a href="/courses/` + lv.Course + `/lessons/` + lv.Lesson + `" lang="lv">` + esc(lv.Title),
					`<span class="tag">Язык: <span lang="lv">Latviešu</span></span>`}},
			{Name: "nothing found", URL: searchURL("zzzzqqq", "ru"), WantStatus: 200,
				WantIn:    []string{"Ни один урок не подходит", "Проверьте, правильно ли написано слово.", `href="/courses"`},
				WantNotIn: []string{"search-results"}},
			{Name: "markup in the query is text", URL: searchURL(`<script>alert(1)</script>"'`, "en"), WantStatus: 200,
				WantIn:    []string{"&lt;script&gt;alert(1)&lt;/script&gt;"},
				WantNotIn: []string{"<script>alert"}},
			{Name: "only punctuation", URL: searchURL(`"*:()^-- ;DROP TABLE course_search_docs;--`, "en"), WantStatus: 200},
			{Name: "engine operators", URL: searchURL(`a AND b OR NOT NEAR(c d) e:* f & g | !h <-> i`, "uk"), WantStatus: 200},
			{Name: "emoji and nothing else", URL: searchURL("🙂🙂", "vi"), WantStatus: 200, WantIn: []string{"Không có bài học nào"}},
			{Name: "NUL and bad UTF-8", URL: "/search?q=%00%ff%fe%00&lang=en", WantStatus: 200},
			{Name: "a very long query", URL: searchURL(strings.Repeat(`телефон "*" `, 1000), "ru"), WantStatus: 200},
			{Name: "empty query", URL: "/search?q=+++&lang=lv", WantStatus: 200,
				WantIn: []string{"Meklēt nodarbībās"}, WantNotIn: []string{"Neviena nodarbība"}},
		}
		testkit.Run(t, s, scenarios)

		// The page keeps at most 200 characters of what was typed.
		_, body := testkit.Do(t, s, testkit.Scenario{URL: searchURL(strings.Repeat("я", 500), "ru")})
		if strings.Contains(body, strings.Repeat("я", 201)) || !strings.Contains(body, strings.Repeat("я", 200)) {
			t.Error("the query is not cut to 200 characters")
		}
	})
}

// Without a search service (a build that does not wire one) the page still answers, finding nothing.
func TestSearchPageWithoutIndex(t *testing.T) {
	s, _ := searchServer(t, testkit.OpenSQLite(t), false)
	testkit.Run(t, s, []testkit.Scenario{
		{URL: searchURL("телефон", "ru"), WantStatus: 200, WantIn: []string{"Ни один урок не подходит"}},
	})
}

// The page in its states is valid HTML and has no accessibility violation, also at 200 % zoom.
func TestSearchPageAccessible(t *testing.T) {
	s, _ := searchServer(t, testkit.OpenSQLite(t), true)
	urls := map[string]string{
		"form":          "/search?lang=en",
		"results":       searchURL("dien thoai", "vi"),
		"other lang":    searchURL("parole", "ru"),
		"nothing found": searchURL("zzzzqqq", "uk"),
	}
	docs := map[string][]byte{}
	for name, u := range urls {
		_, body := testkit.Do(t, s, testkit.Scenario{URL: u})
		docs[name] = []byte(body)
	}
	testkit.CheckHTML(t, docs)

	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	tab := testkit.NewBrowser(t).NewTab(t)
	for _, u := range urls {
		testkit.AxeAt(t, tab, srv.URL+u)
	}
	testkit.Navigate(t, tab, srv.URL+urls["other lang"])
	testkit.Zoom200(t, tab)
	testkit.NoHorizontalScroll(t, tab)
}
