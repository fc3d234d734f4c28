package auth

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wuzhen/wuzhen/internal/audit"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/db/dbtest"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/jobs"
	"github.com/wuzhen/wuzhen/internal/mail"
)

var sets = []db.Migrations{jobs.Migrations, mail.Migrations, audit.Migrations, Migrations}

// clock is a settable test clock.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time          { return c.now }
func (c *clock) advance(d time.Duration) { c.now = c.now.Add(d) }
func newClock() *clock                   { return &clock{now: time.Date(2026, 11, 9, 9, 0, 0, 0, time.UTC)} }
func testStore(d *db.DB, c *clock) *Store {
	d.Now = c.Now
	return &Store{DB: d, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Params: Params{Memory: 1024, Time: 1, Threads: 1}, BaseURL: "https://wic.example"}
}

var tokenInMail = regexp.MustCompile(`token=([A-Za-z0-9_-]+)`)

func lastToken(t *testing.T, d *db.DB, to string) string {
	t.Helper()
	msgs, _, err := mail.List(context.Background(), d, 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if m.To == to {
			if !strings.Contains(m.Text, "https://wic.example/") {
				t.Fatalf("mail link does not use the base URL:\n%s", m.Text)
			}
			return tokenInMail.FindStringSubmatch(m.Text)[1]
		}
	}
	t.Fatalf("no mail to %s", to)
	return ""
}

func code(err error) errs.Code {
	if err == nil {
		return ""
	}
	return errs.CodeOf(err)
}

func TestStore(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := newClock()
		s := testStore(d, c)

		t.Run("verification links expire", func(t *testing.T) {
			if err := s.Signup(ctx, "late@example.org", "Late", "a good password", "en", "192.0.2.50"); err != nil {
				t.Fatal(err)
			}
			tok := lastToken(t, d, "late@example.org")
			c.advance(VerifyLife + time.Minute)
			if _, err := s.Verify(ctx, tok); code(err) != errs.Invalid {
				t.Errorf("expired token: %v", err)
			}
		})
		t.Run("tokens and passwords are stored hashed", func(t *testing.T) {
			if err := s.Signup(ctx, "hash@example.org", "Hash", "a secret password", "zh-Hant", "192.0.2.50"); err != nil {
				t.Fatal(err)
			}
			tok := lastToken(t, d, "hash@example.org")
			var n int
			d.QueryRow(ctx, "SELECT count(*) FROM auth_tokens WHERE token_hash = ?", tok).Scan(&n)
			if n != 0 {
				t.Error("a token is stored in the clear")
			}
			var pw string
			d.QueryRow(ctx, "SELECT password_hash FROM users WHERE email = ?", "hash@example.org").Scan(&pw)
			if !strings.HasPrefix(pw, "$argon2id$") || strings.Contains(pw, "secret") {
				t.Errorf("password stored as %q", pw)
			}
			msgs, _, _ := mail.List(ctx, d, 1, 0)
			if msgs[0].Subject != "請確認您的電子郵件" {
				t.Errorf("mail to a zh-Hant reader has subject %q", msgs[0].Subject)
			}
		})
		t.Run("sessions expire, reset ends them all", func(t *testing.T) {
			if _, err := s.Create(ctx, "sess@example.org", "Sess", "first password", RoleSecretariat); err != nil {
				t.Fatal(err)
			}
			tok1, _, _, err := s.Login(ctx, "SESS@example.org ", "first password", "192.0.2.1", "")
			if err != nil {
				t.Fatal(err)
			}
			p, err := s.Session(ctx, tok1)
			if err != nil || p == nil || p.Email != "sess@example.org" || !p.HasRole(RoleSecretariat) {
				t.Fatalf("session: %+v %v", p, err)
			}
			// Sign-in renews the session: the old token stops working.
			tok2, _, _, err := s.Login(ctx, "sess@example.org", "first password", "192.0.2.1", tok1)
			if err != nil {
				t.Fatal(err)
			}
			if p, _ := s.Session(ctx, tok1); p != nil {
				t.Error("the old session survived sign-in")
			}
			c.advance(SessionLife + time.Second)
			if p, _ := s.Session(ctx, tok2); p != nil {
				t.Error("an expired session still works")
			}
			tok3, _, _, err := s.Login(ctx, "sess@example.org", "first password", "192.0.2.1", "")
			if err != nil {
				t.Fatal(err)
			}
			if err := s.RequestReset(ctx, "sess@example.org", "192.0.2.1"); err != nil {
				t.Fatal(err)
			}
			if err := s.Reset(ctx, lastToken(t, d, "sess@example.org"), "second password"); err != nil {
				t.Fatal(err)
			}
			if p, _ := s.Session(ctx, tok3); p != nil {
				t.Error("a session survived the password reset")
			}
			if _, _, _, err := s.Login(ctx, "sess@example.org", "second password", "192.0.2.1", ""); err != nil {
				t.Errorf("new password: %v", err)
			}
		})
		t.Run("reset links last an hour", func(t *testing.T) {
			if err := s.RequestReset(ctx, "sess@example.org", "192.0.2.1"); err != nil {
				t.Fatal(err)
			}
			tok := lastToken(t, d, "sess@example.org")
			c.advance(ResetLife + time.Second)
			if err := s.Reset(ctx, tok, "third password!"); code(err) != errs.Invalid {
				t.Errorf("expired reset: %v", err)
			}
			// A verification token is not a reset token.
			if err := s.Signup(ctx, "mix@example.org", "Mix", "a good password", "en", "192.0.2.50"); err != nil {
				t.Fatal(err)
			}
			if err := s.Reset(ctx, lastToken(t, d, "mix@example.org"), "third password!"); code(err) != errs.Invalid {
				t.Errorf("verify token used for reset: %v", err)
			}
		})
		t.Run("failures from one address are limited across accounts", func(t *testing.T) {
			c.advance(time.Hour)
			for i := 0; i < LimitPerAddr; i++ {
				_, _, _, err := s.Login(ctx, strings.Repeat("x", i+1)+"@example.org", "wrong password", "198.51.100.7", "")
				if code(err) != errs.Unauthorized {
					t.Fatalf("attempt %d: %v", i, err)
				}
			}
			if _, _, _, err := s.Login(ctx, "sess@example.org", "second password", "198.51.100.7", ""); code(err) != errs.TooMany {
				t.Errorf("after %d failures from one address: %v", LimitPerAddr, err)
			}
			if _, _, _, err := s.Login(ctx, "sess@example.org", "second password", "203.0.113.9", ""); err != nil {
				t.Errorf("another address: %v", err)
			}
			c.advance(LimitWindow + time.Second)
			if _, _, _, err := s.Login(ctx, "sess@example.org", "second password", "198.51.100.7", ""); err != nil {
				t.Errorf("after the window: %v", err)
			}
		})
		t.Run("sweep deletes what has served its purpose", func(t *testing.T) {
			count := func(table string) (n int) {
				d.QueryRow(ctx, "SELECT count(*) FROM "+table).Scan(&n)
				return n
			}
			if count("sessions") == 0 || count("auth_tokens") == 0 || count("login_failures") == 0 {
				t.Fatal("nothing to sweep: the test needs earlier subtests")
			}
			c.advance(time.Minute)
			live, _, _, err := s.Login(ctx, "sess@example.org", "second password", "192.0.2.1", "")
			if err != nil {
				t.Fatal(err)
			}
			c.advance(SessionLife - time.Second)
			n, err := s.Sweep(ctx)
			if err != nil || n == 0 {
				t.Fatalf("swept %d, %v", n, err)
			}
			if count("auth_tokens") != 0 || count("login_failures") != 0 || count("sessions") != 1 {
				t.Errorf("left tokens %d, failures %d, sessions %d", count("auth_tokens"), count("login_failures"), count("sessions"))
			}
			if p, _ := s.Session(ctx, live); p == nil {
				t.Error("a live session was swept")
			}
		})
		t.Run("a taken address gets a note, not an error", func(t *testing.T) {
			if err := s.Signup(ctx, "sess@example.org", "Impostor", "a good password", "en", "192.0.2.60"); err != nil {
				t.Fatalf("signup with a taken address: %v", err)
			}
			msgs, _, _ := mail.List(ctx, d, 1, 0)
			if msgs[0].To != "sess@example.org" || !strings.Contains(msgs[0].Text, "/password/reset") {
				t.Errorf("note to the holder: %+v", msgs[0])
			}
			var name string
			d.QueryRow(ctx, "SELECT name FROM users WHERE email = ?", "sess@example.org").Scan(&name)
			if name != "Sess" {
				t.Errorf("the account was changed: name %q", name)
			}
		})
		t.Run("mail that anyone can cause is limited", func(t *testing.T) {
			for i := 0; i < ResetsPerAccount; i++ {
				if err := s.RequestReset(ctx, "nobody@example.org", "192.0.2.70"); err != nil {
					t.Fatalf("request %d: %v", i, err)
				}
			}
			if err := s.RequestReset(ctx, "nobody@example.org", "192.0.2.71"); code(err) != errs.TooMany {
				t.Errorf("request over the limit for an address: %v", err)
			}
			for i := 0; i < SignupsPerAddr; i++ {
				if err := s.Signup(ctx, fmt.Sprintf("new%d@example.org", i), "New", "a good password", "en", "192.0.2.80"); err != nil {
					t.Fatalf("signup %d: %v", i, err)
				}
			}
			if err := s.Signup(ctx, "one-more@example.org", "New", "a good password", "en", "192.0.2.80"); code(err) != errs.TooMany {
				t.Errorf("signup over the limit: %v", err)
			}
			c.advance(time.Hour + time.Second)
			if err := s.Signup(ctx, "one-more@example.org", "New", "a good password", "en", "192.0.2.80"); err != nil {
				t.Errorf("signup after the window: %v", err)
			}
		})
		t.Run("an account without a password cannot sign in", func(t *testing.T) {
			if _, err := s.Create(ctx, "nopw@example.org", "No Password", "", RoleAdmin); err != nil {
				t.Fatal(err)
			}
			for _, pw := range []string{"", "wuzhen-dummy"} {
				if _, _, _, err := s.Login(ctx, "nopw@example.org", pw, "192.0.2.90", ""); code(err) != errs.Unauthorized {
					t.Errorf("password %q: %v", pw, err)
				}
			}
		})
		t.Run("a reset revokes the other reset links", func(t *testing.T) {
			c.advance(time.Hour)
			s.RequestReset(ctx, "nopw@example.org", "192.0.2.91")
			first := lastToken(t, d, "nopw@example.org")
			s.RequestReset(ctx, "nopw@example.org", "192.0.2.91")
			second := lastToken(t, d, "nopw@example.org")
			if err := s.Reset(ctx, second, "now with a password"); err != nil {
				t.Fatal(err)
			}
			if err := s.Reset(ctx, first, "another password!"); code(err) != errs.Invalid {
				t.Errorf("the older link still works: %v", err)
			}
			if _, _, _, err := s.Login(ctx, "nopw@example.org", "now with a password", "192.0.2.92", ""); err != nil {
				t.Errorf("sign in after reset: %v", err)
			}
		})
		t.Run("create checks its fields", func(t *testing.T) {
			_, err := s.Create(ctx, "bad", "", "x", "emperor")
			e, ok := errs.As(err)
			if !ok || e.Code != errs.Invalid {
				t.Fatalf("got %v", err)
			}
			got := map[string]bool{}
			for _, f := range e.Fields {
				got[f.Name] = true
			}
			for _, f := range []string{"email", "name", "password", "role"} {
				if !got[f] {
					t.Errorf("no error at %s: %v", f, e.Fields)
				}
			}
		})
		t.Run("every change is audited", func(t *testing.T) {
			entries, _, err := audit.List(ctx, d, 200, 0)
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]bool{}
			for _, e := range entries {
				seen[e.Action] = true
			}
			for _, a := range []string{"user.signup", "user.create", "user.login", "user.reset_requested", "user.password_reset"} {
				if !seen[a] {
					t.Errorf("no %s in the audit log", a)
				}
			}
		})
	})
}

func TestPasswordHash(t *testing.T) {
	p := Params{Memory: 1024, Time: 1, Threads: 1}
	h1, h2 := HashPassword("数字鸿沟 password", p), HashPassword("数字鸿沟 password", p)
	if h1 == h2 {
		t.Error("two hashes of one password are equal: no salt?")
	}
	for _, tc := range []struct {
		hash, pw string
		ok       bool
		bad      bool
	}{
		{h1, "数字鸿沟 password", true, false},
		{h1, "数字鸿沟 passwore", false, false},
		{h1, "", false, false},
		{"$argon2i$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaA", "x", false, true},
		{"plain", "plain", false, true},
		{"$argon2id$v=19$m=1024,t=1,p=1$!!$aGFzaA", "x", false, true},
	} {
		ok, err := CheckPassword(tc.hash, tc.pw)
		if ok != tc.ok || (err != nil) != tc.bad {
			t.Errorf("CheckPassword(%q, %q) = %v, %v", tc.hash, tc.pw, ok, err)
		}
	}
}
