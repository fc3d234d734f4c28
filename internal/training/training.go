// Package training runs the organisation's capacity-building programmes
// for developing countries: a programme and its intake (eligibility by
// country, age and stakeholder group; seats in total and per region or
// country; the application form), applications, offers with a deadline
// and a waitlist that fills a declined or expired seat, the cohort's
// sessions and attendance taken by the programme's trainers, and
// completion computed live.
package training

import (
	"embed"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/geo"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/web"
)

//go:embed migrations/*.sql
var migrations embed.FS

//go:embed templates/*.html
var templates embed.FS

// Migrations are the training tables.
var Migrations = db.MigrationsIn("training", migrations, "migrations")

// Templates are the training pages.
var Templates = web.Pages("training", templates, "templates")

// PermManage is the permission to run programmes: create, publish, offer
// seats, see every application, take attendance.
const PermManage = auth.PermTrainingManage

// PermAttendance is the permission to record attendance at any
// programme's sessions (the check-in desk). Trainers record it at their
// own programme's sessions through their scope (training_trainers).
const PermAttendance = auth.PermTrainingAttendance

// Text is content in several languages.
type Text = i18n.Text

// Kind is what a programme is. Stored, do not rename.
type Kind string

// The kinds of programme.
const (
	Fellowship Kind = "fellowship"
	Skills     Kind = "skills"
	Literacy   Kind = "literacy"
	Leadership Kind = "leadership"
)

// Kinds lists the kinds in the order forms show them.
var Kinds = []Kind{Fellowship, Skills, Literacy, Leadership}

// Format is how a programme meets. Stored, do not rename.
type Format string

// The formats.
const (
	Online Format = "online"
	OnSite Format = "on_site"
	Hybrid Format = "hybrid"
)

// Formats lists the formats.
var Formats = []Format{Online, OnSite, Hybrid}

// Status is where a programme stands. Stored, do not rename.
type Status string

// The states of a programme.
const (
	Draft     Status = "draft"
	Published Status = "published"
)

// Groups are the stakeholder groups an eligibility rule may name: the
// members' seven (internal/members), kept here as codes so that the two
// capabilities stay apart; the catalogue names them (members.group.*).
var Groups = []string{"government", "international_organization", "business", "technical_community", "civil_society",
	"academia", "individual"}

// Genders are the self-declared answers; the catalogue names them
// (training.gender.*).
var Genders = []string{"woman", "man", "another", "not_said"}

// Eligibility is a programme's intake rule.
type Eligibility struct {
	// Developing admits the platform's developing countries
	// (geo.Country.Developing).
	Developing bool `json:"developing"`
	// Countries are admitted by name (ISO codes), whatever their income
	// group: with Developing, an override that adds them; alone, the
	// list of countries admitted. Neither: every country.
	Countries         []string `json:"countries"`
	AgeMin            int      `json:"age_min,omitempty"`
	AgeMax            int      `json:"age_max,omitempty"`
	StakeholderGroups []string `json:"stakeholder_groups"`
}

// Criterion is one of the selection criteria.
type Criterion struct {
	Code string `json:"code"`
	Name Text   `json:"name"`
}

// Programme is a training programme and its intake.
type Programme struct {
	ID          int64
	Slug        string
	Title       Text
	Description Text
	Kind        Kind
	Format      Format
	Languages   []string
	StartsOn    string // YYYY-MM-DD
	EndsOn      string
	Hours       int
	// Seats is the size of the cohort; SeatsBy limits it per M49 region
	// ("002") or country ("KE").
	Seats       int
	SeatsBy     map[string]int
	Eligibility Eligibility
	Questions   []Question
	Criteria    []Criterion
	// Completion is the share of the sessions held so far that a
	// participant must attend, in percent (default 75).
	Completion  int
	Status      Status
	PublishedAt *time.Time
	Created     time.Time
}

// Limits.
const (
	maxTitle     = 300
	maxText      = 20000
	maxCountries = 250
	maxQuestions = 20
	maxAnswer    = 5000
	maxShort     = 500
)

// reservedSlugs are addresses of pages beside the programmes'
// (/training/applications, /admin/training/new, /admin/training/reach).
var reservedSlugs = []string{"applications", "new", "reach", "certificates"}

var (
	slugRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$`)
	codeRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)
	dateRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
)

func trimText(t *Text) {
	t.En, t.Hans, t.Hant = strings.TrimSpace(t.En), strings.TrimSpace(t.Hans), strings.TrimSpace(t.Hant)
}

// lineText refuses, at field, a text of one line in any of its languages
// that holds a line break or control character (errs.OneLine).
func lineText(fe *errs.Fields, field string, t Text) {
	for _, s := range []string{t.En, t.Hans, t.Hant} {
		fe.Line(field, s)
	}
}

func textTooLong(t Text, n int) bool {
	return utf8.RuneCountInString(t.En) > n || utf8.RuneCountInString(t.Hans) > n || utf8.RuneCountInString(t.Hant) > n
}

// Starts returns the first day as a time (UTC midnight).
func (p *Programme) Starts() time.Time { t, _ := time.Parse(time.DateOnly, p.StartsOn); return t }

// Open reports whether applications are taken at now: published, and
// the programme has not started.
func (p *Programme) Open(now time.Time) bool {
	return p.Status == Published && now.Before(p.Starts())
}

// CompletionShare is the attendance share needed, in percent.
func (p *Programme) CompletionShare() int {
	if p.Completion <= 0 {
		return 75
	}
	return p.Completion
}

// normalize trims what a person typed and puts codes in their form.
func (p *Programme) normalize() {
	p.Slug = strings.ToLower(strings.TrimSpace(p.Slug))
	trimText(&p.Title)
	trimText(&p.Description)
	p.Kind = Kind(strings.TrimSpace(string(p.Kind)))
	p.Format = Format(strings.TrimSpace(string(p.Format)))
	p.StartsOn, p.EndsOn = strings.TrimSpace(p.StartsOn), strings.TrimSpace(p.EndsOn)
	for i, c := range p.Eligibility.Countries {
		p.Eligibility.Countries[i] = strings.ToUpper(strings.TrimSpace(c))
	}
	if p.Languages == nil {
		p.Languages = []string{}
	}
	if p.Eligibility.Countries == nil {
		p.Eligibility.Countries = []string{}
	}
	if p.Eligibility.StakeholderGroups == nil {
		p.Eligibility.StakeholderGroups = []string{}
	}
	if p.SeatsBy == nil {
		p.SeatsBy = map[string]int{}
	}
	if p.Questions == nil {
		p.Questions = []Question{}
	}
	if p.Criteria == nil {
		p.Criteria = []Criterion{}
	}
}

// validate checks a programme; errors come back at their fields.
func (p *Programme) validate() error {
	p.normalize()
	var fe errs.Fields
	if !slugRE.MatchString(p.Slug) || slices.Contains(reservedSlugs, p.Slug) {
		fe.Add("slug", "training.slug_invalid")
	}
	if p.Title.Empty() || textTooLong(p.Title, maxTitle) {
		fe.Add("title", "training.title_required", maxTitle)
	}
	lineText(&fe, "title", p.Title)
	if textTooLong(p.Description, maxText) {
		fe.Add("description", "training.too_long", maxText)
	}
	if !slices.Contains(Kinds, p.Kind) {
		fe.Add("kind", "training.kind_invalid")
	}
	if !slices.Contains(Formats, p.Format) {
		fe.Add("format", "training.format_invalid")
	}
	for _, l := range p.Languages {
		if !slices.Contains(i18n.Langs, l) && !codeRE.MatchString(l) {
			fe.Add("languages", "training.languages_invalid")
			break
		}
	}
	s, err1 := time.Parse(time.DateOnly, p.StartsOn)
	e, err2 := time.Parse(time.DateOnly, p.EndsOn)
	switch {
	case !dateRE.MatchString(p.StartsOn) || err1 != nil:
		fe.Add("starts_on", "training.date_invalid")
	case !dateRE.MatchString(p.EndsOn) || err2 != nil:
		fe.Add("ends_on", "training.date_invalid")
	case e.Before(s):
		fe.Add("ends_on", "training.ends_before_starts")
	}
	if p.Hours < 0 || p.Hours > 10000 {
		fe.Add("hours", "training.number_invalid")
	}
	if p.Seats < 1 || p.Seats > 100000 {
		fe.Add("seats", "training.number_invalid")
	}
	if p.Completion < 0 || p.Completion > 100 {
		fe.Add("completion", "training.number_invalid")
	}
	for k, n := range p.SeatsBy {
		_, country := geo.Lookup(k)
		if (!country && !validRegion(k)) || n < 0 || n > p.Seats {
			fe.Add("seats_by", "training.seats_by_invalid")
			break
		}
	}
	el := &p.Eligibility
	if len(el.Countries) > maxCountries {
		fe.Add("eligibility.countries", "training.country_invalid")
	}
	for _, c := range el.Countries {
		if _, ok := geo.Lookup(c); !ok {
			fe.Add("eligibility.countries", "training.country_invalid")
			break
		}
	}
	if el.AgeMin < 0 || el.AgeMax < 0 || el.AgeMin > 120 || el.AgeMax > 120 || (el.AgeMax > 0 && el.AgeMax < el.AgeMin) {
		fe.Add("eligibility.age_max", "training.age_range_invalid")
	}
	for _, g := range el.StakeholderGroups {
		if !slices.Contains(Groups, g) {
			fe.Add("eligibility.stakeholder_groups", "training.group_invalid")
			break
		}
	}
	validateQuestions(&fe, p.Questions)
	seen := map[string]bool{}
	for i := range p.Criteria {
		c := &p.Criteria[i]
		trimText(&c.Name)
		if !codeRE.MatchString(c.Code) || seen[c.Code] || c.Name.Empty() || textTooLong(c.Name, maxTitle) {
			fe.Add(fmt.Sprintf("criteria.%d", i), "training.criterion_invalid")
		}
		seen[c.Code] = true
	}
	return fe.Err()
}

// validRegion reports whether code is an M49 region some country is in.
func validRegion(code string) bool {
	for _, c := range geo.Countries() {
		if c.Region == code || c.Subregion == code {
			return true
		}
	}
	return false
}
