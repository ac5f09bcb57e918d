package account

import (
	"bytes"
	"io"
	"testing"

	"github.com/onramp/onramp/internal/db"
	"github.com/onramp/onramp/internal/errs"
	"github.com/onramp/onramp/internal/testkit"
)

// seqReader yields 0, 1, 2, ... so the first card code drawn is 0123-4567-89AB.
type seqReader struct{ n byte }

func (r *seqReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = r.n
		r.n++
	}
	return len(p), nil
}

var _ io.Reader = (*seqReader)(nil)

func TestLoginCards(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		s, c := newTestService(t, d)
		s.random = &seqReader{}
		ctx := t.Context()
		as, err := s.CreateUser(ctx, assisted()) // no secret: draws no salt
		if err != nil {
			t.Fatal(err)
		}

		code, card, err := s.IssueLoginCard(ctx, as.ID, "trainer-1")
		if err != nil {
			t.Fatal(err)
		}
		if code != "0123-4567-89AB" || card.UserID != as.ID || card.CreatedBy != "trainer-1" ||
			!card.CreatedAt.Equal(c.Now()) || card.Revoked() {
			t.Fatalf("issued %q %+v", code, card)
		}
		// As typed from the card, however it is typed.
		for _, in := range []string{code, "0123456789ab", "o123-4567-89ab", "0I23 4567 89AB", "0L23-4567-89AB", "О123-4567-89АВ"} {
			u, err := s.AuthenticateCard(ctx, in)
			if err != nil || u.ID != as.ID {
				t.Fatalf("AuthenticateCard(%q): %+v, %v", in, u, err)
			}
		}
		for _, in := range []string{"", "0123-4567-89AC", "0123-4567-89A", "not a code"} {
			_, err := s.AuthenticateCard(ctx, in)
			wantCode(t, err, errs.Unauthenticated, "login.error.card_invalid")
		}

		// A new card revokes the old one.
		code2, card2, err := s.IssueLoginCard(ctx, as.ID, "trainer-2")
		if err != nil {
			t.Fatal(err)
		}
		if code2 == code {
			t.Fatal("the same code twice")
		}
		_, err = s.AuthenticateCard(ctx, code)
		wantCode(t, err, errs.Unauthenticated, "login.error.card_invalid")
		if u, err := s.AuthenticateCard(ctx, code2); err != nil || u.ID != as.ID {
			t.Fatalf("new card: %v", err)
		}
		cards, err := s.LoginCardsOf(ctx, as.ID)
		if err != nil || len(cards) != 2 || cards[0].ID != card2.ID || cards[0].Revoked() ||
			!cards[1].Revoked() || cards[1].RevokedBy != "trainer-2" || cards[1].ID != card.ID {
			t.Fatalf("cards: %+v, %v", cards, err)
		}

		// Revoking one card.
		if err := s.RevokeLoginCard(ctx, card2.ID, "trainer-1"); err != nil {
			t.Fatal(err)
		}
		if err := s.RevokeLoginCard(ctx, card2.ID, "trainer-1"); err != nil {
			t.Fatalf("revoking twice: %v", err)
		}
		_, err = s.AuthenticateCard(ctx, code2)
		wantCode(t, err, errs.Unauthenticated, "login.error.card_invalid")
		wantCode(t, s.RevokeLoginCard(ctx, "no-such-card", "t"), errs.NotFound, "account.card.not_found")

		// Revoking all of them.
		code3, _, err := s.IssueLoginCard(ctx, as.ID, "trainer-1")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.RevokeLoginCards(ctx, as.ID, "trainer-1"); err != nil {
			t.Fatal(err)
		}
		_, err = s.AuthenticateCard(ctx, code3)
		wantCode(t, err, errs.Unauthenticated, "login.error.card_invalid")
		wantCode(t, s.RevokeLoginCards(ctx, "no-such-id", "t"), errs.NotFound, "account.user.not_found")
		_, _, err = s.IssueLoginCard(ctx, "no-such-id", "t")
		wantCode(t, err, errs.NotFound, "account.user.not_found")

		// Only the hash is stored.
		var stored string
		if err := d.R.QueryRowContext(ctx, `SELECT code_hash FROM login_cards WHERE id = $1`, card.ID).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if stored != cardCodeHash("0123456789AB") || bytes.Contains([]byte(stored), []byte("0123")) {
			t.Fatalf("stored %q", stored)
		}
	})
}

// TestCardDoesNotTouchLock: a learner locked out of their PIN still comes in
// with their card, and the card leaves the PIN lock as it is.
func TestCardDoesNotTouchLock(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		s, c := newTestService(t, d)
		ctx := t.Context()
		le, _ := s.CreateUser(ctx, learnerWithPIN())
		code, _, err := s.IssueLoginCard(ctx, le.ID, "trainer-1")
		if err != nil {
			t.Fatal(err)
		}
		for range MaxFailedSecrets {
			_, _ = s.AuthenticatePIN(ctx, le.Phone, "000001")
		}
		if _, err := s.AuthenticateCard(ctx, code); err != nil {
			t.Fatalf("card during PIN lock: %v", err)
		}
		if u, _ := s.FindUserByID(ctx, le.ID); !u.Locked(c.Now()) {
			t.Fatal("the card sign-in ended the PIN lock")
		}
	})
}
