package config

import (
	"flag"
	"io"
	"strings"
	"testing"
	"time"
)

func parse(t *testing.T, args []string, env map[string]string) (Config, error) {
	t.Helper()
	c := Default()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c.Bind(fs)
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	return c, c.Resolve(fs, func(k string) string { return env[k] })
}

func TestDefaults(t *testing.T) {
	c, err := parse(t, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.DBEngine() != SQLite || c.SQLitePath() != "data/onramp.db" {
		t.Fatalf("unexpected defaults: %+v path=%s", c, c.SQLitePath())
	}
}

func TestFlagsWinOverEnv(t *testing.T) {
	env := map[string]string{"ONRAMP_ADDR": "127.0.0.1:9000", "ONRAMP_LOG_FORMAT": "json", "ONRAMP_DEMO": "true"}
	c, err := parse(t, []string{"--addr", "127.0.0.1:7000"}, env)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:7000" {
		t.Errorf("flag must win: %s", c.Addr)
	}
	if c.LogFormat != "json" || !c.Demo {
		t.Errorf("env fallback not applied: %+v", c)
	}
}

func TestBadValuesNameTheFlag(t *testing.T) {
	tests := []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--log-format", "xml"}, nil, "--log-format"},
		{[]string{"--addr", "nonsense"}, nil, "--addr"},
		{[]string{"--addr", "127.0.0.1:99999"}, nil, "--addr"},
		{[]string{"--log-level", "loud"}, nil, "--log-level"},
		{[]string{"--db", "mysql://x"}, nil, "--db"},
		{nil, map[string]string{"ONRAMP_DEMO": "perhaps"}, "ONRAMP_DEMO"},
		{nil, map[string]string{"ONRAMP_SHUTDOWN_TIMEOUT": "-1s"}, "--shutdown-timeout"},
		{[]string{"--data-dir", " "}, nil, "--data-dir"},
	}
	for _, tt := range tests {
		_, err := parse(t, tt.args, tt.env)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v %v: got %v, want an error naming %s", tt.args, tt.env, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("error must be one line: %q", err)
		}
	}
}

func TestDBEngine(t *testing.T) {
	tests := []struct{ db, engine, path string }{
		{"postgres://u:p@h/db", Postgres, ""},
		{"postgresql://h/db", Postgres, ""},
		{"sqlite:/tmp/x.db", SQLite, "/tmp/x.db"},
		{"/var/lib/onramp/o.db", SQLite, "/var/lib/onramp/o.db"},
	}
	for _, tt := range tests {
		c := Default()
		c.DB = tt.db
		if c.DBEngine() != tt.engine {
			t.Errorf("%s: engine %s", tt.db, c.DBEngine())
		}
		if tt.path != "" && c.SQLitePath() != tt.path {
			t.Errorf("%s: path %s", tt.db, c.SQLitePath())
		}
	}
}

func TestRedacted(t *testing.T) {
	c := Default()
	c.DB = "postgres://onramp:s3cret@db:5432/onramp"
	if strings.Contains(c.Redacted(), "s3cret") {
		t.Fatal(c.Redacted())
	}
	c.ShutdownTimeout = time.Second
}
