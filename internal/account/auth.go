package account

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/onramp/onramp/internal/errs"
)

// Lock-out and session rules (DESIGN.md §6).
const (
	// MaxFailedSecrets wrong PINs or passwords in a row lock the account.
	MaxFailedSecrets = 5
	// LockDuration is how long a lock lasts. Nothing is evaluated meanwhile.
	LockDuration = 15 * time.Minute
	// LearnerIdleTimeout ends a learner's session after this much idle time: a
	// library or care-home computer is shared. The web layer applies it to
	// sessions whose grants are OnlyLearner.
	LearnerIdleTimeout = 15 * time.Minute
)

// secretKind says which secret a sign-in checks.
type secretKind int

const (
	kindPassword secretKind = iota
	kindPIN
)

// AuthenticatePassword signs a person in with an e-mail address or a phone
// number and a password. An unknown identifier, an account without a password
// and a wrong password take the same time and give the same error, so accounts
// cannot be discovered. Wrong secrets count towards the lock-out (shared with the
// PIN); while locked nothing is evaluated. A right password ends the count. The
// caller renews the session token.
//
// Errors: errs.Invalid (identifier, password: form.required); errs.Unauthenticated
// (login.error.invalid); errs.TooMany (login.error.locked_minutes, Args Count =
// minutes left, rounded up); errs.Forbidden (login.error.disabled, only after the
// right password); errs.Internal.
func (s *Service) AuthenticatePassword(ctx context.Context, identifier, password string) (User, error) {
	f := errs.FieldErrors{}
	if strings.TrimSpace(identifier) == "" {
		f.Add("identifier", "form.required")
	}
	if password == "" {
		f.Add("password", "form.required")
	}
	if err := f.Err(); err != nil {
		return User{}, err
	}
	const key = "login.error.invalid"
	var (
		u   userRow
		err error
	)
	if strings.Contains(identifier, "@") {
		email, ok := NormalizeEmail(identifier)
		if !ok {
			return User{}, errs.E(errs.Unauthenticated, key, nil)
		}
		u, err = s.st.userByEmail(ctx, email)
	} else {
		phone, ok := NormalizePhone(identifier, s.callingCode)
		if !ok {
			return User{}, errs.E(errs.Unauthenticated, key, nil)
		}
		u, err = s.st.userByPhone(ctx, phone)
	}
	return s.checkSecret(ctx, u, err, kindPassword, password, key)
}

// AuthenticatePIN signs a learner in with a phone number and a 6-digit PIN, on
// the same terms as AuthenticatePassword.
//
// Errors: errs.Invalid (phone: form.required, form.invalid_phone; pin:
// form.required, form.pin_format); errs.Unauthenticated (login.error.pin_invalid);
// errs.TooMany (login.error.locked_minutes, Args Count); errs.Forbidden
// (login.error.disabled, only after the right PIN); errs.Internal.
func (s *Service) AuthenticatePIN(ctx context.Context, phone, pin string) (User, error) {
	f := errs.FieldErrors{}
	if strings.TrimSpace(phone) == "" {
		f.Add("phone", "form.required")
	}
	p := s.checkPhone(f, phone)
	switch {
	case pin == "":
		f.Add("pin", "form.required")
	case !pinFormat(pin):
		f.Add("pin", "form.pin_format")
	}
	if err := f.Err(); err != nil {
		return User{}, err
	}
	u, err := s.st.userByPhone(ctx, p)
	return s.checkSecret(ctx, u, err, kindPIN, pin, "login.error.pin_invalid")
}

// checkSecret is the common part of a sign-in with a secret. lookupErr is the
// error of finding u (sql.ErrNoRows for an unknown identifier).
//
// The attempt is counted in the database before the secret is evaluated
// (store.reserveAttempt): of any number of concurrent guesses at one account, at
// most MaxFailedSecrets are evaluated before the lock stops the rest.
func (s *Service) checkSecret(ctx context.Context, u userRow, lookupErr error, k secretKind, secret, failKey string) (User, error) {
	if lookupErr != nil && !errors.Is(lookupErr, sql.ErrNoRows) {
		return User{}, errs.Wrap(lookupErr, "account: find user for sign-in")
	}
	stored := u.passwordHash
	if k == kindPIN {
		stored = u.pinHash
	}
	if lookupErr != nil || stored == "" {
		if s.onArgon != nil {
			s.onArgon(true)
		}
		burnSecret(s.params, secret)
		return User{}, errs.E(errs.Unauthenticated, failKey, nil)
	}
	now := s.now()
	if u.Locked(now) {
		return User{}, lockedError(u.LockedUntil, now)
	}
	lockedNow, ok, err := s.st.reserveAttempt(ctx, u.ID, now, now.Add(LockDuration), MaxFailedSecrets)
	if err != nil {
		return User{}, errs.Wrap(err, "account: count attempt")
	}
	if !ok {
		// A concurrent guess took the lock since u was read.
		until, err := s.st.lockedUntil(ctx, u.ID)
		if err != nil {
			return User{}, errs.Wrap(err, "account: read lock")
		}
		return User{}, lockedError(until, now)
	}
	if s.onArgon != nil {
		s.onArgon(false)
	}
	match, needsRehash, err := verifySecret(stored, secret, s.params)
	if err != nil {
		return User{}, errs.Wrap(err, "account: verify secret")
	}
	if !match {
		if !lockedNow.IsZero() {
			return User{}, lockedError(lockedNow, now)
		}
		return User{}, errs.E(errs.Unauthenticated, failKey, nil)
	}
	if err := s.st.clearFailures(ctx, u.ID); err != nil {
		return User{}, errs.Wrap(err, "account: clear failures")
	}
	u.FailedSecrets, u.LockedUntil = 0, time.Time{}
	if needsRehash {
		// Best effort: the sign-in stands, and the next one tries again.
		if h, err := hashSecret(s.params, s.random, secret); err == nil {
			_ = s.st.rehash(ctx, u.ID, k, stored, h)
		}
	}
	if u.Disabled() {
		return User{}, errs.E(errs.Forbidden, "login.error.disabled", nil)
	}
	return u.User, nil
}

// lockedError says how many minutes, rounded up, a lock has left (at least 1).
func lockedError(until, now time.Time) error {
	left := until.Sub(now)
	if left <= 0 || left > LockDuration {
		left = LockDuration
	}
	minutes := int((left + time.Minute - 1) / time.Minute)
	return &errs.Error{Code: errs.TooMany, Key: "login.error.locked_minutes", Args: map[string]any{"Count": minutes}}
}

// SetPIN sets a user's PIN; by is the trainer or the user. A new PIN also ends a
// lock-out: a trainer resetting it has seen the person.
//
// Errors: errs.Invalid (pin: form.required, form.pin_format, form.pin_common);
// errs.NotFound (account.user.not_found); errs.Internal.
func (s *Service) SetPIN(ctx context.Context, userID, pin, by string) error {
	if err := ValidatePIN(pin); err != nil {
		return err
	}
	return s.setSecret(ctx, userID, kindPIN, pin, by)
}

// SetPassword sets a user's password; by is the administrator or the user. It
// also ends a lock-out.
//
// Errors: errs.Invalid (password: form.required, form.password_short,
// form.password_common); errs.NotFound (account.user.not_found); errs.Internal.
func (s *Service) SetPassword(ctx context.Context, userID, password, by string) error {
	if err := ValidatePassword(password); err != nil {
		return err
	}
	return s.setSecret(ctx, userID, kindPassword, password, by)
}

func (s *Service) setSecret(ctx context.Context, userID string, k secretKind, secret, by string) error {
	h, err := hashSecret(s.params, s.random, secret)
	if err != nil {
		return errs.Wrap(err, "account: hash secret")
	}
	ok, err := s.st.setSecret(ctx, userID, k, h, by, s.stamp())
	if err != nil {
		return errs.Wrap(err, "account: set secret")
	}
	if !ok {
		return userNotFound(nil)
	}
	return nil
}
