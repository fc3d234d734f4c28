package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/demo"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/testenv"
	"github.com/wuzhen/wuzhen/internal/training"
)

// hostileProgramme is the published programme the hostile corpus applies
// to, made at first use: open to every country, far in the future.
func (h *hostileEnv) hostileProgramme() string {
	h.t.Helper()
	const slug = "hostile-programme"
	if _, err := h.a.training.Programme(h.ctx, nil, slug); err == nil {
		return slug
	}
	p := &training.Programme{Slug: slug, Title: i18n.Text{En: "Hostile Programme"}, Kind: training.Skills, Format: training.Online,
		StartsOn: "2031-01-01", EndsOn: "2031-02-01", Seats: 100000, Eligibility: training.Eligibility{},
		Questions: []training.Question{{Code: "motivation", Kind: training.QuestionLongText, Label: i18n.Text{En: "Motivation"}, Required: true}}}
	sec := h.people["secretariat"].p
	if err := h.a.training.Create(h.ctx, sec, p); err != nil {
		h.t.Fatal(err)
	}
	if _, err := h.a.training.Publish(h.ctx, sec, slug); err != nil {
		h.t.Fatal(err)
	}
	return slug
}

// programmeAPIForm is a programme created by the API.
func programmeAPIForm() *hostileForm {
	return &hostileForm{who: "secretariat", api: true, target: func(*hostileEnv) string { return "/api/v1/programmes" },
		base: map[string]string{"slug": "proof-programme-%n", "title.en": "Proof Programme %n", "kind": "skills", "format": "online",
			"starts_on": "2031-01-01", "ends_on": "2031-02-01", "seats": "json:10"},
		fields: []hostileField{{name: "slug", code: true}, {name: "title.en", errID: "title"},
			{name: "title.zh-Hans", errID: "title", variant: true}, {name: "description.en", errID: "description"},
			{name: "description.zh-Hans", errID: "description", variant: true}, {name: "kind", choice: true},
			{name: "format", choice: true}, {name: "starts_on", code: true}, {name: "ends_on", code: true}},
		accepted: answered(http.StatusCreated),
		stored: func(h *hostileEnv, r hostileResponse, _ map[string]string, field string) (string, bool) {
			p, err := h.a.training.Programme(h.ctx, h.people["secretariat"].p, strings.TrimPrefix(r.header.Get("Location"), "/api/v1/programmes/"))
			if err != nil {
				h.t.Fatal(err)
			}
			v, ok := map[string]string{"slug": p.Slug, "title.en": p.Title.En, "title.zh-Hans": p.Title.Hans,
				"description.en": p.Description.En, "description.zh-Hans": p.Description.Hans, "kind": string(p.Kind),
				"format": string(p.Format), "starts_on": p.StartsOn, "ends_on": p.EndsOn}[field]
			return v, ok
		}}
}

// trainingApplyForm is an application to the hostile programme, by a new
// account each time (one application per person), by form or API.
func trainingApplyForm(api bool) *hostileForm {
	stored := func(h *hostileEnv, _ hostileResponse, _ map[string]string, field string) (string, bool) {
		list, err := h.a.training.Mine(h.ctx, h.people["fresh"].p)
		if err != nil || len(list) != 1 {
			h.t.Fatalf("applications %v, %v", list, err)
		}
		a := list[0]
		v, ok := map[string]string{"country": a.Country, "answer.motivation": a.Answers["motivation"],
			"answers.motivation": a.Answers["motivation"], "stakeholder_group": a.Group, "gender": a.Gender}[field]
		return v, ok
	}
	if api {
		return &hostileForm{who: "fresh", fresh: true, api: true,
			target: func(h *hostileEnv) string { return "/api/v1/programmes/" + h.hostileProgramme() + "/applications" },
			base:   map[string]string{"country": "KE", "answers.motivation": "To learn %n."},
			fields: []hostileField{{name: "country", norm: upper, code: true}, {name: "stakeholder_group", choice: true},
				{name: "gender", choice: true}, {name: "answers.motivation"}},
			accepted: answered(http.StatusCreated), stored: stored}
	}
	return &hostileForm{who: "fresh", fresh: true,
		target: func(h *hostileEnv) string { return "/training/" + h.hostileProgramme() + "/apply" },
		base:   map[string]string{"country": "KE", "answer.motivation": "To learn %n."},
		fields: []hostileField{{name: "country", norm: upper, code: true}, {name: "birth_year", code: true},
			{name: "stakeholder_group", choice: true}, {name: "gender", choice: true}, {name: "answer.motivation"}},
		accepted: redirectTo(`^/training/applications$`), stored: stored}
}

// trainingOfferForm offers seats: the form keeps no text (ids and a
// time), so it is sent the codes for 5xx answers only.
func trainingOfferForm(api bool) *hostileForm {
	if api {
		return &hostileForm{who: "secretariat", api: true, echo: true,
			target: func(h *hostileEnv) string { return "/api/v1/programmes/" + h.hostileProgramme() + "/offers" },
			base:   map[string]string{"application_ids": "json:[1]", "respond_by": "2030-12-01T00:00:00Z"},
			fields: []hostileField{{name: "respond_by", code: true}}}
	}
	return &hostileForm{who: "secretariat", echo: true,
		target: func(h *hostileEnv) string { return "/admin/training/" + h.hostileProgramme() + "/offers" },
		base:   map[string]string{"application": "1", "respond_by": "2030-12-01T00:00"},
		fields: []hostileField{{name: "respond_by", code: true}, {name: "application", choice: true}}}
}

// apiJSON sends a JSON request with a bearer token and decodes the answer.
func apiJSON(t *testing.T, a *testApp, token, method, path string, body any, out any) int {
	t.Helper()
	var rd *strings.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = strings.NewReader(string(b))
	} else {
		rd = strings.NewReader("")
	}
	req, err := http.NewRequest(method, a.ts.URL+path, rd)
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
	if out != nil {
		if err := json.NewDecoder(res.Body).Decode(out); err != nil {
			t.Fatalf("%s %s: %d, not JSON: %v", method, path, res.StatusCode, err)
		}
	}
	return res.StatusCode
}

// TestTrainingAPI follows the contract: a programme created and
// published, eligibility asked, an ineligible country refused with the
// rule named, an application made, offered, accepted; another declined,
// whose seat the waitlist takes.
func TestTrainingAPI(t *testing.T) {
	eachApp(t, func(t *testing.T, a *testApp) {
		ctx := context.Background()
		token := func(email string, roles ...string) string {
			if _, err := a.users.Create(ctx, email, "Person "+email, "a good password", roles...); err != nil {
				t.Fatal(err)
			}
			tok, err := a.users.CreateToken(ctx, email, "test")
			if err != nil {
				t.Fatal(err)
			}
			return tok
		}
		sec := token("sec@example.org", "secretariat")
		plain := token("plain@example.org")
		prog := map[string]any{"slug": "ig-fellowship", "title": map[string]string{"en": "Internet governance fellowship", "zh-Hans": "互联网治理研修"},
			"kind": "fellowship", "format": "hybrid", "languages": []string{"en", "zh-Hans"}, "starts_on": "2031-03-01",
			"ends_on": "2031-05-31", "hours": 60, "seats": 1,
			"eligibility": map[string]any{"developing": true, "countries": []string{"CL"}, "age_min": 18, "age_max": 35},
			"questions":   []map[string]any{{"code": "motivation", "kind": "long_text", "label": map[string]string{"en": "Motivation"}, "required": true}},
			"criteria":    []map[string]any{{"code": "impact", "name": map[string]string{"en": "Impact"}}}}
		if s := apiJSON(t, a, plain, "POST", "/api/v1/programmes", prog, nil); s != http.StatusForbidden {
			t.Fatalf("created by a plain account: %d", s)
		}
		var created struct{ Slug, Status string }
		if s := apiJSON(t, a, sec, "POST", "/api/v1/programmes", prog, &created); s != http.StatusCreated || created.Status != "draft" {
			t.Fatalf("create: %d %+v", s, created)
		}
		if s := apiJSON(t, a, "", "GET", "/api/v1/programmes/ig-fellowship/eligibility?country=KE", nil, nil); s != http.StatusNotFound {
			t.Fatalf("a draft's eligibility: %d", s)
		}
		if s := apiJSON(t, a, sec, "POST", "/api/v1/programmes/ig-fellowship/publish", nil, &created); s != http.StatusOK || created.Status != "published" {
			t.Fatalf("publish: %d %+v", s, created)
		}
		var el struct {
			Eligible bool
			Reasons  []struct{ Rule, Message string }
		}
		for _, tc := range []struct {
			q    string
			ok   bool
			rule string
		}{{"country=DE", false, "country"}, {"country=ET", true, ""}, {"country=CL", true, ""},
			{"country=KE&birth_year=1970", false, "age"}, {"country=KE&birth_year=2000", true, ""}} {
			el.Reasons = nil
			if s := apiJSON(t, a, "", "GET", "/api/v1/programmes/ig-fellowship/eligibility?"+tc.q, nil, &el); s != http.StatusOK ||
				el.Eligible != tc.ok || (!tc.ok && (len(el.Reasons) != 1 || el.Reasons[0].Rule != tc.rule)) {
				t.Errorf("%s: %d %+v", tc.q, s, el)
			}
		}
		var prob struct {
			Status int
			Detail string
			Errors []struct{ Field, Message string }
		}
		if s := apiJSON(t, a, plain, "POST", "/api/v1/programmes/ig-fellowship/applications",
			map[string]any{"country": "DE", "birth_year": 2000, "answers": map[string]string{"motivation": "x"}}, &prob); s != http.StatusUnprocessableEntity ||
			!strings.Contains(prob.Detail, "Germany is not a developing country") || len(prob.Errors) != 1 || prob.Errors[0].Field != "country" {
			t.Fatalf("from Germany: %d %+v", s, prob)
		}
		apply := func(tok, country string) int64 {
			var out struct {
				ID     int64
				Status string
			}
			if s := apiJSON(t, a, tok, "POST", "/api/v1/programmes/ig-fellowship/applications",
				map[string]any{"country": country, "birth_year": 2000, "gender": "woman", "answers": map[string]string{"motivation": "To learn."}}, &out); s != http.StatusCreated || out.Status != "submitted" {
				t.Fatalf("apply from %s: %d %+v", country, s, out)
			}
			return out.ID
		}
		first := apply(plain, "KE")
		other := token("other@example.org")
		second := apply(other, "CL")
		var app struct {
			ID        int64
			Status    string
			Programme string
		}
		if s := apiJSON(t, a, other, "GET", fmt.Sprintf("/api/v1/programme-applications/%d", first), nil, nil); s != http.StatusNotFound {
			t.Fatalf("another's application: %d", s)
		}
		var offer struct{ Offered, Waitlisted []int64 }
		if s := apiJSON(t, a, sec, "POST", "/api/v1/programmes/ig-fellowship/offers",
			map[string]any{"application_ids": []int64{first, second}, "respond_by": "2030-12-01T12:00:00+08:00"}, &offer); s != http.StatusOK ||
			len(offer.Offered) != 1 || offer.Offered[0] != first || len(offer.Waitlisted) != 1 {
			t.Fatalf("offer: %d %+v", s, offer)
		}
		if s := apiJSON(t, a, plain, "POST", fmt.Sprintf("/api/v1/programme-applications/%d/decline", first), nil, &app); s != http.StatusOK || app.Status != "declined" {
			t.Fatalf("decline: %d %+v", s, app)
		}
		if s := apiJSON(t, a, other, "GET", fmt.Sprintf("/api/v1/programme-applications/%d", second), nil, &app); s != http.StatusOK || app.Status != "offered" {
			t.Fatalf("the waitlisted application after the decline: %d %+v", s, app)
		}
		if s := apiJSON(t, a, other, "POST", fmt.Sprintf("/api/v1/programme-applications/%d/accept", second), nil, &app); s != http.StatusOK || app.Status != "accepted" {
			t.Fatalf("accept: %d %+v", s, app)
		}
		if s := apiJSON(t, a, plain, "POST", fmt.Sprintf("/api/v1/programme-applications/%d/accept", first), nil, nil); s != http.StatusConflict {
			t.Fatalf("accepted a declined offer: %d", s)
		}
		// The public pages, in three languages.
		for _, lang := range []string{"en", "zh-Hans", "zh-Hant"} {
			for _, path := range []string{"/training", "/training/ig-fellowship", "/training/ig-fellowship?country=DE"} {
				res, err := http.Get(a.ts.URL + path + map[bool]string{true: "&", false: "?"}[strings.Contains(path, "?")] + "lang=" + lang)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					t.Errorf("%s in %s: %d", path, lang, res.StatusCode)
				}
			}
		}
	})
}

// trainerForm makes an account a trainer of the hostile programme by
// its address: it keeps the account, not the text typed.
func trainerForm() *hostileForm {
	return &hostileForm{who: "secretariat", echo: true,
		target: func(h *hostileEnv) string { return "/admin/training/" + h.hostileProgramme() + "/trainers" },
		base:   map[string]string{"email": "applicant@example.org"},
		fields: []hostileField{{name: "email", norm: lower}}}
}

// trainingSessionForm adds a session to the hostile programme, by form
// (the secretariat) or API.
func trainingSessionForm(api bool) *hostileForm {
	stored := func(h *hostileEnv, _ hostileResponse, sent map[string]string, field string) (string, bool) {
		co, err := h.a.training.Cohort(h.ctx, h.people["secretariat"].p, h.hostileProgramme())
		if err != nil || len(co.Sessions) == 0 {
			h.t.Fatalf("sessions %v, %v", co, err)
		}
		latest := co.Sessions[0]
		for _, x := range co.Sessions {
			if x.ID > latest.ID {
				latest = x
			}
		}
		v, ok := map[string]string{"title_en": latest.Title.En, "title_zh": latest.Title.Hans, "title.en": latest.Title.En,
			"title.zh-Hans": latest.Title.Hans}[field]
		return v, ok
	}
	if api {
		return &hostileForm{who: "secretariat", api: true,
			target: func(h *hostileEnv) string { return "/api/v1/programmes/" + h.hostileProgramme() + "/sessions" },
			base:   map[string]string{"title.en": "Week %n", "starts_at": "2031-01-05T09:00:00Z", "ends_at": "2031-01-05T11:00:00Z"},
			fields: []hostileField{{name: "title.en", errID: "title"}, {name: "title.zh-Hans", errID: "title", variant: true},
				{name: "starts_at", code: true}, {name: "ends_at", code: true}},
			accepted: answered(http.StatusCreated), stored: stored}
	}
	return &hostileForm{who: "secretariat",
		target: func(h *hostileEnv) string { return "/training/" + h.hostileProgramme() + "/cohort/sessions" },
		base:   map[string]string{"title_en": "Week %n", "starts_at": "2031-01-05T09:00", "ends_at": "2031-01-05T11:00"},
		fields: []hostileField{{name: "title_en"}, {name: "title_zh", errID: "e-title_en", variant: true},
			{name: "starts_at", code: true}, {name: "ends_at", code: true}},
		accepted: redirectTo(`^/training/hostile-programme/cohort$`), stored: stored}
}

// TestTrainerScope: a trainer runs their own programme's cohort and sees
// nothing of another's; attendance by the trainer, the check-in desk or
// the secretariat, once (409 twice), not before the session (422).
func TestTrainerScope(t *testing.T) {
	eachApp(t, func(t *testing.T, a *testApp) {
		ctx := context.Background()
		token := func(email string, roles ...string) (string, int64) {
			u, err := a.users.Create(ctx, email, "Person "+email, "a good password", roles...)
			if err != nil {
				t.Fatal(err)
			}
			tok, err := a.users.CreateToken(ctx, email, "test")
			if err != nil {
				t.Fatal(err)
			}
			return tok, u.ID
		}
		sec, _ := token("sec@example.org", "secretariat")
		desk, _ := token("desk@example.org", "checkin")
		trainer, trainerID := token("trainer@example.org")
		learner, _ := token("learner@example.org")
		for _, slug := range []string{"mine", "theirs"} {
			prog := map[string]any{"slug": slug, "title": map[string]string{"en": "Programme " + slug}, "kind": "skills",
				"format": "online", "starts_on": "2031-03-01", "ends_on": "2031-05-31", "seats": 10}
			if s := apiJSON(t, a, sec, "POST", "/api/v1/programmes", prog, nil); s != http.StatusCreated {
				t.Fatalf("create %s: %d", slug, s)
			}
			if s := apiJSON(t, a, sec, "POST", "/api/v1/programmes/"+slug+"/publish", nil, nil); s != http.StatusOK {
				t.Fatalf("publish %s: %d", slug, s)
			}
		}
		secUser, err := a.users.ByEmail(ctx, "sec@example.org")
		if err != nil {
			t.Fatal(err)
		}
		if err := a.training.AddTrainer(ctx, secUser.Principal(), "mine", trainerID); err != nil {
			t.Fatal(err)
		}
		var app struct{ ID int64 }
		if s := apiJSON(t, a, learner, "POST", "/api/v1/programmes/mine/applications", map[string]any{"country": "KE"}, &app); s != http.StatusCreated {
			t.Fatalf("apply: %d", s)
		}
		if s := apiJSON(t, a, sec, "POST", "/api/v1/programmes/mine/offers",
			map[string]any{"application_ids": []int64{app.ID}, "respond_by": "2030-12-01T00:00:00Z"}, nil); s != http.StatusOK {
			t.Fatalf("offer: %d", s)
		}
		if s := apiJSON(t, a, learner, "POST", fmt.Sprintf("/api/v1/programme-applications/%d/accept", app.ID), nil, nil); s != http.StatusOK {
			t.Fatalf("accept: %d", s)
		}
		session := func(tok, slug, starts string) (int, int64) {
			var out struct{ ID int64 }
			s := apiJSON(t, a, tok, "POST", "/api/v1/programmes/"+slug+"/sessions", map[string]any{"title": map[string]string{"en": "Week 1"},
				"starts_at": starts, "ends_at": "2031-01-01T00:00:00Z"}, &out)
			return s, out.ID
		}
		past := "2020-01-01T09:00:00Z"
		s, held := session(trainer, "mine", past)
		if s != http.StatusCreated {
			t.Fatalf("the trainer's session: %d", s)
		}
		if s, _ := session(trainer, "theirs", past); s != http.StatusNotFound {
			t.Fatalf("a session in another programme: %d", s)
		}
		if s, _ := session(learner, "mine", past); s != http.StatusNotFound {
			t.Fatalf("a session by a participant: %d", s)
		}
		_, ahead := session(sec, "mine", "2030-06-01T09:00:00Z")
		for _, tc := range []struct {
			who, path string
			want      int
		}{
			{trainer, "/api/v1/programmes/mine/participants", http.StatusOK},
			{trainer, "/api/v1/programmes/theirs/participants", http.StatusNotFound},
			{learner, "/api/v1/programmes/mine/participants", http.StatusNotFound},
			{desk, "/api/v1/programmes/mine/participants", http.StatusNotFound},
			{trainer, fmt.Sprintf("/api/v1/programme-applications/%d", app.ID), http.StatusOK},
		} {
			if s := apiJSON(t, a, tc.who, "GET", tc.path, nil, nil); s != tc.want {
				t.Errorf("GET %s: %d, want %d", tc.path, s, tc.want)
			}
		}
		attend := func(tok, slug string, session int64) int {
			return apiJSON(t, a, tok, "POST", fmt.Sprintf("/api/v1/programmes/%s/sessions/%d/attendance", slug, session),
				map[string]any{"participant": app.ID}, nil)
		}
		if s := attend(trainer, "theirs", held); s != http.StatusNotFound {
			t.Errorf("attendance through another programme: %d", s)
		}
		if s := attend(learner, "mine", held); s != http.StatusNotFound {
			t.Errorf("attendance by a participant: %d", s)
		}
		if s := attend(trainer, "mine", ahead); s != http.StatusUnprocessableEntity {
			t.Errorf("attendance before the session: %d", s)
		}
		if s := attend(desk, "mine", held); s != http.StatusOK {
			t.Errorf("attendance by the check-in desk: %d", s)
		}
		if s := attend(trainer, "mine", held); s != http.StatusConflict {
			t.Errorf("attendance twice: %d", s)
		}
		var parts struct {
			Items []struct {
				Attended, Held int
				Complete       bool
			}
		}
		if s := apiJSON(t, a, trainer, "GET", "/api/v1/programmes/mine/participants", nil, &parts); s != http.StatusOK ||
			len(parts.Items) != 1 || parts.Items[0].Attended != 1 || parts.Items[0].Held != 1 || !parts.Items[0].Complete {
			t.Errorf("participants: %d %+v", s, parts)
		}
	})
}

// hostileCertificate makes a certificate of its own (a programme, a
// participant present at its one session, issued) and returns its code.
func (h *hostileEnv) hostileCertificate() string {
	h.t.Helper()
	h.n++
	sec := h.people["secretariat"].p
	slug := fmt.Sprintf("hostile-cert-%d", h.n)
	p := &training.Programme{Slug: slug, Title: i18n.Text{En: "Certified"}, Kind: training.Skills, Format: training.Online,
		StartsOn: "2031-01-01", EndsOn: "2031-02-01", Seats: 10}
	if err := h.a.training.Create(h.ctx, sec, p); err != nil {
		h.t.Fatal(err)
	}
	if _, err := h.a.training.Publish(h.ctx, sec, slug); err != nil {
		h.t.Fatal(err)
	}
	u, err := h.a.users.Create(h.ctx, fmt.Sprintf("holder-%d@example.org", h.n), "Holder", "")
	if err != nil {
		h.t.Fatal(err)
	}
	app := &training.Application{Country: "KE"}
	if err := h.a.training.Apply(h.ctx, u.Principal(), slug, app); err != nil {
		h.t.Fatal(err)
	}
	if _, err := h.a.training.Offer(h.ctx, sec, slug, []int64{app.ID}, h.a.db.Now().Add(time.Hour)); err != nil {
		h.t.Fatal(err)
	}
	if _, err := h.a.training.Respond(h.ctx, u.Principal(), app.ID, true); err != nil {
		h.t.Fatal(err)
	}
	x := &training.Session{Title: i18n.Text{En: "Day 1"}, Starts: time.Date(2020, 1, 1, 9, 0, 0, 0, time.UTC), Ends: time.Date(2020, 1, 1, 11, 0, 0, 0, time.UTC)}
	if err := h.a.training.AddSession(h.ctx, sec, slug, x); err != nil {
		h.t.Fatal(err)
	}
	if err := h.a.training.Attend(h.ctx, sec, slug, x.ID, app.ID); err != nil {
		h.t.Fatal(err)
	}
	if n, err := h.a.training.Issue(h.ctx, sec, slug); err != nil || n != 1 {
		h.t.Fatalf("issued %d, %v", n, err)
	}
	_, list, err := h.a.training.Certificates(h.ctx, sec, slug)
	if err != nil || len(list) != 1 {
		h.t.Fatalf("certificates %v, %v", list, err)
	}
	h.certificate = list[0].Code
	return h.certificate
}

// revokeForm revokes a certificate of its own with a reason, by form or
// API.
func revokeForm(api bool) *hostileForm {
	stored := func(h *hostileEnv, _ hostileResponse, _ map[string]string, _ string) (string, bool) {
		c, err := h.a.training.Certificate(h.ctx, h.certificate)
		if err != nil {
			h.t.Fatal(err)
		}
		return c.Reason, true
	}
	if api {
		return &hostileForm{who: "secretariat", api: true, base: map[string]string{"reason": "Plagiarism %n"},
			target:   func(h *hostileEnv) string { return "/api/v1/certificates/" + h.hostileCertificate() + "/revoke" },
			fields:   []hostileField{{name: "reason"}},
			accepted: answered(http.StatusOK), stored: stored}
	}
	return &hostileForm{who: "secretariat", base: map[string]string{"reason": "Plagiarism %n"},
		target: func(h *hostileEnv) string {
			return "/admin/training/certificates/" + h.hostileCertificate() + "/revoke"
		},
		fields:   []hostileField{{name: "reason"}},
		accepted: redirectTo(`^/admin/training/hostile-cert-\d+#certificates$`), stored: stored}
}

// TestCertificateVerify: a completer's certificate is issued, listed for
// the secretariat and the holder, checked by its code on the shared
// /verify/ route (a visa letter's code still goes to the letters), and
// its PDF verifies with "wuzhen verify" and the published key alone; a
// tampered PDF does not; a revoked certificate says so.
func TestCertificateVerify(t *testing.T) {
	eachApp(t, func(t *testing.T, a *testApp) {
		ctx := context.Background()
		token := func(email string, roles ...string) string {
			if _, err := a.users.Create(ctx, email, "Amina Yusuf", "a good password", roles...); err != nil {
				t.Fatal(err)
			}
			tok, err := a.users.CreateToken(ctx, email, "test")
			if err != nil {
				t.Fatal(err)
			}
			return tok
		}
		sec, holder := token("sec@example.org", "secretariat"), token("holder@example.org")
		prog := map[string]any{"slug": "literacy", "title": map[string]string{"en": "Digital literacy", "zh-Hans": "数字素养"}, "kind": "literacy",
			"format": "online", "starts_on": "2031-03-01", "ends_on": "2031-05-31", "hours": 36, "seats": 10}
		apiJSON(t, a, sec, "POST", "/api/v1/programmes", prog, nil)
		apiJSON(t, a, sec, "POST", "/api/v1/programmes/literacy/publish", nil, nil)
		var app struct{ ID int64 }
		if s := apiJSON(t, a, holder, "POST", "/api/v1/programmes/literacy/applications", map[string]any{"country": "NG", "name": "Amina Yusuf", "name_native": "أمينة يوسف"}, &app); s != http.StatusCreated {
			t.Fatalf("apply: %d", s)
		}
		apiJSON(t, a, sec, "POST", "/api/v1/programmes/literacy/offers", map[string]any{"application_ids": []int64{app.ID}, "respond_by": "2030-12-01T00:00:00Z"}, nil)
		apiJSON(t, a, holder, "POST", fmt.Sprintf("/api/v1/programme-applications/%d/accept", app.ID), nil, nil)
		var session struct{ ID int64 }
		apiJSON(t, a, sec, "POST", "/api/v1/programmes/literacy/sessions", map[string]any{"title": map[string]string{"en": "Day 1"},
			"starts_at": "2020-01-01T09:00:00Z", "ends_at": "2020-01-01T11:00:00Z"}, &session)
		if s := apiJSON(t, a, sec, "POST", fmt.Sprintf("/api/v1/programmes/literacy/sessions/%d/attendance", session.ID), map[string]any{"participant": app.ID}, nil); s != http.StatusOK {
			t.Fatalf("attendance: %d", s)
		}
		var issued struct{ Issued int }
		if s := apiJSON(t, a, sec, "POST", "/api/v1/programmes/literacy/certificates", nil, &issued); s != http.StatusOK || issued.Issued != 1 {
			t.Fatalf("issue: %d %+v", s, issued)
		}
		var list struct {
			Items []struct{ Code, Holder, IssuedOn, URL string }
		}
		if s := apiJSON(t, a, holder, "GET", "/api/v1/me/certificates", nil, &list); s != http.StatusOK || len(list.Items) != 1 {
			t.Fatalf("my certificates: %d %+v", s, list)
		}
		code := list.Items[0].Code
		if s := apiJSON(t, a, holder, "GET", "/api/v1/programmes/literacy/certificates", nil, nil); s != http.StatusForbidden {
			t.Fatalf("the programme's certificates for the holder: %d", s)
		}
		var chk struct {
			Valid, Revoked bool
			Holder, Reason string
		}
		if s := apiJSON(t, a, "", "GET", "/api/v1/certificates/"+code, nil, &chk); s != http.StatusOK || !chk.Valid || !strings.Contains(chk.Holder, "أمينة يوسف") {
			t.Fatalf("check: %d %+v", s, chk)
		}
		get := func(path string, header ...string) (int, []byte) {
			req, _ := http.NewRequest("GET", a.ts.URL+path, nil)
			if len(header) == 2 {
				req.Header.Set(header[0], header[1])
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			return res.StatusCode, b
		}
		if s, body := get("/verify/" + strings.ToLower(code)); s != http.StatusOK || !strings.Contains(string(body), "أمينة يوسف") {
			t.Fatalf("the verification page: %d", s)
		}
		if s, body := get("/verify/ABCD-EFGH-JKMN"); s != http.StatusNotFound || strings.Contains(string(body), "WZC") {
			t.Fatalf("a letter's code went elsewhere: %d", s)
		}
		// The PDF, as its holder downloads it, verified offline.
		b := a.browser(t)
		b.post("/login", url.Values{"email": {"holder@example.org"}, "password": {"a good password"}}).expect(t, http.StatusSeeOther)
		r := b.get("/certificates/" + code + "/pdf?lang=zh-Hans")
		if r.StatusCode != http.StatusOK || !strings.HasPrefix(r.body, "%PDF") {
			t.Fatalf("the PDF: %d", r.StatusCode)
		}
		dir := t.TempDir()
		pdfPath, keyPath := filepath.Join(dir, "certificate.pdf"), filepath.Join(dir, "key.pem")
		os.WriteFile(pdfPath, []byte(r.body), 0o600)
		if s, key := get("/.well-known/wuzhen-signing-key"); s != http.StatusOK || !strings.Contains(string(key), "PUBLIC KEY") {
			t.Fatalf("the signing key: %d", s)
		} else {
			os.WriteFile(keyPath, key, 0o600)
		}
		if err := verifyCommand([]string{"--key", keyPath, pdfPath}); err != nil {
			t.Fatalf("wuzhen verify: %v", err)
		}
		tampered := strings.Replace(r.body, "wzc1.", "wzc1.eyJj", 1)
		os.WriteFile(pdfPath, []byte(tampered), 0o600)
		if err := verifyCommand([]string{"--key", keyPath, pdfPath}); err == nil {
			t.Fatal("a tampered PDF verifies")
		}
		if err := verifyCommand([]string{"--key", keyPath, code}); err == nil {
			t.Fatal("a bare code verified offline")
		}
		if t.Name() == "TestCertificateVerify/sqlite" {
			os.WriteFile(filepath.Join(testenv.ArtifactDir(t), "certificate-zh-Hans.pdf"), []byte(r.body), 0o644)
		}
		// Revoked, with a reason.
		if s := apiJSON(t, a, sec, "POST", "/api/v1/certificates/"+code+"/revoke", map[string]string{"reason": "Issued in error"}, &chk); s != http.StatusOK || chk.Valid || !chk.Revoked {
			t.Fatalf("revoke: %d %+v", s, chk)
		}
		if s := apiJSON(t, a, "", "GET", "/api/v1/certificates/"+code, nil, &chk); s != http.StatusOK || chk.Valid || chk.Reason != "Issued in error" {
			t.Fatalf("check after revocation: %d %+v", s, chk)
		}
		if _, body := get("/verify/" + code); !strings.Contains(string(body), "Issued in error") {
			t.Fatal("the verification page does not say revoked")
		}
	})
}

// trainingDemoCertificate is the code of a demo certificate, for the
// accessibility test's verification page.
func trainingDemoCertificate(t *testing.T, a *testApp) string {
	t.Helper()
	ctx := context.Background()
	sec := &actor.Actor{Email: "a11y", Roles: []string{auth.RoleSecretariat}}
	_, list, err := a.training.Certificates(ctx, sec, "ig-fellowship-a")
	if err != nil || len(list) == 0 {
		t.Fatalf("demo certificates: %v, %v", list, err)
	}
	return list[0].Code
}

// TestTrainingDemo: the demo has three past programmes with cohorts and
// certificates (a few revoked) and one open, about 300 applicants from
// more than 60 countries.
func TestTrainingDemo(t *testing.T) {
	eachApp(t, func(t *testing.T, a *testApp) {
		ctx := context.Background()
		if _, loaded, err := demo.Load(ctx, a.demoDeps()); err != nil || !loaded {
			t.Fatalf("load: %v %v", loaded, err)
		}
		sec := &actor.Actor{Email: "test", Roles: []string{auth.RoleSecretariat}}
		list, err := a.training.All(ctx)
		if err != nil || len(list) != 4 {
			t.Fatalf("programmes %d, %v", len(list), err)
		}
		open, apps, certs, revoked, attended := 0, 0, 0, 0, 0
		countries := map[string]bool{}
		for _, p := range list {
			if p.Open(a.db.Now()) {
				open++
			}
			_, as, err := a.training.Applications(ctx, sec, p.Slug)
			if err != nil {
				t.Fatal(err)
			}
			apps += len(as)
			for _, x := range as {
				countries[x.Country] = true
			}
			_, cs, err := a.training.Certificates(ctx, sec, p.Slug)
			if err != nil {
				t.Fatal(err)
			}
			certs += len(cs)
			for _, c := range cs {
				if c.RevokedAt != nil {
					revoked++
				}
			}
			co, err := a.training.Cohort(ctx, sec, p.Slug)
			if err != nil {
				t.Fatal(err)
			}
			for _, pt := range co.Participants {
				attended += pt.Attended
			}
		}
		if open != 1 || apps < 280 || len(countries) < 60 || certs < 120 || certs > 180 || revoked < 2 || attended < 500 {
			t.Errorf("open %d, applications %d from %d countries, certificates %d (%d revoked), attendances %d",
				open, apps, len(countries), certs, revoked, attended)
		}
		a.browser(t).get("/training?lang=zh-Hans").expect(t, http.StatusOK, "数字合作青年领导力项目")
		r, err := a.training.Reach(ctx, sec, "")
		if err != nil || r.Total.Applicants != apps || r.Total.Completed != certs-revoked || len(r.By["country"]) != len(countries) {
			t.Errorf("reach %+v, %v", r, err)
		}
	})
}

// hostileReview makes the calls' reviewer a reviewer of the hostile
// programme with one application to review, and returns its id.
func (h *hostileEnv) hostileReview() int64 {
	h.t.Helper()
	slug := h.hostileProgramme()
	rev := h.people["reviewer"].p
	if q, err := h.a.training.ReviewQueue(h.ctx, rev); err == nil && len(q) > 0 {
		return q[0].Application.ID
	}
	if err := h.a.training.AddReviewer(h.ctx, h.people["secretariat"].p, slug, rev.Email, ""); err != nil {
		h.t.Fatal(err)
	}
	h.n++
	u, err := h.a.users.Create(h.ctx, fmt.Sprintf("reviewed-%d@example.org", h.n), "Reviewed", "")
	if err != nil {
		h.t.Fatal(err)
	}
	app := &training.Application{Country: "KE", Answers: map[string]string{"motivation": "To learn."}}
	if err := h.a.training.Apply(h.ctx, u.Principal(), slug, app); err != nil {
		h.t.Fatal(err)
	}
	return app.ID
}

// trainingReviewForm is a review of an application to the hostile
// programme (it has no criteria: a comment and the buttons).
func trainingReviewForm() *hostileForm {
	return &hostileForm{who: "reviewer", base: map[string]string{"comment": "Sound %n", "action": "save"},
		target:   func(h *hostileEnv) string { return fmt.Sprintf("/training-reviews/%d", h.hostileReview()) },
		fields:   []hostileField{{name: "comment"}, {name: "action", choice: true}},
		accepted: redirectTo(`^/training-reviews$`),
		stored: func(h *hostileEnv, _ hostileResponse, _ map[string]string, field string) (string, bool) {
			if field != "comment" {
				return "", false
			}
			it, err := h.a.training.ReviewItemFor(h.ctx, h.people["reviewer"].p, h.hostileReview())
			if err != nil {
				h.t.Fatal(err)
			}
			return it.Comment, true
		}}
}

// trainingReviewerForm adds a reviewer by address and a country code: it
// keeps the account and the code, not text.
func trainingReviewerForm() *hostileForm {
	return &hostileForm{who: "secretariat", echo: true,
		target: func(h *hostileEnv) string { return "/admin/training/" + h.hostileProgramme() + "/reviewers" },
		base:   map[string]string{"reviewer_email": "applicant@example.org", "reviewer_country": "KE"},
		fields: []hostileField{{name: "reviewer_email", norm: lower}, {name: "reviewer_country", norm: upper, code: true}}}
}

// TestTrainingErase: a deleted account's applications stay for the
// statistics without its name or answers, its certificate is withdrawn,
// and no training table names it.
func TestTrainingErase(t *testing.T) {
	eachApp(t, func(t *testing.T, a *testApp) {
		ctx := context.Background()
		const email, name = "zofia.q@example.org", "Zofia Quillbright"
		u, err := a.users.Create(ctx, email, name, "zofia password")
		if err != nil {
			t.Fatal(err)
		}
		sec := &actor.Actor{ID: 0, Email: "test", Roles: []string{auth.RoleSecretariat}}
		p := &training.Programme{Slug: "erase", Title: i18n.Text{En: "Erase"}, Kind: training.Skills, Format: training.Online,
			StartsOn: "2031-01-01", EndsOn: "2031-02-01", Seats: 5}
		if err := a.training.Create(ctx, sec, p); err != nil {
			t.Fatal(err)
		}
		a.training.Publish(ctx, sec, p.Slug)
		app := &training.Application{Country: "KE", NameNative: "Зофия"}
		if err := a.training.Apply(ctx, u.Principal(), p.Slug, app); err != nil {
			t.Fatal(err)
		}
		a.training.Offer(ctx, sec, p.Slug, []int64{app.ID}, a.db.Now().Add(time.Hour))
		a.training.Respond(ctx, u.Principal(), app.ID, true)
		x := &training.Session{Title: i18n.Text{En: "Day"}, Starts: time.Date(2020, 1, 1, 9, 0, 0, 0, time.UTC), Ends: time.Date(2020, 1, 1, 10, 0, 0, 0, time.UTC)}
		a.training.AddSession(ctx, sec, p.Slug, x)
		a.training.Attend(ctx, sec, p.Slug, x.ID, app.ID)
		if n, err := a.training.Issue(ctx, sec, p.Slug); err != nil || n != 1 {
			t.Fatalf("issue %d, %v", n, err)
		}
		data, err := a.users.Export(ctx, u.Principal())
		if b, _ := json.Marshal(data["training"]); err != nil || !strings.Contains(string(b), `"applications":[{`) || !strings.Contains(string(b), "WZC-") {
			t.Fatalf("export %v, %v", data, err)
		}
		if err := a.users.Delete(ctx, u.Principal(), "zofia password"); err != nil {
			t.Fatal(err)
		}
		var n int
		a.db.QueryRow(ctx, "SELECT count(*) FROM training_applications WHERE id = ? AND country = 'KE' AND name = ''", app.ID).Scan(&n)
		if n != 1 {
			t.Error("the application is not kept anonymised")
		}
		for _, table := range []string{"training_applications", "training_certificates"} {
			for _, hit := range find(t, a.db, table, strings.ToLower(email), strings.ToLower(name), "зофия") {
				t.Errorf("%s still holds the person: %s", table, hit)
			}
		}
	})
}

// newProgrammeForm is a programme made on the secretariat's page.
func newProgrammeForm() *hostileForm {
	return &hostileForm{who: "secretariat", target: func(*hostileEnv) string { return "/admin/training/new" },
		base: map[string]string{"slug": "proof-prog-%n", "title_en": "Proof Programme %n", "kind": "skills", "format": "online",
			"starts_on": "2031-01-01", "ends_on": "2031-02-01", "hours": "10", "seats": "10", "developing": "yes"},
		fields: []hostileField{{name: "slug", code: true}, {name: "title_en"}, {name: "title_zh", errID: "e-title_en", variant: true},
			{name: "description_en"}, {name: "description_zh", errID: "e-description_en", variant: true},
			{name: "kind", choice: true}, {name: "format", choice: true}, {name: "starts_on", code: true}, {name: "ends_on", code: true},
			{name: "hours", code: true}, {name: "seats", code: true}, {name: "age_min", code: true}, {name: "countries", choice: true}},
		accepted: redirectTo(`^/admin/training/proof-prog-\d+$`),
		stored: func(h *hostileEnv, r hostileResponse, _ map[string]string, field string) (string, bool) {
			p, err := h.a.training.Programme(h.ctx, h.people["secretariat"].p, strings.TrimPrefix(location(r), "/admin/training/"))
			if err != nil {
				h.t.Fatal(err)
			}
			v, ok := map[string]string{"slug": p.Slug, "title_en": p.Title.En, "title_zh": p.Title.Hans, "description_en": p.Description.En,
				"description_zh": p.Description.Hans}[field]
			return v, ok
		}}
}
