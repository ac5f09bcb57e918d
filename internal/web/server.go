package web

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/onramp/onramp/internal/account"
	"github.com/onramp/onramp/internal/course"
	"github.com/onramp/onramp/internal/place"
	"github.com/onramp/onramp/internal/progress"
)

// Pinger is what the health check needs of the database.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Deps is everything the web layer is given by the composition root.
type Deps struct {
	Log      *slog.Logger
	DB       Pinger
	Registry *prometheus.Registry // where request metrics are registered and /metrics reads
	Version  string
	// Translator is the i18n catalog.
	Translator Translator
	Accounts   *account.Service
	Places     *place.Service
	Progress   *progress.Service
	Courses    *course.Library
	Search     *course.Search // the lesson search (GET /search); nil finds nothing
	// Sessions stores sessions server-side (account.SessionStore); nil keeps
	// them in memory, for tests of pages that need no sign-in.
	Sessions scs.CtxStore
	// SecureCookies marks cookies Secure; set it when onramp is served over HTTPS.
	SecureCookies bool
	Now           func() time.Time
	// Extra lets a build add routes (the durability test build adds a write probe).
	Extra []Route
}

// Server holds the handlers and what they share.
type Server struct {
	deps       Deps
	sessions   *scs.SessionManager
	loginLimit *failLimiter
	principals *ttlCache[*principal] // user ID -> person (user and grants)
	scopes     *ttlCache[[]string]   // place ID -> its ancestors' IDs (root first) and itself
	rootCodes  *ttlCache[string]     // country place ID -> its code (the country profile)
	log        *slog.Logger
	views      *views
	metrics    *httpMetrics
	handler    http.Handler
	routes     []Route
}

// New builds the server: it parses and checks every template and registers every
// route, so a broken template stops start-up instead of failing a visitor.
func New(d Deps) (*Server, error) {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Registry == nil {
		d.Registry = prometheus.NewRegistry()
	}
	v, err := parseViews()
	if err != nil {
		return nil, err
	}
	m, err := newHTTPMetrics(d.Registry)
	if err != nil {
		return nil, err
	}
	s := &Server{deps: d, log: d.Log, views: v, metrics: m,
		sessions:   newSessionManager(d.Sessions, d.SecureCookies),
		loginLimit: newFailLimiter(6*time.Second, 20, d.Now),
		principals: newTTLCache[*principal](5*time.Second, 10000, d.Now),
		scopes:     newTTLCache[[]string](10*time.Second, 10000, d.Now),
		rootCodes:  newTTLCache[string](time.Minute, 1000, d.Now),
	}
	s.sessions.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		s.log.Error("session store", "request_id", RequestID(r.Context()), "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
	}
	s.routes = append(s.routeTable(), d.Extra...)
	mux := http.NewServeMux()
	for _, rt := range s.routes {
		mux.Handle(rt.Pattern, s.metrics.instrument(rt.Pattern, s.guard(rt)))
	}
	mux.Handle("GET /", s.metrics.instrument("unmatched", http.HandlerFunc(s.notFound)))
	s.handler = s.middleware(mux)
	return s, nil
}

// sessionless paths never touch the session store: static files and the
// operations endpoints are hit often and carry nothing personal.
func sessionless(path string) bool {
	return strings.HasPrefix(path, "/static/") || path == "/healthz" || path == "/metrics" ||
		(strings.HasPrefix(path, "/courses/") && strings.Contains(path, "/media/"))
}

// ServeHTTP makes Server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Routes lists the route table, for the authorisation matrix and crawl tests.
func (s *Server) Routes() []Route { return append([]Route(nil), s.routes...) }
