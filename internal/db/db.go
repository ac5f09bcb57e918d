package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"
)

// Dialect names the engine behind a DB.
type Dialect string

// The two engines onramp runs on.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Options says what to open.
type Options struct {
	Dialect Dialect
	// DSN is the SQLite file path, or a postgres:// connection string.
	DSN string
	// ReadConns is the size of the SQLite reader pool (default: 2 x CPUs, at least 4).
	ReadConns int
	// MaxConns caps PostgreSQL connections (default 20).
	MaxConns int
}

// DB is an open database. W takes writes; R serves reads. On SQLite W is a single
// connection (SQLite has one writer; queueing in Go beats SQLITE_BUSY retries) and
// R a pool of read-only connections that WAL lets run beside it. On PostgreSQL both
// are the same pool.
type DB struct {
	Dialect Dialect
	W       *sql.DB
	R       *sql.DB
}

// Open opens and configures the database; it does not migrate. It returns an
// error naming the problem when the database cannot be reached.
func Open(ctx context.Context, o Options) (*DB, error) {
	switch o.Dialect {
	case SQLite:
		return openSQLite(ctx, o)
	case Postgres:
		return openPostgres(ctx, o)
	default:
		return nil, fmt.Errorf("db: unknown dialect %q", o.Dialect)
	}
}

// sqlitePragmas are applied to every connection; busy_timeout is applied first by
// the driver so the others never fail with SQLITE_BUSY.
var sqlitePragmas = []string{
	"busy_timeout(10000)",
	"journal_mode(WAL)",
	"synchronous(NORMAL)",
	"foreign_keys(ON)",
	"temp_store(MEMORY)",
	"cache_size(-16000)",
}

func sqliteDSN(path string, extra ...string) string {
	esc := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	var b strings.Builder
	b.WriteString("file:" + esc + "?")
	for i, p := range append(append([]string{}, sqlitePragmas...), extra...) {
		if i > 0 {
			b.WriteByte('&')
		}
		if strings.HasPrefix(p, "_") {
			b.WriteString(p)
		} else {
			b.WriteString("_pragma=" + p)
		}
	}
	return b.String()
}

func openSQLite(ctx context.Context, o Options) (*DB, error) {
	if o.DSN == "" {
		return nil, errors.New("db: empty SQLite path")
	}
	if dir := filepath.Dir(o.DSN); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("db: create data directory: %w", err)
		}
	}
	// _txlock=immediate: a write transaction takes the write lock at BEGIN, so two
	// transactions never deadlock upgrading from read to write.
	w, err := sql.Open("sqlite", sqliteDSN(o.DSN, "_txlock=immediate"))
	if err != nil {
		return nil, fmt.Errorf("db: open %s: %w", o.DSN, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxIdleTime(0)
	w.SetConnMaxLifetime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("db: open %s: %w", o.DSN, err)
	}
	n := o.ReadConns
	if n <= 0 {
		n = max(4, 2*runtime.NumCPU())
	}
	r, err := sql.Open("sqlite", sqliteDSN(o.DSN, "query_only(1)"))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("db: open readers: %w", err)
	}
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	r.SetConnMaxIdleTime(5 * time.Minute)
	return &DB{Dialect: SQLite, W: w, R: r}, nil
}

func openPostgres(ctx context.Context, o Options) (*DB, error) {
	p, err := sql.Open("pgx", o.DSN)
	if err != nil {
		return nil, fmt.Errorf("db: open postgres: %w", err)
	}
	n := o.MaxConns
	if n <= 0 {
		n = 20
	}
	p.SetMaxOpenConns(n)
	p.SetMaxIdleConns(n)
	p.SetConnMaxIdleTime(5 * time.Minute)
	if err := p.PingContext(ctx); err != nil {
		p.Close()
		return nil, fmt.Errorf("db: connect to postgres: %w", err)
	}
	return &DB{Dialect: Postgres, W: p, R: p}, nil
}

// Close closes both pools. On SQLite it first checkpoints the WAL so the file is
// whole on its own after a clean stop.
func (d *DB) Close() error {
	if d.Dialect == SQLite {
		_, _ = d.W.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
		_, _ = d.W.Exec("PRAGMA optimize")
	}
	err := d.W.Close()
	if d.R != d.W {
		err = errors.Join(err, d.R.Close())
	}
	return err
}

// Ping checks that reads and writes can reach the database.
func (d *DB) Ping(ctx context.Context) error {
	if err := d.W.PingContext(ctx); err != nil {
		return err
	}
	if d.R != d.W {
		return d.R.PingContext(ctx)
	}
	return nil
}

// Tx runs fn in a write transaction, committing when fn returns nil and rolling
// back otherwise (also on panic, which it re-raises).
func (d *DB) Tx(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	tx, err := d.W.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("db: begin: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("db: commit: %w", err)
	}
	return nil
}

// DurableTx is Tx for records that must survive a power cut, not only a crash
// (consent, certificates, survey submissions): on SQLite it runs with
// synchronous=FULL for that transaction. PostgreSQL is always durable at commit.
func (d *DB) DurableTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if d.Dialect != SQLite {
		return d.Tx(ctx, fn)
	}
	conn, err := d.W.Conn(ctx)
	if err != nil {
		return fmt.Errorf("db: conn: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "PRAGMA synchronous=FULL"); err != nil {
		return fmt.Errorf("db: synchronous full: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA synchronous=NORMAL") //nolint:errcheck // best effort; next open resets it
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("db: begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("db: commit: %w", err)
	}
	return nil
}

// IntegrityCheck runs SQLite's integrity_check and returns its first line ("ok"
// when the file is sound). On PostgreSQL it returns "ok" after a ping.
func (d *DB) IntegrityCheck(ctx context.Context) (string, error) {
	if d.Dialect != SQLite {
		return "ok", d.Ping(ctx)
	}
	var res string
	err := d.W.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res)
	return res, err
}
