package events

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/geo"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/members"
	"github.com/wuzhen/wuzhen/internal/zh"
)

// The programme of an event: sessions with a start and an end, a room, a
// format, a language and its interpretation, and the people who speak at
// or moderate them. A summit's programme holds its own sessions and those
// of its forums; a forum is then the session's track.

// Format is the kind of a session.
type Format string

// The formats of sessions. Stored, do not rename.
const (
	Ceremony   Format = "ceremony"
	Keynote    Format = "keynote"
	Plenary    Format = "plenary"
	Panel      Format = "panel"
	Roundtable Format = "roundtable"
	Workshop   Format = "workshop"
	Fireside   Format = "fireside"
	Launch     Format = "launch"
	Networking Format = "networking"
	Break      Format = "break"
)

// Formats lists the formats in the order forms show them.
var Formats = []Format{Ceremony, Keynote, Plenary, Panel, Roundtable, Workshop, Fireside, Launch, Networking, Break}

// Role is what a person does in a session.
type Role string

// The roles in a session. Stored, do not rename.
const (
	Moderator Role = "moderator"
	Speaker   Role = "speaker"
)

// Roles lists the roles in the order pages show them.
var Roles = []Role{Moderator, Speaker}

// SessionLanguages are the languages a session can be held in or
// interpreted into: the six UN languages and a few more, as BCP 47 tags.
var SessionLanguages = []string{"zh", "en", "fr", "ru", "es", "ar", "pt", "de", "ja", "ko"}

// Limits of the programme.
const (
	maxSessionPeople = 40
	maxSessionLength = 24 * time.Hour
	maxRoom          = 200
	maxName          = 200
)

// Session is one session of an event's programme.
type Session struct {
	ID             int64
	EventID        int64
	Starts, Ends   time.Time // instants
	Room           string    // as written, and in English; RoomHans/RoomHant in Chinese
	RoomHans       string
	RoomHant       string
	Format         Format
	Language       string   // a SessionLanguages tag, "" when not said
	Interpretation []string // SessionLanguages tags
	Title          i18n.Text
	Description    i18n.Text
	People         []Appearance // in their order
	Created        time.Time
	Updated        time.Time

	Event *Event // the event it belongs to, filled by the store's readers
}

// Appearance is a person in a session, in a role.
type Appearance struct {
	Role   Role
	Person *Person
}

// Cast is who appears in a session, as the secretariat gives it: a person
// by ID, in a role.
type Cast struct {
	PersonID int64 `json:"person"`
	Role     Role  `json:"role"`
}

// Person is a speaker or moderator.
type Person struct {
	ID           int64
	Name         string // in the person's own script
	NameLatin    string // in Latin letters, "" when Name already is
	Organization i18n.Text
	Country      string
	Group        members.Group
	Bio          i18n.Text
	PhotoHash    string // "" without a photo
	Created      time.Time
	Updated      time.Time
}

// validate checks s and normalises its fields.
func (s *Session) validate(e *Event) error {
	var fe errs.Fields
	checkText(&fe, "title", s.Title, maxTitle, true)
	checkLine(&fe, "title", s.Title)
	checkText(&fe, "description", s.Description, maxText, false)
	switch {
	case s.Starts.IsZero():
		fe.Add("starts_at", "events.time_invalid")
	case s.Ends.IsZero():
		fe.Add("ends_at", "events.time_invalid")
	case !s.Ends.After(s.Starts):
		fe.Add("ends_at", "events.ends_before_start")
	case s.Ends.Sub(s.Starts) > maxSessionLength:
		fe.Add("ends_at", "events.session.too_long")
	case e != nil && !e.covers(s.Starts, s.Ends):
		fe.Add("starts_at", "events.session.outside", e.Dates(i18n.En))
	}
	for _, r := range []*string{&s.Room, &s.RoomHans, &s.RoomHant} {
		*r = strings.TrimSpace(*r)
		if (utf8.RuneCountInString(*r) > maxRoom || !clean(*r) || !errs.OneLine(*r)) && !fe.Has("room") {
			fe.Add("room", "events.text_invalid")
		}
	}
	if !validFormat(s.Format) {
		fe.Add("format", "events.session.format_invalid")
	}
	s.Language = strings.TrimSpace(s.Language)
	if s.Language != "" && !contains(SessionLanguages, s.Language) {
		fe.Add("language", "events.language_invalid")
	}
	var interp []string
	for _, l := range s.Interpretation {
		if l = strings.TrimSpace(l); l == "" || contains(interp, l) {
			continue
		}
		if !contains(SessionLanguages, l) {
			fe.Add("interpretation", "events.language_invalid")
			break
		}
		interp = append(interp, l)
	}
	s.Interpretation = interp
	return fe.Err()
}

// covers reports whether a session from a to b falls within the event's
// days in its own zone (a forum may start before its announced hour, but
// not on another day).
func (e *Event) covers(a, b time.Time) bool {
	loc := e.Location()
	s, t := e.Starts.In(loc), e.Ends.In(loc)
	first := time.Date(s.Year(), s.Month(), s.Day(), 0, 0, 0, 0, loc)
	last := time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, loc)
	return !a.Before(first) && !b.After(last)
}

// checkCast validates who appears in a session: known roles, each person
// once, not too many.
func checkCast(cast []Cast) error {
	var fe errs.Fields
	seen := map[int64]bool{}
	for _, c := range cast {
		if c.Role != Speaker && c.Role != Moderator || c.PersonID <= 0 {
			fe.Add("people", "events.session.people_invalid")
			break
		}
		if seen[c.PersonID] {
			fe.Add("people", "events.session.people_twice")
			break
		}
		seen[c.PersonID] = true
	}
	if len(cast) > maxSessionPeople {
		fe.Add("people", "events.session.people_too_many", maxSessionPeople)
	}
	return fe.Err()
}

func validFormat(f Format) bool {
	for _, x := range Formats {
		if x == f {
			return true
		}
	}
	return false
}

// validate checks p and normalises its fields.
func (p *Person) validate() error {
	var fe errs.Fields
	p.Name, p.NameLatin = strings.TrimSpace(p.Name), strings.TrimSpace(p.NameLatin)
	switch {
	case p.Name == "" && p.NameLatin == "":
		fe.Add("name", "events.text_required")
	case utf8.RuneCountInString(p.Name) > maxName || !clean(p.Name) || !errs.OneLine(p.Name):
		fe.Add("name", "events.person.name_invalid", maxName)
	}
	if p.Name == "" {
		p.Name = p.NameLatin
	}
	if p.NameLatin == p.Name {
		p.NameLatin = ""
	}
	if utf8.RuneCountInString(p.NameLatin) > maxName || !clean(p.NameLatin) || !errs.OneLine(p.NameLatin) {
		fe.Add("name_latin", "events.person.name_invalid", maxName)
	} else if !latin(p.NameLatin) {
		fe.Add("name_latin", "events.person.latin_invalid")
	}
	checkText(&fe, "organization", p.Organization, maxTitle, false)
	checkLine(&fe, "organization", p.Organization)
	checkText(&fe, "bio", p.Bio, maxText, false)
	if p.Country != "" {
		p.Country = strings.ToUpper(strings.TrimSpace(p.Country))
		if _, ok := geo.Lookup(p.Country); !ok {
			fe.Add("country", "events.country_invalid")
		}
	}
	if p.Group != "" && !members.ValidGroup(p.Group) {
		fe.Add("stakeholder_group", "events.group_invalid")
	}
	return fe.Err()
}

// latin reports whether s is written in Latin letters (with accents),
// digits, spaces and punctuation only.
func latin(s string) bool {
	for _, r := range s {
		if r >= 0x0370 && !(r >= 0x1E00 && r <= 0x1EFF) && !(r >= 0x2000 && r <= 0x206F) {
			return false
		}
	}
	return true
}

// DisplayName is the person's name as pages show it first: in their own
// script (Chinese in the reader's script).
func (p *Person) DisplayName(lang string) string { return zh.ForLang(lang, p.Name) }

// SortName is the name that orders lists: the Latin spelling when there
// is one.
func (p *Person) SortName() string {
	if p.NameLatin != "" {
		return p.NameLatin
	}
	return p.Name
}

// Initials are up to two letters for the placeholder of a person without
// a photo.
func (p *Person) Initials() string {
	name := p.SortName()
	var out []rune
	for _, w := range strings.Fields(name) {
		r, _ := utf8.DecodeRuneInString(w)
		out = append(out, r)
		if len(out) == 2 {
			break
		}
	}
	return strings.ToUpper(string(out))
}

// PhotoURL is the address of the person's photo, "" without one; it
// changes with the photo.
func (p *Person) PhotoURL() string {
	if p.PhotoHash == "" {
		return ""
	}
	return fmt.Sprintf("/speakers/%d/photo.jpg?v=%s", p.ID, p.PhotoHash[:min(16, len(p.PhotoHash))])
}

// Moderators are the session's moderators.
func (s *Session) Moderators() []*Person { return s.inRole(Moderator) }

// Speakers are the session's speakers.
func (s *Session) Speakers() []*Person { return s.inRole(Speaker) }

func (s *Session) inRole(r Role) []*Person {
	var out []*Person
	for _, a := range s.People {
		if a.Role == r {
			out = append(out, a.Person)
		}
	}
	return out
}

// Cast returns who appears in the session, as the secretariat gives it.
func (s *Session) Cast() []Cast {
	out := make([]Cast, 0, len(s.People))
	for _, a := range s.People {
		out = append(out, Cast{PersonID: a.Person.ID, Role: a.Role})
	}
	return out
}

// Path is the address of the session's page.
func (s *Session) Path() string {
	if s.Event == nil {
		return ""
	}
	return fmt.Sprintf("/events/%s/sessions/%d", s.Event.Slug, s.ID)
}

// Location is the zone the session is shown in: its event's.
func (s *Session) Location() *time.Location {
	if s.Event == nil {
		return time.UTC
	}
	return s.Event.Location()
}

// Overlaps reports whether s and o share some time.
func (s *Session) Overlaps(o *Session) bool {
	return s.Starts.Before(o.Ends) && o.Starts.Before(s.Ends)
}

// RoomFor is the session's room for a reader of lang (see i18n.Text.For).
func (s *Session) RoomFor(lang string) string {
	return i18n.Text{En: s.Room, Hans: s.RoomHans, Hant: s.RoomHant}.For(lang)
}
