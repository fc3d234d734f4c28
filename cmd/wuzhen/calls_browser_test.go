package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/testenv"
)

// TestBrowserCall follows a call for practice cases in a real browser: the
// secretariat sets the call up and builds a reviewer pool; a person
// submits a case and invites a co-author, who confirms by the mailed
// link; the secretariat assigns reviewers; one reviewer declares a
// conflict and the case goes to another at once; two reviewers score it;
// the secretariat selects it and publishes the results; and the case
// appears in the showcase in 繁體中文.
func TestBrowserCall(t *testing.T) {
	bctx := testenv.Browser(t)
	a := startApp(t, "sqlite:"+filepath.Join(t.TempDir(), "w.db"))
	ctx := context.Background()
	for _, u := range []struct{ email, name, role string }{
		{"grace@example.org", "Grace Wanjiru", ""},
		{"li.wei@example.org", "Li Wei", ""},
		{"sec@example.org", "Secretariat", auth.RoleSecretariat},
		{"r1@example.org", "Reviewer One", ""},
		{"r2@example.org", "Reviewer Two", ""},
		{"r3@example.org", "Reviewer Three", ""},
	} {
		var roles []string
		if u.role != "" {
			roles = append(roles, u.role)
		}
		if _, err := a.users.Create(ctx, u.email, u.name, "a long password", roles...); err != nil {
			t.Fatal(err)
		}
	}

	bt, cancel := context.WithTimeout(bctx, 180*time.Second)
	defer cancel()
	do := func(step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(bt, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, actions...); err != nil {
			shot(t, bt, "calls-failed")
			t.Fatalf("%s: %v", step, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(bt, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			shot(t, bt, "calls-failed")
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	signIn := func(email string) {
		t.Helper()
		do("sign in as "+email,
			chromedp.Navigate(a.ts.URL+"/login?lang=en"),
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
	// waitText waits until the element's text contains want: a form that
	// comes back to the same address leaves the old page up for a moment.
	waitText := func(sel, want string) {
		t.Helper()
		for i := 0; i < 200; i++ {
			if s, err := chromedp.Run(bt, chromedp.Text(chromedp.CSS(sel))); err == nil && strings.Contains(s, want) {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
		shot(t, bt, "calls-failed")
		t.Fatalf("%s never showed %q", sel, want)
	}
	check := func(sel string) chromedp.Action[chromedp.Void] {
		return chromedp.Click(chromedp.CSS(sel))
	}

	signIn("sec@example.org")
	do("set the call up",
		chromedp.Navigate(a.ts.URL+"/admin/calls"),
		chromedp.Click(chromedp.CSS(`a[href="/admin/calls/new"]`)),
		chromedp.WaitVisible(chromedp.CSS("#f-slug")),
		chromedp.SendKeys(chromedp.CSS("#f-slug"), "cases-browser"),
		chromedp.SendKeys(chromedp.CSS("#f-title_en"), "Practice cases (browser)"),
		chromedp.SendKeys(chromedp.CSS("#f-title_zh"), "实践案例征集"),
		chromedp.SetValue(chromedp.CSS("#f-reviews_per_submission"), "2"),
		chromedp.Click(chromedp.CSS(`main form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/publish"] button`)),
		chromedp.Click(chromedp.CSS(`form[action$="/publish"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/assign"] button`)),
	)
	for _, r := range []struct {
		email string
		field bool
	}{{"r1@example.org", true}, {"r2@example.org", true}, {"r3@example.org", false}} {
		actions := []chromedp.Action[chromedp.Void]{
			chromedp.Navigate(a.ts.URL + "/admin/calls/cases-browser/reviewers"),
			chromedp.WaitVisible(chromedp.CSS("#f-email")),
			chromedp.SendKeys(chromedp.CSS("#f-email"), r.email),
		}
		if r.field {
			actions = append(actions, check(`input[name=fields][value=digital_economy]`))
		}
		actions = append(actions, chromedp.Click(chromedp.CSS(`form[action$="/reviewers"] button`)), chromedp.WaitVisible(chromedp.CSS(".notice")))
		do("add "+r.email, actions...)
	}
	if got := text("main table tbody"); !strings.Contains(got, "Reviewer Three") {
		t.Errorf("pool: %q", got)
	}
	signOut()

	signIn("grace@example.org")
	do("write the case",
		chromedp.Navigate(a.ts.URL+"/calls"),
		chromedp.Click(chromedp.CSS(`a[href="/calls/cases-browser"]`)),
		chromedp.Click(chromedp.CSS(`a[href="/calls/cases-browser/submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("#f-title_en")),
		chromedp.SendKeys(chromedp.CSS("#f-title_en"), "A digital trade corridor for farmers"),
		chromedp.SendKeys(chromedp.CSS("#f-title_zh"), "农户数字贸易走廊"),
		chromedp.SendKeys(chromedp.CSS("#f-summary_en"), "Farmers in Kenya sell to buyers in China through a shared platform."),
		chromedp.SendKeys(chromedp.CSS("#f-summary_zh"), "肯尼亚农户通过共享平台向中国买家销售农产品。"),
		chromedp.SetValue(chromedp.CSS("#f-field"), "digital_economy"),
		chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('#f-countries option[value=KE], #f-countries option[value=CN]').forEach(o => o.selected = true)`),
		chromedp.SendKeys(chromedp.CSS(`[id="f-partner.0.name"]`), "Nairobi Data Lab"),
		chromedp.SetValue(chromedp.CSS(`[id="f-partner.0.country"]`), "KE"),
	)
	shot(t, bt, "calls-submit-form")
	do("submit it",
		chromedp.Click(chromedp.CSS(`button[value="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("p.status")),
	)
	if got := text("p.status"); !strings.Contains(got, "Submitted") {
		t.Fatalf("after submitting: %q", got)
	}
	do("invite a co-author",
		chromedp.SendKeys(chromedp.CSS("#f-email"), "li.wei@example.org"),
		chromedp.SendKeys(chromedp.CSS("#f-name"), "Li Wei"),
		chromedp.Click(chromedp.CSS(`form[action$="/coauthors"] button`)),
		chromedp.WaitVisible(chromedp.CSS("#coauthors + .notice")),
	)
	signOut()

	link := a.mailLink(t, "li.wei@example.org")
	signIn("li.wei@example.org")
	do("confirm co-authorship",
		chromedp.Navigate(a.ts.URL+link),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/submissions/confirm"] button`)),
		chromedp.Click(chromedp.CSS(`form[action="/submissions/confirm"] button`)),
		chromedp.WaitVisible(chromedp.CSS("p.status")),
	)
	if got := text("main"); !strings.Contains(got, "co-author, confirmed") {
		t.Errorf("after confirming: %q", got)
	}
	signOut()

	signIn("sec@example.org")
	do("assign reviewers",
		chromedp.Navigate(a.ts.URL+"/admin/calls/cases-browser"),
		chromedp.Click(chromedp.CSS(`form[action$="/assign"] button`)),
		chromedp.WaitVisible(chromedp.CSS(".notice")),
	)
	if got := text(".notice"); got != "2 assignments made." {
		t.Errorf("assign: %q", got)
	}
	shot(t, bt, "calls-admin-call")
	signOut()

	score := func(email string, impact, coop string) {
		t.Helper()
		signIn(email)
		do(email+" scores",
			chromedp.Navigate(a.ts.URL+"/reviews"),
			chromedp.Click(chromedp.CSS(`tbody a[href^="/reviews/"]`)),
			chromedp.WaitVisible(chromedp.CSS(`[id="f-score.impact"]`)),
		)
		if got := text("main"); strings.Contains(got, "Grace") || strings.Contains(got, "Nairobi Data Lab") || !strings.Contains(got, "Blind review") {
			t.Errorf("%s sees the authors of a blind review: %q", email, got)
		}
		do(email+" submits the scores",
			chromedp.SendKeys(chromedp.CSS(`[id="f-score.impact"]`), impact),
			chromedp.SendKeys(chromedp.CSS(`[id="f-score.innovation"]`), impact),
			chromedp.SendKeys(chromedp.CSS(`[id="f-score.cooperation"]`), coop),
			chromedp.SendKeys(chromedp.CSS("#f-comment"), "A convincing partnership."),
			chromedp.Click(chromedp.CSS(`button[value="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS(`main table`)),
		)
		if got := text("tbody"); !strings.Contains(got, "Reviewed") {
			t.Errorf("%s's queue after scoring: %q", email, got)
		}
		signOut()
	}

	signIn("r1@example.org")
	do("r1 declares a conflict",
		chromedp.Navigate(a.ts.URL+"/reviews"),
		chromedp.Click(chromedp.CSS(`tbody a[href^="/reviews/"]`)),
		chromedp.WaitVisible(chromedp.CSS("#declare-conflict")),
		chromedp.SendKeys(chromedp.CSS("#f-reason"), "I advise Nairobi Data Lab."),
		chromedp.Click(chromedp.CSS("#declare-conflict")),
		chromedp.WaitVisible(chromedp.CSS("main table")),
	)
	if got := text("tbody"); !strings.Contains(got, "Conflict declared") {
		t.Errorf("r1's queue: %q", got)
	}
	signOut()

	score("r2@example.org", "8", "9")
	score("r3@example.org", "9", "7")

	signIn("sec@example.org")
	do("select the case",
		chromedp.Navigate(a.ts.URL+"/admin/calls/cases-browser/ranking"),
		chromedp.WaitVisible(chromedp.CSS("tbody a")),
	)
	shot(t, bt, "calls-ranking")
	if got := text("tbody"); !strings.Contains(got, "A digital trade corridor for farmers") || !strings.Contains(got, "83.6") {
		t.Errorf("ranking: %q", got)
	}
	do("decide",
		chromedp.Click(chromedp.CSS("tbody a")),
		chromedp.WaitVisible(chromedp.CSS(`input[name=decision][value=selected]`)),
	)
	if got := text("main"); !strings.Contains(got, "Conflict declared") || !strings.Contains(got, "Reviewer Three") {
		t.Errorf("the submission's reviews: %q", got)
	}
	shot(t, bt, "calls-admin-submission")
	do("select",
		chromedp.Click(chromedp.CSS(`input[name=decision][value=selected]`)),
		chromedp.Click(chromedp.CSS(`form[action$="/decision"] button`)),
	)
	waitText("p.status", "Selected")
	do("publish the results",
		chromedp.Navigate(a.ts.URL+"/admin/calls/cases-browser/ranking"),
		chromedp.Click(chromedp.CSS(`form[action$="/publish-results"] button`)),
		chromedp.WaitNotPresent(chromedp.CSS(`form[action$="/publish-results"]`)),
	)
	signOut()

	do("find the case in the showcase in Traditional Chinese",
		chromedp.Navigate(a.ts.URL+"/cases?lang=zh-Hant"),
		chromedp.WaitVisible(chromedp.CSS(".cards a")),
	)
	if got := text(".cards a"); got != "農戶數字貿易走廊" {
		t.Errorf("showcase title %q", got)
	}
	shot(t, bt, "calls-cases-zh-Hant")
	do("open it", chromedp.Click(chromedp.CSS(".cards a")), chromedp.WaitVisible(chromedp.CSS("dl")))
	if got := text("main"); !strings.Contains(got, "肯亞") || !strings.Contains(got, "數位經濟") || !strings.Contains(got, "Nairobi Data Lab") {
		t.Errorf("case page: %q", got)
	}
	shot(t, bt, "calls-case-zh-Hant")
}
