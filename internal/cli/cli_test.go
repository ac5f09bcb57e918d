package cli

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func run(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(Env{Args: args, Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }})
	return code, out.String(), errb.String()
}

func TestVersionAndHelp(t *testing.T) {
	if code, out, _ := run(t, nil, "version"); code != 0 || !strings.HasPrefix(out, "onramp ") {
		t.Fatalf("version: %d %q", code, out)
	}
	code, out, _ := run(t, nil, "help")
	if code != 0 {
		t.Fatal(code)
	}
	for _, c := range []string{"serve", "migrate", "version", "help"} {
		if !strings.Contains(out, c) {
			t.Errorf("help lacks %s", c)
		}
	}
	if code, out, _ := run(t, nil, "help", "serve"); code != 0 || !strings.Contains(out, "-data-dir") {
		t.Errorf("help serve: %d %q", code, out)
	}
}

func TestBadInputIsOneLineNamingTheFlag(t *testing.T) {
	tests := []struct {
		env  map[string]string
		args []string
		want string
	}{
		{nil, []string{"serve", "--log-format", "xml"}, "--log-format"},
		{nil, []string{"serve", "--addr", "8080"}, "--addr"},
		{map[string]string{"ONRAMP_LOG_LEVEL": "loud"}, []string{"serve"}, "--log-level"},
		{nil, []string{"serve", "--no-such-flag"}, "no-such-flag"},
		{nil, []string{"frobnicate"}, "frobnicate"},
		{nil, []string{"migrate", "sideways", "--data-dir", "x"}, "sideways"},
	}
	for _, tt := range tests {
		code, _, stderr := run(t, tt.env, tt.args...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2", tt.args, code)
		}
		last := strings.TrimSpace(stderr)
		if i := strings.LastIndex(last, "\n"); i >= 0 {
			last = last[i+1:]
		}
		if !strings.HasPrefix(last, "onramp: ") || !strings.Contains(last, tt.want) {
			t.Errorf("%v: last line %q, want one line naming %s", tt.args, last, tt.want)
		}
	}
}

func TestMigrateUpAndStatus(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := run(t, nil, "migrate", "status", "--data-dir", dir)
	if code != 0 || !strings.Contains(out, "pending") {
		t.Fatalf("status before: %d %q %q", code, out, errOut)
	}
	if code, out, errOut = run(t, nil, "migrate", "up", "--data-dir", dir); code != 0 || !strings.Contains(out, "up to date") {
		t.Fatalf("up: %d %q %q", code, out, errOut)
	}
	code, out, _ = run(t, map[string]string{"ONRAMP_DATA_DIR": dir}, "migrate", "status")
	if code != 0 || !strings.Contains(out, ", 0 pending") {
		t.Fatalf("status after (data dir from env): %d %q", code, out)
	}
	if code, out, _ = run(t, nil, "migrate", "--db", "sqlite:"+filepath.Join(dir, "onramp.db")); code != 0 || !strings.Contains(out, "applied 0") {
		t.Fatalf("second up: %d %q", code, out)
	}
}

// TestServeStopsGracefully starts serve on a free port, waits for /healthz, then
// cancels (as SIGINT/SIGTERM do) and expects a clean return.
func TestServeStopsGracefully(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Env{Args: []string{"serve", "--addr", addr, "--data-dir", t.TempDir()}, Stdout: &out, Stderr: &errb,
			Getenv: func(string) string { return "" }})
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		res, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not answer: %v; stderr: %s", err, errb.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop")
	}
	if !strings.Contains(out.String(), "listening on http://"+addr) {
		t.Errorf("banner missing address: %q", out.String())
	}
}

func TestI18nCheck(t *testing.T) {
	code, out, errOut := run(t, nil, "i18n", "check")
	if code != 0 {
		t.Fatalf("built-in catalogs must pass: %d %s %s", code, out, errOut)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ru.json"), []byte(`{"people.count": {"one": "{{.Count}} человек"}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, _ = run(t, nil, "i18n", "check", "--dir", dir)
	if code != 1 || !strings.Contains(out, "people.count") {
		t.Fatalf("broken overlay must fail naming the key: %d %q", code, out)
	}
}

func TestPositionalArgumentsAnywhere(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"migrate", "status", "--data-dir", dir},
		{"migrate", "--data-dir", dir, "status"},
	} {
		if code, out, errOut := run(t, nil, args...); code != 0 || !strings.Contains(out, "pending") {
			t.Errorf("%v: %d %q %q", args, code, out, errOut)
		}
	}
	if code, _, errOut := run(t, nil, "migrate", "--data-dir", dir, "status", "extra"); code != 2 || !strings.Contains(errOut, "one action") {
		t.Errorf("two actions: %d %q", code, errOut)
	}
}
