package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/documents"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/members"
)

// consultPeople are the accounts of the consultation tests: the
// secretariat, two representatives of one active member, a
// representative of another, and a plain account.
type consultPeople struct {
	sec, rep1, rep2, repB, plain *actor.Actor
	tokens                       map[string]string // by email
	member                       int64             // rep1 and rep2's member
}

func newConsultPeople(t *testing.T, a *testApp) *consultPeople {
	t.Helper()
	ctx := context.Background()
	cp := &consultPeople{tokens: map[string]string{}}
	mk := func(email, name string, roles ...string) *actor.Actor {
		u, err := a.users.Create(ctx, email, name, "a long password", roles...)
		if err != nil {
			t.Fatal(err)
		}
		if cp.tokens[email], err = a.users.CreateToken(ctx, email, "consult"); err != nil {
			t.Fatal(err)
		}
		return u.Principal()
	}
	cp.sec = mk("sec@example.org", "Secretariat", auth.RoleSecretariat)
	cp.rep1, cp.rep2 = mk("rep1@example.org", "Rep One"), mk("rep2@example.org", "Rep Two")
	cp.repB, cp.plain = mk("repb@example.org", "Rep B"), mk("plain@example.org", "陳怡君")
	member := func(name, country string, g members.Group, reps ...*actor.Actor) int64 {
		m := &members.Member{Kind: members.Organization, Name: members.Names{En: name, Hant: name + "（繁）"}, Country: country, Group: g}
		if err := a.members.Add(ctx, cp.sec, m); err != nil {
			t.Fatal(err)
		}
		// Representatives as the events tests make them (accepting an
		// invitation is the members package's own test).
		for i, r := range reps {
			if _, err := a.db.Exec(ctx, "INSERT INTO member_representatives (member_id, user_id, is_primary, created_at) VALUES (?, ?, ?, ?)",
				m.ID, r.ID, i == 0, time.Now()); err != nil {
				t.Fatal(err)
			}
		}
		return m.ID
	}
	cp.member = member("Taipei Internet Society", "TW", members.CivilSociety, cp.rep1, cp.rep2)
	member("Lima Academy", "PE", members.Academia, cp.repB)
	return cp
}

func (cp *consultPeople) token(p *actor.Actor) string { return cp.tokens[p.Email] }

// TestConsultationHTTP drives consultation, endorsements and votes through
// the API and pages on both databases: the window (422 naming it),
// comments and hidden ones, the export, endorsements by representatives
// only (409 for the member's second word, 403 for anyone else) and the
// tally on the document, and a vote whose results no API answer, page,
// audit entry or search shows before the close.
func TestConsultationHTTP(t *testing.T) {
	eachApp(t, func(t *testing.T, a *testApp) {
		ctx := context.Background()
		cp := newConsultPeople(t, a)
		realNow := a.db.Now
		t.Cleanup(func() { a.db.Now = realNow })
		if err := a.docs.CreateDocument(ctx, cp.sec, &documents.Document{Slug: "trust-paper", Kind: documents.KindConceptPaper, Year: 2026,
			SourceLang: "zh-Hant", Title: documents.Text{Hant: "信任概念文件"}}); err != nil {
			t.Fatal(err)
		}
		body := "# 原則\n\n網際網路是各國共同的空間。\n\n合作建立在互信之上。"
		for i := 0; i < 2; i++ {
			if _, err := a.docs.SaveVersion(ctx, cp.sec, "trust-paper", documents.VersionInput{Body: body + strings.Repeat("\n\n補充。", i)}); err != nil {
				t.Fatal(err)
			}
		}
		now := time.Now().UTC()
		rfc := func(d time.Duration) string { return now.Add(d).Format(time.RFC3339) }
		open := map[string]any{"version": 1, "opens_at": rfc(time.Hour), "closes_at": rfc(48 * time.Hour), "timezone": "Asia/Taipei"}
		if s := apiCall(t, a, cp.token(cp.plain), "POST", "/api/v1/documents/trust-paper/consultation", open, nil); s != http.StatusForbidden {
			t.Errorf("a plain account opens a consultation: %d", s)
		}
		if s := apiCall(t, a, cp.token(cp.sec), "POST", "/api/v1/documents/trust-paper/consultation", open, nil); s != http.StatusCreated {
			t.Fatalf("open: %d", s)
		}
		// Version 1's consultation has not opened: 422 naming the window.
		req := map[string]any{"version": 1, "paragraph": 2, "text": "太早了"}
		status, problem := apiProblem(t, a, cp.token(cp.plain), "/api/v1/documents/trust-paper/comments", req)
		closes := i18n.For(i18n.En).Moment(now.Add(48*time.Hour), mustZone(t, "Asia/Taipei"), nil)
		if status != http.StatusUnprocessableEntity || !strings.Contains(problem, closes) {
			t.Errorf("comment before the window: %d %s", status, problem)
		}
		open = map[string]any{"version": 2, "opens_at": rfc(-time.Hour), "closes_at": rfc(48 * time.Hour)}
		if s := apiCall(t, a, cp.token(cp.sec), "POST", "/api/v1/documents/trust-paper/consultation", open, nil); s != http.StatusCreated {
			t.Fatalf("open version 2: %d", s)
		}
		var c1, spam struct {
			ID int64 `json:"id"`
		}
		amend := "網際網路是各國人民共同的家園。"
		if s := apiCall(t, a, cp.token(cp.plain), "POST", "/api/v1/documents/trust-paper/comments", map[string]any{"version": 2, "paragraph": 2,
			"text": "建議更明確。", "amendment": amend, "organisation": "臺灣數位協會", "country": "TW", "stakeholder_group": "civil_society"}, &c1); s != http.StatusCreated {
			t.Fatalf("comment: %d", s)
		}
		if s := apiCall(t, a, "", "POST", "/api/v1/documents/trust-paper/comments", map[string]any{"version": 2, "paragraph": 2, "text": "x"}, nil); s != http.StatusUnauthorized {
			t.Errorf("anonymous comment: %d", s)
		}
		apiCall(t, a, cp.token(cp.repB), "POST", "/api/v1/documents/trust-paper/comments", map[string]any{"version": 2, "paragraph": 3, "text": "Cheap watches"}, &spam)
		if s := apiCall(t, a, cp.token(cp.plain), "POST", fmt.Sprintf("/api/v1/comments/%d/hide", spam.ID), map[string]any{"reason": "x"}, nil); s != http.StatusForbidden {
			t.Errorf("a plain account hides: %d", s)
		}
		if s := apiCall(t, a, cp.token(cp.sec), "POST", fmt.Sprintf("/api/v1/comments/%d/hide", spam.ID), map[string]any{"reason": "Advertising"}, nil); s != http.StatusOK {
			t.Fatalf("hide: %d", s)
		}
		var seen struct {
			Counts   map[string]int `json:"counts"`
			Comments []struct {
				ID   int64  `json:"id"`
				Text string `json:"text"`
			} `json:"comments"`
		}
		apiCall(t, a, "", "GET", "/api/v1/documents/trust-paper/consultation?version=2", nil, &seen)
		if len(seen.Comments) != 1 || seen.Comments[0].ID != c1.ID || seen.Counts["3"] != 0 || seen.Counts["2"] != 1 {
			t.Errorf("the public sees %+v", seen)
		}
		page := a.browser(t)
		page.get("/documents/trust-paper/consultation?version=2").expect(t, http.StatusOK, "建議更明確。", "臺灣數位協會", "臺灣")
		if strings.Contains(page.get("/documents/trust-paper/consultation?version=2").body, "Cheap watches") {
			t.Error("the hidden comment is on the public page")
		}
		apiCall(t, a, cp.token(cp.sec), "GET", "/api/v1/documents/trust-paper/consultation?version=2", nil, &seen)
		if len(seen.Comments) != 2 {
			t.Errorf("the secretariat sees %d threads", len(seen.Comments))
		}
		if s := apiCall(t, a, cp.token(cp.sec), "POST", fmt.Sprintf("/api/v1/comments/%d/decision", c1.ID), map[string]any{"decision": "accept"}, nil); s != http.StatusOK {
			t.Fatalf("accept: %d", s)
		}
		sec := a.browser(t)
		sec.post("/login", url.Values{"email": {"sec@example.org"}, "password": {"a long password"}}).expect(t, http.StatusSeeOther)
		sec.get("/admin/documents/trust-paper/consultation/comments.csv?version=2").expect(t, http.StatusOK, "建議更明確。", "plain@example.org",
			"Civil society", "Accepted", "Cheap watches", "Advertising")
		if x := sec.get("/admin/documents/trust-paper/consultation/comments.xlsx?version=2"); x.StatusCode != http.StatusOK || !strings.HasPrefix(x.body, "PK") {
			t.Errorf("XLSX: %d", x.StatusCode)
		}
		sec.post("/admin/documents/trust-paper/consultation/carry", url.Values{"version": {"2"}}).expect(t, http.StatusSeeOther)
		_, v3, err := a.docs.Version(ctx, "trust-paper", 3)
		if err != nil || v3.Paragraphs[1].Text != amend || !strings.Contains(v3.Note, "陳怡君") {
			t.Fatalf("carried version: %+v %v", v3, err)
		}
		if s := apiCall(t, a, cp.token(cp.sec), "POST", "/api/v1/documents/trust-paper/publish", map[string]any{"version": 3}, nil); s != http.StatusOK {
			t.Fatalf("publish: %d", s)
		}

		// Endorsements: asked for version 3; the member speaks once.
		endorse := map[string]any{"version": 3, "decision": "endorse", "statement": "我們支持。"}
		if s, p := apiProblem(t, a, cp.token(cp.rep1), "/api/v1/documents/trust-paper/endorsements", endorse); s != http.StatusUnprocessableEntity {
			t.Errorf("endorse before asked: %d %s", s, p)
		}
		var asked struct {
			Mailed int `json:"mailed"`
		}
		if s := apiCall(t, a, cp.token(cp.sec), "POST", "/api/v1/documents/trust-paper/endorsements/request", map[string]any{"version": 3}, &asked); s != http.StatusCreated || asked.Mailed != 3 {
			t.Fatalf("ask: %d, %d mailed", s, asked.Mailed)
		}
		for _, p := range []*actor.Actor{cp.plain, cp.sec} {
			if s := apiCall(t, a, cp.token(p), "POST", "/api/v1/documents/trust-paper/endorsements", endorse, nil); s != http.StatusForbidden {
				t.Errorf("%s endorses: %d", p.Email, s)
			}
		}
		var e struct {
			Hash string `json:"hash"`
		}
		if s := apiCall(t, a, cp.token(cp.rep1), "POST", "/api/v1/documents/trust-paper/endorsements", endorse, &e); s != http.StatusCreated || e.Hash != v3.Hash {
			t.Fatalf("endorse: %d %q", s, e.Hash)
		}
		if s := apiCall(t, a, cp.token(cp.rep2), "POST", "/api/v1/documents/trust-paper/endorsements", endorse, nil); s != http.StatusConflict {
			t.Errorf("the member's second endorsement: %d", s)
		}
		var doc struct {
			Endorsements documents.Endorsements `json:"endorsements"`
		}
		apiCall(t, a, "", "GET", "/api/v1/documents/trust-paper", nil, &doc)
		if doc.Endorsements.Count != 1 || doc.Endorsements.ByStakeholderGroup["civil_society"] != 1 || doc.Endorsements.ByContinent["asia"] != 1 {
			t.Errorf("tally on the document: %+v", doc.Endorsements)
		}
		page.get("/documents/trust-paper?lang=zh-Hant").expect(t, http.StatusOK, "Taipei Internet Society（繁）", "我們支持。")

		// A vote: results never before the close.
		vote := map[string]any{"title": map[string]string{"en": "Adopt the paper"}, "document": "trust-paper", "version": 3,
			"opens_at": rfc(-time.Hour), "closes_at": rfc(24 * time.Hour), "quorum": 2}
		var v struct {
			ID      int64    `json:"id"`
			Options []string `json:"options"`
			Results any      `json:"results"`
		}
		if s := apiCall(t, a, cp.token(cp.rep1), "POST", "/api/v1/votes", vote, nil); s != http.StatusForbidden {
			t.Errorf("a representative creates a vote: %d", s)
		}
		if s := apiCall(t, a, cp.token(cp.sec), "POST", "/api/v1/votes", vote, &v); s != http.StatusCreated || strings.Join(v.Options, ",") != "for,against,abstain" {
			t.Fatalf("vote: %d %v", s, v.Options)
		}
		ballots := fmt.Sprintf("/api/v1/votes/%d/ballots", v.ID)
		for _, c := range []struct {
			p    *actor.Actor
			o    string
			want int
		}{{cp.rep1, "for", 200}, {cp.rep2, "against", 200}, {cp.repB, "abstain", 200}, {cp.plain, "for", 403}, {cp.sec, "for", 403}, {cp.repB, "maybe", 422}} {
			if s := apiCall(t, a, cp.token(c.p), "POST", ballots, map[string]any{"option": c.o}, nil); s != c.want {
				t.Errorf("ballot of %s: %d, want %d", c.p.Email, s, c.want)
			}
		}
		for _, tok := range []string{"", cp.token(cp.sec), cp.token(cp.rep1)} {
			v.Results = "unset"
			apiCall(t, a, tok, "GET", fmt.Sprintf("/api/v1/votes/%d", v.ID), nil, &v)
			if v.Results != nil {
				t.Errorf("results before the close: %v", v.Results)
			}
		}
		for _, path := range []string{fmt.Sprintf("/votes/%d", v.ID), fmt.Sprintf("/votes/%d/results", v.ID), "/admin/audit", "/admin/consultations", "/admin/votes",
			"/search?q=Adopt+the+paper", "/api/v1/search?q=Adopt+the+paper"} {
			r := sec.get(path)
			for _, leak := range []string{"Against", "Abstain", "Turnout", "turnout", "was met", "was not met", "organisations voted", `"against"`, `"abstain"`} {
				if strings.Contains(r.body, leak) {
					t.Errorf("%s shows %q before the close", path, leak)
				}
			}
		}
		// The representative sees their own member's ballot, which the
		// other representative changed.
		rep := a.browser(t)
		rep.post("/login", url.Values{"email": {"rep1@example.org"}, "password": {"a long password"}}).expect(t, http.StatusSeeOther)
		rep.get(fmt.Sprintf("/votes/%d", v.ID)).expect(t, http.StatusOK, "Against")

		a.db.Now = func() time.Time { return realNow().Add(25 * time.Hour) }
		if s := apiCall(t, a, cp.token(cp.rep1), "POST", ballots, map[string]any{"option": "for"}, nil); s != http.StatusUnprocessableEntity {
			t.Errorf("ballot after the close: %d", s)
		}
		var after struct {
			Results struct {
				Counts    map[string]int `json:"counts"`
				Cast      int            `json:"cast"`
				QuorumMet bool           `json:"quorum_met"`
				Ballots   []any          `json:"ballots"`
			} `json:"results"`
		}
		apiCall(t, a, "", "GET", fmt.Sprintf("/api/v1/votes/%d", v.ID), nil, &after)
		if after.Results.Cast != 2 || after.Results.Counts["against"] != 1 || after.Results.Counts["abstain"] != 1 || !after.Results.QuorumMet ||
			after.Results.Ballots != nil {
			t.Errorf("results for the public: %+v", after.Results)
		}
		apiCall(t, a, cp.token(cp.sec), "GET", fmt.Sprintf("/api/v1/votes/%d", v.ID), nil, &after)
		if len(after.Results.Ballots) != 2 {
			t.Errorf("the secretariat sees %d ballots", len(after.Results.Ballots))
		}
		a.browser(t).get(fmt.Sprintf("/votes/%d/results?lang=en", v.ID)).expect(t, http.StatusOK, "Against", "The quorum of 2 was met.")
	})
}

// apiProblem posts body as JSON and returns the status and the answer.
func apiProblem(t *testing.T, a *testApp, token, path string, body any) (int, string) {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest("POST", a.ts.URL+path, bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(data)
}

func mustZone(t *testing.T, name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
