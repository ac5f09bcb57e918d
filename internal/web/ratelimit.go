package web

import (
	"net"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// failLimiter throttles failed sign-ins per client address. Successful sign-ins
// cost nothing, so a "morning coffee" class of 300 people behind one library
// router can all sign in; a machine guessing PINs across many accounts runs dry
// after a burst. The per-account lock-out (5 wrong secrets) lives in account and
// holds across app instances; this limiter is per instance by design (soft state).
type failLimiter struct {
	mu      sync.Mutex
	perAddr map[string]*limiterEntry
	every   time.Duration
	burst   int
	now     func() time.Time
}

type limiterEntry struct {
	lim  *rate.Limiter
	seen time.Time
}

func newFailLimiter(every time.Duration, burst int, now func() time.Time) *failLimiter {
	return &failLimiter{perAddr: map[string]*limiterEntry{}, every: every, burst: burst, now: now}
}

func (l *failLimiter) entry(addr string) *rate.Limiter {
	now := l.now()
	e, ok := l.perAddr[addr]
	if !ok {
		if len(l.perAddr) > 50000 {
			l.sweep(now)
		}
		e = &limiterEntry{lim: rate.NewLimiter(rate.Every(l.every), l.burst)}
		l.perAddr[addr] = e
	}
	e.seen = now
	return e.lim
}

// sweep forgets addresses whose bucket has refilled.
func (l *failLimiter) sweep(now time.Time) {
	full := l.every * time.Duration(l.burst)
	for k, e := range l.perAddr {
		if now.Sub(e.seen) > full {
			delete(l.perAddr, k)
		}
	}
}

// allowed reports whether addr may try a secret now.
func (l *failLimiter) allowed(addr string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.entry(addr).TokensAt(l.now()) >= 1
}

// failed spends one try of addr.
func (l *failLimiter) failed(addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entry(addr).AllowN(l.now(), 1)
}

// clientIP is the address the request came from. Behind a reverse proxy every
// request shares the proxy's address; the operator guide says to keep onramp's
// port private and let the proxy rate-limit, or run without one.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
