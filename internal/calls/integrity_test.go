package calls

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/audit"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/db/dbtest"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/mail"
)

var fullMarks = map[string]float64{"impact": 10, "cooperation": 5}

// lateConflict is a call where the best-matching reviewer has reviewed a
// submission (full marks, submitted) before a conflict with it arises.
type lateConflict struct {
	f           *fixture
	c           *Call
	author      *actor.Actor
	sub         *Submission
	p1, p2      *actor.Actor // the reviewer who will be conflicted, and a clean one
	r1, r2      *Reviewer
	firstReview int64
}

func newLateConflict(t *testing.T, f *fixture, slug string, exclude bool) *lateConflict {
	t.Helper()
	ctx := context.Background()
	lc := &lateConflict{f: f}
	c := testCall(slug)
	c.ReviewsPerSubmission = 1
	c.ExcludeSameCountry = exclude
	lc.c = f.publishedCall(c)
	lc.author, lc.sub = f.submit(slug, validSubmission("governance", "KE", "CN"), SubmitterInfo{Country: "CN", Organization: "Weaver Lab"})
	lc.p1, lc.r1 = f.reviewer(slug, "expert."+slug+"@example.org", Reviewer{Fields: []string{"governance"}, Country: "KE", Organization: "Savanna Institute"})
	lc.p2, lc.r2 = f.reviewer(slug, "clean."+slug+"@example.org", Reviewer{Fields: []string{"cybersecurity"}, Country: "JP"})
	if n, err := f.s.Assign(ctx, f.sec, slug); err != nil || n != 1 {
		t.Fatalf("assign: %d %v", n, err)
	}
	q, err := f.s.MyReviews(ctx, lc.p1.ID, "en")
	if err != nil || len(q) != 1 {
		t.Fatalf("the expert's queue: %+v %v", q, err)
	}
	lc.firstReview = q[0].ID
	if err := f.s.SaveReview(ctx, lc.p1, lc.firstReview, fullMarks, "", true); err != nil {
		t.Fatal(err)
	}
	if got := lc.rankReviews(t, 1); got != 1 {
		t.Fatalf("before the conflict the ranking counts %d reviews", got)
	}
	return lc
}

// rankReviews returns how many reviews of the submission round counts.
func (lc *lateConflict) rankReviews(t *testing.T, round int) int {
	t.Helper()
	_, ranks, err := lc.f.s.RankingRound(context.Background(), lc.c.Slug, round)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range ranks {
		if r.SubmissionID == lc.sub.ID {
			return r.Reviews
		}
	}
	t.Fatalf("submission %d not ranked", lc.sub.ID)
	return 0
}

// check: the expert's review of round is withdrawn for want, the clean
// reviewer has it (told by mail), the ranking no longer counts it, the
// expert cannot submit it again, and the audit log says so.
func (lc *lateConflict) check(t *testing.T, want ConflictReason, round int, reviewID int64) {
	t.Helper()
	ctx := context.Background()
	reviews, err := lc.f.s.ReviewsOf(ctx, lc.sub.ID)
	if err != nil {
		t.Fatal(err)
	}
	var withdrawn, replaced bool
	for _, r := range reviews {
		if r.ID == reviewID {
			withdrawn = r.Status == ReviewConflict && r.Withdrawn == want
			if !withdrawn {
				t.Errorf("the expert's review: status %s, withdrawn %q; want conflict, %q", r.Status, r.Withdrawn, want)
			}
		}
		if r.ReviewerID == lc.r2.ID && r.Round == round && r.Status == ReviewAssigned {
			replaced = true
		}
	}
	if !replaced {
		t.Errorf("not given to the clean reviewer: %+v", reviews)
	}
	if got := lc.rankReviews(t, round); got != 0 {
		t.Errorf("the ranking counts %d reviews after the conflict", got)
	}
	err = lc.f.s.SaveReview(ctx, lc.p1, reviewID, fullMarks, "", true)
	if errs.CodeOf(err) != errs.Conflict {
		t.Errorf("the conflicted reviewer submitted again: %v", err)
	}
	msgs, _, _ := mail.List(ctx, lc.f.d, 50, 0)
	told := false
	for _, m := range msgs {
		told = told || m.To == lc.r2.Email
	}
	if !told {
		t.Errorf("the new reviewer was not told")
	}
	entries, _, _ := audit.List(ctx, lc.f.d, 50, 0)
	logged := false
	for _, e := range entries {
		logged = logged || (e.Action == "call.review_withdrawn" && e.Object == reviewObject(reviewID))
	}
	if !logged {
		t.Errorf("no audit entry for the withdrawal")
	}
}

// TestConflictsAfterAssignment drives every source of a conflict of
// interest after a reviewer was assigned and submitted full marks: the
// review is withdrawn in the same transaction, the submission goes to
// another reviewer, and neither the review nor its scores count.
func TestConflictsAfterAssignment(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)

		t.Run("invited as co-author at the reviewer's address", func(t *testing.T) {
			lc := newLateConflict(t, f, "co-invite", false)
			if err := f.s.InviteCoauthor(ctx, lc.author, lc.sub.ID, lc.r1.Email, "", "", "en"); err != nil {
				t.Fatal(err)
			}
			lc.check(t, ConflictAuthor, 1, lc.firstReview)
		})
		t.Run("a co-author invited elsewhere confirms with the reviewer's account", func(t *testing.T) {
			lc := newLateConflict(t, f, "co-confirm", false)
			token, err := f.s.inviteCoauthor(ctx, lc.author, lc.sub.ID, "private.mailbox@example.net", "", "", "en")
			if err != nil {
				t.Fatal(err)
			}
			if got := lc.rankReviews(t, 1); got != 1 {
				t.Fatalf("an invitation to someone else withdrew the review")
			}
			if _, err := f.s.ConfirmCoauthor(ctx, lc.p1, token); err != nil {
				t.Fatal(err)
			}
			lc.check(t, ConflictAuthor, 1, lc.firstReview)
		})
		t.Run("the reviewer's organisation becomes a partner", func(t *testing.T) {
			lc := newLateConflict(t, f, "partner", false)
			lc.sub.Partners = []Partner{{Name: "savanna institute", Country: "KE"}}
			if err := f.s.SaveSubmission(ctx, lc.author, lc.c.Slug, lc.sub, SubmitterInfo{}, true); err != nil {
				t.Fatal(err)
			}
			lc.check(t, ConflictOrg, 1, lc.firstReview)
		})
		t.Run("the submitter joins the reviewer's organisation", func(t *testing.T) {
			lc := newLateConflict(t, f, "org", false)
			if err := f.s.SaveSubmission(ctx, lc.author, lc.c.Slug, lc.sub, SubmitterInfo{Organization: "Savanna Institute"}, true); err != nil {
				t.Fatal(err)
			}
			lc.check(t, ConflictOrg, 1, lc.firstReview)
		})
		t.Run("the call starts excluding the reviewer's country", func(t *testing.T) {
			lc := newLateConflict(t, f, "country", false)
			c := *lc.c
			c.ExcludeSameCountry = true
			if err := f.s.UpdateCall(ctx, f.sec, c.Slug, &c); err != nil {
				t.Fatal(err)
			}
			lc.check(t, ConflictCountry, 1, lc.firstReview)
		})
		t.Run("a conflict declared in the second round ends the first round's review", func(t *testing.T) {
			lc := newLateConflict(t, f, "declared-r2", false)
			if err := f.s.Decide(ctx, f.sec, lc.sub.ID, Shortlisted); err != nil {
				t.Fatal(err)
			}
			if _, err := f.s.OpenRound(ctx, f.sec, lc.c.Slug, Text{En: "More."}, f.clock.now().Add(7*24*time.Hour)); err != nil {
				t.Fatal(err)
			}
			if n, err := f.s.AssignRound(ctx, f.sec, lc.c.Slug); err != nil || n != 1 {
				t.Fatalf("round 2: %d %v", n, err)
			}
			var second int64
			q, _ := f.s.MyReviews(ctx, lc.p1.ID, "en")
			for _, it := range q {
				if it.Round == 2 {
					second = it.ID
				}
			}
			if second == 0 {
				t.Fatalf("the expert has no round-2 review: %+v", q)
			}
			if _, err := f.s.DeclareConflict(ctx, lc.p1, second, "I advised them since."); err != nil {
				t.Fatal(err)
			}
			lc.check(t, ConflictDeclared, 1, lc.firstReview)
		})
		t.Run("the ranking leaves out a conflicted reviewer whatever the review row says", func(t *testing.T) {
			lc := newLateConflict(t, f, "ranking", false)
			// A co-author row written behind the store's back.
			if _, err := d.Exec(ctx, `INSERT INTO call_authors (submission_id, user_id, email, name, country, organization,
				is_submitter, invited_at, confirmed_at) VALUES (?, ?, ?, '', '', '', false, ?, ?)`,
				lc.sub.ID, lc.p1.ID, "elsewhere@example.net", d.Now(), d.Now()); err != nil {
				t.Fatal(err)
			}
			if got := lc.rankReviews(t, 1); got != 0 {
				t.Errorf("the ranking counts a co-author's review")
			}
		})
	})
}

// TestSubmittedReviewsStay: a submitted review changes only when the
// secretariat reopens it; a draft save never removes a score; the
// ranking never counts a review without all its scores.
func TestSubmittedReviewsStay(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		lc := newLateConflict(t, f, "stay", false)
		score := func() (float64, int) {
			t.Helper()
			_, ranks, err := f.s.Ranking(ctx, "stay")
			if err != nil || len(ranks) != 1 {
				t.Fatalf("ranking %v %v", ranks, err)
			}
			return ranks[0].WeightedMean, ranks[0].Reviews
		}
		if mean, n := score(); mean != 100 || n != 1 {
			t.Fatalf("before: %v over %d", mean, n)
		}
		// The draft save of the report: 200 and the scores gone. Now refused.
		if err := f.s.SaveReview(ctx, lc.p1, lc.firstReview, map[string]float64{}, "", false); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("a draft saved over a submitted review: %v", err)
		}
		if err := f.s.SaveReview(ctx, lc.p1, lc.firstReview, map[string]float64{"impact": 1, "cooperation": 1}, "", true); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("a submitted review submitted again: %v", err)
		}
		if mean, n := score(); mean != 100 || n != 1 {
			t.Errorf("after the refused saves: %v over %d", mean, n)
		}

		// Reopening: the secretariat only, a submitted review only.
		if _, err := f.s.ReopenReview(ctx, f.sec, 999999); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("reopen an unknown review: %v", err)
		}
		r, err := f.s.ReopenReview(ctx, f.sec, lc.firstReview)
		if err != nil || r.Status != ReviewAssigned || r.Scores["impact"] != 10 {
			t.Fatalf("reopen: %+v %v", r, err)
		}
		if _, err := f.s.ReopenReview(ctx, f.sec, lc.firstReview); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("an open review reopened: %v", err)
		}
		if _, n := score(); n != 0 {
			t.Errorf("a reopened review counts")
		}
		entries, _, _ := audit.List(ctx, d, 10, 0)
		if len(entries) == 0 || entries[0].Action != "call.review_reopened" || entries[0].ActorID != f.sec.ID {
			t.Errorf("audit %+v", entries)
		}
		msgs, _, _ := mail.List(ctx, d, 1, 0)
		if len(msgs) == 0 || msgs[0].To != lc.r1.Email {
			t.Errorf("the reviewer was not told: %+v", msgs)
		}
		// A draft save keeps the scores it does not name.
		if err := f.s.SaveReview(ctx, lc.p1, lc.firstReview, map[string]float64{}, "thinking", false); err != nil {
			t.Fatal(err)
		}
		if err := f.s.SaveReview(ctx, lc.p1, lc.firstReview, map[string]float64{"impact": 6}, "", false); err != nil {
			t.Fatal(err)
		}
		v, err := f.s.Review(ctx, lc.p1, lc.firstReview)
		if err != nil || v.Review.Scores["impact"] != 6 || v.Review.Scores["cooperation"] != 5 {
			t.Fatalf("after drafts: %+v %v", v.Review, err)
		}
		if err := f.s.SaveReview(ctx, lc.p1, lc.firstReview, nil, "", true); err != nil {
			t.Fatal(err)
		}
		if mean, n := score(); n != 1 || !near(mean, 100*(3*0.6+1)/4) {
			t.Errorf("resubmitted: %v over %d", mean, n)
		}
		// A submitted row without all its scores (written before this
		// rule, or behind the store's back) does not count.
		if _, err := d.Exec(ctx, `UPDATE call_reviews SET scores = ? WHERE id = ?`, `{"impact":6}`, lc.firstReview); err != nil {
			t.Fatal(err)
		}
		if _, n := score(); n != 0 {
			t.Errorf("an incomplete review counts")
		}
	})
}

// TestBlindAttachmentsCarryNoMetadata: a PDF whose /Info and XMP name the
// applicant organisation, and a JPEG whose EXIF does, reach a blind
// reviewer without either; the authors get their files as sent.
func TestBlindAttachmentsCarryNoMetadata(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		c := testCall("blind-files")
		c.ReviewsPerSubmission = 1
		c.Attachments = &Attachments{PDFMaxMB: 1, PDFsMax: 2, ImagesMax: 1}
		f.publishedCall(c)
		author, sub := f.submit(c.Slug, validSubmission("governance"), SubmitterInfo{Organization: "Savanna Institute"})

		doc := fpdf.New("P", "mm", "A4", "")
		doc.SetAuthor("Amina Odhiambo, Savanna Institute", true)
		doc.SetCreator("Savanna Institute word processor", false)
		doc.SetXmpMetadata([]byte(`<x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:creator>Savanna Institute</dc:creator></x:xmpmeta>`))
		doc.AddPage()
		doc.SetFont("Helvetica", "", 12)
		doc.Cell(40, 10, "Connecting rural schools")
		var pdfBuf bytes.Buffer
		if err := doc.Output(&pdfBuf); err != nil {
			t.Fatal(err)
		}
		var jpg bytes.Buffer
		if err := jpeg.Encode(&jpg, image.NewGray(image.Rect(0, 0, 64, 48)), nil); err != nil {
			t.Fatal(err)
		}
		exif := append([]byte("Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08"), []byte("Artist: Savanna Institute")...)
		app1 := append([]byte{0xff, 0xe1, byte((len(exif) + 2) >> 8), byte(len(exif) + 2)}, exif...)
		withExif := append(append([]byte{0xff, 0xd8}, app1...), jpg.Bytes()[2:]...)

		var ids []int64
		for name, data := range map[string][]byte{"case.pdf": pdfBuf.Bytes(), "photo.jpg": withExif} {
			a, err := f.s.AddAttachment(ctx, author, sub.ID, 1, name, data)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			ids = append(ids, a.ID)
		}
		p, _ := f.reviewer(c.Slug, "blind@example.org", Reviewer{Fields: Fields})
		if n, err := f.s.Assign(ctx, f.sec, c.Slug); err != nil || n != 1 {
			t.Fatalf("assign: %d %v", n, err)
		}
		for _, id := range ids {
			mine, err := f.s.AttachmentFile(ctx, author, id)
			if err != nil {
				t.Fatal(err)
			}
			got, err := f.s.AttachmentFile(ctx, p, id)
			if err != nil {
				t.Fatal(err)
			}
			if mine.Kind == KindPDF && !bytes.Contains(mine.Data, []byte("Savanna")) {
				t.Errorf("the author's own PDF lost its metadata")
			}
			if bytes.Contains(got.Data, []byte("Savanna")) {
				t.Errorf("%s reaches the blind reviewer naming the organisation", got.Kind)
			}
			if got.Kind == KindPDF && (!bytes.HasPrefix(got.Data, []byte("%PDF-")) || len(got.Data) != len(mine.Data)) {
				t.Errorf("the stripped PDF: %d bytes, was %d", len(got.Data), len(mine.Data))
			}
		}
	})
}
