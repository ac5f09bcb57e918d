// Package errs is onramp's one error type. An Error keeps apart what the person sees
// (an i18n key with its arguments) from what the log gets (the wrapped cause), and
// carries a small set of codes that the web layer maps to HTTP statuses.
package errs

import (
	"errors"
	"fmt"
)

// Code is the kind of failure. The set is deliberately small.
type Code string

// The codes every method documents in its comment.
const (
	Invalid         Code = "invalid"         // the input is wrong; the person can fix it
	NotFound        Code = "not_found"       // no such object, or not visible to this person
	Conflict        Code = "conflict"        // the object exists or changed meanwhile
	Forbidden       Code = "forbidden"       // signed in, but not allowed here
	Unauthenticated Code = "unauthenticated" // not signed in, or the session ended
	TooMany         Code = "too_many"        // rate limit or lock-out
	Internal        Code = "internal"        // our fault; the log has the detail
)

// Error is an error with a code, a user-facing message key and a logged cause.
type Error struct {
	Code Code
	// Key is an i18n key such as "login.error.invalid"; empty means the generic
	// message for Code.
	Key string
	// Args are the template data for Key.
	Args map[string]any
	// Fields holds per-field problems of a form: field name -> i18n key.
	Fields map[string]string
	// Err is the cause, for the log only; never shown to the person.
	Err error
}

func (e *Error) Error() string {
	msg := string(e.Code)
	if e.Key != "" {
		msg += " (" + e.Key + ")"
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// E builds an Error. Use it as errs.E(errs.NotFound, "place.not_found", err).
func E(code Code, key string, cause error) *Error {
	return &Error{Code: code, Key: key, Err: cause}
}

// Wrap marks an unexpected failure as Internal, keeping the cause for the log.
// A nil err gives nil.
func Wrap(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return err // already classified; keep its code
	}
	return &Error{Code: Internal, Err: fmt.Errorf(format+": %w", append(args, err)...)}
}

// CodeOf returns the code of err: Internal for any error that is not an *Error,
// and "" for nil.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// KeyOf returns the i18n key to show for err: its own key, or the generic key
// for its code ("error.not_found", ...).
func KeyOf(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Key != "" {
		return e.Key
	}
	return "error." + string(CodeOf(err))
}

// Is reports whether err carries code.
func Is(err error, code Code) bool { return err != nil && CodeOf(err) == code }

// FieldErrors collects per-field problems while validating a form.
type FieldErrors map[string]string

// Add records key for field unless the field already has a problem (the first
// problem found is the one shown).
func (f FieldErrors) Add(field, key string) {
	if _, ok := f[field]; !ok {
		f[field] = key
	}
}

// Err returns an Invalid *Error carrying the fields, or nil when there are none.
func (f FieldErrors) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Code: Invalid, Key: "error.invalid", Fields: f}
}
