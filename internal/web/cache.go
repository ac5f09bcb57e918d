package web

import (
	"net/http"
	"strings"
	"sync"
	"time"
)

// ttlCache keeps recently read values for a few seconds: who a session's person
// is (user and grants) and where a place sits in the tree. A signed-in page
// otherwise costs four database reads before it renders anything. The values are
// derived from the database and never written here, so losing them costs only a
// read; a change made through this instance clears them at once (see
// invalidateOnWrite), and other instances see it within the TTL.
type ttlCache[V any] struct {
	mu   sync.Mutex
	ttl  time.Duration
	max  int
	now  func() time.Time
	data map[string]ttlEntry[V]
}

type ttlEntry[V any] struct {
	v   V
	exp time.Time
}

func newTTLCache[V any](ttl time.Duration, maxEntries int, now func() time.Time) *ttlCache[V] {
	return &ttlCache[V]{ttl: ttl, max: maxEntries, now: now, data: map[string]ttlEntry[V]{}}
}

func (c *ttlCache[V]) get(k string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.data[k]
	if !ok || c.now().After(e.exp) {
		var zero V
		return zero, false
	}
	return e.v, true
}

func (c *ttlCache[V]) put(k string, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.data) >= c.max {
		clear(c.data) // simple and bounded; the next reads refill it
	}
	c.data[k] = ttlEntry[V]{v: v, exp: c.now().Add(c.ttl)}
}

func (c *ttlCache[V]) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.data)
}

// invalidateOnWrite clears the caches after any state change that may touch
// people, roles or places: every non-GET except the learning records (statement
// intake and the lesson player's steps), which change neither.
func (s *Server) invalidateOnWrite(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r)
		if r.Method == http.MethodGet || r.Method == http.MethodHead ||
			strings.HasPrefix(r.URL.Path, "/api/statements") || strings.HasPrefix(r.URL.Path, "/courses/") {
			return
		}
		s.principals.clear()
		s.scopes.clear()
		s.rootCodes.clear()
	})
}
