package calls

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/db/dbtest"
	"github.com/wuzhen/wuzhen/internal/errs"
)

// pdf is a file that starts as PDFs do, of n bytes.
func pdfData(n int) []byte {
	b := bytes.Repeat([]byte("x"), n)
	copy(b, "%PDF-1.7\n")
	return b
}

func pngOf(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = byte(i)
	}
	img.Set(0, 0, color.NRGBA{0, 0, 0, 0})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// fileErr returns the message key at the field "file", "" if none.
func fileErr(err error) string {
	if e, ok := errs.As(err); ok {
		for _, f := range e.Fields {
			if f.Name == "file" {
				return f.Key
			}
		}
	}
	return ""
}

func TestAttachments(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		c := testCall("files-2025")
		c.Attachments = &Attachments{PDFMaxMB: 1, PDFsMax: 2, ImagesMax: 1}
		f.publishedCall(c)
		author, sub := f.submit(c.Slug, validSubmission("infrastructure"), SubmitterInfo{Country: "KE"})

		t.Run("checked by content, within the call's limits, at the field", func(t *testing.T) {
			a, err := f.s.AddAttachment(ctx, author, sub.ID, 1, `C:\Users\amina\Nairobi Data Lab report.PDF`, pdfData(2000))
			if err != nil || a.Kind != KindPDF || a.Name != "Nairobi Data Lab report.pdf" || a.ContentType != "application/pdf" || a.Size != 2000 {
				t.Fatalf("a PDF: %+v %v", a, err)
			}
			if _, err := f.s.AddAttachment(ctx, author, sub.ID, 1, "notes.pdf", []byte("just text, named .pdf")); fileErr(err) != "calls.attachment.type" {
				t.Errorf("text named .pdf: %v", err)
			}
			if _, err := f.s.AddAttachment(ctx, author, sub.ID, 1, "big.pdf", pdfData(1<<20+1)); fileErr(err) != "calls.attachment.too_large" {
				t.Errorf("a PDF over 1 MB: %v", err)
			}
			if _, err := f.s.AddAttachment(ctx, author, sub.ID, 1, "exact.pdf", pdfData(1<<20)); err != nil {
				t.Errorf("a PDF of exactly 1 MB: %v", err)
			}
			if _, err := f.s.AddAttachment(ctx, author, sub.ID, 1, "third.pdf", pdfData(100)); fileErr(err) != "calls.attachment.pdfs_max" {
				t.Errorf("a third PDF: %v", err)
			}
			// An image named .pdf is an image: the content decides, and it is re-encoded as JPEG.
			img, err := f.s.AddAttachment(ctx, author, sub.ID, 1, "photo.pdf", pngOf(t, 2000, 1000))
			if err != nil || img.Kind != KindImage || img.ContentType != "image/jpeg" || img.Name != "photo.jpg" || img.Width != ImageSide || img.Height != ImageSide/2 {
				t.Fatalf("an image: %+v %v", img, err)
			}
			file, err := f.s.AttachmentFile(ctx, author, img.ID)
			if err != nil || !bytes.HasPrefix(file.Data, []byte("\xff\xd8\xff")) {
				t.Fatalf("the stored image is not a JPEG: %v", err)
			}
			if _, err := f.s.AddAttachment(ctx, author, sub.ID, 1, "second.png", pngOf(t, 10, 10)); fileErr(err) != "calls.attachment.images_max" {
				t.Errorf("a second image: %v", err)
			}
			if _, err := f.s.RemoveAttachment(ctx, author, img.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := f.s.AddAttachment(ctx, author, sub.ID, 1, "wide.png", pngOf(t, MaxImageSide+1, 1)); fileErr(err) != "calls.attachment.too_many_pixels" {
				t.Errorf("an image too wide: %v", err)
			}
			if _, err := f.s.AddAttachment(ctx, author, sub.ID, 1, "broken.png", pngOf(t, 10, 10)[:60]); fileErr(err) != "calls.attachment.corrupt" {
				t.Errorf("a truncated image: %v", err)
			}
			if _, err := f.s.AddAttachment(ctx, author, sub.ID, 1, "empty.pdf", nil); fileErr(err) != "calls.attachment.missing" {
				t.Errorf("no file: %v", err)
			}
			other := f.user("other@example.org", "Other")
			if _, err := f.s.AddAttachment(ctx, other, sub.ID, 1, "x.pdf", pdfData(100)); errs.CodeOf(err) != errs.NotFound {
				t.Errorf("someone else added a file: %v", err)
			}
			list, err := f.s.Attachments(ctx, sub.ID)
			if err != nil || len(list) != 2 {
				t.Fatalf("%d files, want 2: %v", len(list), err)
			}
		})

		t.Run("the video link: https, where the call takes one", func(t *testing.T) {
			s := validSubmission("governance")
			s.VideoURL = "https://video.example.org/x"
			by := f.user("video@example.org", "Video")
			if err := f.s.SaveSubmission(ctx, by, c.Slug, s, SubmitterInfo{}, true); !fields(err)["video_url"] {
				t.Errorf("a video link to a call without: %v", err)
			}
			open := testCall("video-2025")
			f.publishedCall(open) // the default: a video link is taken
			for _, u := range []string{"http://video.example.org/x", "javascript:alert(1)", "https://"} {
				s := validSubmission("governance")
				s.VideoURL = u
				if err := f.s.SaveSubmission(ctx, by, open.Slug, s, SubmitterInfo{}, true); !fields(err)["video_url"] {
					t.Errorf("video link %q: %v", u, err)
				}
			}
			s = validSubmission("governance")
			s.VideoURL = "https://video.example.org/x"
			if err := f.s.SaveSubmission(ctx, by, open.Slug, s, SubmitterInfo{}, true); err != nil {
				t.Error(err)
			}
		})

		list, _ := f.s.Attachments(ctx, sub.ID)
		id := list[0].ID
		t.Run("who may download, blind reviewers under a neutral name", func(t *testing.T) {
			co := f.user("co@example.org", "Co Author")
			token, err := f.s.inviteCoauthor(ctx, author, sub.ID, "co@example.org", "Co Author", "", "en")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.s.AttachmentFile(ctx, co, id); errs.CodeOf(err) != errs.Forbidden {
				t.Errorf("an unconfirmed co-author downloaded: %v", err)
			}
			if _, err := f.s.ConfirmCoauthor(ctx, co, token); err != nil {
				t.Fatal(err)
			}
			r1, _ := f.reviewer(c.Slug, "r1@example.org", Reviewer{Fields: Fields})
			r2, _ := f.reviewer(c.Slug, "r2@example.org", Reviewer{Fields: Fields})
			stranger := f.user("stranger@example.org", "Stranger")
			if _, err := f.s.AttachmentFile(ctx, r1, id); errs.CodeOf(err) != errs.Forbidden {
				t.Errorf("a reviewer not yet assigned downloaded: %v", err)
			}
			if _, err := f.s.Assign(ctx, f.sec, c.Slug); err != nil {
				t.Fatal(err)
			}
			for who, p := range map[string]*actor.Actor{"author": author, "co-author": co, "secretariat": f.sec} {
				a, err := f.s.AttachmentFile(ctx, p, id)
				if err != nil || a.Name != "Nairobi Data Lab report.pdf" || len(a.Data) != 2000 {
					t.Errorf("%s: %+v %v", who, a, err)
				}
			}
			for _, p := range []*actor.Actor{r1, r2} {
				a, err := f.s.AttachmentFile(ctx, p, id)
				if err != nil || strings.Contains(a.Name, "Nairobi") || a.Name != a.neutralName() || len(a.Data) != 2000 {
					t.Errorf("a blind reviewer: %+v %v", a, err)
				}
			}
			var rid int64
			items, _ := f.s.MyReviews(ctx, r1.ID, "en")
			for _, it := range items {
				if it.SubmissionID == sub.ID {
					rid = it.ID
				}
			}
			v, err := f.s.Review(ctx, r1, rid)
			if err != nil || len(v.Submission.Attachments) != 2 || strings.Contains(v.Submission.Attachments[0].Name, "Nairobi") {
				t.Errorf("the review's list of files: %+v %v", v, err)
			}
			if _, err := f.s.DeclareConflict(ctx, r1, rid, "I know them"); err != nil {
				t.Fatal(err)
			}
			if _, err := f.s.AttachmentFile(ctx, r1, id); errs.CodeOf(err) != errs.Forbidden {
				t.Errorf("a reviewer who declared a conflict downloaded: %v", err)
			}
			for who, p := range map[string]*actor.Actor{"a stranger": stranger, "the public": nil} {
				if _, err := f.s.AttachmentFile(ctx, p, id); errs.CodeOf(err) != errs.Forbidden {
					t.Errorf("%s downloaded before publication: %v", who, err)
				}
			}
			if err := f.s.Decide(ctx, f.sec, sub.ID, Selected); err != nil {
				t.Fatal(err)
			}
			if _, err := f.s.AttachmentFile(ctx, nil, id); errs.CodeOf(err) != errs.Forbidden {
				t.Errorf("the public downloaded before the results: %v", err)
			}
			if _, err := f.s.PublishResults(ctx, f.sec, c.Slug); err != nil {
				t.Fatal(err)
			}
			if a, err := f.s.AttachmentFile(ctx, nil, id); err != nil || a.Name != "Nairobi Data Lab report.pdf" {
				t.Errorf("the public, after publication: %+v %v", a, err)
			}
			if _, err := f.s.AttachmentFile(ctx, nil, id+1000); errs.CodeOf(err) != errs.NotFound {
				t.Errorf("no such file: %v", err)
			}
		})

		t.Run("after the deadline: refused, naming it", func(t *testing.T) {
			f.clock.set(closes.Add(time.Second))
			defer f.clock.set(opens.Add(24 * time.Hour))
			var de *DeadlineError
			if _, err := f.s.AddAttachment(ctx, author, sub.ID, 1, "late.pdf", pdfData(100)); !errors.As(err, &de) || errs.CodeOf(err) != errs.Invalid {
				t.Errorf("a file after the deadline: %v", err)
			}
			if _, err := f.s.RemoveAttachment(ctx, author, id); !errors.As(err, &de) {
				t.Errorf("a file removed after the deadline: %v", err)
			}
		})
	})
}

func TestAttachmentRules(t *testing.T) {
	c := testCall("rules-2025")
	c.Attachments = &Attachments{PDFMaxMB: MaxPDFMB + 1, ImagesMax: -1}
	got := fields(c.validate())
	if !got["attachments.pdf_max_mb"] || !got["attachments.images_max"] {
		t.Errorf("bad limits: %v", got)
	}
	c = testCall("rules-2025")
	c.Attachments = nil
	if err := c.validate(); err != nil || *c.Attachments != DefaultAttachments {
		t.Errorf("no attachments said: %+v %v", c.Attachments, err)
	}
	for in, want := range map[string]string{"../../etc/passwd": "passwd.pdf", "": "document.pdf", "a\x00b\"c.pdf": "abc.pdf",
		"案例报告.PDF": "案例报告.pdf", strings.Repeat("é", 200) + ".pdf": strings.Repeat("é", 120) + ".pdf"} {
		if got := cleanName(in, "document", ".pdf"); got != want {
			t.Errorf("cleanName(%q) = %q, want %q", in, got, want)
		}
	}
}
