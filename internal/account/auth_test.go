package account

import (
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/onramp/onramp/internal/db"
	"github.com/onramp/onramp/internal/errs"
	"github.com/onramp/onramp/internal/testkit"
)

// argonCounter counts argon2 evaluations at sign-in: real ones and decoys.
type argonCounter struct{ real, decoy atomic.Int64 }

func (c *argonCounter) hook(decoy bool) {
	if decoy {
		c.decoy.Add(1)
	} else {
		c.real.Add(1)
	}
}

func TestAuthenticatePassword(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		s, _ := newTestService(t, d)
		s = s.WithCallingCode("44")
		var n argonCounter
		s.onArgon = n.hook
		ctx := t.Context()
		st, _ := s.CreateUser(ctx, staff())
		withPhone, err := s.CreateUser(ctx, NewUser{DisplayName: "Outreach", Phone: "07700 900123",
			Password: "door to door 2026"})
		if err != nil {
			t.Fatal(err)
		}
		le, _ := s.CreateUser(ctx, learnerWithPIN())

		for _, c := range []struct{ id, pw, want string }{
			{"anna.petrova@library.example.org", "onramp-demo", st.ID},
			{"  ANNA.Petrova@library.example.org ", "onramp-demo", st.ID},
			{"+44 7700 900123", "door to door 2026", withPhone.ID},
			{"07700900123", "door to door 2026", withPhone.ID},
		} {
			u, err := s.AuthenticatePassword(ctx, c.id, c.pw)
			if err != nil || u.ID != c.want {
				t.Fatalf("AuthenticatePassword(%q): %+v, %v", c.id, u, err)
			}
		}
		if n.real.Load() != 4 || n.decoy.Load() != 0 {
			t.Fatalf("evaluations: %d real, %d decoy", n.real.Load(), n.decoy.Load())
		}

		for _, c := range []struct {
			name, id, pw string
			decoy        bool
		}{
			{"wrong password", "anna.petrova@library.example.org", "onramp-demo ", false},
			{"unknown e-mail", "nobody@library.example.org", "onramp-demo", true},
			{"unknown phone", "+44 7700 900999", "onramp-demo", true},
			{"learner without password", le.Phone, "582031-582031", true},
			{"malformed e-mail", "anna@", "onramp-demo", false},
			{"malformed phone", "ring ring", "onramp-demo", false},
		} {
			real0, decoy0 := n.real.Load(), n.decoy.Load()
			_, err := s.AuthenticatePassword(ctx, c.id, c.pw)
			wantCode(t, err, errs.Unauthenticated, "login.error.invalid")
			if c.decoy && (n.decoy.Load() != decoy0+1 || n.real.Load() != real0) {
				t.Errorf("%s: no decoy work done", c.name)
			}
		}
		_, err = s.AuthenticatePassword(ctx, " ", "")
		wantField(t, err, "identifier", "form.required")
		wantField(t, err, "password", "form.required")
	})
}

func TestAuthenticatePIN(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		s, _ := newTestService(t, d)
		var n argonCounter
		s.onArgon = n.hook
		ctx := t.Context()
		le, _ := s.CreateUser(ctx, learnerWithPIN())
		if _, err := s.CreateUser(ctx, NewUser{DisplayName: "Staff with phone", Phone: "+37121234567",
			Password: "long enough pass"}); err != nil {
			t.Fatal(err)
		}

		u, err := s.AuthenticatePIN(ctx, "+7 (912) 345-67-89", "582031")
		if err != nil || u.ID != le.ID || u.HasPIN != true {
			t.Fatalf("PIN sign-in: %+v, %v", u, err)
		}
		_, err = s.AuthenticatePIN(ctx, "+79123456789", "582032")
		wantCode(t, err, errs.Unauthenticated, "login.error.pin_invalid")
		_, err = s.AuthenticatePIN(ctx, "+79123456780", "582031")
		wantCode(t, err, errs.Unauthenticated, "login.error.pin_invalid")
		_, err = s.AuthenticatePIN(ctx, "+37121234567", "582031") // has no PIN
		wantCode(t, err, errs.Unauthenticated, "login.error.pin_invalid")
		if n.real.Load() != 2 || n.decoy.Load() != 2 {
			t.Fatalf("evaluations: %d real, %d decoy; want 2 and 2", n.real.Load(), n.decoy.Load())
		}

		_, err = s.AuthenticatePIN(ctx, "", "")
		wantField(t, err, "phone", "form.required")
		wantField(t, err, "pin", "form.required")
		_, err = s.AuthenticatePIN(ctx, "8 912 345 67 89", "58203")
		wantField(t, err, "phone", "form.invalid_phone")
		wantField(t, err, "pin", "form.pin_format")
		if n.real.Load()+n.decoy.Load() != 4 {
			t.Fatal("malformed input was evaluated")
		}
		if got, _ := s.FindUserByID(ctx, le.ID); got.FailedSecrets != 1 {
			t.Fatalf("failed count %d, want 1", got.FailedSecrets)
		}
	})
}

func TestLockOut(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		s, c := newTestService(t, d)
		var n argonCounter
		s.onArgon = n.hook
		ctx := t.Context()
		le, _ := s.CreateUser(ctx, learnerWithPIN())
		phone := le.Phone

		for i := 1; i < MaxFailedSecrets; i++ {
			_, err := s.AuthenticatePIN(ctx, phone, "000001")
			wantCode(t, err, errs.Unauthenticated, "login.error.pin_invalid")
		}
		_, err := s.AuthenticatePIN(ctx, phone, "000001")
		e := wantCode(t, err, errs.TooMany, "login.error.locked_minutes")
		if e.Args["Count"] != 15 {
			t.Fatalf("minutes left: %v, want 15", e.Args["Count"])
		}
		u, _ := s.FindUserByID(ctx, le.ID)
		if !u.Locked(c.Now()) || !u.LockedUntil.Equal(c.Now().Add(LockDuration)) {
			t.Fatalf("not locked: %+v", u)
		}

		// While locked, even the right PIN is not evaluated.
		evaluated := n.real.Load()
		c.Add(7*time.Minute + 30*time.Second)
		_, err = s.AuthenticatePIN(ctx, phone, "582031")
		e = wantCode(t, err, errs.TooMany, "login.error.locked_minutes")
		if e.Args["Count"] != 8 {
			t.Fatalf("minutes left after 7.5: %v, want 8 (rounded up)", e.Args["Count"])
		}
		if n.real.Load() != evaluated {
			t.Fatal("a secret was evaluated during the lock")
		}

		c.Add(7*time.Minute + 29*time.Second)
		_, err = s.AuthenticatePIN(ctx, phone, "582031")
		e = wantCode(t, err, errs.TooMany, "login.error.locked_minutes")
		if e.Args["Count"] != 1 {
			t.Fatalf("one second left: %v minutes, want 1", e.Args["Count"])
		}
		c.Add(time.Second) // 15 minutes: open again
		u, err = s.AuthenticatePIN(ctx, phone, "582031")
		if err != nil || u.ID != le.ID {
			t.Fatalf("after the lock: %v", err)
		}
		if got, _ := s.FindUserByID(ctx, le.ID); got.FailedSecrets != 0 || !got.LockedUntil.IsZero() {
			t.Fatalf("success did not clear: %+v", got)
		}
	})
}

func TestLockOutSharedAndReset(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		s, _ := newTestService(t, d)
		ctx := t.Context()
		u, err := s.CreateUser(ctx, NewUser{DisplayName: "Both", Phone: "+37121234567", PIN: "582031",
			Password: "long enough pass"})
		if err != nil {
			t.Fatal(err)
		}
		// A success between failures starts the count again.
		for range 4 {
			_, err := s.AuthenticatePIN(ctx, u.Phone, "000001")
			wantCode(t, err, errs.Unauthenticated, "")
		}
		if _, err := s.AuthenticatePassword(ctx, u.Phone, "long enough pass"); err != nil {
			t.Fatal(err)
		}
		for range 4 {
			_, err := s.AuthenticatePIN(ctx, u.Phone, "000001")
			wantCode(t, err, errs.Unauthenticated, "")
		}
		// PIN and password failures add up: the fifth, a password, locks.
		_, err = s.AuthenticatePassword(ctx, u.Phone, "wrong password")
		wantCode(t, err, errs.TooMany, "login.error.locked_minutes")
		_, err = s.AuthenticatePassword(ctx, u.Phone, "long enough pass")
		wantCode(t, err, errs.TooMany, "")

		// A trainer's PIN reset ends the lock at once.
		if err := s.SetPIN(ctx, u.ID, "907316", "trainer-1"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AuthenticatePIN(ctx, u.Phone, "907316"); err != nil {
			t.Fatalf("new PIN after reset: %v", err)
		}
		_, err = s.AuthenticatePIN(ctx, u.Phone, "582031")
		wantCode(t, err, errs.Unauthenticated, "")
		got, _ := s.FindUserByID(ctx, u.ID)
		if got.UpdatedBy != "trainer-1" {
			t.Fatalf("updated_by %q", got.UpdatedBy)
		}
	})
}

// TestConcurrentGuessesAreCapped: 50 wrong PINs at one account at once cost at
// most MaxFailedSecrets argon2 evaluations, and the account ends locked.
func TestConcurrentGuessesAreCapped(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		s, c := newTestService(t, d)
		var n argonCounter
		s.onArgon = n.hook
		ctx := t.Context()
		le, _ := s.CreateUser(ctx, learnerWithPIN())

		const guesses = 50
		var (
			wg    sync.WaitGroup
			mu    sync.Mutex
			codes = map[errs.Code]int{}
		)
		for i := range guesses {
			wg.Go(func() {
				pin := []byte("100000")
				pin[5] = byte('0' + i%10)
				pin[4] = byte('0' + i/10)
				_, err := s.AuthenticatePIN(ctx, le.Phone, string(pin)) // never 582031
				mu.Lock()
				codes[errs.CodeOf(err)]++
				mu.Unlock()
			})
		}
		wg.Wait()
		t.Logf("%s: %d evaluations; outcomes %v", d.Dialect, n.real.Load(), codes)
		if got := n.real.Load(); got > MaxFailedSecrets || got < 1 {
			t.Fatalf("%d argon2 evaluations for %d concurrent guesses, want 1..%d", got, guesses, MaxFailedSecrets)
		}
		if codes[errs.Unauthenticated] > MaxFailedSecrets-1 || codes[errs.Unauthenticated]+codes[errs.TooMany] != guesses {
			t.Fatalf("outcomes %v", codes)
		}
		u, _ := s.FindUserByID(ctx, le.ID)
		if !u.Locked(c.Now()) {
			t.Fatalf("not locked after %d guesses: %+v", guesses, u)
		}
		_, err := s.AuthenticatePIN(ctx, le.Phone, "582031")
		wantCode(t, err, errs.TooMany, "login.error.locked_minutes")
	})
}

func TestDisabledCannotSignIn(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		s, _ := newTestService(t, d)
		ctx := t.Context()
		le, _ := s.CreateUser(ctx, learnerWithPIN())
		st, _ := s.CreateUser(ctx, staff())
		code, _, err := s.IssueLoginCard(ctx, le.ID, st.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{le.ID, st.ID} {
			if _, err := s.UpdateUser(ctx, id, UserUpdate{Disabled: ptr(true)}, ""); err != nil {
				t.Fatal(err)
			}
		}
		_, err = s.AuthenticatePIN(ctx, le.Phone, "582031")
		wantCode(t, err, errs.Forbidden, "login.error.disabled")
		_, err = s.AuthenticatePIN(ctx, le.Phone, "582032")
		wantCode(t, err, errs.Unauthenticated, "login.error.pin_invalid")
		_, err = s.AuthenticatePassword(ctx, st.Email, "onramp-demo")
		wantCode(t, err, errs.Forbidden, "login.error.disabled")
		_, err = s.AuthenticateCard(ctx, code)
		wantCode(t, err, errs.Forbidden, "login.error.disabled")
		_, _, err = s.IssueLoginCard(ctx, le.ID, st.ID)
		wantCode(t, err, errs.Conflict, "account.user.disabled")
	})
}

func TestSetSecrets(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		s, _ := newTestService(t, d)
		ctx := t.Context()
		as, _ := s.CreateUser(ctx, assisted())
		wantField(t, s.SetPIN(ctx, as.ID, "111111", "t"), "pin", "form.pin_common")
		wantField(t, s.SetPIN(ctx, as.ID, "12345", "t"), "pin", "form.pin_format")
		wantCode(t, s.SetPIN(ctx, "no-such-id", "907316", "t"), errs.NotFound, "account.user.not_found")
		wantField(t, s.SetPassword(ctx, as.ID, "short", "t"), "password", "form.password_short")
		wantCode(t, s.SetPassword(ctx, "no-such-id", "onramp-demo", "t"), errs.NotFound, "account.user.not_found")
		if err := s.SetPIN(ctx, as.ID, "907316", "t"); err != nil {
			t.Fatal(err)
		}
		if err := s.SetPassword(ctx, as.ID, "onramp-demo", "t"); err != nil {
			t.Fatal(err)
		}
		u, _ := s.FindUserByID(ctx, as.ID)
		if !u.HasPIN || !u.HasPassword {
			t.Fatalf("secrets not set: %+v", u)
		}
		// Giving the assisted learner a phone lets the PIN work.
		if _, err := s.UpdateUser(ctx, as.ID, UserUpdate{Phone: ptr("+84912345678")}, "t"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AuthenticatePIN(ctx, "+84 912 345 678", "907316"); err != nil {
			t.Fatal(err)
		}
	})
}

// TestRehashOnSignIn: a hash made with other parameters is replaced by one at
// the current parameters when its owner signs in.
func TestRehashOnSignIn(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		s, _ := newTestService(t, d)
		ctx := t.Context()
		le, _ := s.CreateUser(ctx, learnerWithPIN())
		s.params.memory = 128 // "raised" since the hash was made
		if _, err := s.AuthenticatePIN(ctx, le.Phone, "582031"); err != nil {
			t.Fatal(err)
		}
		row, err := s.st.userByID(ctx, d.R, le.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(row.pinHash, "$argon2id$v=19$m=128,t=1,p=1$") {
			t.Fatalf("not rehashed: %s", row.pinHash[:30])
		}
		if _, err := s.AuthenticatePIN(ctx, le.Phone, "582031"); err != nil {
			t.Fatalf("sign-in after rehash: %v", err)
		}
	})
}

// TestProductionParamsSignIn runs one sign-in path at the production cost, and
// checks that an unknown identifier costs about as much as a wrong secret.
func TestProductionParamsSignIn(t *testing.T) {
	d := testkit.OpenSQLite(t)
	c := newClock()
	s := NewService(d, c.Now, nil, nil) // default parameters
	ctx := t.Context()
	le, err := s.CreateUser(ctx, learnerWithPIN())
	if err != nil {
		t.Fatal(err)
	}
	row, _ := s.st.userByID(ctx, d.R, le.ID)
	if !strings.HasPrefix(row.pinHash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("stored hash does not use the production parameters: %s", row.pinHash[:32])
	}
	if _, err := s.AuthenticatePIN(ctx, le.Phone, "582031"); err != nil {
		t.Fatal(err)
	}
	fastest := func(phone string) time.Duration {
		best := time.Hour
		for range 3 {
			start := time.Now()
			_, err := s.AuthenticatePIN(ctx, phone, "907316")
			wantCode(t, err, errs.Unauthenticated, "login.error.pin_invalid")
			best = min(best, time.Since(start))
		}
		return best
	}
	wrong := fastest(le.Phone)
	unknown := fastest("+79123450000")
	t.Logf("wrong PIN %v, unknown phone %v", wrong, unknown)
	if unknown < wrong/3 || wrong < unknown/3 {
		t.Fatalf("an unknown phone (%v) and a wrong PIN (%v) take noticeably different times", unknown, wrong)
	}
}
