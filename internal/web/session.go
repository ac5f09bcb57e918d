package web

import (
	"context"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/onramp/onramp/internal/account"
)

// Session keys.
const (
	sessUserID = "uid"
	sessSeen   = "seen"   // unix seconds of the last request, for the idle time-out
	sessShared = "shared" // signed in on a shared computer
	sessFlash  = "flash"  // an i18n key to show once on the next page
)

// Idle time-outs: a learner on a library or care-home computer walks away and the
// next person must not find their account open.
const (
	learnerIdle = 15 * time.Minute
	sharedIdle  = 15 * time.Minute
	staffIdle   = 4 * time.Hour
	// seenEvery limits the session writes the idle clock costs to one a minute.
	seenEvery = time.Minute
)

func newSessionManager(store scs.CtxStore, secure bool) *scs.SessionManager {
	sm := scs.New()
	if store != nil {
		sm.Store = store
	}
	sm.Codec = sessionCodec{}
	sm.Lifetime = 12 * time.Hour
	// No scs IdleTimeout: it would write the session on every request. The idle
	// time-out is ours (principal middleware), with one write a minute at most.
	sm.Cookie.Name = "onramp_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = secure
	sm.Cookie.Persist = false // gone when the browser closes: shared computers
	sm.Cookie.Path = "/"
	return sm
}

// principal is the person behind a request.
type principal struct {
	User   account.User
	Grants account.Grants
	Shared bool
}

// IsLearnerOnly reports whether the person is only a learner (own data only).
func (p *principal) IsLearnerOnly() bool { return p != nil && !p.Grants.IsStaff() }

type principalKey struct{}

// who returns the signed-in person, or nil.
func who(r *http.Request) *principal {
	p, _ := r.Context().Value(principalKey{}).(*principal)
	return p
}

// loadPrincipal reads the session's user, ends sessions that are idle too long
// or whose account was disabled, and puts the person in the context.
func (s *Server) loadPrincipal(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		uid := s.sessions.GetString(ctx, sessUserID)
		if uid == "" || s.deps.Accounts == nil {
			next.ServeHTTP(w, r)
			return
		}
		now := s.deps.Now()
		p, err := s.principalFor(ctx, uid)
		if err != nil {
			s.log.Warn("session user not usable; ending session", "err", err)
			_ = s.sessions.Destroy(ctx)
			next.ServeHTTP(w, r)
			return
		}
		p.Shared = s.sessions.GetBool(ctx, sessShared)
		idle := staffIdle
		if p.IsLearnerOnly() {
			idle = learnerIdle
		}
		if p.Shared {
			idle = min(idle, sharedIdle)
		}
		seen := time.Unix(s.sessions.GetInt64(ctx, sessSeen), 0)
		if now.Sub(seen) > idle {
			_ = s.sessions.Destroy(ctx)
			s.sessions.Put(ctx, sessFlash, "login.session_expired")
			next.ServeHTTP(w, r)
			return
		}
		if now.Sub(seen) > seenEvery {
			s.sessions.Put(ctx, sessSeen, now.Unix())
		}
		// Pages of a signed-in person carry personal data: never cache them.
		w.Header().Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, principalKey{}, p)))
	})
}

func (s *Server) principalFor(ctx context.Context, uid string) (*principal, error) {
	if p, ok := s.principals.get(uid); ok {
		cp := *p // Shared is set per session: never write into the cached value
		return &cp, nil
	}
	p, err := s.loadPrincipalFromDB(ctx, uid)
	if err != nil {
		return nil, err
	}
	s.principals.put(uid, p)
	cp := *p
	return &cp, nil
}

func (s *Server) loadPrincipalFromDB(ctx context.Context, uid string) (*principal, error) {
	u, err := s.deps.Accounts.FindUserByID(ctx, uid)
	if err != nil {
		return nil, err
	}
	if u.Disabled() {
		return nil, errDisabled
	}
	g, err := s.deps.Accounts.GrantsOf(ctx, uid)
	if err != nil {
		return nil, err
	}
	return &principal{User: u, Grants: g}, nil
}

type disabledError struct{}

func (disabledError) Error() string { return "account disabled" }

var errDisabled error = disabledError{}

// signIn starts a fresh session for u: a new token (no fixation), the idle clock,
// and the person's language as the cookie.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request, u account.User, shared bool) error {
	ctx := r.Context()
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.sessions.Put(ctx, sessUserID, u.ID)
	s.sessions.Put(ctx, sessSeen, s.deps.Now().Unix())
	s.sessions.Put(ctx, sessShared, shared)
	if u.PreferredLang != "" {
		setLangCookie(w, u.PreferredLang, s.deps.SecureCookies)
	}
	return nil
}

// flash stores a one-time message key for the next page.
func (s *Server) flash(r *http.Request, key string) { s.sessions.Put(r.Context(), sessFlash, key) }
