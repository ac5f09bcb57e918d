package account

import "time"

// User is a person who can sign in. Secrets never leave the package: User says
// only whether they are set.
type User struct {
	ID            string
	DisplayName   string
	Email         string // lower-cased; "" when none
	Phone         string // "+" and digits; "" when none
	PreferredLang string // a language tag such as "ru"; "" for the installation's default
	// Assisted marks an account a trainer made and looks after, typically with
	// neither e-mail nor phone; its owner signs in with a login card.
	Assisted      bool
	HasPassword   bool
	HasPIN        bool
	FailedSecrets int       // wrong PINs or passwords since the last success or lock
	LockedUntil   time.Time // zero when never locked; see Locked
	CreatedBy     string    // user ID; "" for accounts made from the command line
	CreatedAt     time.Time
	UpdatedBy     string
	UpdatedAt     time.Time
	DisabledAt    time.Time // zero while the account is in use
}

// Disabled reports whether the account has been switched off; it cannot sign in.
func (u User) Disabled() bool { return !u.DisabledAt.IsZero() }

// Locked reports whether secrets are refused at now because of wrong guesses.
func (u User) Locked(now time.Time) bool { return now.Before(u.LockedUntil) }

// NewUser is what CreateUser needs. Every field but DisplayName is optional; the
// rules are on CreateUser.
type NewUser struct {
	DisplayName   string
	Email         string
	Phone         string // as typed; national numbers use the service's calling code
	Password      string
	PIN           string
	PreferredLang string
	Assisted      bool
	CreatedBy     string // user ID of the trainer or administrator; "" from the command line
	// Role and PlaceID, when given, grant a first role in the same transaction
	// (a trainer signing up a learner at a venue; the first administrator).
	Role    Role
	PlaceID string
}

// UserUpdate changes the fields that are not nil. An empty Email or Phone
// removes it. Secrets change through SetPassword and SetPIN.
type UserUpdate struct {
	DisplayName   *string
	Email         *string
	Phone         *string
	PreferredLang *string
	Assisted      *bool
	Disabled      *bool
}

// Filter selects users for FindUsers.
//
// The place filter fails closed: with AllPlaces false, only users holding a
// grant on one of PlaceIDs are returned, and an empty PlaceIDs returns nobody.
// The web layer passes the subtree (from the place package) of the places where
// the person asking may see users; AllPlaces is for the command line and the
// administrator of the whole installation. PlaceIDs become bound parameters,
// so keep them under about 30,000 (SQLite's limit is 32,766 per statement).
type Filter struct {
	PlaceIDs  []string
	AllPlaces bool
	// Role keeps users holding this role (on one of PlaceIDs when those apply).
	Role Role
	// Query matches a part of the name (case and diacritics ignored), of the
	// e-mail address or of the phone number's digits.
	Query      string
	ActiveOnly bool // leave out disabled accounts
	Limit      int  // default 50, at most 500
	Offset     int
}

// LoginCard is a printed card that signs its holder in. The code itself is shown
// once, when the card is issued; only its hash is stored.
type LoginCard struct {
	ID        string
	UserID    string
	CreatedBy string
	CreatedAt time.Time
	RevokedBy string
	RevokedAt time.Time // zero while the card works
}

// Revoked reports whether the card no longer signs anyone in.
func (c LoginCard) Revoked() bool { return !c.RevokedAt.IsZero() }
