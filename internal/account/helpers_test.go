package account

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/onramp/onramp/internal/db"
	"github.com/onramp/onramp/internal/errs"
)

// clock is a settable time source for the lock-out and session tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// cheapParams keep tests fast: argon2id at its smallest. The production
// parameters are tested in TestHashProductionParams.
func cheapParams() argonParams {
	return argonParams{memory: 64, time: 1, threads: 1, saltLen: 16, keyLen: 32}
}

// newTestService gives a service over d with a settable clock and cheap hashing.
func newTestService(t *testing.T, d *db.DB) (*Service, *clock) {
	t.Helper()
	c := newClock()
	s := NewService(d, c.Now, nil, nil)
	s.params = cheapParams()
	return s, c
}

// wantCode fails the test unless err carries code (and key, when given).
func wantCode(t *testing.T, err error, code errs.Code, key string) *errs.Error {
	t.Helper()
	if !errs.Is(err, code) {
		t.Fatalf("got error %v, want code %s", err, code)
	}
	var e *errs.Error
	errors.As(err, &e)
	if key != "" && e.Key != key {
		t.Fatalf("got key %q, want %q (error %v)", e.Key, key, err)
	}
	return e
}

// wantField fails the test unless err is Invalid with field -> key.
func wantField(t *testing.T, err error, field, key string) {
	t.Helper()
	e := wantCode(t, err, errs.Invalid, "")
	if got := e.Fields[field]; got != key {
		t.Fatalf("field %q: got %q, want %q (fields %v)", field, got, key, e.Fields)
	}
}

func ptr[T any](v T) *T { return &v }
