// Package suite runs onramp's load benchmarks: each target's server is started in its
// own process on 127.0.0.1, warmed up, attacked with the load driver, stopped, and its
// throughput divided by its baseline's, measured in the same run (DESIGN.md §5).
package suite

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/onramp/onramp/bench/load"
)

// Options shape a run.
type Options struct {
	Duration    time.Duration // measured attack per target
	Warmup      time.Duration // unmeasured attack before it
	Workers     int
	Rounds      int       // times each target is measured; the median is reported; 0 means 1
	MaxRequests uint64    // per attack; 0 means load.MaxRequests
	Log         io.Writer // progress lines; nil discards
}

// Outcome is one target's measurement. With several rounds, Ratio is the median of
// the per-round ratios, which can differ a little from the ratio of the medians.
type Outcome struct {
	Target   Target
	Result   load.Result
	Err      error   // the target could not be started or measured
	Ratio    float64 // Result.Throughput / the baseline's; 0 when unknown
	HasRatio bool
	Ratios   []float64 // the ratio of each round, in order, with several rounds
}

// Verdict is the outcome against the budget: "baseline", "pass", "FAIL", "below (info)",
// "not run (reason)", "n/a".
func (o Outcome) Verdict() string {
	var nr *NotRunError
	switch {
	case errors.As(o.Err, &nr):
		return "not run (" + nr.Reason + ")"
	case o.Err != nil:
		if o.Target.Informative {
			return "not run (info)"
		}
		return "FAIL"
	case o.Result.Errors > 0:
		if o.Target.Informative {
			return "errors (info)"
		}
		return "FAIL"
	case o.Target.Baseline == "":
		return "baseline"
	case !o.HasRatio:
		return "n/a"
	case o.Target.Budget == 0:
		return "-"
	case o.Ratio >= o.Target.Budget:
		return "pass"
	case o.Target.Informative:
		return "below (info)"
	default:
		return "FAIL"
	}
}

// Failed reports whether this outcome should fail the run.
func (o Outcome) Failed() bool { return o.Verdict() == "FAIL" }

// Select returns the targets named in only (all when only is empty), together with
// the baselines they are divided by, in the order of all.
func Select(all []Target, only []string) ([]Target, error) {
	if len(only) == 0 {
		return all, nil
	}
	byName := map[string]Target{}
	for _, t := range all {
		byName[t.Name] = t
	}
	want := map[string]bool{}
	for _, name := range only {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		t, ok := byName[name]
		if !ok {
			return nil, fmt.Errorf("unknown target %q (have %s)", name, strings.Join(names(all), ", "))
		}
		want[name] = true
		if t.Baseline != "" {
			want[t.Baseline] = true
		}
	}
	var out []Target
	for _, t := range all {
		if want[t.Name] {
			out = append(out, t)
		}
	}
	return out, nil
}

func names(ts []Target) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Name)
	}
	return out
}

// Run measures each target in turn, opt.Rounds times over (round-robin, so that a
// passing disturbance of the machine hits every target alike), and returns one
// Outcome per target, in order. With several rounds each figure is the median of the
// rounds and the error counts are summed.
func Run(ctx context.Context, targets []Target, opt Options) []Outcome {
	logw := opt.Log
	if logw == nil {
		logw = io.Discard
	}
	logf := func(format string, args ...any) { fmt.Fprintf(logw, format+"\n", args...) }
	rounds := max(opt.Rounds, 1)

	out := make([]Outcome, len(targets))
	for i, t := range targets {
		out[i].Target = t
		if t.Prepare != nil {
			logf("prepare %s", t.Name)
			if err := t.Prepare(ctx); err != nil {
				out[i].Err = fmt.Errorf("prepare: %w", err)
			}
		}
	}
	results := make([][]load.Result, len(targets))
	for r := 1; r <= rounds && ctx.Err() == nil; r++ {
		for i, t := range targets {
			if out[i].Err != nil || ctx.Err() != nil {
				continue
			}
			if rounds > 1 {
				logf("round %d of %d", r, rounds)
			}
			res, err := measure(ctx, t, opt, logf)
			if err != nil {
				out[i].Err = err
				logf("%s: %v", t.Name, firstLine(err.Error()))
				continue
			}
			logf("%s: %.0f req/s, p50 %s, p99 %s, %d errors", t.Name, res.Throughput, res.P50, res.P99, res.Errors)
			results[i] = append(results[i], res)
		}
	}
	index := map[string]int{}
	for i := range out {
		o := &out[i]
		if o.Err == nil && len(results[i]) < rounds {
			o.Err = fmt.Errorf("interrupted after %d of %d rounds", len(results[i]), rounds)
		}
		if o.Err != nil {
			continue
		}
		o.Result = combine(results[i])
		index[o.Target.Name] = i
		if o.Target.Baseline == "" {
			o.Ratio, o.HasRatio = 1, true
			continue
		}
		// The ratio is the median of the per-round ratios: a target and its baseline
		// measured in the same round are closest in time.
		b, ok := index[o.Target.Baseline]
		if !ok {
			continue
		}
		var ratios []float64
		for r := range rounds {
			if bt := results[b][r].Throughput; bt > 0 {
				ratios = append(ratios, results[i][r].Throughput/bt)
			}
		}
		if len(ratios) == rounds {
			o.Ratio, o.HasRatio = median(ratios), true
			if rounds > 1 {
				o.Ratios = ratios
			}
		}
	}
	return out
}

// combine takes the median throughput and latencies of several rounds and sums
// their counts.
func combine(rs []load.Result) load.Result {
	if len(rs) == 1 {
		return rs[0]
	}
	c := load.Result{Codes: map[int]uint64{}}
	var tput []float64
	var p50, p99, top []time.Duration
	seen := map[string]bool{}
	for _, r := range rs {
		c.Requests += r.Requests
		c.Errors += r.Errors
		c.Elapsed += r.Elapsed
		for code, n := range r.Codes {
			c.Codes[code] += n
		}
		for _, s := range r.Samples {
			if !seen[s] {
				seen[s] = true
				c.Samples = append(c.Samples, s)
			}
		}
		tput = append(tput, r.Throughput)
		p50, p99, top = append(p50, r.P50), append(p99, r.P99), append(top, r.Max)
	}
	c.Throughput = median(tput)
	c.P50, c.P99, c.Max = median(p50), median(p99), slices.Max(top)
	return c
}

func median[T float64 | time.Duration](xs []T) T {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func measure(ctx context.Context, t Target, opt Options, logf func(string, ...any)) (load.Result, error) {
	logf("start %s", t.Name)
	base, stop, err := t.Start(ctx)
	if err != nil {
		return load.Result{}, fmt.Errorf("start: %w", err)
	}
	defer func() {
		stop()
		logf("stopped %s", t.Name)
	}()
	if err := load.CheckLoopback(base); err != nil {
		return load.Result{}, err
	}
	ready := t.Ready
	if ready == "" {
		ready = "/"
	}
	if err := WaitAnswer(ctx, base, ready, 30*time.Second); err != nil {
		return load.Result{}, err
	}
	req := t.Request
	if t.SignIn != nil {
		h, err := t.SignIn(ctx, base)
		if err != nil {
			return load.Result{}, fmt.Errorf("sign in: %w", err)
		}
		req.Header = req.Header.Clone()
		if req.Header == nil {
			req.Header = http.Header{}
		}
		for k, vs := range h {
			req.Header[k] = append(req.Header[k], vs...)
		}
	}
	if t.Probe != nil {
		if err := t.Probe(ctx, base, req); err != nil {
			return load.Result{}, err
		}
	}
	lo := load.Options{Duration: opt.Warmup, Workers: opt.Workers, MaxRequests: opt.MaxRequests}
	if opt.Warmup > 0 {
		logf("warm up %s at %s for %s", t.Name, base, opt.Warmup)
		w, err := load.Attack(ctx, base, req, lo)
		if err != nil {
			return load.Result{}, fmt.Errorf("warm-up: %w", err)
		}
		if w.Errors == w.Requests {
			return load.Result{}, fmt.Errorf("warm-up: every request failed: %s", strings.Join(w.Samples, "; "))
		}
	}
	logf("attack %s for %s with %d workers", t.Name, opt.Duration, opt.Workers)
	lo.Duration = opt.Duration
	return load.Attack(ctx, base, req, lo)
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " …"
	}
	return s
}

// Machine describes where a run took place.
type Machine struct {
	CPU        string
	Cores      int
	GOMAXPROCS int
	GoVersion  string
	OS         string
	LoadAvg    string // /proc/loadavg's 1, 5 and 15 minute figures when the run began
	Date       time.Time
}

// ThisMachine reads the CPU model from /proc/cpuinfo and the rest from the runtime.
func ThisMachine(now time.Time) Machine {
	m := Machine{
		CPU:        "unknown",
		Cores:      runtime.NumCPU(),
		GOMAXPROCS: runtime.GOMAXPROCS(0),
		GoVersion:  runtime.Version(),
		OS:         runtime.GOOS + "/" + runtime.GOARCH,
		Date:       now,
	}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		m.CPU = cpuModel(string(b))
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		if f := strings.Fields(string(b)); len(f) >= 3 {
			m.LoadAvg = strings.Join(f[:3], " ")
		}
	}
	return m
}

func cpuModel(cpuinfo string) string {
	for line := range strings.Lines(cpuinfo) {
		k, v, ok := strings.Cut(line, ":")
		if ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// WriteMarkdown prints the machine header, the results table and notes on failures.
func WriteMarkdown(w io.Writer, m Machine, opt Options, outs []Outcome) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## onramp bench — %s\n\n", m.Date.UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(&b, "- Machine: %s, %d cores, GOMAXPROCS %d, %s, %s\n", m.CPU, m.Cores, m.GOMAXPROCS, m.GoVersion, m.OS)
	if m.LoadAvg != "" {
		fmt.Fprintf(&b, "- Load average when the run began: %s (anything else busy on the machine skews every figure)\n", m.LoadAvg)
	}
	rounds := ""
	if opt.Rounds > 1 {
		rounds = fmt.Sprintf(", %d rounds round-robin (medians shown)", opt.Rounds)
	}
	if len(outs) == 0 {
		_, err := io.WriteString(w, b.String())
		return err
	}
	fmt.Fprintf(&b, "- Load: %d workers, keep-alive, max throughput; %s warm-up + %s measured per target%s; each server in its own process, sharing the cores with the driver\n\n",
		opt.Workers, opt.Warmup, opt.Duration, rounds)
	b.WriteString("| target | req/s | p50 | p99 | errors | ratio | budget | result |\n")
	b.WriteString("|---|--:|--:|--:|--:|--:|--:|---|\n")
	var notes, spread []string
	for _, o := range outs {
		t := o.Target
		if len(o.Ratios) > 1 {
			rs := make([]string, len(o.Ratios))
			for i, r := range o.Ratios {
				rs[i] = fmt.Sprintf("%.2f", r)
			}
			spread = append(spread, fmt.Sprintf("%s %s", t.Name, strings.Join(rs, ", ")))
		}
		reqs, p50, p99, errs := "-", "-", "-", "-"
		if o.Err == nil {
			reqs = fmt.Sprintf("%.0f", o.Result.Throughput)
			p50, p99 = ms(o.Result.P50), ms(o.Result.P99)
			errs = fmt.Sprintf("%d / %d", o.Result.Errors, o.Result.Requests)
		}
		ratio := "-"
		switch {
		case t.Baseline == "" && o.Err == nil:
			ratio = "1.00"
		case o.HasRatio:
			ratio = fmt.Sprintf("%.2f × %s", o.Ratio, t.Baseline)
		case t.Baseline != "":
			ratio = "? × " + t.Baseline
		}
		budget := "-"
		if t.Budget > 0 {
			budget = fmt.Sprintf("≥ %.2f", t.Budget)
			if t.Informative {
				budget += " (info)"
			}
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", t.Name, reqs, p50, p99, errs, ratio, budget, o.Verdict())
		if o.Err != nil {
			notes = append(notes, fmt.Sprintf("- %s: %s", t.Name, indent(o.Err.Error())))
		} else if len(o.Result.Samples) > 0 {
			notes = append(notes, fmt.Sprintf("- %s: %s", t.Name, strings.Join(o.Result.Samples, "; ")))
		}
	}
	if len(spread) > 0 {
		// The median hides how far the rounds were apart: on a busy machine they can
		// straddle a budget.
		notes = append(notes, "- Ratio of each round: "+strings.Join(spread, "; "))
	}
	if len(notes) > 0 {
		b.WriteString("\nNotes:\n\n")
		b.WriteString(strings.Join(notes, "\n"))
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func ms(d time.Duration) string {
	return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
}

func indent(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > 12 {
		lines = append(slices.Clip(lines[:12]), "…")
	}
	return strings.Join(lines, "\n  ")
}

// ErrBudget is returned by Check when a binding budget was missed.
var ErrBudget = errors.New("a budget was missed or a target failed")

// Check returns ErrBudget when any outcome fails the run.
func Check(outs []Outcome) error {
	for _, o := range outs {
		if o.Failed() {
			return ErrBudget
		}
	}
	return nil
}
