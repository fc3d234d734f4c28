package main

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/testenv"
	"github.com/wuzhen/wuzhen/internal/training"
)

// TestBrowserTraining follows a programme in a real browser, in 简体中文,
// from application to certificate: the applicant checks eligibility (a
// high-income country is told the rule), applies, accepts the seat
// offered; the trainer marks them present; the secretariat issues the
// certificates; the holder finds theirs, its PDF shows both names, and
// its code verifies on the public page.
func TestBrowserTraining(t *testing.T) {
	bctx := testenv.Browser(t)
	a := startApp(t, "sqlite:"+filepath.Join(t.TempDir(), "w.db"))
	ctx := context.Background()
	users := map[string]*auth.User{}
	for _, u := range []struct{ email, name, role string }{
		{"lan@example.org", "Nguyen Thi Lan", ""},
		{"trainer@example.org", "Trainer", ""},
		{"sec@example.org", "Secretariat", auth.RoleSecretariat},
	} {
		var roles []string
		if u.role != "" {
			roles = append(roles, u.role)
		}
		x, err := a.users.Create(ctx, u.email, u.name, "a long password", roles...)
		if err != nil {
			t.Fatal(err)
		}
		users[u.email] = x
	}
	sec := users["sec@example.org"].Principal()
	p := &training.Programme{Slug: "literacy", Title: i18n.Text{En: "Digital literacy for rural teachers", Hans: "乡村教师数字素养培训"},
		Kind: training.Literacy, Format: training.Online, StartsOn: "2031-03-01", EndsOn: "2031-04-30", Hours: 36, Seats: 20,
		Eligibility: training.Eligibility{Developing: true},
		Questions:   []training.Question{{Code: "motivation", Kind: training.QuestionLongText, Label: i18n.Text{En: "Motivation", Hans: "申请动机"}, Required: true}}}
	if err := a.training.Create(ctx, sec, p); err != nil {
		t.Fatal(err)
	}
	if _, err := a.training.Publish(ctx, sec, p.Slug); err != nil {
		t.Fatal(err)
	}
	if err := a.training.AddTrainer(ctx, sec, p.Slug, users["trainer@example.org"].ID); err != nil {
		t.Fatal(err)
	}

	bt, cancel := context.WithTimeout(bctx, 180*time.Second)
	defer cancel()
	do := func(step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(bt, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, actions...); err != nil {
			shot(t, bt, "training-failed")
			t.Fatalf("%s: %v", step, err)
		}
	}
	waitText := func(sel, want string) {
		t.Helper()
		for i := 0; i < 200; i++ {
			if s, err := chromedp.Run(bt, chromedp.Text(chromedp.CSS(sel))); err == nil && strings.Contains(s, want) {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
		shot(t, bt, "training-failed")
		s, _ := chromedp.Run(bt, chromedp.Text(chromedp.CSS("main")))
		t.Fatalf("%s never showed %q: %q", sel, want, s)
	}
	signIn := func(email string) {
		t.Helper()
		do("sign in as "+email,
			chromedp.Navigate(a.ts.URL+"/login?lang=zh-Hans"),
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

	signIn("lan@example.org")
	do("check eligibility from Germany",
		chromedp.Navigate(a.ts.URL+"/training?lang=zh-Hans"),
		chromedp.Click(chromedp.CSS(`a[href="/training/literacy"]`)),
		chromedp.WaitVisible(chromedp.CSS("#f-country")),
		chromedp.SetValue(chromedp.CSS("#f-country"), "DE"),
		chromedp.Click(chromedp.CSS(`form[action^="/training/literacy"] button`)),
	)
	waitText("main [role=status]", "德国 不属于发展中国家")
	shot(t, bt, "training-eligibility-zh-Hans")
	do("apply from Viet Nam",
		chromedp.Click(chromedp.CSS(`a[href="/training/literacy/apply"]`)),
		chromedp.WaitVisible(chromedp.CSS("#f-name_native")),
		chromedp.SendKeys(chromedp.CSS("#f-name_native"), "阮氏兰"),
		chromedp.SetValue(chromedp.CSS("#f-country"), "VN"),
		chromedp.SetValue(chromedp.CSS("#f-gender"), "woman"),
		chromedp.SendKeys(chromedp.CSS(`[id="f-answer.motivation"]`), "把所学带回我的学校。"),
		chromedp.Click(chromedp.CSS(`form[action="/training/literacy/apply"] button[type=submit]`)),
	)
	waitText("main", "已提交")
	mine, err := a.training.Mine(ctx, users["lan@example.org"].Principal())
	if err != nil || len(mine) != 1 {
		t.Fatalf("applications %v, %v", mine, err)
	}
	app := mine[0]
	if _, err := a.training.Offer(ctx, sec, p.Slug, []int64{app.ID}, a.db.Now().Add(72*time.Hour)); err != nil {
		t.Fatal(err)
	}
	do("accept the seat",
		chromedp.Navigate(a.ts.URL+"/training/applications"),
		chromedp.Click(chromedp.CSS(`form[action$="/accept"] button`)),
	)
	waitText("main", "已接受名额")
	signOut()

	x := &training.Session{Title: i18n.Text{En: "Week 1", Hans: "第一周"}, Starts: a.db.Now().Add(-time.Hour), Ends: a.db.Now().Add(time.Hour)}
	if err := a.training.AddSession(ctx, sec, p.Slug, x); err != nil {
		t.Fatal(err)
	}
	signIn("trainer@example.org")
	do("mark the participant present",
		chromedp.Navigate(a.ts.URL+"/training/applications"),
		chromedp.Click(chromedp.CSS(`a[href="/training/literacy/cohort"]`)),
		chromedp.Click(chromedp.CSS(`form[action$="/attendance"] button`)),
	)
	waitText("main", "1 / 1")
	shot(t, bt, "training-cohort-zh-Hans")
	signOut()

	signIn("sec@example.org")
	do("issue the certificates",
		chromedp.Navigate(a.ts.URL+"/admin/training/literacy"),
		chromedp.Click(chromedp.CSS(`form[action="/admin/training/literacy/certificates"] button`)),
	)
	waitText("#certificates + form + ul", "WZC-")
	signOut()

	signIn("lan@example.org")
	do("find the certificate", chromedp.Navigate(a.ts.URL+"/training/applications"))
	waitText("main", "我的证书")
	certs, err := a.training.MyCertificates(ctx, users["lan@example.org"].Principal())
	if err != nil || len(certs) != 1 {
		t.Fatalf("certificates %v, %v", certs, err)
	}
	code := certs[0].Code
	b := a.browser(t)
	b.post("/login", map[string][]string{"email": {"lan@example.org"}, "password": {"a long password"}})
	r := b.get("/certificates/" + code + "/pdf?lang=zh-Hans")
	if !strings.HasPrefix(r.body, "%PDF") {
		t.Fatalf("the PDF: %d", r.StatusCode)
	}
	if _, err := exec.LookPath("pdftotext"); err == nil {
		cmd := exec.Command("pdftotext", "-", "-")
		cmd.Stdin = strings.NewReader(r.body)
		out, err := cmd.Output()
		if err != nil || !strings.Contains(string(out), "阮氏兰") || !strings.Contains(string(out), "Nguyen Thi Lan") ||
			!strings.Contains(string(out), "乡村教师数字素养培训") || !strings.Contains(string(out), "结业证书") {
			t.Errorf("the certificate's text: %v\n%s", err, out)
		}
	}
	do("verify it", chromedp.Navigate(a.ts.URL+"/verify/"+strings.ToLower(code)))
	waitText("main", "有效")
	shot(t, bt, "training-verify-zh-Hans")
}
