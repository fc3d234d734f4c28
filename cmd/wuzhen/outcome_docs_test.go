package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/demo"
	"github.com/wuzhen/wuzhen/internal/testenv"
)

// apiCall sends a JSON request with a bearer token ("" for none) and
// decodes the answer into out (when not nil); it returns the status.
func apiCall(t *testing.T, a *testApp, token, method, path string, body, out any) int {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, a.ts.URL+path, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	if out != nil && res.StatusCode < 300 {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s %s: %v in %.500s", method, path, err, data)
		}
	}
	return res.StatusCode
}

type versionAnswer struct {
	Version    int    `json:"version"`
	Hash       string `json:"hash"`
	Paragraphs []struct {
		ID     int `json:"id"`
		Number int `json:"number"`
	} `json:"paragraphs"`
}

type readingAnswer struct {
	Title         string `json:"title"`
	Lang          string `json:"lang"`
	Version       int    `json:"version"`
	Hash          string `json:"hash"`
	SourceVersion int    `json:"source_version"`
	OutOfDate     bool   `json:"out_of_date"`
	Stale         []int  `json:"stale_paragraphs"`
	Paragraphs    []struct {
		ID     int    `json:"id"`
		Number int    `json:"number"`
		Text   string `json:"text"`
	} `json:"paragraphs"`
	Removed []struct {
		ID        int `json:"id"`
		RemovedIn int `json:"removed_in"`
	} `json:"removed_paragraphs"`
	Endorsements struct {
		Count              int            `json:"count"`
		ByStakeholderGroup map[string]int `json:"by_stakeholder_group"`
		ByContinent        map[string]int `json:"by_continent"`
	} `json:"endorsements"`
}

const outlookV1 = "# Connectivity\n\nMobile broadband reached most towns of the world.\n\nOne person in two in the least developed countries is offline.[^1]\n\n" +
	"- community networks\n- satellites\n\n[^1]: See [the figures](https://example.org/figures)."

// TestOutcomeDocuments drives documents through the API and the pages on
// both databases: creation and versions by the secretariat only (ids
// kept when a paragraph is inserted above), a Traditional translation
// read in Simplified, publication (the published text and hash stay when
// a later version is saved), the reading with its empty endorsements,
// the out-of-date translation, removed paragraphs, the per-paragraph diff
// (drafts hidden from the public), the archive by year and kind, search,
// the public page with its citation anchors, the PDF read back with
// pdftotext in both scripts, the plain HTML with its own CSP, and the
// Atom feed.
func TestOutcomeDocuments(t *testing.T) {
	eachApp(t, func(t *testing.T, a *testApp) {
		ctx := context.Background()
		a.staff(t, "sec@example.org", auth.RoleSecretariat)
		sec, err := a.users.CreateToken(ctx, "sec@example.org", "test")
		if err != nil {
			t.Fatal(err)
		}
		plain := a.signedIn(t, "plain@example.org", "Plain Person")
		plainToken, err := a.users.CreateToken(ctx, "plain@example.org", "test")
		if err != nil {
			t.Fatal(err)
		}
		doc := map[string]any{"slug": "outlook-2031", "kind": "outlook", "year": 2031, "topics": []string{"infrastructure"},
			"title":   map[string]string{"en": "World Internet Outlook 2031", "zh-Hant": "世界網際網路發展展望2031"},
			"summary": map[string]string{"en": "Networks for everyone."}}
		if got := apiCall(t, a, plainToken, "POST", "/api/v1/documents", doc, nil); got != http.StatusForbidden {
			t.Fatalf("a plain account creates a document: %d", got)
		}
		if got := apiCall(t, a, "", "POST", "/api/v1/documents", doc, nil); got != http.StatusUnauthorized {
			t.Fatalf("anonymous creates a document: %d", got)
		}
		if got := apiCall(t, a, sec, "POST", "/api/v1/documents", doc, nil); got != http.StatusCreated {
			t.Fatalf("create: %d", got)
		}
		if got := apiCall(t, a, sec, "POST", "/api/v1/documents", doc, nil); got != http.StatusUnprocessableEntity {
			t.Fatalf("the same slug again: %d", got)
		}
		var v1 versionAnswer
		if got := apiCall(t, a, sec, "POST", "/api/v1/documents/outlook-2031/versions", map[string]any{"lang": "en", "body": outlookV1, "note": "first"}, &v1); got != http.StatusCreated {
			t.Fatalf("version 1: %d", got)
		}
		if v1.Version != 1 || len(v1.Paragraphs) != 5 || v1.Paragraphs[1].Number != 1 || v1.Paragraphs[3].Number != 3 || v1.Paragraphs[4].Number != 0 {
			t.Fatalf("version 1: %+v", v1)
		}
		if got := apiCall(t, a, plainToken, "POST", "/api/v1/documents/outlook-2031/versions", map[string]any{"body": "x"}, nil); got != http.StatusForbidden {
			t.Fatalf("a plain account saves a version: %d", got)
		}
		if got := apiCall(t, a, sec, "POST", "/api/v1/documents/outlook-2031/versions", map[string]any{"body": "[x](javascript:alert)"}, nil); got != http.StatusUnprocessableEntity {
			t.Fatalf("a javascript: link: %d", got)
		}
		var zh versionAnswer
		hant := "# 連通\n\n行動寬頻已覆蓋世界大多數城鎮。\n\n最不發達國家仍有一半人口未能上網。[^1]\n\n- 社區網路\n- 衛星\n\n[^1]: 見[數據](https://example.org/figures)。"
		if got := apiCall(t, a, sec, "POST", "/api/v1/documents/outlook-2031/versions", map[string]any{"lang": "zh-Hant", "body": hant}, &zh); got != http.StatusCreated {
			t.Fatalf("translation: %d", got)
		}
		// Not published: the public finds nothing, drafts included.
		a.browser(t).get("/documents/outlook-2031").expect(t, http.StatusNotFound)
		if got := apiCall(t, a, "", "GET", "/api/v1/documents/outlook-2031/diff?from=1&to=2", nil, nil); got != http.StatusNotFound {
			t.Fatalf("the public compares drafts: %d", got)
		}
		for _, n := range []int{1, 2} {
			if got := apiCall(t, a, plainToken, "POST", "/api/v1/documents/outlook-2031/publish", map[string]any{"version": n}, nil); got != http.StatusForbidden {
				t.Fatalf("a plain account publishes: %d", got)
			}
			if got := apiCall(t, a, sec, "POST", "/api/v1/documents/outlook-2031/publish", map[string]any{"version": n}, nil); got != http.StatusOK {
				t.Fatalf("publish %d: %d", n, got)
			}
		}
		var r readingAnswer
		if got := apiCall(t, a, "", "GET", "/api/v1/documents/outlook-2031?lang=zh-Hans", nil, &r); got != http.StatusOK {
			t.Fatalf("read: %d", got)
		}
		if r.Title != "世界网际网路发展展望2031" || r.Version != 2 || r.SourceVersion != 1 || r.OutOfDate || r.Paragraphs[1].Text != "行动宽频已覆盖世界大多数城镇。" {
			t.Errorf("reading in Simplified: %+v", r)
		}
		if r.Endorsements.Count != 0 || r.Endorsements.ByStakeholderGroup == nil || r.Endorsements.ByContinent == nil {
			t.Errorf("endorsements: %+v", r.Endorsements)
		}
		// Version 3 inserts a paragraph above and removes the list.
		v3body := strings.Replace(outlookV1, "# Connectivity\n\n", "# Connectivity\n\nSatellites opened new ways to reach villages.\n\n", 1)
		v3body = strings.Replace(v3body, "- community networks\n- satellites\n\n", "", 1)
		var v3 versionAnswer
		if got := apiCall(t, a, sec, "POST", "/api/v1/documents/outlook-2031/versions", map[string]any{"body": v3body, "name": "final"}, &v3); got != http.StatusCreated {
			t.Fatalf("version 3: %d", got)
		}
		ids := fmt.Sprint(v3.Paragraphs)
		if ids != fmt.Sprintf("[{%d 0} {6 1} {%d 2} {%d 3} {%d 0}]", v1.Paragraphs[0].ID, v1.Paragraphs[1].ID, v1.Paragraphs[2].ID, v1.Paragraphs[4].ID) {
			t.Errorf("version 3 paragraphs: %s (version 1: %v)", ids, v1.Paragraphs)
		}
		var diff struct {
			Paragraphs []struct {
				ID     int    `json:"id"`
				Change string `json:"change"`
			} `json:"paragraphs"`
		}
		if got := apiCall(t, a, sec, "GET", "/api/v1/documents/outlook-2031/diff?from=1&to=3", nil, &diff); got != http.StatusOK {
			t.Fatalf("diff: %d", got)
		}
		if got := fmt.Sprint(diff.Paragraphs); got != "[{1 same} {6 added} {2 same} {3 same} {4 removed} {5 same}]" {
			t.Errorf("diff 1..3: %s", got)
		}
		if got := apiCall(t, a, sec, "GET", "/api/v1/documents/outlook-2031/diff?from=1&to=2", nil, nil); got != http.StatusUnprocessableEntity {
			t.Errorf("diff across languages: %d", got)
		}
		if got := apiCall(t, a, sec, "POST", "/api/v1/documents/outlook-2031/publish", map[string]any{"version": 3}, nil); got != http.StatusOK {
			t.Fatalf("publish 3: %d", got)
		}
		// Version 1 keeps its text and hash; the translation is out of date.
		var old readingAnswer
		apiCall(t, a, "", "GET", "/api/v1/documents/outlook-2031?lang=en&version=1", nil, &old)
		if old.Hash != v1.Hash || len(old.Paragraphs) != 5 {
			t.Errorf("version 1 after version 3: %+v", old)
		}
		apiCall(t, a, "", "GET", "/api/v1/documents/outlook-2031?lang=zh-Hant", nil, &r)
		if !r.OutOfDate || r.SourceVersion != 3 || len(r.Removed) != 1 || r.Removed[0].ID != 4 || r.Removed[0].RemovedIn != 3 {
			t.Errorf("out-of-date reading: %+v", r)
		}
		var list struct {
			Documents []struct{ Slug string } `json:"documents"`
		}
		apiCall(t, a, "", "GET", "/api/v1/documents?year=2031&kind=outlook", nil, &list)
		if len(list.Documents) != 1 || list.Documents[0].Slug != "outlook-2031" {
			t.Errorf("list: %+v", list)
		}
		apiCall(t, a, "", "GET", "/api/v1/documents?year=2031&kind=report", nil, &list)
		if len(list.Documents) != 0 {
			t.Errorf("list of reports: %+v", list)
		}
		// Search finds it in English and either script.
		for _, q := range []string{"satellites", "網際網路", "网际网路"} {
			res := a.browser(t).get("/api/v1/search?q=" + url.QueryEscape(q))
			res.expect(t, http.StatusOK, "/documents/outlook-2031")
		}

		// The public page: contents, anchors, citation links, the
		// out-of-date notice with the paragraphs concerned, the removed
		// paragraph's anchor, the history; nothing of the draft.
		page := a.browser(t)
		page.lang = "zh-Hant"
		res := page.get("/documents/outlook-2031")
		res.expect(t, http.StatusOK, `<nav class="toc"`, `href="#p-1"`, `id="p-6"`, `class="para-number" href="#p-2"`,
			`id="p-4"`, "第3段已在第3版中刪除", "譯文已過時", `<a href="https://example.org/figures" rel="nofollow noopener">`)
		page.get("/documents?year=2031").expect(t, http.StatusOK, `href="/documents/outlook-2031"`)
		page.get("/documents?kind=report").expect(t, http.StatusOK)
		if strings.Contains(page.get("/documents?kind=report").body, "outlook-2031") {
			t.Error("the archive of reports lists the outlook")
		}
		plain.get("/admin/documents").expect(t, http.StatusForbidden)

		// The PDF in Traditional and in Simplified: both scripts, the
		// contents, the paragraph numbers.
		for lang, want := range map[string][]string{"zh-Hant": {"世界網際網路發展展望2031", "行動寬頻已覆蓋世界大多數城鎮", "目錄"},
			"zh-Hans": {"世界网际网路发展展望2031", "行动宽频已覆盖世界大多数城镇", "目录"}, "en": {"World Internet Outlook 2031", "Satellites opened new ways", "Contents"}} {
			b := a.browser(t)
			res := b.get("/documents/outlook-2031.pdf?lang=" + lang)
			res.expect(t, http.StatusOK)
			if ct := res.Header.Get("Content-Type"); ct != "application/pdf" {
				t.Fatalf("PDF content type %q", ct)
			}
			text := testenv.PDFText(t, []byte(res.body))
			for _, w := range want {
				if !strings.Contains(strings.Join(strings.Fields(text), ""), strings.ReplaceAll(w, " ", "")) {
					t.Errorf("PDF in %s lacks %q:\n%s", lang, w, text)
				}
			}
		}

		// The plain HTML: no script, no style, its own CSP.
		res = a.browser(t).get("/documents/outlook-2031.html?lang=en")
		res.expect(t, http.StatusOK, "<h1>World Internet Outlook 2031</h1>", `id="p-6"`, `href="#p-6"`, "¶1")
		if strings.Contains(res.body, "<style") || strings.Contains(res.body, "<script") || strings.Contains(res.body, "<link") {
			t.Error("the plain HTML has style, script or links to them")
		}
		if csp := res.Header.Get("Content-Security-Policy"); !strings.HasPrefix(csp, "default-src 'none'") || strings.Contains(csp, "script-src") {
			t.Errorf("plain HTML CSP %q", csp)
		}

		// The feed: Atom, one entry per published source version.
		res = a.browser(t).get("/documents/feed.atom")
		res.expect(t, http.StatusOK)
		var feed struct {
			Entries []struct {
				Title string `xml:"title"`
				ID    string `xml:"id"`
			} `xml:"entry"`
		}
		if err := xml.Unmarshal([]byte(res.body), &feed); err != nil {
			t.Fatal(err)
		}
		if len(feed.Entries) != 2 || !strings.HasSuffix(feed.Entries[0].ID, "/documents/outlook-2031?version=3") {
			t.Errorf("feed entries: %+v", feed.Entries)
		}

		// The secretariat's pages: the form refuses at the field, the
		// version page names a version, the side-by-side comparison.
		staff := a.browser(t)
		staff.post("/login", url.Values{"email": {"sec@example.org"}, "password": {"staff-password-1"}}).expect(t, http.StatusSeeOther)
		staff.get("/admin/documents").expect(t, http.StatusOK, "outlook-2031")
		staff.post("/admin/documents/outlook-2031/versions", url.Values{"lang": {"zh-Hans"}, "body": {"只有一段。"}}).
			expect(t, http.StatusUnprocessableEntity, `id="e-body"`)
		staff.post("/admin/documents/outlook-2031/versions/3/name", url.Values{"name": {"Final, as adopted"}}).expect(t, http.StatusSeeOther)
		staff.get("/admin/documents/outlook-2031/versions/3").expect(t, http.StatusOK, "Final, as adopted")
		staff.get("/admin/documents/outlook-2031").expect(t, http.StatusOK, "Traditional Chinese")
		staff.get("/admin/documents/outlook-2031/compare?from=1&to=3").expect(t, http.StatusOK, "<ins>Satellites opened new ways to reach villages.</ins>",
			"<del>• community networks")
	})
}

// TestDemoDocuments loads the demo on both databases and reads its
// documents: the archive by year, a translation out of date (the 2018
// outlook, drafted in Chinese), the 2019 outlook's Traditional translation
// read in Simplified, and a draft the public does not see.
func TestDemoDocuments(t *testing.T) {
	eachApp(t, func(t *testing.T, a *testApp) {
		if _, loaded, err := demo.Load(context.Background(), a.demoDeps()); err != nil || !loaded {
			t.Fatalf("demo: %v %v", loaded, err)
		}
		var list struct {
			Documents []struct{ Slug string } `json:"documents"`
		}
		apiCall(t, a, "", "GET", "/api/v1/documents", nil, &list)
		// The history 2015-2020 and the consultation demo's concept paper.
		if len(list.Documents) != 6 {
			t.Errorf("demo documents: %+v", list.Documents)
		}
		apiCall(t, a, "", "GET", "/api/v1/documents?kind=outlook", nil, &list)
		if len(list.Documents) != 3 {
			t.Errorf("demo outlooks: %+v", list.Documents)
		}
		var r readingAnswer
		apiCall(t, a, "", "GET", "/api/v1/documents/world-internet-outlook-2018?lang=en", nil, &r)
		if r.Lang != "en" || !r.OutOfDate || len(r.Stale) != 2 {
			t.Errorf("2018 outlook in English: %+v", r)
		}
		apiCall(t, a, "", "GET", "/api/v1/documents/world-internet-outlook-2019?lang=zh-Hans", nil, &r)
		if r.Lang != "zh-Hant" || !r.OutOfDate || !strings.Contains(r.Paragraphs[1].Text, "论坛") {
			t.Errorf("2019 outlook in Simplified: %+v", r)
		}
		apiCall(t, a, "", "GET", "/api/v1/documents/action-initiative-2020?lang=en", nil, &r)
		if r.Version != 2 || strings.Contains(fmt.Sprint(r.Paragraphs), "small island") {
			t.Errorf("the public reads the action initiative's draft: %+v", r)
		}
		b := a.browser(t)
		b.get("/documents?year=2015").expect(t, http.StatusOK, "Wuzhen Initiative")
		b.get("/documents/wuzhen-initiative-2015?lang=zh-Hant").expect(t, http.StatusOK, "烏鎮倡議", "論壇首屆")
	})
}
