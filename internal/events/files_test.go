package events

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/db/dbtest"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/testenv"
)

// fileCategory asks for a CV (PDF, at most 1 MB, required), a scan
// (image, optional) and a photo (required).
func fileCategory() *Category {
	return &Category{Code: "speaker", Name: i18n.Text{En: "Speaker", Hans: "演讲嘉宾"}, Capacity: 10, Approval: Auto,
		Questions: []Question{
			{Code: "cv", Kind: FileQuestion, Label: i18n.Text{En: "CV"}, Types: []string{FilePDF}, MaxMB: 1, Required: true},
			{Code: "scan", Kind: FileQuestion, Label: i18n.Text{En: "Press card"}, Types: []string{FileImage, FilePDF}},
			{Code: "photo", Kind: PhotoQuestion, Label: i18n.Text{En: "Photo"}, Required: true},
		}}
}

// fieldKeys maps each field of an Invalid error to its message key.
func fieldKeys(err error) map[string]string {
	out := map[string]string{}
	if e, ok := errs.As(err); ok {
		for _, fl := range e.Fields {
			out[fl.Name] = fl.Key
		}
	}
	return out
}

var testPDF = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

func TestFileQuestionsValidated(t *testing.T) {
	file := func(q Question) *Category {
		q.Label = i18n.Text{En: "Q"}
		if q.Code == "" {
			q.Code = "q"
		}
		return &Category{Code: "c", Name: i18n.Text{En: "C"}, Capacity: 1, Questions: []Question{q}}
	}
	good := []*Category{
		file(Question{Kind: FileQuestion, Types: []string{FilePDF}}),
		file(Question{Kind: FileQuestion, Types: []string{FileImage, FilePDF}, MaxMB: MaxFileMB}),
		file(Question{Kind: PhotoQuestion, Required: true}),
		fileCategory(),
	}
	for i, c := range good {
		if err := c.validate(); err != nil {
			t.Errorf("good %d refused: %v", i, err)
		}
	}
	bad := []*Category{
		file(Question{Kind: FileQuestion}),                                      // no types
		file(Question{Kind: FileQuestion, Types: []string{"exe"}}),              // unknown type
		file(Question{Kind: FileQuestion, Types: []string{FilePDF, FilePDF}}),   // twice
		file(Question{Kind: FileQuestion, Types: []string{FilePDF}, MaxMB: 11}), // too large a limit
		file(Question{Kind: PhotoQuestion, Types: []string{FileImage}}),         // a photo's types are fixed
		file(Question{Kind: PhotoQuestion, MaxMB: 2}),                           // and its limit
		file(Question{Kind: TextQuestion, Types: []string{FilePDF}}),            // types on a text question
		file(Question{Kind: FileQuestion, Types: []string{FilePDF}, Options: []Option{{Code: "a", Label: i18n.Text{En: "A"}}}}),
	}
	for i, c := range bad {
		if err := c.validate(); !fieldsOf(err)["questions"] {
			t.Errorf("bad %d accepted: %v", i, err)
		}
	}
	two := fileCategory()
	two.Questions = append(two.Questions, Question{Code: "photo2", Kind: PhotoQuestion, Label: i18n.Text{En: "P"}})
	four := fileCategory()
	four.Questions = append(four.Questions, Question{Code: "more", Kind: FileQuestion, Label: i18n.Text{En: "M"}, Types: []string{FilePDF}})
	for _, c := range []*Category{two, four} {
		if err := c.validate(); fieldKeys(err)["questions"] != "events.file.too_many_questions" {
			t.Errorf("%d file questions accepted: %v", len(c.Questions), err)
		}
	}
}

// TestRegistrationFiles: files checked by their content and refused at
// their field; required ones enforced on the form; stored with the
// registration; shown to the registrant and the secretariat only; given
// later through the API; the photo cropped square and on the badge;
// deleted with the personal data after the event.
func TestRegistrationFiles(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		c := &clock{t: time.Now()}
		d.Now = c.now
		f := newFixture(t, d)
		f.s.Keys = testKeys(t, 7)
		ctx := context.Background()
		e := f.event("wic-files", 10, Auto)
		if err := f.s.SaveCategory(ctx, f.staff, e.Slug, fileCategory()); err != nil {
			t.Fatal(err)
		}
		wide := encodePNG(t, quadrants(600, 300)) // red, green / blue, transparent
		bigPDF := append(append([]byte{}, testPDF...), bytes.Repeat([]byte{' '}, 1<<20)...)

		// Refused, each at its field, all together.
		_, err := f.s.CheckFiles(ctx, e.Slug, "speaker", map[string][]byte{
			"cv": wide, "scan": []byte("GIF89a not taken"), "photo": append([]byte("\x89PNG\r\n\x1a\n"), "garbage"...), "name": testPDF})
		keys := fieldKeys(err)
		want := map[string]string{"cv": "events.file.type", "scan": "events.file.type", "photo": "events.photo.corrupt",
			"name": "events.question_unknown"}
		for k, v := range want {
			if keys[k] != v {
				t.Errorf("field %s: %q, want %q (%v)", k, keys[k], v, err)
			}
		}
		if _, err := f.s.CheckFiles(ctx, e.Slug, "speaker", map[string][]byte{"cv": bigPDF}); fieldKeys(err)["cv"] != "events.file.too_large" {
			t.Errorf("a PDF over its question's 1 MB: %v", err)
		}
		if _, err := f.s.CheckFiles(ctx, e.Slug, "speaker", map[string][]byte{"photo": testPDF}); fieldKeys(err)["photo"] != "events.file.type" {
			t.Errorf("a PDF as the photo: %v", err)
		}

		// The form: required files must be there; a text answer is no file.
		amina := f.person("amina@example.org", "Amina Otieno")
		_, err = f.s.RegisterWith(ctx, amina, e.Slug, "speaker", Answers{"country": "KE", "cv": "my cv"}, "", map[string]*RegFile{}, false)
		keys = fieldKeys(err)
		if keys["cv"] != "events.file.not_text" || keys["photo"] != "events.file.required" || keys["scan"] != "" {
			t.Fatalf("missing files: %v", err)
		}
		files, err := f.s.CheckFiles(ctx, e.Slug, "speaker", map[string][]byte{"cv": testPDF, "scan": wide, "photo": wide})
		if err != nil {
			t.Fatal(err)
		}
		r, err := f.s.RegisterWith(ctx, amina, e.Slug, "speaker", Answers{"country": "KE", "name": "阿米娜·奥蒂埃诺", "name_latin": "Amina Otieno",
			"organization": "Kenya ICT Action Network (KICTANet), Nairobi"}, "", files, false)
		if err != nil || r.Status != Confirmed {
			t.Fatalf("register with files: %+v %v", r, err)
		}
		if n, err := f.s.MissingFiles(ctx, r); err != nil || len(n) != 0 {
			t.Fatalf("missing after the form: %v %v", n, err)
		}
		// The PDF as sent; the images re-encoded as JPEG.
		cv, _, err := f.s.File(ctx, r.ID, "cv", amina.ID, false)
		if err != nil || !bytes.Equal(cv.Data, testPDF) || cv.ContentType != "application/pdf" {
			t.Fatalf("cv: %+v %v", cv, err)
		}
		scan, _, err := f.s.File(ctx, r.ID, "scan", 0, true)
		if err != nil || scan.ContentType != "image/jpeg" || !bytes.HasPrefix(scan.Data, []byte("\xff\xd8\xff")) {
			t.Fatalf("scan: %v", err)
		}
		if img, err := jpeg.Decode(bytes.NewReader(scan.Data)); err != nil || img.Bounds().Dx() != 600 || img.Bounds().Dy() != 300 {
			t.Fatalf("scan re-encoded: %v %v", img.Bounds(), err)
		}
		// The photo: the centre square of the 600 × 300 image, 300 × 300
		// (smaller than PhotoSide, not enlarged): red at its top left,
		// green at its top right, blue at its bottom left.
		ph, err := f.s.RegistrationPhoto(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		img, err := jpeg.Decode(bytes.NewReader(ph.Data))
		if err != nil || img.Bounds() != image.Rect(0, 0, 300, 300) {
			t.Fatalf("photo %v %v", img.Bounds(), err)
		}
		if !near(img.At(10, 10), 220, 20, 20) || !near(img.At(290, 10), 20, 200, 20) || !near(img.At(10, 290), 20, 20, 220) ||
			!near(img.At(290, 290), 255, 255, 255) {
			t.Fatalf("photo not the centre square: %v %v %v %v", img.At(10, 10), img.At(290, 10), img.At(10, 290), img.At(290, 290))
		}
		// Nobody else sees them.
		li := f.person("li.wei@example.org", "Li Wei")
		if _, _, err := f.s.File(ctx, r.ID, "cv", li.ID, false); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("another person read the cv: %v", err)
		}
		if _, _, err := f.s.File(ctx, r.ID, "nothing", 0, true); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("no such file: %v", err)
		}

		// The API: the registration first, its files after.
		r2, err := f.s.Register(ctx, li, e.Slug, "speaker", Answers{"country": "CN"})
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := f.s.MissingFiles(ctx, r2); strings.Join(n, ",") != "cv,photo" {
			t.Fatalf("missing: %v", n)
		}
		if _, err := f.s.SetFile(ctx, li, r2.ID, "cv", wide); fieldKeys(err)["cv"] != "events.file.type" {
			t.Fatalf("an image as the cv: %v", err)
		}
		if _, err := f.s.SetFile(ctx, amina, r2.ID, "cv", testPDF); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("uploaded to another's registration: %v", err)
		}
		for _, q := range []string{"name", "country", "nothing"} {
			if _, err := f.s.SetFile(ctx, li, r2.ID, q, testPDF); errs.CodeOf(err) != errs.NotFound {
				t.Fatalf("uploaded for %q: %v", q, err)
			}
		}
		if _, err := f.s.SetFile(ctx, li, r2.ID, "cv", testPDF); err != nil {
			t.Fatal(err)
		}
		if n, _ := f.s.MissingFiles(ctx, r2); strings.Join(n, ",") != "photo" {
			t.Fatalf("missing after the cv: %v", n)
		}
		// A second upload replaces the first.
		other := append([]byte("%PDF-1.7\n"), "second"...)
		if _, err := f.s.SetFile(ctx, li, r2.ID, "cv", other); err != nil {
			t.Fatal(err)
		}
		if got, _, err := f.s.File(ctx, r2.ID, "cv", li.ID, false); err != nil || !bytes.Equal(got.Data, other) {
			t.Fatalf("replaced cv: %v", err)
		}
		if ok, _ := f.s.HasPhoto(ctx, r2.ID); ok {
			t.Fatal("a photo from nowhere")
		}

		// The badge sheet: the photo where there is one, and every QR code
		// still reads.
		list, err := f.s.Badges(ctx, e, "speaker")
		if err != nil || len(list) != 2 {
			t.Fatalf("badges: %d %v", len(list), err)
		}
		photos := 0
		for _, b := range list {
			if len(b.Photo) > 0 {
				photos++
				if b.R.ID != r.ID {
					t.Fatalf("photo on %s's badge", b.R.Name)
				}
			}
		}
		if photos != 1 {
			t.Fatalf("%d badges with a photo", photos)
		}
		if b, err := f.s.PersonBadge(ctx, r.ID, amina.ID, false); err != nil || !bytes.Equal(b.Photo, ph.Data) {
			t.Fatalf("person badge photo: %v", err)
		}
		sheet, err := renderBadges(e, "World Internet Conference", i18n.En, list, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		text := testenv.PDFText(t, sheet)
		for _, want := range []string{"Amina Otieno", "Li Wei", "Kenya", "Speaker"} {
			if !strings.Contains(text, want) {
				t.Errorf("badge sheet lacks %q:\n%s", want, text)
			}
		}
		if err := os.WriteFile(filepath.Join(testenv.ArtifactDir(t), "badges-photo.pdf"), sheet, 0o644); err != nil {
			t.Fatal(err)
		}
		png := testenv.PDFPage(t, sheet, 1, 200)
		saveArtifact(t, png, "badges-photo.png")
		if codes := testenv.QRCodes(t, png); len(codes) != 2 {
			t.Fatalf("%d QR codes on the sheet, want 2", len(codes))
		}

		// Cancelled: no more uploads.
		if _, err := f.s.Cancel(ctx, li, r2.ID, false); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.SetFile(ctx, li, r2.ID, "photo", wide); errs.CodeOf(err) != errs.Conflict {
			t.Fatalf("uploaded to a cancelled registration: %v", err)
		}

		// After the event: kept 29 days, deleted after 30, with an audit entry.
		c.add(e.Ends.Sub(c.now()) + 29*24*time.Hour)
		if n, err := f.s.PurgeFiles(ctx, 30); err != nil || n != 0 {
			t.Fatalf("purged %d before time: %v", n, err)
		}
		c.add(2 * 24 * time.Hour)
		if n, err := f.s.PurgeFiles(ctx, 30); err != nil || n != 4 {
			t.Fatalf("purged %d, want 4: %v", n, err)
		}
		if _, _, err := f.s.File(ctx, r.ID, "cv", amina.ID, false); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("cv after the purge: %v", err)
		}
		if _, err := f.s.RegistrationPhoto(ctx, r.ID); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("photo after the purge: %v", err)
		}
		var audited int
		if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM audit_log WHERE action = 'registration.files_purged'").Scan(&audited); err != nil || audited != 1 {
			t.Fatalf("audit entries: %d %v", audited, err)
		}
		if n, _ := f.s.PurgeFiles(ctx, 30); n != 0 {
			t.Fatalf("purged again: %d", n)
		}
	})
}
