package testkit

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// Scenario is one row of an HTTP scenario table: a request and what the response
// must and must not contain.
type Scenario struct {
	Name       string
	Method     string // GET when empty
	URL        string
	Form       url.Values // sent as application/x-www-form-urlencoded when set
	Body       string     // raw body (with Header["Content-Type"]) when Form is nil
	Header     http.Header
	Cookies    []*http.Cookie
	WantStatus int
	WantIn     []string          // substrings the body must contain
	WantNotIn  []string          // substrings the body must not contain
	WantHeader map[string]string // header -> substring its value must contain
}

// Run executes the scenarios against h, each as a subtest.
func Run(t *testing.T, h http.Handler, scenarios []Scenario) {
	t.Helper()
	for _, sc := range scenarios {
		name := sc.Name
		if name == "" {
			name = sc.Method + " " + sc.URL
		}
		t.Run(name, func(t *testing.T) {
			res, body := Do(t, h, sc)
			if sc.WantStatus != 0 && res.StatusCode != sc.WantStatus {
				t.Fatalf("status %d, want %d; body:\n%s", res.StatusCode, sc.WantStatus, clip(body))
			}
			for _, s := range sc.WantIn {
				if !strings.Contains(body, s) {
					t.Errorf("body lacks %q; body:\n%s", s, clip(body))
				}
			}
			for _, s := range sc.WantNotIn {
				if strings.Contains(body, s) {
					t.Errorf("body must not contain %q", s)
				}
			}
			for k, v := range sc.WantHeader {
				if got := res.Header.Get(k); !strings.Contains(got, v) {
					t.Errorf("header %s = %q, want it to contain %q", k, got, v)
				}
			}
		})
	}
}

// Do sends one scenario's request to h and returns the response and its body.
func Do(t testing.TB, h http.Handler, sc Scenario) (*http.Response, string) {
	t.Helper()
	method := sc.Method
	if method == "" {
		method = http.MethodGet
	}
	var body io.Reader
	if sc.Form != nil {
		body = strings.NewReader(sc.Form.Encode())
	} else if sc.Body != "" {
		body = strings.NewReader(sc.Body)
	}
	req := httptest.NewRequest(method, sc.URL, body)
	if sc.Form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, vs := range sc.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	for _, c := range sc.Cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := rec.Result()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func clip(s string) string {
	if len(s) > 2000 {
		return s[:2000] + "…"
	}
	return s
}
