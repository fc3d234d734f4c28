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
	"github.com/wuzhen/wuzhen/internal/members"
	"github.com/wuzhen/wuzhen/internal/testenv"
)

// TestBrowserMembership follows an application in a real browser: a new
// person applies, the secretariat asks for more information, the applicant
// resubmits, the secretariat approves, and the member appears in the
// directory (found by its name in the other Chinese script), on the map,
// and in the headline figures.
func TestBrowserMembership(t *testing.T) {
	bctx := testenv.Browser(t)
	a := startApp(t, "sqlite:"+filepath.Join(t.TempDir(), "w.db"))
	ctx := context.Background()
	for _, u := range []struct{ email, name, role string }{
		{"applicant@example.org", "Grace Wanjiru", ""},
		{"sec@example.org", "Secretariat", auth.RoleSecretariat},
	} {
		var roles []string
		if u.role != "" {
			roles = append(roles, u.role)
		}
		if _, err := a.users.Create(ctx, u.email, u.name, "a long password", roles...); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.members.Add(ctx, &actor.Actor{Email: "test"}, &members.Member{Kind: members.Organization,
		Name: members.Names{En: "Pacific Islands Net Society"}, Group: members.CivilSociety, Country: "FJ", JoinedOn: "2022-04-01"}); err != nil {
		t.Fatal(err)
	}

	bt, cancel := context.WithTimeout(bctx, 120*time.Second)
	defer cancel()
	do := func(step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(bt, actions...); err != nil {
			shot(t, bt, "members-failed")
			t.Fatalf("%s: %v", step, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(bt, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			shot(t, bt, "members-failed")
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

	do("read the figures", chromedp.Navigate(a.ts.URL+"/members"), chromedp.WaitVisible(chromedp.CSS(".headline")))
	if got := text(".headline"); got != "1 member from 1 country and region on 1 continent" {
		t.Errorf("headline before: %q", got)
	}

	signIn("applicant@example.org")
	do("apply",
		chromedp.Navigate(a.ts.URL+"/members"),
		chromedp.Click(chromedp.CSS(`a[href="/members/apply"]`)),
		chromedp.WaitVisible(chromedp.CSS("#f-name_en")),
		chromedp.SendKeys(chromedp.CSS("#f-name_en"), "Rift Valley Open Data Lab"),
		chromedp.SendKeys(chromedp.CSS("#f-name_zh_hans"), "东非裂谷开放数据实验室"),
		chromedp.SetValue(chromedp.CSS("#f-stakeholder_group"), "academia"),
		chromedp.SetValue(chromedp.CSS("#f-country"), "KE"),
		chromedp.SendKeys(chromedp.CSS("#f-motivation"), "We open public data in East Africa."),
		// Submitting without agreeing to the charter comes back at the field,
		// with everything typed still there.
		chromedp.Click(chromedp.CSS(`button[value="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("#e-charter")),
	)
	if v, _ := chromedp.Run(bt, chromedp.Value(chromedp.CSS("#f-name_zh_hans"))); v != "东非裂谷开放数据实验室" {
		t.Errorf("the form lost the Chinese name: %q", v)
	}
	if v, _ := chromedp.Run(bt, chromedp.Value(chromedp.CSS("#f-country"))); v != "KE" {
		t.Errorf("the form lost the country: %q", v)
	}
	do("agree and submit",
		chromedp.Click(chromedp.CSS("#f-charter")),
		chromedp.Click(chromedp.CSS(`button[value="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("p.status")),
	)
	if got := text("p.status"); !strings.Contains(got, "Submitted") {
		t.Errorf("after submitting: %q", got)
	}
	signOut()

	signIn("sec@example.org")
	do("ask for more information",
		chromedp.Click(chromedp.CSS(`a[href="/admin"]`)),
		chromedp.Click(chromedp.CSS(`a[href="/admin/applications"]`)),
		chromedp.WaitVisible(chromedp.CSS(`tbody a`)),
		chromedp.Click(chromedp.CSS(`tbody a`)),
		chromedp.WaitVisible(chromedp.CSS(`input[value="request_info"]`)),
		chromedp.Click(chromedp.CSS(`input[value="request_info"]`)),
		chromedp.SendKeys(chromedp.CSS("#f-reason"), "Which data sets have you opened?"),
		chromedp.Click(chromedp.CSS(`form[action$="/decision"] button`)),
		// Once decided, the page comes back without the decision form.
		chromedp.WaitNotPresent(chromedp.CSS(`form[action$="/decision"]`)),
	)
	if got := text("p.status"); !strings.Contains(got, "More information requested") {
		t.Errorf("after asking: %q", got)
	}
	signOut()

	signIn("applicant@example.org")
	do("resubmit",
		chromedp.Navigate(a.ts.URL+"/members/applications"),
		chromedp.Click(chromedp.CSS(`tbody a`)),
		chromedp.WaitVisible(chromedp.CSS(".notice")),
	)
	if got := text(".notice"); !strings.Contains(got, "Which data sets have you opened?") {
		t.Errorf("the applicant does not see the question: %q", got)
	}
	do("complete and resubmit",
		chromedp.Click(chromedp.CSS(`main a.button`)),
		chromedp.WaitVisible(chromedp.CSS("#f-motivation")),
		chromedp.SendKeys(chromedp.CSS("#f-motivation"), " Budgets and water points of 12 counties."),
		chromedp.Click(chromedp.CSS(`button[value="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("p.status")),
	)
	signOut()

	signIn("sec@example.org")
	do("approve",
		chromedp.Navigate(a.ts.URL+"/admin/applications"),
		chromedp.Click(chromedp.CSS(`tbody a`)),
		chromedp.WaitVisible(chromedp.CSS(`input[value="approve"]`)),
		chromedp.Click(chromedp.CSS(`input[value="approve"]`)),
		chromedp.Click(chromedp.CSS(`form[action$="/decision"] button`)),
		// Once decided, the page comes back without the decision form.
		chromedp.WaitNotPresent(chromedp.CSS(`form[action$="/decision"]`)),
	)
	if got := text("p.status"); !strings.Contains(got, "Approved") {
		t.Errorf("after approving: %q", got)
	}
	signOut()

	do("find the new member by its name in Traditional Chinese",
		chromedp.Navigate(a.ts.URL+"/members?lang=zh-Hant"),
		chromedp.SendKeys(chromedp.CSS("#q"), "裂谷開放數據"),
		chromedp.Click(chromedp.CSS(".filters button")),
	)
	waitLocation(t, bt, "q=")
	do("see the results", chromedp.WaitVisible(chromedp.CSS(".member-list a")))
	if got := text(".member-list a"); got != "東非裂谷開放數據實驗室" {
		t.Errorf("found %q", got)
	}
	if got := text(".headline"); got != "來自 2 個國家和地區的 2 個會員，遍布 2 個洲" {
		t.Errorf("headline after: %q", got)
	}
	if _, err := chromedp.Run(bt, chromedp.Nodes(chromedp.CSS(`svg a[href="/members?country=KE"]`))); err != nil {
		t.Errorf("Kenya is not linked on the map: %v", err)
	}
	shot(t, bt, "members-zh-Hant")
}

// waitLocation waits until the page's address contains part: a form that
// navigates leaves the old page's elements visible for a moment.
func waitLocation(t *testing.T, ctx context.Context, part string) {
	t.Helper()
	for i := 0; i < 200; i++ {
		loc, err := chromedp.Run(ctx, chromedp.Location())
		if err == nil && strings.Contains(loc, part) {
			if err := chromedp.Do(ctx, chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
				t.Fatal(err)
			}
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the page never reached an address with %q", part)
}
