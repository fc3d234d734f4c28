package events

import (
	"encoding/json"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/geo"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/members"
)

// Approval says how a category accepts registrations.
type Approval string

// The approval modes. Stored, do not rename.
const (
	Auto   Approval = "auto"   // confirmed at once while seats remain, then waitlisted
	Manual Approval = "manual" // pending until the secretariat approves
)

// Category is a registration category of an event (delegate, speaker,
// media, youth, observer …) with its capacity and rules.
type Category struct {
	ID        int64      `json:"-"`
	EventID   int64      `json:"-"`
	Code      string     `json:"code"`
	Name      i18n.Text  `json:"name"`
	Capacity  int        `json:"capacity"`
	Approval  Approval   `json:"approval"`
	Opens     *time.Time `json:"opens_at,omitempty"`
	Closes    *time.Time `json:"closes_at,omitempty"`
	Questions []Question `json:"questions,omitempty"`
	Consent   i18n.Text  `json:"consent"`
	Colour    string     `json:"colour,omitempty"`
	Position  int        `json:"-"`
	Confirmed int        `json:"confirmed"` // seats taken
	Reserved  int        `json:"reserved"`  // seats held by invitation codes, not yet used
}

// Left is the number of seats still free: neither taken nor held for an
// invitation.
func (c *Category) Left() int {
	if n := c.Capacity - c.Confirmed - c.Reserved; n > 0 {
		return n
	}
	return 0
}

// OpenAt reports whether registration is open at now.
func (c *Category) OpenAt(now time.Time) bool {
	return (c.Opens == nil || !now.Before(*c.Opens)) && (c.Closes == nil || now.Before(*c.Closes))
}

// QuestionKind is the kind of answer a question takes.
type QuestionKind string

// The kinds of questions. Stored in the questions JSON, do not rename.
const (
	TextQuestion    QuestionKind = "text"
	ChoiceQuestion  QuestionKind = "choice"
	CountryQuestion QuestionKind = "country"
	YesNoQuestion   QuestionKind = "yesno"
)

// Question is a category's own question to registrants.
type Question struct {
	Code     string       `json:"code"`
	Kind     QuestionKind `json:"kind"`
	Label    i18n.Text    `json:"label"`
	Options  []Option     `json:"options,omitempty"`
	Required bool         `json:"required,omitempty"`
	// Types are the types a file question takes: "pdf", "image" or both;
	// MaxMB its size limit in MB (1 to MaxFileMB, DefaultFileMB when 0).
	// A photo question takes an image of at most 5 MB and sets neither.
	Types []string `json:"types,omitempty"`
	MaxMB int      `json:"max_mb,omitempty"`
}

// Option is one choice of a choice question.
type Option struct {
	Code  string    `json:"code"`
	Label i18n.Text `json:"label"`
}

var codeRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)
var colourRE = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// standard are the answers every registration gives, whatever the
// category: they feed the badge, the letter and the statistics.
var standard = []string{"name", "name_latin", "organization", "country", "stakeholder_group", "consent"}

// Colours are given to categories in turn when none is chosen.
var Colours = []string{"#1f5fa8", "#b3261e", "#1e7d4f", "#8a5a00", "#6b3fa0", "#0b7285", "#5c5f66"}

func (c *Category) validate() error {
	var fe errs.Fields
	c.Code = strings.TrimSpace(c.Code)
	if !codeRE.MatchString(c.Code) {
		fe.Add("code", "events.code_invalid")
	}
	checkText(&fe, "name", c.Name, 100, true)
	checkLine(&fe, "name", c.Name)
	checkText(&fe, "consent", c.Consent, maxText, false)
	if c.Capacity < 1 || c.Capacity > 1_000_000 {
		fe.Add("capacity", "events.capacity_invalid")
	}
	if c.Approval == "" {
		c.Approval = Auto
	}
	if c.Approval != Auto && c.Approval != Manual {
		fe.Add("approval", "events.approval_invalid")
	}
	if c.Opens != nil && c.Closes != nil && !c.Closes.After(*c.Opens) {
		fe.Add("closes_at", "events.ends_before_start")
	}
	if c.Colour != "" && !colourRE.MatchString(c.Colour) {
		fe.Add("colour", "events.colour_invalid")
	}
	seen := map[string]bool{}
	for _, s := range standard {
		seen[s] = true
	}
	files, photos := 0, 0
	for _, q := range c.Questions {
		ok := codeRE.MatchString(q.Code) && !seen[q.Code] && !q.Label.Empty()
		if !q.Kind.fileQuestion() {
			ok = ok && len(q.Types) == 0 && q.MaxMB == 0
		}
		switch q.Kind {
		case FileQuestion, PhotoQuestion:
			ok = ok && validFileQuestion(q)
			files++
			if q.Kind == PhotoQuestion {
				photos++
			}
		case TextQuestion, CountryQuestion, YesNoQuestion:
			ok = ok && len(q.Options) == 0
		case ChoiceQuestion:
			ok = ok && len(q.Options) > 0
			for _, o := range q.Options {
				ok = ok && codeRE.MatchString(o.Code) && !o.Label.Empty()
			}
		default:
			ok = false
		}
		seen[q.Code] = true
		if !ok {
			fe.Add("questions", "events.questions_invalid")
			break
		}
	}
	if len(c.Questions) > 30 {
		fe.Add("questions", "events.questions_invalid")
	}
	if files > maxFileQuestions || photos > 1 {
		fe.Add("questions", "events.file.too_many_questions", maxFileQuestions)
	}
	return fe.Err()
}

// Answers are a registrant's answers: the standard ones and the category's
// questions, by code.
type Answers map[string]string

// check validates the answers against the category, filling in the name
// from the account when it is missing. Every answer given must be a
// question the category asks. files are the files given for its file and
// photo questions (checked by checkFile); with filesLater, a required one
// may come after the registration (the API, the secretariat's imports),
// else it must be there.
func (c *Category) check(a Answers, accountName string, files map[string]*RegFile, filesLater bool) error {
	var fe errs.Fields
	for k, v := range a {
		a[k] = strings.TrimSpace(v)
		if !clean(v) || utf8.RuneCountInString(v) > 2000 {
			fe.Add(k, "events.text_invalid")
		}
	}
	if a["name"] == "" {
		a["name"] = strings.TrimSpace(accountName)
	}
	for _, k := range []string{"name", "name_latin", "organization"} {
		fe.Line(k, a[k])
	}
	for _, q := range c.Questions {
		if q.Kind == TextQuestion {
			fe.Line(q.Code, a[q.Code])
		}
	}
	if a["name"] == "" {
		fe.Add("name", "events.text_required")
	}
	for _, k := range []string{"name", "name_latin", "organization"} {
		if utf8.RuneCountInString(a[k]) > 200 {
			fe.Add(k, "events.text_too_long", 200)
		}
	}
	a["country"] = strings.ToUpper(a["country"])
	if _, ok := geo.Lookup(a["country"]); !ok {
		fe.Add("country", "events.country_required")
	}
	if g := a["stakeholder_group"]; g != "" && !members.ValidGroup(members.Group(g)) {
		fe.Add("stakeholder_group", "events.group_invalid")
	}
	if !c.Consent.Empty() && !yes(a["consent"]) {
		fe.Add("consent", "events.consent_required")
	}
	known := map[string]bool{}
	for _, s := range standard {
		known[s] = true
	}
	for _, q := range c.Questions {
		known[q.Code] = true
		v := a[q.Code]
		if q.Kind.fileQuestion() {
			f := files[q.Code]
			switch {
			case v != "":
				fe.Add(q.Code, "events.file.not_text")
			case f != nil && (f.Kind != q.Kind || !q.accepts(f.fileType())):
				fe.Add(q.Code, "events.file.type", q.Formats()) // the question changed since the file was checked
			case f == nil && q.Required && !filesLater:
				fe.Add(q.Code, "events.file.required")
			}
			continue
		}
		if v == "" {
			if q.Required {
				fe.Add(q.Code, "events.answer_required")
			}
			continue
		}
		switch q.Kind {
		case ChoiceQuestion:
			ok := false
			for _, o := range q.Options {
				ok = ok || o.Code == v
			}
			if !ok {
				fe.Add(q.Code, "events.choice_invalid")
			}
		case CountryQuestion:
			a[q.Code] = strings.ToUpper(v)
			if _, ok := geo.Lookup(a[q.Code]); !ok {
				fe.Add(q.Code, "events.country_invalid")
			}
		case YesNoQuestion:
			if v != "yes" && v != "no" {
				fe.Add(q.Code, "events.choice_invalid")
			}
		}
	}
	for k := range a {
		if !known[k] {
			fe.Add(k, "events.question_unknown")
		}
	}
	for k := range files {
		if q := c.question(k); q == nil || !q.Kind.fileQuestion() {
			fe.Add(k, "events.question_unknown")
		}
	}
	return fe.Err()
}

func yes(s string) bool { return s == "yes" || s == "true" || s == "on" || s == "1" }

func (c *Category) questionsJSON() string {
	b, _ := json.Marshal(c.Questions)
	if c.Questions == nil {
		return "[]"
	}
	return string(b)
}

// window sets the category's opening and closing times from text in the
// event's zone; empty means no limit.
func (c *Category) window(e *Event, opens, closes string) error {
	var fe errs.Fields
	loc := e.Location()
	c.Opens, c.Closes = nil, nil
	if opens = strings.TrimSpace(opens); opens != "" {
		if t, ok := ParseTime(opens, loc, false); ok {
			c.Opens = &t
		} else {
			fe.Add("opens_at", "events.time_invalid")
		}
	}
	if closes = strings.TrimSpace(closes); closes != "" {
		if t, ok := ParseTime(closes, loc, true); ok {
			c.Closes = &t
		} else {
			fe.Add("closes_at", "events.time_invalid")
		}
	}
	return fe.Err()
}
