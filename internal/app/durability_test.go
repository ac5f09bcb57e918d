package app_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/onramp/onramp/internal/db"
	"github.com/onramp/onramp/internal/testkit"
)

// The kill -9 durability test (DESIGN.md §5, §7): a real onramp binary, built
// with the durabilitytest tag so it answers POST /_probe/write through the same
// group-commit writer the real write paths use, takes concurrent writes and is
// killed with SIGKILL in the middle of them, round after round on the same
// database. Every write it acknowledged with 201 must be there after each
// restart; writes in flight at the kill are unknown (they may or may not have
// landed, and neither outcome is wrong).
const (
	roundsEnv = "ONRAMP_DURABILITY_ROUNDS" // kill rounds per engine (default 5)
	seedEnv   = "ONRAMP_DURABILITY_SEED"   // replays the kill timings of a logged run

	defaultRounds   = 5
	writers         = 16
	shutdownTimeout = 5 * time.Second
	startTimeout    = 15 * time.Second
	firstAckTimeout = 20 * time.Second // a loaded machine is slow, a hung server is stuck
	probePath       = "/_probe/write"
)

func TestDurability(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the onramp binary and kills it repeatedly; skipped with -short")
	}
	rounds := defaultRounds
	if v := os.Getenv(roundsEnv); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("%s=%q: want a whole number of rounds, at least 1", roundsEnv, v)
		}
		rounds = n
	}
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv(seedEnv); v != "" {
		s, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("%s=%q: want an unsigned integer", seedEnv, v)
		}
		seed = s
	}
	t.Logf("%d kill rounds per engine; seed %d (%s=%d replays the kill timings)", rounds, seed, seedEnv, seed)
	bin := testkit.BuildBinary(t, "durabilitytest")

	for i, engine := range []db.Dialect{db.SQLite, db.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			t.Run("kill9", func(t *testing.T) {
				rng := mrand.New(mrand.NewPCG(seed, uint64(i)))
				runKill9(t, bin, newTarget(t, engine), rounds, rng)
			})
			t.Run("sigterm", func(t *testing.T) {
				if runtime.GOOS == "windows" {
					t.Skip("no SIGTERM on Windows")
				}
				runSigterm(t, bin, newTarget(t, engine))
			})
		})
	}
}

// runKill9 runs the rounds: start (or restart) the server on the same database,
// check what earlier rounds acknowledged is all there, write from many
// goroutines, SIGKILL a random 100-400 ms after the first acknowledgement. After
// the last kill it checks the database directly, then once more through a
// restarted server.
func runKill9(t *testing.T, bin string, tg target, rounds int, rng *mrand.Rand) {
	start := time.Now()
	lg := newLedger()
	var unknown []string
	for r := 1; r <= rounds; r++ {
		srv := startServer(t, bin, tg, fmt.Sprintf("round %d", r))
		if r > 1 {
			tg.verify(t, lg, true, fmt.Sprintf("after restart %d", r-1))
		}
		killAfter := time.Duration(100+rng.IntN(301)) * time.Millisecond
		res := drive(t, srv.base, fmt.Sprintf("k%d", r), writers, killAfter, func() {
			if err := srv.proc.Kill(); err != nil {
				t.Fatalf("kill: %v", err)
			}
		})
		lg.add(res)
		unknown = append(unknown, res.unknown...)
		t.Logf("round %d: killed %s after the first acknowledgement: %d acknowledged, %d unknown",
			r, killAfter, len(res.acked), len(res.unknown))
		if t.Failed() {
			return
		}
	}

	// The child is dead: open the database directly, as a restore would.
	stored := tg.verify(t, lg, false, "after the last kill")
	landed := 0
	for _, id := range unknown {
		if _, ok := stored[id]; ok {
			landed++
		}
	}
	// And the server must come up on it and say it is healthy.
	srv := startServer(t, bin, tg, "final restart")
	tg.verify(t, lg, true, "after the final restart")
	stopServer(t, srv)

	lost := len(lg.acked) - countIn(lg.acked, stored)
	t.Logf("summary %s: %d rounds, %d acknowledged writes, %d unknown (in flight at kill; %d of them landed), %d lost, %d stored, %s",
		tg.engine, rounds, len(lg.acked), len(unknown), landed, lost, len(stored), time.Since(start).Round(time.Millisecond))
}

// runSigterm stops a server with SIGTERM while writes are running, some of them
// slow (the body arrives after the signal): the server must let them finish,
// exit 0 within the shutdown timeout, and leave every acknowledged write and,
// on SQLite, a checkpointed file with an empty or absent WAL.
func runSigterm(t *testing.T, bin string, tg target) {
	srv := startServer(t, bin, tg, "sigterm")
	// The slow writes connect before the background traffic, so the listener has
	// accepted them by the time a write is acknowledged (the backlog is FIFO), and
	// the server's shutdown must wait for them.
	const slowWrites = 3
	slow := make([]*slowWrite, slowWrites)
	for i := range slow {
		slow[i] = beginSlowWrite(t, srv.addr, fmt.Sprintf("g-slow-%d", i))
	}
	// Background traffic, stopped by SIGTERM rather than a kill.
	var stopped time.Time
	res := drive(t, srv.base, "g", 8, 200*time.Millisecond, func() {
		stopped = time.Now()
		if err := srv.proc.Signal(syscall.SIGTERM); err != nil {
			t.Fatalf("SIGTERM: %v", err)
		}
	})
	// The server is draining now; the slow requests are still sending their bodies.
	time.Sleep(300 * time.Millisecond)
	select {
	case <-srv.proc.Exited():
		t.Fatalf("the server exited (%s) %s after SIGTERM without waiting for requests in flight",
			srv.proc.State(), time.Since(stopped).Round(time.Millisecond))
	default:
	}
	lg := newLedger()
	lg.add(res)
	slowAcked := 0
	for _, s := range slow {
		lg.sent[s.id] = struct{}{}
		code, err := s.finish()
		switch {
		case err != nil:
			t.Errorf("slow write %s, in flight at SIGTERM: %v", s.id, err)
		case code != http.StatusCreated:
			t.Errorf("slow write %s, in flight at SIGTERM: status %d, want 201", s.id, code)
		default:
			lg.acked = append(lg.acked, s.id)
			slowAcked++
		}
	}
	code, err := srv.proc.Wait(shutdownTimeout + 5*time.Second)
	took := time.Since(stopped)
	if err != nil {
		t.Fatalf("after SIGTERM: %v", err)
	}
	if code != 0 {
		t.Errorf("after SIGTERM the server exited with code %d, want 0", code)
	}
	if took > shutdownTimeout {
		t.Errorf("the server took %s to stop, more than its shutdown timeout %s", took.Round(time.Millisecond), shutdownTimeout)
	}
	if tg.sqlite != "" {
		// Checked before anything opens the file again (opening creates a WAL).
		switch fi, err := os.Stat(tg.sqlite + "-wal"); {
		case os.IsNotExist(err):
		case err != nil:
			t.Errorf("stat WAL: %v", err)
		case fi.Size() != 0:
			t.Errorf("after a clean stop the WAL holds %d bytes; want it checkpointed (empty or absent)", fi.Size())
		}
	}
	stored := tg.verify(t, lg, false, "after SIGTERM")
	t.Logf("summary %s sigterm: %d acknowledged (%d of them slow, finished after the signal), %d unknown, %d lost, stopped in %s",
		tg.engine, len(lg.acked), slowAcked, len(res.unknown), len(lg.acked)-countIn(lg.acked, stored), took.Round(time.Millisecond))
}

// target is the database a child server runs on.
type target struct {
	engine db.Dialect
	dir    string     // the child's --data-dir
	dbArgs []string   // extra serve flags naming the database
	open   db.Options // how the test opens the same database
	sqlite string     // the SQLite file; "" on PostgreSQL
}

func newTarget(t *testing.T, engine db.Dialect) target {
	dir := t.TempDir()
	if engine == db.SQLite {
		path := filepath.Join(dir, "onramp.db")
		return target{engine: engine, dir: dir, sqlite: path, open: db.Options{Dialect: db.SQLite, DSN: path, ReadConns: 2}}
	}
	dsn := postgresSchema(t)
	return target{engine: engine, dir: dir, dbArgs: []string{"--db", dsn}, open: db.Options{Dialect: db.Postgres, DSN: dsn, MaxConns: 2}}
}

// postgresSchema creates a schema of the test's own, dropped at the end, and
// returns a DSN whose search_path is that schema (as testkit.OpenPostgres does).
func postgresSchema(t *testing.T) string {
	dsn := os.Getenv(testkit.PostgresEnv)
	if dsn == "" {
		testkit.SkipOrFail(t, testkit.PostgresEnv+" is not set; the PostgreSQL durability test needs a server (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable)")
	}
	admin, err := db.Open(t.Context(), db.Options{Dialect: db.Postgres, DSN: dsn, MaxConns: 1})
	if err != nil {
		testkit.SkipOrFail(t, "PostgreSQL at "+testkit.PostgresEnv+" does not answer: "+err.Error())
	}
	defer admin.Close()
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_durability_" + hex.EncodeToString(b[:])
	if _, err := admin.W.ExecContext(t.Context(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	// Registered before any child starts, so it runs after they are killed.
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		a, err := db.Open(ctx, db.Options{Dialect: db.Postgres, DSN: dsn, MaxConns: 1})
		if err != nil {
			t.Logf("drop schema %s: %v", schema, err)
			return
		}
		defer a.Close()
		if _, err := a.W.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Logf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("parse %s: %v", testkit.PostgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// verify checks the probe table: every acknowledged id present, no id stored
// twice, nothing stored that was never sent, and (SQLite) integrity_check ok. With
// live set the server is running on the database, so the test only reads and
// leaves checkpointing to the server; otherwise the database is closed
// normally. It returns the ids stored.
func (tg target) verify(t *testing.T, lg *ledger, live bool, when string) map[string]struct{} {
	t.Helper()
	ctx := t.Context()
	d, err := db.Open(ctx, tg.open)
	if err != nil {
		t.Fatalf("%s: open the database: %v", when, err)
	}
	defer func() {
		if live && d.Dialect == db.SQLite {
			// Not d.Close: its checkpoint belongs to the server that owns the file.
			_ = d.R.Close()
			_ = d.W.Close()
			return
		}
		if err := d.Close(); err != nil {
			t.Errorf("%s: close: %v", when, err)
		}
	}()
	if res, err := d.IntegrityCheck(ctx); err != nil || res != "ok" {
		t.Errorf("%s: integrity check: %q, %v", when, res, err)
	}
	var rows, distinct int
	if err := d.R.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(DISTINCT id) FROM durability_probe`).Scan(&rows, &distinct); err != nil {
		t.Fatalf("%s: count: %v", when, err)
	}
	if rows != distinct {
		t.Errorf("%s: %d rows but %d distinct ids: %d stored twice", when, rows, distinct, rows-distinct)
	}
	stored := make(map[string]struct{}, rows)
	rs, err := d.R.QueryContext(ctx, `SELECT id FROM durability_probe`)
	if err != nil {
		t.Fatalf("%s: read ids: %v", when, err)
	}
	defer rs.Close()
	for rs.Next() {
		var id string
		if err := rs.Scan(&id); err != nil {
			t.Fatalf("%s: scan: %v", when, err)
		}
		stored[id] = struct{}{}
	}
	if err := rs.Err(); err != nil {
		t.Fatalf("%s: read ids: %v", when, err)
	}
	var lost, strange []string
	for _, id := range lg.acked {
		if _, ok := stored[id]; !ok {
			lost = append(lost, id)
		}
	}
	for id := range stored {
		if _, ok := lg.sent[id]; !ok {
			strange = append(strange, id)
		}
	}
	if len(lost) > 0 {
		t.Errorf("%s: %d of %d acknowledged writes LOST, e.g. %s", when, len(lost), len(lg.acked), sample(lost))
	}
	if len(strange) > 0 {
		t.Errorf("%s: %d stored ids were never sent, e.g. %s", when, len(strange), sample(strange))
	}
	return stored
}

// server is a running child.
type server struct {
	proc *testkit.Proc
	addr string // host:port
	base string // http://host:port
}

// startServer starts onramp serve on tg and waits until it listens and /healthz
// says ok.
func startServer(t *testing.T, bin string, tg target, name string) server {
	t.Helper()
	addr := testkit.FreeAddr(t)
	args := append([]string{"serve", "--addr", addr, "--data-dir", tg.dir, "--log-level", "warn",
		"--shutdown-timeout", shutdownTimeout.String()}, tg.dbArgs...)
	p := testkit.StartProc(t, name, bin, args...)
	line, err := p.WaitForStdout("listening on http://", startTimeout)
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	base := line[strings.Index(line, "http://"):]
	base, _, _ = strings.Cut(base, " ")
	srv := server{proc: p, addr: strings.TrimPrefix(base, "http://"), base: base}
	c := client(1)
	defer c.CloseIdleConnections()
	resp, err := c.Get(base + "/healthz")
	if err != nil {
		t.Fatalf("%s: /healthz: %v", name, err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"ok"`) {
		t.Fatalf("%s: /healthz: %d %s", name, resp.StatusCode, body)
	}
	return srv
}

// stopServer stops a child with SIGTERM and expects exit code 0.
func stopServer(t *testing.T, srv server) {
	t.Helper()
	if err := srv.proc.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM: %v", err)
	}
	code, err := srv.proc.Wait(shutdownTimeout + 5*time.Second)
	if err != nil || code != 0 {
		t.Errorf("stop %s: exit code %d, %v", srv.proc.Name, code, err)
	}
}

// result is what one burst of traffic did.
type result struct {
	acked   []string // answered 201: must be stored
	unknown []string // no answer (in flight when the server went away)
	failed  []string // answered, but not 201: a bug, reported by drive
}

// ledger is every id sent to one database and the ones acknowledged.
type ledger struct {
	sent  map[string]struct{}
	acked []string
}

func newLedger() *ledger { return &ledger{sent: map[string]struct{}{}} }

func (l *ledger) add(r result) {
	for _, s := range [][]string{r.acked, r.unknown, r.failed} {
		for _, id := range s {
			l.sent[id] = struct{}{}
		}
	}
	l.acked = append(l.acked, r.acked...)
}

// drive posts writes with ids prefix-1, prefix-2, ... from n goroutines. The
// given time after the first acknowledgement (so the stop lands in traffic even
// on a loaded machine) it stops them taking new ids and calls stop (which kills
// or signals the server) while their last requests are in flight, then waits
// for every goroutine. An error before stop, no acknowledgement at all, or any
// answer other than 201 fails the test.
func drive(t *testing.T, base, prefix string, n int, after time.Duration, stop func()) result {
	c := client(n)
	defer c.CloseIdleConnections()
	var (
		stopping atomic.Bool
		seq      atomic.Int64
		mu       sync.Mutex
		res      result
		early    []string
		wg       sync.WaitGroup
		firstAck = make(chan struct{})
		ackOnce  sync.Once
	)
	payload := strings.Repeat("durable ", 24)
	for w := range n {
		wg.Go(func() {
			var acked, unknown, failed []string
			defer func() {
				mu.Lock()
				res.acked = append(res.acked, acked...)
				res.unknown = append(res.unknown, unknown...)
				res.failed = append(res.failed, failed...)
				mu.Unlock()
			}()
			for !stopping.Load() {
				id := fmt.Sprintf("%s-%d", prefix, seq.Add(1))
				resp, err := c.PostForm(base+probePath, url.Values{"id": {id}, "payload": {fmt.Sprintf("writer %d %s", w, payload)}})
				if err != nil {
					unknown = append(unknown, id)
					if !stopping.Load() {
						mu.Lock()
						early = append(early, fmt.Sprintf("%s: %v", id, err))
						mu.Unlock()
					}
					return
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode == http.StatusCreated {
					acked = append(acked, id)
					ackOnce.Do(func() { close(firstAck) })
					continue
				}
				failed = append(failed, fmt.Sprintf("%s: %d %s", id, resp.StatusCode, strings.TrimSpace(string(body))))
			}
		})
	}
	select {
	case <-firstAck:
		time.Sleep(after)
	case <-time.After(firstAckTimeout):
		t.Errorf("no write acknowledged within %s", firstAckTimeout)
	}
	stopping.Store(true)
	stop()
	wg.Wait()
	if len(early) > 0 {
		t.Errorf("%d writes failed before the server was stopped, e.g. %s", len(early), sample(early))
	}
	if len(res.failed) > 0 {
		t.Errorf("%d writes were answered but not with 201, e.g. %s", len(res.failed), sample(res.failed))
		// They were not acknowledged; keep their ids as sent, not as failed text.
		for i, f := range res.failed {
			res.failed[i], _, _ = strings.Cut(f, ":")
		}
	}
	return res
}

// slowWrite is a probe write whose body is sent in two parts, so that it can be
// in flight while the server is told to stop.
type slowWrite struct {
	id   string
	conn net.Conn
	rest string
}

func beginSlowWrite(t *testing.T, addr, id string) *slowWrite {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatalf("slow write %s: %v", id, err)
	}
	t.Cleanup(func() { conn.Close() })
	_ = conn.SetDeadline(time.Now().Add(firstAckTimeout + shutdownTimeout + 5*time.Second))
	body := url.Values{"id": {id}, "payload": {strings.Repeat("slow ", 400)}}.Encode()
	half := len(body) / 2
	if _, err := fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
		probePath, addr, len(body), body[:half]); err != nil {
		t.Fatalf("slow write %s: %v", id, err)
	}
	return &slowWrite{id: id, conn: conn, rest: body[half:]}
}

// finish sends the rest of the body and returns the response status.
func (s *slowWrite) finish() (int, error) {
	if _, err := io.WriteString(s.conn, s.rest); err != nil {
		return 0, err
	}
	resp, err := http.ReadResponse(bufio.NewReader(s.conn), nil)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

func client(conns int) *http.Client {
	return &http.Client{
		Timeout: firstAckTimeout + 10*time.Second,
		Transport: &http.Transport{
			Proxy:               nil, // loopback only, whatever the environment says
			MaxIdleConnsPerHost: conns,
			DisableCompression:  true,
		},
	}
}

func countIn(ids []string, set map[string]struct{}) int {
	n := 0
	for _, id := range ids {
		if _, ok := set[id]; ok {
			n++
		}
	}
	return n
}

func sample(s []string) string {
	s = slices.Clone(s)
	slices.Sort(s)
	if len(s) > 5 {
		return strings.Join(s[:5], ", ") + ", ..."
	}
	return strings.Join(s, ", ")
}
