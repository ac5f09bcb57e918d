// Command onrampbench runs onramp's load benchmarks against bare baselines built in
// the same run, and serves those baselines.
//
//	onrampbench run [--duration 10s] [--warmup 2s] [--workers 8] [--rounds 1] [--only name,...] [--list]
//	onrampbench serve-baseline --kind page|write [--addr 127.0.0.1:0] [--dir DIR]
//
// run starts every target as a child process on 127.0.0.1 (the baselines by running
// this same executable with serve-baseline), attacks it, stops it, and prints a
// Markdown table on stdout, then weighs the lesson page (--only page-weight alone
// does only that); progress goes to stderr. It exits 1 when a binding budget is
// missed. serve-baseline prints its listening address as its first stdout line.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/onramp/onramp/bench/baseline"
	"github.com/onramp/onramp/bench/suite"
)

func main() {
	ctx, cancel := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	cancel()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "onrampbench:", firstLine(err))
		}
		os.Exit(1)
	}
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

const usage = `usage:
  onrampbench run [--duration 10s] [--warmup 2s] [--workers 8] [--rounds 1] [--only name,...] [--list]
  onrampbench serve-baseline --kind page|write [--addr 127.0.0.1:0] [--dir DIR]`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return flag.ErrHelp
	}
	switch args[0] {
	case "run":
		return runBench(ctx, args[1:], stdout, stderr)
	case "serve-baseline":
		return serveBaseline(ctx, args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprintln(stdout, usage)
		return nil
	default:
		fmt.Fprintln(stderr, usage)
		return fmt.Errorf("unknown subcommand %q", args[0])
	}
}

func serveBaseline(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve-baseline", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg baseline.Config
	fs.StringVar(&cfg.Kind, "kind", baseline.KindPage, "page (the bare page) or write (the bare page after a group-committed SQLite row)")
	fs.StringVar(&cfg.Addr, "addr", "127.0.0.1:0", "loopback address to listen on; port 0 picks a free one")
	fs.StringVar(&cfg.Dir, "dir", "", "directory for the SQLite file of the write kind (default: a new temporary directory)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if cfg.Kind == baseline.KindWrite && cfg.Dir == "" {
		dir, err := os.MkdirTemp("", "onrampbench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		cfg.Dir = dir
	}
	return baseline.Serve(ctx, cfg, stdout)
}

func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var opt suite.Options
	fs.DurationVar(&opt.Duration, "duration", 10*time.Second, "measured attack per target")
	fs.DurationVar(&opt.Warmup, "warmup", 2*time.Second, "unmeasured attack before each measurement")
	fs.IntVar(&opt.Workers, "workers", 8, "concurrent requests in flight (one keep-alive connection each)")
	fs.IntVar(&opt.Rounds, "rounds", 1, "measure every target this many times, round-robin, and report medians")
	fs.Uint64Var(&opt.MaxRequests, "max-requests", 0, "stop an attack after this many requests (0: the driver's hard limit)")
	only := fs.String("only", "", "comma-separated target names (their baselines are added), page-weight for the page-weight check")
	list := fs.Bool("list", false, "list the targets and exit")
	repo := fs.String("repo", "", "repository root to build onramp from (default: found from the working directory)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("run: unexpected arguments %q", fs.Args())
	}
	if opt.Duration <= 0 || opt.Warmup < 0 || opt.Workers <= 0 || opt.Rounds <= 0 {
		return errors.New("run: --duration, --workers and --rounds must be positive, --warmup not negative")
	}

	self, err := os.Executable()
	if err != nil {
		return err
	}
	if *repo == "" {
		if *repo, err = findRepoRoot(); err != nil {
			return err
		}
	}
	tmp, err := os.MkdirTemp("", "onrampbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	env := &suite.Env{Self: self, RepoRoot: *repo, TempDir: tmp}
	all := suite.Targets(env)
	pw := suite.StandardPageWeight(env)
	if *list {
		for _, t := range all {
			fmt.Fprintf(stdout, "%-18s %s\n", t.Name, t.About)
		}
		fmt.Fprintf(stdout, "%-18s %s\n", pw.Name, pw.About)
		return nil
	}
	// --only selects throughput targets and, by its name, the page-weight check;
	// without --only everything runs.
	weigh := *only == ""
	var names []string
	for name := range strings.SplitSeq(*only, ",") {
		switch name = strings.TrimSpace(name); name {
		case "":
		case pw.Name:
			weigh = true
		default:
			names = append(names, name)
		}
	}
	var targets []suite.Target
	if *only == "" || len(names) > 0 {
		if targets, err = suite.Select(all, names); err != nil {
			return err
		}
	}
	opt.Log = stderr
	machine := suite.ThisMachine(time.Now())
	outs := suite.Run(ctx, targets, opt)
	var wo suite.WeightOutcome
	if weigh && ctx.Err() == nil {
		wo = suite.MeasurePageWeight(ctx, pw, stderr)
	}
	if err := suite.WriteMarkdown(stdout, machine, opt, outs); err != nil {
		return err
	}
	if weigh {
		if err := suite.WritePageWeight(stdout, wo); err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := suite.Check(outs); err != nil {
		return err
	}
	if weigh && wo.Failed() {
		return suite.ErrBudget
	}
	return nil
}

// findRepoRoot walks up from the working directory to the go.mod of the onramp module.
func findRepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.Contains(string(b), "module github.com/onramp/onramp\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("run: no onramp go.mod above the working directory; pass --repo")
		}
		dir = parent
	}
}
