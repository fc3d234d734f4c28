package calls

// A call's own questions, asked on its submission form. They follow event
// categories' questions (internal/events/category.go): a stable code, a
// kind, a label in several languages, options for a choice, required or
// not; the answers are a map code → answer, checked against the questions
// when the submission is submitted. The two are kept apart rather than
// shared: a call's kinds differ (a long text, no country) and each
// capability owns its stored shape.

import (
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/web"
)

// QuestionKind is the kind of answer a question takes.
type QuestionKind string

// The kinds of question. Stored in the questions JSON and part of the
// API, do not rename.
const (
	QuestionText     QuestionKind = "text"      // a line, up to 500 characters
	QuestionLongText QuestionKind = "long_text" // up to maxSummary characters
	QuestionChoice   QuestionKind = "choice"    // one of its options
	QuestionYesNo    QuestionKind = "yes_no"    // "yes" or "no"
)

// QuestionKinds lists the kinds in the order forms show them.
var QuestionKinds = []QuestionKind{QuestionText, QuestionLongText, QuestionChoice, QuestionYesNo}

// Question is one of a call's own questions.
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

// OptionLabel returns the label of option code in lang, or the code.
func (q Question) OptionLabel(code, lang string) string {
	for _, o := range q.Options {
		if o.Code == code {
			return o.Label.For(lang)
		}
	}
	return code
}

// Limits on questions.
const (
	maxQuestions  = 20
	maxOptions    = 30
	maxShortText  = 500
	maxLabelRunes = 300
)

func questionsOrEmpty(q []Question) []Question {
	if q == nil {
		return []Question{}
	}
	return q
}

func answersOrEmpty(a map[string]string) map[string]string {
	if a == nil {
		return map[string]string{}
	}
	return a
}

// validateQuestions checks a call's questions; errors are at
// "questions.N.field".
func validateQuestions(fe *errs.Fields, qs []Question) {
	if len(qs) > maxQuestions {
		fe.Add("questions", "calls.question.too_many", maxQuestions)
		return
	}
	seen := map[string]bool{}
	for i := range qs {
		q := &qs[i]
		name := fmt.Sprintf("questions.%d", i)
		q.Code = strings.TrimSpace(q.Code)
		trimText(&q.Label)
		switch {
		case !codeRE.MatchString(q.Code) || seen[q.Code]:
			fe.Add(name+".code", "calls.question.code_invalid")
		case q.Label.Empty() || utf8.RuneCountInString(q.Label.En) > maxLabelRunes ||
			utf8.RuneCountInString(q.Label.Hans) > maxLabelRunes || utf8.RuneCountInString(q.Label.Hant) > maxLabelRunes:
			fe.Add(name+".label", "calls.question.label_required")
		case !contains(QuestionKinds, q.Kind):
			fe.Add(name+".kind", "calls.question.kind_invalid")
		case q.Kind == QuestionChoice && (len(q.Options) < 2 || len(q.Options) > maxOptions):
			fe.Add(name+".options", "calls.question.options_invalid", maxOptions)
		case q.Kind != QuestionChoice && len(q.Options) > 0:
			fe.Add(name+".options", "calls.question.options_unexpected")
		default:
			opts := map[string]bool{}
			for j := range q.Options {
				o := &q.Options[j]
				o.Code = strings.TrimSpace(o.Code)
				trimText(&o.Label)
				if !codeRE.MatchString(o.Code) || opts[o.Code] || o.Label.Empty() {
					fe.Add(name+".options", "calls.question.options_invalid", maxOptions)
					break
				}
				opts[o.Code] = true
			}
		}
		seen[q.Code] = true
	}
}

// checkAnswers checks a submission's answers against the call's
// questions: every answer must be to a question, a choice one of its
// options, yes/no "yes" or "no", texts within their lengths; complete
// (a submission, not a draft) asks for every required answer. Errors are
// at "answers.CODE".
func checkAnswers(fe *errs.Fields, qs []Question, a map[string]string, complete bool) {
	known := map[string]Question{}
	for _, q := range qs {
		known[q.Code] = q
	}
	for k, v := range a {
		v = strings.TrimSpace(v)
		a[k] = v
		q, ok := known[k]
		if !ok {
			fe.Add("answers."+k, "calls.question.unknown")
			continue
		}
		if v == "" {
			delete(a, k)
			continue
		}
		switch q.Kind {
		case QuestionText:
			if utf8.RuneCountInString(v) > maxShortText {
				fe.Add("answers."+k, "calls.too_long", maxShortText)
			}
		case QuestionLongText:
			if utf8.RuneCountInString(v) > maxSummary {
				fe.Add("answers."+k, "calls.too_long", maxSummary)
			}
		case QuestionChoice:
			ok := false
			for _, o := range q.Options {
				ok = ok || o.Code == v
			}
			if !ok {
				fe.Add("answers."+k, "calls.question.choice_invalid")
			}
		case QuestionYesNo:
			if v != "yes" && v != "no" {
				fe.Add("answers."+k, "calls.question.choice_invalid")
			}
		}
	}
	if complete {
		for _, q := range qs {
			if q.Required && a[q.Code] == "" && !fe.Has("answers."+q.Code) {
				fe.Add("answers."+q.Code, "calls.question.required")
			}
		}
	}
}

// questionRows is how many questions the call form offers.
const questionRows = 5

// questionsForm reads the call form's questions: rows question.N.* with
// a code or a label; a choice's options are lines "code = English | 中文".
func questionsForm(f *web.Form) []Question {
	var out []Question
	for i := 0; i < questionRows; i++ {
		p := fmt.Sprintf("questions.%d.", i)
		if strings.TrimSpace(f.Get(p+"code")) == "" && strings.TrimSpace(f.Get(p+"label_en")) == "" &&
			strings.TrimSpace(f.Get(p+"label_zh")) == "" {
			continue
		}
		q := Question{Code: f.Get(p + "code"), Kind: QuestionKind(f.Get(p + "kind")), Label: Text{En: f.Get(p + "label_en")},
			Required: f.Get(p+"required") == "yes"}
		setZh(&q.Label, f.Get(p+"label_zh"))
		for _, line := range strings.Split(f.Get(p+"options"), "\n") {
			if strings.TrimSpace(line) == "" {
				continue
			}
			code, labels, _ := strings.Cut(line, "=")
			en, zh, _ := strings.Cut(labels, "|")
			o := Option{Code: strings.TrimSpace(code), Label: Text{En: strings.TrimSpace(en)}}
			setZh(&o.Label, zh)
			q.Options = append(q.Options, o)
		}
		out = append(out, q)
	}
	return out
}

// questionsValues fills the call form with qs.
func questionsValues(v url.Values, qs []Question) {
	for i, q := range qs {
		p := fmt.Sprintf("questions.%d.", i)
		v.Set(p+"code", q.Code)
		v.Set(p+"kind", string(q.Kind))
		v.Set(p+"label_en", q.Label.En)
		v.Set(p+"label_zh", firstOf(q.Label.Hans, q.Label.Hant))
		if q.Required {
			v.Set(p+"required", "yes")
		}
		var lines []string
		for _, o := range q.Options {
			line := o.Code + " = " + o.Label.En
			if zh := firstOf(o.Label.Hans, o.Label.Hant); zh != "" {
				line += " | " + zh
			}
			lines = append(lines, line)
		}
		v.Set(p+"options", strings.Join(lines, "\n"))
	}
}

// answersForm reads a submission form's answers, fields answer.CODE.
func answersForm(f *web.Form) map[string]string {
	out := map[string]string{}
	for k, vs := range f.Values {
		if code, ok := strings.CutPrefix(k, "answer."); ok && len(vs) > 0 {
			out[code] = vs[0]
		}
	}
	return out
}

// QuestionRows are the rows of the call form's questions.
func (o options) QuestionRows() []Row {
	rows := make([]Row, questionRows)
	for i := range rows {
		rows[i] = Row{i, i + 1}
	}
	return rows
}

// QuestionKinds are the kinds of question the call form offers.
func (o options) QuestionKinds() []QuestionKind { return QuestionKinds }
