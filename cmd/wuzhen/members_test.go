package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/members"
)

func applicantPrincipal(t *testing.T, a *testApp, email string) *actor.Actor {
	t.Helper()
	u, err := a.users.ByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return u.Principal()
}

// apiClient sends JSON with a personal token.
type apiClient struct {
	*browser
	token string
}

func (a *testApp) api(t *testing.T, email string, roles ...string) *apiClient {
	t.Helper()
	ctx := context.Background()
	if _, err := a.users.Create(ctx, email, strings.Split(email, "@")[0], "", roles...); err != nil {
		t.Fatal(err)
	}
	tok, err := a.users.CreateToken(ctx, email, "test")
	if err != nil {
		t.Fatal(err)
	}
	return &apiClient{a.browser(t), tok}
}

func (c *apiClient) call(method, path, body string, into any, header ...string) int {
	c.t.Helper()
	req, _ := http.NewRequest(method, c.a.ts.URL+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := c.c.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	if into != nil {
		if err := json.NewDecoder(res.Body).Decode(into); err != nil {
			c.t.Fatalf("%s %s: %d, decoding: %v", method, path, res.StatusCode, err)
		}
	}
	return res.StatusCode
}

type problem struct {
	Status int    `json:"status"`
	Title  string `json:"title"`
	Errors []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"errors"`
}

func TestMembersAPI(t *testing.T) {
	eachApp(t, func(t *testing.T, a *testApp) {
		applicant := a.api(t, "applicant@example.org")
		other := a.api(t, "other@example.org")
		sec := a.api(t, "sec@example.org", auth.RoleSecretariat)
		const body = `{"kind":"organization","name":{"en":"Kenya ICT Action Network","zh-Hans":"肯尼亚信息通信技术行动网络"},"country":"KE","stakeholder_group":"technical_community","website":"https://kictanet.example.org","contact_email":"info@kictanet.example.org","motivation":"Multi-stakeholder policy work in East Africa."}`

		var p problem
		if code := applicant.call("POST", "/api/v1/membership-applications", `{"kind":"organization","name":{},"country":"ZZ","stakeholder_group":"x","contact_email":"bad"}`, &p, "Accept-Language", "zh-CN"); code != 422 {
			t.Fatalf("bad application: %d", code)
		}
		got := map[string]string{}
		for _, e := range p.Errors {
			got[e.Field] = e.Message
		}
		if got["name"] == "" || got["country"] != "请从列表中选择国家或地区。" || got["stakeholder_group"] == "" || got["contact_email"] == "" || got["motivation"] == "" {
			t.Errorf("field errors %v", got)
		}

		var created struct {
			ID     int64  `json:"id"`
			Status string `json:"status"`
		}
		if code := applicant.call("POST", "/api/v1/membership-applications", `{"kind":"individual","name":{"en":"Draft"},"submit":false}`, &created); code != 201 || created.Status != "draft" {
			t.Fatalf("draft: %d %+v", code, created)
		}
		if code := applicant.call("POST", "/api/v1/membership-applications", body, &created); code != 201 || created.Status != "submitted" || created.ID == 0 {
			t.Fatalf("apply: %d %+v", code, created)
		}
		path := fmt.Sprintf("/api/v1/membership-applications/%d", created.ID)
		if code := applicant.call("GET", path, "", nil); code != 200 {
			t.Errorf("the applicant reads it: %d", code)
		}
		if code := sec.call("GET", path, "", nil); code != 200 {
			t.Errorf("the secretariat reads it: %d", code)
		}
		if code := other.call("GET", path, "", nil); code != 404 {
			t.Errorf("someone else reads it: %d", code)
		}
		if code := other.call("POST", path+"/decision", `{"decision":"approve"}`, nil); code != 403 {
			t.Errorf("someone else decides: %d", code)
		}
		if code := applicant.call("POST", path+"/decision", `{"decision":"approve"}`, nil); code != 403 {
			t.Errorf("the applicant decides: %d", code)
		}

		// Not yet a member: the public does not see it.
		var list struct {
			Items []struct {
				ID        int64  `json:"id"`
				Name      string `json:"name"`
				Country   string `json:"country"`
				Continent string `json:"continent"`
				Group     string `json:"stakeholder_group"`
				JoinedOn  string `json:"joined_on"`
				URL       string `json:"url"`
			} `json:"items"`
			Total int `json:"total"`
		}
		pub := a.browser(t)
		r := pub.get("/api/v1/members")
		json.Unmarshal([]byte(r.body), &list)
		if r.StatusCode != 200 || list.Total != 0 {
			t.Fatalf("members before approval: %d %s", r.StatusCode, r.body)
		}

		var decided struct {
			Status   string `json:"status"`
			MemberID *int64 `json:"member_id"`
		}
		if code := sec.call("POST", path+"/decision", `{"decision":"request_info","reason":"Which countries do you work in?"}`, &decided); code != 200 || decided.Status != "info_requested" || decided.MemberID != nil {
			t.Fatalf("request info: %d %+v", code, decided)
		}
		if code := sec.call("POST", path+"/decision", `{"decision":"approve"}`, &p); code != 409 {
			t.Errorf("approve while waiting for information: %d", code)
		}
		if code := sec.call("POST", path+"/decision", `{"decision":"reject"}`, &p); code != 422 || len(p.Errors) != 1 || p.Errors[0].Field != "reason" {
			t.Errorf("reject without reason: %+v", p)
		}
		// The applicant completes the application and submits it again.
		app, err := a.members.Application(context.Background(), applicantPrincipal(t, a, "applicant@example.org"), created.ID)
		if err != nil {
			t.Fatal(err)
		}
		app.Motivation += " We work in Kenya, Uganda and Tanzania."
		if err := a.members.Save(context.Background(), &actor.Actor{ID: app.ApplicantID, Email: "applicant@example.org"}, app, true); err != nil {
			t.Fatal(err)
		}
		if code := sec.call("POST", path+"/decision", `{"decision":"approve"}`, &decided); code != 200 || decided.Status != "approved" || decided.MemberID == nil {
			t.Fatalf("approve: %d %+v", code, decided)
		}

		r = pub.get("/api/v1/members?lang=zh-Hant")
		json.Unmarshal([]byte(r.body), &list)
		if list.Total != 1 || list.Items[0].Name != "肯尼亞信息通信技術行動網絡" || list.Items[0].Country != "KE" || list.Items[0].Continent != "AF" ||
			list.Items[0].Group != "technical_community" || list.Items[0].JoinedOn == "" || !strings.HasSuffix(list.Items[0].URL, fmt.Sprintf("/members/%d", *decided.MemberID)) {
			t.Errorf("members: %s", r.body)
		}
		r = pub.get("/api/v1/members?continent=EU")
		json.Unmarshal([]byte(r.body), &list)
		if list.Total != 0 {
			t.Errorf("continent filter: %s", r.body)
		}
		// Counts below 5 are "<5" in public figures (issue 14).
		var st struct {
			Members     any            `json:"members"`
			Countries   int            `json:"countries"`
			Continents  int            `json:"continents"`
			ByContinent map[string]any `json:"by_continent"`
			ByGroup     map[string]any `json:"by_stakeholder_group"`
			ByCountry   map[string]any `json:"by_country"`
		}
		r = pub.get("/api/v1/stats/members")
		json.Unmarshal([]byte(r.body), &st)
		if st.Members != "<5" || st.Countries != 1 || st.Continents != 1 || st.ByContinent["AF"] != "<5" || st.ByGroup["technical_community"] != "<5" || st.ByCountry["KE"] != "<5" {
			t.Errorf("stats: %s", r.body)
		}
	})
}

// TestPageCache checks that public pages are served from the cache to
// anonymous readers and rendered again as soon as public content changes.
func TestPageCache(t *testing.T) {
	eachApp(t, func(t *testing.T, a *testApp) {
		pub := a.browser(t)
		get := func(path, want string) string {
			t.Helper()
			r := pub.get(path)
			r.expect(t, http.StatusOK)
			if want != "" && !strings.Contains(r.body, want) {
				t.Errorf("%s lacks %q", path, want)
			}
			return r.Header.Get("X-Page-Cache")
		}
		if how := get("/members", "0 members"); how != "miss" {
			t.Errorf("first view: %q", how)
		}
		if how := get("/members", "0 members"); how != "hit" {
			t.Errorf("second view: %q", how)
		}
		if how := get("/members?lang=zh-Hant", "0 個會員"); how != "miss" {
			t.Errorf("another language shares the English page: %q", how)
		}
		if err := a.members.Add(context.Background(), &actor.Actor{Email: "test"}, &members.Member{Kind: members.Organization,
			Name: members.Names{En: "Mekong Digital Forum"}, Group: members.CivilSociety, Country: "KH"}); err != nil {
			t.Fatal(err)
		}
		if how := get("/members", "Mekong Digital Forum"); how != "miss" {
			t.Errorf("after a change: %q", how)
		}
		// A signed-in reader gets a page of their own, never a cached one.
		s := a.staff(t, "sec@example.org", auth.RoleSecretariat)
		r := s.get("/members")
		r.expect(t, http.StatusOK, "Staff secretariat")
		if r.Header.Get("X-Page-Cache") != "" {
			t.Error("a signed-in reader got a cached page")
		}
		if how := get("/members", ""); how != "hit" {
			t.Errorf("the anonymous page after a signed-in view: %q", how)
		}
		if r := pub.get("/members"); strings.Contains(r.body, "Staff secretariat") {
			t.Error("the cached page holds a signed-in person's name")
		}
		// A suspended member leaves the cached directory at once.
		list, _, err := a.members.Directory(context.Background(), members.Filter{Query: "Mekong"}, 1, 0)
		if err != nil || len(list) != 1 {
			t.Fatalf("directory: %v %v", list, err)
		}
		if _, err := a.members.ChangeStanding(context.Background(), &actor.Actor{Email: "test"}, list[0].ID, members.ActSuspend, "Unpaid dues.", ""); err != nil {
			t.Fatal(err)
		}
		if r := pub.get("/members"); strings.Contains(r.body, "Mekong Digital Forum") || r.Header.Get("X-Page-Cache") != "miss" {
			t.Errorf("the suspended member is still listed (cache %q)", r.Header.Get("X-Page-Cache"))
		}
		// Compressed for clients that ask.
		r = pub.get("/members", "Accept-Encoding", "gzip")
		if r.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf("Content-Encoding %q", r.Header.Get("Content-Encoding"))
		}
	})
}
