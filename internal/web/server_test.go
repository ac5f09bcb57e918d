package web_test

import (
	"compress/gzip"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/onramp/onramp/internal/testkit"
	"github.com/onramp/onramp/internal/web"
)

type pinger struct{ err error }

func (p pinger) Ping(context.Context) error { return p.err }

func newServer(t *testing.T, d web.Deps) *web.Server {
	t.Helper()
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	s, err := web.New(d)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestOperations(t *testing.T) {
	up := newServer(t, web.Deps{DB: pinger{}})
	down := newServer(t, web.Deps{DB: pinger{err: errors.New("gone")}})
	testkit.Run(t, up, []testkit.Scenario{
		{Name: "healthz ok", URL: "/healthz", WantStatus: 200, WantIn: []string{`{"status":"ok"}`},
			WantHeader: map[string]string{"Content-Type": "application/json", "Cache-Control": "no-store"}},
		{Name: "metrics", URL: "/metrics", WantStatus: 200,
			WantIn: []string{"onramp_http_requests_total", "onramp_http_request_duration_seconds"}},
		{Name: "unknown path", URL: "/no/such/page", WantStatus: 404},
		{Name: "wrong method", Method: "DELETE", URL: "/healthz", WantStatus: 405},
	})
	testkit.Run(t, down, []testkit.Scenario{
		{Name: "healthz down", URL: "/healthz", WantStatus: 503, WantIn: []string{`"unavailable"`}},
	})
}

func TestMetricsCountRoutes(t *testing.T) {
	s := newServer(t, web.Deps{DB: pinger{}})
	for range 3 {
		testkit.Do(t, s, testkit.Scenario{URL: "/healthz"})
	}
	testkit.Do(t, s, testkit.Scenario{URL: "/nope"})
	_, body := testkit.Do(t, s, testkit.Scenario{URL: "/metrics"})
	for _, want := range []string{
		`onramp_http_requests_total{code="200",method="GET",route="GET /healthz"} 3`,
		`onramp_http_requests_total{code="404",method="GET",route="unmatched"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

// TestSecurityHeadersOnEveryResponse checks DESIGN.md §6 headers on pages,
// errors, static files and operations endpoints alike.
func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	s := newServer(t, web.Deps{DB: pinger{}})
	for _, u := range []string{"/", "/healthz", "/no/such/page", "/static/app.css"} {
		res, body := testkit.Do(t, s, testkit.Scenario{URL: u})
		csp := res.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("%s: CSP %q", u, csp)
		}
		if res.Header.Get("X-Content-Type-Options") != "nosniff" || res.Header.Get("Referrer-Policy") == "" {
			t.Errorf("%s: missing nosniff or Referrer-Policy", u)
		}
		if strings.Contains(res.Header.Get("Content-Type"), "text/html") {
			if strings.Contains(body, "<script>") || strings.Contains(body, " onclick=") || strings.Contains(body, "style=") {
				t.Errorf("%s: inline script, handler or style in page", u)
			}
		}
	}
}

func TestCrossOriginPostRefused(t *testing.T) {
	s := newServer(t, web.Deps{DB: pinger{}, Extra: []web.Route{{
		Pattern: "POST /echo", Access: web.Public,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }),
	}}})
	testkit.Run(t, s, []testkit.Scenario{
		{Name: "cross-site", Method: "POST", URL: "/echo", Header: http.Header{"Sec-Fetch-Site": {"cross-site"}}, WantStatus: 403},
		{Name: "other origin", Method: "POST", URL: "http://example.org/echo", Header: http.Header{"Origin": {"https://evil.example"}}, WantStatus: 403},
		{Name: "same-origin", Method: "POST", URL: "/echo", Header: http.Header{"Sec-Fetch-Site": {"same-origin"}}, WantStatus: 204},
	})
}

func TestPanicGivesErrorPage(t *testing.T) {
	s := newServer(t, web.Deps{DB: pinger{}, Extra: []web.Route{{
		Pattern: "GET /boom", Access: web.Public,
		Handler: http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("secret detail 42") }),
	}}})
	testkit.Run(t, s, []testkit.Scenario{{URL: "/boom", WantStatus: 500, WantNotIn: []string{"secret detail 42", "goroutine"}}})
}

func TestStaticCaching(t *testing.T) {
	s := newServer(t, web.Deps{DB: pinger{}})
	testkit.Run(t, s, []testkit.Scenario{
		{Name: "versioned", URL: "/static/app.css?v=1", WantStatus: 200, WantHeader: map[string]string{"Cache-Control": "immutable", "Content-Type": "text/css"}},
		{Name: "no listing", URL: "/static/", WantStatus: 404},
		{Name: "dot-dot is cleaned away", URL: "/static/../go.mod", WantStatus: 307, WantNotIn: []string{"module github.com"}},
		{Name: "encoded dot-dot", URL: "/static/..%2fgo.mod", WantStatus: 404, WantNotIn: []string{"module github.com"}},
		{Name: "missing file", URL: "/static/nope.css", WantStatus: 404},
	})
}

func TestGzip(t *testing.T) {
	s := newServer(t, web.Deps{DB: pinger{}})
	res, body := testkit.Do(t, s, testkit.Scenario{URL: "/static/app.css?v=1", Header: http.Header{"Accept-Encoding": {"gzip, br"}}})
	if res.Header.Get("Content-Encoding") != "gzip" || res.Header.Get("Content-Length") != "" {
		t.Fatalf("css not compressed: %v", res.Header)
	}
	zr, err := gzip.NewReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil || !strings.Contains(string(plain), "font-size") {
		t.Fatalf("bad gzip body: %v", err)
	}
	res, _ = testkit.Do(t, s, testkit.Scenario{URL: "/", Header: http.Header{"Accept-Encoding": {"identity"}}})
	if res.Header.Get("Content-Encoding") != "" {
		t.Fatal("compressed for a client that did not ask")
	}
	res, _ = testkit.Do(t, s, testkit.Scenario{URL: "/", Header: http.Header{"Accept-Encoding": {"gzip;q=0"}}})
	if res.Header.Get("Content-Encoding") != "" {
		t.Fatal("compressed though gzip;q=0")
	}
	res, _ = testkit.Do(t, s, testkit.Scenario{URL: "/healthz", Header: http.Header{"Accept-Encoding": {"gzip"}}})
	if res.Header.Get("Content-Encoding") != "gzip" {
		t.Fatal("json not compressed")
	}
}
