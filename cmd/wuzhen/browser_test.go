package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/testenv"
)

// TestBrowserSignUpToTraditionalChinese follows a person in a real browser:
// sign up, an administrator opens the verification mail in the outbox, the person
// confirms, signs in, switches to 繁體中文 and finds the navigation in
// Traditional Chinese. Screenshots go to the artifacts folder.
func TestBrowserSignUpToTraditionalChinese(t *testing.T) {
	bctx := testenv.Browser(t)
	a := startApp(t, "sqlite:"+filepath.Join(t.TempDir(), "w.db"))
	// The job worker runs as in serve, so the mail goes through the queue
	// into the outbox.
	wctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { a.worker().Run(wctx); close(done) }()
	t.Cleanup(func() { stop(); <-done })
	if _, err := a.users.Create(context.Background(), "admin@example.org", "Administrator", "admin-password", auth.RoleAdmin); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(bctx, 90*time.Second)
	defer cancel()
	do := func(step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			shot(t, ctx, "failed")
			t.Fatalf("%s: %v", step, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	signIn := func(email, password string) {
		t.Helper()
		do("sign in as "+email,
			chromedp.Navigate(a.ts.URL+"/login"),
			chromedp.SendKeys(chromedp.CSS("#f-email"), email),
			chromedp.SendKeys(chromedp.CSS("#f-password"), password),
			chromedp.Click(chromedp.CSS("main button[type=submit]")),
			chromedp.WaitVisible(chromedp.CSS(".account .who")),
		)
	}
	const email = "li.wei@example.org"

	do("sign up",
		chromedp.Navigate(a.ts.URL+"/"),
		chromedp.Click(chromedp.CSS(`a[href="/signup"]`)),
		chromedp.WaitVisible(chromedp.CSS("#f-name")),
		chromedp.SendKeys(chromedp.CSS("#f-name"), "Li Wei"),
		chromedp.SendKeys(chromedp.CSS("#f-email"), email),
		chromedp.SendKeys(chromedp.CSS("#f-password"), "a long enough password"),
		chromedp.Click(chromedp.CSS("main button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("p.notice")),
	)
	if got := text("p.notice"); !strings.Contains(got, email) {
		t.Fatalf("after sign-up: %q", got)
	}

	signIn("admin@example.org", "admin-password")
	do("open the outbox",
		chromedp.Click(chromedp.CSS(`a[href="/admin"]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/admin/outbox"]`)),
		chromedp.Click(chromedp.CSS(`a[href="/admin/outbox"]`)),
		chromedp.WaitVisible(chromedp.CSS(`tbody a`)),
		chromedp.Click(chromedp.CSS(`tbody a`)),
		chromedp.WaitVisible(chromedp.CSS("pre.mail")),
	)
	shot(t, ctx, "outbox-message")
	link := regexp.MustCompile(`http://\S+/verify\?token=\S+`).FindString(text("pre.mail"))
	if link == "" {
		t.Fatalf("no verification link in the mail: %q", text("pre.mail"))
	}
	do("sign out",
		chromedp.Click(chromedp.CSS(".account button")),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/login"]`)),
	)

	do("confirm the address",
		chromedp.Navigate(link),
		chromedp.Click(chromedp.CSS("main button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("p.notice")),
	)
	signIn(email, "a long enough password")
	if got := text(".account .who"); got != "Li Wei" {
		t.Errorf("signed in as %q", got)
	}

	do("switch to Traditional Chinese",
		chromedp.Click(chromedp.CSS(`.langs a[hreflang="zh-Hant"]`)),
		chromedp.WaitVisible(chromedp.CSS(`html[lang="zh-Hant"]`)),
	)
	nav := text("nav.main-nav")
	for _, want := range []string{"會員", "活動", "案例", "文件", "培訓", "關於我們"} {
		if !strings.Contains(nav, want) {
			t.Errorf("navigation %q lacks %q", nav, want)
		}
	}
	if regexp.MustCompile(`[A-Za-z]{3,}`).MatchString(nav) {
		t.Errorf("English left in the Traditional Chinese navigation: %q", nav)
	}
	shot(t, ctx, "home-zh-Hant")

	// The choice sticks: another page, no ?lang=.
	do("open About", chromedp.Click(chromedp.CSS(`a[href="/about"]`)), chromedp.WaitVisible(chromedp.CSS(`html[lang="zh-Hant"] main h1`)))
	if got := text("main h1"); got != "關於我們" {
		t.Errorf("About title %q", got)
	}
}

// shot saves a full-page screenshot as a test artifact.
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	path := filepath.Join(testenv.ArtifactDir(t), "browser-"+name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}
