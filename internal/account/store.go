package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/onramp/onramp/internal/db"
)

// queryer is what *sql.DB and *sql.Tx share, so one store function serves both.
type queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// store holds every SQL statement of the package. Its functions return
// sql.ErrNoRows and driver errors as they come; the service classifies them.
type store struct{ d *db.DB }

// userRow is a users row: the User plus the secret hashes.
type userRow struct {
	User
	passwordHash string
	pinHash      string
}

const userCols = `id, display_name, email, phone, password_hash, pin_hash, preferred_lang, assisted,
	failed_secret_count, locked_until, created_by, created_at, updated_by, updated_at, disabled_at`

type scanner interface{ Scan(dest ...any) error }

func scanUser(sc scanner) (userRow, error) {
	var (
		u                                         userRow
		email, phone, pw, pin                     sql.NullString
		lockedUntil, createdBy, updatedBy, disabl sql.NullString
		createdAt, updatedAt                      string
	)
	err := sc.Scan(&u.ID, &u.DisplayName, &email, &phone, &pw, &pin, &u.PreferredLang, &u.Assisted,
		&u.FailedSecrets, &lockedUntil, &createdBy, &createdAt, &updatedBy, &updatedAt, &disabl)
	if err != nil {
		return u, err
	}
	u.Email, u.Phone, u.passwordHash, u.pinHash = email.String, phone.String, pw.String, pin.String
	u.HasPassword, u.HasPIN = pw.String != "", pin.String != ""
	u.CreatedBy, u.UpdatedBy = createdBy.String, updatedBy.String
	if u.CreatedAt, err = db.ParseTime(createdAt); err != nil {
		return u, err
	}
	if u.UpdatedAt, err = db.ParseTime(updatedAt); err != nil {
		return u, err
	}
	if u.LockedUntil, err = parseNullTime(lockedUntil); err != nil {
		return u, err
	}
	u.DisabledAt, err = parseNullTime(disabl)
	return u, err
}

func parseNullTime(s sql.NullString) (time.Time, error) {
	if !s.Valid || s.String == "" {
		return time.Time{}, nil
	}
	return db.ParseTime(s.String)
}

func nullTime(t time.Time) sql.NullString {
	if t.IsZero() {
		return sql.NullString{}
	}
	return sql.NullString{String: db.FormatTime(t), Valid: true}
}

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

func (s store) userByID(ctx context.Context, q queryer, id string) (userRow, error) {
	return scanUser(q.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE id = $1`, id))
}

func (s store) userByEmail(ctx context.Context, email string) (userRow, error) {
	return scanUser(s.d.R.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE email = $1`, email))
}

func (s store) userByPhone(ctx context.Context, phone string) (userRow, error) {
	return scanUser(s.d.R.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE phone = $1`, phone))
}

// taken reports whether another user than exceptID has this e-mail (column
// "email") or phone (column "phone").
func (s store) taken(ctx context.Context, q queryer, column, value, exceptID string) (bool, error) {
	if column != "email" && column != "phone" {
		return false, fmt.Errorf("account: no unique column %q", column)
	}
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE `+column+` = $1 AND id <> $2`,
		value, exceptID).Scan(&n)
	return n > 0, err
}

func (s store) insertUser(ctx context.Context, q queryer, u userRow) error {
	_, err := q.ExecContext(ctx, `INSERT INTO users (id, display_name, display_name_fold, email, phone,
		password_hash, pin_hash, preferred_lang, assisted, failed_secret_count, locked_until, created_by,
		created_at, updated_by, updated_at, disabled_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, NULL, $10, $11, $10, $11, NULL)`,
		u.ID, u.DisplayName, fold(u.DisplayName), nullString(u.Email), nullString(u.Phone),
		nullString(u.passwordHash), nullString(u.pinHash), u.PreferredLang, u.Assisted,
		nullString(u.CreatedBy), db.FormatTime(u.CreatedAt))
	return err
}

// updateProfile writes the fields UpdateUser may change.
func (s store) updateProfile(ctx context.Context, q queryer, u userRow) error {
	_, err := q.ExecContext(ctx, `UPDATE users SET display_name = $2, display_name_fold = $3, email = $4,
		phone = $5, preferred_lang = $6, assisted = $7, disabled_at = $8, updated_by = $9, updated_at = $10
		WHERE id = $1`,
		u.ID, u.DisplayName, fold(u.DisplayName), nullString(u.Email), nullString(u.Phone), u.PreferredLang,
		u.Assisted, nullTime(u.DisabledAt), nullString(u.UpdatedBy), db.FormatTime(u.UpdatedAt))
	return err
}

func (s store) findUsers(ctx context.Context, f Filter) ([]userRow, error) {
	var (
		where []string
		args  []any
	)
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	var grant []string
	if !f.AllPlaces {
		ph := db.Placeholders(len(args)+1, len(f.PlaceIDs))
		for _, p := range f.PlaceIDs {
			args = append(args, p)
		}
		grant = append(grant, "g.place_id IN ("+ph+")")
	}
	if f.Role != "" {
		grant = append(grant, "g.role = "+arg(string(f.Role)))
	}
	if len(grant) > 0 {
		where = append(where, "EXISTS (SELECT 1 FROM grants g WHERE g.user_id = users.id AND "+
			strings.Join(grant, " AND ")+")")
	}
	if q := fold(cleanText(f.Query)); q != "" {
		pat := arg("%" + db.LikeEscape(q) + "%")
		cond := []string{`display_name_fold LIKE ` + pat + ` ESCAPE '\'`, `email LIKE ` + pat + ` ESCAPE '\'`}
		if digits := onlyDigits(q); len(digits) >= 3 {
			cond = append(cond, `phone LIKE `+arg("%"+digits+"%"))
		}
		where = append(where, "("+strings.Join(cond, " OR ")+")")
	}
	if f.ActiveOnly {
		where = append(where, "disabled_at IS NULL")
	}
	query := `SELECT ` + userCols + ` FROM users`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY display_name_fold, id LIMIT " + arg(f.Limit) + " OFFSET " + arg(f.Offset)
	rows, err := s.d.R.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []userRow
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// onlyDigits returns the digits of q when q is made of digits and phone
// punctuation only, else "".
func onlyDigits(q string) string {
	var b strings.Builder
	for _, r := range q {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' || r == ' ' || r == '-' || r == '(' || r == ')' || r == '.':
		default:
			return ""
		}
	}
	return b.String()
}

// reserveAttempt counts one secret attempt before the secret is evaluated, in one
// statement, so that concurrent guesses are counted one by one. The attempt that
// reaches max locks the account until lockUntil and starts the counter again at
// zero (for after the lock). It returns ok=false, without counting, when the
// account is locked at now; lockedUntil is set when this attempt took the lock.
func (s store) reserveAttempt(ctx context.Context, id string, now, lockUntil time.Time, max int) (lockedUntil time.Time, ok bool, err error) {
	var lu sql.NullString
	err = s.d.W.QueryRowContext(ctx, `UPDATE users SET
			failed_secret_count = CASE WHEN failed_secret_count + 1 >= $2 THEN 0 ELSE failed_secret_count + 1 END,
			locked_until = CASE WHEN failed_secret_count + 1 >= $2 THEN $3 ELSE NULL END
		WHERE id = $1 AND (locked_until IS NULL OR locked_until <= $4)
		RETURNING locked_until`,
		id, max, db.FormatTime(lockUntil), db.FormatTime(now)).Scan(&lu)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, err
	}
	lockedUntil, err = parseNullTime(lu)
	return lockedUntil, err == nil, err
}

// lockedUntil reads the lock of a user from the writer, which has the latest.
func (s store) lockedUntil(ctx context.Context, id string) (time.Time, error) {
	var lu sql.NullString
	if err := s.d.W.QueryRowContext(ctx, `SELECT locked_until FROM users WHERE id = $1`, id).Scan(&lu); err != nil {
		return time.Time{}, err
	}
	return parseNullTime(lu)
}

// clearFailures ends a lock and zeroes the counter after a right secret.
func (s store) clearFailures(ctx context.Context, id string) error {
	_, err := s.d.W.ExecContext(ctx, `UPDATE users SET failed_secret_count = 0, locked_until = NULL WHERE id = $1`, id)
	return err
}

// secretColumn names the column of a secret kind; only these two reach SQL.
func secretColumn(k secretKind) string {
	if k == kindPIN {
		return "pin_hash"
	}
	return "password_hash"
}

// rehash replaces a secret hash that still verifies against oldHash (a
// concurrent change of the secret wins).
func (s store) rehash(ctx context.Context, id string, k secretKind, oldHash, newHash string) error {
	col := secretColumn(k)
	_, err := s.d.W.ExecContext(ctx, `UPDATE users SET `+col+` = $2 WHERE id = $1 AND `+col+` = $3`, id, newHash, oldHash)
	return err
}

// setSecret stores a new secret hash, ends any lock and zeroes the counter. It
// reports whether the user exists.
func (s store) setSecret(ctx context.Context, id string, k secretKind, hash, by string, now time.Time) (bool, error) {
	res, err := s.d.W.ExecContext(ctx, `UPDATE users SET `+secretColumn(k)+` = $2, failed_secret_count = 0,
		locked_until = NULL, updated_by = $3, updated_at = $4 WHERE id = $1`,
		id, hash, nullString(by), db.FormatTime(now))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// exists reports whether a user with this ID exists.
func (s store) exists(ctx context.Context, q queryer, id string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE id = $1`, id).Scan(&n)
	return n > 0, err
}

func (s store) insertGrant(ctx context.Context, q queryer, g Grant) error {
	_, err := q.ExecContext(ctx, `INSERT INTO grants (user_id, role, place_id, granted_by, granted_at)
		VALUES ($1, $2, $3, $4, $5)`,
		g.UserID, string(g.Role), g.PlaceID, nullString(g.GrantedBy), db.FormatTime(g.GrantedAt))
	return err
}

func (s store) deleteGrant(ctx context.Context, q queryer, userID string, role Role, placeID string) (bool, error) {
	res, err := q.ExecContext(ctx, `DELETE FROM grants WHERE user_id = $1 AND role = $2 AND place_id = $3`,
		userID, string(role), placeID)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

func (s store) grantsOf(ctx context.Context, userID string) ([]Grant, error) {
	rows, err := s.d.R.QueryContext(ctx, `SELECT user_id, role, place_id, granted_by, granted_at FROM grants
		WHERE user_id = $1 ORDER BY granted_at, role, place_id`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Grant
	for rows.Next() {
		var (
			g     Grant
			role  string
			by    sql.NullString
			grant string
		)
		if err := rows.Scan(&g.UserID, &role, &g.PlaceID, &by, &grant); err != nil {
			return nil, err
		}
		g.Role, g.GrantedBy = Role(role), by.String
		if g.GrantedAt, err = db.ParseTime(grant); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// otherAdmins counts the administrator grants of accounts in use, leaving out
// the grants of exceptUser (on exceptPlace only, when that is not "").
func (s store) otherAdmins(ctx context.Context, q queryer, exceptUser, exceptPlace string) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM grants g JOIN users u ON u.id = g.user_id
		WHERE g.role = $1 AND u.disabled_at IS NULL
		AND NOT (g.user_id = $2 AND ($3 = '' OR g.place_id = $3))`,
		string(Admin), exceptUser, exceptPlace).Scan(&n)
	return n, err
}

// hasActiveAdmin reports whether userID is in use and holds administrator (on
// placeID only, when that is not "").
func (s store) hasActiveAdmin(ctx context.Context, q queryer, userID, placeID string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM grants g JOIN users u ON u.id = g.user_id
		WHERE g.user_id = $1 AND g.role = $2 AND u.disabled_at IS NULL AND ($3 = '' OR g.place_id = $3)`,
		userID, string(Admin), placeID).Scan(&n)
	return n > 0, err
}

func (s store) insertCard(ctx context.Context, q queryer, c LoginCard, codeHash string) error {
	_, err := q.ExecContext(ctx, `INSERT INTO login_cards (id, user_id, code_hash, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5)`,
		c.ID, c.UserID, codeHash, nullString(c.CreatedBy), db.FormatTime(c.CreatedAt))
	return err
}

// revokeCards revokes the user's cards that still work and says how many.
func (s store) revokeCards(ctx context.Context, q queryer, userID, by string, now time.Time) (int64, error) {
	res, err := q.ExecContext(ctx, `UPDATE login_cards SET revoked_at = $2, revoked_by = $3
		WHERE user_id = $1 AND revoked_at IS NULL`, userID, db.FormatTime(now), nullString(by))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// revokeCard revokes one card unless it is revoked already, and reports whether
// the card exists.
func (s store) revokeCard(ctx context.Context, id, by string, now time.Time) (bool, error) {
	var exists bool
	err := s.d.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM login_cards WHERE id = $1`, id).Scan(&n); err != nil {
			return err
		}
		if exists = n > 0; !exists {
			return nil
		}
		_, err := tx.ExecContext(ctx, `UPDATE login_cards SET revoked_at = $2, revoked_by = $3
			WHERE id = $1 AND revoked_at IS NULL`, id, db.FormatTime(now), nullString(by))
		return err
	})
	return exists, err
}

const cardCols = `id, user_id, created_by, created_at, revoked_by, revoked_at`

func scanCard(sc scanner) (LoginCard, error) {
	var (
		c                        LoginCard
		createdBy, revokedBy, ra sql.NullString
		createdAt                string
	)
	if err := sc.Scan(&c.ID, &c.UserID, &createdBy, &createdAt, &revokedBy, &ra); err != nil {
		return c, err
	}
	c.CreatedBy, c.RevokedBy = createdBy.String, revokedBy.String
	var err error
	if c.CreatedAt, err = db.ParseTime(createdAt); err != nil {
		return c, err
	}
	c.RevokedAt, err = parseNullTime(ra)
	return c, err
}

func (s store) cardsOf(ctx context.Context, userID string) ([]LoginCard, error) {
	rows, err := s.d.R.QueryContext(ctx, `SELECT `+cardCols+` FROM login_cards WHERE user_id = $1
		ORDER BY created_at DESC, id DESC`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []LoginCard
	for rows.Next() {
		c, err := scanCard(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// userByCard finds the user of a card that still works.
func (s store) userByCard(ctx context.Context, codeHash string) (userRow, error) {
	return scanUser(s.d.R.QueryRowContext(ctx, `SELECT `+prefixed("u.", userCols)+` FROM login_cards c
		JOIN users u ON u.id = c.user_id WHERE c.code_hash = $1 AND c.revoked_at IS NULL`, codeHash))
}

// prefixed qualifies each column of a column list with p.
func prefixed(p, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = p + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// Sessions.

func (s store) findSession(ctx context.Context, token string, now time.Time) (string, error) {
	var data string
	err := s.d.R.QueryRowContext(ctx, `SELECT data FROM sessions WHERE token = $1 AND expiry > $2`,
		token, db.FormatTime(now)).Scan(&data)
	return data, err
}

func (s store) commitSession(ctx context.Context, token, data string, expiry time.Time) error {
	_, err := s.d.W.ExecContext(ctx, `INSERT INTO sessions (token, data, expiry) VALUES ($1, $2, $3)
		ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`,
		token, data, db.FormatTime(expiry))
	return err
}

func (s store) deleteSession(ctx context.Context, token string) error {
	_, err := s.d.W.ExecContext(ctx, `DELETE FROM sessions WHERE token = $1`, token)
	return err
}

func (s store) allSessions(ctx context.Context, now time.Time) (map[string]string, error) {
	rows, err := s.d.R.QueryContext(ctx, `SELECT token, data FROM sessions WHERE expiry > $1`, db.FormatTime(now))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var token, data string
		if err := rows.Scan(&token, &data); err != nil {
			return nil, err
		}
		out[token] = data
	}
	return out, rows.Err()
}

func (s store) deleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.d.W.ExecContext(ctx, `DELETE FROM sessions WHERE expiry <= $1`, db.FormatTime(now))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
