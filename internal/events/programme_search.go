package events

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/geo"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/pagecache"
	"github.com/wuzhen/wuzhen/internal/search"
	"github.com/wuzhen/wuzhen/internal/zh"
)

// The search types of the programme. Stored, do not rename.
const (
	SessionDocType = "session"
	SpeakerDocType = "speaker"
)

// programmeChanged is called in the transaction of every change to the
// programme: the page cache drops its pages, and search gets the sessions
// and people named as they now are; what the public may not see (the
// programme of a draft event, a person with no public session) leaves the
// index.
func (s *Store) programmeChanged(ctx context.Context, tx *db.Tx, sessionIDs, personIDs []int64) error {
	if err := pagecache.Bump(ctx, tx); err != nil {
		return err
	}
	for _, id := range dedupe(sessionIDs) {
		x, err := s.session(ctx, tx, id, false)
		switch {
		case err == nil:
			err = putSession(ctx, tx, x)
		case errorIsNotFound(err):
			err = search.Delete(ctx, tx, SessionDocType, id)
		}
		if err != nil {
			return err
		}
	}
	for _, id := range dedupe(personIDs) {
		if err := s.indexPerson(ctx, tx, id); err != nil {
			return err
		}
	}
	return nil
}

// eventProgrammeChanged indexes the programme of event id again, after a
// change of the event: publishing shows it, a return to draft hides it.
// changed calls it.
func (s *Store) eventProgrammeChanged(ctx context.Context, tx *db.Tx, id int64) error {
	ids, err := db.All(ctx, tx, "events: event sessions", scanID, "SELECT id FROM programme_sessions WHERE event_id = ? ORDER BY id", id)
	if err != nil || len(ids) == 0 {
		return err
	}
	people, err := db.All(ctx, tx, "events: event people", scanID, `SELECT DISTINCT r.person_id FROM programme_roles r
		JOIN programme_sessions s ON s.id = r.session_id WHERE s.event_id = ? ORDER BY r.person_id`, id)
	if err != nil {
		return err
	}
	return s.programmeChanged(ctx, tx, ids, people)
}

func scanID(r db.Scanner) (int64, error) {
	var id int64
	return id, r.Scan(&id)
}

func dedupe(ids []int64) []int64 {
	seen := map[int64]bool{}
	out := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

func errorIsNotFound(err error) bool { return err != nil && errs.CodeOf(err) == errs.NotFound }

// indexPerson puts person id in the index while the public may see them.
func (s *Store) indexPerson(ctx context.Context, tx *db.Tx, id int64) error {
	p, err := s.person(ctx, tx, id, "")
	if errorIsNotFound(err) {
		return search.Delete(ctx, tx, SpeakerDocType, id)
	}
	if err != nil {
		return err
	}
	var n int
	if err := tx.QueryRow(ctx, `-- events.indexPerson
		SELECT COUNT(*) FROM programme_roles r JOIN programme_sessions s ON s.id = r.session_id
		JOIN events e ON e.id = s.event_id WHERE r.person_id = ? AND `+publicEvent, id).Scan(&n); err != nil {
		return fmt.Errorf("events: index person %d: %w", id, err)
	}
	if n == 0 {
		return search.Delete(ctx, tx, SpeakerDocType, id)
	}
	return search.Put(ctx, tx, personDoc(p))
}

// putSession indexes x, or leaves it out when it is a break or a
// ceremony: a tea break or opening remarks are in the timetable, not
// something anyone searches for.
func putSession(ctx context.Context, tx *db.Tx, x *Session) error {
	if !searchable(x) {
		return search.Delete(ctx, tx, SessionDocType, x.ID)
	}
	return search.Put(ctx, tx, sessionDoc(x))
}

// searchable reports whether search indexes x (see putSession).
func searchable(x *Session) bool { return x.Format != Break && x.Format != Ceremony }

// sessionLine is a session's result line in lang: "Tue 19 January 2027,
// 09:00–10:30 Beijing time (UTC+8) · Forum on AI · Speakers: A, B".
func sessionLine(x *Session, lang string) string {
	p := i18n.For(lang)
	loc := x.Location()
	parts := []string{p.Date(x.Starts.In(loc)) + sep(lang, ", ", " ") + p.TimeRange(x.Starts.In(loc), x.Ends.In(loc))}
	if x.Event != nil {
		parts = append(parts, x.Event.Title.For(lang))
	}
	if r := x.RoomFor(lang); r != "" {
		parts = append(parts, r)
	}
	var names []string
	for _, a := range x.People {
		// The Latin spelling for English readers; a Chinese name for Chinese ones.
		name := a.Person.SortName()
		if lang != i18n.En && zh.HasHan(a.Person.Name) {
			name = a.Person.DisplayName(lang)
		}
		names = append(names, name)
	}
	if len(names) > 0 {
		parts = append(parts, p.T("events.role.label", p.T("events.role.speakers"))+" "+strings.Join(names, sep(lang, ", ", "、")))
	}
	return strings.Join(parts, " · ")
}

// sep is en's separator for English readers, zh's for Chinese ones.
func sep(lang, en, zh string) string {
	if lang == i18n.ZhHans || lang == i18n.ZhHant {
		return zh
	}
	return en
}

// sessionDoc is what search knows of a session: its title; its
// description, room, people and event as the text; its time, forum and
// people as the result line.
func sessionDoc(x *Session) search.Doc {
	body := map[string]string{}
	var names []string
	for _, a := range x.People {
		names = append(names, a.Person.Name)
		if a.Person.NameLatin != "" {
			names = append(names, a.Person.NameLatin)
		}
	}
	extra := strings.Join(append([]string{x.Room}, names...), "\n")
	for _, lang := range i18n.Langs {
		d := x.Description.ByLang()[lang]
		ev := ""
		if x.Event != nil {
			ev = x.Event.Title.ByLang()[lang]
		}
		if s := strings.TrimSpace(strings.Join([]string{d, ev}, "\n")); s != "" || lang == i18n.En {
			body[lang] = s + "\n" + extra
		}
	}
	boost, facets := 1.0, map[string]string{"format": string(x.Format)}
	if x.Event != nil {
		facets["year"] = strconv.Itoa(x.Event.Year())
		if x.Event.Status == Cancelled {
			boost = 0.5
		}
	}
	line := map[string]string{}
	for _, lang := range i18n.Langs {
		line[lang] = sessionLine(x, lang)
	}
	return search.Doc{Type: SessionDocType, ID: x.ID, Title: x.Title.ByLang(), Body: body, URL: x.Path(), Boost: boost, Facets: facets,
		Line: line}
}

// personDoc is what search knows of a speaker or moderator: their names as
// the title (the Latin one for English readers, a Chinese one for Chinese
// readers); organisation, country and biography as the text.
func personDoc(p *Person) search.Doc {
	title := map[string]string{i18n.En: p.SortName()}
	if zh.HasHan(p.Name) {
		title[i18n.ZhHans] = p.Name
	} else if p.Name != p.SortName() {
		title["und"] = p.Name // the own script, searchable by everyone
	}
	body := map[string]string{}
	for _, lang := range i18n.Langs {
		parts := []string{p.Organization.ByLang()[lang], p.Bio.ByLang()[lang]}
		if c, ok := geo.Lookup(p.Country); ok {
			parts = append(parts, c.Name(lang))
		}
		if s := strings.TrimSpace(strings.Join(parts, "\n")); s != "" {
			body[lang] = s
		}
	}
	facets := map[string]string{}
	if c, ok := geo.Lookup(p.Country); ok {
		facets["country"] = c.Code
		if c.Continent != "" {
			facets["continent"] = c.Continent.Code()
		}
	}
	line := map[string]string{}
	for _, lang := range i18n.Langs {
		var parts []string
		if o := p.Organization.For(lang); o != "" {
			parts = append(parts, o)
		}
		if c, ok := geo.Lookup(p.Country); ok {
			parts = append(parts, c.Name(lang))
		}
		line[lang] = strings.Join(parts, " · ")
	}
	return search.Doc{Type: SpeakerDocType, ID: p.ID, Title: title, Body: body, URL: fmt.Sprintf("/speakers/%d", p.ID),
		Boost: 1, Facets: facets, Line: line}
}

// reindexProgramme rebuilds the programme's part of the search index, in
// tx, and returns how many documents it holds.
func (s *Store) reindexProgramme(ctx context.Context, tx *db.Tx) (int, error) {
	for _, t := range []string{SessionDocType, SpeakerDocType} {
		if err := search.DeleteType(ctx, tx, t); err != nil {
			return 0, err
		}
	}
	list, err := s.sessionsWhere(ctx, tx, publicEvent)
	if err != nil {
		return 0, err
	}
	people := map[int64]*Person{}
	for _, x := range list {
		if err := putSession(ctx, tx, x); err != nil {
			return 0, err
		}
		for _, a := range x.People {
			people[a.Person.ID] = a.Person
		}
	}
	for _, id := range slices.Sorted(maps.Keys(people)) {
		if err := search.Put(ctx, tx, personDoc(people[id])); err != nil {
			return 0, err
		}
	}
	return len(list) + len(people), nil
}
