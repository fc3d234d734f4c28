package auth

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wuzhen/wuzhen/internal/audit"
	"github.com/wuzhen/wuzhen/internal/crypt"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/i18n"
	mailer "github.com/wuzhen/wuzhen/internal/mail"
)

// Sign-in limits. Failures are counted within LimitWindow:
//
//   - per account and client address: LimitPerAccount, after which that
//     address is refused for the account (others are not);
//   - per client address, across accounts: LimitPerAddr;
//   - per account, from every address: past LimitAccount failures, an
//     attempt from a device that never signed in to the account is let
//     through only when no such attempt was made in the last
//     AccountSpacing, so that guessing from many addresses runs at one try
//     per AccountSpacing while the owner still gets in after a short wait;
//   - a known device (one that signed in to the account before, named by
//     its cookie) is not held by the address and account limits that
//     others' failures fill, only by LimitPerAccount failures of its own.
//
// The owner is mailed when failures reach LimitAccount, at most once per
// AlertEvery.
const (
	LimitWindow     = 15 * time.Minute
	LimitPerAccount = 5
	LimitPerAddr    = 30
	LimitAccount    = 10
	AccountSpacing  = time.Minute
	AlertEvery      = time.Hour
	// DeviceLife is how long a device cookie is kept by the browser.
	DeviceLife = 365 * 24 * time.Hour
)

// Attempt is one sign-in attempt.
type Attempt struct {
	Email, Password string
	Addr            string // the client's address
	Agent           string // the browser's User-Agent, shown in the list of sessions
	Device          string // the device cookie's value, "" when none
	Old             string // the session the browser had, replaced
}

// SignedIn is a successful sign-in.
type SignedIn struct {
	Token   string // the new session
	Expires time.Time
	User    *User
	// Device is a new device token for the cookie, "" when the device
	// was known already.
	Device string
}

// Login signs in without a device or browser details (the CLI and
// tests); see SignIn.
func (s *Store) Login(ctx context.Context, email, password, addr, old string) (token string, expires time.Time, u *User, err error) {
	r, err := s.SignIn(ctx, Attempt{Email: email, Password: password, Addr: addr, Old: old})
	if err != nil {
		return "", time.Time{}, nil, err
	}
	return r.Token, r.Expires, r.User, nil
}

// SignIn checks email and password and opens a new session, replacing
// the session the browser had. It refuses with TooMany past the sign-in
// limits (above), with Unauthorized for a wrong address or password, and
// with Forbidden before verification or for a disabled account.
func (s *Store) SignIn(ctx context.Context, a Attempt) (*SignedIn, error) {
	email := NormalizeEmail(a.Email)
	now := s.DB.Now()
	device := ""
	if a.Device != "" {
		device = crypt.HashToken(a.Device)
	}
	// Reserve the attempt before checking the password: the count and the
	// insert happen in one write transaction, serialised per account and
	// address (advisory locks on PostgreSQL, the single writer on SQLite),
	// so that parallel guesses cannot exceed the limits. A successful
	// sign-in removes its reservation and the failures of its address or
	// device.
	var reserved int64
	known := false
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		if err := tx.Lock(ctx, "login:"+email); err != nil {
			return err
		}
		if err := tx.Lock(ctx, "login-addr:"+a.Addr); err != nil {
			return err
		}
		if device != "" {
			var n int
			if err := tx.QueryRow(ctx, `-- auth.SignIn device
				SELECT count(*) FROM login_devices d JOIN users u ON u.id = d.user_id WHERE d.token_hash = ? AND u.email = ?`,
				device, email).Scan(&n); err != nil {
				return err
			}
			known = n > 0
		}
		since := now.Add(-LimitWindow)
		var total int
		if known {
			var own int
			if err := tx.QueryRow(ctx, `-- auth.SignIn known device
				SELECT count(*) FROM login_failures WHERE email = ? AND device = ? AND at > ?`,
				email, device, since).Scan(&own); err != nil {
				return err
			}
			if own >= LimitPerAccount {
				return errs.New(errs.TooMany, "auth.too_many")
			}
		} else {
			device = ""
			var pair, perAddr, recent int
			if err := tx.QueryRow(ctx, `-- auth.SignIn limits
				SELECT (SELECT count(*) FROM login_failures WHERE email = ? AND addr = ? AND at > ?),
				       (SELECT count(*) FROM login_failures WHERE addr = ? AND at > ?),
				       (SELECT count(*) FROM login_failures WHERE email = ? AND device = '' AND at > ?),
				       (SELECT count(*) FROM login_failures WHERE email = ? AND device = '' AND at > ?)`,
				email, a.Addr, since, a.Addr, since, email, since, email, now.Add(-AccountSpacing)).
				Scan(&pair, &perAddr, &total, &recent); err != nil {
				return err
			}
			if pair >= LimitPerAccount || perAddr >= LimitPerAddr {
				return errs.New(errs.TooMany, "auth.too_many")
			}
			if total >= LimitAccount && recent > 0 {
				return errs.Newf(errs.TooMany, "account.too_many", int(AccountSpacing.Seconds()))
			}
		}
		if err := tx.QueryRow(ctx, `-- auth.SignIn reserve
			INSERT INTO login_failures (email, addr, device, at) VALUES (?, ?, ?, ?) RETURNING id`,
			email, a.Addr, device, now).Scan(&reserved); err != nil {
			return err
		}
		if !known && total+1 >= LimitAccount {
			return s.alert(ctx, tx, email, total+1)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("auth: login: %w", err)
	}
	var hash string
	var verified, disabled *time.Time
	u, err := s.user(ctx, s.DB, "email = ?", email)
	if err == nil {
		err = s.DB.QueryRow(ctx, "-- auth.SignIn password\nSELECT password_hash, verified_at, disabled_at FROM users WHERE id = ?", u.ID).
			Scan(&hash, &verified, &disabled)
	}
	if err != nil && errs.CodeOf(err) != errs.NotFound {
		return nil, err
	}
	// An account without a password (made by an operator) cannot sign in
	// until a reset; the dummy check keeps the timing the same.
	hasPassword := hash != ""
	if !hasPassword {
		hash = dummyHash
	}
	ok, _ := CheckPassword(hash, a.Password)
	if u == nil || !ok || !hasPassword {
		return nil, errs.New(errs.Unauthorized, "auth.login_failed")
	}
	if disabled != nil {
		return nil, errs.New(errs.Forbidden, "account.disabled")
	}
	if verified == nil {
		return nil, errs.New(errs.Forbidden, "auth.unverified")
	}
	r := &SignedIn{User: u, Expires: now.Add(SessionLife)}
	token, hashed := crypt.NewToken()
	r.Token = token
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		if a.Old != "" {
			if _, err := tx.Exec(ctx, "-- auth.SignIn renew\nDELETE FROM sessions WHERE token_hash = ?", crypt.HashToken(a.Old)); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `-- auth.SignIn clear
			DELETE FROM login_failures WHERE id = ? OR (email = ? AND addr = ? AND device = '') OR (email = ? AND device = ? AND device <> '')`,
			reserved, email, a.Addr, email, device); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "-- auth.SignIn expired\nDELETE FROM sessions WHERE user_id = ? AND expires_at < ?", u.ID, tx.Now()); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `-- auth.SignIn session
			INSERT INTO sessions (token_hash, user_id, created_at, expires_at, addr, agent) VALUES (?, ?, ?, ?, ?, ?)`,
			hashed, u.ID, tx.Now(), r.Expires, oneLine(a.Addr, 64), oneLine(a.Agent, 300)); err != nil {
			return err
		}
		if known {
			if _, err := tx.Exec(ctx, "-- auth.SignIn device used\nUPDATE login_devices SET last_used_at = ? WHERE token_hash = ?", tx.Now(), device); err != nil {
				return err
			}
		} else {
			tok, h := crypt.NewToken()
			if _, err := tx.Exec(ctx, `-- auth.SignIn new device
				INSERT INTO login_devices (token_hash, user_id, created_at, last_used_at) VALUES (?, ?, ?, ?)`,
				h, u.ID, tx.Now(), tx.Now()); err != nil {
				return err
			}
			r.Device = tok
		}
		if _, err := tx.Exec(ctx, "-- auth.SignIn last\nUPDATE users SET last_login_at = ? WHERE id = ?", tx.Now(), u.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: u.ID, Actor: u.Email, Action: "user.login", Object: object(u.ID),
			Details: map[string]any{"addr": a.Addr, "known_device": known}})
	})
	if err != nil {
		return nil, fmt.Errorf("auth: login: %w", err)
	}
	return r, nil
}

// alert mails the holder of email that their account saw failures
// failed sign-ins, at most once per AlertEvery. An address without an
// account gets nothing.
func (s *Store) alert(ctx context.Context, tx *db.Tx, email string, failures int) error {
	var n int
	if err := tx.QueryRow(ctx, "-- auth.alert\nSELECT count(*) FROM rate_events WHERE kind = 'login-alert' AND key = ? AND at > ?",
		email, tx.Now().Add(-AlertEvery)).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	u, err := s.user(ctx, tx, "email = ?", email)
	if errs.CodeOf(err) == errs.NotFound {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "-- auth.alert sent\nINSERT INTO rate_events (kind, key, at) VALUES ('login-alert', ?, ?)", email, tx.Now()); err != nil {
		return err
	}
	p := i18n.For(i18n.Match(u.Locale))
	base := strings.TrimRight(s.BaseURL, "/")
	_, err = mailer.Send(ctx, tx, mailer.Message{
		To:      u.Email,
		Subject: p.T("account.mail.login_alert.subject"),
		Text:    p.T("account.mail.login_alert.body", u.Name, failures, int(LimitWindow.Minutes()), base+"/account", base+"/password/reset"),
	})
	return err
}

// oneLine keeps at most max bytes of s, valid UTF-8 on one line, for
// what browsers say of themselves.
func oneLine(s string, max int) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	for len(s) > max {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	return strings.TrimSpace(s)
}
