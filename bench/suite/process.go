package suite

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/onramp/onramp/bench/load"
)

// tail keeps the last lines a child process printed, for error messages.
type tail struct {
	mu    sync.Mutex
	lines []string
	max   int
}

func (t *tail) add(line string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.lines = append(t.lines, line)
	if len(t.lines) > t.max {
		t.lines = t.lines[len(t.lines)-t.max:]
	}
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.Join(t.lines, "\n")
}

var urlRE = regexp.MustCompile(`http://[^\s"'<>]+`)

// FindURL returns the base URL announced by a line of a server's output: either the
// first http:// URL in it, or the whole line when it is a bare host:port (as the
// baseline servers print). Only loopback addresses are accepted.
func FindURL(line string) (string, bool) {
	line = strings.TrimSpace(line)
	var raw string
	if m := urlRE.FindString(line); m != "" {
		raw = m
	} else if host, port, err := net.SplitHostPort(line); err == nil && port != "" && net.ParseIP(host) != nil {
		raw = "http://" + line
	} else {
		return "", false
	}
	u, err := url.Parse(strings.TrimRight(raw, ".,;)"))
	if err != nil || u.Host == "" {
		return "", false
	}
	base := "http://" + u.Host
	if load.CheckLoopback(base) != nil {
		return "", false
	}
	return base, true
}

// StartProcess starts cmd, reads its stdout and stderr until a line announces a
// loopback URL (see FindURL), and returns that URL and a stop function that sends
// SIGTERM and waits, killing the process if it has not exited after 10 s.
func StartProcess(ctx context.Context, cmd *exec.Cmd, timeout time.Duration) (string, func(), error) {
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return "", nil, err
	}
	dieWithParent(cmd)
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	out := &tail{max: 40}
	found := make(chan string, 1)
	var listening atomic.Bool
	var readers sync.WaitGroup
	scan := func(r io.Reader) {
		defer readers.Done()
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		// Once the URL is known the output is only drained, not scanned: a server
		// under load logs a line per request, and parsing those here would take CPU
		// from the load driver in this process, for onramp's targets only.
		for !listening.Load() && sc.Scan() {
			line := sc.Text()
			out.add(line)
			if u, ok := FindURL(line); ok {
				listening.Store(true)
				select {
				case found <- u:
				default:
				}
			}
		}
		_, _ = io.Copy(io.Discard, r)
	}
	readers.Add(2)
	go scan(stdout)
	go scan(stderr)
	exited := make(chan error, 1)
	go func() {
		readers.Wait() // the pipes must be drained before Wait closes them
		exited <- cmd.Wait()
	}()

	var once sync.Once
	stop := func() {
		once.Do(func() {
			_ = cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-exited:
			case <-time.After(10 * time.Second):
				_ = cmd.Process.Kill()
				<-exited
			}
		})
	}

	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case u := <-found:
		return u, stop, nil
	case err := <-exited:
		return "", nil, fmt.Errorf("%s exited before listening (%v); its output:\n%s", cmd.Path, err, out)
	case <-timer.C:
		stop()
		return "", nil, fmt.Errorf("%s printed no loopback URL within %s; its output:\n%s", cmd.Path, timeout, out)
	case <-ctx.Done():
		stop()
		return "", nil, ctx.Err()
	}
}

// WaitAnswer polls baseURL+path with GET until the server answers with any HTTP
// status, or timeout passes.
func WaitAnswer(ctx context.Context, baseURL, path string, timeout time.Duration) error {
	if err := load.CheckLoopback(baseURL); err != nil {
		return err
	}
	c := &http.Client{
		Timeout:       2 * time.Second,
		Transport:     &http.Transport{Proxy: nil, DisableKeepAlives: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	deadline := time.Now().Add(timeout)
	var last error
	for time.Now().Before(deadline) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, baseURL+path, nil)
		if err != nil {
			return err
		}
		resp, err := c.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			return nil
		}
		last = err
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	return errors.Join(fmt.Errorf("%s did not answer within %s", baseURL, timeout), last)
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
