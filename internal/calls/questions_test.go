package calls

import (
	"context"
	"testing"

	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/db/dbtest"
)

func testQuestions() []Question {
	return []Question{
		{Code: "budget", Kind: QuestionText, Label: Text{En: "Budget", Hans: "预算", Hant: "預算"}},
		{Code: "lessons", Kind: QuestionLongText, Label: Text{En: "Lessons learnt"}, Required: true},
		{Code: "stage", Kind: QuestionChoice, Label: Text{En: "Stage", Hant: "階段"}, Required: true,
			Options: []Option{{Code: "pilot", Label: Text{En: "Pilot", Hans: "试点"}}, {Code: "scaled", Label: Text{En: "Scaled up"}}}},
		{Code: "open_source", Kind: QuestionYesNo, Label: Text{En: "Open source?"}},
	}
}

func TestQuestionValidation(t *testing.T) {
	c := testCall("questions-2025")
	c.Questions = testQuestions()
	if err := c.validate(); err != nil {
		t.Fatalf("good questions: %v", err)
	}
	bad := testCall("questions-2025")
	bad.Questions = []Question{
		{Code: "Bad Code", Kind: QuestionText, Label: Text{En: "x"}},
		{Code: "nolabel", Kind: QuestionText},
		{Code: "kind", Kind: "essay", Label: Text{En: "x"}},
		{Code: "one", Kind: QuestionChoice, Label: Text{En: "x"}, Options: []Option{{Code: "a", Label: Text{En: "A"}}}},
		{Code: "opts", Kind: QuestionYesNo, Label: Text{En: "x"}, Options: []Option{{Code: "a", Label: Text{En: "A"}}, {Code: "b", Label: Text{En: "B"}}}},
		{Code: "dup", Kind: QuestionChoice, Label: Text{En: "x"}, Options: []Option{{Code: "a", Label: Text{En: "A"}}, {Code: "a", Label: Text{En: "B"}}}},
		{Code: "dup", Kind: QuestionText, Label: Text{En: "x"}},
	}
	got := fields(bad.validate())
	for _, want := range []string{"questions.0.code", "questions.1.label", "questions.2.kind", "questions.3.options", "questions.4.options",
		"questions.5.options", "questions.6.code"} {
		if !got[want] {
			t.Errorf("no error at %s: %v", want, got)
		}
	}
}

func TestAnswers(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		c := testCall("answers-2025")
		c.Questions = testQuestions()
		f.publishedCall(c)
		by := f.user("answers@example.org", "Answers")

		// A draft may leave required questions; a submission may not.
		s := validSubmission("governance")
		s.Answers = map[string]string{"budget": " 20,000 USD "}
		if err := f.s.SaveSubmission(ctx, by, c.Slug, s, SubmitterInfo{}, false); err != nil {
			t.Fatalf("a draft without required answers: %v", err)
		}
		if err := f.s.SaveSubmission(ctx, by, c.Slug, s, SubmitterInfo{}, true); !fields(err)["answers.lessons"] || !fields(err)["answers.stage"] {
			t.Errorf("submitted without required answers: %v", err)
		}
		s.Answers = map[string]string{"lessons": "Train first.", "stage": "launched", "open_source": "maybe", "colour": "blue"}
		got := fields(f.s.SaveSubmission(ctx, by, c.Slug, s, SubmitterInfo{}, true))
		for _, want := range []string{"answers.stage", "answers.open_source", "answers.colour"} {
			if !got[want] {
				t.Errorf("no error at %s: %v", want, got)
			}
		}
		s.Answers = map[string]string{"budget": "20,000 USD", "lessons": "Train first.", "stage": "pilot", "open_source": "yes", "empty": ""}
		if err := f.s.SaveSubmission(ctx, by, c.Slug, s, SubmitterInfo{}, true); !fields(err)["answers.empty"] {
			t.Errorf("an answer to no question: %v", err)
		}
		delete(s.Answers, "empty")
		if err := f.s.SaveSubmission(ctx, by, c.Slug, s, SubmitterInfo{}, true); err != nil {
			t.Fatal(err)
		}
		sub, _, err := f.s.Submission(ctx, f.sec, s.ID)
		if err != nil || len(sub.Answers) != 4 || sub.Answers["stage"] != "pilot" || sub.Answers["budget"] != "20,000 USD" {
			t.Fatalf("the secretariat's view: %+v %v", sub, err)
		}

		// A blind reviewer sees the answers, not the authors.
		r, _ := f.reviewer(c.Slug, "reviewer@example.org", Reviewer{Fields: Fields})
		if _, err := f.s.Assign(ctx, f.sec, c.Slug); err != nil {
			t.Fatal(err)
		}
		items, err := f.s.MyReviews(ctx, r.ID, "en")
		if err != nil || len(items) != 1 {
			t.Fatalf("queue: %v %v", items, err)
		}
		v, err := f.s.Review(ctx, r, items[0].ID)
		if err != nil || v.Submission.Answers["lessons"] != "Train first." || len(v.Submission.Authors) != 0 {
			t.Errorf("the reviewer's view: %+v %v", v.Submission, err)
		}
	})
}
