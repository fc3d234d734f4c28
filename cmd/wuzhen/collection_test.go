package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/testenv"
	"github.com/wuzhen/wuzhen/internal/zh"
)

// collectionCase is a submission of the collection tests with the
// decision it gets.
type collectionCase struct {
	body, title, decision string
	id                    int64
}

// TestCollectionPDF: the year's collection holds the selected cases of
// the year once the results are published, in the reader's language and
// script, and nothing else; before publication, and for a year without
// published results, it is 404.
func TestCollectionPDF(t *testing.T) {
	eachApp(t, func(t *testing.T, a *testApp) {
		a.clock()
		sec := a.api(t, "sec@example.org", auth.RoleSecretariat)
		author := a.api(t, "author@example.org")
		if code := sec.call("POST", "/api/v1/calls", callJSON, nil); code != 201 {
			t.Fatal(code)
		}
		if code := sec.call("POST", "/api/v1/calls/cases-2025/publish", "", nil); code != 200 {
			t.Fatal(code)
		}
		cases := []*collectionCase{
			{body: `{"title":{"zh-Hans":"连接乡村学校的光纤网络"},"summary":{"zh-Hans":"为偏远地区的学校铺设光纤并培训教师。"},
				"field":"infrastructure","countries":["KE","CN"],"partners":[{"name":"Mekong Digital Alliance","country":"VN"},{"name":"Центр цифрового сотрудничества","country":"RU"}]}`,
				title: "连接乡村学校的光纤网络", decision: "selected"},
			{body: `{"title":{"en":"Cross-border incident response"},"summary":{"en":"Shared playbooks for computer emergency teams."},
				"field":"cybersecurity","countries":["BR","ZA"],"partners":["Кибербезопасность без границ"]}`,
				title: "Cross-border incident response", decision: "selected"},
			{body: `{"title":{"en":"Rejected sandbox idea"},"summary":{"en":"x"},"field":"governance","countries":["FR","DE"]}`,
				title: "Rejected sandbox idea", decision: "rejected"},
			{body: `{"title":{"en":"Shortlisted museum tours"},"summary":{"en":"x"},"field":"cultural_exchange","countries":["IT","EG"]}`,
				title: "Shortlisted museum tours", decision: "shortlisted"},
			{body: `{"title":{"en":"Undecided payments pilot"},"summary":{"en":"x"},"field":"digital_economy","countries":["SG","MY"]}`,
				title: "Undecided payments pilot"},
		}
		for _, c := range cases {
			var res struct {
				ID int64 `json:"id"`
			}
			if code := author.call("POST", "/api/v1/calls/cases-2025/submissions", c.body, &res); code != 201 {
				t.Fatalf("submit %s: %d", c.title, code)
			}
			c.id = res.ID
		}
		anon := a.browser(t)
		anon.get("/cases/2025/collection.pdf").expect(t, 404)
		for _, c := range cases {
			if c.decision != "" {
				if code := sec.call("POST", fmt.Sprintf("/api/v1/submissions/%d/decision", c.id), `{"decision":"`+c.decision+`"}`, nil); code != 200 {
					t.Fatal(code)
				}
			}
		}
		anon.get("/cases/2025/collection.pdf").expect(t, 404) // decided, not published
		if code := sec.call("POST", "/api/v1/calls/cases-2025/publish-results", "", nil); code != 200 {
			t.Fatal(code)
		}
		anon.get("/cases/2024/collection.pdf").expect(t, 404)
		anon.get("/cases/year/collection.pdf").expect(t, 404)
		anon.get("/cases?year=2025").expect(t, 200, `href="/cases/2025/collection.pdf?lang=en"`)

		read := func(r response) string {
			t.Helper()
			if r.StatusCode != 200 || r.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(r.body, "%PDF-") {
				t.Fatalf("collection: %d %s %.200q", r.StatusCode, r.Header.Get("Content-Type"), r.body)
			}
			return testenv.PDFText(t, []byte(r.body))
		}
		lacks := func(text string, no ...string) {
			t.Helper()
			for _, s := range no {
				if strings.Contains(text, s) {
					t.Errorf("the collection holds %q", s)
				}
			}
		}
		has := func(text string, want ...string) {
			t.Helper()
			for _, s := range want {
				if !strings.Contains(text, s) {
					t.Errorf("the collection lacks %q:\n%s", s, text)
				}
			}
		}
		unselected := []string{"Rejected sandbox idea", "Shortlisted museum tours", "Undecided payments pilot"}

		hant := anon.get("/cases/2025/collection.pdf?lang=zh-Hant")
		text := read(hant)
		has(text, zh.ToHant("连接乡村学校的光纤网络"), "Cross-border incident response", "2025 年網路空間國際合作實踐案例", "目錄",
			"肯亞", "Кибербезопасность без границ", "Центр цифрового сотрудничества", zh.ToHant("为偏远地区的学校铺设光纤"))
		lacks(text, append(unselected, "连接乡村学校")...)
		if os.Getenv(testenv.EnvArtifacts) != "" {
			p := filepath.Join(testenv.ArtifactDir(t), "collection-zh-Hant.pdf")
			os.WriteFile(p, []byte(hant.body), 0o644)
			t.Logf("collection: %s", p)
		}

		en := a.browser(t).get("/cases/2025/collection.pdf", "Accept-Language", "en")
		text = read(en)
		has(text, "Practice cases of international cooperation in cyberspace, 2025", "Contents", "Kenya", "Mekong Digital Alliance",
			"连接乡村学校的光纤网络", "Cross-border incident response", "Internet infrastructure", "Cybersecurity")
		lacks(text, unselected...)

		// The same bytes for a signed-in reader, whom the page cache does
		// not serve; and a decision changed after publication leaves the
		// collection at once.
		reader := a.person(t, "reader@example.org", "Reader")
		if r := reader.get("/cases/2025/collection.pdf?lang=zh-Hant"); r.body != hant.body {
			t.Errorf("a signed-in reader got other bytes (%d, %d bytes)", r.StatusCode, len(r.body))
		}
		if code := sec.call("POST", fmt.Sprintf("/api/v1/submissions/%d/decision", cases[1].id), `{"decision":"rejected"}`, nil); code != 200 {
			t.Fatal(code)
		}
		for _, b := range []*browser{anon, reader} {
			text = read(b.get("/cases/2025/collection.pdf?lang=zh-Hant"))
			has(text, zh.ToHant("连接乡村学校的光纤网络"))
			lacks(text, "Cross-border incident response")
		}
	})
}
