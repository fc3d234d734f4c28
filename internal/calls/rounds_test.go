package calls

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/db/dbtest"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/mail"
)

func TestSecondRound(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		c := f.publishedCall(testCall("round-2025"))
		a1, s1 := f.submit(c.Slug, validSubmission("infrastructure"), SubmitterInfo{Country: "KE"})
		a2, s2 := f.submit(c.Slug, validSubmission("governance", "FR", "BR"), SubmitterInfo{Country: "FR"})
		_, s3 := f.submit(c.Slug, validSubmission("cybersecurity", "JP", "IN"), SubmitterInfo{})
		if err := f.users.SetLocale(ctx, a2.ID, "zh-Hant"); err != nil {
			t.Fatal(err)
		}
		reviewers := map[string]*actor.Actor{}
		for _, e := range []string{"r1@example.org", "r2@example.org", "r3@example.org"} {
			reviewers[e], _ = f.reviewer(c.Slug, e, Reviewer{Fields: Fields})
		}
		// The author of s1 reviews too: never their own, in either round.
		if joined, err := f.s.AddReviewer(ctx, f.sec, c.Slug, &Reviewer{Email: "author1@example.org", Fields: Fields}, "en"); err != nil || !joined {
			t.Fatal(joined, err)
		}
		if n, err := f.s.Assign(ctx, f.sec, c.Slug); err != nil || n != 6 {
			t.Fatalf("round 1: %d %v", n, err)
		}
		// Round 1's scores: s1 best.
		score := func(p *actor.Actor, round int, impact float64) {
			t.Helper()
			items, err := f.s.MyReviews(ctx, p.ID, "en")
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range items {
				if it.Round == round && it.Status == ReviewAssigned {
					if err := f.s.SaveReview(ctx, p, it.ID, map[string]float64{"impact": impact, "cooperation": 5}, "", true); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
		for _, p := range reviewers {
			score(p, 1, 8)
		}
		score(a1, 1, 8)

		request := Text{En: "A 3-minute video and a longer description.", Hans: "三分钟视频和更详细的说明。", Hant: "三分鐘影片和更詳細的說明。"}
		deadline := f.clock.now().Add(7 * 24 * time.Hour)
		if _, err := f.s.OpenRound(ctx, f.sec, c.Slug, request, deadline); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("a round without a shortlist: %v", err)
		}
		for _, x := range []struct {
			id int64
			d  Decision
		}{{s1.ID, Shortlisted}, {s2.ID, Shortlisted}, {s3.ID, Rejected}} {
			if err := f.s.Decide(ctx, f.sec, x.id, x.d); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.s.OpenRound(ctx, f.sec, c.Slug, Text{}, f.clock.now().Add(-time.Hour)); !fields(err)["request"] {
			t.Errorf("no request: %v", err)
		}
		if _, err := f.s.OpenRound(ctx, f.sec, c.Slug, request, f.clock.now().Add(-time.Hour)); !fields(err)["deadline"] {
			t.Errorf("a deadline past: %v", err)
		}
		if _, err := f.s.AssignRound(ctx, f.sec, c.Slug); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("round 2 assigned before it opened: %v", err)
		}
		before, _, _ := mail.List(ctx, d, 200, 0)
		r, err := f.s.OpenRound(ctx, f.sec, c.Slug, request, deadline)
		if err != nil || r.Submissions != 2 || !r.Deadline.Equal(deadline) {
			t.Fatalf("open: %+v %v", r, err)
		}
		if _, err := f.s.OpenRound(ctx, f.sec, c.Slug, request, deadline); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("opened twice: %v", err)
		}
		after, _, _ := mail.List(ctx, d, 200, 0)
		sent := map[string]string{}
		for _, m := range after[:len(after)-len(before)] {
			sent[m.To] = m.Text
		}
		if len(sent) != 2 || !strings.Contains(sent["author1@example.org"], "A 3-minute video") ||
			!strings.Contains(sent["author2@example.org"], "三分鐘影片") || !strings.Contains(sent["author2@example.org"], "北京時間") {
			t.Errorf("mails: %+v", sent)
		}

		t.Run("the authors add material before the deadline, by the server's clock", func(t *testing.T) {
			if err := f.s.SaveRoundMaterial(ctx, a1, s1.ID, "We trained 400 teachers.", "https://video.example.org/round2"); err != nil {
				t.Fatal(err)
			}
			if _, err := f.s.AddAttachment(ctx, a1, s1.ID, 2, "plan.pdf", pdfData(500)); err != nil {
				t.Fatal(err)
			}
			if err := f.s.SaveRoundMaterial(ctx, a1, s1.ID, "x", "http://video.example.org"); !fields(err)["video_url"] {
				t.Errorf("an http video link: %v", err)
			}
			if err := f.s.SaveRoundMaterial(ctx, a2, s1.ID, "x", ""); errs.CodeOf(err) != errs.NotFound {
				t.Errorf("someone else's submission: %v", err)
			}
			a3 := f.user("author3-again@example.org", "x")
			if err := f.s.SaveRoundMaterial(ctx, a3, s3.ID, "x", ""); errs.CodeOf(err) != errs.NotFound {
				t.Errorf("not the submitter: %v", err)
			}
			e, err := f.s.RoundOf(ctx, s3.ID)
			if err != nil || e != nil {
				t.Errorf("a rejected submission is in the round: %+v %v", e, err)
			}
			f.clock.set(deadline)
			defer f.clock.set(deadline.Add(-24 * time.Hour))
			var de *DeadlineError
			err = f.s.SaveRoundMaterial(ctx, a2, s2.ID, "Late.", "")
			if !errors.As(err, &de) || errs.CodeOf(err) != errs.Invalid || de.Round == nil {
				t.Fatalf("after the deadline: %v", err)
			}
			if d := de.Detail(i18n.For("en")); !strings.Contains(d, c.LocalTime("en", deadline)) {
				t.Errorf("the refusal does not name the deadline: %q", d)
			}
			if _, err := f.s.AddAttachment(ctx, a2, s2.ID, 2, "late.pdf", pdfData(100)); !errors.As(err, &de) {
				t.Errorf("a file after the round's deadline: %v", err)
			}
		})

		t.Run("reviewers are assigned again, with the same conflicts, and score round 2", func(t *testing.T) {
			n, err := f.s.AssignRound(ctx, f.sec, c.Slug)
			if err != nil || n != 4 {
				t.Fatalf("round 2: %d %v", n, err)
			}
			for _, it := range mustReviews(t, f, "author1@example.org") {
				if it.SubmissionID == s1.ID {
					t.Errorf("the author reviews their own submission in round %d", it.Round)
				}
			}
			var r2 []QueueItem
			for _, p := range reviewers {
				items, _ := f.s.MyReviews(ctx, p.ID, "en")
				for _, it := range items {
					if it.Round == 2 {
						if it.SubmissionID == s3.ID {
							t.Error("a rejected submission was assigned in round 2")
						}
						r2 = append(r2, it)
					}
				}
			}
			if len(r2) < 3 {
				t.Fatalf("%d round-2 reviews among r1–r3", len(r2))
			}
			// The reviewer of round 2 sees the material, blind.
			var p *actor.Actor
			var rid int64
			for e, q := range reviewers {
				items, _ := f.s.MyReviews(ctx, q.ID, "en")
				for _, it := range items {
					if it.Round == 2 && it.SubmissionID == s1.ID && p == nil {
						p, rid = reviewers[e], it.ID
					}
				}
			}
			if p == nil {
				t.Fatal("nobody reviews s1 in round 2")
			}
			v, err := f.s.Review(ctx, p, rid)
			if err != nil || v.Round == nil || v.Round.Material != "We trained 400 teachers." || len(v.Submission.Authors) != 0 {
				t.Fatalf("the round-2 review: %+v %v", v, err)
			}
			// A conflict declared in round 2 keeps the reviewer off the submission.
			if _, err := f.s.DeclareConflict(ctx, p, rid, "a former colleague"); err != nil {
				t.Fatal(err)
			}
			score(reviewers["r1@example.org"], 2, 2)
			score(reviewers["r2@example.org"], 2, 10)
			score(reviewers["r3@example.org"], 2, 6)
			_, round1, err := f.s.RankingRound(ctx, c.Slug, 1)
			if err != nil || len(round1) != 3 {
				t.Fatalf("round 1 ranking: %v %v", round1, err)
			}
			// Round 2's scores leave round 1 alone; the conflict declared
			// in round 2 counts in round 1 too: that reviewer's round-1
			// review of s1 no longer counts (issue 14).
			for _, l := range round1 {
				want := 2
				if l.SubmissionID == s1.ID {
					want = 1
				}
				if l.Reviews != want || l.WeightedMean != ReviewScore(c.Criteria, map[string]float64{"impact": 8, "cooperation": 5}) {
					t.Errorf("round 1 changed by round 2: %+v", l.Rank)
				}
			}
			_, round2, err := f.s.RankingRound(ctx, c.Slug, 2)
			if err != nil || len(round2) != 2 {
				t.Fatalf("round 2 ranking: %v %v", round2, err)
			}
			for _, l := range round2 {
				if l.SubmissionID == s3.ID || l.Reviews == 0 || l.Reviews > 2 {
					t.Errorf("round 2 line: %+v", l.Rank)
				}
			}
			if _, _, err := f.s.RankingRound(ctx, c.Slug, 3); !fields(err)["round"] {
				t.Errorf("round 3: %v", err)
			}
		})
	})
}

func mustReviews(t *testing.T, f *fixture, email string) []QueueItem {
	t.Helper()
	u, err := f.users.ByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	items, err := f.s.MyReviews(context.Background(), u.ID, "en")
	if err != nil {
		t.Fatal(err)
	}
	return items
}
