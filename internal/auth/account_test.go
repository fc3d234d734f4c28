package auth

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/db/dbtest"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/mail"
)

// TestSignInCannotLockTheOwnerOut: an attacker's failures from many
// addresses do not stop the owner's correct password from a device that
// signed in before, nor (after a short wait) from a new one; guessing
// stays limited, per address and across addresses; the owner is told.
func TestSignInCannotLockTheOwnerOut(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := newClock()
		s := testStore(d, c)
		if _, err := s.Create(ctx, "desk@example.org", "Check-in Desk", "the desk password", RoleCheckIn); err != nil {
			t.Fatal(err)
		}
		// The owner signed in on the desk's laptop yesterday.
		first, err := s.SignIn(ctx, Attempt{Email: "desk@example.org", Password: "the desk password", Addr: "192.0.2.10"})
		if err != nil || first.Device == "" {
			t.Fatalf("first sign-in: %+v, %v", first, err)
		}
		c.advance(24 * time.Hour)

		// The attacker guesses from many addresses, LimitPerAccount-1 each.
		guesses, refused := 0, 0
		for i := 0; i < 40; i++ {
			_, err := s.SignIn(ctx, Attempt{Email: "desk@example.org", Password: fmt.Sprintf("guess %d", i),
				Addr: fmt.Sprintf("198.51.100.%d", i/(LimitPerAccount-1))})
			switch code(err) {
			case errs.Unauthorized:
				guesses++
			case errs.TooMany:
				refused++
			default:
				t.Fatalf("guess %d: %v", i, err)
			}
		}
		if guesses > LimitAccount || refused == 0 {
			t.Errorf("%d guesses checked, %d refused: want at most %d checked within a minute", guesses, refused, LimitAccount)
		}
		// The owner, on the known device: in at once, whatever the
		// attacker did.
		if _, err := s.SignIn(ctx, Attempt{Email: "desk@example.org", Password: "the desk password", Addr: "192.0.2.10",
			Device: first.Device}); err != nil {
			t.Fatalf("the owner on a known device was refused: %v", err)
		}
		// A known device with the wrong password still counts its own
		// failures.
		for i := 0; i < LimitPerAccount; i++ {
			s.SignIn(ctx, Attempt{Email: "desk@example.org", Password: "typo", Addr: "192.0.2.10", Device: first.Device})
		}
		if _, err := s.SignIn(ctx, Attempt{Email: "desk@example.org", Password: "the desk password", Addr: "192.0.2.10",
			Device: first.Device}); code(err) != errs.TooMany {
			t.Errorf("a known device after %d failures of its own: %v", LimitPerAccount, err)
		}
		// A device of another account is not known to this one.
		if _, err := s.Create(ctx, "other@example.org", "Other", "other password"); err != nil {
			t.Fatal(err)
		}
		other, err := s.SignIn(ctx, Attempt{Email: "other@example.org", Password: "other password", Addr: "203.0.113.1"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.SignIn(ctx, Attempt{Email: "desk@example.org", Password: "the desk password", Addr: "203.0.113.1",
			Device: other.Device}); code(err) != errs.TooMany {
			t.Errorf("another account's device passed the account limit: %v", err)
		}
		// The owner on a new device: refused while guesses keep coming,
		// in after a short wait without them.
		c.advance(AccountSpacing + time.Second)
		if _, err := s.SignIn(ctx, Attempt{Email: "desk@example.org", Password: "the desk password", Addr: "203.0.113.2"}); err != nil {
			t.Errorf("the owner on a new device after %s: %v", AccountSpacing, err)
		}
		// Guessing over time stays at one try per AccountSpacing.
		c.advance(AccountSpacing + time.Second)
		checked := 0
		for i := 0; i < 60; i++ {
			c.advance(10 * time.Second)
			_, err := s.SignIn(ctx, Attempt{Email: "desk@example.org", Password: "guess", Addr: fmt.Sprintf("198.51.101.%d", i)})
			if code(err) == errs.Unauthorized {
				checked++
			}
		}
		if max := int(10*time.Minute/AccountSpacing) + LimitAccount; checked > max {
			t.Errorf("%d guesses checked in 10 minutes, want at most %d", checked, max)
		}
		// The owner was told once, not at every failure.
		msgs, _, err := mail.List(ctx, d, 50, 0)
		if err != nil {
			t.Fatal(err)
		}
		alerts := 0
		for _, m := range msgs {
			if m.To == "desk@example.org" && strings.Contains(m.Text, "failed attempts") {
				alerts++
			}
		}
		if alerts != 1 {
			t.Errorf("%d alerts mailed to the owner, want 1", alerts)
		}
	})
}

// TestPasswordRevokesTokensAndSessions: a reset or a change of password
// ends every session and revokes every API token of the account.
func TestPasswordRevokesTokensAndSessions(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := newClock()
		s := testStore(d, c)
		u, err := s.Create(ctx, "leak@example.org", "Leak", "first password")
		if err != nil {
			t.Fatal(err)
		}
		me := u.Principal()
		open := func(password string) (session, token string) {
			t.Helper()
			r, err := s.SignIn(ctx, Attempt{Email: "leak@example.org", Password: password, Addr: "192.0.2.1"})
			if err != nil {
				t.Fatal(err)
			}
			_, token, err = s.NewToken(ctx, me, "script", nil)
			if err != nil {
				t.Fatal(err)
			}
			return r.Token, token
		}
		alive := func(session, token string) (bool, bool) {
			p1, err := s.Session(ctx, session)
			if err != nil {
				t.Fatal(err)
			}
			p2, err := s.Bearer(ctx, token)
			if err != nil {
				t.Fatal(err)
			}
			return p1 != nil, p2 != nil
		}
		sess, tok := open("first password")
		if a, b := alive(sess, tok); !a || !b {
			t.Fatalf("session %v, token %v before the reset", a, b)
		}
		if err := s.RequestReset(ctx, "leak@example.org", "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		if err := s.Reset(ctx, lastToken(t, d, "leak@example.org"), "second password"); err != nil {
			t.Fatal(err)
		}
		if a, b := alive(sess, tok); a || b {
			t.Errorf("after a reset: session alive %v, token alive %v", a, b)
		}
		sess, tok = open("second password")
		if _, _, err := s.ChangePassword(ctx, me, "not it", "third password", Where{}); code(err) != errs.Invalid {
			t.Errorf("change with a wrong password: %v", err)
		}
		here, _, err := s.ChangePassword(ctx, me, "second password", "third password", Where{Addr: "192.0.2.1", Agent: "Test"})
		if err != nil {
			t.Fatal(err)
		}
		if a, b := alive(sess, tok); a || b {
			t.Errorf("after a change: session alive %v, token alive %v", a, b)
		}
		if p, _ := s.Session(ctx, here); p == nil {
			t.Error("the browser that changed the password was signed out")
		}
		// Tokens can be made again.
		if _, tok, err = s.NewToken(ctx, me, "again", nil); err != nil {
			t.Fatal(err)
		}
		if p, _ := s.Bearer(ctx, tok); p == nil {
			t.Error("a new token does not work")
		}
	})
}

// TestPeople: the administrators' list and actions.
func TestPeople(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := newClock()
		s := testStore(d, c)
		admin, err := s.Create(ctx, "root@example.org", "Root Admin", "admin password", RoleAdmin)
		if err != nil {
			t.Fatal(err)
		}
		by := admin.Principal()
		ann, err := s.Create(ctx, "ann@example.org", "Ann Chen", "ann password")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SaveProfile(ctx, ann.Principal(), Profile{Name: "Ann Chen", OtherNames: "陈安", TimeZone: "Asia/Shanghai", Locale: "zh-Hans"}); err != nil {
			t.Fatal(err)
		}
		if err := s.Signup(ctx, "new@example.org", "Newcomer", "a good password", "en", "192.0.2.5"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SignIn(ctx, Attempt{Email: "ann@example.org", Password: "ann password", Addr: "192.0.2.6"}); err != nil {
			t.Fatal(err)
		}
		names := func(f Filter) []string {
			t.Helper()
			list, total, err := s.People(ctx, f, 50, 0)
			if err != nil {
				t.Fatal(err)
			}
			if total != len(list) {
				t.Errorf("%+v: total %d, listed %d", f, total, len(list))
			}
			var out []string
			for _, u := range list {
				out = append(out, u.Name)
			}
			return out
		}
		for _, tc := range []struct {
			f    Filter
			want string
		}{
			{Filter{}, "Ann Chen,Newcomer,Root Admin"},
			{Filter{Query: "陈"}, "Ann Chen"},
			{Filter{Query: "ROOT@"}, "Root Admin"},
			{Filter{Query: "%"}, ""},
			{Filter{Role: RoleAdmin}, "Root Admin"},
			{Filter{Role: "staff"}, "Root Admin"},
			{Filter{Verified: "no"}, "Newcomer"},
			{Filter{Signed: "week"}, "Ann Chen"},
			{Filter{Signed: "never"}, "Newcomer,Root Admin"},
		} {
			if got := strings.Join(names(tc.f), ","); got != tc.want {
				t.Errorf("%+v: %q, want %q", tc.f, got, tc.want)
			}
		}

		// The last administrator keeps the role and the account.
		if err := s.SetRole(ctx, by, admin.ID, RoleAdmin, false); code(err) != errs.Conflict {
			t.Errorf("the last administrator removed their role: %v", err)
		}
		if err := s.SetDisabled(ctx, by, admin.ID, true); code(err) != errs.Conflict {
			t.Errorf("an administrator disabled their own account: %v", err)
		}
		if err := s.Delete(ctx, by, "admin password"); code(err) != errs.Conflict {
			t.Errorf("the last administrator deleted their account: %v", err)
		}
		if err := s.SetRole(ctx, by, ann.ID, "emperor", true); code(err) != errs.Invalid {
			t.Errorf("an unknown role: %v", err)
		}
		if err := s.SetRole(ctx, by, ann.ID, RoleAdmin, true); err != nil {
			t.Fatal(err)
		}
		if err := s.SetRole(ctx, by, admin.ID, RoleAdmin, false); err != nil {
			t.Errorf("with two administrators, one leaves the role: %v", err)
		}
		if err := s.SetRole(ctx, ann.Principal(), ann.ID, RoleAdmin, false); code(err) != errs.Conflict {
			t.Errorf("the new last administrator removed their role: %v", err)
		}

		// Disabling stops sessions and tokens at once.
		bob, err := s.Create(ctx, "bob@example.org", "Bob", "bob password")
		if err != nil {
			t.Fatal(err)
		}
		r, err := s.SignIn(ctx, Attempt{Email: "bob@example.org", Password: "bob password", Addr: "192.0.2.7"})
		if err != nil {
			t.Fatal(err)
		}
		_, tok, err := s.NewToken(ctx, bob.Principal(), "script", nil)
		if err != nil {
			t.Fatal(err)
		}
		if p, _ := s.Bearer(ctx, tok); p == nil {
			t.Fatal("the token does not work")
		}
		if err := s.SetDisabled(ctx, ann.Principal(), bob.ID, true); err != nil {
			t.Fatal(err)
		}
		if p, _ := s.Bearer(ctx, tok); p != nil {
			t.Error("a disabled account's token still works")
		}
		if p, _ := s.Session(ctx, r.Token); p != nil {
			t.Error("a disabled account's session still works")
		}
		if _, err := s.SignIn(ctx, Attempt{Email: "bob@example.org", Password: "bob password", Addr: "192.0.2.7"}); code(err) != errs.Forbidden {
			t.Errorf("a disabled account signed in: %v", err)
		}
		if err := s.SetDisabled(ctx, ann.Principal(), bob.ID, false); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SignIn(ctx, Attempt{Email: "bob@example.org", Password: "bob password", Addr: "192.0.2.7"}); err != nil {
			t.Errorf("an enabled account: %v", err)
		}
		if err := s.SendReset(ctx, ann.Principal(), bob.ID); err != nil {
			t.Fatal(err)
		}
		lastToken(t, d, "bob@example.org")
	})
}

// TestOwnAccount: profile, tokens, sessions and the change of address.
func TestOwnAccount(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := newClock()
		s := testStore(d, c)
		u, err := s.Create(ctx, "me@example.org", "Me", "my password")
		if err != nil {
			t.Fatal(err)
		}
		me := u.Principal()
		for _, p := range []Profile{{Name: ""}, {Name: "Two\nLines"}, {Name: "Me", TimeZone: "Mars/Olympus"}, {Name: "Me", Locale: "fr"},
			{Name: "Me", OtherNames: "\u202eevil"}} {
			if err := s.SaveProfile(ctx, me, p); code(err) != errs.Invalid {
				t.Errorf("%+v: %v", p, err)
			}
		}
		past := c.now.Add(-time.Hour)
		far := c.now.Add(3 * 365 * 24 * time.Hour)
		for _, e := range []*time.Time{&past, &far} {
			if _, _, err := s.NewToken(ctx, me, "x", e); code(err) != errs.Invalid {
				t.Errorf("expiry %s: %v", e, err)
			}
		}
		soon := c.now.Add(time.Hour)
		made, tok, err := s.NewToken(ctx, me, "short", &soon)
		if err != nil {
			t.Fatal(err)
		}
		if p, _ := s.Bearer(ctx, tok); p == nil {
			t.Fatal("a new token does not work")
		}
		list, err := s.Tokens(ctx, me.ID)
		if err != nil || len(list) != 1 || list[0].LastUsed == nil || list[0].Label != "short" {
			t.Fatalf("tokens %+v, %v", list, err)
		}
		c.advance(2 * time.Hour)
		if p, _ := s.Bearer(ctx, tok); p != nil {
			t.Error("an expired token works")
		}
		other, err := s.Create(ctx, "other@example.org", "Other", "other password")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.RevokeToken(ctx, other.Principal(), made.ID); code(err) != errs.NotFound {
			t.Errorf("another person revoked my token: %v", err)
		}
		if err := s.RevokeToken(ctx, me, made.ID); err != nil {
			t.Error(err)
		}

		// Sessions: list, end one, end the others.
		var tokens []string
		for i := 0; i < 3; i++ {
			r, err := s.SignIn(ctx, Attempt{Email: "me@example.org", Password: "my password", Addr: fmt.Sprintf("192.0.2.%d", i), Agent: "Browser " + fmt.Sprint(i)})
			if err != nil {
				t.Fatal(err)
			}
			tokens = append(tokens, r.Token)
		}
		sessions, err := s.Sessions(ctx, me.ID, tokens[0])
		if err != nil || len(sessions) != 3 {
			t.Fatalf("sessions %+v, %v", sessions, err)
		}
		var second string
		for _, x := range sessions {
			if x.Agent == "Browser 1" {
				second = x.ID
			}
			if x.Current != (x.Agent == "Browser 0") {
				t.Errorf("current marked wrongly: %+v", x)
			}
		}
		if err := s.EndSessions(ctx, other.Principal(), second, ""); code(err) != errs.NotFound {
			t.Errorf("another person ended my session: %v", err)
		}
		if err := s.EndSessions(ctx, me, second, tokens[0]); err != nil {
			t.Fatal(err)
		}
		if p, _ := s.Session(ctx, tokens[1]); p != nil {
			t.Error("the ended session works")
		}
		if err := s.EndSessions(ctx, me, "", tokens[0]); err != nil {
			t.Fatal(err)
		}
		if p, _ := s.Session(ctx, tokens[2]); p != nil {
			t.Error("another session survived")
		}
		if p, _ := s.Session(ctx, tokens[0]); p == nil {
			t.Error("the current session was ended")
		}

		// A new address, confirmed by mail.
		if err := s.RequestEmailChange(ctx, me, "other@example.org", "my password"); code(err) != errs.Invalid {
			t.Errorf("a taken address: %v", err)
		}
		if err := s.RequestEmailChange(ctx, me, "new@example.org", "wrong"); code(err) != errs.Invalid {
			t.Errorf("a wrong password: %v", err)
		}
		if err := s.RequestEmailChange(ctx, me, "New@Example.org", "my password"); err != nil {
			t.Fatal(err)
		}
		if u, _ := s.ByEmail(ctx, "me@example.org"); u == nil {
			t.Fatal("the address changed before confirmation")
		}
		if err := s.ConfirmEmail(ctx, lastToken(t, d, "new@example.org")); err != nil {
			t.Fatal(err)
		}
		if u, err := s.ByEmail(ctx, "new@example.org"); err != nil || u.ID != me.ID {
			t.Errorf("after confirmation: %+v, %v", u, err)
		}
		if err := s.ConfirmEmail(ctx, lastToken(t, d, "new@example.org")); code(err) != errs.Invalid {
			t.Errorf("a spent link: %v", err)
		}
	})
}
