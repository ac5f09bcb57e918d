// Package config holds onramp's settings: one Config struct with defaults, read
// from command-line flags with ONRAMP_* environment variables as the fallback,
// and checked by Validate. It is passed down explicitly; nothing reads a global.
package config

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is every setting of a running onramp.
type Config struct {
	Addr            string        // listen address, host:port
	DB              string        // "" (SQLite in DataDir), "sqlite:PATH", a file path, or postgres://...
	DataDir         string        // where the SQLite file and other local state live
	Demo            bool          // load the demo deployments (idempotent)
	LogFormat       string        // text or json
	LogLevel        string        // debug, info, warn, error
	ContentDir      string        // an operator's extra content pack, optional
	ShutdownTimeout time.Duration // how long in-flight requests may take at stop
}

// Default returns the settings used when nothing is given.
func Default() Config {
	return Config{
		Addr:            "127.0.0.1:8080",
		DataDir:         "./data",
		LogFormat:       "text",
		LogLevel:        "info",
		ShutdownTimeout: 15 * time.Second,
	}
}

// Engine names of the two supported databases.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// DBEngine says which engine DB names.
func (c Config) DBEngine() string {
	if strings.HasPrefix(c.DB, "postgres://") || strings.HasPrefix(c.DB, "postgresql://") {
		return Postgres
	}
	return SQLite
}

// SQLitePath is the SQLite file to use when DBEngine is SQLite.
func (c Config) SQLitePath() string {
	switch {
	case c.DB == "":
		return filepath.Join(c.DataDir, "onramp.db")
	case strings.HasPrefix(c.DB, "sqlite:"):
		return strings.TrimPrefix(strings.TrimPrefix(c.DB, "sqlite:"), "//")
	default:
		return c.DB
	}
}

// Flag names, used by Bind and in error messages.
const (
	FlagAddr       = "addr"
	FlagDB         = "db"
	FlagDataDir    = "data-dir"
	FlagDemo       = "demo"
	FlagLogFormat  = "log-format"
	FlagLogLevel   = "log-level"
	FlagContentDir = "content-dir"
	FlagShutdown   = "shutdown-timeout"
)

// EnvName gives the environment variable that backs a flag: addr -> ONRAMP_ADDR.
func EnvName(flagName string) string {
	return "ONRAMP_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// Bind registers the flags on fs, writing into c. Call Resolve after fs.Parse.
func (c *Config) Bind(fs *flag.FlagSet) {
	fs.StringVar(&c.Addr, FlagAddr, c.Addr, "listen address host:port (env ONRAMP_ADDR)")
	fs.StringVar(&c.DB, FlagDB, c.DB, "database: empty for SQLite in --data-dir, a SQLite file path, or postgres://... (env ONRAMP_DB)")
	fs.StringVar(&c.DataDir, FlagDataDir, c.DataDir, "directory for the SQLite database and local files (env ONRAMP_DATA_DIR)")
	fs.BoolVar(&c.Demo, FlagDemo, c.Demo, "load the demo deployments and accounts (env ONRAMP_DEMO)")
	fs.StringVar(&c.LogFormat, FlagLogFormat, c.LogFormat, "log format: text or json (env ONRAMP_LOG_FORMAT)")
	fs.StringVar(&c.LogLevel, FlagLogLevel, c.LogLevel, "log level: debug, info, warn or error (env ONRAMP_LOG_LEVEL)")
	fs.StringVar(&c.ContentDir, FlagContentDir, c.ContentDir, "directory of an extra content pack (env ONRAMP_CONTENT_DIR)")
	fs.DurationVar(&c.ShutdownTimeout, FlagShutdown, c.ShutdownTimeout, "how long in-flight requests may run at stop (env ONRAMP_SHUTDOWN_TIMEOUT)")
}

// Resolve fills every flag that was not given on the command line from its
// ONRAMP_* environment variable (flags win), then validates.
func (c *Config) Resolve(fs *flag.FlagSet, getenv func(string) string) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if err != nil || given[f.Name] {
			return
		}
		env := EnvName(f.Name)
		v := getenv(env)
		if v == "" {
			return
		}
		if setErr := f.Value.Set(v); setErr != nil {
			err = fmt.Errorf("%s: invalid value %q for --%s", env, v, f.Name)
		}
	})
	if err != nil {
		return err
	}
	return c.Validate()
}

// Validate checks every setting and names the flag of the first bad one.
func (c Config) Validate() error {
	host, port, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return flagErr(FlagAddr, c.Addr, "must be host:port, for example 127.0.0.1:8080")
	}
	_ = host
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return flagErr(FlagAddr, c.Addr, "the port must be a number from 0 to 65535")
	}
	if strings.Contains(c.DB, "://") && c.DBEngine() != Postgres && !strings.HasPrefix(c.DB, "sqlite:") {
		return flagErr(FlagDB, redact(c.DB), "use postgres://..., sqlite:PATH or a file path")
	}
	if c.DBEngine() == SQLite && c.SQLitePath() == "" {
		return flagErr(FlagDB, c.DB, "the SQLite path is empty")
	}
	if c.DB == "" && strings.TrimSpace(c.DataDir) == "" {
		return flagErr(FlagDataDir, c.DataDir, "must name a directory")
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		return flagErr(FlagLogFormat, c.LogFormat, "must be text or json")
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return flagErr(FlagLogLevel, c.LogLevel, "must be debug, info, warn or error")
	}
	if c.ShutdownTimeout <= 0 {
		return flagErr(FlagShutdown, c.ShutdownTimeout.String(), "must be more than 0")
	}
	return nil
}

func flagErr(name, value, why string) error {
	return errors.New("--" + name + " " + strconv.Quote(value) + ": " + why)
}

// redact hides a password in a connection string before it reaches a message.
func redact(dsn string) string {
	at := strings.LastIndex(dsn, "@")
	scheme := strings.Index(dsn, "://")
	if at < 0 || scheme < 0 || at < scheme {
		return dsn
	}
	userinfo := dsn[scheme+3 : at]
	if i := strings.Index(userinfo, ":"); i >= 0 {
		userinfo = userinfo[:i] + ":***"
	}
	return dsn[:scheme+3] + userinfo + dsn[at:]
}

// Redacted returns DB with any password masked, for logs.
func (c Config) Redacted() string { return redact(c.DB) }
