package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/mail"
)

// callClock is a settable clock for the database of a test app.
type callClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *callClock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *callClock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (a *testApp) clock() *callClock {
	c := &callClock{t: time.Date(2025, 6, 10, 8, 0, 0, 0, time.UTC)}
	a.db.Now = c.now
	return c
}

// The test call closes on 30 June 2025 at 18:00 in Shanghai (10:00 UTC).
const callJSON = `{"slug":"cases-2025","kind":"case","title":{"en":"Practice cases 2025","zh-Hans":"2025年实践案例"},
	"opens_at":"2025-06-01T09:00","closes_at":"2025-06-30T18:00","timezone":"Asia/Shanghai",
	"fields":["infrastructure","cultural_exchange","digital_economy","cybersecurity","governance"],
	"reviews_per_submission":2,"blind":true,
	"criteria":[{"code":"impact","name":{"en":"Impact","zh-Hans":"成效"},"weight":3,"max":10},
	            {"code":"cooperation","name":{"en":"Cooperation"},"weight":1,"max":5}]}`

type reviewItem struct {
	ID           int64  `json:"id"`
	SubmissionID int64  `json:"submission_id"`
	Title        string `json:"title"`
	Status       string `json:"status"`
}

func (c *apiClient) reviews() []reviewItem {
	c.t.Helper()
	var out struct {
		Items []reviewItem `json:"items"`
	}
	if code := c.call("GET", "/api/v1/reviews/mine", "", &out); code != 200 {
		c.t.Fatalf("reviews/mine: %d", code)
	}
	return out.Items
}

func TestCallsAPI(t *testing.T) {
	eachApp(t, func(t *testing.T, a *testApp) {
		clock := a.clock()
		sec := a.api(t, "sec@example.org", auth.RoleSecretariat)
		author := a.api(t, "author@example.org")
		plain := a.api(t, "plain@example.org")
		r1 := a.api(t, "r1@example.org")
		r2 := a.api(t, "r2@example.org")
		r3 := a.api(t, "r3@example.org")

		var p problem
		if code := sec.call("POST", "/api/v1/calls", `{"slug":"x","title":{},"opens_at":"soon","closes_at":"2025-01-01T00:00","timezone":"Nowhere/Land","fields":[],"criteria":[]}`, &p); code != 422 {
			t.Fatalf("a bad call: %d", code)
		}
		got := map[string]bool{}
		for _, e := range p.Errors {
			got[e.Field] = true
		}
		for _, f := range []string{"slug", "title", "opens_at", "timezone", "fields", "criteria"} {
			if !got[f] {
				t.Errorf("no error at %s: %+v", f, p.Errors)
			}
		}
		if code := plain.call("POST", "/api/v1/calls", callJSON, nil); code != 403 {
			t.Errorf("a plain account created a call: %d", code)
		}
		var created struct {
			ID       int64     `json:"id"`
			Slug     string    `json:"slug"`
			Status   string    `json:"status"`
			ClosesAt time.Time `json:"closes_at"`
		}
		if code := sec.call("POST", "/api/v1/calls", callJSON, &created); code != 201 || created.Status != "draft" ||
			!created.ClosesAt.Equal(time.Date(2025, 6, 30, 10, 0, 0, 0, time.UTC)) {
			t.Fatalf("create: %d %+v", code, created)
		}
		const sub = `{"title":{"en":"Connecting rural schools","zh-Hans":"连接乡村学校"},"summary":{"en":"Fibre and training."},
			"field":"infrastructure","countries":["KE","CN"],"partners":[{"name":"Mekong Digital Alliance","country":"VN"},"Nairobi Data Lab"]}`
		if code := author.call("POST", "/api/v1/calls/cases-2025/submissions", sub, nil); code != 404 {
			t.Errorf("submitted to an unpublished call: %d", code)
		}
		if code := sec.call("POST", "/api/v1/calls/cases-2025/publish", "", nil); code != 200 {
			t.Fatalf("publish: %d", code)
		}

		var s1 struct {
			ID     int64  `json:"id"`
			Status string `json:"status"`
		}
		if code := author.call("POST", "/api/v1/calls/cases-2025/submissions", sub, &s1); code != 201 || s1.Status != "submitted" || s1.ID == 0 {
			t.Fatalf("submit: %d %+v", code, s1)
		}
		var one struct {
			ID     int64  `json:"id"`
			Status string `json:"status"`
		}
		if code := author.call("POST", "/api/v1/calls/cases-2025/submissions", `{"title":{"en":"One country"},"summary":{"en":"x"},"field":"governance","countries":["FR"]}`, &p); code != 422 || p.Errors[0].Field != "countries" {
			t.Errorf("one country for a case: %d %+v", code, p)
		}
		if code := plain.call("POST", "/api/v1/calls/cases-2025/submissions", `{"title":{"en":"Second"},"summary":{"en":"Text"},"field":"cybersecurity","countries":["BR","ZA"]}`, &one); code != 201 {
			t.Fatalf("second submission: %d", code)
		}
		if code := plain.call("GET", fmt.Sprintf("/api/v1/submissions/%d", s1.ID), "", nil); code != 404 {
			t.Errorf("someone else read a submission: %d", code)
		}

		t.Run("after the deadline: 422 naming it", func(t *testing.T) {
			clock.set(time.Date(2025, 6, 30, 10, 0, 1, 0, time.UTC))
			defer clock.set(time.Date(2025, 6, 10, 8, 0, 0, 0, time.UTC))
			var late struct {
				Status int    `json:"status"`
				Title  string `json:"title"`
				Detail string `json:"detail"`
			}
			if code := author.call("POST", "/api/v1/calls/cases-2025/submissions", sub, &late); code != 422 || late.Status != 422 ||
				!strings.Contains(late.Detail, "30 June 2025, 18:00 Beijing time (UTC+8)") {
				t.Errorf("late: %d %+v", code, late)
			}
			if code := author.call("POST", "/api/v1/calls/cases-2025/submissions", sub, &late, "Accept-Language", "zh-TW"); code != 422 ||
				!strings.Contains(late.Detail, "2025年6月30日 星期一 18:00 北京時間") || !strings.Contains(late.Detail, "截止") {
				t.Errorf("late in zh-Hant: %d %+v", code, late)
			}
		})

		var added struct {
			Status string `json:"status"`
		}
		for _, r := range []string{"r1@example.org", "r2@example.org", "r3@example.org"} {
			if code := sec.call("POST", "/api/v1/calls/cases-2025/reviewers", `{"email":"`+r+`","fields":["infrastructure"]}`, &added); code != 201 || added.Status != "active" {
				t.Fatalf("add %s: %d %+v", r, code, added)
			}
		}
		if code := sec.call("POST", "/api/v1/calls/cases-2025/reviewers", `{"email":"new.expert@example.org","fields":["governance"]}`, &added); code != 201 || added.Status != "invited" {
			t.Fatalf("invite: %d %+v", code, added)
		}
		if link := a.mailLink(t, "new.expert@example.org"); !strings.HasPrefix(link, "/reviews/join?token=") {
			t.Errorf("invitation link %q", link)
		}
		if code := sec.call("POST", "/api/v1/calls/cases-2025/reviewers", `{"email":"r1@example.org"}`, &p); code != 422 {
			t.Errorf("added twice: %d", code)
		}
		// The author is a reviewer too: never of their own submission.
		if code := sec.call("POST", "/api/v1/calls/cases-2025/reviewers", `{"email":"author@example.org","fields":["infrastructure"]}`, nil); code != 201 {
			t.Fatal(code)
		}

		var assigned struct {
			Assignments int `json:"assignments"`
		}
		if code := sec.call("POST", "/api/v1/calls/cases-2025/assign", "", &assigned); code != 200 || assigned.Assignments != 4 {
			t.Fatalf("assign: %d %+v", code, assigned)
		}
		for _, it := range author.reviews() {
			if it.SubmissionID == s1.ID {
				t.Errorf("the author reviews their own submission")
			}
		}

		// Find who reviews s1.
		var mine, others []*apiClient
		items := map[*apiClient]reviewItem{}
		for _, r := range []*apiClient{r1, r2, r3} {
			found := false
			for _, it := range r.reviews() {
				if it.SubmissionID == s1.ID {
					items[r], found = it, true
				}
			}
			if found {
				mine = append(mine, r)
			} else {
				others = append(others, r)
			}
		}
		if len(mine) != 2 || len(others) != 1 {
			t.Fatalf("%d reviewers of s1, want 2", len(mine))
		}
		path := fmt.Sprintf("/api/v1/reviews/%d", items[mine[0]].ID)

		t.Run("a reviewer sees only their assignments, blind", func(t *testing.T) {
			res := struct {
				Status     string         `json:"status"`
				Submission map[string]any `json:"submission"`
			}{}
			if code := mine[0].call("GET", path, "", &res); code != 200 || res.Status != "assigned" {
				t.Fatalf("own review: %d %+v", code, res)
			}
			b, _ := json.Marshal(res.Submission)
			for _, hidden := range []string{"author@example.org", "Mekong", "Nairobi Data Lab", `"authors"`, `"partners":[{`} {
				if strings.Contains(string(b), hidden) {
					t.Errorf("blind review shows %q: %s", hidden, b)
				}
			}
			if !strings.Contains(string(b), "Connecting rural schools") {
				t.Errorf("the submission is missing: %s", b)
			}
			for _, c := range []*apiClient{others[0], plain, author} {
				if code := c.call("GET", path, "", nil); code != 404 {
					t.Errorf("someone else read the review: %d", code)
				}
				if code := c.call("POST", path, `{"scores":{"impact":1,"cooperation":1}}`, nil); code != 404 {
					t.Errorf("someone else scored it: %d", code)
				}
				if code := c.call("POST", path+"/conflict", "", nil); code != 404 {
					t.Errorf("someone else declared a conflict: %d", code)
				}
			}
		})

		t.Run("scores within 0..max", func(t *testing.T) {
			if code := mine[0].call("POST", path, `{"scores":{"impact":11,"cooperation":2}}`, &p); code != 422 || len(p.Errors) != 1 || p.Errors[0].Field != "scores.impact" {
				t.Errorf("out of range: %d %+v", code, p)
			}
			var ok struct {
				Status string `json:"status"`
			}
			if code := mine[0].call("POST", path, `{"scores":{"impact":8,"cooperation":4},"comment":"Solid."}`, &ok); code != 200 || ok.Status != "submitted" {
				t.Errorf("score: %d %+v", code, ok)
			}
		})

		t.Run("a submitted review changes only when the secretariat reopens it", func(t *testing.T) {
			// Issue 14: a draft save over a submitted review answered 200 and wiped its scores.
			if code := mine[0].call("POST", path, `{"scores":{},"submit":false}`, &p); code != 409 {
				t.Errorf("a draft over a submitted review: %d %+v", code, p)
			}
			reopen := path + "/reopen"
			for _, c := range []*apiClient{mine[0], plain, author} {
				if code := c.call("POST", reopen, "", nil); code != 403 {
					t.Errorf("reopened by someone not of the secretariat: %d", code)
				}
			}
			var res struct {
				Status string `json:"status"`
			}
			if code := sec.call("POST", reopen, "", &res); code != 200 || res.Status != "assigned" {
				t.Fatalf("reopen: %d %+v", code, res)
			}
			if code := sec.call("POST", reopen, "", nil); code != 409 {
				t.Errorf("an open review reopened: %d", code)
			}
			// Reopened, a draft keeps the scores it does not name; submitting again counts them.
			if code := mine[0].call("POST", path, `{"scores":{},"submit":false}`, nil); code != 200 {
				t.Errorf("draft: %d", code)
			}
			if code := mine[0].call("POST", path, `{"scores":{},"submit":true}`, nil); code != 200 {
				t.Errorf("submitted again with the scores kept: %d", code)
			}
		})

		t.Run("a conflict goes to another reviewer at once", func(t *testing.T) {
			cpath := fmt.Sprintf("/api/v1/reviews/%d/conflict", items[mine[1]].ID)
			var res struct {
				Status     string `json:"status"`
				Reassigned bool   `json:"reassigned"`
			}
			if code := mine[1].call("POST", cpath, `{"reason":"I advised them."}`, &res); code != 200 || res.Status != "conflict" || !res.Reassigned {
				t.Fatalf("conflict: %d %+v", code, res)
			}
			var now reviewItem
			for _, it := range others[0].reviews() {
				if it.SubmissionID == s1.ID {
					now = it
				}
			}
			if now.ID == 0 || now.Status != "assigned" {
				t.Fatalf("the replacement has nothing: %+v", others[0].reviews())
			}
			if code := others[0].call("POST", fmt.Sprintf("/api/v1/reviews/%d", now.ID), `{"scores":{"impact":6,"cooperation":5}}`, nil); code != 200 {
				t.Errorf("replacement scores: %d", code)
			}
			if code := mine[1].call("POST", fmt.Sprintf("/api/v1/reviews/%d", items[mine[1]].ID), `{"scores":{"impact":6,"cooperation":5}}`, nil); code != 409 {
				t.Errorf("scored after declaring a conflict: %d", code)
			}
		})

		t.Run("ranking, decision, publication, showcase", func(t *testing.T) {
			var rank struct {
				Items []struct {
					SubmissionID int64   `json:"submission_id"`
					WeightedMean float64 `json:"weighted_mean"`
					Normalized   float64 `json:"normalized"`
					Reviews      int     `json:"reviews"`
				} `json:"items"`
			}
			if code := plain.call("GET", "/api/v1/calls/cases-2025/ranking", "", nil); code != 403 {
				t.Errorf("a plain account read the ranking: %d", code)
			}
			if code := sec.call("GET", "/api/v1/calls/cases-2025/ranking", "", &rank); code != 200 || len(rank.Items) != 2 {
				t.Fatalf("ranking: %d %+v", code, rank)
			}
			// s1: 100×(3·0.8+0.8)/4 = 80 and 100×(3·0.6+1)/4 = 70.
			top := rank.Items[0]
			if top.SubmissionID != s1.ID || top.Reviews != 2 || top.WeightedMean != 75 {
				t.Errorf("top %+v", top)
			}
			if code := sec.call("POST", fmt.Sprintf("/api/v1/submissions/%d/decision", s1.ID), `{"decision":"selected"}`, nil); code != 200 {
				t.Fatalf("decide: %d", code)
			}
			if code := sec.call("POST", fmt.Sprintf("/api/v1/submissions/%d/decision", one.ID), `{"decision":"maybe"}`, &p); code != 422 {
				t.Errorf("bad decision: %d", code)
			}
			var cases struct {
				Items []struct {
					ID        int64    `json:"id"`
					Title     string   `json:"title"`
					Field     string   `json:"field"`
					Year      int      `json:"year"`
					Countries []string `json:"countries"`
					URL       string   `json:"url"`
				} `json:"items"`
				Total int `json:"total"`
			}
			anon := a.browser(t)
			get := func(q string) {
				t.Helper()
				r := anon.get("/api/v1/cases" + q)
				if r.StatusCode != 200 {
					t.Fatalf("cases: %d", r.StatusCode)
				}
				cases.Items = nil
				if err := json.Unmarshal([]byte(r.body), &cases); err != nil {
					t.Fatal(err)
				}
			}
			get("")
			if cases.Total != 0 {
				t.Errorf("a decision was public before publication")
			}
			var author1 struct {
				Decision string `json:"decision"`
			}
			author.call("GET", fmt.Sprintf("/api/v1/submissions/%d", s1.ID), "", &author1)
			if author1.Decision != "" {
				t.Errorf("the author saw the decision early")
			}
			if code := sec.call("POST", "/api/v1/calls/cases-2025/publish-results", "", nil); code != 200 {
				t.Fatalf("publish results: %d", code)
			}
			get("?year=2025&field=infrastructure")
			if cases.Total != 1 || cases.Items[0].ID != s1.ID || cases.Items[0].Year != 2025 || cases.Items[0].Title != "Connecting rural schools" ||
				!strings.HasSuffix(cases.Items[0].URL, fmt.Sprintf("/cases/%d", s1.ID)) || len(cases.Items[0].Countries) != 2 {
				t.Errorf("showcase %+v", cases)
			}
			get("?year=2024")
			if cases.Total != 0 {
				t.Errorf("2024 has %d", cases.Total)
			}
			get("?field=cybersecurity")
			if cases.Total != 0 {
				t.Errorf("a submission without a decision is public")
			}
			anon.get(fmt.Sprintf("/cases/%d?lang=zh-Hant", s1.ID)).expect(t, 200, "連接鄉村學校", "Mekong Digital Alliance", "肯亞")
			anon.get(fmt.Sprintf("/cases/%d", one.ID)).expect(t, 404)
			anon.get("/cases?lang=zh-Hant").expect(t, 200, "連接鄉村學校", "網際網路基礎設施")
			anon.get("/search?q=%E4%B9%A1%E6%9D%91&lang=zh-Hans").expect(t, 200, fmt.Sprintf("/cases/%d", s1.ID))
		})
	})
}

// TestCallsPages walks the pages: a draft saved as the person types, a
// co-author confirming by the mailed link, the reviewer's blind page, and
// the secretariat's pages.
func TestCallsPages(t *testing.T) {
	eachApp(t, func(t *testing.T, a *testApp) {
		// Sessions are cookies the client keeps by the real clock: this
		// call is open now, and closes in a month.
		now := time.Now().UTC()
		body := strings.NewReplacer(`"opens_at":"2025-06-01T09:00"`, `"opens_at":"`+now.Add(-time.Hour).Format(time.RFC3339)+`"`,
			`"closes_at":"2025-06-30T18:00"`, `"closes_at":"`+now.AddDate(0, 1, 0).Format(time.RFC3339)+`"`).Replace(callJSON)
		secAPI := a.api(t, "sec.api@example.org", auth.RoleSecretariat)
		if code := secAPI.call("POST", "/api/v1/calls", body, nil); code != 201 {
			t.Fatal(code)
		}
		if code := secAPI.call("POST", "/api/v1/calls/cases-2025/publish", "", nil); code != 200 {
			t.Fatal(code)
		}
		sec := a.staff(t, "sec@example.org", auth.RoleSecretariat)
		author := a.person(t, "wanjiru@example.org", "Wanjiru Kamau")
		author.get("/calls/cases-2025").expect(t, 200, "Practice cases 2025", "Beijing time (UTC&#43;8)", `href="/calls/cases-2025/submit"`)

		r := author.post("/calls/cases-2025/submit", url.Values{"title_en": {"Draft case"}, "action": {"save"}}, "X-Autosave", "1")
		var saved struct {
			Saved bool  `json:"saved"`
			ID    int64 `json:"id"`
		}
		if err := json.Unmarshal([]byte(r.body), &saved); r.StatusCode != 200 || err != nil || !saved.Saved || saved.ID == 0 {
			t.Fatalf("autosave: %d %s %s", r.StatusCode, r.Header.Get("Location"), r.body)
		}
		id := fmt.Sprint(saved.ID)
		// Submitting an incomplete draft keeps what was typed, errors at the fields.
		r = author.post("/calls/cases-2025/submit", url.Values{"id": {id}, "title_en": {"Draft case"}, "title_zh": {"草稿案例"},
			"summary_en": {"What we did."}, "countries": {"KE"}, "action": {"submit"}})
		r.expect(t, 422, `value="Draft case"`, `id="e-field"`, `id="e-countries"`, "草稿案例")
		r = author.post("/calls/cases-2025/submit", url.Values{"id": {id}, "title_en": {"Draft case"}, "summary_en": {"What we did."},
			"field": {"digital_economy"}, "countries": {"KE", "CN"}, "partner.0.name": {"Mekong Digital Alliance"}, "partner.0.country": {"VN"},
			"author_country": {"KE"}, "action": {"submit"}})
		r.expect(t, 303)
		if loc := r.Header.Get("Location"); loc != "/submissions/"+id {
			t.Fatalf("redirect to %q", loc)
		}
		author.get("/submissions/"+id).expect(t, 200, "Submitted, under review", "Mekong Digital Alliance")
		author.post("/submissions/"+id+"/coauthors", url.Values{"email": {"co@example.org"}, "name": {"Li Wei"}}).expect(t, 303)
		author.post("/submissions/"+id+"/coauthors", url.Values{"email": {"not an address"}}).expect(t, 422, `id="e-email"`)
		link := a.mailLink(t, "co@example.org")
		co := a.person(t, "co@example.org", "Li Wei")
		co.get(link).expect(t, 200, "Draft case")
		token := strings.SplitN(link, "token=", 2)[1]
		co.post("/submissions/confirm", url.Values{"token": {token}}).expect(t, 303)
		co.get("/submissions").expect(t, 200, "Draft case")
		author.get("/submissions/"+id).expect(t, 200, "co-author, confirmed")

		// The secretariat's pages.
		sec.get("/admin/calls").expect(t, 200, "Practice cases 2025")
		sec.get("/admin/calls/cases-2025").expect(t, 200, "Draft case", "To screen")
		sec.post("/admin/calls/cases-2025/reviewers", url.Values{"email": {"expert@example.org"}, "fields": {"digital_economy"}}).expect(t, 303)
		expert := a.person(t, "expert@example.org", "Expert Reviewer")
		expertLink := a.mailLink(t, "expert@example.org")
		expert.post("/reviews/join", url.Values{"token": {strings.SplitN(expertLink, "token=", 2)[1]}}).expect(t, 303)
		sec.post("/admin/calls/cases-2025/reviewers", url.Values{"email": {"co@example.org"}}).expect(t, 303)
		sec.get("/admin/calls/cases-2025/reviewers").expect(t, 200, "expert@example.org")
		sec.post("/admin/calls/cases-2025/assign", url.Values{}).expect(t, 303)
		sec.get("/admin/calls/cases-2025?assigned=1").expect(t, 200, "1 assignment made.")
		sec.get("/admin/submissions/"+id).expect(t, 200, "wanjiru@example.org", "Expert Reviewer")

		// The co-author is in the pool but never gets their own case.
		co.get("/reviews").expect(t, 200, "Nothing to review.")
		page := expert.get("/reviews")
		page.expect(t, 200, "Draft case")
		rid := regexpFind(t, page.body, `href="/reviews/(\d+)"`)
		rev := expert.get("/reviews/" + rid)
		rev.expect(t, 200, "Blind review", "Draft case")
		for _, hidden := range []string{"Mekong", "wanjiru", "Li Wei", "co@example.org"} {
			if strings.Contains(rev.body, hidden) {
				t.Errorf("the blind review page shows %q", hidden)
			}
		}
		expert.post("/reviews/"+rid, url.Values{"score.impact": {"12"}, "score.cooperation": {"3"}, "action": {"submit"}}).
			expect(t, 422, `id="e-score.impact"`, `value="12"`)
		expert.post("/reviews/"+rid, url.Values{"score.impact": {"9"}, "score.cooperation": {"3"}, "comment": {"Good."}, "action": {"submit"}}).expect(t, 303)
		co.get("/reviews/"+rid).expect(t, 404)
		sec.get("/admin/calls/cases-2025/ranking").expect(t, 200, "Draft case", "82.5")
		sec.post("/admin/submissions/"+id+"/decision", url.Values{"decision": {"selected"}}).expect(t, 303)
		sec.post("/admin/calls/cases-2025/publish-results", url.Values{}).expect(t, 303)
		a.browser(t).get("/cases").expect(t, 200, "Draft case", "Digital economy")
		msgs, _, _ := mail.List(context.Background(), a.db, 100, 0)
		decided := 0
		for _, m := range msgs {
			if m.Subject == "The results of your submission" {
				decided++
			}
		}
		if decided != 2 {
			t.Errorf("%d decision mails, want one to each author", decided)
		}
	})
}

func regexpFind(t *testing.T, s, re string) string {
	t.Helper()
	m := regexp.MustCompile(re).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no %s in\n%.2000s", re, s)
	}
	return m[1]
}

// person makes an account without roles and signs it in.
func (a *testApp) person(t *testing.T, email, name string) *browser {
	t.Helper()
	if _, err := a.users.Create(context.Background(), email, name, "person-password-1"); err != nil {
		t.Fatal(err)
	}
	b := a.browser(t)
	b.post("/login", url.Values{"email": {email}, "password": {"person-password-1"}}).expect(t, http.StatusSeeOther)
	return b
}
