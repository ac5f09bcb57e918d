package testkit

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// ModuleRoot walks up from the working directory to the directory holding go.mod.
func ModuleRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatalf("module root: %v", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatalf("module root: no go.mod above the working directory")
		}
		dir = parent
	}
}

// GoCommand returns the go command to build child binaries with: go on PATH,
// else the one under $GOROOT/bin (the test runner sets GOROOT for its children).
func GoCommand(t testing.TB) string {
	t.Helper()
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	exe := "go"
	if runtime.GOOS == "windows" {
		exe += ".exe"
	}
	if root := os.Getenv("GOROOT"); root != "" {
		if p := filepath.Join(root, "bin", exe); fileExists(p) {
			return p
		}
	}
	t.Fatal("no go command on PATH or in $GOROOT/bin")
	return ""
}

// BuildBinary builds the onramp command (the module root's main package) with the
// given build tags into a temporary directory and returns the binary's path.
func BuildBinary(t testing.TB, tags ...string) string {
	t.Helper()
	root := ModuleRoot(t)
	out := filepath.Join(t.TempDir(), "onramp")
	if runtime.GOOS == "windows" {
		out += ".exe"
	}
	args := []string{"build"}
	if len(tags) > 0 {
		args = append(args, "-tags", strings.Join(tags, ","))
	}
	args = append(args, "-o", out, ".")
	cmd := exec.Command(GoCommand(t), args...)
	cmd.Dir = root
	start := time.Now()
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, b)
	}
	t.Logf("built %s (tags %q) in %s", filepath.Base(out), tags, time.Since(start).Round(time.Millisecond))
	return out
}

// FreeAddr returns a 127.0.0.1:port that was free a moment ago.
func FreeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("free port: %v", err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// Proc is a child process under test. Its stdout and stderr are kept in memory
// and written to the test log when the test fails; a process still running when
// the test ends is killed.
type Proc struct {
	Name string
	cmd  *exec.Cmd
	out  *lineBuffer
	err  *lineBuffer

	exited  chan struct{}
	waitErr error // set before exited is closed
}

// StartProc starts bin with args. name labels its output in the test log.
func StartProc(t testing.TB, name, bin string, args ...string) *Proc {
	t.Helper()
	p := &Proc{Name: name, out: newLineBuffer(), err: newLineBuffer(), exited: make(chan struct{})}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Stdout = p.out
	p.cmd.Stderr = p.err
	p.cmd.WaitDelay = 5 * time.Second
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() {
		p.waitErr = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			_ = p.cmd.Process.Kill()
			<-p.exited
		}
		if t.Failed() {
			t.Logf("%s: %s\n--- stdout ---\n%s--- stderr ---\n%s", name, p.State(), p.out.String(), p.err.String())
		}
	})
	return p
}

// Pid is the child's process ID.
func (p *Proc) Pid() int { return p.cmd.Process.Pid }

// Exited is closed once the process has exited and its output is collected.
func (p *Proc) Exited() <-chan struct{} { return p.exited }

// Stdout and Stderr return what the process printed so far.
func (p *Proc) Stdout() string { return p.out.String() }

// Stderr returns what the process printed on stderr so far.
func (p *Proc) Stderr() string { return p.err.String() }

// State describes whether the process runs or how it ended.
func (p *Proc) State() string {
	select {
	case <-p.exited:
		if p.waitErr == nil {
			return "exited 0"
		}
		return p.waitErr.Error()
	default:
		return "running"
	}
}

// WaitForStdout waits until a line of stdout contains substr and returns the
// line; it fails when the process exits first or timeout passes.
func (p *Proc) WaitForStdout(substr string, timeout time.Duration) (string, error) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		line, changed := p.out.find(substr)
		if line != "" {
			return line, nil
		}
		select {
		case <-changed:
		case <-p.exited:
			if line, _ := p.out.find(substr); line != "" {
				return line, nil
			}
			return "", fmt.Errorf("%s %s before printing %q", p.Name, p.State(), substr)
		case <-deadline.C:
			return "", fmt.Errorf("%s printed no %q within %s", p.Name, substr, timeout)
		}
	}
}

// Kill sends SIGKILL and waits until the process is gone.
func (p *Proc) Kill() error {
	if err := p.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	<-p.exited
	return nil
}

// Signal sends sig to the process.
func (p *Proc) Signal(sig os.Signal) error { return p.cmd.Process.Signal(sig) }

// Wait waits up to timeout for the process to exit and returns its exit code
// (-1 when it was ended by a signal).
func (p *Proc) Wait(timeout time.Duration) (int, error) {
	select {
	case <-p.exited:
		return p.cmd.ProcessState.ExitCode(), nil
	case <-time.After(timeout):
		return 0, fmt.Errorf("%s still running after %s", p.Name, timeout)
	}
}

// lineBuffer is an io.Writer that keeps everything written and lets a reader
// wait for the next complete line.
type lineBuffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{} // closed and replaced on every write
}

func newLineBuffer() *lineBuffer { return &lineBuffer{changed: make(chan struct{})} }

func (b *lineBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Write(p)
	close(b.changed)
	b.changed = make(chan struct{})
	return len(p), nil
}

func (b *lineBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// find returns the first complete line containing substr ("" when none yet) and
// a channel closed on the next write.
func (b *lineBuffer) find(substr string) (string, <-chan struct{}) {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.buf.String()
	complete := s[:strings.LastIndexByte(s, '\n')+1] // only whole lines
	for line := range strings.Lines(complete) {
		if strings.Contains(line, substr) {
			return strings.TrimRight(line, "\r\n"), b.changed
		}
	}
	return "", b.changed
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
