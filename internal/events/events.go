// Package events is the organisation's year of events: summit editions and
// the forums, meetings, exchanges and dialogues in and between them; their
// registration categories with capacity, approval and a waitlist kept in
// the order of acceptance; check-in at the venue; and the statistics the
// secretariat reports ("participants from N countries and regions").
package events

import (
	"embed"
	"net/url"
	"regexp"
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

// Migrations create the events tables.
var Migrations = db.MigrationsIn("events", migrations, "migrations")

// Templates are the events pages.
var Templates = web.Pages("events", templates, "templates")

// Permissions of the events capability (granted in internal/auth/policy.go).
const (
	PermManage  = auth.PermEventsManage  // create and change events, categories; approve; see registrations
	PermCheckIn = auth.PermEventsCheckIn // check people in at the venue
)

// Kind is the kind of an event.
type Kind string

// The kinds of events. Stored, do not rename.
const (
	Summit        Kind = "summit"
	AnnualMeeting Kind = "annual_meeting"
	RegionalForum Kind = "regional_forum"
	SectorForum   Kind = "sector_forum"
	YouthExchange Kind = "youth_exchange"
	Dialogue      Kind = "dialogue"
	PlenaryEvent  Kind = "plenary"  // a plenary of a summit or meeting
	CeremonyEvent Kind = "ceremony" // an opening, closing or award ceremony
)

// Kinds lists the kinds in the order forms show them.
var Kinds = []Kind{Summit, AnnualMeeting, CeremonyEvent, PlenaryEvent, RegionalForum, SectorForum, YouthExchange, Dialogue}

// Status is where an event stands.
type Status string

// The states of an event. Stored, do not rename.
const (
	Draft     Status = "draft"
	Published Status = "published"
	Cancelled Status = "cancelled"
)

// Topics are the subjects an event can be tagged with; stored as codes.
var Topics = []string{"ai", "5g", "ipv6", "cloud", "data", "digital_economy", "cybersecurity", "governance",
	"infrastructure", "culture", "youth", "development", "open_source", "smart_cities"}

// Event is one event.
type Event struct {
	ID             int64
	Slug           string
	Kind           Kind
	ParentID       int64
	Title          i18n.Text
	Theme          i18n.Text
	Description    i18n.Text
	Starts, Ends   time.Time // instants
	TimeZone       string    // IANA zone the event is shown in
	Venue          string    // as written, and in English; VenueHans/VenueHant in Chinese
	Country        string
	OnlineURL      string
	Topics         []string
	Languages      []string // interface languages of the event (en, zh-Hans, …)
	Interpretation string   // the interpretation offered, as written and in English; …Hans/…Hant in Chinese

	VenueHans, VenueHant                   string
	InterpretationHans, InterpretationHant string

	// CheckInOpens is when the check-in desk starts taking badges, as the
	// secretariat set it; nil for the default (see CheckInWindow).
	CheckInOpens *time.Time
	Status       Status
	Created      time.Time
	Updated      time.Time
	Published    *time.Time

	Parent *Event // filled by pages that show it
}

// Location returns the event's time zone (UTC if it cannot be loaded).
func (e *Event) Location() *time.Location {
	if loc, err := time.LoadLocation(e.TimeZone); err == nil {
		return loc
	}
	return time.UTC
}

// VenueFor is the venue for a reader of lang (see i18n.Text.For).
func (e *Event) VenueFor(lang string) string {
	return i18n.Text{En: e.Venue, Hans: e.VenueHans, Hant: e.VenueHant}.For(lang)
}

// InterpretationFor is the interpretation line for a reader of lang.
func (e *Event) InterpretationFor(lang string) string {
	return i18n.Text{En: e.Interpretation, Hans: e.InterpretationHans, Hant: e.InterpretationHant}.For(lang)
}

// CheckInWindow is when the desk checks people in: from CheckInOpens, by
// default from the start of the day before the event (in its zone), to
// the end of its last day.
func (e *Event) CheckInWindow() (opens, closes time.Time) {
	loc := e.Location()
	s, t := e.Starts.In(loc), e.Ends.In(loc)
	opens = time.Date(s.Year(), s.Month(), s.Day()-1, 0, 0, 0, 0, loc)
	if e.CheckInOpens != nil {
		opens = *e.CheckInOpens
	}
	return opens, time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, loc)
}

// Year is the year the event starts, in its own zone.
func (e *Event) Year() int { return e.Starts.In(e.Location()).Year() }

// Hybrid reports whether the event has both a venue and an online link.
func (e *Event) Hybrid() bool { return e.Venue != "" && e.OnlineURL != "" }

var slugRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$`)

const (
	maxTitle = 300
	maxText  = 20000
)

// validate checks e; parent is the parent event's kind ("" when none).
func (e *Event) validate() error {
	var fe errs.Fields
	e.Slug = strings.TrimSpace(strings.ToLower(e.Slug))
	if !slugRE.MatchString(e.Slug) || strings.Contains(e.Slug, "--") {
		fe.Add("slug", "events.slug_invalid")
	}
	if !validKind(e.Kind) {
		fe.Add("kind", "events.kind_invalid")
	}
	checkText(&fe, "title", e.Title, maxTitle, true)
	// A title is one line: it goes into mail subjects, which cannot hold
	// a line break.
	checkLine(&fe, "title", e.Title)
	checkText(&fe, "theme", e.Theme, maxTitle, false)
	checkLine(&fe, "theme", e.Theme)
	checkText(&fe, "description", e.Description, maxText, false)
	if _, err := time.LoadLocation(e.TimeZone); err != nil || e.TimeZone == "" || e.TimeZone == "Local" {
		fe.Add("timezone", "events.timezone_invalid")
	}
	switch {
	case e.Starts.IsZero():
		fe.Add("starts_at", "events.time_invalid")
	case e.Ends.IsZero():
		fe.Add("ends_at", "events.time_invalid")
	case !e.Ends.After(e.Starts):
		fe.Add("ends_at", "events.ends_before_start")
	case e.Ends.Sub(e.Starts) > 60*24*time.Hour:
		fe.Add("ends_at", "events.too_long")
	case e.CheckInOpens != nil && (!e.CheckInOpens.Before(e.Ends) || e.Starts.Sub(*e.CheckInOpens) > 60*24*time.Hour):
		fe.Add("checkin_opens_at", "experience.checkin.opens_invalid")
	}
	e.Venue = strings.TrimSpace(e.Venue)
	if utf8.RuneCountInString(e.Venue) > maxTitle || !clean(e.Venue) {
		fe.Add("venue", "events.text_invalid")
	}
	fe.Line("venue", e.Venue)
	if e.Country != "" {
		e.Country = strings.ToUpper(e.Country)
		if _, ok := geo.Lookup(e.Country); !ok {
			fe.Add("country", "events.country_invalid")
		}
	}
	e.OnlineURL = strings.TrimSpace(e.OnlineURL)
	if e.OnlineURL != "" {
		if u, err := url.Parse(e.OnlineURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(e.OnlineURL) > 500 {
			fe.Add("online_url", "events.url_invalid")
		}
	}
	if e.Venue == "" && e.VenueHans == "" && e.VenueHant == "" && e.OnlineURL == "" {
		fe.Add("venue", "events.venue_required")
	}
	for _, t := range e.Topics {
		if !contains(Topics, t) {
			fe.Add("topics", "events.topic_invalid")
			break
		}
	}
	for _, l := range e.Languages {
		if !contains(i18n.Langs, l) {
			fe.Add("languages", "events.language_invalid")
			break
		}
	}
	for _, f := range []struct {
		name string
		s    *string
	}{{"venue", &e.VenueHans}, {"venue", &e.VenueHant}, {"interpretation", &e.Interpretation},
		{"interpretation", &e.InterpretationHans}, {"interpretation", &e.InterpretationHant}} {
		*f.s = strings.TrimSpace(*f.s)
		switch {
		case fe.Has(f.name):
		case utf8.RuneCountInString(*f.s) > maxTitle:
			fe.Add(f.name, "events.text_too_long", maxTitle)
		case !clean(*f.s):
			fe.Add(f.name, "events.text_invalid")
		default:
			fe.Line(f.name, *f.s)
		}
	}
	return fe.Err()
}

// checkLine refuses at field name a one-line text with a control
// character in any of its languages (errs.OneLine), unless the field
// already has an error.
func checkLine(fe *errs.Fields, name string, t i18n.Text) {
	for _, s := range []string{t.En, t.Hans, t.Hant} {
		fe.Line(name, s)
	}
}

// checkText checks a text in several languages: required means at least
// one language; each must be valid text within max characters.
func checkText(fe *errs.Fields, name string, t i18n.Text, max int, required bool) {
	if required && strings.TrimSpace(t.En+t.Hans+t.Hant) == "" {
		fe.Add(name, "events.text_required")
		return
	}
	for _, s := range []string{t.En, t.Hans, t.Hant} {
		if utf8.RuneCountInString(s) > max {
			fe.Add(name, "events.text_too_long", max)
			return
		}
		if !clean(s) {
			fe.Add(name, "events.text_invalid")
			return
		}
	}
}

// clean reports whether s is valid UTF-8 without NUL or other control
// characters except tab and line breaks.
func clean(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f {
			return false
		}
	}
	return true
}

func validKind(k Kind) bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// ParseTime reads a time given in a form or the API: an RFC 3339 instant
// ("2026-11-08T09:00:00+08:00"), or a local time or date in loc
// ("2026-11-08T09:00", "2026-11-08 09:00", "2026-11-08"). A date alone is
// the start of that day, or with endOfDay its last minute.
func ParseTime(s string, loc *time.Location, endOfDay bool) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, true
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, true
		}
	}
	if t, err := time.ParseInLocation(time.DateOnly, s, loc); err == nil {
		if endOfDay {
			t = t.Add(24*time.Hour - time.Minute)
		}
		return t, true
	}
	return time.Time{}, false
}

// splitCodes reads a comma-separated list of codes.
func splitCodes(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
