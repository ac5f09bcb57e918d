// Package load drives HTTP load at a server on this machine's loopback interface,
// using vegeta as a library in max-throughput mode: a fixed number of workers, each
// sending its next request as soon as the previous one is answered, over keep-alive
// connections. Every attack is bounded in time and in count, and only loopback IP
// addresses are ever dialled: any other host is refused before and while dialling.
package load

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// Hard limits that no option can lift.
const (
	MaxDuration = 10 * time.Minute
	MaxRequests = 50_000_000
	MaxWorkers  = 1024
)

// ErrNotLoopback is returned for any target that is not a loopback IP address.
var ErrNotLoopback = errors.New("load: only loopback IP addresses (127.0.0.0/8, ::1) may be targeted")

// Request is what each hit sends. Body, when set, is called once per request from
// several goroutines at once, so it must be safe for concurrent use.
type Request struct {
	Method string      // GET when empty
	Path   string      // path and query appended to the target's base URL, e.g. "/healthz"
	Header http.Header // sent with every request
	Body   func() []byte
	// OK says which status codes count as success; nil means 200–299.
	OK func(status int) bool
}

// Get is a GET of path.
func Get(path string) Request { return Request{Method: http.MethodGet, Path: path} }

// Post is a POST of path whose body is made afresh for every request by body.
func Post(path, contentType string, body func() []byte) Request {
	return Request{
		Method: http.MethodPost,
		Path:   path,
		Header: http.Header{"Content-Type": {contentType}},
		Body:   body,
	}
}

// StatementJSON makes a ~200-byte JSON learning record with a fresh UUIDv7 id, a body
// that differs on every request.
func StatementJSON() []byte {
	id := uuid.Must(uuid.NewV7())
	return fmt.Appendf(nil, `{"id":"%s","verb":"completed","object":"course/safe-banking/lesson/spot-a-fake-message/step/2","result":{"score":0.75,"success":true},"timestamp":"%s"}`,
		id, time.Now().UTC().Format(time.RFC3339Nano))
}

// Options bound an attack.
type Options struct {
	Duration    time.Duration // required, at most MaxDuration
	MaxRequests uint64        // 0 means MaxRequests
	Workers     int           // concurrent requests in flight; 0 means 8
	Timeout     time.Duration // per request; 0 means 10 s
}

// Result sums up an attack.
type Result struct {
	Requests   uint64        // requests answered or failed
	Errors     uint64        // transport errors and unexpected status codes
	Elapsed    time.Duration // first request sent to last answer received
	Throughput float64       // successful requests per second
	P50, P99   time.Duration
	Max        time.Duration
	Codes      map[int]uint64 // status code -> count; 0 is a transport error
	Samples    []string       // a few distinct error messages
}

// CheckLoopback returns nil only for an http URL whose host is a loopback IP literal.
// Host names, even "localhost", are refused: a name resolves to whatever it is told to.
func CheckLoopback(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrNotLoopback, err)
	}
	if u.Scheme != "http" {
		return fmt.Errorf("%w: %q is not plain http", ErrNotLoopback, raw)
	}
	return checkIP(u.Hostname(), raw)
}

// checkAddr checks a host:port about to be dialled.
func checkAddr(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%w: %q: %v", ErrNotLoopback, addr, err)
	}
	return checkIP(host, addr)
}

func checkIP(host, what string) error {
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("%w: %q", ErrNotLoopback, what)
	}
	return nil
}

// client is an HTTP client that can dial loopback IP addresses only, follows no
// redirects, uses no proxy, and keeps up to workers connections alive.
func client(workers int, timeout time.Duration) *http.Client {
	d := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	tr := &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if err := checkAddr(addr); err != nil {
				return nil, err
			}
			return d.DialContext(ctx, network, addr)
		},
		MaxIdleConns:        workers,
		MaxIdleConnsPerHost: workers,
		MaxConnsPerHost:     workers,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
		ForceAttemptHTTP2:   false,
	}
	return &http.Client{
		Transport: tr,
		Timeout:   timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// countPacer sends as fast as the workers allow and stops after max hits.
type countPacer struct{ max uint64 }

func (p countPacer) Pace(_ time.Duration, hits uint64) (time.Duration, bool) {
	return 0, hits >= p.max
}

func (p countPacer) Rate(time.Duration) float64 { return math.Inf(1) }

// Attack hits baseURL+req.Path with opt.Workers concurrent workers until opt.Duration
// has passed, opt.MaxRequests have been sent, or ctx is done.
func Attack(ctx context.Context, baseURL string, req Request, opt Options) (Result, error) {
	if err := CheckLoopback(baseURL); err != nil {
		return Result{}, err
	}
	if !strings.HasPrefix(req.Path, "/") {
		return Result{}, fmt.Errorf("load: path %q must start with /", req.Path)
	}
	target := strings.TrimSuffix(baseURL, "/") + req.Path
	if err := CheckLoopback(target); err != nil {
		return Result{}, err
	}
	if opt.Duration <= 0 || opt.Duration > MaxDuration {
		return Result{}, fmt.Errorf("load: duration %s must be in (0, %s]", opt.Duration, MaxDuration)
	}
	if opt.MaxRequests == 0 || opt.MaxRequests > MaxRequests {
		opt.MaxRequests = MaxRequests
	}
	if opt.Workers <= 0 {
		opt.Workers = 8
	}
	if opt.Workers > MaxWorkers {
		return Result{}, fmt.Errorf("load: %d workers, at most %d", opt.Workers, MaxWorkers)
	}
	if opt.Timeout <= 0 {
		opt.Timeout = 10 * time.Second
	}
	method := req.Method
	if method == "" {
		method = http.MethodGet
	}
	ok := req.OK
	if ok == nil {
		ok = func(s int) bool { return s >= 200 && s < 300 }
	}

	targeter := func(t *vegeta.Target) error {
		t.Method = method
		t.URL = target
		t.Header = req.Header
		t.Body = nil
		if req.Body != nil {
			t.Body = req.Body()
		}
		return nil
	}
	w := uint64(opt.Workers)
	atk := vegeta.NewAttacker(
		vegeta.Client(client(opt.Workers, opt.Timeout)),
		vegeta.Workers(w),
		vegeta.MaxWorkers(w),
		vegeta.MaxBody(0), // read and discard bodies without keeping them
	)

	stop := context.AfterFunc(ctx, func() { atk.Stop() })
	defer stop()

	var m vegeta.Metrics
	res := Result{Codes: map[int]uint64{}}
	samples := map[string]bool{}
	for r := range atk.Attack(targeter, countPacer{max: opt.MaxRequests}, opt.Duration, "") {
		m.Add(r)
		res.Requests++
		res.Codes[int(r.Code)]++
		if r.Error != "" || !ok(int(r.Code)) {
			res.Errors++
			msg := r.Error
			if msg == "" {
				msg = fmt.Sprintf("unexpected status %d", r.Code)
			}
			if len(samples) < 5 {
				samples[msg] = true
			}
		}
	}
	m.Close()
	for s := range samples {
		res.Samples = append(res.Samples, s)
	}
	sort.Strings(res.Samples)
	res.Elapsed = m.Duration + m.Wait
	if res.Elapsed > 0 {
		res.Throughput = float64(res.Requests-res.Errors) / res.Elapsed.Seconds()
	}
	res.P50 = m.Latencies.P50
	res.P99 = m.Latencies.P99
	res.Max = m.Latencies.Max
	if res.Requests == 0 {
		return res, errors.New("load: no request was sent")
	}
	return res, ctx.Err()
}
