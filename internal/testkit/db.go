package testkit

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/onramp/onramp/internal/db"
)

// PostgresEnv names the environment variable holding a PostgreSQL connection
// string for tests, e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable.
const PostgresEnv = "ONRAMP_TEST_POSTGRES"

// OpenTestDB gives a fresh, migrated database: PostgreSQL (a new schema, dropped
// after the test) when ONRAMP_TEST_POSTGRES is set, else a new SQLite file in the
// test's temp directory.
func OpenTestDB(t testing.TB) *db.DB {
	t.Helper()
	if os.Getenv(PostgresEnv) != "" {
		return OpenPostgres(t)
	}
	return OpenSQLite(t)
}

// EachDB runs fn as a subtest on SQLite and on PostgreSQL. The PostgreSQL run
// skips with a message when ONRAMP_TEST_POSTGRES is unset (and fails in CI).
func EachDB(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, OpenSQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, OpenPostgres(t)) })
}

// OpenSQLite gives a fresh migrated SQLite database in a temp directory.
func OpenSQLite(t testing.TB) *db.DB {
	t.Helper()
	d := OpenSQLiteUnmigrated(t)
	migrate(t, d)
	return d
}

// OpenSQLiteUnmigrated gives an empty SQLite database.
func OpenSQLiteUnmigrated(t testing.TB) *db.DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "onramp.db")
	d, err := db.Open(ctx(t), db.Options{Dialect: db.SQLite, DSN: path})
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// OpenPostgres gives a fresh migrated PostgreSQL schema, or skips (fails in CI)
// when ONRAMP_TEST_POSTGRES is unset or the server does not answer.
func OpenPostgres(t testing.TB) *db.DB {
	t.Helper()
	d := OpenPostgresUnmigrated(t)
	migrate(t, d)
	return d
}

// OpenPostgresUnmigrated gives an empty PostgreSQL schema of its own.
func OpenPostgresUnmigrated(t testing.TB) *db.DB {
	t.Helper()
	dsn := os.Getenv(PostgresEnv)
	if dsn == "" {
		SkipOrFail(t, PostgresEnv+" is not set; PostgreSQL tests need a server (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable)")
	}
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	defer admin.Close()
	if err := admin.PingContext(ctx(t)); err != nil {
		SkipOrFail(t, "PostgreSQL at "+PostgresEnv+" does not answer: "+err.Error())
	}
	var buf [6]byte
	_, _ = rand.Read(buf[:])
	schema := "t_" + hex.EncodeToString(buf[:])
	if _, err := admin.ExecContext(ctx(t), "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("parse %s: %v", PostgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	d, err := db.Open(ctx(t), db.Options{Dialect: db.Postgres, DSN: u.String(), MaxConns: 8})
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() {
		d.Close()
		a, err := sql.Open("pgx", dsn)
		if err != nil {
			return
		}
		defer a.Close()
		c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := a.ExecContext(c, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Logf("drop schema %s: %v", schema, err)
		}
	})
	return d
}

func migrate(t testing.TB, d *db.DB) {
	t.Helper()
	if _, err := d.Migrate(ctx(t)); err != nil {
		t.Fatalf("migrate %s: %v", d.Dialect, err)
	}
}

func ctx(t testing.TB) context.Context {
	if tt, ok := t.(interface{ Context() context.Context }); ok {
		return tt.Context()
	}
	return context.Background()
}
