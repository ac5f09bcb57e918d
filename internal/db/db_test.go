package db_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/onramp/onramp/internal/db"
	"github.com/onramp/onramp/internal/testkit"
)

// TestMigrateEmptyToHead takes an empty database to the newest schema on both
// engines, twice (the second run must be a no-op), and checks every migration
// reports as applied.
func TestMigrateEmptyToHead(t *testing.T) {
	open := map[string]func(testing.TB) *db.DB{
		"sqlite":   testkit.OpenSQLiteUnmigrated,
		"postgres": testkit.OpenPostgresUnmigrated,
	}
	for name, fn := range open {
		t.Run(name, func(t *testing.T) {
			d := fn(t)
			ctx := t.Context()
			n, err := d.Migrate(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				t.Fatal("no migration applied to an empty database")
			}
			again, err := d.Migrate(ctx)
			if err != nil || again != 0 {
				t.Fatalf("second migrate: %d applied, err %v", again, err)
			}
			st, err := d.Migrations(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(st) != n {
				t.Fatalf("status lists %d migrations, %d were applied", len(st), n)
			}
			for _, s := range st {
				if !s.Applied {
					t.Errorf("migration %d %s not applied", s.Version, s.Name)
				}
			}
			if _, err := d.W.ExecContext(ctx, `INSERT INTO app_meta (key, value, updated_at) VALUES ($1, $2, $3)`,
				"k", "v", db.FormatTime(time.Now())); err != nil {
				t.Fatalf("schema not usable: %v", err)
			}
		})
	}
}

func TestUniqueViolationAndTx(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		ins := func(tx *sql.Tx, k string) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO app_meta (key, value, updated_at) VALUES ($1, 'v', $2)`, k, db.FormatTime(time.Now()))
			return err
		}
		if err := d.Tx(ctx, func(tx *sql.Tx) error { return ins(tx, "a") }); err != nil {
			t.Fatal(err)
		}
		err := d.Tx(ctx, func(tx *sql.Tx) error { return ins(tx, "a") })
		if !db.IsUniqueViolation(err) {
			t.Fatalf("want unique violation, got %v", err)
		}
		// A failing function rolls the whole transaction back.
		boom := errors.New("boom")
		err = d.Tx(ctx, func(tx *sql.Tx) error {
			if err := ins(tx, "b"); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("got %v", err)
		}
		var n int
		if err := d.R.QueryRowContext(ctx, `SELECT count(*) FROM app_meta WHERE key = $1`, "b").Scan(&n); err != nil || n != 0 {
			t.Fatalf("rolled-back row visible: n=%d err=%v", n, err)
		}
		if err := d.DurableTx(ctx, func(tx *sql.Tx) error { return ins(tx, "c") }); err != nil {
			t.Fatal(err)
		}
		if res, err := d.IntegrityCheck(ctx); err != nil || res != "ok" {
			t.Fatalf("integrity %q %v", res, err)
		}
	})
}

func TestBatcher(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		b := db.NewBatcher(d, 64, time.Millisecond)
		const n = 500
		var wg sync.WaitGroup
		errsOut := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				key := fmt.Sprintf("k%03d", i)
				if i%50 == 7 {
					key = "dup" // all but the first of these must fail alone
				}
				errsOut[i] = b.Do(ctx, func(tx *sql.Tx) error {
					_, err := tx.ExecContext(ctx, `INSERT INTO app_meta (key, value, updated_at) VALUES ($1, 'v', 'now')`, key)
					return err
				})
			}()
		}
		wg.Wait()
		b.Close()
		ok, dup := 0, 0
		for _, err := range errsOut {
			switch {
			case err == nil:
				ok++
			case db.IsUniqueViolation(err):
				dup++
			default:
				t.Fatalf("unexpected error: %v", err)
			}
		}
		var rows int
		if err := d.R.QueryRowContext(ctx, `SELECT count(*) FROM app_meta`).Scan(&rows); err != nil {
			t.Fatal(err)
		}
		if dup != 9 || ok != n-9 || rows != ok {
			t.Fatalf("ok=%d dup=%d rows=%d", ok, dup, rows)
		}
		if err := b.Do(ctx, func(*sql.Tx) error { return nil }); !errors.Is(err, db.ErrBatcherClosed) {
			t.Fatalf("Do after Close: %v", err)
		}
	})
}

func TestTimeRoundTrip(t *testing.T) {
	now := time.Date(2026, 11, 23, 17, 5, 6, 123456000, time.FixedZone("x", 3600))
	s := db.FormatTime(now)
	if s != "2026-11-23T16:05:06.123456Z" {
		t.Fatal(s)
	}
	back, err := db.ParseTime(s)
	if err != nil || !back.Equal(now) {
		t.Fatal(back, err)
	}
	if db.Placeholders(3, 3) != "$3, $4, $5" {
		t.Fatal(db.Placeholders(3, 3))
	}
	if db.LikeEscape(`50%_a\`) != `50\%\_a\\` {
		t.Fatal(db.LikeEscape(`50%_a\`))
	}
}

func TestOpenErrors(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := db.Open(ctx, db.Options{Dialect: "mysql"}); err == nil {
		t.Fatal("unknown dialect accepted")
	}
	if _, err := db.Open(ctx, db.Options{Dialect: db.Postgres, DSN: "postgres://nobody@127.0.0.1:1/x?connect_timeout=1"}); err == nil {
		t.Fatal("unreachable postgres accepted")
	}
}
