// Package calls runs the organisation's calls: calls for practice cases,
// session proposals and awards. The secretariat sets a call up (languages,
// fields, times in a time zone, a rubric, reviews per submission, blind or
// open review) and publishes it; signed-in people submit before the
// deadline that the server's clock decides, with co-authors who confirm by
// email; the secretariat screens, keeps a pool of reviewers and assigns
// them automatically without conflicts of interest; reviewers score
// against the rubric or declare a conflict (the submission goes to someone
// else at once); the secretariat ranks (weighted mean and per-reviewer
// normalised scores), decides and publishes the results, and the selected
// cases appear in the public showcase at /cases and in search.
package calls

import (
	"embed"
	"fmt"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/geo"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/web"
	"github.com/wuzhen/wuzhen/internal/zh"

	_ "time/tzdata" // call time zones must load on machines without a zoneinfo database
)

//go:embed migrations/*.sql
var migrations embed.FS

//go:embed templates/*.html
var templates embed.FS

// Migrations create the calls tables.
var Migrations = db.MigrationsIn("calls", migrations, "migrations")

// Templates are the calls pages.
var Templates = web.Pages("calls", templates, "templates")

// PermManage is the permission to run calls: create and publish them,
// screen, keep reviewers, assign, rank, decide and publish results.
const PermManage = auth.PermCallsManage

// Text is content in the languages it was given in.
type Text = i18n.Text

// Kind is what a call asks for.
type Kind string

// The kinds of call. Stored, do not rename.
const (
	KindCase            Kind = "case"
	KindSessionProposal Kind = "session_proposal"
	KindAward           Kind = "award"
)

// Kinds lists the kinds in the order forms show them.
var Kinds = []Kind{KindCase, KindSessionProposal, KindAward}

// Fields are the organisation's fields of international cooperation in
// cyberspace, as stable codes; the catalog names them (calls.field.CODE).
// Stored, do not rename.
var Fields = []string{"infrastructure", "cultural_exchange", "digital_economy", "cybersecurity", "governance"}

func validField(f string) bool {
	for _, x := range Fields {
		if x == f {
			return true
		}
	}
	return false
}

// CallStatus is where a call stands.
type CallStatus string

// The states of a call. Stored, do not rename.
const (
	CallDraft     CallStatus = "draft"
	CallPublished CallStatus = "published"
)

// Criterion is one line of a call's rubric: scores run from 0 to Max, and
// Weight says how much the criterion counts in the weighted mean.
type Criterion struct {
	Code   string  `json:"code"`
	Name   Text    `json:"name"`
	Weight float64 `json:"weight"`
	Max    int     `json:"max"`
}

// WeightText is the weight as the reader sees it: 2, 1.5.
func (c Criterion) WeightText() string { return strconv.FormatFloat(c.Weight, 'f', -1, 64) }

// Call is a call for submissions.
type Call struct {
	ID                   int64        `json:"id"`
	Slug                 string       `json:"slug"`
	Kind                 Kind         `json:"kind"`
	Title                Text         `json:"title"`
	Description          Text         `json:"description"`
	Fields               []string     `json:"fields"`
	OpensAt              time.Time    `json:"opens_at"`
	ClosesAt             time.Time    `json:"closes_at"`
	Timezone             string       `json:"timezone"`
	Year                 int          `json:"year"`
	MembersOnly          bool         `json:"members_only"`
	Languages            []string     `json:"languages"` // the languages each title and summary must be given in
	MaxCoauthors         int          `json:"max_coauthors"`
	MinCountries         int          `json:"min_countries"`
	ReviewsPerSubmission int          `json:"reviews_per_submission"`
	Blind                bool         `json:"blind"`
	ExcludeSameCountry   bool         `json:"exclude_same_country"`
	Criteria             []Criterion  `json:"criteria"`
	Attachments          *Attachments `json:"attachments"` // what the submission form takes: files, a video link
	Questions            []Question   `json:"questions"`   // the call's own questions
	Status               CallStatus   `json:"status"`
	PublishedAt          *time.Time   `json:"published_at,omitempty"`
	ResultsPublishedAt   *time.Time   `json:"results_published_at,omitempty"`
	Created              time.Time    `json:"created_at"`
}

// Location is the call's time zone (UTC if it cannot be loaded).
func (c *Call) Location() *time.Location {
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// LocalTime writes t in the call's time zone for a reader of lang, with
// the zone named: "Mon 30 June 2025, 18:00 Beijing time (UTC+8)".
func (c *Call) LocalTime(lang string, t time.Time) string {
	return i18n.For(lang).DateTime(t.In(c.Location()))
}

// Open reports whether submissions are taken at now.
func (c *Call) Open(now time.Time) bool {
	return c.Status == CallPublished && !now.Before(c.OpensAt) && now.Before(c.ClosesAt)
}

// Closed reports whether the deadline has passed at now.
func (c *Call) Closed(now time.Time) bool { return !now.Before(c.ClosesAt) }

// ResultsOut reports whether the results have been published.
func (c *Call) ResultsOut() bool { return c.ResultsPublishedAt != nil }

// Criterion returns the rubric line of code.
func (c *Call) Criterion(code string) (Criterion, bool) {
	for _, cr := range c.Criteria {
		if cr.Code == code {
			return cr, true
		}
	}
	return Criterion{}, false
}

// Limits on lengths, in characters, and counts.
const (
	maxTitle        = 300
	maxSummary      = 10000
	maxPartners     = 30
	maxCoauthorsCap = 20
	maxCriteria     = 12
)

var slugRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$`)
var codeRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)

// normalize trims the call's texts and fills defaults.
func (c *Call) normalize() {
	c.Slug = strings.ToLower(strings.TrimSpace(c.Slug))
	trimText(&c.Title)
	trimText(&c.Description)
	c.Timezone = strings.TrimSpace(c.Timezone)
	if c.Timezone == "" {
		c.Timezone = "UTC"
	}
	if c.Kind == "" {
		c.Kind = KindCase
	}
	if c.MaxCoauthors == 0 {
		c.MaxCoauthors = 5
		if c.Kind == KindAward {
			c.MaxCoauthors = 20
		}
	}
	if c.MinCountries == 0 && c.Kind == KindCase {
		c.MinCountries = 2
	}
	if c.ReviewsPerSubmission == 0 {
		c.ReviewsPerSubmission = 3
	}
	if c.Year == 0 && !c.ClosesAt.IsZero() {
		c.Year = c.ClosesAt.In(c.Location()).Year()
	}
	if c.Attachments == nil {
		a := DefaultAttachments
		c.Attachments = &a
	}
	for i := range c.Criteria {
		c.Criteria[i].Code = strings.TrimSpace(c.Criteria[i].Code)
		trimText(&c.Criteria[i].Name)
	}
	var langs []string
	for _, l := range c.Languages {
		if l = i18n.Match(strings.TrimSpace(l)); l != "" && !contains(langs, l) {
			langs = append(langs, l)
		}
	}
	c.Languages = langs
}

func trimText(t *Text) {
	t.En, t.Hans, t.Hant = strings.TrimSpace(t.En), strings.TrimSpace(t.Hans), strings.TrimSpace(t.Hant)
}

// lineText refuses at field name a one-line text with a control
// character in any of its languages (errs.OneLine).
func lineText(fe *errs.Fields, name string, t Text) {
	for _, v := range []string{t.En, t.Hans, t.Hant} {
		fe.Line(name, v)
	}
}

// validate checks the call; errors are at the fields of the API body.
func (c *Call) validate() error {
	c.normalize()
	var fe errs.Fields
	if !slugRE.MatchString(c.Slug) {
		fe.Add("slug", "calls.slug_invalid")
	}
	switch c.Kind {
	case KindCase, KindSessionProposal, KindAward:
	default:
		fe.Add("kind", "calls.kind_invalid")
	}
	if c.Title.Empty() {
		fe.Add("title", "calls.title_required")
	}
	lineText(&fe, "title", c.Title)
	if _, err := time.LoadLocation(c.Timezone); err != nil || c.Timezone == "Local" {
		fe.Add("timezone", "calls.timezone_invalid")
	}
	if c.OpensAt.IsZero() {
		fe.Add("opens_at", "calls.time_invalid")
	}
	if c.ClosesAt.IsZero() {
		fe.Add("closes_at", "calls.time_invalid")
	} else if !c.OpensAt.IsZero() && !c.ClosesAt.After(c.OpensAt) {
		fe.Add("closes_at", "calls.closes_before_opens")
	}
	if len(c.Fields) == 0 {
		fe.Add("fields", "calls.fields_required")
	}
	for _, f := range c.Fields {
		if !validField(f) {
			fe.Add("fields", "calls.field_invalid")
			break
		}
	}
	if c.ReviewsPerSubmission < 1 || c.ReviewsPerSubmission > 10 {
		fe.Add("reviews_per_submission", "calls.reviews_invalid")
	}
	if c.MaxCoauthors < 0 || c.MaxCoauthors > maxCoauthorsCap {
		fe.Add("max_coauthors", "calls.coauthors_invalid", maxCoauthorsCap)
	}
	if c.MinCountries < 0 || c.MinCountries > 10 {
		fe.Add("min_countries", "calls.min_countries_invalid")
	}
	if len(c.Criteria) == 0 || len(c.Criteria) > maxCriteria {
		fe.Add("criteria", "calls.criteria_required", maxCriteria)
	}
	seen := map[string]bool{}
	for i, cr := range c.Criteria {
		name := fmt.Sprintf("criteria.%d", i)
		switch {
		case !codeRE.MatchString(cr.Code) || seen[cr.Code]:
			fe.Add(name+".code", "calls.criterion_code_invalid")
		case cr.Name.Empty():
			fe.Add(name+".name", "calls.criterion_name_required")
		case !errs.OneLine(cr.Name.En) || !errs.OneLine(cr.Name.Hans) || !errs.OneLine(cr.Name.Hant):
			fe.Add(name+".name", errs.OneLineKey)
		case !(cr.Weight > 0 && cr.Weight <= 100):
			fe.Add(name+".weight", "calls.criterion_weight_invalid")
		case cr.Max < 1 || cr.Max > 100:
			fe.Add(name+".max", "calls.criterion_max_invalid")
		}
		seen[cr.Code] = true
	}
	c.Attachments.validate(&fe)
	validateQuestions(&fe, c.Questions)
	return fe.Err()
}

// SubmissionStatus is where a submission stands for its authors.
type SubmissionStatus string

// The states of a submission. Stored, do not rename.
const (
	Draft     SubmissionStatus = "draft"
	Submitted SubmissionStatus = "submitted"
	Withdrawn SubmissionStatus = "withdrawn"
)

// Screening is the secretariat's check of eligibility.
type Screening string

// The screening outcomes; "" is not yet screened. Stored, do not rename.
const (
	Eligible   Screening = "eligible"
	Ineligible Screening = "ineligible"
)

// Decision is the secretariat's decision on a submission.
type Decision string

// The decisions; "" is none yet. Stored and part of the API, do not rename.
const (
	Selected    Decision = "selected"
	Shortlisted Decision = "shortlisted"
	Rejected    Decision = "rejected"
)

// Decisions lists the decisions in the order forms show them.
var Decisions = []Decision{Selected, Shortlisted, Rejected}

// Partner is a joint applicant organisation.
type Partner struct {
	Name    string `json:"name"`
	Country string `json:"country,omitempty"`
}

// UnmarshalJSON takes a partner as an object or as a plain name.
func (p *Partner) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := jsonUnmarshal(b, &s); err != nil {
			return err
		}
		*p = Partner{Name: s}
		return nil
	}
	type plain Partner
	var v plain
	if err := jsonUnmarshal(b, &v); err != nil {
		return err
	}
	*p = Partner(v)
	return nil
}

// Author is the submitter or a co-author of a submission.
type Author struct {
	ID           int64      `json:"-"`
	UserID       int64      `json:"-"`
	Email        string     `json:"email"`
	Name         string     `json:"name"`
	Country      string     `json:"country,omitempty"`
	Organization string     `json:"organization,omitempty"`
	Submitter    bool       `json:"submitter"`
	ConfirmedAt  *time.Time `json:"confirmed_at,omitempty"`
}

// Confirmed reports whether the author has confirmed (the submitter
// always has).
func (a Author) Confirmed() bool { return a.Submitter || a.ConfirmedAt != nil }

// Submission is an answer to a call.
type Submission struct {
	ID              int64             `json:"id"`
	CallID          int64             `json:"call_id"`
	SubmitterID     int64             `json:"-"`
	Title           Text              `json:"title"`
	Summary         Text              `json:"summary"`
	Field           string            `json:"field"`
	Countries       []string          `json:"countries"`
	Partners        []Partner         `json:"partners"`
	VideoURL        string            `json:"video_url,omitempty"`
	Group           string            `json:"stakeholder_group,omitempty"` // the applicant's stakeholder group, optional
	Speakers        []Speaker         `json:"speakers,omitempty"`          // a session proposal's speakers
	Answers         map[string]string `json:"answers"`                     // the call's questions, by code
	Attachments     []Attachment      `json:"attachments,omitempty"`       // filled where the reader may see them
	Warnings        []string          `json:"warnings,omitempty"`          // SpeakerWarnings, for the submitter and the secretariat
	Status          SubmissionStatus  `json:"status"`
	Screening       Screening         `json:"screening,omitempty"`
	ScreeningReason string            `json:"screening_reason,omitempty"`
	Decision        Decision          `json:"decision,omitempty"`
	Authors         []Author          `json:"authors,omitempty"`
	SubmittedAt     *time.Time        `json:"submitted_at,omitempty"`
	PublishedAt     *time.Time        `json:"published_at,omitempty"`
	Created         time.Time         `json:"created_at"`
	Updated         time.Time         `json:"updated_at"`
}

// Languages returns the interface languages the title is given in, with
// both Chinese scripts counted as "zh": for matching reviewers.
func (s *Submission) Languages() []string {
	var out []string
	if s.Title.En != "" || s.Summary.En != "" {
		out = append(out, "en")
	}
	if s.Title.Hans != "" || s.Title.Hant != "" || s.Summary.Hans != "" || s.Summary.Hant != "" {
		out = append(out, "zh")
	}
	return out
}

// AllCountries is every country of the submission: the countries it
// names, its partners' and its authors'. "An author's country" in the
// conflict rule means any of these.
func (s *Submission) AllCountries() []string {
	var out []string
	add := func(c string) {
		if c != "" && !contains(out, c) {
			out = append(out, c)
		}
	}
	for _, c := range s.Countries {
		add(c)
	}
	for _, p := range s.Partners {
		add(p.Country)
	}
	for _, a := range s.Authors {
		add(a.Country)
	}
	return out
}

// normalize trims the submission's fields and upper-cases country codes.
func (s *Submission) normalize() {
	trimText(&s.Title)
	trimText(&s.Summary)
	s.Field = strings.TrimSpace(s.Field)
	s.VideoURL = strings.TrimSpace(s.VideoURL)
	var cs []string
	for _, c := range s.Countries {
		if c = strings.ToUpper(strings.TrimSpace(c)); c != "" && !contains(cs, c) {
			cs = append(cs, c)
		}
	}
	s.Countries = cs
	var ps []Partner
	for _, p := range s.Partners {
		p.Name, p.Country = strings.TrimSpace(p.Name), strings.ToUpper(strings.TrimSpace(p.Country))
		if p.Name != "" {
			ps = append(ps, p)
		}
	}
	s.Partners = ps
}

// validate checks the submission against its call; complete asks for
// everything a submission needs, otherwise (a draft) only what is given
// is checked.
func (s *Submission) validate(c *Call, complete bool) error {
	s.normalize()
	var fe errs.Fields
	if complete && s.Title.Empty() {
		fe.Add("title", "calls.title_required")
	}
	if complete && s.Summary.Empty() {
		fe.Add("summary", "calls.summary_required")
	}
	if complete {
		for _, l := range c.Languages {
			if forLang(s.Title, l) == "" && !fe.Has("title") {
				fe.Add("title", "calls.language_required", i18n.Native[l])
			}
			if forLang(s.Summary, l) == "" && !fe.Has("summary") {
				fe.Add("summary", "calls.language_required", i18n.Native[l])
			}
		}
	}
	lineText(&fe, "title", s.Title)
	for name, v := range map[string]string{"title.en": s.Title.En, "title.zh-Hans": s.Title.Hans, "title.zh-Hant": s.Title.Hant} {
		if utf8.RuneCountInString(v) > maxTitle {
			fe.Add(name, "calls.too_long", maxTitle)
		}
	}
	for name, v := range map[string]string{"summary.en": s.Summary.En, "summary.zh-Hans": s.Summary.Hans, "summary.zh-Hant": s.Summary.Hant} {
		if utf8.RuneCountInString(v) > maxSummary {
			fe.Add(name, "calls.too_long", maxSummary)
		}
	}
	if s.Field != "" || complete {
		if !contains(c.Fields, s.Field) {
			fe.Add("field", "calls.field_invalid")
		}
	}
	for _, code := range s.Countries {
		if _, ok := geo.Lookup(code); !ok {
			fe.Add("countries", "calls.country_invalid")
			break
		}
	}
	if complete && len(s.Countries) < c.MinCountries {
		fe.Add("countries", "calls.countries_min", c.MinCountries)
	}
	if len(s.Partners) > maxPartners {
		fe.Add("partners", "calls.partners_max", maxPartners)
	}
	for _, p := range s.Partners {
		if _, ok := geo.Lookup(p.Country); p.Country != "" && !ok || utf8.RuneCountInString(p.Name) > maxTitle || !errs.OneLine(p.Name) {
			fe.Add("partners", "calls.partner_invalid")
			break
		}
	}
	checkVideoURL(&fe, "video_url", s.VideoURL, c.Attachments == nil || c.Attachments.VideoLink)
	checkAnswers(&fe, c.Questions, s.Answers, complete)
	s.validateMore(c, complete, &fe)
	return fe.Err()
}

// forLang returns the text in lang exactly (Chinese in either script).
func forLang(t Text, lang string) string {
	switch lang {
	case i18n.En:
		return t.En
	case i18n.ZhHans, i18n.ZhHant:
		return firstOf(t.Hans, t.Hant)
	}
	return ""
}

// Reviewer is a member of a call's reviewer pool: an expert with an
// account (UserID) or invited by email and not yet joined (UserID 0).
type Reviewer struct {
	ID           int64      `json:"id"`
	CallID       int64      `json:"-"`
	UserID       int64      `json:"-"`
	Email        string     `json:"email"`
	Name         string     `json:"name"`
	Country      string     `json:"country,omitempty"`
	Organization string     `json:"organization,omitempty"`
	Fields       []string   `json:"fields"`
	Languages    []string   `json:"languages"`
	JoinedAt     *time.Time `json:"joined_at,omitempty"`
}

// Active reports whether the reviewer can be assigned.
func (r *Reviewer) Active() bool { return r.UserID != 0 }

// ReviewStatus is where one reviewer's review of one submission stands.
type ReviewStatus string

// The states of a review. Stored and part of the API, do not rename.
const (
	ReviewAssigned  ReviewStatus = "assigned"
	ReviewSubmitted ReviewStatus = "submitted"
	ReviewConflict  ReviewStatus = "conflict"
)

// Review is one reviewer's assignment to one submission, with the scores
// given.
type Review struct {
	ID           int64              `json:"id"`
	SubmissionID int64              `json:"submission_id"`
	ReviewerID   int64              `json:"-"`
	Round        int                `json:"round"` // 1, or 2 for a shortlist's second round
	Status       ReviewStatus       `json:"status"`
	Scores       map[string]float64 `json:"scores,omitempty"`
	Comment      string             `json:"comment,omitempty"`
	Reason       string             `json:"conflict_reason,omitempty"`
	// Withdrawn is why the platform withdrew the review when a conflict
	// of interest arose after assignment; NoConflict otherwise.
	Withdrawn   ConflictReason `json:"withdrawn,omitempty"`
	AssignedAt  time.Time      `json:"assigned_at"`
	SubmittedAt *time.Time     `json:"submitted_at,omitempty"`
}

// emailValid reports whether s is one plain address.
func emailValid(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s, ".")
}

// fold is a name folded for comparison: lower case, Chinese in Simplified,
// spaces squeezed.
func fold(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(zh.ToHans(s))), " ")
}

func contains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func firstOf(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// CountryName returns a country's name in lang, or the code.
func CountryName(code, lang string) string {
	c, ok := geo.Lookup(code)
	if !ok {
		return code
	}
	return c.Name(lang)
}
