package account_test

import (
	"context"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/onramp/onramp/internal/account"
	"github.com/onramp/onramp/internal/db"
	"github.com/onramp/onramp/internal/testkit"
)

// The store satisfies scs's interfaces; account itself does not import scs.
var (
	_ scs.Store            = (*account.SessionStore)(nil)
	_ scs.CtxStore         = (*account.SessionStore)(nil)
	_ scs.IterableStore    = (*account.SessionStore)(nil)
	_ scs.IterableCtxStore = (*account.SessionStore)(nil)
)

// TestSCSWithStore drives a real scs.SessionManager over the store: sign in
// (renew the token), read back in a later request, sign out.
func TestSCSWithStore(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		sm := scs.New()
		sm.Store = account.NewSessionStore(d, nil)
		sm.IdleTimeout = account.LearnerIdleTimeout
		ctx := t.Context()

		// An anonymous visitor gets a session, then signs in: the token changes.
		c1, err := sm.Load(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		sm.Put(c1, "lang", "uk")
		anon, _, err := sm.Commit(c1)
		if err != nil {
			t.Fatal(err)
		}
		c2, err := sm.Load(ctx, anon)
		if err != nil {
			t.Fatal(err)
		}
		if err := sm.RenewToken(c2); err != nil {
			t.Fatal(err)
		}
		sm.Put(c2, "user_id", "u-1")
		signedIn, expiry, err := sm.Commit(c2)
		if err != nil {
			t.Fatal(err)
		}
		if signedIn == anon {
			t.Fatal("the token was not renewed at sign-in")
		}
		if time.Until(expiry) > account.LearnerIdleTimeout+time.Minute {
			t.Fatalf("expiry %v ignores the idle time-out", expiry)
		}
		if _, found, _ := sm.Store.Find(anon); found {
			t.Fatal("the pre-sign-in token still works")
		}

		c3, err := sm.Load(context.Background(), signedIn)
		if err != nil {
			t.Fatal(err)
		}
		if sm.GetString(c3, "user_id") != "u-1" || sm.GetString(c3, "lang") != "uk" {
			t.Fatal("session data lost between requests")
		}
		n := 0
		if err := sm.Iterate(ctx, func(context.Context) error { n++; return nil }); err != nil || n != 1 {
			t.Fatalf("Iterate: %d sessions, %v", n, err)
		}

		// Sign-out on a shared computer: nothing is left.
		if err := sm.Destroy(c3); err != nil {
			t.Fatal(err)
		}
		if _, found, _ := sm.Store.Find(signedIn); found {
			t.Fatal("the session survived sign-out")
		}
	})
}
