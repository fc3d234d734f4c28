package training

// A programme's application form asks the questions of a call's form
// (internal/calls/questions.go): the same kinds, stored under the same
// names, so that a form moves from one to the other as it is. The calls
// package keeps its validation unexported and owns its stored shape, so
// this is a small equivalent rather than an import of another capability.

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/wuzhen/wuzhen/internal/errs"
)

// QuestionKind is the kind of answer a question takes.
type QuestionKind string

// The kinds of question, as a call's. Stored and part of the API, do not
// rename.
const (
	QuestionText     QuestionKind = "text"      // a line, up to 500 characters
	QuestionLongText QuestionKind = "long_text" // up to 5,000 characters
	QuestionChoice   QuestionKind = "choice"    // one of its options
	QuestionYesNo    QuestionKind = "yes_no"    // "yes" or "no"
)

// QuestionKinds lists the kinds.
var QuestionKinds = []QuestionKind{QuestionText, QuestionLongText, QuestionChoice, QuestionYesNo}

// Question is one of a programme's own questions (motivation, CV, a
// referee's letter as text).
type Question struct {
	Code     string       `json:"code"`
	Kind     QuestionKind `json:"kind"`
	Label    Text         `json:"label"`
	Options  []Option     `json:"options,omitempty"`
	Required bool         `json:"required,omitempty"`
}

// Option is one choice of a choice question.
type Option struct {
	Code  string `json:"code"`
	Label Text   `json:"label"`
}

// Long reports whether the answer is a long text, for forms.
func (q Question) Long() bool { return q.Kind == QuestionLongText }

// validateQuestions checks the questions; errors at "questions.N".
func validateQuestions(fe *errs.Fields, qs []Question) {
	if len(qs) > maxQuestions {
		fe.Add("questions", "training.question_invalid")
		return
	}
	seen := map[string]bool{}
	for i := range qs {
		q := &qs[i]
		q.Code = strings.TrimSpace(q.Code)
		trimText(&q.Label)
		ok := codeRE.MatchString(q.Code) && !seen[q.Code] && !q.Label.Empty() && !textTooLong(q.Label, maxTitle) &&
			slices.Contains(QuestionKinds, q.Kind) && (q.Kind == QuestionChoice) == (len(q.Options) >= 2) && len(q.Options) <= 30
		for j := range q.Options {
			o := &q.Options[j]
			o.Code = strings.TrimSpace(o.Code)
			trimText(&o.Label)
			ok = ok && codeRE.MatchString(o.Code) && !o.Label.Empty() && !textTooLong(o.Label, maxTitle)
		}
		if !ok {
			fe.Add(fmt.Sprintf("questions.%d", i), "training.question_invalid")
		}
		seen[q.Code] = true
	}
}

// checkAnswers trims the answers and checks them against the questions:
// errors at "answers.CODE"; answers to no question are refused.
func checkAnswers(fe *errs.Fields, qs []Question, answers map[string]string) {
	for code := range answers {
		if !slices.ContainsFunc(qs, func(q Question) bool { return q.Code == code }) {
			fe.Add("answers", "training.answer_unknown")
			break
		}
	}
	for _, q := range qs {
		name := "answers." + q.Code
		v := strings.TrimSpace(answers[q.Code])
		if _, ok := answers[q.Code]; ok {
			answers[q.Code] = v
		}
		limit := maxShort
		if q.Kind == QuestionLongText {
			limit = maxAnswer
		}
		switch {
		case v == "" && q.Required:
			fe.Add(name, "training.answer_required")
		case v == "":
		case utf8.RuneCountInString(v) > limit:
			fe.Add(name, "training.too_long", limit)
		case q.Kind == QuestionYesNo && v != "yes" && v != "no":
			fe.Add(name, "training.answer_invalid")
		case q.Kind == QuestionChoice && !slices.ContainsFunc(q.Options, func(o Option) bool { return o.Code == v }):
			fe.Add(name, "training.answer_invalid")
		}
	}
}
