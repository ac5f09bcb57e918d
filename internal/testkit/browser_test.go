package testkit_test

import (
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/onramp/onramp/internal/testkit"
)

// The policy of every onramp page (DESIGN.md §6).
const strictCSP = "default-src 'self'; script-src 'self'; style-src 'self'; frame-ancestors 'none'"

const goodPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign up</title>
<link rel="stylesheet" href="/good.css">
<script src="/app.js" defer></script>
</head>
<body>
<header><p>onramp</p></header>
<main>
<h1>Sign up for a class</h1>
<img src="/pixel.svg" alt="A laptop on a library desk" width="40" height="40">
<form method="post" action="/done">
<p><label for="name">Your name</label><br><input id="name" name="name" autocomplete="name"></p>
<p><label for="lang">Language</label><br>
<select id="lang" name="lang"><option value="en">English</option><option value="lv">Latviešu</option></select></p>
<p><button type="submit">Sign up</button></p>
</form>
<p class="wide">Classes run in the library every morning.</p>
</main>
</body>
</html>`

// badPage has an image without alt text, an input without a label, low
// contrast text (from bad.css, since the CSP blocks style attributes) and an
// inline script that the CSP must block.
const badPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Bad page</title>
<link rel="stylesheet" href="/bad.css">
</head>
<body>
<main>
<h1>Bad page</h1>
<img src="/pixel.svg">
<form method="post" action="/done"><input type="text" name="q"><button type="submit">Go</button></form>
<p class="faint">This text is hard to read.</p>
<div class="fixed">This box is 1000 CSS pixels wide.</div>
<script>window.inlineScriptRan = true;</script>
</main>
</body>
</html>`

func newTestSite(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	page := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, body)
		}
	}
	static := func(ctype, body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", ctype)
			fmt.Fprint(w, body)
		}
	}
	mux.HandleFunc("GET /good", page(goodPage))
	mux.HandleFunc("GET /bad", page(badPage))
	mux.HandleFunc("GET /good.css", static("text/css", `body{font:18px/1.5 sans-serif;color:#111;background:#fff;margin:1em} img{max-width:100%}`))
	mux.HandleFunc("GET /bad.css", static("text/css", `body{color:#111;background:#fff} .faint{color:#ccc;background:#fff} .fixed{width:1000px}`))
	mux.HandleFunc("GET /app.js", static("text/javascript", `document.documentElement.dataset.appJs = "ran";`))
	mux.HandleFunc("GET /pixel.svg", static("image/svg+xml", `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><rect width="40" height="40" fill="#246"/></svg>`))
	mux.HandleFunc("POST /done", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Done</title></head><body><main><h1>Done</h1><p id="got">%s|%s</p></main></body></html>`,
			html.EscapeString(r.PostFormValue("name")), html.EscapeString(r.PostFormValue("lang")))
	})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", strictCSP)
		w.Header().Set("X-Content-Type-Options", "nosniff")
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// reportRecorder stands in for the test given to a failing wrapper (Axe,
// CheckHTML) and keeps what the wrapper reports with Error.
type reportRecorder struct {
	testing.TB
	errs []string
}

func (r *reportRecorder) Error(args ...any) { r.errs = append(r.errs, fmt.Sprint(args...)) }
func (r *reportRecorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// TestBrowser shares one Chromium between its subtests.
func TestBrowser(t *testing.T) {
	srv := newTestSite(t)
	b := testkit.NewBrowser(t)

	t.Run("good page under strict CSP has no axe violations", func(t *testing.T) {
		t.Parallel()
		tab := b.NewTab(t)
		testkit.Navigate(t, tab, srv.URL+"/good")
		// The page's own script ran, so the CSP lets 'self' through.
		if v, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.documentElement.dataset.appJs || ""`)); err != nil || v != "ran" {
			t.Fatalf("app.js did not run: %q, %v", v, err)
		}
		// Record any CSP violation from here on: running axe must cause none.
		if err := chromedp.Do(tab, chromedp.Evaluate[chromedp.Void](
			`window.cspViolations = []; document.addEventListener("securitypolicyviolation", e => cspViolations.push(e.violatedDirective + " " + e.blockedURI))`)); err != nil {
			t.Fatal(err)
		}
		vs, err := testkit.RunAxe(tab)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vs {
			t.Errorf("unexpected violation: %s", v)
		}
		if got, err := chromedp.Run(tab, chromedp.Evaluate[[]string](`window.cspViolations`)); err != nil || len(got) != 0 {
			t.Errorf("running axe broke the CSP: %v %v", got, err)
		}
		// The wrapper passes too, and a second run reuses the injected axe.
		testkit.Axe(t, tab)
		testkit.AxeAt(t, tab, srv.URL+"/good")
	})

	t.Run("bad page under strict CSP has axe violations", func(t *testing.T) {
		t.Parallel()
		tab := b.NewTab(t)
		testkit.Navigate(t, tab, srv.URL+"/bad")
		ran, err := chromedp.Run(tab, chromedp.Evaluate[bool](`window.inlineScriptRan === true`))
		if err != nil {
			t.Fatal(err)
		}
		if ran {
			t.Fatal("the inline script ran: the CSP is not enforced, so this test proves nothing about CSP")
		}
		vs, err := testkit.RunAxe(tab)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, v := range vs {
			ids = append(ids, v.ID)
			if v.Impact == "" || v.Help == "" || len(v.Targets) == 0 {
				t.Errorf("incomplete violation %+v", v)
			}
		}
		for _, want := range []string{"image-alt", "label", "color-contrast"} {
			if !slices.Contains(ids, want) {
				t.Errorf("axe did not report %s; got %v", want, ids)
			}
		}

		// The wrapper reports one line per violation, naming rule, impact and target.
		rec := &reportRecorder{TB: t}
		testkit.Axe(rec, tab)
		if len(rec.errs) != 1 {
			t.Fatalf("Axe reported %d errors, want 1: %q", len(rec.errs), rec.errs)
		}
		lines := strings.Split(rec.errs[0], "\n")
		if len(lines) != 1+len(vs) {
			t.Errorf("Axe message has %d lines for %d violations:\n%s", len(lines), len(vs), rec.errs[0])
		}
		if !strings.Contains(rec.errs[0], "image-alt [critical]") || !strings.Contains(rec.errs[0], "/bad") {
			t.Errorf("Axe message lacks rule, impact or URL:\n%s", rec.errs[0])
		}
	})

	t.Run("zoom 200 shrinks the layout viewport", func(t *testing.T) {
		t.Parallel()
		tab := b.NewTab(t)
		for _, tc := range []struct {
			path       string
			zoom       float64
			innerWidth int
			overflow   bool
		}{
			{"/good", 1, 1280, false},
			{"/good", 2, 640, false},
			{"/bad", 1, 1280, false},
			{"/bad", 2, 640, true}, // the 1000px box no longer fits
			{"/good", 4, 320, false},
		} {
			testkit.Zoom(t, tab, tc.zoom)
			testkit.Navigate(t, tab, srv.URL+tc.path)
			w, err := chromedp.Run(tab, chromedp.Evaluate[int](`window.innerWidth`))
			if err != nil {
				t.Fatal(err)
			}
			h, err := chromedp.Run(tab, chromedp.Evaluate[int](`window.innerHeight`))
			if err != nil {
				t.Fatal(err)
			}
			if want := int(800 / tc.zoom); h != want {
				t.Errorf("%s at zoom %v: innerHeight %d, want %d", tc.path, tc.zoom, h, want)
			}
			dpr, err := chromedp.Run(tab, chromedp.Evaluate[float64](`window.devicePixelRatio`))
			if err != nil {
				t.Fatal(err)
			}
			over, err := testkit.HorizontalOverflow(tab)
			if err != nil {
				t.Fatal(err)
			}
			if w != tc.innerWidth || dpr != tc.zoom || (over > 0) != tc.overflow {
				t.Errorf("%s at zoom %v: innerWidth %d (want %d), devicePixelRatio %v, overflow %dpx (want overflow: %v)",
					tc.path, tc.zoom, w, tc.innerWidth, dpr, over, tc.overflow)
			}
		}
		testkit.Zoom200(t, tab)
		testkit.Navigate(t, tab, srv.URL+"/good")
		testkit.NoHorizontalScroll(t, tab)
		if png := testkit.Screenshot(t, tab); !strings.HasPrefix(string(png), "\x89PNG") {
			t.Errorf("screenshot is not a PNG")
		}
	})

	t.Run("form helpers", func(t *testing.T) {
		t.Parallel()
		tab := b.NewTab(t)
		if got := testkit.Navigate(t, tab, srv.URL+"/good"); got != http.StatusOK {
			t.Fatalf("GET /good: %d", got)
		}
		testkit.Fill(t, tab, "#name", "Ilze Bērziņa")
		testkit.SetValue(t, tab, "#lang", "lv")
		if got := testkit.Submit(t, tab, "button[type=submit]"); got != http.StatusOK {
			t.Fatalf("POST /done: %d", got)
		}
		if got := testkit.Text(t, tab, "#got"); got != "Ilze Bērziņa|lv" {
			t.Errorf("the server got %q", got)
		}
		if got := testkit.Navigate(t, tab, srv.URL+"/missing"); got != http.StatusNotFound {
			t.Errorf("GET /missing: %d, want 404", got)
		}
	})

	t.Run("only loopback is reachable", func(t *testing.T) {
		t.Parallel()
		tab := b.NewTab(t)
		local := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
		if got := testkit.Navigate(t, tab, local+"/good"); got != http.StatusOK {
			t.Errorf("GET %s/good: %d", local, got)
		}
		// The host-resolver rules answer "not found" for every other name
		// without asking DNS, so nothing leaves the machine.
		err := chromedp.Do(tab, chromedp.Navigate("http://third-party.example/x.js"))
		if err == nil || !strings.Contains(err.Error(), "ERR_NAME_NOT_RESOLVED") {
			t.Errorf("navigating to a third-party host: %v, want ERR_NAME_NOT_RESOLVED", err)
		}
	})
}

func TestSharedBrowser(t *testing.T) {
	var shared testkit.SharedBrowser
	defer shared.Close()
	b1 := shared.Get(t)
	b2 := shared.Get(t)
	if b1 != b2 {
		t.Fatal("SharedBrowser started two browsers")
	}
	tab := b1.NewTab(t)
	if got, err := chromedp.Run(tab, chromedp.Evaluate[int](`6 * 7`)); err != nil || got != 42 {
		t.Fatalf("evaluate in a tab of the shared browser: %v %v", got, err)
	}
}

func TestFindChromiumMissing(t *testing.T) {
	t.Setenv(testkit.ChromiumEnv, "/nonexistent/chromium")
	_, err := testkit.FindChromium()
	var ue *testkit.UnavailableError
	if !errors.As(err, &ue) {
		t.Fatalf("FindChromium with a missing $%s: %v, want *UnavailableError", testkit.ChromiumEnv, err)
	}
	if _, err := testkit.StartBrowser(); !errors.As(err, &ue) {
		t.Fatalf("StartBrowser: %v, want *UnavailableError", err)
	}
}
