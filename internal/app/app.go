package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"crypto/rand"

	"github.com/google/uuid"

	"github.com/onramp/onramp/internal/account"
	"github.com/onramp/onramp/internal/config"
	"github.com/onramp/onramp/internal/course"
	"github.com/onramp/onramp/internal/db"
	"github.com/onramp/onramp/internal/i18n"
	"github.com/onramp/onramp/internal/place"
	"github.com/onramp/onramp/internal/progress"
	"github.com/onramp/onramp/internal/web"
)

// App is a configured onramp, ready to serve.
type App struct {
	// The domain services, for the commands that run beside the server.
	Accounts *account.Service
	Places   *place.Service
	Catalog  *i18n.Catalog
	Courses  *course.Library
	Progress *progress.Service

	sessions *account.SessionStore
	stopJobs context.CancelFunc
	jobsDone chan struct{}

	cfg     config.Config
	log     *slog.Logger
	db      *db.DB
	batcher *db.Batcher
	web     *web.Server
	out     io.Writer
	version string
	now     func() time.Time
}

// Options are what the command line hands over besides the Config.
type Options struct {
	Log     *slog.Logger
	Out     io.Writer // where the start-up banner goes (stdout)
	Version string
	Now     func() time.Time // the clock; time.Now when nil
}

// OpenDB opens (and creates) the configured database without migrating it.
func OpenDB(ctx context.Context, cfg config.Config) (*db.DB, error) {
	o := db.Options{Dialect: db.SQLite, DSN: cfg.SQLitePath()}
	if cfg.DBEngine() == config.Postgres {
		o = db.Options{Dialect: db.Postgres, DSN: cfg.DB}
	}
	return db.Open(ctx, o)
}

// New opens and migrates the database and builds every service and the web server.
func New(ctx context.Context, cfg config.Config, o Options) (*App, error) {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Out == nil {
		o.Out = io.Discard
	}
	d, err := OpenDB(ctx, cfg)
	if err != nil {
		return nil, err
	}
	n, err := d.Migrate(ctx)
	if err != nil {
		d.Close()
		return nil, err
	}
	if n > 0 {
		o.Log.Info("database migrated", "engine", d.Dialect, "applied", n)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	a := &App{cfg: cfg, log: o.Log, db: d, out: o.Out, version: o.Version, now: o.Now}
	a.batcher = db.NewBatcher(d, 256, 0)
	newID := func() string { return uuid.Must(uuid.NewV7()).String() }
	a.Catalog, err = i18n.New()
	if err != nil {
		a.Close()
		return nil, err
	}
	a.Courses, err = loadCourses(cfg, o.Log)
	if err != nil {
		a.Close()
		return nil, err
	}
	search := newSearch(ctx, d, a.Courses, o.Log)
	a.Places = place.NewService(d, o.Now, newID)
	a.Accounts = account.NewService(d, o.Now, newID, rand.Reader)
	a.sessions = account.NewSessionStore(d, o.Now)
	a.Progress = progress.NewService(d, a.batcher, curriculum{a.Courses}, o.Now)

	reg := prometheus.NewRegistry()
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(d.W, "writer"),
	)
	if d.R != d.W {
		reg.MustRegister(collectors.NewDBStatsCollector(d.R, "reader"))
	}
	w, err := web.New(web.Deps{
		Log:        o.Log,
		DB:         d,
		Registry:   reg,
		Version:    o.Version,
		Now:        o.Now,
		Translator: a.Catalog,
		Accounts:   a.Accounts,
		Places:     a.Places,
		Progress:   a.Progress,
		Courses:    a.Courses,
		Search:     search,
		Sessions:   a.sessions,
		Extra:      extraRoutes(a),
	})
	if err != nil {
		a.Close()
		return nil, err
	}
	a.web = w
	if cfg.Demo {
		if err := a.LoadDemo(ctx); err != nil {
			a.Close()
			return nil, fmt.Errorf("--demo: %w", err)
		}
	}
	return a, nil
}

// Handler is the whole HTTP handler, for tests and benchmarks.
func (a *App) Handler() http.Handler { return a.web }

// Routes is the route table, for the authorisation matrix and crawl tests.
func (a *App) Routes() []web.Route { return a.web.Routes() }

// DB gives the open database, for commands that run beside the server.
func (a *App) DB() *db.DB { return a.db }

// Close stops background work and closes the database.
func (a *App) Close() error {
	if a.stopJobs != nil {
		a.stopJobs()
		<-a.jobsDone
		a.stopJobs = nil
	}
	if a.batcher != nil {
		a.batcher.Close()
	}
	return a.db.Close()
}

// Run listens on the configured address and serves until ctx is cancelled, then
// lets in-flight requests finish (up to ShutdownTimeout) and closes the database.
func (a *App) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", a.cfg.Addr)
	if err != nil {
		a.Close()
		return fmt.Errorf("--addr %q: %w", a.cfg.Addr, err)
	}
	return a.Serve(ctx, ln)
}

// Serve is Run on a listener the caller made.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           a.web,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	a.startJobs(ctx)
	fmt.Fprintf(a.out, "onramp %s is listening on http://%s (database: %s)\n", a.version, ln.Addr(), a.describeDB())
	if a.cfg.Demo {
		PrintDemoLogins(a.out)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	var serveErr error
	select {
	case serveErr = <-errc:
	case <-ctx.Done():
		a.log.Info("stopping: letting requests finish", "timeout", a.cfg.ShutdownTimeout)
		sctx, cancel := context.WithTimeout(context.Background(), a.cfg.ShutdownTimeout)
		serveErr = srv.Shutdown(sctx)
		cancel()
		if errors.Is(serveErr, context.DeadlineExceeded) {
			serveErr = fmt.Errorf("requests still running after %s: %w", a.cfg.ShutdownTimeout, serveErr)
			_ = srv.Close()
		}
	}
	if errors.Is(serveErr, http.ErrServerClosed) {
		serveErr = nil
	}
	closeErr := a.Close()
	a.log.Info("stopped")
	return errors.Join(serveErr, closeErr)
}

// startJobs runs the periodic housekeeping: expired sessions are deleted every
// ten minutes.
func (a *App) startJobs(ctx context.Context) {
	jctx, cancel := context.WithCancel(ctx)
	a.stopJobs = cancel
	a.jobsDone = make(chan struct{})
	go func() {
		defer close(a.jobsDone)
		t := time.NewTicker(10 * time.Minute)
		defer t.Stop()
		for {
			if n, err := a.sessions.DeleteExpired(jctx); err != nil && jctx.Err() == nil {
				a.log.Warn("deleting expired sessions", "err", err)
			} else if n > 0 {
				a.log.Info("expired sessions deleted", "count", n)
			}
			select {
			case <-jctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}

func (a *App) describeDB() string {
	if a.db.Dialect == db.Postgres {
		return "PostgreSQL " + a.cfg.Redacted()
	}
	return "SQLite " + a.cfg.SQLitePath()
}

// curriculum answers the statement intake's questions from the course library.
type curriculum struct{ lib *course.Library }

func (c curriculum) LessonCount(slug string) (int, bool) {
	co := c.lib.Course(slug)
	if co == nil {
		return 0, false
	}
	return len(co.Lessons), true
}

func (c curriculum) HasLesson(slug, lesson string) bool {
	co := c.lib.Course(slug)
	if co == nil {
		return false
	}
	for _, l := range co.Lessons {
		if l.Slug == lesson {
			return true
		}
	}
	return false
}
