package weight

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/onramp/onramp/bench/load"
)

const testPage = `<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="/static/app.css?v=1">
<link rel="alternate stylesheet" href="/static/alt.css">
<link rel="manifest" href="/app.webmanifest">
<script src="/static/app.js?v=1" defer></script>
<script src="https://cdn.example.invalid/x.js"></script>
</head><body>
<img src="/media/a.svg" alt="">
<img srcset="/media/b.png 1x, /media/b2.png 2x" alt="" loading="lazy">
<img src="data:image/png;base64,AAAA" alt="">
<a href="/elsewhere">not loaded</a>
<p>` + "padding padding padding padding padding padding padding padding padding padding " + `</p>
</body></html>`

// testSite serves a small site: compressed or not, with the cache headers onramp
// uses (no-store pages, immutable versioned assets, short max-age otherwise).
func testSite(t *testing.T, compress bool, seen map[string]int) *httptest.Server {
	t.Helper()
	files := map[string]struct{ ct, cc, body string }{
		"/lesson":                  {"text/html; charset=utf-8", "no-store", testPage},
		"/static/app.css?v=1":      {"text/css; charset=utf-8", "public, max-age=31536000, immutable", `@import url("/static/base.css"); body{background:url('/media/bg.png')} @font-face{src:url(/fonts/f.woff2)} ` + strings.Repeat(".a{color:red}", 50)},
		"/static/base.css":         {"text/css; charset=utf-8", "public, max-age=300", "p{margin:0}"},
		"/static/app.js?v=1":       {"text/javascript; charset=utf-8", "public, max-age=31536000, immutable", `navigator.serviceWorker.register("/sw.js");`},
		"/sw.js":                   {"text/javascript; charset=utf-8", "no-cache", `self.addEventListener("install", e => e.waitUntil(caches.open("v1").then(c => c.addAll(["/offline", "/static/app.css?v=1"]))));`},
		"/offline":                 {"text/html; charset=utf-8", "no-store", "<p>offline</p>"},
		"/app.webmanifest":         {"application/manifest+json", "public, max-age=86400", `{"icons":[{"src":"/icon-192.png"}]}`},
		"/icon-192.png":            {"image/png", "public, max-age=86400", "PNG"},
		"/media/a.svg":             {"image/svg+xml", "public, max-age=86400", `<svg xmlns="http://www.w3.org/2000/svg"></svg>`},
		"/media/b.png":             {"image/png", "", "PNGDATA"},
		"/media/bg.png":            {"image/png", "public, max-age=86400", "PNG"},
		"/fonts/f.woff2":           {"font/woff2", "public, max-age=31536000, immutable", "WOFF2"},
		"/favicon.ico":             {"text/html; charset=utf-8", "no-store", "<h1>Not found</h1>" + strings.Repeat(" ", 500)},
		"/static/alt.css":          {"text/css", "", "never"},
		"/elsewhere":               {"text/html", "", "never"},
		"/lesson-missing-referrer": {"text/html", "", ""},
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen[r.URL.RequestURI()]++
		f, ok := files[r.URL.RequestURI()]
		status := http.StatusOK
		if !ok || r.URL.Path == "/favicon.ico" {
			status = http.StatusNotFound
		}
		if r.URL.Path == "/sw.js" {
			w.Header().Set("ETag", `"sw1"`)
			if r.Header.Get("If-None-Match") == `"sw1"` {
				w.WriteHeader(http.StatusNotModified)
				return
			}
		}
		if r.URL.Path == "/lesson" && r.Header.Get("Cookie") != "s=1" {
			http.Error(w, "no cookie", http.StatusForbidden)
			return
		}
		w.Header().Set("Content-Type", f.ct)
		if f.cc != "" {
			w.Header().Set("Cache-Control", f.cc)
		}
		if compress && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") && Compressible(strings.Split(f.ct, ";")[0]) {
			w.Header().Set("Content-Encoding", "gzip")
			w.WriteHeader(status)
			zw := gzip.NewWriter(w)
			zw.Write([]byte(f.body))
			zw.Close()
			return
		}
		w.WriteHeader(status)
		w.Write([]byte(f.body))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestMeasureFindsEveryResourceAndAppliesCaching(t *testing.T) {
	for _, compress := range []bool{false, true} {
		seen := map[string]int{}
		srv := testSite(t, compress, seen)
		rep, err := Measure(context.Background(), srv.URL, "/lesson", Options{Header: http.Header{"Cookie": {"s=1"}}})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]Resource{}
		var order []string
		for _, r := range rep.Resources {
			got[r.Path] = r
			order = append(order, r.Path)
		}
		want := map[string]string{ // path -> kind
			"/lesson": "html", "/static/app.css?v=1": "stylesheet", "/static/base.css": "stylesheet",
			"/media/bg.png": "image", "/fonts/f.woff2": "font", "/app.webmanifest": "manifest", "/icon-192.png": "icon",
			"/static/app.js?v=1": "script", "/sw.js": "service worker", "/offline": "precache",
			"/media/a.svg": "image", "/media/b.png": "image", "/favicon.ico": "icon",
		}
		for p, kind := range want {
			if r, ok := got[p]; !ok || r.Kind != kind {
				t.Errorf("compress=%v: %s: got %+v, want kind %s (have %v)", compress, p, r, kind, order)
			}
		}
		if len(rep.Resources) != len(want) {
			t.Errorf("compress=%v: %d resources, want %d: %v", compress, len(rep.Resources), len(want), order)
		}
		if order[0] != "/lesson" {
			t.Errorf("first resource %s", order[0])
		}
		for _, never := range []string{"/static/alt.css", "/elsewhere"} {
			if seen[never] > 0 {
				t.Errorf("%s was fetched", never)
			}
		}
		fav := got["/favicon.ico"]
		if fav.Status != 404 || !strings.Contains(fav.Via, "implicit") || fav.Err == "" {
			t.Errorf("favicon %+v", fav)
		}

		var first, repeat int64
		for _, r := range rep.Resources {
			if r.Wire <= r.Body || r.Body <= 0 {
				t.Errorf("%s: wire %d, body %d", r.Path, r.Wire, r.Body)
			}
			first += r.Wire
			repeat += r.Repeat.Wire
		}
		if rep.First != first || rep.Repeat != repeat || rep.Repeat <= 0 || rep.Repeat >= rep.First {
			t.Errorf("totals %d %d, summed %d %d", rep.First, rep.Repeat, first, repeat)
		}
		for p, how := range map[string]string{
			"/lesson": "fetched again (no-store)", "/static/app.css?v=1": "cached (immutable)",
			"/static/base.css": "cached (max-age 5 min, then revalidated)", "/sw.js": "update check, revalidated: 304",
			"/media/b.png": "fetched again (no Cache-Control, no validator)", "/favicon.ico": "fetched again (no-store)",
		} {
			if r := got[p]; r.Repeat.How != how {
				t.Errorf("%s: repeat %q, want %q", p, r.Repeat.How, how)
			}
		}
		if r := got["/static/app.css?v=1"]; r.Repeat.Wire != 0 {
			t.Errorf("immutable asset re-fetched: %+v", r.Repeat)
		}
		if r := got["/sw.js"]; r.Repeat.Wire <= 0 || r.Repeat.Wire >= r.Wire {
			t.Errorf("304 of the worker: %+v vs first %d", r.Repeat, r.Wire)
		}

		html := got["/lesson"]
		if compress {
			if html.Encoding != "gzip" || html.Decoded != int64(len(testPage)) || html.Body >= html.Decoded || html.Gzip != html.Wire {
				t.Errorf("compressed page %+v", html)
			}
			if !rep.Compressed() || rep.FirstGzip != rep.First {
				t.Errorf("compressed site reported uncompressed: %v", rep.Uncompressed)
			}
		} else {
			if html.Encoding != "" || html.Body != int64(len(testPage)) || html.Gzip >= html.Wire {
				t.Errorf("plain page %+v", html)
			}
			if rep.Compressed() || rep.FirstGzip >= rep.First || rep.RepeatGzip >= rep.Repeat {
				t.Errorf("plain site: uncompressed %v, gzip totals %d %d vs %d %d", rep.Uncompressed, rep.FirstGzip, rep.RepeatGzip, rep.First, rep.Repeat)
			}
			if r := got["/media/b.png"]; r.Gzip != r.Wire {
				t.Errorf("a PNG got a gzip estimate: %+v", r)
			}
		}
	}
}

// The bytes counted are the response on the wire: for a plain fixed-length
// response, exactly the status line, the headers and the body.
func TestWireBytesAreExact(t *testing.T) {
	body := bytes.Repeat([]byte("x"), 1234)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Header().Set("Date", "Mon, 02 Jan 2026 03:04:05 GMT")
		w.Header().Set("Cache-Control", "no-store")
		w.Write(body)
	}))
	defer srv.Close()
	base, _ := url.Parse(srv.URL)
	m := &measurer{base: base, opt: Options{Timeout: 5 * time.Second}}
	f, _, err := m.fetch(context.Background(), base.JoinPath("x.png"), "image", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	head := "HTTP/1.1 200 OK\r\nCache-Control: no-store\r\nContent-Length: 1234\r\nContent-Type: image/png\r\nDate: Mon, 02 Jan 2026 03:04:05 GMT\r\n\r\n"
	if want := int64(len(head) + len(body)); f.Wire != want || f.Body != 1234 {
		t.Errorf("wire %d body %d, want %d and 1234", f.Wire, f.Body, want)
	}
}

func TestRefusesOtherHostsAndMissingPages(t *testing.T) {
	if _, err := Measure(context.Background(), "http://example.invalid", "/", Options{}); !errors.Is(err, load.ErrNotLoopback) {
		t.Errorf("Measure of another host: %v", err)
	}
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	_, err := Measure(context.Background(), srv.URL, "/nope", Options{})
	var ps *PageStatusError
	if !errors.As(err, &ps) || ps.Status != 404 {
		t.Errorf("missing page: %v", err)
	}
}

func TestPolicy(t *testing.T) {
	for _, c := range []struct {
		cc, etag string
		status   int
		want     cacheAction
	}{
		{"public, max-age=31536000, immutable", "", 200, fromCache},
		{"max-age=60", "", 200, fromCache},
		{"no-store", `"x"`, 200, refetch},
		{"no-cache", `"x"`, 200, conditional},
		{"no-cache", "", 200, refetch},
		{"max-age=0", `"x"`, 200, conditional},
		{"", "", 200, refetch},
		{"", `"x"`, 200, conditional},
		{"max-age=60", "", 500, refetch},
	} {
		h := http.Header{}
		if c.cc != "" {
			h.Set("Cache-Control", c.cc)
		}
		if c.etag != "" {
			h.Set("ETag", c.etag)
		}
		if _, got := policy(&Resource{Status: c.status}, h); got != c.want {
			t.Errorf("policy(%q, etag %q, %d) = %v, want %v", c.cc, c.etag, c.status, got, c.want)
		}
	}
}
