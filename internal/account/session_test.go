package account

import (
	"bytes"
	"testing"
	"time"

	"github.com/onramp/onramp/internal/db"
	"github.com/onramp/onramp/internal/testkit"
)

func TestSessionStore(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		c := newClock()
		ss := NewSessionStore(d, c.Now)
		ctx := t.Context()
		data := []byte{0, 1, 2, 0xff, 'h', 'i', 0} // scs data is binary

		if _, found, err := ss.FindCtx(ctx, "nope"); found || err != nil {
			t.Fatalf("unknown token: found=%v err=%v", found, err)
		}
		if err := ss.CommitCtx(ctx, "tok-a", data, c.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		got, found, err := ss.FindCtx(ctx, "tok-a")
		if err != nil || !found || !bytes.Equal(got, data) {
			t.Fatalf("round trip: %v %v %v", got, found, err)
		}
		// Commit replaces data and expiry.
		if err := ss.Commit("tok-a", []byte("second"), c.Now().Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if got, found, _ := ss.Find("tok-a"); !found || string(got) != "second" {
			t.Fatalf("after overwrite: %q %v", got, found)
		}
		if err := ss.CommitCtx(ctx, "tok-b", []byte("b"), c.Now().Add(30*time.Minute)); err != nil {
			t.Fatal(err)
		}
		all, err := ss.All()
		if err != nil || len(all) != 2 || string(all["tok-b"]) != "b" {
			t.Fatalf("All: %v %v", all, err)
		}

		// Expiry: tok-b ends at 30 minutes, tok-a at 2 hours.
		c.Add(30 * time.Minute)
		if _, found, _ := ss.FindCtx(ctx, "tok-b"); found {
			t.Fatal("an expired session was found")
		}
		if all, _ := ss.AllCtx(ctx); len(all) != 1 {
			t.Fatalf("All lists expired sessions: %v", all)
		}
		n, err := ss.DeleteExpired(ctx)
		if err != nil || n != 1 {
			t.Fatalf("DeleteExpired: %d %v", n, err)
		}
		if n, _ := ss.DeleteExpired(ctx); n != 0 {
			t.Fatalf("second DeleteExpired removed %d", n)
		}

		// Sign-out removes the row.
		if err := ss.Delete("tok-a"); err != nil {
			t.Fatal(err)
		}
		if err := ss.DeleteCtx(ctx, "tok-a"); err != nil {
			t.Fatalf("deleting twice: %v", err)
		}
		var rows int
		if err := d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM sessions`).Scan(&rows); err != nil || rows != 0 {
			t.Fatalf("%d rows left after sign-out, %v", rows, err)
		}

		// A damaged row is a session that is gone, not an error.
		if _, err := d.W.ExecContext(ctx, `INSERT INTO sessions (token, data, expiry) VALUES ($1, $2, $3)`,
			"tok-bad", "%%%not base64", db.FormatTime(c.Now().Add(time.Hour))); err != nil {
			t.Fatal(err)
		}
		if _, found, err := ss.FindCtx(ctx, "tok-bad"); found || err != nil {
			t.Fatalf("damaged row: found=%v err=%v", found, err)
		}
	})
}
