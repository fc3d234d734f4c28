package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/events"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/testenv"
)

// TestBrowserRegistration follows a registration in a real browser: a
// person registers for a full category and is waitlisted; the person
// holding the seat cancels; the first is promoted at once; the check-in
// desk checks them in, and a second check-in is refused with the first
// one's time.
func TestBrowserRegistration(t *testing.T) {
	bctx := testenv.Browser(t)
	a := startApp(t, "sqlite:"+filepath.Join(t.TempDir(), "w.db"))
	ctx := context.Background()
	ids := map[string]int64{}
	for _, u := range []struct{ email, name, role string }{
		{"amina@example.org", "Amina Otieno", ""}, {"kofi@example.org", "Kofi Mensah", ""},
		{"desk@example.org", "Desk", auth.RoleCheckIn}, {"sec@example.org", "Secretariat", auth.RoleSecretariat},
	} {
		var roles []string
		if u.role != "" {
			roles = append(roles, u.role)
		}
		acct, err := a.users.Create(ctx, u.email, u.name, "a long password", roles...)
		if err != nil {
			t.Fatal(err)
		}
		ids[u.email] = acct.ID
	}
	sec := &actor.Actor{ID: ids["sec@example.org"], Email: "sec@example.org"}
	start := time.Now().Add(10 * 24 * time.Hour)
	opens := time.Now().Add(-time.Hour) // the desk is open
	if err := a.events.Save(ctx, sec, &events.Event{Slug: "forum-2026", Kind: events.RegionalForum,
		Title: i18n.Text{En: "Africa Digital Forum", Hans: "非洲数字论坛"}, Starts: start, Ends: start.Add(8 * time.Hour),
		TimeZone: "Africa/Nairobi", Venue: "Nairobi", CheckInOpens: &opens}, ""); err != nil {
		t.Fatal(err)
	}
	if err := a.events.SaveCategory(ctx, sec, "forum-2026", &events.Category{Code: "delegate", Name: i18n.Text{En: "Delegate"}, Capacity: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.events.SetStatus(ctx, sec, "forum-2026", events.Published); err != nil {
		t.Fatal(err)
	}
	kofi, err := a.events.Register(ctx, &actor.Actor{ID: ids["kofi@example.org"], Email: "kofi@example.org", Name: "Kofi Mensah"},
		"forum-2026", "delegate", events.Answers{"country": "GH"})
	if err != nil || kofi.Status != events.Confirmed {
		t.Fatalf("kofi: %+v %v", kofi, err)
	}

	bt, cancel := context.WithTimeout(bctx, 120*time.Second)
	defer cancel()
	do := func(step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(bt, actions...); err != nil {
			shot(t, bt, "registration-failed")
			t.Fatalf("%s: %v", step, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(bt, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			shot(t, bt, "registration-failed")
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	signIn := func(email string) {
		t.Helper()
		do("sign in as "+email,
			chromedp.Navigate(a.ts.URL+"/login"),
			chromedp.SendKeys(chromedp.CSS("#f-email"), email),
			chromedp.SendKeys(chromedp.CSS("#f-password"), "a long password"),
			chromedp.Click(chromedp.CSS("main button[type=submit]")),
			chromedp.WaitVisible(chromedp.CSS(".account .who")),
		)
	}
	signOut := func() {
		t.Helper()
		do("sign out", chromedp.Click(chromedp.CSS(".account button")), chromedp.WaitVisible(chromedp.CSS(`.account a[href="/login"]`)))
	}

	// Amina registers: the only seat is taken, she is first on the waitlist.
	signIn("amina@example.org")
	do("open the event and its registration form",
		chromedp.Navigate(a.ts.URL+"/events/forum-2026"),
		chromedp.Click(chromedp.CSS(`a[href="/events/forum-2026/register?category=delegate"]`)),
		chromedp.WaitVisible(chromedp.CSS("#f-country")),
		chromedp.SetValue(chromedp.CSS("#f-country"), "KE"),
		chromedp.SendKeys(chromedp.CSS("#f-organization"), "KICTANet"),
		chromedp.Click(chromedp.CSS("main button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".notice")),
	)
	if got := text(".notice"); !strings.Contains(got, "Waitlisted") || !strings.Contains(got, "number 1 on the waitlist") {
		t.Fatalf("after registering: %q", got)
	}
	mine, err := chromedp.Run(bt, chromedp.Location())
	if err != nil || !strings.Contains(mine, "/registrations/") {
		t.Fatalf("registration page %q %v", mine, err)
	}
	shot(t, bt, "registration-waitlisted")
	signOut()

	// Kofi gives his seat up.
	signIn("kofi@example.org")
	do("cancel Kofi's registration",
		chromedp.Navigate(a.ts.URL+"/registrations"),
		chromedp.Click(chromedp.CSS(".member-list a.member-name")),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/cancel"] button`)),
		chromedp.Click(chromedp.CSS(`form[action$="/cancel"] button`)),
		chromedp.WaitNotPresent(chromedp.CSS(`form[action$="/cancel"] button`)),
	)
	if got := text(".notice"); !strings.Contains(got, "Cancelled") {
		t.Fatalf("Kofi's registration: %q", got)
	}
	signOut()

	// Amina holds the seat now.
	signIn("amina@example.org")
	do("reload Amina's registration", chromedp.Navigate(mine), chromedp.WaitVisible(chromedp.CSS(".notice")))
	if got := text(".notice"); !strings.Contains(got, "Confirmed") {
		t.Fatalf("Amina after the cancellation: %q", got)
	}
	number := strings.TrimPrefix(text("h1"), "Registration ")
	signOut()

	// The check-in desk, on a phone.
	signIn("desk@example.org")
	do("check Amina in",
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(a.ts.URL+"/checkin/forum-2026"),
		chromedp.SendKeys(chromedp.CSS("#f-code"), number),
		chromedp.Click(chromedp.CSS("#checkin-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#checkin-result")),
	)
	if got := text("#checkin-result"); !strings.Contains(got, "Amina Otieno") || !strings.Contains(got, "Checked in") {
		t.Fatalf("check-in: %q", got)
	}
	shot(t, bt, "checkin-done-phone")
	do("check Amina in again",
		chromedp.SendKeys(chromedp.CSS("#f-code"), number),
		chromedp.Click(chromedp.CSS("#checkin-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#checkin-result.checkin-refused")), // the refusal names the person
	)
	if got := text("#checkin-result"); !strings.Contains(got, "Already checked in at") || !strings.Contains(got, "desk@example.org") ||
		!strings.Contains(got, "Amina Otieno") {
		t.Fatalf("second check-in: %q", got)
	}
}
