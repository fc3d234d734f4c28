// Package auth keeps accounts, roles, sessions, personal API tokens,
// email verification and password reset, and decides permissions
// (policy.go). Its pages are sign-up, sign-in, sign-out and reset.
package auth

import (
	"context"
	"embed"
	"fmt"
	"log/slog"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wuzhen/wuzhen/internal/audit"
	"github.com/wuzhen/wuzhen/internal/crypt"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/i18n"
	mailer "github.com/wuzhen/wuzhen/internal/mail"
	"github.com/wuzhen/wuzhen/internal/web"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations create the account tables.
var Migrations = db.MigrationsIn("auth", migrations, "migrations")

//go:embed templates/*.html
var templates embed.FS

// Templates are the account pages.
var Templates = web.Pages("auth", templates, "templates")

// Lifetimes of what the store hands out.
const (
	SessionLife = 30 * 24 * time.Hour
	VerifyLife  = 48 * time.Hour
	ResetLife   = time.Hour
)

// Store is the account store.
type Store struct {
	DB      *db.DB
	Log     *slog.Logger
	Params  Params
	BaseURL string // for links in mail
	// Personal are the capabilities' parts of a person's data, for the
	// download, the account page and deletion (see PersonalData).
	Personal []PersonalData
}

// User is an account.
type User struct {
	ID         int64
	Email      string
	Name       string
	OtherNames string // the name in other scripts, as the person writes it
	Locale     string
	TimeZone   string // IANA name, "" for the organisation's
	Verified   bool
	Roles      []string
	Created    time.Time
	LastLogin  *time.Time
	Disabled   *time.Time
	Deleted    *time.Time
}

// Principal returns the web identity of u.
func (u *User) Principal() *web.Principal {
	return &web.Principal{ID: u.ID, Email: u.Email, Name: u.Name, Roles: u.Roles, Locale: u.Locale}
}

// dummyHash is checked against when an account does not exist, so that
// sign-in takes as long for unknown addresses as for known ones.
var dummyHash = HashPassword("wuzhen-dummy", DefaultParams)

// NormalizeEmail trims and lower-cases an address.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// validate checks a new account's fields, adding errors at each field.
func validate(fe *errs.Fields, email, name, password string) {
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email || !strings.Contains(email, ".") {
		fe.Add("email", "auth.email_invalid")
	}
	validName(fe, "name", strings.TrimSpace(name), true)
	ValidatePassword(fe, "password", password)
}

// ValidateAccount adds an error at each field (email, name, password) of a
// new account that Create would refuse, but for an address already taken:
// for a form that asks for an account with other things.
func ValidateAccount(fe *errs.Fields, email, name, password string) {
	validate(fe, NormalizeEmail(email), strings.TrimSpace(name), password)
}

// ValidatePassword adds an error at field when pw is too short or too long.
func ValidatePassword(fe *errs.Fields, field, pw string) {
	switch n := utf8.RuneCountInString(pw); {
	case n < 10:
		fe.Add(field, "auth.password_short", 10)
	case len(pw) > 1024:
		fe.Add(field, "auth.password_long")
	}
}

// Limits on mail that anyone can make the platform send.
const (
	SignupsPerAddr   = 10 // per hour
	ResetsPerAccount = 5  // per hour
	ResetsPerAddr    = 20 // per hour
	mailLimitWindow  = time.Hour
)

// Signup creates an unverified account and mails a verification link in
// lang. When the address already has an account, it mails that account a
// note instead and answers the same, so that nobody learns which addresses
// have accounts. Bad fields are an Invalid error; too many sign-ups from
// addr a TooMany error.
func (s *Store) Signup(ctx context.Context, email, name, password, lang, addr string) error {
	email, name = NormalizeEmail(email), strings.TrimSpace(name)
	var fe errs.Fields
	validate(&fe, email, name, password)
	if err := fe.Err(); err != nil {
		return err
	}
	hash := HashPassword(password, s.Params)
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		if err := s.limit(ctx, tx, "signup", addr, SignupsPerAddr, mailLimitWindow); err != nil {
			return err
		}
		u := &User{Email: email, Name: name, Locale: lang, Created: tx.Now()}
		err := tx.QueryRow(ctx, `-- auth.Signup
			INSERT INTO users (email, name, password_hash, locale, created_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (email) DO NOTHING RETURNING id`,
			email, name, hash, lang, u.Created).Scan(&u.ID)
		if db.IsNotFound(err) {
			return s.mailExisting(ctx, tx, email)
		}
		if err != nil {
			return err
		}
		if err := s.mailToken(ctx, tx, u, "verify", VerifyLife); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: u.ID, Actor: email, Action: "user.signup", Object: object(u.ID)})
	})
	if err != nil {
		return fmt.Errorf("auth: signup: %w", err)
	}
	return nil
}

// mailExisting tells the holder of an account that someone tried to sign
// up with its address.
func (s *Store) mailExisting(ctx context.Context, tx *db.Tx, email string) error {
	u, err := s.user(ctx, tx, "email = ?", email)
	if err != nil {
		return err
	}
	p := i18n.For(i18n.Match(u.Locale))
	base := strings.TrimRight(s.BaseURL, "/")
	_, err = mailer.Send(ctx, tx, mailer.Message{Kind: mailer.KindAccount,
		To:      u.Email,
		Subject: p.T("mail.exists.subject"),
		Text:    p.T("mail.exists.body", u.Name, base+"/login", base+"/password/reset"),
	})
	return err
}

// limit counts an event of kind for key and refuses with TooMany when
// max events happened within window. The count and the insert are
// serialised per key.
func (s *Store) limit(ctx context.Context, tx *db.Tx, kind, key string, max int, window time.Duration) error {
	if err := tx.Lock(ctx, "rate:"+kind+":"+key); err != nil {
		return err
	}
	var n int
	if err := tx.QueryRow(ctx, "SELECT count(*) FROM rate_events WHERE kind = ? AND key = ? AND at > ?",
		kind, key, tx.Now().Add(-window)).Scan(&n); err != nil {
		return err
	}
	if n >= max {
		return errs.New(errs.TooMany, "error.too_many_requests")
	}
	_, err := tx.Exec(ctx, "INSERT INTO rate_events (kind, key, at) VALUES (?, ?, ?)", kind, key, tx.Now())
	return err
}

func object(userID int64) string { return fmt.Sprintf("user:%d", userID) }

// mailToken stores a new single-use token for purpose and mails its link.
func (s *Store) mailToken(ctx context.Context, tx *db.Tx, u *User, purpose string, life time.Duration) error {
	token, hash := crypt.NewToken()
	now := tx.Now()
	if _, err := tx.Exec(ctx, `-- auth.mailToken
		INSERT INTO auth_tokens (token_hash, user_id, purpose, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
		hash, u.ID, purpose, now, now.Add(life)); err != nil {
		return err
	}
	p := i18n.For(i18n.Match(u.Locale))
	var path string
	if purpose == "verify" {
		path = "/verify?token="
	} else {
		path = "/password/reset/confirm?token="
	}
	link := strings.TrimRight(s.BaseURL, "/") + path + token
	_, err := mailer.Send(ctx, tx, mailer.Message{Kind: mailer.KindAccount,
		To:      u.Email,
		Subject: p.T("mail." + purpose + ".subject"),
		Text:    p.T("mail."+purpose+".body", u.Name, link, int(life.Hours())),
	})
	return err
}

// Verify marks the account of a verification token as verified. A token that
// is unknown, used or expired is an Invalid error.
func (s *Store) Verify(ctx context.Context, token string) (*User, error) {
	var u *User
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		id, err := s.useToken(ctx, tx, token, "verify")
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE users SET verified_at = ? WHERE id = ? AND verified_at IS NULL", tx.Now(), id); err != nil {
			return err
		}
		if u, err = s.user(ctx, tx, "id = ?", id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: id, Actor: u.Email, Action: "user.verify", Object: object(id)})
	})
	return u, err
}

// useToken spends a single-use token of purpose, returning its user.
func (s *Store) useToken(ctx context.Context, tx *db.Tx, token, purpose string) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `-- auth.useToken
		UPDATE auth_tokens SET used_at = ?
		WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?
		RETURNING user_id`, tx.Now(), crypt.HashToken(token), purpose, tx.Now()).Scan(&id)
	if db.IsNotFound(err) {
		return 0, errs.New(errs.Invalid, "auth.token_invalid")
	}
	return id, err
}

// Logout ends the session of token.
func (s *Store) Logout(ctx context.Context, token string) error {
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		var id int64
		err := tx.QueryRow(ctx, "DELETE FROM sessions WHERE token_hash = ? RETURNING user_id", crypt.HashToken(token)).Scan(&id)
		if db.IsNotFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		u, err := s.user(ctx, tx, "id = ?", id)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: id, Actor: u.Email, Action: "user.logout", Object: object(id)})
	})
}

// RequestReset mails a password-reset link to the account of email, if
// there is one; the caller answers the same either way, so that nobody
// learns which addresses have accounts. Too many requests for the address
// or from addr are a TooMany error, whether or not the account exists.
func (s *Store) RequestReset(ctx context.Context, email, addr string) error {
	email = NormalizeEmail(email)
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		if err := s.limit(ctx, tx, "reset", email, ResetsPerAccount, mailLimitWindow); err != nil {
			return err
		}
		if err := s.limit(ctx, tx, "reset-addr", addr, ResetsPerAddr, mailLimitWindow); err != nil {
			return err
		}
		u, err := s.user(ctx, tx, "email = ?", email)
		if errs.CodeOf(err) == errs.NotFound {
			s.Log.InfoContext(ctx, "password reset for unknown address")
			return nil
		}
		if err != nil {
			return err
		}
		if err := s.mailToken(ctx, tx, u, "reset", ResetLife); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: u.ID, Actor: u.Email, Action: "user.reset_requested", Object: object(u.ID)})
	})
}

// Reset sets a new password with a reset token, verifies the address (the
// token came by mail) and ends every session and revokes every API token
// of the account.
func (s *Store) Reset(ctx context.Context, token, password string) error {
	var fe errs.Fields
	ValidatePassword(&fe, "password", password)
	if err := fe.Err(); err != nil {
		return err
	}
	hash := HashPassword(password, s.Params)
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		id, err := s.useToken(ctx, tx, token, "reset")
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE users SET password_hash = ?, verified_at = COALESCE(verified_at, ?) WHERE id = ?",
			hash, tx.Now(), id); err != nil {
			return err
		}
		if err := revokeAll(ctx, tx, id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM auth_tokens WHERE user_id = ? AND purpose = 'reset'", id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: id, Action: "user.password_reset", Object: object(id)})
	})
}

// Create makes a verified account with roles, for operators (the CLI and
// the demo loader). An empty password leaves the account without one until
// a reset.
func (s *Store) Create(ctx context.Context, email, name, password string, roles ...string) (*User, error) {
	u, hash, err := s.newAccount(email, name, password, roles)
	if err != nil {
		return nil, err
	}
	err = s.DB.Tx(ctx, func(tx *db.Tx) error { return s.insertAccount(ctx, tx, u, hash) })
	if err != nil {
		return nil, fmt.Errorf("auth: create: %w", err)
	}
	return u, nil
}

// CreateTx is Create inside the caller's transaction, for a change that
// makes an account together with other rows (first-run setup makes the
// first administrator with the organisation). Errors as Create's, the
// fields named email, name and password.
func (s *Store) CreateTx(ctx context.Context, tx *db.Tx, email, name, password string, roles ...string) (*User, error) {
	u, hash, err := s.newAccount(email, name, password, roles)
	if err != nil {
		return nil, err
	}
	if err := s.insertAccount(ctx, tx, u, hash); err != nil {
		return nil, fmt.Errorf("auth: create: %w", err)
	}
	return u, nil
}

// newAccount checks an account to be made and hashes its password.
func (s *Store) newAccount(email, name, password string, roles []string) (*User, string, error) {
	email, name = NormalizeEmail(email), strings.TrimSpace(name)
	var fe errs.Fields
	validate(&fe, email, name, password)
	if password == "" {
		fe = without(fe, "password")
	}
	for _, r := range roles {
		if !validRole(r) {
			fe.Add("role", "auth.role_invalid")
		}
	}
	if err := fe.Err(); err != nil {
		return nil, "", err
	}
	hash := ""
	if password != "" {
		hash = HashPassword(password, s.Params)
	}
	return &User{Email: email, Name: name, Verified: true, Roles: roles}, hash, nil
}

// insertAccount writes the account u (from newAccount) in tx.
func (s *Store) insertAccount(ctx context.Context, tx *db.Tx, u *User, hash string) error {
	u.Created = tx.Now()
	err := tx.QueryRow(ctx, `-- auth.Create
		INSERT INTO users (email, name, password_hash, verified_at, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		u.Email, u.Name, hash, u.Created, u.Created).Scan(&u.ID)
	if db.IsUnique(err) {
		var fe errs.Fields
		fe.Add("email", "auth.email_taken")
		return fe.Err()
	}
	if err != nil {
		return err
	}
	for _, r := range u.Roles {
		if _, err := tx.Exec(ctx, "INSERT INTO user_roles (user_id, role) VALUES (?, ?)", u.ID, r); err != nil {
			return err
		}
	}
	return audit.Record(ctx, tx, audit.Entry{Action: "user.create", Object: object(u.ID),
		Details: map[string]any{"email": u.Email, "roles": u.Roles}})
}

func without(fe errs.Fields, name string) errs.Fields {
	var out errs.Fields
	for _, f := range fe {
		if f.Name != name {
			out = append(out, f)
		}
	}
	return out
}

func validRole(r string) bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// CreateToken makes a personal API token for the account of email and
// returns it; only its hash is kept.
func (s *Store) CreateToken(ctx context.Context, email, label string) (string, error) {
	u, err := s.user(ctx, s.DB, "email = ?", NormalizeEmail(email))
	if err != nil {
		return "", err
	}
	if label == "" {
		label = "token"
	}
	token, _ := crypt.NewToken()
	token = "wz_" + token
	hash := crypt.HashToken(token)
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		var id int64
		if err := tx.QueryRow(ctx, "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?) RETURNING id",
			u.ID, label, hash, tx.Now()).Scan(&id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: u.ID, Actor: u.Email, Action: "token.create",
			Object: fmt.Sprintf("token:%d", id), Details: map[string]any{"name": label}})
	})
	if err != nil {
		return "", fmt.Errorf("auth: token: %w", err)
	}
	return token, nil
}

// userColumns are the columns user and the list of accounts read.
const userColumns = "id, email, name, locale, verified_at, created_at, other_names, timezone, last_login_at, disabled_at, deleted_at"

// user loads one account by a condition on users (with its roles).
func (s *Store) user(ctx context.Context, q db.Querier, where string, args ...any) (*User, error) {
	u := &User{}
	var verified *time.Time
	err := q.QueryRow(ctx, "-- auth.user\nSELECT "+userColumns+" FROM users WHERE "+where, args...).
		Scan(&u.ID, &u.Email, &u.Name, &u.Locale, &verified, &u.Created, &u.OtherNames, &u.TimeZone, &u.LastLogin, &u.Disabled, &u.Deleted)
	if db.IsNotFound(err) {
		return nil, errs.New(errs.NotFound, "auth.no_account")
	}
	if err != nil {
		return nil, err
	}
	u.Verified = verified != nil
	rows, err := q.Query(ctx, "SELECT role FROM user_roles WHERE user_id = ? ORDER BY role", u.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			return nil, err
		}
		u.Roles = append(u.Roles, r)
	}
	return u, rows.Err()
}

// ByEmail returns the account of email (NotFound when there is none).
func (s *Store) ByEmail(ctx context.Context, email string) (*User, error) {
	return s.user(ctx, s.DB, "email = ?", NormalizeEmail(email))
}

// Count returns how many accounts exist.
func (s *Store) Count(ctx context.Context) (int, error) { return Count(ctx, s.DB) }

// Admins returns how many accounts hold the admin role, read through q
// (a transaction or the database): none means the install still needs its
// first administrator.
func Admins(ctx context.Context, q db.Querier) (int, error) {
	var n int
	err := q.QueryRow(ctx, "-- auth.Admins\nSELECT count(*) FROM user_roles WHERE role = ?", RoleAdmin).Scan(&n)
	return n, err
}

// Count returns how many accounts exist, read through q (a transaction or
// the database).
func Count(ctx context.Context, q db.Querier) (int, error) {
	var n int
	err := q.QueryRow(ctx, "-- auth.Count\nSELECT count(*) FROM users").Scan(&n)
	return n, err
}

// Session implements web.Identity: the account of a live session.
func (s *Store) Session(ctx context.Context, token string) (*web.Principal, error) {
	var id int64
	err := s.DB.QueryRow(ctx, `-- auth.Session
		SELECT s.user_id FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = ? AND s.expires_at > ? AND u.disabled_at IS NULL AND u.deleted_at IS NULL`,
		crypt.HashToken(token), s.DB.Now()).Scan(&id)
	if db.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("auth: session: %w", err)
	}
	u, err := s.user(ctx, s.DB, "id = ?", id)
	if err != nil {
		return nil, fmt.Errorf("auth: session: %w", err)
	}
	return u.Principal(), nil
}

// Bearer implements web.Identity: the account of a personal API token
// that has not expired, of an account that is neither disabled nor
// deleted. It notes when the token was used, to the minute.
func (s *Store) Bearer(ctx context.Context, token string) (*web.Principal, error) {
	var id, tokenID int64
	var used *time.Time
	now := s.DB.Now()
	err := s.DB.QueryRow(ctx, `-- auth.Bearer
		SELECT t.user_id, t.id, t.last_used_at FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = ? AND (t.expires_at IS NULL OR t.expires_at > ?) AND u.disabled_at IS NULL AND u.deleted_at IS NULL`,
		crypt.HashToken(token), now).Scan(&id, &tokenID, &used)
	if db.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("auth: bearer: %w", err)
	}
	if used == nil || now.Sub(*used) >= time.Minute {
		if _, err := s.DB.Exec(ctx, "-- auth.Bearer used\nUPDATE api_tokens SET last_used_at = ? WHERE id = ?", now, tokenID); err != nil {
			return nil, fmt.Errorf("auth: bearer: %w", err)
		}
	}
	u, err := s.user(ctx, s.DB, "id = ?", id)
	if err != nil {
		return nil, fmt.Errorf("auth: bearer: %w", err)
	}
	return u.Principal(), nil
}

// SetLocale implements web.Identity: stores a person's language choice.
func (s *Store) SetLocale(ctx context.Context, userID int64, lang string) error {
	_, err := s.DB.Exec(ctx, "UPDATE users SET locale = ? WHERE id = ?", lang, userID)
	return err
}

// Sweep deletes what has served its purpose: expired sessions, spent or
// expired verification and reset tokens, and sign-in failures older than a
// day. Safe to run on several instances at once.
func (s *Store) Sweep(ctx context.Context) (int64, error) {
	var total int64
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		now := tx.Now()
		for _, q := range []struct {
			sql string
			arg time.Time
		}{
			{"DELETE FROM sessions WHERE expires_at < ?", now},
			{"DELETE FROM auth_tokens WHERE expires_at < ?", now},
			{"DELETE FROM login_failures WHERE at < ?", now.Add(-24 * time.Hour)},
			{"DELETE FROM rate_events WHERE at < ?", now.Add(-24 * time.Hour)},
		} {
			res, err := tx.Exec(ctx, q.sql, q.arg)
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			total += n
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("auth: sweep: %w", err)
	}
	return total, nil
}

// Lookup returns account id through q (a transaction or the database), for
// capabilities that write to a person: NotFound when there is none.
func Lookup(ctx context.Context, q db.Querier, id int64) (*User, error) {
	return (*Store)(nil).user(ctx, q, "id = ?", id)
}
