package main

import (
	"context"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/wuzhen/wuzhen/internal/documents"
	"github.com/wuzhen/wuzhen/internal/testenv"
)

// TestBrowserConsultation follows a consultation in a real browser, in
// 繁體中文: a person comments on a paragraph and proposes new text for it;
// the secretariat accepts the amendment, saves the next version with it
// and publishes that version, and asks the members to endorse it; a
// member's representative endorses it; the public page lists the
// endorsement, and the PDF holds the amended text in both scripts (read
// back with pdftotext).
func TestBrowserConsultation(t *testing.T) {
	bctx := testenv.Browser(t)
	a := startApp(t, "sqlite:"+filepath.Join(t.TempDir(), "w.db"))
	ctx := context.Background()
	cp := newConsultPeople(t, a)
	if err := a.docs.CreateDocument(ctx, cp.sec, &documents.Document{Slug: "cyber-charter", Kind: documents.KindStatement, Year: 2026,
		SourceLang: "zh-Hant", Title: documents.Text{Hant: "網路空間合作憲章", En: "Charter of cooperation in cyberspace"}}); err != nil {
		t.Fatal(err)
	}
	v1, err := a.docs.SaveVersion(ctx, cp.sec, "cyber-charter", documents.VersionInput{Name: "徵求意見稿",
		Body: "# 原則\n\n網際網路是各國共同的空間。\n\n合作建立在互信與尊重之上。"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.docs.Publish(ctx, cp.sec, "cyber-charter", v1.Number); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if _, err := a.docs.OpenConsultation(ctx, cp.sec, "cyber-charter", documents.ConsultationInput{Version: 1, OpensAt: now.Add(-time.Hour),
		ClosesAt: now.Add(7 * 24 * time.Hour), Timezone: "Asia/Taipei"}); err != nil {
		t.Fatal(err)
	}
	para := v1.Paragraphs[1].ID

	bt, cancel := context.WithTimeout(bctx, 180*time.Second)
	defer cancel()
	do := func(step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(bt, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, actions...); err != nil {
			shot(t, bt, "consultation-failed")
			t.Fatalf("%s: %v", step, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(bt, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			shot(t, bt, "consultation-failed")
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	signIn := func(email string) {
		t.Helper()
		do("sign in as "+email,
			chromedp.Navigate(a.ts.URL+"/login?lang=zh-Hant"),
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

	const amendment = "網際網路是各國人民共同的家園。"
	signIn("plain@example.org")
	do("comment on paragraph 1 with new text for it",
		chromedp.Navigate(a.ts.URL+"/documents/cyber-charter/consultation"),
		chromedp.WaitVisible(chromedp.CSS("#p-"+strconv.Itoa(para))),
		chromedp.Click(chromedp.CSS(`#p-`+strconv.Itoa(para)+` a[href*="/consultation/comment"]`)),
		chromedp.WaitVisible(chromedp.CSS("#f-text")),
		chromedp.Click(chromedp.CSS(`input[name=kind][value=amendment]`)),
		chromedp.SendKeys(chromedp.CSS("#f-text"), "「共同的空間」不夠具體，建議強調人民。"),
		chromedp.SetValue(chromedp.CSS("#f-amendment"), amendment),
		chromedp.SendKeys(chromedp.CSS("#f-organisation"), "臺灣數位人權協會"),
		chromedp.SetValue(chromedp.CSS("#f-country"), "TW"),
		chromedp.SetValue(chromedp.CSS("#f-stakeholder_group"), "civil_society"),
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("article.comment")),
	)
	if got := text("article.comment"); !strings.Contains(got, "陳怡君") || !strings.Contains(got, "臺灣數位人權協會") || !strings.Contains(got, "公民社會") ||
		!strings.Contains(got, amendment) || !strings.Contains(got, "等待秘書處決定") {
		t.Errorf("the comment reads %q", got)
	}
	if got := text("#p-" + strconv.Itoa(para) + " > p.meta"); !strings.Contains(got, "1則意見") {
		t.Errorf("the paragraph's count reads %q", got)
	}
	shot(t, bt, "consultation-commented-zh-Hant")
	signOut()

	signIn("sec@example.org")
	do("accept the amendment, save and publish the next version, ask the members to endorse it",
		chromedp.Navigate(a.ts.URL+"/admin/documents/cyber-charter/consultation"),
		chromedp.Click(chromedp.CSS("article.comment details summary")),
		chromedp.Click(chromedp.CSS(`article.comment input[name=decision][value=accepted]`)),
		chromedp.Click(chromedp.CSS(`article.comment form[action$="/decision"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/consultation/carry"] button`)),
		chromedp.Click(chromedp.CSS(`form[action$="/consultation/carry"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice a[href="/admin/documents/cyber-charter/versions/2"]`)),
		chromedp.Click(chromedp.CSS(`.notice a[href="/admin/documents/cyber-charter/versions/2"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/versions/2/publish"] button`)),
		chromedp.Click(chromedp.CSS(`form[action$="/versions/2/publish"] button`)),
		chromedp.WaitNotPresent(chromedp.CSS(`form[action$="/versions/2/publish"]`)),
		chromedp.Navigate(a.ts.URL+"/admin/documents/cyber-charter/consultation"),
		chromedp.Click(chromedp.CSS(`form[action$="/endorsements/ask"] input[value="2"] ~ button`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/documents/cyber-charter/endorse?version=2"]`)),
	)
	_, v2, err := a.docs.Version(ctx, "cyber-charter", 2)
	if err != nil || !v2.Published || v2.Paragraphs[1].Text != amendment || !strings.Contains(v2.Note, "陳怡君") {
		t.Fatalf("version 2: %+v %v", v2, err)
	}
	signOut()

	signIn("rep2@example.org")
	do("endorse version 2",
		chromedp.Navigate(a.ts.URL+"/documents/cyber-charter/endorse"),
		chromedp.WaitVisible(chromedp.CSS("code.hash")),
		chromedp.SendKeys(chromedp.CSS("#f-statement"), "我們支持本憲章。"),
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("p.notice")),
	)
	if got := text("code.hash"); got != v2.Hash {
		t.Errorf("the endorsement page shows hash %q, want %q", got, v2.Hash)
	}
	if got := text("p.notice"); !strings.Contains(got, "已認可此版本") {
		t.Errorf("after endorsing: %q", got)
	}
	signOut()

	do("read the public page",
		chromedp.Navigate(a.ts.URL+"/documents/cyber-charter?lang=zh-Hant"),
		chromedp.WaitVisible(chromedp.CSS("section.endorsements")),
	)
	if got := text("section.endorsements"); !strings.Contains(got, "Taipei Internet Society（繁）") || !strings.Contains(got, "我們支持本憲章。") ||
		!strings.Contains(got, v2.ShortHash()) {
		t.Errorf("the public page's endorsements read %q", got)
	}
	if got := text("main"); !strings.Contains(got, amendment) {
		t.Errorf("the public page lacks the amended paragraph: %q", got)
	}
	shot(t, bt, "consultation-endorsed-zh-Hant")

	// The PDF, in the reader's script: Traditional and Simplified.
	for lang, want := range map[string]string{"zh-Hant": "網際網路是各國人民共同的家園", "zh-Hans": "网际网路是各国人民共同的家园"} {
		res := a.browser(t).get("/documents/cyber-charter.pdf?lang=" + lang)
		res.expect(t, http.StatusOK)
		got := strings.Join(strings.Fields(testenv.PDFText(t, []byte(res.body))), "")
		if !strings.Contains(got, want) {
			t.Errorf("the PDF in %s lacks %q:\n%s", lang, want, got)
		}
	}
}
