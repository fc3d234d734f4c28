package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/events"
	"github.com/wuzhen/wuzhen/internal/i18n"
)

// testPDFFile is a small PDF as registrants upload them.
var testPDFFile = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

// testPhotoPNG is a 300 × 200 PNG: a face-coloured disc on blue.
func testPhotoPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 300, 200))
	for y := 0; y < 200; y++ {
		for x := 0; x < 300; x++ {
			c := color.NRGBA{40, 90, 160, 255}
			if dx, dy := x-150, y-95; dx*dx+dy*dy < 70*70 {
				c = color.NRGBA{230, 180, 140, 255}
			}
			img.SetNRGBA(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// filesCategory asks for a topic (text), a CV (PDF, at most 1 MB,
// required) and a photo (required).
func filesCategory() *events.Category {
	return &events.Category{Code: "contributor", Name: i18n.Text{En: "Contributor", Hans: "撰稿人", Hant: "撰稿人"}, Capacity: 50,
		Approval: events.Auto, Questions: []events.Question{
			{Code: "topic", Kind: events.TextQuestion, Label: i18n.Text{En: "Topic", Hans: "主题", Hant: "主題"}},
			{Code: "cv", Kind: events.FileQuestion, Label: i18n.Text{En: "CV", Hans: "简历", Hant: "簡歷"}, Types: []string{events.FilePDF},
				MaxMB: 1, Required: true},
			{Code: "photo", Kind: events.PhotoQuestion, Label: i18n.Text{En: "Photo", Hans: "照片", Hant: "照片"}, Required: true},
		}}
}

// multipart posts a form with files, as a browser sends a form with
// enctype multipart/form-data.
func (b *browser) multipart(path string, fields url.Values, files map[string][]byte, header ...string) response {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	for k, data := range files {
		fw, _ := mw.CreateFormFile(k, k+".bin")
		fw.Write(data)
	}
	mw.Close()
	req, err := http.NewRequest("POST", b.a.ts.URL+path, &buf)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return response{res, string(data)}
}

// TestRegistrationFilesHTTP goes through file questions on both
// databases: the secretariat asks for a CV and a photo through the API;
// the form refuses a wrong or too large file and a missing one at their
// fields, in the reader's language, with the rest kept; then takes them.
// The files go to the registrant and the secretariat only (attachment,
// nosniff); the photo to check-in staff and the secretariat only, on the
// desk's page and in the check-in API's answer. Through the API the
// registration comes first and its files after.
func TestRegistrationFilesHTTP(t *testing.T) {
	eachApp(t, func(t *testing.T, a *testApp) {
		sec := a.api(t, "sec@example.org", auth.RoleSecretariat)
		deskAPI := a.api(t, "desk.api@example.org", auth.RoleCheckIn)
		start := time.Now().Add(72 * time.Hour)
		event := fmt.Sprintf(`{"slug":"files-forum","kind":"dialogue","title":{"en":"Dialogue on AI"},"starts_at":%q,"ends_at":%q,
			"timezone":"UTC","venue":"Wuzhen","checkin_opens_at":%q}`, start.Format("2006-01-02T15:04"), start.Add(8*time.Hour).Format("2006-01-02T15:04"),
			time.Now().Add(-time.Hour).Format(time.RFC3339)) // the desk is open
		if got := sec.call("POST", "/api/v1/events", event, nil); got != http.StatusCreated {
			t.Fatalf("event: %d", got)
		}
		var p problem
		if got := sec.call("POST", "/api/v1/events/files-forum/categories", `{"code":"bad","name":{"en":"Bad"},"capacity":5,
			"questions":[{"code":"cv","kind":"file","label":{"en":"CV"},"types":["exe"]}]}`, &p); got != http.StatusUnprocessableEntity {
			t.Fatalf("a file question of an unknown type: %d", got)
		}
		fc := filesCategory()
		qs, _ := json.Marshal(fc.Questions)
		cat := fmt.Sprintf(`{"code":%q,"name":{"en":%q},"capacity":50,"questions":%s}`, fc.Code, fc.Name.En, qs)
		if got := sec.call("POST", "/api/v1/events/files-forum/categories", cat, nil); got != http.StatusCreated {
			t.Fatalf("category: %d", got)
		}
		if got := sec.call("POST", "/api/v1/events/files-forum/status", `{"status":"published"}`, nil); got != http.StatusOK {
			t.Fatalf("publish: %d", got)
		}
		photo := testPhotoPNG(t)

		// The form.
		amina := a.signedIn(t, "amina@example.org", "Amina Otieno")
		amina.get("/events/files-forum/register?category=contributor").expect(t, http.StatusOK, `enctype="multipart/form-data"`,
			`type="file" id="f-cv" name="cv" accept="application/pdf,.pdf"`, `name="photo" accept="image/jpeg,image/png"`, "PDF, at most 1 MB.")
		form := url.Values{"category": {"contributor"}, "country": {"KE"}, "organization": {"KICTANet"}, "topic": {"Inclusion"}}
		amina.multipart("/events/files-forum/register", form, map[string][]byte{"cv": photo}).expect(t, http.StatusUnprocessableEntity,
			`id="e-cv"`, "This question does not take this type of file: use PDF.", `id="e-photo"`, "Please upload a file for this question.",
			`value="KICTANet"`, `value="Inclusion"`)
		amina.multipart("/events/files-forum/register", form, map[string][]byte{"cv": photo, "photo": photo}, "Accept-Language", "zh-Hans").
			expect(t, http.StatusUnprocessableEntity, "此问题不接受这种文件，请使用PDF。", `value="KICTANet"`)
		big := append(append([]byte{}, testPDFFile...), bytes.Repeat([]byte{' '}, 1<<20)...)
		amina.multipart("/events/files-forum/register", form, map[string][]byte{"cv": big, "photo": photo}).
			expect(t, http.StatusUnprocessableEntity, "The file is too large: at most 1 MB.")
		amina.multipart("/events/files-forum/register", form, map[string][]byte{"cv": testPDFFile, "photo": []byte("GIF89a")}).
			expect(t, http.StatusUnprocessableEntity, `id="e-photo"`, "This question does not take this type of file: use JPEG, PNG.")
		if n := countRegistrations(t, a, "files-forum"); n != 0 {
			t.Fatalf("%d registrations after refusals", n)
		}
		res := amina.multipart("/events/files-forum/register", form, map[string][]byte{"cv": testPDFFile, "photo": photo})
		res.expect(t, http.StatusSeeOther)
		m := regPath.FindStringSubmatch(res.Header.Get("Location"))
		if m == nil {
			t.Fatalf("register: %q", res.Header.Get("Location"))
		}
		id := m[1]
		cvPath := "/registrations/" + id + "/files/cv"
		amina.get("/registrations/"+id).expect(t, http.StatusOK, `href="`+cvPath+`"`, "Download R-")

		// The CV: to the registrant and the secretariat, as an attachment.
		got := amina.get(cvPath)
		got.expect(t, http.StatusOK)
		if got.body != string(testPDFFile) || got.Header.Get("Content-Type") != "application/pdf" ||
			!strings.HasPrefix(got.Header.Get("Content-Disposition"), "attachment;") || got.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("download: %q %v", got.body, got.Header)
		}
		secB := a.staff(t, "sec.pages@example.org", auth.RoleSecretariat)
		secB.get("/admin/registrations/"+id).expect(t, http.StatusOK, `href="`+cvPath+`"`, "Inclusion", "application/pdf",
			`src="/registrations/`+id+`/photo.jpg"`)
		secB.get("/admin/events/files-forum/registrations").expect(t, http.StatusOK, `href="/admin/registrations/`+id+`"`)
		secB.get(cvPath).expect(t, http.StatusOK)
		desk := a.staff(t, "desk@example.org", auth.RoleCheckIn)
		other := a.signedIn(t, "olga@example.org", "Olga")
		desk.get(cvPath).expect(t, http.StatusNotFound)
		other.get(cvPath).expect(t, http.StatusNotFound)
		desk.get("/admin/registrations/"+id).expect(t, http.StatusForbidden)

		// The photo: check-in staff and the secretariat, a square JPEG.
		photoPath := "/registrations/" + id + "/photo.jpg"
		ph := desk.get(photoPath)
		ph.expect(t, http.StatusOK)
		if img, _, err := image.Decode(strings.NewReader(ph.body)); err != nil || ph.Header.Get("Content-Type") != "image/jpeg" ||
			img.Bounds().Dx() != 200 || img.Bounds().Dy() != 200 {
			t.Fatalf("photo: %v %v", ph.Header, err)
		}
		secB.get(photoPath).expect(t, http.StatusOK)
		amina.get(photoPath).expect(t, http.StatusForbidden)
		other.get(photoPath).expect(t, http.StatusForbidden)

		// The desk's page shows it beside the name and category.
		desk.post("/checkin/files-forum", url.Values{"code": {"R-" + id}}).expect(t, http.StatusOK, "Checked in", "Amina Otieno", "Contributor",
			`<img class="checkin-photo" src="`+photoPath+`"`, `alt="Photo of Amina Otieno"`)

		// The API: register, then send the files.
		olga := a.api(t, "olga.api@example.org")
		var reg struct {
			ID      int64    `json:"id"`
			Missing []string `json:"files_missing"`
		}
		if got := olga.call("POST", "/api/v1/events/files-forum/registrations", `{"category":"contributor","answers":{"country":"RU"}}`, &reg); got != http.StatusCreated ||
			strings.Join(reg.Missing, ",") != "cv,photo" {
			t.Fatalf("API registration: %d %+v", got, reg)
		}
		files := fmt.Sprintf("/api/v1/registrations/%d/files/", reg.ID)
		p = problem{}
		if got := olga.call("POST", files+"cv", string(photo), &p, "Content-Type", "application/pdf"); got != http.StatusUnprocessableEntity ||
			len(p.Errors) != 1 || p.Errors[0].Field != "cv" {
			t.Fatalf("an image as the CV: %d %+v", got, p)
		}
		if got := deskAPI.call("POST", files+"cv", string(testPDFFile), nil); got != http.StatusNotFound {
			t.Fatalf("uploaded to another's registration: %d", got)
		}
		if got := olga.call("POST", files+"country", string(testPDFFile), nil); got != http.StatusNotFound {
			t.Fatalf("uploaded for a text question: %d", got)
		}
		var up struct {
			ContentType string   `json:"content_type"`
			Missing     []string `json:"files_missing"`
		}
		if got := olga.call("POST", files+"cv", string(testPDFFile), &up); got != http.StatusCreated || up.ContentType != "application/pdf" ||
			strings.Join(up.Missing, ",") != "photo" {
			t.Fatalf("CV upload: %d %+v", got, up)
		}
		if got := olga.call("POST", files+"photo", string(photo), &up); got != http.StatusCreated || up.ContentType != "image/jpeg" || len(up.Missing) != 0 {
			t.Fatalf("photo upload: %d %+v", got, up)
		}
		var checked struct {
			Name     string `json:"name"`
			PhotoURL string `json:"photo_url"`
		}
		if got := deskAPI.call("POST", fmt.Sprintf("/api/v1/registrations/%d/check-in", reg.ID), "", &checked); got != http.StatusOK ||
			!strings.HasSuffix(checked.PhotoURL, fmt.Sprintf("/api/v1/registrations/%d/photo.jpg", reg.ID)) {
			t.Fatalf("check-in: %d %+v", got, checked)
		}
		u, err := url.Parse(checked.PhotoURL)
		if err != nil {
			t.Fatal(err)
		}
		path := u.Path
		if got := deskAPI.call("GET", path, "", nil); got != http.StatusOK {
			t.Fatalf("photo to the desk: %d", got)
		}
		if got := olga.call("GET", path, "", nil); got != http.StatusForbidden {
			t.Fatalf("photo to the registrant: %d", got)
		}
		// Without a photo, no photo_url.
		dan := a.api(t, "dan.api@example.org")
		if got := dan.call("POST", "/api/v1/events/files-forum/registrations", `{"category":"contributor","answers":{"country":"DE"}}`, &reg); got != http.StatusCreated {
			t.Fatalf("API registration: %d", got)
		}
		var plain map[string]any
		if got := deskAPI.call("POST", fmt.Sprintf("/api/v1/registrations/%d/check-in", reg.ID), "", &plain); got != http.StatusOK || plain["photo_url"] != nil {
			t.Fatalf("check-in without a photo: %d %v", got, plain)
		}
	})
}

// countRegistrations counts an event's registrations.
func countRegistrations(t *testing.T, a *testApp, slug string) int {
	t.Helper()
	e, err := a.events.Event(t.Context(), slug, true)
	if err != nil {
		t.Fatal(err)
	}
	_, n, err := a.events.Registrations(t.Context(), e.ID, events.RegFilter{}, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
