package main

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/wuzhen/wuzhen/internal/auth"
)

// TestProposalSpeakersHTTP: a session proposal names at least three
// speakers, refused at the field otherwise (API and form; a draft may have
// fewer), and the submitter and the secretariat see warnings when the
// speakers are all of one gender, one stakeholder group or one region.
func TestProposalSpeakersHTTP(t *testing.T) {
	eachApp(t, func(t *testing.T, a *testApp) {
		secAPI := a.api(t, "sec.api@example.org", auth.RoleSecretariat)
		if code := secAPI.call("POST", "/api/v1/calls", openCallJSON("forum-sessions", "session_proposal"), nil); code != 201 {
			t.Fatal(code)
		}
		if code := secAPI.call("POST", "/api/v1/calls/forum-sessions/publish", "", nil); code != 200 {
			t.Fatal(code)
		}
		author := a.api(t, "author@example.org")
		const base = `"title":{"en":"Women in cybersecurity"},"summary":{"en":"A panel."},"field":"cybersecurity","countries":["KE","NG"]`
		two := `{"name":"Wanjiru Kamau","organization":"KICTANet","country":"KE","group":"civil_society","gender":"woman"},
			{"name":"Ngozi Okafor","country":"NG","group":"civil_society","gender":"woman"}`
		var p problem
		if code := author.call("POST", "/api/v1/calls/forum-sessions/submissions", `{`+base+`,"speakers":[`+two+`]}`, &p); code != 422 ||
			len(p.Errors) != 1 || p.Errors[0].Field != "speakers" || !strings.Contains(p.Errors[0].Message, "at least 3") {
			t.Fatalf("two speakers: %d %+v", code, p)
		}
		var res struct {
			ID       int64    `json:"id"`
			Status   string   `json:"status"`
			Warnings []string `json:"warnings"`
		}
		if code := author.call("POST", "/api/v1/calls/forum-sessions/submissions", `{`+base+`,"submit":false,"speakers":[`+two+`]}`, &res); code != 201 || res.Status != "draft" {
			t.Fatalf("a draft with two speakers: %d %+v", code, res)
		}
		three := two + `,{"name":"Thandiwe Dlamini","country":"ZA","group":"civil_society","gender":"woman"}`
		if code := author.call("POST", "/api/v1/calls/forum-sessions/submissions", `{`+base+`,"speakers":[`+three+`]}`, &res); code != 201 || res.Status != "submitted" ||
			!slices.Equal(res.Warnings, []string{"speakers_one_gender", "speakers_one_group", "speakers_one_region"}) {
			t.Fatalf("three speakers: %d %+v", code, res)
		}
		var got struct {
			Speakers []struct {
				Name, Organization, Country, Group, Gender string
			} `json:"speakers"`
			Warnings []string `json:"warnings"`
		}
		if code := author.call("GET", fmt.Sprintf("/api/v1/submissions/%d", res.ID), "", &got); code != 200 || len(got.Speakers) != 3 ||
			got.Speakers[0].Organization != "KICTANet" || got.Speakers[2].Gender != "woman" || len(got.Warnings) != 3 {
			t.Errorf("read back: %d %+v", code, got)
		}
		warnings := []string{"The speakers are all of one gender.", "The speakers all come from one stakeholder group.", "The speakers all come from one region."}
		sec := a.staff(t, "sec@example.org", auth.RoleSecretariat)
		sec.get(fmt.Sprintf("/admin/submissions/%d", res.ID)).expect(t, 200, append(warnings, "Thandiwe Dlamini", "KICTANet")...)

		// The form: fewer than three refused at the field with everything
		// kept; three saved, and the warnings shown after saving.
		person := a.person(t, "amina@example.org", "Amina Diallo")
		form := url.Values{"title_en": {"Open data in Africa"}, "summary_en": {"A panel."}, "field": {"governance"}, "countries": {"SN", "GH"},
			"speakers.0.name": {"Amina Diallo"}, "speakers.0.country": {"SN"}, "speakers.0.gender": {"woman"}, "speakers.0.group": {"academia"},
			"speakers.1.name": {"Kwame Mensah"}, "speakers.1.country": {"GH"}, "speakers.1.gender": {"man"}, "speakers.1.group": {"academia"},
			"action": {"submit"}}
		person.get("/calls/forum-sessions/submit").expect(t, 200, `name="speakers.5.gender"`, `value="not_said"`)
		person.post("/calls/forum-sessions/submit", form).expect(t, 422, `id="e-speakers"`, `value="Kwame Mensah"`, "Name at least 3 speakers.")
		form.Set("speakers.3.name", "Sipho Ndlovu")
		form.Set("speakers.3.country", "ZA")
		form.Set("speakers.3.group", "academia")
		r := person.post("/calls/forum-sessions/submit", form)
		r.expect(t, 303)
		page := person.get(r.Header.Get("Location"))
		page.expect(t, 200, "The speakers all come from one stakeholder group.", "The speakers all come from one region.", "Sipho Ndlovu")
		if strings.Contains(page.body, warnings[0]) {
			t.Errorf("a woman and a man are flagged as one gender")
		}
		person.get(r.Header.Get("Location")+"/edit").expect(t, 200, "The speakers all come from one region.", `value="Sipho Ndlovu"`)

		// A balanced panel has no warning.
		form.Set("id", strings.TrimPrefix(r.Header.Get("Location"), "/submissions/"))
		form.Set("speakers.3.country", "FR")
		form.Set("speakers.3.group", "government")
		person.post("/calls/forum-sessions/submit", form).expect(t, 303)
		page = person.get(r.Header.Get("Location"))
		for _, w := range warnings {
			if strings.Contains(page.body, w) {
				t.Errorf("a balanced panel shows %q", w)
			}
		}
	})
}
