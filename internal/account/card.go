package account

import (
	"context"
	"database/sql"
	"errors"

	"github.com/onramp/onramp/internal/db"
	"github.com/onramp/onramp/internal/errs"
)

// IssueLoginCard makes a new login card for a user and revokes the user's older
// cards, so only the newest printed card works. It returns the code, grouped for
// print (XXXX-XXXX-XXXX); the code is not stored and cannot be shown again. by is
// the trainer issuing it.
//
// Errors: errs.NotFound (account.user.not_found); errs.Conflict
// (account.user.disabled); errs.Internal.
func (s *Service) IssueLoginCard(ctx context.Context, userID, by string) (string, LoginCard, error) {
	for range 3 { // a repeated 60-bit code is all but impossible; retry rather than fail
		code, err := newCardCode(s.random)
		if err != nil {
			return "", LoginCard{}, errs.Wrap(err, "account: issue card")
		}
		c := LoginCard{ID: s.newID(), UserID: userID, CreatedBy: by, CreatedAt: s.stamp()}
		err = s.d.Tx(ctx, func(tx *sql.Tx) error {
			u, err := s.st.userByID(ctx, tx, userID)
			if err != nil {
				return err
			}
			if u.Disabled() {
				return errs.E(errs.Conflict, "account.user.disabled", nil)
			}
			if _, err := s.st.revokeCards(ctx, tx, userID, by, c.CreatedAt); err != nil {
				return err
			}
			return s.st.insertCard(ctx, tx, c, cardCodeHash(code))
		})
		switch {
		case err == nil:
			return FormatCardCode(code), c, nil
		case errors.Is(err, sql.ErrNoRows):
			return "", LoginCard{}, userNotFound(err)
		case !db.IsUniqueViolation(err):
			return "", LoginCard{}, errs.Wrap(err, "account: issue card")
		}
	}
	return "", LoginCard{}, errs.Wrap(errors.New("card code collisions"), "account: issue card")
}

// AuthenticateCard signs a person in with the code of a login card, as typed or
// from the card's QR code (see NormalizeCardCode). A malformed, unknown or
// revoked code gives the same error. The card does not use or reset the PIN
// lock-out: its code cannot be guessed, and a person locked out of their PIN can
// still come in with the card. The web layer should still limit attempts per
// client address.
//
// Errors: errs.Unauthenticated (login.error.card_invalid); errs.Forbidden
// (login.error.disabled); errs.Internal.
func (s *Service) AuthenticateCard(ctx context.Context, code string) (User, error) {
	const key = "login.error.card_invalid"
	norm, ok := NormalizeCardCode(code)
	if !ok {
		return User{}, errs.E(errs.Unauthenticated, key, nil)
	}
	u, err := s.st.userByCard(ctx, cardCodeHash(norm))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, errs.E(errs.Unauthenticated, key, nil)
	}
	if err != nil {
		return User{}, errs.Wrap(err, "account: find card")
	}
	if u.Disabled() {
		return User{}, errs.E(errs.Forbidden, "login.error.disabled", nil)
	}
	return u.User, nil
}

// RevokeLoginCard stops one card from working; by is the user revoking it.
// Revoking a revoked card changes nothing.
//
// Errors: errs.NotFound (account.card.not_found); errs.Internal.
func (s *Service) RevokeLoginCard(ctx context.Context, cardID, by string) error {
	ok, err := s.st.revokeCard(ctx, cardID, by, s.stamp())
	if err != nil {
		return errs.Wrap(err, "account: revoke card")
	}
	if !ok {
		return errs.E(errs.NotFound, "account.card.not_found", nil)
	}
	return nil
}

// RevokeLoginCards stops every card of a user from working (a lost wallet).
//
// Errors: errs.NotFound (account.user.not_found); errs.Internal.
func (s *Service) RevokeLoginCards(ctx context.Context, userID, by string) error {
	err := s.d.Tx(ctx, func(tx *sql.Tx) error {
		ok, err := s.st.exists(ctx, tx, userID)
		if err != nil {
			return err
		}
		if !ok {
			return userNotFound(nil)
		}
		_, err = s.st.revokeCards(ctx, tx, userID, by, s.stamp())
		return err
	})
	return errs.Wrap(err, "account: revoke cards")
}

// LoginCardsOf lists a user's cards, newest first, revoked ones included; none
// for an unknown user.
//
// Errors: errs.Internal.
func (s *Service) LoginCardsOf(ctx context.Context, userID string) ([]LoginCard, error) {
	cs, err := s.st.cardsOf(ctx, userID)
	if err != nil {
		return nil, errs.Wrap(err, "account: list cards")
	}
	return cs, nil
}
