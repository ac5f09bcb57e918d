package suite

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/onramp/onramp/bench/load"
)

// The demo learner `onramp serve --demo` creates (internal/app/demo.go).
const (
	DemoLearnerPhone = "+70000000001"
	DemoLearnerPIN   = "246810"
)

// NotRunError says a target was not measured for a reason that is not a failure of
// the run, e.g. the page it measures does not exist yet in this tree.
type NotRunError struct {
	Reason string // short, shown in the table: "lesson player missing"
	Detail string // shown in the notes
}

func (e *NotRunError) Error() string {
	if e.Detail == "" {
		return "not run: " + e.Reason
	}
	return "not run: " + e.Reason + " (" + e.Detail + ")"
}

// oneShot is a client for set-up requests: loopback only (checked before each
// request), no proxy, no redirects followed, no keep-alive.
func oneShot() *http.Client {
	return &http.Client{
		Timeout:       10 * time.Second,
		Transport:     &http.Transport{Proxy: nil, DisableKeepAlives: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// SignInPIN returns a SignIn that signs in through POST /login/pin with a phone
// number and PIN, as the sign-in form does (a same-origin form POST), and hands back
// a Cookie header with every cookie the answer set (the session, the language).
func SignInPIN(phone, pin string) func(ctx context.Context, baseURL string) (http.Header, error) {
	return func(ctx context.Context, baseURL string) (http.Header, error) {
		if err := load.CheckLoopback(baseURL); err != nil {
			return nil, err
		}
		form := url.Values{"phone": {phone}, "pin": {pin}}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, baseURL+"/login/pin", strings.NewReader(form.Encode()))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin") // the cross-origin protection wants a same-origin POST
		resp, err := oneShot().Do(req)
		if err != nil {
			return nil, err
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			return nil, fmt.Errorf("POST /login/pin as %s answered %d, want 303 (is --demo loaded?)", phone, resp.StatusCode)
		}
		var pairs []string
		session := false
		for _, c := range resp.Cookies() {
			if c.MaxAge < 0 || c.Value == "" {
				continue
			}
			pairs = append(pairs, c.Name+"="+c.Value)
			session = session || strings.Contains(c.Name, "session")
		}
		if !session {
			return nil, errors.New("POST /login/pin set no session cookie")
		}
		return http.Header{"Cookie": {strings.Join(pairs, "; ")}}, nil
	}
}

// ProbeStatus returns a Probe that sends the target's request once: a 404 means
// the route is not there yet and the target is not run (reason is shown); any other
// answer outside 2xx is an error.
func ProbeStatus(reason string) func(ctx context.Context, baseURL string, req load.Request) error {
	return func(ctx context.Context, baseURL string, req load.Request) error {
		status, err := send(ctx, baseURL, req)
		if err != nil {
			return err
		}
		method := req.Method
		if method == "" {
			method = http.MethodGet
		}
		switch {
		case status == http.StatusNotFound:
			return &NotRunError{Reason: reason, Detail: fmt.Sprintf("%s %s answered 404", method, req.Path)}
		case status < 200 || status > 299:
			return fmt.Errorf("%s %s answered %d", method, req.Path, status)
		}
		return nil
	}
}

// send makes one request as the load driver would and returns the status.
func send(ctx context.Context, baseURL string, r load.Request) (int, error) {
	if err := load.CheckLoopback(baseURL); err != nil {
		return 0, err
	}
	method := r.Method
	if method == "" {
		method = http.MethodGet
	}
	var body io.Reader
	if r.Body != nil {
		body = strings.NewReader(string(r.Body()))
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(baseURL, "/")+r.Path, body)
	if err != nil {
		return 0, err
	}
	for k, vs := range r.Header {
		req.Header[k] = append([]string(nil), vs...)
	}
	resp, err := oneShot().Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 8<<20))
	resp.Body.Close()
	return resp.StatusCode, nil
}
