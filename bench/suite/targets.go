package suite

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/onramp/onramp/bench/baseline"
	"github.com/onramp/onramp/bench/load"
)

// Target is one server and one request to measure.
type Target struct {
	Name  string
	About string // what it measures, one line
	// Prepare, when set, runs once before any target is attacked (e.g. a build), so
	// that slow set-up never overlaps a measurement.
	Prepare func(ctx context.Context) error
	// Start starts the server, in its own process, and returns its loopback base URL
	// and a function that stops it.
	Start   func(ctx context.Context) (baseURL string, stop func(), err error)
	Request load.Request
	// Ready is the path polled with GET until the server answers; "/" when empty.
	Ready string
	// SignIn, when set, runs once the server answers, before the warm-up; the headers
	// it returns (a session cookie) are added to every request of the target.
	SignIn func(ctx context.Context, baseURL string) (http.Header, error)
	// Probe, when set, runs after SignIn with the request as it will be sent; a
	// *NotRunError skips the target without failing the run, any other error fails it.
	Probe func(ctx context.Context, baseURL string, req load.Request) error
	// Baseline names the target whose throughput this one is divided by; empty for a
	// baseline itself.
	Baseline string
	// Budget is the minimum ratio to the baseline; 0 means none.
	Budget float64
	// Informative targets report a missed budget without failing the run.
	Informative bool
}

// Env is what the standard targets need to start their servers.
type Env struct {
	Self     string // an executable with the serve-baseline subcommand (onrampbench)
	RepoRoot string // where `go build .` makes the onramp binary
	TempDir  string // scratch space for binaries and data directories, removed by the caller

	once      sync.Once
	onramp    string
	onrampErr error
}

// Standard target names.
const (
	BarePage         = "bare-page"
	BareWrite        = "bare-page-write"
	OnrampHealth     = "onramp-healthz"
	OnrampHome       = "onramp-home"
	OnrampLesson     = "onramp-lesson"
	OnrampStatements = "onramp-statements"
)

// The lesson the learning targets use: a course and lesson of the real content
// (content/courses/smartphone-basics/*/buttons-and-touch.md) and a text step in
// the middle of it. Steps count from 1 in the URL and from 0 in learning records.
const (
	LessonCourse = "smartphone-basics"
	LessonSlug   = "buttons-and-touch"
	LessonStep   = 4 // "Касания экрана" / "Touching the screen": a text step of 7
	LessonPath   = "/courses/" + LessonCourse + "/lessons/" + LessonSlug + "?step=4"
)

// LessonStatementJSON makes the body the lesson player posts when a learner
// reaches a step: a batch of one "experienced" statement with a fresh UUIDv7 id
// (~210 bytes, like the bare-page-write body).
func LessonStatementJSON() []byte {
	id := uuid.Must(uuid.NewV7())
	return fmt.Appendf(nil, `[{"id":"%s","verb":"experienced","object":{"course":"%s","lesson":"%s","step":%d},"context":{"lang":"ru"},"timestamp":"%s"}]`,
		id, LessonCourse, LessonSlug, LessonStep-1, time.Now().UTC().Format(time.RFC3339Nano))
}

// statementsRequest is POST /api/statements as the lesson player sends it: JSON,
// same-origin (the cross-origin protection refuses other POSTs); the session
// cookie is added by SignIn. Only 200 (stored) counts as success.
func statementsRequest() load.Request {
	r := load.Post("/api/statements", "application/json", LessonStatementJSON)
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	r.OK = func(status int) bool { return status == http.StatusOK }
	return r
}

// Targets returns the standard targets: the two baselines first, then onramp's.
// To add one, append a Target here: usually a Start from Env, a load.Request, a
// Baseline and a Budget.
func Targets(env *Env) []Target {
	return []Target{
		{
			Name:    BarePage,
			About:   "stdlib net/http + html/template, an ~8 KB lesson-like page rendered per request",
			Start:   env.Baseline(baseline.KindPage),
			Request: load.Get("/courses/safe-banking/lessons/spot-a-fake-message?step=2"),
		},
		{
			Name:    BareWrite,
			About:   "the bare page after one ~200-byte row is group-committed to SQLite (WAL, one writer)",
			Start:   env.Baseline(baseline.KindWrite),
			Request: load.Post("/courses/safe-banking/lessons/spot-a-fake-message?step=2", "application/json", load.StatementJSON),
		},
		{
			Name:        OnrampHealth,
			About:       "the onramp binary's GET /healthz",
			Prepare:     env.BuildOnramp,
			Start:       env.StartOnramp,
			Request:     load.Get("/healthz"),
			Ready:       "/healthz",
			Baseline:    BarePage,
			Budget:      0.5,
			Informative: true,
		},
		{
			Name:        OnrampHome,
			About:       "the onramp binary's GET / for a visitor not signed in",
			Prepare:     env.BuildOnramp,
			Start:       env.StartOnramp,
			Request:     load.Get("/"),
			Ready:       "/healthz",
			Baseline:    BarePage,
			Budget:      0.5,
			Informative: true, // the lesson page is the binding one
		},
		{
			Name:     OnrampLesson,
			About:    "the onramp binary (--demo), signed in as the demo learner: GET a text step mid-lesson",
			Prepare:  env.BuildOnramp,
			Start:    env.StartOnrampDemo,
			Request:  load.Get(LessonPath),
			Ready:    "/healthz",
			SignIn:   SignInPIN(DemoLearnerPhone, DemoLearnerPIN),
			Probe:    ProbeStatus("lesson player missing"),
			Baseline: BarePage,
			Budget:   0.5,
		},
		{
			Name:     OnrampStatements,
			About:    "the onramp binary (--demo), signed in as the demo learner: POST /api/statements, one statement per request",
			Prepare:  env.BuildOnramp,
			Start:    env.StartOnrampDemo,
			Request:  statementsRequest(),
			Ready:    "/healthz",
			SignIn:   SignInPIN(DemoLearnerPhone, DemoLearnerPIN),
			Baseline: BareWrite,
			Budget:   0.5,
		},
	}
}

// Baseline returns a Start that runs `Self serve-baseline --kind kind` in a child process.
func (e *Env) Baseline(kind string) func(ctx context.Context) (string, func(), error) {
	return func(ctx context.Context) (string, func(), error) {
		dir, err := os.MkdirTemp(e.TempDir, "baseline-"+kind+"-")
		if err != nil {
			return "", nil, err
		}
		cmd := exec.Command(e.Self, "serve-baseline", "--kind", kind, "--addr", "127.0.0.1:0", "--dir", dir)
		return StartProcess(ctx, cmd, 15*time.Second)
	}
}

// BuildOnramp builds the onramp binary from RepoRoot once; later calls return the
// first call's outcome.
func (e *Env) BuildOnramp(ctx context.Context) error {
	e.once.Do(func() {
		bin := filepath.Join(e.TempDir, "onramp")
		cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
		cmd.Dir = e.RepoRoot
		out, err := cmd.CombinedOutput()
		if err != nil {
			e.onrampErr = fmt.Errorf("go build . in %s: %v\n%s", e.RepoRoot, err, strings.TrimSpace(string(out)))
			return
		}
		e.onramp = bin
	})
	return e.onrampErr
}

// StartOnramp runs `onramp serve --addr 127.0.0.1:PORT --data-dir DIR` on a fresh
// data directory and a port chosen beforehand.
func (e *Env) StartOnramp(ctx context.Context) (string, func(), error) {
	return e.startOnramp(ctx)
}

// StartOnrampDemo is StartOnramp with --demo: the demo places and accounts,
// among them the demo learner, are loaded before the server listens.
func (e *Env) StartOnrampDemo(ctx context.Context) (string, func(), error) {
	return e.startOnramp(ctx, "--demo")
}

func (e *Env) startOnramp(ctx context.Context, extra ...string) (string, func(), error) {
	if err := e.BuildOnramp(ctx); err != nil {
		return "", nil, err
	}
	dir, err := os.MkdirTemp(e.TempDir, "onramp-data-")
	if err != nil {
		return "", nil, err
	}
	port, err := FreePort()
	if err != nil {
		return "", nil, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	args := append([]string{"serve", "--addr", addr, "--data-dir", dir}, extra...)
	cmd := exec.Command(e.onramp, args...)
	cmd.Dir = dir
	return StartProcess(ctx, cmd, 60*time.Second)
}
