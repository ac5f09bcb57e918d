package account

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/onramp/onramp/internal/db"
)

// SessionStore keeps scs sessions in the sessions table, so that any number of
// app instances share them and a restart signs nobody out. It implements
// scs.Store, scs.CtxStore and scs.IterableCtxStore by shape, without importing
// scs (which would bring net/http into a domain package); the web layer passes it
// as SessionManager.Store.
//
// scs data is opaque here, so the store cannot find a user's sessions: to end a
// disabled user's sessions, the web layer checks the account on every request
// (FindUserByID) rather than relying on the session alone.
type SessionStore struct {
	st  store
	now func() time.Time
}

// NewSessionStore builds the store; now defaults to time.Now and decides which
// sessions have expired.
func NewSessionStore(d *db.DB, now func() time.Time) *SessionStore {
	if now == nil {
		now = time.Now
	}
	return &SessionStore{st: store{d: d}, now: now}
}

// FindCtx returns the data of a session that has not expired. An unknown,
// expired or malformed token is found=false with a nil error.
func (ss *SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	data, err := ss.st.findSession(ctx, token, ss.now())
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("account: find session: %w", err)
	}
	b, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		return nil, false, nil // a damaged row is a session that is gone
	}
	return b, true, nil
}

// CommitCtx adds or replaces a session.
func (ss *SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	if err := ss.st.commitSession(ctx, token, base64.StdEncoding.EncodeToString(b), expiry); err != nil {
		return fmt.Errorf("account: commit session: %w", err)
	}
	return nil
}

// DeleteCtx removes a session; an unknown token is not an error. Signing out on a
// shared computer ends here: the row is gone, not just marked.
func (ss *SessionStore) DeleteCtx(ctx context.Context, token string) error {
	if err := ss.st.deleteSession(ctx, token); err != nil {
		return fmt.Errorf("account: delete session: %w", err)
	}
	return nil
}

// AllCtx returns every session that has not expired, token -> data. It reads the
// whole table: for administrative sweeps (scs Iterate), never per request.
func (ss *SessionStore) AllCtx(ctx context.Context) (map[string][]byte, error) {
	all, err := ss.st.allSessions(ctx, ss.now())
	if err != nil {
		return nil, fmt.Errorf("account: list sessions: %w", err)
	}
	out := make(map[string][]byte, len(all))
	for token, data := range all {
		if b, err := base64.StdEncoding.DecodeString(data); err == nil {
			out[token] = b
		}
	}
	return out, nil
}

// DeleteExpired removes the sessions that have expired and says how many; the
// lead runs it as a periodic job (Find already ignores them).
func (ss *SessionStore) DeleteExpired(ctx context.Context) (int64, error) {
	n, err := ss.st.deleteExpiredSessions(ctx, ss.now())
	if err != nil {
		return 0, fmt.Errorf("account: delete expired sessions: %w", err)
	}
	return n, nil
}

// Find is FindCtx without a context, for scs.Store.
func (ss *SessionStore) Find(token string) ([]byte, bool, error) {
	return ss.FindCtx(context.Background(), token)
}

// Commit is CommitCtx without a context, for scs.Store.
func (ss *SessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return ss.CommitCtx(context.Background(), token, b, expiry)
}

// Delete is DeleteCtx without a context, for scs.Store.
func (ss *SessionStore) Delete(token string) error {
	return ss.DeleteCtx(context.Background(), token)
}

// All is AllCtx without a context, for scs.IterableStore.
func (ss *SessionStore) All() (map[string][]byte, error) {
	return ss.AllCtx(context.Background())
}
