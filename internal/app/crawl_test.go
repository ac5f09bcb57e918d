package app_test

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/onramp/onramp/internal/testkit"
)

// The crawl: every GET route of the table, as every demo role, at the role's
// in-scope and out-of-scope targets, plus an unknown URL, on the shared demo
// onramp. It runs once; the header, write, HTML-checker and axe tests read it.

type crawlPage struct {
	Route  string // the route's pattern; "unmatched" for the unknown URL
	Role   string
	Signed bool // the role has a session
	Scope  scope
	Path   string
	response
}

// IsHTML reports whether the answer is an HTML document (a redirect's
// one-line body from http.Redirect is not).
func (p crawlPage) IsHTML() bool {
	return strings.HasPrefix(p.Header.Get("Content-Type"), "text/html") && (p.Status < 300 || p.Status >= 400)
}

type crawlResult struct {
	fx            *fixture
	pages         []crawlPage
	problems      []string // routes the crawl could not reach
	before, after dbSnapshot
	took          time.Duration
}

// maxPagesPerRole bounds the crawl when links lead on and on (paging).
const maxPagesPerRole = 200

// linked is the scope of a page the crawl reached by following a link.
const linked scope = "linked"

// crawled returns the crawl of the shared onramp, running it on first use:
// for each role, every GET route at the role's targets, an unknown URL, and
// then every link of those pages to this site (but the language switcher's),
// breadth first.
func crawled(t testing.TB) *crawlResult {
	t.Helper()
	fx := shared(t)
	suite.crawlOnce.Do(func() {
		fx.signInAll(t) // sign-ins write sessions: before the first count
		cr := &crawlResult{fx: fx, before: snapshot(t, fx)}
		start := time.Now()
		mux := http.NewServeMux() // names the route of a followed link
		for _, rt := range routesOf(fx.app) {
			mux.HandleFunc(rt.Pattern, func(http.ResponseWriter, *http.Request) {})
		}
		type visit struct {
			route, path string
			sc          scope
		}
		for _, rc := range fx.roles {
			var queue []visit
			for _, rt := range routesOf(fx.app) {
				if rt.Method != http.MethodGet {
					continue
				}
				for _, sc := range []scope{inScope, outScope} {
					tg := rc.In
					if sc == outScope {
						tg = rc.Out
					}
					path, _, err := fillPath(rt, tg)
					if err != nil {
						if rc.Name == "anonymous" && sc == inScope {
							cr.problems = append(cr.problems, err.Error())
						}
						break
					}
					queue = append(queue, visit{rt.Pattern, path, sc})
				}
			}
			queue = append(queue, visit{"unmatched", "/no-such-page", inScope})
			seen := map[string]bool{}
			for len(queue) > 0 && len(seen) < maxPagesPerRole {
				v := queue[0]
				queue = queue[1:]
				if seen[v.path] {
					continue
				}
				seen[v.path] = true
				res, err := fx.do(http.MethodGet, v.path, nil, fx.login[rc.Name], nil)
				if err != nil {
					cr.problems = append(cr.problems, fmt.Sprintf("GET %s as %s: %v", v.path, rc.Name, err))
					continue
				}
				p := crawlPage{Route: v.route, Role: rc.Name, Signed: rc.Role != "", Scope: v.sc, Path: v.path, response: res}
				cr.pages = append(cr.pages, p)
				if !p.IsHTML() {
					continue
				}
				for _, link := range linksOf(p.Body, fx.srv.URL) {
					if seen[link] {
						continue
					}
					req, err := http.NewRequest(http.MethodGet, fx.srv.URL+link, nil)
					if err != nil {
						continue
					}
					route := "unmatched"
					if _, pattern := mux.Handler(req); pattern != "" {
						route = pattern
					}
					queue = append(queue, visit{route, link, linked})
				}
			}
		}
		cr.took = time.Since(start)
		cr.after = snapshot(t, fx)
		suite.crawl = cr
	})
	if suite.crawl == nil {
		t.Fatal("the crawl failed in an earlier test")
	}
	return suite.crawl
}

// linksOf lists the paths (with query) of a page's links to this site, but
// not the language switcher's (?lang=: the same pages again) nor fragments.
func linksOf(doc, origin string) []string {
	var out []string
	z := html.NewTokenizer(strings.NewReader(doc))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return out
		}
		if tt != html.StartTagToken {
			continue
		}
		tok := z.Token()
		if tok.Data != "a" {
			continue
		}
		for _, a := range tok.Attr {
			if a.Key != "href" {
				continue
			}
			href := strings.TrimPrefix(a.Val, origin)
			if !strings.HasPrefix(href, "/") || strings.HasPrefix(href, "//") {
				continue
			}
			u, err := url.Parse(href)
			if err != nil || u.Query().Has("lang") {
				continue
			}
			u.Fragment = ""
			out = append(out, u.RequestURI())
		}
	}
}

// TestNoGETRouteWrites crawls every GET route (and every link on the pages)
// as every role and compares every table of the database before and after:
// rows and content. Only the sessions table may change content (the idle
// clock), never its number of rows.
func TestNoGETRouteWrites(t *testing.T) {
	cr := crawled(t)
	for _, p := range cr.problems { // the routes the crawl (and so every test reading it) missed
		t.Error(p)
	}
	if diff := cr.before.diff(cr.after, []string{"sessions"}); diff != "" {
		t.Errorf("GET requests changed the database:\n%s", diff)
	}
	t.Logf("%d GET requests over %d tables left the database as it was (crawl took %s)",
		len(cr.pages), len(cr.before), cr.took.Round(time.Millisecond))
}

// TestCrawlShowsNothingOutOfScope checks every page of the crawl, followed
// links included, for the names and IDs of the role's out-of-scope target
// (and, for roles that may not view learners, of the in-scope learner).
func TestCrawlShowsNothingOutOfScope(t *testing.T) {
	cr := crawled(t)
	for _, p := range cr.pages {
		if found := leaks(p.Body, p.Path, cr.fx.role(p.Role).secrets()); len(found) > 0 {
			t.Errorf("GET %s as %s (%s, %s, %d) shows what is out of the role's reach: %q", p.Path, p.Role, p.Route, p.Scope, p.Status, found)
		}
	}
	var linkedPages int
	for _, p := range cr.pages {
		if p.Scope == linked {
			linkedPages++
		}
	}
	t.Logf("%d pages checked, %d of them reached by following links", len(cr.pages), linkedPages)
}

// TestEveryPageHasSecurityHeaders checks the headers of every answer of the
// crawl and the markup of every HTML page: the CSP (DESIGN.md §6) would block
// inline script, handlers and styles, so the pages must not need them. Other
// answers (CSS, pictures, metrics) need a CSP too, which may allow a picture
// its inline styles but never script.
func TestEveryPageHasSecurityHeaders(t *testing.T) {
	cr := crawled(t)
	htmlPages := 0
	for _, p := range cr.pages {
		where := fmt.Sprintf("GET %s as %s (%s, %d)", p.Path, p.Role, p.Route, p.Status)
		if p.Status >= 500 {
			t.Errorf("%s: server error", where)
		}
		csp := p.Header.Get("Content-Security-Policy")
		switch {
		case csp == "":
			t.Errorf("%s: no Content-Security-Policy", where)
		case p.IsHTML() && (strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval")):
			t.Errorf("%s: CSP allows unsafe code: %s", where, csp)
		case strings.Contains(csp, "unsafe-eval") || cspAllowsInlineScript(csp):
			// A file that is not a page (an SVG picture) may keep its own
			// inline styles, never a script.
			t.Errorf("%s: CSP allows scripts: %s", where, csp)
		case !strings.Contains(csp, "frame-ancestors 'none'"):
			t.Errorf("%s: CSP lacks frame-ancestors 'none': %s", where, csp)
		}
		if got := p.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options %q", where, got)
		}
		if p.Header.Get("Referrer-Policy") == "" {
			t.Errorf("%s: no Referrer-Policy", where)
		}
		if !p.IsHTML() {
			continue
		}
		htmlPages++
		if p.Signed && !strings.Contains(p.Header.Get("Cache-Control"), "no-store") {
			t.Errorf("%s: a signed-in person's page without Cache-Control: no-store (got %q)", where, p.Header.Get("Cache-Control"))
		}
		for _, prob := range markupProblems(p.Body, cr.fx.srv.URL) {
			t.Errorf("%s: %s", where, prob)
		}
	}
	if htmlPages == 0 {
		t.Fatal("the crawl found no HTML page")
	}
	t.Logf("%d answers checked, %d of them HTML pages", len(cr.pages), htmlPages)
}

// TestHTMLIsValid runs the Nu Html Checker once over one page of each kind the
// crawl met.
func TestHTMLIsValid(t *testing.T) {
	cr := crawled(t)
	docs := map[string][]byte{}
	for _, p := range pageKinds(cr, byDocument) {
		docs[fmt.Sprintf("%s %d as %s (%s)", p.Route, p.Status, p.Role, p.Path)] = []byte(p.Body)
	}
	start := time.Now()
	testkit.CheckHTML(t, docs)
	t.Logf("%d page kinds checked in %s", len(docs), time.Since(start).Round(time.Millisecond))
}

// pageKinds picks one HTML page of each kind from the crawl, kinds told
// apart by key.
func pageKinds(cr *crawlResult, key func(crawlPage) string) []crawlPage {
	seen := map[string]bool{}
	var out []crawlPage
	for _, p := range cr.pages {
		if !p.IsHTML() {
			continue
		}
		k := key(p)
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, p)
	}
	return out
}

// byDocument makes a kind of each markup skeleton: the elements and attribute
// names, without text or attribute values. The nine roles' sign-in pages
// collapse into the few headers they differ by, the error pages of every
// route into one per header, while a page that shows more to some role keeps
// a kind of its own. The HTML checker sees one page of each.
func byDocument(p crawlPage) string { return skeleton(p.Body) }

// byMain makes a kind of each structure of <main> (see structure) for
// visitors and for people signed in, leaving out the header's variants by role
// (the navigation a role gets: each variant still comes with the role's home
// page) and the text markup of lesson content. The browser, slower than the
// HTML checker, runs axe on one page of each.
func byMain(p crawlPage) string {
	body := p.Body
	if i := strings.Index(body, "<main"); i >= 0 {
		body = body[i:]
	}
	return fmt.Sprintf("%t %s", p.Signed, structure(body))
}

// structure hashes the elements of a document that axe's rules are about —
// landmarks, headings, lists, tables, forms and their controls, links,
// pictures and media, and anything with a role, an aria-* attribute or a
// tabindex — with their attribute names, a run of identical ones counted once
// (the rows of a list or a table).
func structure(doc string) string {
	keep := map[string]bool{}
	for _, e := range strings.Fields(`main nav aside header footer section dialog h1 h2 h3 h4 h5 h6 ul ol li dl dt dd
		table caption th pre blockquote figure a button input select textarea label form fieldset legend
		img svg video audio iframe details summary progress`) {
		keep[e] = true
	}
	h := sha256.New()
	last := ""
	z := html.NewTokenizer(strings.NewReader(doc))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		sig := "<" + tok.Data
		aria := false
		for _, a := range tok.Attr {
			sig += " " + a.Key
			aria = aria || strings.HasPrefix(a.Key, "aria-") || a.Key == "role" || a.Key == "tabindex"
		}
		if (!keep[tok.Data] && !aria) || sig == last {
			continue
		}
		last = sig
		h.Write([]byte(sig + ">"))
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// skeleton hashes the structure of an HTML document.
func skeleton(doc string) string {
	h := sha256.New()
	z := html.NewTokenizer(strings.NewReader(doc))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		if tt != html.StartTagToken && tt != html.EndTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		fmt.Fprintf(h, "%d<%s", tt, tok.Data)
		for _, a := range tok.Attr {
			fmt.Fprintf(h, " %s", a.Key)
		}
		h.Write([]byte{'>'})
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// cspAllowsInlineScript reports whether a policy lets inline script run: its
// script-src, or default-src when there is none, allows 'unsafe-inline'.
func cspAllowsInlineScript(csp string) bool {
	dirs := map[string]string{}
	for _, d := range strings.Split(csp, ";") {
		name, val, _ := strings.Cut(strings.TrimSpace(d), " ")
		dirs[strings.ToLower(name)] = val
	}
	src, ok := dirs["script-src"]
	if !ok {
		src = dirs["default-src"]
	}
	return strings.Contains(src, "'unsafe-inline'")
}

// markupProblems lists what in an HTML page the CSP would block or what loads
// from another site: inline scripts, on* handlers, style attributes and
// elements, javascript: URLs, and resources not from origin.
func markupProblems(doc, origin string) []string {
	var out []string
	z := html.NewTokenizer(strings.NewReader(doc))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return out
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		attr := map[string]string{}
		for _, a := range tok.Attr {
			attr[a.Key] = a.Val
			switch {
			case strings.HasPrefix(a.Key, "on"):
				out = append(out, fmt.Sprintf("<%s %s=...>: inline event handler", tok.Data, a.Key))
			case a.Key == "style":
				out = append(out, fmt.Sprintf("<%s style=%q>: style attribute", tok.Data, a.Val))
			case strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "javascript:"):
				out = append(out, fmt.Sprintf("<%s %s=%q>: javascript: URL", tok.Data, a.Key, a.Val))
			}
		}
		switch tok.Data {
		case "script":
			if attr["src"] == "" {
				out = append(out, "<script> without src: inline script")
			}
		case "style":
			out = append(out, "<style> element: inline styles")
		}
		resource := []string{"src", "srcset", "poster", "data"}
		if tok.Data == "link" {
			resource = append(resource, "href")
		}
		if tok.Data == "form" {
			resource = append(resource, "action")
		}
		for _, k := range resource {
			v, ok := attr[k]
			if !ok {
				continue
			}
			for _, u := range strings.Split(v, ",") {
				u = strings.TrimSpace(u)
				if (strings.HasPrefix(u, "//") || strings.Contains(u, "://")) && !strings.HasPrefix(u, origin+"/") {
					out = append(out, fmt.Sprintf("<%s %s=%q>: a resource from another site", tok.Data, k, v))
				}
			}
		}
	}
}

// dbSnapshot is every table's row count and a hash of its rows.
type dbSnapshot map[string]tableState

type tableState struct {
	Rows int
	Sum  string
}

// snapshot reads every table of the app's SQLite database (sqlite_master).
func snapshot(t testing.TB, fx *fixture) dbSnapshot {
	t.Helper()
	ctx := t.Context()
	d := fx.app.DB()
	rows, err := d.R.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	if err != nil {
		t.Fatalf("list tables: %v", err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	if len(tables) == 0 {
		t.Fatal("no tables in sqlite_master")
	}
	snap := dbSnapshot{}
	for _, name := range tables {
		st, err := tableSum(d.R, name, t)
		if err != nil {
			t.Fatalf("read table %s: %v", name, err)
		}
		snap[name] = st
	}
	return snap
}

func tableSum(q *sql.DB, name string, t testing.TB) (tableState, error) {
	rows, err := q.QueryContext(t.Context(), `SELECT * FROM "`+strings.ReplaceAll(name, `"`, `""`)+`"`)
	if err != nil {
		return tableState{}, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return tableState{}, err
	}
	var lines []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return tableState{}, err
		}
		var b strings.Builder
		for _, v := range vals {
			if bs, ok := v.([]byte); ok {
				v = string(bs)
			}
			fmt.Fprintf(&b, "%v\x1f", v)
		}
		lines = append(lines, b.String())
	}
	if err := rows.Err(); err != nil {
		return tableState{}, err
	}
	sort.Strings(lines)
	h := sha256.New()
	for _, l := range lines {
		h.Write([]byte(l + "\x1e"))
	}
	return tableState{Rows: len(lines), Sum: hex.EncodeToString(h.Sum(nil)[:8])}, nil
}

// diff describes what changed from s to later; the content of the tables in
// countOnly may change, their number of rows may not.
func (s dbSnapshot) diff(later dbSnapshot, countOnly []string) string {
	var names []string
	for n := range s {
		names = append(names, n)
	}
	for n := range later {
		if _, ok := s[n]; !ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		a, z := s[n], later[n]
		switch {
		case a.Rows != z.Rows:
			fmt.Fprintf(&b, "\t%s: %d rows before, %d after\n", n, a.Rows, z.Rows)
		case a.Sum != z.Sum && !slices.Contains(countOnly, n):
			fmt.Fprintf(&b, "\t%s: same %d rows, changed content\n", n, a.Rows)
		}
	}
	return b.String()
}
