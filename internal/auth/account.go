package auth

import (
	"context"
	"fmt"
	netmail "net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/audit"
	"github.com/wuzhen/wuzhen/internal/crypt"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/i18n"
	mailer "github.com/wuzhen/wuzhen/internal/mail"
)

// Lifetimes and bounds of what a person makes on their account page.
const (
	EmailChangeLife  = 48 * time.Hour
	DefaultTokenLife = 90 * 24 * time.Hour
	MaxTokenLife     = 2 * 365 * 24 * time.Hour
)

// Profile is what a person edits of their own account.
type Profile struct {
	Name       string
	OtherNames string // the name in other scripts
	Locale     string // an interface language, "" for the browser's
	TimeZone   string // an IANA zone, "" for the organisation's
}

// validName adds errors at field for a person's name.
func validName(fe *errs.Fields, field, name string, required bool) {
	switch {
	case required && name == "":
		fe.Add(field, "auth.name_required")
	case utf8.RuneCountInString(name) > 200:
		fe.Add(field, "auth.name_too_long")
	}
	fe.Line(field, name)
}

// ValidTimeZone reports whether tz is "" or an IANA time zone.
func ValidTimeZone(tz string) bool {
	if tz == "" {
		return true
	}
	if tz == "Local" || len(tz) > 64 {
		return false
	}
	_, err := time.LoadLocation(tz)
	return err == nil
}

// SaveProfile changes the name, names in other scripts, language and time
// zone of the account of by. Bad fields are an Invalid error. Audited.
func (s *Store) SaveProfile(ctx context.Context, by *actor.Actor, p Profile) error {
	p.Name, p.OtherNames, p.TimeZone = strings.TrimSpace(p.Name), strings.TrimSpace(p.OtherNames), strings.TrimSpace(p.TimeZone)
	var fe errs.Fields
	validName(&fe, "name", p.Name, true)
	validName(&fe, "other_names", p.OtherNames, false)
	if p.Locale != "" && !slices.Contains(i18n.Langs, p.Locale) {
		fe.Add("locale", "account.locale_invalid")
	}
	if !ValidTimeZone(p.TimeZone) {
		fe.Add("timezone", "account.timezone_invalid")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `-- auth.SaveProfile
			UPDATE users SET name = ?, other_names = ?, locale = ?, timezone = ? WHERE id = ?`,
			p.Name, p.OtherNames, p.Locale, p.TimeZone, by.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "user.profile", Object: object(by.ID)})
	})
}

// checkPassword refuses with Invalid at field when pw is not the
// password of account id.
func (s *Store) checkPassword(ctx context.Context, id int64, field, pw string) error {
	var hash string
	if err := s.DB.QueryRow(ctx, "-- auth.checkPassword\nSELECT password_hash FROM users WHERE id = ?", id).Scan(&hash); err != nil {
		return fmt.Errorf("auth: password: %w", err)
	}
	if hash == "" {
		hash = dummyHash
		pw = "\x00" + pw
	}
	if ok, _ := CheckPassword(hash, pw); !ok {
		var fe errs.Fields
		fe.Add(field, "account.password_wrong")
		return fe.Err()
	}
	return nil
}

// Where is the browser a session is opened for.
type Where struct {
	Addr, Agent string
}

// ChangePassword sets a new password for the account of by after checking
// the current one, ends every session and revokes every API token of the
// account, and opens a new session for the browser that asked (here),
// which it returns. Bad fields are an Invalid error. Audited.
func (s *Store) ChangePassword(ctx context.Context, by *actor.Actor, current, next string, here Where) (token string, expires time.Time, err error) {
	var fe errs.Fields
	ValidatePassword(&fe, "new_password", next)
	if err := fe.Err(); err != nil {
		return "", time.Time{}, err
	}
	if err := s.checkPassword(ctx, by.ID, "password", current); err != nil {
		return "", time.Time{}, err
	}
	hash := HashPassword(next, s.Params)
	token, hashed := crypt.NewToken()
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, "-- auth.ChangePassword\nUPDATE users SET password_hash = ? WHERE id = ?", hash, by.ID); err != nil {
			return err
		}
		if err := revokeAll(ctx, tx, by.ID); err != nil {
			return err
		}
		expires = tx.Now().Add(SessionLife)
		if _, err := tx.Exec(ctx, `-- auth.ChangePassword session
			INSERT INTO sessions (token_hash, user_id, created_at, expires_at, addr, agent) VALUES (?, ?, ?, ?, ?, ?)`,
			hashed, by.ID, tx.Now(), expires, oneLine(here.Addr, 64), oneLine(here.Agent, 300)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "user.password_changed", Object: object(by.ID)})
	})
	if err != nil {
		return "", time.Time{}, fmt.Errorf("auth: change password: %w", err)
	}
	return token, expires, nil
}

// revokeAll ends every session and revokes every API token of account id:
// after a password reset or change, a disabling or a deletion.
func revokeAll(ctx context.Context, tx *db.Tx, id int64) error {
	if _, err := tx.Exec(ctx, "-- auth.revokeAll sessions\nDELETE FROM sessions WHERE user_id = ?", id); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, "-- auth.revokeAll tokens\nDELETE FROM api_tokens WHERE user_id = ?", id)
	return err
}

// RequestEmailChange mails a confirmation link to a new address for the
// account of by, after checking the password, and tells the current
// address. The address changes only when the link is opened. A bad or
// taken address, or a wrong password, is an Invalid error at its field.
func (s *Store) RequestEmailChange(ctx context.Context, by *actor.Actor, email, password string) error {
	email = NormalizeEmail(email)
	var fe errs.Fields
	if a, err := mailAddress(email); err != nil || a != email {
		fe.Add("email", "auth.email_invalid")
	} else if email == by.Email {
		fe.Add("email", "account.email_same")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	if err := s.checkPassword(ctx, by.ID, "password", password); err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, "-- auth.RequestEmailChange taken\nSELECT count(*) FROM users WHERE email = ?", email).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			fe.Add("email", "auth.email_taken")
			return fe.Err()
		}
		if err := s.limit(ctx, tx, "email-change", by.Email, ResetsPerAccount, mailLimitWindow); err != nil {
			return err
		}
		u, err := s.user(ctx, tx, "id = ?", by.ID)
		if err != nil {
			return err
		}
		token, hash := crypt.NewToken()
		now := tx.Now()
		if _, err := tx.Exec(ctx, `-- auth.RequestEmailChange
			INSERT INTO auth_tokens (token_hash, user_id, purpose, created_at, expires_at, data) VALUES (?, ?, 'email', ?, ?, ?)`,
			hash, u.ID, now, now.Add(EmailChangeLife), email); err != nil {
			return err
		}
		p := i18n.For(i18n.Match(u.Locale))
		base := strings.TrimRight(s.BaseURL, "/")
		if _, err := mailer.Send(ctx, tx, mailer.Message{To: email, Subject: p.T("account.mail.email_confirm.subject"),
			Text: p.T("account.mail.email_confirm.body", u.Name, base+"/account/email/confirm?token="+token, int(EmailChangeLife.Hours()))}); err != nil {
			return err
		}
		if _, err := mailer.Send(ctx, tx, mailer.Message{To: u.Email, Subject: p.T("account.mail.email_notice.subject"),
			Text: p.T("account.mail.email_notice.body", u.Name, email, base+"/password/reset")}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: u.ID, Actor: u.Email, Action: "user.email_change_requested", Object: object(u.ID)})
	})
}

// ConfirmEmail changes an account's address to the one a confirmation
// token was mailed to. A token that is unknown, used or expired is an
// Invalid error; an address taken meanwhile is a Conflict.
func (s *Store) ConfirmEmail(ctx context.Context, token string) error {
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		var id int64
		var email string
		err := tx.QueryRow(ctx, `-- auth.ConfirmEmail
			UPDATE auth_tokens SET used_at = ?
			WHERE token_hash = ? AND purpose = 'email' AND used_at IS NULL AND expires_at > ?
			RETURNING user_id, data`, tx.Now(), crypt.HashToken(token), tx.Now()).Scan(&id, &email)
		if db.IsNotFound(err) {
			return errs.New(errs.Invalid, "auth.token_invalid")
		}
		if err != nil {
			return err
		}
		var old string
		if err := tx.QueryRow(ctx, "-- auth.ConfirmEmail old\nSELECT email FROM users WHERE id = ? AND deleted_at IS NULL", id).Scan(&old); err != nil {
			if db.IsNotFound(err) {
				return errs.New(errs.Invalid, "auth.token_invalid")
			}
			return err
		}
		_, err = tx.Exec(ctx, "-- auth.ConfirmEmail set\nUPDATE users SET email = ?, verified_at = COALESCE(verified_at, ?) WHERE id = ?", email, tx.Now(), id)
		if db.IsUnique(err) {
			return errs.New(errs.Conflict, "auth.email_taken")
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "-- auth.ConfirmEmail spent\nDELETE FROM auth_tokens WHERE user_id = ? AND purpose = 'email'", id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: id, Actor: email, Action: "user.email_changed", Object: object(id),
			Details: map[string]any{"from": old, "to": email}})
	})
}

// APIToken is a personal API token as its holder sees it (never the
// token itself, which is shown once when made).
type APIToken struct {
	ID       int64      `json:"id"`
	Label    string     `json:"label"`
	Created  time.Time  `json:"created_at"`
	LastUsed *time.Time `json:"last_used_at"`
	Expires  *time.Time `json:"expires_at"`
}

// Tokens lists the API tokens of account userID, newest first.
func (s *Store) Tokens(ctx context.Context, userID int64) ([]APIToken, error) {
	return db.All(ctx, s.DB, "auth: tokens", func(r db.Scanner) (APIToken, error) {
		var t APIToken
		return t, r.Scan(&t.ID, &t.Label, &t.Created, &t.LastUsed, &t.Expires)
	}, `-- auth.Tokens
		SELECT id, name, created_at, last_used_at, expires_at FROM api_tokens WHERE user_id = ? ORDER BY id DESC`, userID)
}

// NewToken makes a personal API token for by, with a label and an expiry
// (nil: DefaultTokenLife from now), and returns it with the token itself,
// which is not kept. The label must be one line; the expiry in the future
// and within MaxTokenLife: Invalid at the field otherwise. Audited.
func (s *Store) NewToken(ctx context.Context, by *actor.Actor, label string, expires *time.Time) (APIToken, string, error) {
	label = strings.TrimSpace(label)
	now := s.DB.Now()
	var fe errs.Fields
	switch {
	case label == "":
		fe.Add("label", "account.token_label_required")
	case utf8.RuneCountInString(label) > 100:
		fe.Add("label", "account.token_label_long")
	}
	fe.Line("label", label)
	if expires == nil {
		e := now.Add(DefaultTokenLife)
		expires = &e
	} else if !expires.After(now) || expires.Sub(now) > MaxTokenLife {
		fe.Add("expires_at", "account.token_expiry_range", int(MaxTokenLife.Hours()/24/365))
	}
	if err := fe.Err(); err != nil {
		return APIToken{}, "", err
	}
	token, _ := crypt.NewToken()
	token = "wz_" + token
	t := APIToken{Label: label, Expires: expires}
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		t.Created = tx.Now()
		if err := tx.QueryRow(ctx, `-- auth.NewToken
			INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			by.ID, label, crypt.HashToken(token), t.Created, *expires).Scan(&t.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "token.create",
			Object: fmt.Sprintf("token:%d", t.ID), Details: map[string]any{"name": label}})
	})
	if err != nil {
		return APIToken{}, "", fmt.Errorf("auth: new token: %w", err)
	}
	return t, token, nil
}

// RevokeToken deletes API token id of by; another person's token or none
// is NotFound. Audited.
func (s *Store) RevokeToken(ctx context.Context, by *actor.Actor, id int64) error {
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, "-- auth.RevokeToken\nDELETE FROM api_tokens WHERE id = ? AND user_id = ?", id, by.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.New(errs.NotFound, "error.not_found")
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "token.revoke", Object: fmt.Sprintf("token:%d", id)})
	})
}

// Session is one signed-in browser of an account, as its holder sees it.
// ID is the start of the token's hash: enough to name it, useless to sign
// in with.
type Session struct {
	ID      string    `json:"id"`
	Created time.Time `json:"created_at"`
	Expires time.Time `json:"expires_at"`
	Addr    string    `json:"address"`
	Agent   string    `json:"browser"`
	Current bool      `json:"current"`
}

const sessionIDLen = 16

// Sessions lists the live sessions of account userID, newest first,
// marking the one of token current.
func (s *Store) Sessions(ctx context.Context, userID int64, current string) ([]Session, error) {
	cur := ""
	if current != "" {
		cur = crypt.HashToken(current)[:sessionIDLen]
	}
	return db.All(ctx, s.DB, "auth: sessions", func(r db.Scanner) (Session, error) {
		var x Session
		var hash string
		err := r.Scan(&hash, &x.Created, &x.Expires, &x.Addr, &x.Agent)
		x.ID = hash[:min(len(hash), sessionIDLen)]
		x.Current = x.ID == cur
		return x, err
	}, `-- auth.Sessions
		SELECT token_hash, created_at, expires_at, addr, agent FROM sessions WHERE user_id = ? AND expires_at > ?
		ORDER BY created_at DESC`, userID, s.DB.Now())
}

// EndSessions signs out the sessions of by: the one named id, or with id
// "" every one but the session of current. An unknown id is NotFound.
// Audited.
func (s *Store) EndSessions(ctx context.Context, by *actor.Actor, id, current string) error {
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		var res interface{ RowsAffected() (int64, error) }
		var err error
		if id != "" {
			if len(id) != sessionIDLen || strings.Trim(id, "0123456789abcdef") != "" {
				return errs.New(errs.NotFound, "error.not_found")
			}
			res, err = tx.Exec(ctx, "-- auth.EndSessions one\nDELETE FROM sessions WHERE user_id = ? AND token_hash LIKE ?", by.ID, id+"%")
		} else {
			res, err = tx.Exec(ctx, "-- auth.EndSessions others\nDELETE FROM sessions WHERE user_id = ? AND token_hash <> ?", by.ID, crypt.HashToken(current))
		}
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		if id != "" && n == 0 {
			return errs.New(errs.NotFound, "error.not_found")
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "user.sessions_ended", Object: object(by.ID),
			Details: map[string]any{"sessions": n}})
	})
}

// mailAddress returns the address in s, which must have a dot in it.
func mailAddress(s string) (string, error) {
	a, err := netmail.ParseAddress(s)
	if err != nil {
		return "", err
	}
	if !strings.Contains(a.Address, ".") {
		return "", fmt.Errorf("auth: no dot in %q", s)
	}
	return a.Address, nil
}
