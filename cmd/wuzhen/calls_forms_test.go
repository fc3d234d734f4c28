package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/mail"
)

// sendFile posts a multipart form with the file data, named name, in the
// field "file", and the other fields, as the browser's person (bearer: as
// the API client whose token it is).
func (b *browser) sendFile(path, bearer, name string, data []byte, fields ...string) response {
	b.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for i := 0; i+1 < len(fields); i += 2 {
		w.WriteField(fields[i], fields[i+1])
	}
	part, _ := w.CreateFormFile("file", name)
	part.Write(data)
	w.Close()
	req, err := http.NewRequest("POST", b.a.ts.URL+path, &body)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	if b.lang != "" {
		req.Header.Set("Accept-Language", b.lang)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return response{res, string(out)}
}

// openCallJSON is callJSON open from an hour ago for a month, by the real
// clock (sessions are cookies the client keeps by it), with extra JSON
// members added.
func openFormsCallJSON(extra string) string {
	now := time.Now().UTC()
	body := strings.NewReplacer(`"opens_at":"2025-06-01T09:00"`, `"opens_at":"`+now.Add(-time.Hour).Format(time.RFC3339)+`"`,
		`"closes_at":"2025-06-30T18:00"`, `"closes_at":"`+now.AddDate(0, 1, 0).Format(time.RFC3339)+`"`).Replace(callJSON)
	return strings.TrimSuffix(strings.TrimSpace(body), "}") + "," + extra + "}"
}

func pdfBytes(n int) []byte {
	b := bytes.Repeat([]byte("p"), n)
	copy(b, "%PDF-1.7\n")
	return b
}

// TestSubmissionAttachments: a submitter adds files within the call's
// limits, a refused file comes back at the field in the reader's
// language, and a file is downloaded by those who may, under a neutral
// name by a blind reviewer, by nobody else.
func TestSubmissionAttachments(t *testing.T) {
	eachApp(t, func(t *testing.T, a *testApp) {
		sec := a.api(t, "sec.api@example.org", auth.RoleSecretariat)
		var created struct {
			Attachments struct {
				PDFMaxMB  int  `json:"pdf_max_mb"`
				ImagesMax int  `json:"images_max"`
				VideoLink bool `json:"video_link"`
			} `json:"attachments"`
		}
		if code := sec.call("POST", "/api/v1/calls", openFormsCallJSON(`"attachments":{"pdf_max_mb":1,"pdfs_max":2,"images_max":1,"video_link":true}`), &created); code != 201 ||
			created.Attachments.PDFMaxMB != 1 || created.Attachments.ImagesMax != 1 || !created.Attachments.VideoLink {
			t.Fatalf("create: %d %+v", code, created)
		}
		var p problem
		if code := sec.call("POST", "/api/v1/calls", strings.Replace(openFormsCallJSON(`"attachments":{"pdf_max_mb":500,"images_max":-1}`), "cases-2025", "bad-2025", 1), &p); code != 422 ||
			len(p.Errors) != 2 || p.Errors[0].Field != "attachments.pdf_max_mb" {
			t.Errorf("bad limits: %d %+v", code, p)
		}
		if code := sec.call("POST", "/api/v1/calls/cases-2025/publish", "", nil); code != 200 {
			t.Fatal(code)
		}
		author := a.person(t, "wanjiru@example.org", "Wanjiru Kamau")
		r := author.post("/calls/cases-2025/submit", url.Values{"title_en": {"Rural fibre"}, "summary_en": {"What we did."},
			"field": {"infrastructure"}, "countries": {"KE", "CN"}, "video_url": {"http://video.example.org/1"}, "action": {"submit"}})
		r.expect(t, 422, `id="e-video_url"`, "https://", `value="Rural fibre"`)
		r = author.post("/calls/cases-2025/submit", url.Values{"title_en": {"Rural fibre"}, "summary_en": {"What we did."},
			"field": {"infrastructure"}, "countries": {"KE", "CN"}, "video_url": {"https://video.example.org/1"}, "action": {"submit"}})
		r.expect(t, 303)
		id := strings.TrimPrefix(r.Header.Get("Location"), "/submissions/")
		author.get("/submissions/"+id).expect(t, 200, `enctype="multipart/form-data"`, `accept="application/pdf,image/png,image/jpeg,image/webp"`,
			`href="https://video.example.org/1"`)

		r = author.sendFile("/submissions/"+id+"/attachments", "", "Nairobi report.pdf", pdfBytes(3000))
		r.expect(t, 303)
		if loc := r.Header.Get("Location"); loc != "/submissions/"+id+"?uploaded=1#attachments" {
			t.Fatalf("redirect to %q", loc)
		}
		page := author.get("/submissions/" + id + "?uploaded=1")
		page.expect(t, 200, "Nairobi report.pdf", "The file was added.")
		fileURL := regexpFind(t, page.body, `href="(/call-attachments/\d+)"`)

		t.Run("refused files come back at the field, in the reader's language", func(t *testing.T) {
			author.lang = "zh-CN"
			defer func() { author.lang = "" }()
			author.sendFile("/submissions/"+id+"/attachments", "", "big.pdf", pdfBytes(1<<20+1)).
				expect(t, 422, `id="e-file"`, "文件过大：不得超过 1 MB", "Nairobi report.pdf", `lang="zh-Hans"`)
			author.sendFile("/submissions/"+id+"/attachments", "", "notes.pdf", []byte("plain text")).
				expect(t, 422, `id="e-file"`, "不接受此类文件", `aria-invalid="true"`)
			author.lang = "zh-TW"
			author.sendFile("/submissions/"+id+"/attachments", "", "big.pdf", pdfBytes(1<<20+1)).expect(t, 422, "檔案過大")
		})

		t.Run("downloads: as a file of its own type, to those who may", func(t *testing.T) {
			r := author.get(fileURL)
			r.expect(t, 200)
			if ct, cd := r.Header.Get("Content-Type"), r.Header.Get("Content-Disposition"); ct != "application/pdf" ||
				cd != `attachment; filename="Nairobi report.pdf"` || r.Header.Get("X-Content-Type-Options") != "nosniff" ||
				r.body != string(pdfBytes(3000)) {
				t.Errorf("download: %q %q %q, %d bytes", ct, cd, r.Header.Get("X-Content-Type-Options"), len(r.body))
			}
			a.person(t, "stranger@example.org", "Stranger").get(fileURL).expect(t, 403)
			a.browser(t).get(fileURL).expect(t, 403)
			a.staff(t, "sec@example.org", auth.RoleSecretariat).get(fileURL).expect(t, 200)
			a.browser(t).get("/call-attachments/999999").expect(t, 404)
		})

		t.Run("a blind reviewer gets the file under a neutral name", func(t *testing.T) {
			expert := a.person(t, "expert@example.org", "Expert")
			if code := sec.call("POST", "/api/v1/calls/cases-2025/reviewers", `{"email":"expert@example.org","fields":["infrastructure"]}`, nil); code != 201 {
				t.Fatal(code)
			}
			if code := sec.call("POST", "/api/v1/calls/cases-2025/assign", "", nil); code != 200 {
				t.Fatal(code)
			}
			rid := regexpFind(t, expert.get("/reviews").body, `href="/reviews/(\d+)"`)
			rev := expert.get("/reviews/" + rid)
			rev.expect(t, 200, fileURL)
			if strings.Contains(rev.body, "Nairobi") {
				t.Error("the blind review page names the file")
			}
			r := expert.get(fileURL)
			r.expect(t, 200)
			aid := strings.TrimPrefix(fileURL, "/call-attachments/")
			if cd := r.Header.Get("Content-Disposition"); cd != `attachment; filename=attachment-`+aid+`.pdf` {
				t.Errorf("blind download: %q", cd)
			}
		})

		t.Run("the API: 201, or 422 at the field", func(t *testing.T) {
			api := a.api(t, "api.author@example.org")
			var s struct {
				ID int64 `json:"id"`
			}
			if code := api.call("POST", "/api/v1/calls/cases-2025/submissions", `{"title":{"en":"By the API"},"summary":{"en":"x"},"field":"governance","countries":["FR","BR"]}`, &s); code != 201 {
				t.Fatal(code)
			}
			path := fmt.Sprintf("/api/v1/submissions/%d/attachments", s.ID)
			r := api.sendFile(path, api.token, "photo.png", testPNG(t, 40, 30))
			var att struct {
				ID          int64  `json:"id"`
				Kind        string `json:"kind"`
				Name        string `json:"name"`
				ContentType string `json:"content_type"`
				Width       int    `json:"width"`
				URL         string `json:"url"`
			}
			if err := json.Unmarshal([]byte(r.body), &att); r.StatusCode != 201 || err != nil || att.Kind != "image" || att.Name != "photo.jpg" ||
				att.ContentType != "image/jpeg" || att.Width != 40 {
				t.Fatalf("API upload: %d %s", r.StatusCode, r.body)
			}
			r = api.sendFile(path, api.token, "second.png", testPNG(t, 4, 3))
			var p problem
			if err := json.Unmarshal([]byte(r.body), &p); r.StatusCode != 422 || err != nil || len(p.Errors) != 1 || p.Errors[0].Field != "file" ||
				!strings.Contains(p.Errors[0].Message, "At most 1 images") || r.Header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("a second image: %d %s", r.StatusCode, r.body)
			}
			var sub struct {
				Attachments []struct {
					URL string `json:"url"`
				} `json:"attachments"`
			}
			if code := api.call("GET", fmt.Sprintf("/api/v1/submissions/%d", s.ID), "", &sub); code != 200 || len(sub.Attachments) != 1 || sub.Attachments[0].URL != att.URL {
				t.Errorf("the submission's attachments: %d %+v", code, sub)
			}
			other := a.api(t, "api.other@example.org")
			if r := other.sendFile(path, other.token, "x.pdf", pdfBytes(100)); r.StatusCode != 404 {
				t.Errorf("someone else's submission: %d", r.StatusCode)
			}
		})

		author.post("/submissions/"+id+"/attachments/"+strings.TrimPrefix(fileURL, "/call-attachments/")+"/remove", url.Values{}).expect(t, 303)
		author.get(fileURL).expect(t, 404)
	})
}

const questionsJSON = `"questions":[
	{"code":"lessons","kind":"long_text","label":{"en":"Lessons learnt","zh-Hant":"經驗教訓"},"required":true},
	{"code":"stage","kind":"choice","label":{"en":"Stage","zh-Hans":"阶段","zh-Hant":"階段"},"required":true,
	 "options":[{"code":"pilot","label":{"en":"Pilot","zh-Hant":"試點"}},{"code":"scaled","label":{"en":"Scaled up"}}]},
	{"code":"open_source","kind":"yes_no","label":{"en":"Open source?"}}]`

// TestSubmissionQuestions: the secretariat's questions are asked on the
// form, answered, checked on submit at their fields, and shown to the
// secretariat and to a blind reviewer.
func TestSubmissionQuestions(t *testing.T) {
	eachApp(t, func(t *testing.T, a *testApp) {
		sec := a.api(t, "sec.api@example.org", auth.RoleSecretariat)
		var created struct {
			Questions []struct {
				Code     string `json:"code"`
				Required bool   `json:"required"`
			} `json:"questions"`
		}
		if code := sec.call("POST", "/api/v1/calls", openFormsCallJSON(questionsJSON), &created); code != 201 || len(created.Questions) != 3 || !created.Questions[0].Required {
			t.Fatalf("create: %d %+v", code, created)
		}
		var p problem
		bad := strings.Replace(openFormsCallJSON(`"questions":[{"code":"x","kind":"choice","label":{"en":"X"},"options":[]}]`), "cases-2025", "bad-2025", 1)
		if code := sec.call("POST", "/api/v1/calls", bad, &p); code != 422 || len(p.Errors) != 1 || p.Errors[0].Field != "questions.0.options" {
			t.Errorf("a choice without options: %d %+v", code, p)
		}
		if code := sec.call("POST", "/api/v1/calls/cases-2025/publish", "", nil); code != 200 {
			t.Fatal(code)
		}
		author := a.person(t, "wanjiru@example.org", "Wanjiru Kamau")
		author.get("/calls/cases-2025/submit").expect(t, 200, `name="answer.lessons"`, `<option value="pilot">Pilot</option>`, `name="answer.open_source" value="yes"`)
		form := url.Values{"title_en": {"Rural fibre"}, "summary_en": {"What we did."}, "field": {"infrastructure"}, "countries": {"KE", "CN"},
			"answer.lessons": {"Train the trainers first."}, "answer.stage": {"launched"}, "action": {"submit"}}
		author.lang = "zh-TW"
		author.post("/calls/cases-2025/submit", form).expect(t, 422, `id="e-answer.stage"`, "請從選項中選擇", "Train the trainers first.", "經驗教訓")
		author.lang = ""
		form.Del("answer.lessons")
		form.Set("answer.stage", "pilot")
		author.post("/calls/cases-2025/submit", form).expect(t, 422, `id="e-answer.lessons"`, "Answer this question.")
		form.Set("answer.lessons", "Train the trainers first.")
		form.Set("answer.open_source", "yes")
		r := author.post("/calls/cases-2025/submit", form)
		r.expect(t, 303)
		id := strings.TrimPrefix(r.Header.Get("Location"), "/submissions/")
		author.get("/submissions/"+id).expect(t, 200, "Lessons learnt", "Train the trainers first.", "<dd class=\"pre\">Pilot</dd>", "<dd class=\"pre\">Yes</dd>")
		author.get("/submissions/"+id+"/edit").expect(t, 200, "Train the trainers first.", `<option value="pilot" selected>`)
		staff := a.staff(t, "sec@example.org", auth.RoleSecretariat)
		staff.lang = "zh-TW"
		staff.get("/admin/submissions/"+id).expect(t, 200, "階段", "試點", "Train the trainers first.")

		var sub struct {
			Answers map[string]string `json:"answers"`
		}
		api := a.api(t, "api.author@example.org")
		var s struct {
			ID int64 `json:"id"`
		}
		if code := api.call("POST", "/api/v1/calls/cases-2025/submissions", `{"title":{"en":"By the API"},"summary":{"en":"x"},"field":"governance",
			"countries":["FR","BR"],"answers":{"lessons":"Listen.","stage":"nope"}}`, &p); code != 422 || len(p.Errors) != 1 || p.Errors[0].Field != "answers.stage" {
			t.Errorf("a bad choice by the API: %d %+v", code, p)
		}
		if code := api.call("POST", "/api/v1/calls/cases-2025/submissions", `{"title":{"en":"By the API"},"summary":{"en":"x"},"field":"governance",
			"countries":["FR","BR"],"answers":{"lessons":"Listen.","stage":"scaled"}}`, &s); code != 201 {
			t.Fatal(code)
		}
		if code := api.call("GET", fmt.Sprintf("/api/v1/submissions/%d", s.ID), "", &sub); code != 200 || sub.Answers["stage"] != "scaled" {
			t.Errorf("answers in the API: %d %+v", code, sub)
		}

		// A blind reviewer sees the answers.
		expert := a.person(t, "expert@example.org", "Expert")
		if code := sec.call("POST", "/api/v1/calls/cases-2025/reviewers", `{"email":"expert@example.org","fields":["infrastructure","governance"]}`, nil); code != 200 && code != 201 {
			t.Fatal(code)
		}
		if code := sec.call("POST", "/api/v1/calls/cases-2025/assign", "", nil); code != 200 {
			t.Fatal(code)
		}
		page := expert.get("/reviews")
		for _, rid := range regexpAll(page.body, `href="/reviews/(\d+)"`) {
			rev := expert.get("/reviews/" + rid)
			if strings.Contains(rev.body, "Rural fibre") {
				rev.expect(t, 200, "Lessons learnt", "Train the trainers first.")
				if strings.Contains(rev.body, "Wanjiru") {
					t.Error("the blind review page names the author")
				}
			}
		}

		// The call form keeps the questions.
		edit := staff.get("/admin/calls/cases-2025/edit")
		edit.expect(t, 200, `value="lessons"`, "pilot = Pilot | 試點")
	})
}

func regexpAll(s, re string) []string {
	var out []string
	for _, m := range regexp.MustCompile(re).FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	return out
}

// TestSecondRoundHTTP: the secretariat opens a second round for the
// shortlist, the authors are mailed and add material until the round's
// deadline (then 422 naming it), reviewers are assigned again and the
// ranking of round 2 is apart.
func TestSecondRoundHTTP(t *testing.T) {
	eachApp(t, func(t *testing.T, a *testApp) {
		clock := a.clock()
		clock.set(time.Now().UTC())
		sec := a.api(t, "sec.api@example.org", auth.RoleSecretariat)
		if code := sec.call("POST", "/api/v1/calls", openFormsCallJSON(`"attachments":{"pdf_max_mb":1,"pdfs_max":1,"images_max":0,"video_link":true}`), nil); code != 201 {
			t.Fatal(code)
		}
		if code := sec.call("POST", "/api/v1/calls/cases-2025/publish", "", nil); code != 200 {
			t.Fatal(code)
		}
		author := a.person(t, "wanjiru@example.org", "Wanjiru Kamau")
		r := author.post("/calls/cases-2025/submit", url.Values{"title_en": {"Rural fibre"}, "summary_en": {"What we did."},
			"field": {"infrastructure"}, "countries": {"KE", "CN"}, "action": {"submit"}})
		r.expect(t, 303)
		id := strings.TrimPrefix(r.Header.Get("Location"), "/submissions/")
		api := a.api(t, "api.author@example.org")
		var s2 struct {
			ID int64 `json:"id"`
		}
		if code := api.call("POST", "/api/v1/calls/cases-2025/submissions", `{"title":{"en":"Open data"},"summary":{"en":"x"},"field":"governance","countries":["FR","BR"]}`, &s2); code != 201 {
			t.Fatal(code)
		}
		staff := a.staff(t, "sec@example.org", auth.RoleSecretariat)
		staff.post("/admin/calls/cases-2025/round", url.Values{"request_en": {"A 3-minute video."}, "deadline": {"2031-01-01T00:00"}}).
			expect(t, 409, "No submission is shortlisted")
		for _, sid := range []string{id, fmt.Sprint(s2.ID)} {
			if code := sec.call("POST", "/api/v1/submissions/"+sid+"/decision", `{"decision":"shortlisted"}`, nil); code != 200 {
				t.Fatal(code)
			}
		}
		staff.get("/admin/calls/cases-2025/round").expect(t, 200, `name="request_en"`, `name="deadline"`)
		staff.post("/admin/calls/cases-2025/round", url.Values{"request_zh": {"  "}, "deadline": {"2020-01-01T00:00"}}).
			expect(t, 422, `id="e-request"`, `id="e-deadline"`)
		deadline := clock.now().Add(72 * time.Hour).In(time.FixedZone("CST", 8*3600))
		staff.post("/admin/calls/cases-2025/round", url.Values{"request_en": {"A 3-minute video and a longer description."},
			"request_zh": {"三分钟视频和更详细的说明。"}, "deadline": {deadline.Format("2006-01-02T15:04")}}).expect(t, 303)
		staff.get("/admin/calls/cases-2025/round").expect(t, 200, "Rural fibre", "Open data", "Not yet")
		msgs, _, _ := mail.List(context.Background(), a.db, 50, 0)
		mailed := 0
		for _, m := range msgs {
			if m.Subject == "Your shortlisted submission: extra material requested" && strings.Contains(m.Text, "A 3-minute video") {
				mailed++
			}
		}
		if mailed != 2 {
			t.Errorf("%d round mails, want 2", mailed)
		}

		author.get("/submissions/"+id).expect(t, 200, `id="round"`, "A 3-minute video and a longer description.", `name="material"`)
		author.post("/submissions/"+id+"/round", url.Values{"material": {"We trained 400 teachers."}, "round_video_url": {"ftp://x"}}).
			expect(t, 422, `id="e-round_video_url"`, "We trained 400 teachers.")
		author.post("/submissions/"+id+"/round", url.Values{"material": {"We trained 400 teachers."}, "round_video_url": {"https://video.example.org/r2"}}).
			expect(t, 303)
		author.sendFile("/submissions/"+id+"/attachments", "", "plan.pdf", pdfBytes(100), "round", "2").expect(t, 303)
		author.get("/submissions/"+id).expect(t, 200, "We trained 400 teachers.", "plan.pdf", "round 2")
		if code := api.call("POST", fmt.Sprintf("/api/v1/submissions/%d/round", s2.ID), `{"material":"Datasets opened.","video_url":"https://video.example.org/s2"}`, nil); code != 200 {
			t.Errorf("API material: %d", code)
		}
		var withRound struct {
			Round struct {
				Material string `json:"material"`
				VideoURL string `json:"video_url"`
			} `json:"round"`
		}
		if code := api.call("GET", fmt.Sprintf("/api/v1/submissions/%d", s2.ID), "", &withRound); code != 200 ||
			withRound.Round.Material != "Datasets opened." || withRound.Round.VideoURL != "https://video.example.org/s2" {
			t.Errorf("the submission's round in the API: %d %+v", code, withRound)
		}

		t.Run("after the round's deadline: 422 naming it", func(t *testing.T) {
			now := clock.now()
			clock.set(deadline.Add(time.Second))
			defer clock.set(now)
			var late struct {
				Status int    `json:"status"`
				Detail string `json:"detail"`
			}
			if code := api.call("POST", fmt.Sprintf("/api/v1/submissions/%d/round", s2.ID), `{"material":"Late."}`, &late); code != 422 ||
				!strings.Contains(late.Detail, i18n.For(i18n.En).Moment(deadline, mustZone(t, "Asia/Shanghai"), nil)) {
				t.Errorf("late: %d %+v", code, late)
			}
		})

		t.Run("round 2 is reviewed and ranked apart", func(t *testing.T) {
			expert := a.person(t, "expert@example.org", "Expert")
			if code := sec.call("POST", "/api/v1/calls/cases-2025/reviewers", `{"email":"expert@example.org","fields":["infrastructure","governance"]}`, nil); code != 201 {
				t.Fatal(code)
			}
			var assigned struct {
				Assignments int `json:"assignments"`
			}
			if code := sec.call("POST", "/api/v1/calls/cases-2025/round/assign", "", &assigned); code != 200 || assigned.Assignments != 2 {
				t.Fatalf("round 2 assign: %d %+v", code, assigned)
			}
			var ranking struct {
				Round int `json:"round"`
				Items []struct {
					SubmissionID int64 `json:"submission_id"`
					Reviews      int   `json:"reviews"`
				} `json:"items"`
			}
			page := expert.get("/reviews")
			for _, rid := range regexpAll(page.body, `href="/reviews/(\d+)"`) {
				rev := expert.get("/reviews/" + rid)
				if strings.Contains(rev.body, "Rural fibre") {
					rev.expect(t, 200, "We trained 400 teachers.", "Second round")
					expert.post("/reviews/"+rid, url.Values{"score.impact": {"9"}, "score.cooperation": {"3"}, "action": {"submit"}}).expect(t, 303)
				}
			}
			if code := sec.call("GET", "/api/v1/calls/cases-2025/ranking?round=2", "", &ranking); code != 200 || ranking.Round != 2 || len(ranking.Items) != 2 ||
				ranking.Items[0].Reviews != 1 {
				t.Errorf("round 2 ranking: %d %+v", code, ranking)
			}
			if code := sec.call("GET", "/api/v1/calls/cases-2025/ranking", "", &ranking); code != 200 || ranking.Round != 1 || len(ranking.Items) != 2 ||
				ranking.Items[0].Reviews != 0 {
				t.Errorf("round 1 ranking: %d %+v", code, ranking)
			}
			if code := sec.call("GET", "/api/v1/calls/cases-2025/ranking?round=3", "", nil); code != 422 {
				t.Errorf("round 3: %d", code)
			}
			staff.get("/admin/calls/cases-2025/ranking?round=2").expect(t, 200, `aria-current="page">Second round`, "Rural fibre")
		})
	})
}
