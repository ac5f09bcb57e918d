package account

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/onramp/onramp/internal/db"
	"github.com/onramp/onramp/internal/errs"
)

// Service owns accounts: users, their secrets, role grants, login cards. It is
// safe for concurrent use.
type Service struct {
	d           *db.DB
	st          store
	now         func() time.Time
	newID       func() string
	random      io.Reader
	callingCode string

	// params is the argon2id cost of new hashes; tests lower it.
	params argonParams
	// onArgon, when set, is called before each argon2 evaluation of a secret at
	// sign-in: decoy is true for the work done for unknown identifiers. Tests
	// count with it.
	onArgon func(decoy bool)
}

// NewService builds the service. now, newID and random may be nil: they default
// to time.Now, NewID (UUIDv7) and crypto/rand.Reader. random feeds salts and
// login-card codes, so anything but a cryptographic source is for tests only.
func NewService(d *db.DB, now func() time.Time, newID func() string, random io.Reader) *Service {
	if now == nil {
		now = time.Now
	}
	if newID == nil {
		newID = NewID
	}
	if random == nil {
		random = rand.Reader
	}
	return &Service{d: d, st: store{d: d}, now: now, newID: newID, random: random, params: defaultParams()}
}

// WithCallingCode returns a copy of s that reads phone numbers typed without "+"
// or "00" as national numbers of the country with this calling code ("44", "7",
// "371", "380", "84"; no "+"). Without it such numbers are refused. An invalid
// code counts as none.
func (s *Service) WithCallingCode(cc string) *Service {
	c := *s
	c.callingCode = cc
	return &c
}

// stamp is the time to store: UTC at the precision the database keeps, so a
// returned record equals the same record read back.
func (s *Service) stamp() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// NewID makes a UUIDv7, the ID of every record onramp makes.
func NewID() string { return uuid.Must(uuid.NewV7()).String() }

// Limits on free text.
const (
	maxNameLen    = 200 // characters of a display name
	maxPlaceIDLen = 64
)

func userNotFound(err error) error { return errs.E(errs.NotFound, "account.user.not_found", err) }

// CreateUser makes an account and, when nu.Role is given, grants that role on
// nu.PlaceID in the same transaction. Rules:
//   - DisplayName is required (at most 200 characters);
//   - Email and Phone are optional and unique; Phone may be national (see
//     WithCallingCode);
//   - a Password (>= 10 characters, not a common one) needs an Email or a Phone
//     to sign in with; a PIN (6 digits, not a common one) needs a Phone;
//   - an account that is not Assisted needs an Email or a Phone; an assisted
//     account may have neither, and its owner signs in with a login card.
//
// Errors: errs.Invalid with field errors (display_name, email, phone, password,
// pin, preferred_lang, role, place_id); errs.Conflict when the e-mail
// (account.user.email_taken) or phone (account.user.phone_taken) is in use;
// errs.Internal.
func (s *Service) CreateUser(ctx context.Context, nu NewUser) (User, error) {
	f := errs.FieldErrors{}
	u := userRow{User: User{
		ID:          s.newID(),
		DisplayName: cleanText(nu.DisplayName),
		Assisted:    nu.Assisted,
		CreatedBy:   nu.CreatedBy,
	}}
	s.checkName(f, u.DisplayName)
	u.Email = s.checkEmail(f, nu.Email)
	u.Phone = s.checkPhone(f, nu.Phone)
	u.PreferredLang = checkLang(f, nu.PreferredLang)
	if nu.Password != "" {
		if key := passwordProblem(nu.Password); key != "" {
			f.Add("password", key)
		}
		if strings.TrimSpace(nu.Email) == "" && strings.TrimSpace(nu.Phone) == "" {
			f.Add("email", "form.required")
		}
	}
	if nu.PIN != "" {
		if key := pinProblem(nu.PIN); key != "" {
			f.Add("pin", key)
		}
		if strings.TrimSpace(nu.Phone) == "" {
			f.Add("phone", "form.required")
		}
	}
	if !nu.Assisted && strings.TrimSpace(nu.Email) == "" && strings.TrimSpace(nu.Phone) == "" {
		f.Add("email", "form.required")
		f.Add("phone", "form.required")
	}
	withGrant := nu.Role != "" || nu.PlaceID != ""
	if withGrant {
		checkGrant(f, nu.Role, nu.PlaceID)
	}
	if err := f.Err(); err != nil {
		return User{}, err
	}

	// Hash before the transaction: argon2 takes tens of milliseconds, and on
	// SQLite the transaction holds the one writer.
	var err error
	if nu.Password != "" {
		if u.passwordHash, err = hashSecret(s.params, s.random, nu.Password); err != nil {
			return User{}, errs.Wrap(err, "account: hash password")
		}
		u.HasPassword = true
	}
	if nu.PIN != "" {
		if u.pinHash, err = hashSecret(s.params, s.random, nu.PIN); err != nil {
			return User{}, errs.Wrap(err, "account: hash PIN")
		}
		u.HasPIN = true
	}
	now := s.stamp()
	u.CreatedAt, u.UpdatedAt, u.UpdatedBy = now, now, nu.CreatedBy

	err = s.d.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.checkUnique(ctx, tx, u.User); err != nil {
			return err
		}
		if err := s.st.insertUser(ctx, tx, u); err != nil {
			return err
		}
		if withGrant {
			return s.st.insertGrant(ctx, tx, Grant{UserID: u.ID, Role: nu.Role, PlaceID: nu.PlaceID,
				GrantedBy: nu.CreatedBy, GrantedAt: now})
		}
		return nil
	})
	if db.IsUniqueViolation(err) {
		return User{}, errs.E(errs.Conflict, "account.user.exists", err)
	}
	if err != nil {
		return User{}, errs.Wrap(err, "account: create user")
	}
	return u.User, nil
}

func (s *Service) checkName(f errs.FieldErrors, name string) {
	switch {
	case name == "":
		f.Add("display_name", "form.required")
	case utf8.RuneCountInString(name) > maxNameLen:
		f.Add("display_name", "form.too_long")
	}
}

// checkEmail returns the normalised e-mail, "" for none, and records a problem.
func (s *Service) checkEmail(f errs.FieldErrors, raw string) string {
	if strings.TrimSpace(raw) == "" {
		return ""
	}
	e, ok := NormalizeEmail(raw)
	if !ok {
		f.Add("email", "form.invalid_email")
	}
	return e
}

// checkPhone returns the normalised phone, "" for none, and records a problem.
func (s *Service) checkPhone(f errs.FieldErrors, raw string) string {
	if strings.TrimSpace(raw) == "" {
		return ""
	}
	p, ok := NormalizePhone(raw, s.callingCode)
	if !ok {
		f.Add("phone", "form.invalid_phone")
	}
	return p
}

// checkLang accepts a language tag of letters, digits and hyphens ("en",
// "pt-BR"); which languages exist is the i18n package's business.
func checkLang(f errs.FieldErrors, raw string) string {
	l := strings.TrimSpace(raw)
	if len(l) > 16 {
		f.Add("preferred_lang", "form.invalid_choice")
		return ""
	}
	for _, r := range l {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
			f.Add("preferred_lang", "form.invalid_choice")
			return ""
		}
	}
	return l
}

func checkGrant(f errs.FieldErrors, role Role, placeID string) {
	if !role.Valid() {
		f.Add("role", "form.invalid_choice")
	}
	switch {
	case placeID == "":
		f.Add("place_id", "form.required")
	case len(placeID) > maxPlaceIDLen || cleanText(placeID) != placeID:
		f.Add("place_id", "form.invalid_choice")
	}
}

// checkUnique turns a taken e-mail or phone into a Conflict naming the field.
func (s *Service) checkUnique(ctx context.Context, q queryer, u User) error {
	for _, c := range []struct{ column, value string }{{"email", u.Email}, {"phone", u.Phone}} {
		if c.value == "" {
			continue
		}
		taken, err := s.st.taken(ctx, q, c.column, c.value, u.ID)
		if err != nil {
			return err
		}
		if taken {
			key := "account.user." + c.column + "_taken"
			return &errs.Error{Code: errs.Conflict, Key: key, Fields: map[string]string{c.column: key}}
		}
	}
	return nil
}

// FindUserByID returns one user.
//
// Errors: errs.NotFound (account.user.not_found); errs.Internal.
func (s *Service) FindUserByID(ctx context.Context, id string) (User, error) {
	u, err := s.st.userByID(ctx, s.d.R, id)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, userNotFound(err)
	}
	if err != nil {
		return User{}, errs.Wrap(err, "account: find user")
	}
	return u.User, nil
}

// FindUsers lists users by name, for the staff pages. The place filter fails
// closed (see Filter). An empty result is not an error.
//
// Errors: errs.Invalid (role); errs.Internal.
func (s *Service) FindUsers(ctx context.Context, f Filter) ([]User, error) {
	if f.Role != "" && !f.Role.Valid() {
		fe := errs.FieldErrors{}
		fe.Add("role", "form.invalid_choice")
		return nil, fe.Err()
	}
	if !f.AllPlaces && len(f.PlaceIDs) == 0 {
		return nil, nil
	}
	switch {
	case f.Limit <= 0:
		f.Limit = 50
	case f.Limit > 500:
		f.Limit = 500
	}
	f.Offset = max(f.Offset, 0)
	rows, err := s.st.findUsers(ctx, f)
	if err != nil {
		return nil, errs.Wrap(err, "account: find users")
	}
	out := make([]User, len(rows))
	for i, r := range rows {
		out[i] = r.User
	}
	return out, nil
}

// UpdateUser changes the fields set in upd; by is the user making the change.
// The rules of CreateUser apply to the result. Disabling an account keeps its
// data and grants but refuses every sign-in; the last administrator in use
// cannot be disabled.
//
// Errors: errs.NotFound (account.user.not_found); errs.Invalid with field errors
// (display_name, email, phone, preferred_lang); errs.Conflict (e-mail or phone
// taken; account.admin.last); errs.Internal.
func (s *Service) UpdateUser(ctx context.Context, id string, upd UserUpdate, by string) (User, error) {
	f := errs.FieldErrors{}
	var name, email, phone, lang string
	if upd.DisplayName != nil {
		name = cleanText(*upd.DisplayName)
		s.checkName(f, name)
	}
	if upd.Email != nil {
		email = s.checkEmail(f, *upd.Email)
	}
	if upd.Phone != nil {
		phone = s.checkPhone(f, *upd.Phone)
	}
	if upd.PreferredLang != nil {
		lang = checkLang(f, *upd.PreferredLang)
	}
	if err := f.Err(); err != nil {
		return User{}, err
	}
	now := s.stamp()
	var u userRow
	err := s.d.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if u, err = s.st.userByID(ctx, tx, id); err != nil {
			return err
		}
		wasDisabled := u.Disabled()
		if upd.DisplayName != nil {
			u.DisplayName = name
		}
		if upd.Email != nil {
			u.Email = email
		}
		if upd.Phone != nil {
			u.Phone = phone
		}
		if upd.PreferredLang != nil {
			u.PreferredLang = lang
		}
		if upd.Assisted != nil {
			u.Assisted = *upd.Assisted
		}
		if upd.Disabled != nil {
			switch {
			case *upd.Disabled && !wasDisabled:
				u.DisabledAt = now
			case !*upd.Disabled:
				u.DisabledAt = time.Time{}
			}
		}
		if !u.Assisted && u.Email == "" && u.Phone == "" {
			fe := errs.FieldErrors{}
			fe.Add("email", "form.required")
			fe.Add("phone", "form.required")
			return fe.Err()
		}
		if u.Disabled() && !wasDisabled {
			if err := s.keepAnAdmin(ctx, tx, id, ""); err != nil {
				return err
			}
		}
		if err := s.checkUnique(ctx, tx, u.User); err != nil {
			return err
		}
		u.UpdatedBy, u.UpdatedAt = by, now
		return s.st.updateProfile(ctx, tx, u)
	})
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return User{}, userNotFound(err)
	case db.IsUniqueViolation(err):
		return User{}, errs.E(errs.Conflict, "account.user.exists", err)
	case err != nil:
		return User{}, errs.Wrap(err, "account: update user")
	}
	return u.User, nil
}

// keepAnAdmin refuses a change that would leave no administrator in use: taking
// away userID's administrator grants (on placeID only, when given).
func (s *Service) keepAnAdmin(ctx context.Context, q queryer, userID, placeID string) error {
	n, err := s.st.otherAdmins(ctx, q, userID, placeID)
	if err != nil || n > 0 {
		return err
	}
	has, err := s.st.hasActiveAdmin(ctx, q, userID, placeID)
	if err != nil {
		return err
	}
	if has {
		return errs.E(errs.Conflict, "account.admin.last", nil)
	}
	return nil
}

// GrantRole grants role on placeID to a user; by is the user granting it ("" from
// the command line). Whether by may grant it there is the caller's check
// (Grants.AllowsGrant with the place's scope).
//
// Errors: errs.Invalid (role, place_id); errs.NotFound (account.user.not_found);
// errs.Conflict (account.grant.exists); errs.Internal.
func (s *Service) GrantRole(ctx context.Context, userID string, role Role, placeID, by string) error {
	f := errs.FieldErrors{}
	checkGrant(f, role, placeID)
	if err := f.Err(); err != nil {
		return err
	}
	err := s.d.Tx(ctx, func(tx *sql.Tx) error {
		ok, err := s.st.exists(ctx, tx, userID)
		if err != nil {
			return err
		}
		if !ok {
			return userNotFound(nil)
		}
		return s.st.insertGrant(ctx, tx, Grant{UserID: userID, Role: role, PlaceID: placeID, GrantedBy: by,
			GrantedAt: s.stamp()})
	})
	switch {
	case db.IsUniqueViolation(err):
		return errs.E(errs.Conflict, "account.grant.exists", err)
	case db.IsForeignKeyViolation(err):
		return userNotFound(err)
	}
	return errs.Wrap(err, "account: grant role")
}

// RevokeRole takes back a grant. The last administrator grant of an account in
// use cannot be revoked.
//
// Errors: errs.NotFound (account.grant.not_found); errs.Conflict
// (account.admin.last); errs.Internal.
func (s *Service) RevokeRole(ctx context.Context, userID string, role Role, placeID string) error {
	err := s.d.Tx(ctx, func(tx *sql.Tx) error {
		if role == Admin {
			if err := s.keepAnAdmin(ctx, tx, userID, placeID); err != nil {
				return err
			}
		}
		ok, err := s.st.deleteGrant(ctx, tx, userID, role, placeID)
		if err != nil {
			return err
		}
		if !ok {
			return errs.E(errs.NotFound, "account.grant.not_found", nil)
		}
		return nil
	})
	return errs.Wrap(err, "account: revoke role")
}

// GrantsOf lists the grants of a user, oldest first; none for an unknown user.
//
// Errors: errs.Internal.
func (s *Service) GrantsOf(ctx context.Context, userID string) ([]Grant, error) {
	gs, err := s.st.grantsOf(ctx, userID)
	if err != nil {
		return nil, errs.Wrap(err, "account: grants")
	}
	return gs, nil
}
