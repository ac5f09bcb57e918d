package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"github.com/onramp/onramp/internal/app"
	"github.com/onramp/onramp/internal/config"
)

// version is set at build time with -ldflags "-X github.com/onramp/onramp/internal/cli.version=v1.2.3".
var version = "dev"

// Env is the outside world a command sees; tests give their own.
type Env struct {
	Args   []string // without the program name
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
}

// exitError carries an exit code; Main prints its message as one line.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }

// usageErr is a mistake on the command line: exit code 2.
func usageErr(format string, args ...any) error {
	return &exitError{code: 2, err: fmt.Errorf(format, args...)}
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env Env, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "run the web server (SQLite in ./data by default)", runServe},
		{"migrate", "bring the database schema up to date, or show its status: migrate [up|status]", runMigrate},
		{"user", "manage accounts: user add --role R --place P --email E (e.g. the first administrator)", runUser},
		{"import", "load records from a file, all or nothing: import places FILE [--lang en]", runImport},
		{"i18n", "check the translations: i18n check [--dir DIR]", runI18n},
		{"content", "check course content: content validate [--alone] [DIR]", runContent},
		{"version", "print the version", runVersion},
		{"help", "list the commands, or explain one: help [command]", runHelp},
	}
}

// Main runs the command line and returns the process exit code.
func Main(env Env) int {
	if env.Getenv == nil {
		env.Getenv = os.Getenv
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := Run(ctx, env)
	if err == nil {
		return 0
	}
	fmt.Fprintf(env.Stderr, "onramp: %s\n", oneLine(err.Error()))
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return 1
}

// Run dispatches to a subcommand.
func Run(ctx context.Context, env Env) error {
	args := env.Args
	if len(args) == 0 {
		printUsage(env.Stdout)
		return nil
	}
	name, rest := args[0], args[1:]
	switch name {
	case "-h", "--help", "-help":
		name = "help"
	case "-v", "--version":
		name = "version"
	}
	for _, c := range commands() {
		if c.name == name {
			return c.run(ctx, env, rest)
		}
	}
	return usageErr("unknown command %q; run 'onramp help' to list the commands", name)
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "onramp runs digital-inclusion programmes: lessons, practice, classes, certificates and dashboards.")
	fmt.Fprintln(w, "\nUsage: onramp <command> [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nEvery flag can also be set with an ONRAMP_* environment variable (--data-dir: ONRAMP_DATA_DIR); flags win.")
	fmt.Fprintln(w, "Run 'onramp help <command>' for the flags of a command.")
}

func runHelp(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 {
		printUsage(env.Stdout)
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] && c.name != "help" {
			return c.run(ctx, Env{Stdout: env.Stdout, Stderr: env.Stdout, Getenv: env.Getenv}, []string{"-h"})
		}
	}
	return usageErr("unknown command %q", args[0])
}

func runVersion(_ context.Context, env Env, _ []string) error {
	fmt.Fprintf(env.Stdout, "onramp %s\n", version)
	return nil
}

// parseConfig binds the config flags (and any extra ones) to a new FlagSet,
// parses args, applies ONRAMP_* fallbacks and validates. It returns the
// positional arguments, which may stand before, between or after the flags
// ("migrate status --data-dir x", "import places FILE --lang ru"); "-" is a
// positional argument (stdin).
func parseConfig(name string, env Env, args []string, extra func(*flag.FlagSet)) (config.Config, []string, error) {
	cfg := config.Default()
	fs := flag.NewFlagSet("onramp "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	cfg.Bind(fs)
	if extra != nil {
		extra(fs)
	}
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return cfg, nil, flag.ErrHelp
			}
			return cfg, nil, usageErr("%v", err)
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		positional, args = append(positional, args[0]), args[1:]
	}
	if err := cfg.Resolve(fs, env.Getenv); err != nil {
		return cfg, nil, usageErr("%v", err)
	}
	return cfg, positional, nil
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: lvl}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func runServe(ctx context.Context, env Env, args []string) error {
	cfg, _, err := parseConfig("serve", env, args, nil)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	log := newLogger(cfg, env.Stderr)
	a, err := app.New(ctx, cfg, app.Options{Log: log, Out: env.Stdout, Version: version})
	if err != nil {
		return err
	}
	return a.Run(ctx)
}

func runMigrate(ctx context.Context, env Env, args []string) error {
	cfg, rest, err := parseConfig("migrate", env, args, nil)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	action := "up"
	if len(rest) > 0 {
		action = rest[0]
	}
	if len(rest) > 1 {
		return usageErr("migrate takes one action, up or status; got %q", strings.Join(rest, " "))
	}
	d, err := app.OpenDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer d.Close()
	switch action {
	case "up":
		n, err := d.Migrate(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "applied %d migration(s); the %s database is up to date\n", n, d.Dialect)
		return nil
	case "status":
		st, err := d.Migrations(ctx)
		if err != nil {
			return err
		}
		sort.Slice(st, func(i, j int) bool { return st[i].Version < st[j].Version })
		pending := 0
		for _, s := range st {
			state := "applied"
			if !s.Applied {
				state = "pending"
				pending++
			}
			fmt.Fprintf(env.Stdout, "%05d  %-8s %s\n", s.Version, state, s.Name)
		}
		fmt.Fprintf(env.Stdout, "%d migration(s), %d pending\n", len(st), pending)
		return nil
	default:
		return usageErr("unknown migrate action %q; use up or status", action)
	}
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
