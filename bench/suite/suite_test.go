package suite

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/onramp/onramp/bench/baseline"
	"github.com/onramp/onramp/bench/load"
)

// TestMain lets the test binary act as a baseline server child process.
func TestMain(m *testing.M) {
	if kind := os.Getenv("ONRAMPBENCH_TEST_SERVE"); kind != "" {
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
		err := baseline.Serve(ctx, baseline.Config{Kind: kind, Addr: "127.0.0.1:0", Dir: os.Getenv("ONRAMPBENCH_TEST_DIR")}, os.Stdout)
		stop()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestFindURL(t *testing.T) {
	for line, want := range map[string]string{
		"127.0.0.1:4321": "http://127.0.0.1:4321",
		"onramp dev is listening on http://127.0.0.1:18555 (database: SQLite /tmp/x.db)": "http://127.0.0.1:18555",
		`level=INFO msg=listening url="http://127.0.0.1:80/"`:                            "http://127.0.0.1:80",
		"see http://127.0.0.1:9/path.":                                                   "http://127.0.0.1:9",
		"[::1]:8080":                                                                     "http://[::1]:8080",
	} {
		if got, ok := FindURL(line); !ok || got != want {
			t.Errorf("FindURL(%q) = %q, %v; want %q", line, got, ok, want)
		}
	}
	for _, line := range []string{"", "listening", "http://0.0.0.0:8080", "http://example.invalid:80", "10.1.2.3:80", "time=12:30"} {
		if got, ok := FindURL(line); ok {
			t.Errorf("FindURL(%q) = %q, want no URL", line, got)
		}
	}
}

func TestStartProcessBaselineChild(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), "ONRAMPBENCH_TEST_SERVE=write", "ONRAMPBENCH_TEST_DIR="+t.TempDir())
	ctx := context.Background()
	base, stop, err := StartProcess(ctx, cmd, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if err := WaitAnswer(ctx, base, "/", 5*time.Second); err != nil {
		stop()
		t.Fatal(err)
	}
	res, err := load.Attack(ctx, base, load.Post("/", "application/json", load.StatementJSON),
		load.Options{Duration: 5 * time.Second, MaxRequests: 50, Workers: 4})
	stop()
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests != 50 || res.Errors != 0 {
		t.Errorf("requests %d errors %d %v", res.Requests, res.Errors, res.Samples)
	}
	if cmd.ProcessState == nil || !cmd.ProcessState.Exited() || cmd.ProcessState.ExitCode() != 0 {
		t.Errorf("child did not exit cleanly on SIGTERM: %v", cmd.ProcessState)
	}
}

func TestStartProcessReportsEarlyExit(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), "ONRAMPBENCH_TEST_SERVE=nonsense")
	_, _, err = StartProcess(context.Background(), cmd, 10*time.Second)
	if err == nil || !strings.Contains(err.Error(), "unknown kind") {
		t.Errorf("err = %v, want the child's own message", err)
	}
}

func TestSelectAddsBaselines(t *testing.T) {
	all := Targets(&Env{})
	got, err := Select(all, []string{OnrampHome})
	if err != nil {
		t.Fatal(err)
	}
	if n := names(got); !slices.Equal(n, []string{BarePage, OnrampHome}) {
		t.Errorf("Select = %v", n)
	}
	if _, err := Select(all, []string{"nope"}); err == nil {
		t.Error("Select of an unknown name succeeded")
	}
	for _, tg := range all {
		if tg.Baseline != "" && !slices.Contains(names(all), tg.Baseline) {
			t.Errorf("%s: unknown baseline %q", tg.Name, tg.Baseline)
		}
	}
}

// fakeStart serves h in-process; enough to test the runner's bookkeeping.
func fakeStart(h http.Handler) func(context.Context) (string, func(), error) {
	return func(context.Context) (string, func(), error) {
		srv := httptest.NewServer(h)
		return srv.URL, srv.Close, nil
	}
}

func TestRunRatiosAndVerdicts(t *testing.T) {
	fast := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(20 * time.Millisecond)
		w.Write([]byte("ok"))
	})
	targets := []Target{
		{Name: "base", Start: fakeStart(fast), Request: load.Get("/")},
		{Name: "slow", Start: fakeStart(slow), Request: load.Get("/"), Baseline: "base", Budget: 0.99},
		{Name: "slow-info", Start: fakeStart(slow), Request: load.Get("/"), Baseline: "base", Budget: 0.99, Informative: true},
		{Name: "broken", Start: func(context.Context) (string, func(), error) { return "", nil, errors.New("no binary") },
			Request: load.Get("/"), Baseline: "base", Budget: 0.5, Informative: true},
		{Name: "elsewhere", Start: func(context.Context) (string, func(), error) { return "http://example.invalid", func() {}, nil },
			Request: load.Get("/"), Baseline: "base", Budget: 0.5},
	}
	opt := Options{Duration: 150 * time.Millisecond, Warmup: 20 * time.Millisecond, Workers: 2, Rounds: 2}
	outs := Run(context.Background(), targets, opt)
	verdicts := map[string]string{}
	for _, o := range outs {
		verdicts[o.Target.Name] = o.Verdict()
	}
	want := map[string]string{"base": "baseline", "slow": "FAIL", "slow-info": "below (info)", "broken": "not run (info)", "elsewhere": "FAIL"}
	for name, v := range want {
		if verdicts[name] != v {
			t.Errorf("%s: verdict %q, want %q", name, verdicts[name], v)
		}
	}
	if !outs[1].HasRatio || outs[1].Ratio <= 0 || outs[1].Ratio >= 0.99 || len(outs[1].Ratios) != 2 {
		t.Errorf("slow ratio %v %v", outs[1].Ratio, outs[1].HasRatio)
	}
	if outs[0].Result.Requests == 0 || outs[0].Result.Elapsed < opt.Duration { // two rounds summed
		t.Errorf("base result %+v", outs[0].Result)
	}
	if !errors.Is(outs[4].Err, load.ErrNotLoopback) {
		t.Errorf("elsewhere: %v, want ErrNotLoopback", outs[4].Err)
	}
	if err := Check(outs); !errors.Is(err, ErrBudget) {
		t.Errorf("Check = %v", err)
	}

	var b strings.Builder
	m := Machine{CPU: "Test CPU", Cores: 2, GOMAXPROCS: 2, GoVersion: "go1.x", OS: "linux/amd64", Date: time.Date(2026, 1, 2, 3, 4, 0, 0, time.UTC)}
	if err := WriteMarkdown(&b, m, opt, outs); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, s := range []string{"Test CPU, 2 cores, GOMAXPROCS 2, go1.x", "2 rounds round-robin", "2026-01-02 03:04 UTC", "| target | req/s | p50 | p99 | errors | ratio | budget | result |",
		"| base |", "× base | ≥ 0.99 | FAIL |", "- broken: start: no binary", "- Ratio of each round: slow 0."} {
		if !strings.Contains(md, s) {
			t.Errorf("markdown lacks %q:\n%s", s, md)
		}
	}
}

func TestCombineTakesMedians(t *testing.T) {
	rs := []load.Result{
		{Requests: 10, Errors: 1, Throughput: 300, P50: 3, P99: 30, Max: 90, Codes: map[int]uint64{200: 9, 500: 1}, Samples: []string{"a"}},
		{Requests: 20, Throughput: 100, P50: 1, P99: 10, Max: 50, Codes: map[int]uint64{200: 20}},
		{Requests: 30, Errors: 2, Throughput: 200, P50: 2, P99: 20, Max: 70, Codes: map[int]uint64{200: 28, 500: 2}, Samples: []string{"a", "b"}},
	}
	c := combine(rs)
	if c.Throughput != 200 || c.P50 != 2 || c.P99 != 20 || c.Max != 90 {
		t.Errorf("medians: %+v", c)
	}
	if c.Requests != 60 || c.Errors != 3 || c.Codes[500] != 3 || !slices.Equal(c.Samples, []string{"a", "b"}) {
		t.Errorf("sums: %+v", c)
	}
	if m := median([]float64{4, 1, 3, 2}); m != 2.5 {
		t.Errorf("median of four = %v", m)
	}
}

func TestCPUModel(t *testing.T) {
	info := "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13\nflags\t: fpu\n"
	if got := cpuModel(info); got != "AMD EPYC 7B13" {
		t.Errorf("cpuModel = %q", got)
	}
	if got := cpuModel(""); got != "unknown" {
		t.Errorf("cpuModel(\"\") = %q", got)
	}
}

// fakeOnramp stands in for the real binary: POST /login/pin with the demo
// learner's phone and PIN (a same-origin form) sets a session cookie; the page and
// the statements API need it. Without lesson, the lesson route answers 404.
func fakeOnramp(t *testing.T, lesson bool) http.Handler {
	t.Helper()
	signedIn := func(r *http.Request) bool {
		c, err := r.Cookie("onramp_session")
		return err == nil && c.Value == "tok"
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("POST /login/pin", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Sec-Fetch-Site") != "same-origin" || r.FormValue("phone") != DemoLearnerPhone || r.FormValue("pin") != DemoLearnerPIN {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "onramp_lang", Value: "ru"})
		http.SetCookie(w, &http.Cookie{Name: "onramp_session", Value: "tok"})
		http.Redirect(w, r, "/", http.StatusSeeOther)
	})
	if lesson {
		mux.HandleFunc("GET /courses/{slug}/lessons/{lesson}", func(w http.ResponseWriter, r *http.Request) {
			if !signedIn(r) || r.URL.Query().Get("step") != "4" {
				http.Error(w, "not signed in", http.StatusForbidden)
				return
			}
			w.Write([]byte(`<html><head><link rel="stylesheet" href="/static/app.css?v=1"></head><body>step</body></html>`))
		})
		mux.HandleFunc("GET /static/app.css", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/css")
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
			w.Write([]byte(strings.Repeat("p{margin:0}", 100)))
		})
	}
	mux.HandleFunc("POST /api/statements", func(w http.ResponseWriter, r *http.Request) {
		var sts []struct {
			ID     string `json:"id"`
			Verb   string `json:"verb"`
			Object struct {
				Course string `json:"course"`
				Lesson string `json:"lesson"`
				Step   *int   `json:"step"`
			} `json:"object"`
			Context struct {
				Lang string `json:"lang"`
			} `json:"context"`
			Timestamp time.Time `json:"timestamp"`
		}
		dec := json.NewDecoder(r.Body)
		dec.DisallowUnknownFields()
		if !signedIn(r) || r.Header.Get("Sec-Fetch-Site") != "same-origin" || dec.Decode(&sts) != nil || len(sts) != 1 {
			http.Error(w, "bad", http.StatusBadRequest)
			return
		}
		st := sts[0]
		id, err := uuid.Parse(st.ID)
		if err != nil || id.Version() != 7 || st.Verb != "experienced" || st.Object.Course != LessonCourse ||
			st.Object.Lesson != LessonSlug || st.Object.Step == nil || *st.Object.Step != LessonStep-1 || st.Timestamp.IsZero() {
			http.Error(w, "bad statement", http.StatusBadRequest)
			return
		}
		w.Write([]byte(`{"stored":1,"duplicates":0}`))
	})
	return mux
}

func TestSignedInTargetsAndMissingLessonPlayer(t *testing.T) {
	env := &Env{}
	byName := map[string]Target{}
	for _, tg := range Targets(env) {
		byName[tg.Name] = tg
	}
	fast := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
	withFake := func(name string, h http.Handler) Target {
		tg := byName[name]
		tg.Prepare = nil
		tg.Start = fakeStart(h)
		return tg
	}
	targets := []Target{
		{Name: BarePage, Start: fakeStart(fast), Request: load.Get("/")},
		{Name: BareWrite, Start: fakeStart(fast), Request: load.Get("/")},
		withFake(OnrampLesson, fakeOnramp(t, true)),
		withFake(OnrampStatements, fakeOnramp(t, true)),
	}
	missing := withFake(OnrampLesson, fakeOnramp(t, false))
	missing.Name = "lesson-missing"
	targets = append(targets, missing)
	opt := Options{Duration: 100 * time.Millisecond, Warmup: 10 * time.Millisecond, Workers: 2}
	outs := Run(context.Background(), targets, opt)
	for _, o := range outs[2:4] {
		if o.Err != nil || o.Result.Errors != 0 || o.Result.Requests == 0 || !o.HasRatio {
			t.Errorf("%s: err %v, result %+v", o.Target.Name, o.Err, o.Result)
		}
		if o.Target.Informative || o.Target.Budget != 0.5 {
			t.Errorf("%s is not a binding 0.5 budget", o.Target.Name)
		}
	}
	miss := outs[4]
	if v := miss.Verdict(); v != "not run (lesson player missing)" || miss.Failed() {
		t.Errorf("missing lesson player: verdict %q, failed %v, err %v", v, miss.Failed(), miss.Err)
	}
	var b strings.Builder
	if err := WriteMarkdown(&b, Machine{}, opt, outs); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "| lesson-missing | - | - | - | - | ? × bare-page | ≥ 0.50 | not run (lesson player missing) |") {
		t.Errorf("markdown:\n%s", b.String())
	}

	// A wrong PIN fails the target instead of measuring a sign-in page.
	bad := withFake(OnrampStatements, fakeOnramp(t, true))
	bad.SignIn = SignInPIN(DemoLearnerPhone, "000000")
	o := Run(context.Background(), []Target{targets[1], bad}, opt)[1]
	if !o.Failed() || o.Err == nil || !strings.Contains(o.Err.Error(), "answered 401") {
		t.Errorf("wrong PIN: %v %v", o.Verdict(), o.Err)
	}
}

func TestPageWeightCheck(t *testing.T) {
	for _, lesson := range []bool{true, false} {
		pw := StandardPageWeight(&Env{})
		pw.Prepare, pw.Start = nil, fakeStart(fakeOnramp(t, lesson))
		o := MeasurePageWeight(context.Background(), pw, nil)
		first, repeat := o.Verdicts()
		var b strings.Builder
		if err := WritePageWeight(&b, o); err != nil {
			t.Fatal(err)
		}
		md := b.String()
		if !lesson {
			if first != "not run (lesson player missing)" || o.Failed() {
				t.Errorf("missing page: %q %q %v", first, repeat, o.Err)
			}
			continue
		}
		if o.Err != nil || first != "pass" || repeat != "pass" || o.Failed() {
			t.Fatalf("page weight: %v %q %q", o.Err, first, repeat)
		}
		if n := len(o.Report.Resources); n != 3 { // page, stylesheet, implicit favicon (404)
			t.Errorf("%d resources: %+v", n, o.Report.Resources)
		}
		for _, s := range []string{"| `/static/app.css?v=1` | stylesheet | 200 | **none** |", "with gzip (estimate)", "cached (immutable)",
			"| first (empty cache) |", "≤ 30 KB | pass |", "≤ 8 KB | pass |", "**Not compressed**", "visitor not signed in"} {
			if !strings.Contains(md, s) {
				t.Errorf("page weight markdown lacks %q:\n%s", s, md)
			}
		}
		o.Check.RepeatBudget = 10
		if _, r := o.Verdicts(); r != "FAIL" || !o.Failed() {
			t.Errorf("repeat over budget: %q", r)
		}
	}
}

// The lesson the targets use must exist in the content, with a text step where
// LessonPath points, and the demo learner must be the one internal/app creates.
func TestLessonAndDemoLearnerMatchTheTree(t *testing.T) {
	if want := fmt.Sprintf("/courses/%s/lessons/%s?step=%d", LessonCourse, LessonSlug, LessonStep); LessonPath != want {
		t.Errorf("LessonPath %q, want %q", LessonPath, want)
	}
	md, err := os.ReadFile(filepath.Join("..", "..", "content", "courses", LessonCourse, "ru", LessonSlug+".md"))
	if err != nil {
		t.Fatal(err)
	}
	_, body, _ := strings.Cut(strings.TrimPrefix(string(md), "---\n"), "\n---\n")
	steps := strings.Split(body, "\n+++\n")
	if len(steps) < LessonStep+1 {
		t.Fatalf("%d steps, want more than %d (mid-lesson)", len(steps), LessonStep)
	}
	if s := strings.TrimSpace(steps[LessonStep-1]); strings.HasPrefix(s, "```") {
		t.Errorf("step %d is not a text step:\n%s", LessonStep, s)
	}
	demo, err := os.ReadFile(filepath.Join("..", "..", "internal", "app", "demo.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`DemoLearnerPhone = "` + DemoLearnerPhone + `"`, `DemoLearnerPIN   = "` + DemoLearnerPIN + `"`} {
		if !strings.Contains(string(demo), s) {
			t.Errorf("internal/app/demo.go lacks %s", s)
		}
	}
}
