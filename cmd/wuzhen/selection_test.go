package main

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/calls"
	"github.com/wuzhen/wuzhen/internal/members"
)

// openCallJSON is callJSON open from an hour ago for a month, by the real
// clock that session cookies follow.
func openCallJSON(slug, kind string) string {
	now := time.Now().UTC()
	return strings.NewReplacer(`"slug":"cases-2025"`, `"slug":"`+slug+`"`, `"kind":"case"`, `"kind":"`+kind+`"`,
		`"opens_at":"2025-06-01T09:00"`, `"opens_at":"`+now.Add(-time.Hour).Format(time.RFC3339)+`"`,
		`"closes_at":"2025-06-30T18:00"`, `"closes_at":"`+now.AddDate(0, 1, 0).Format(time.RFC3339)+`"`).Replace(callJSON)
}

func TestCallsGroupsAreMembersGroups(t *testing.T) {
	var want []string
	for _, g := range members.Groups {
		want = append(want, string(g))
	}
	if !slices.Equal(calls.Groups, want) {
		t.Errorf("calls.Groups %v, members.Groups %v", calls.Groups, want)
	}
}

// TestSelectionView: the secretariat's view of the selection before
// publication, by continent, M49 region, stakeholder group and field, with
// the shortlist apart and a warning for each share above half.
func TestSelectionView(t *testing.T) {
	eachApp(t, func(t *testing.T, a *testApp) {
		secAPI := a.api(t, "sec.api@example.org", auth.RoleSecretariat)
		if code := secAPI.call("POST", "/api/v1/calls", openCallJSON("cases-2025", "case"), nil); code != 201 {
			t.Fatal(code)
		}
		if code := secAPI.call("POST", "/api/v1/calls/cases-2025/publish", "", nil); code != 200 {
			t.Fatal(code)
		}
		author := a.api(t, "author@example.org")
		var p problem
		if code := author.call("POST", "/api/v1/calls/cases-2025/submissions", `{"title":{"en":"Bad group"},"summary":{"en":"x"},
			"field":"governance","countries":["FR","DE"],"stakeholder_group":"aliens"}`, &p); code != 422 || len(p.Errors) != 1 || p.Errors[0].Field != "stakeholder_group" {
			t.Fatalf("an unknown group: %d %+v", code, p)
		}
		subs := []struct{ title, field, countries, group, decision string }{
			{"Fibre for Kenyan and Chinese schools", "infrastructure", `"KE","CN"`, "business", "selected"},
			{"Payments between Nigeria and South Africa", "digital_economy", `"NG","ZA"`, "business", "selected"},
			{"Andean heritage online", "cultural_exchange", `"BR","AR"`, "academia", "selected"},
			{"European incident drills", "cybersecurity", `"FR","DE"`, "civil_society", "shortlisted"},
			{"Rejected rules of the road", "governance", `"US","CA"`, "", "rejected"},
		}
		ids := make([]int64, len(subs))
		for i, s := range subs {
			var res struct {
				ID int64 `json:"id"`
			}
			body := fmt.Sprintf(`{"title":{"en":%q},"summary":{"en":"x"},"field":%q,"countries":[%s],"stakeholder_group":%q}`, s.title, s.field, s.countries, s.group)
			if code := author.call("POST", "/api/v1/calls/cases-2025/submissions", body, &res); code != 201 {
				t.Fatalf("submit %s: %d", s.title, code)
			}
			ids[i] = res.ID
			if code := secAPI.call("POST", fmt.Sprintf("/api/v1/submissions/%d/decision", res.ID), `{"decision":"`+s.decision+`"}`, nil); code != 200 {
				t.Fatal(code)
			}
		}
		var got struct {
			Group string `json:"stakeholder_group"`
		}
		if code := author.call("GET", fmt.Sprintf("/api/v1/submissions/%d", ids[2]), "", &got); code != 200 || got.Group != "academia" {
			t.Errorf("the API's submission: %d %+v", code, got)
		}

		sec := a.staff(t, "sec@example.org", auth.RoleSecretariat)
		page := sec.get("/admin/calls/cases-2025/selection")
		page.expect(t, 200, "3 selected and 1 shortlisted",
			"Africa has 2 of the 3 selected cases, more than half.",
			"The region Africa has 2 of the 3 selected cases, more than half.",
			"The stakeholder group Business has 2 of the 3 selected cases, more than half.",
			"Andean heritage online", "European incident drills", "By region (UN M49)", "Americas", "Academia and research")
		for _, no := range []string{"The field", "Asia has", "Rejected rules of the road"} {
			if strings.Contains(page.body, no) {
				t.Errorf("the selection page holds %q", no)
			}
		}
		// The shortlist is shown apart from the selection.
		sel, short := strings.Index(page.body, ">Selected</h2>"), strings.Index(page.body, ">Shortlisted</h2>")
		if sel < 0 || short < sel || !strings.Contains(page.body[short:], "European incident drills") || strings.Contains(page.body[sel:short], "European incident drills") {
			t.Errorf("the shortlist is not apart")
		}
		sec.get("/admin/calls/cases-2025/selection?lang=zh-Hant").expect(t, 200, "利害關係人類別「企業")
		a.person(t, "plain@example.org", "Plain").get("/admin/calls/cases-2025/selection").expect(t, 403)

		// A balanced selection has no warning.
		if code := secAPI.call("POST", fmt.Sprintf("/api/v1/submissions/%d/decision", ids[1]), `{"decision":"shortlisted"}`, nil); code != 200 {
			t.Fatal(code)
		}
		if code := secAPI.call("POST", fmt.Sprintf("/api/v1/submissions/%d/decision", ids[3]), `{"decision":"selected"}`, nil); code != 200 {
			t.Fatal(code)
		}
		page = sec.get("/admin/calls/cases-2025/selection?lang=en")
		page.expect(t, 200, "3 selected and 1 shortlisted")
		if strings.Contains(page.body, "more than half") {
			t.Errorf("a balanced selection is flagged")
		}

		// The form offers the groups and keeps the choice.
		person := a.person(t, "wanjiru@example.org", "Wanjiru Kamau")
		person.get("/calls/cases-2025/submit").expect(t, 200, `name="stakeholder_group"`, `value="technical_community"`)
		r := person.post("/calls/cases-2025/submit", url.Values{"title_en": {"Draft"}, "stakeholder_group": {"civil_society"}, "action": {"save"}})
		r.expect(t, 303)
		person.get(r.Header.Get("Location")+"/edit").expect(t, 200, `value="civil_society" selected`)
		person.post("/calls/cases-2025/submit", url.Values{"title_en": {"Draft"}, "stakeholder_group": {"aliens"}, "action": {"save"}}).
			expect(t, 422, `id="e-stakeholder_group"`, `value="Draft"`)
	})
}
