package suite

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

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
	if !outs[1].HasRatio || outs[1].Ratio <= 0 || outs[1].Ratio >= 0.99 {
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
		"| base |", "× base | ≥ 0.99 | FAIL |", "- broken: start: no binary"} {
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
