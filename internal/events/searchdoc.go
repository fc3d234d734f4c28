package events

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/geo"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/pagecache"
	"github.com/wuzhen/wuzhen/internal/search"
)

// DocType is the search type of events. Stored, do not rename.
const DocType = "event"

// changed is called in the transaction of every change to an event that
// the public may see: the page cache drops its pages, and search gets the
// event and its programme as they now are (or loses them while it is a
// draft).
func (s *Store) changed(ctx context.Context, tx *db.Tx, id int64) error {
	if err := pagecache.Bump(ctx, tx); err != nil {
		return err
	}
	e, err := s.byID(ctx, tx, id, "")
	if err != nil {
		return err
	}
	if err := s.eventProgrammeChanged(ctx, tx, id); err != nil {
		return err
	}
	if e.Status == Draft {
		return search.Delete(ctx, tx, DocType, id)
	}
	return search.Put(ctx, tx, eventDoc(e, tx.Now()))
}

// eventDoc is what search knows of an event at now: its title, and its
// theme, description and venue as the text; its kind, dates and place as
// the result line. Among events that match alike, those not yet over
// come first, then the recent ones: the boost falls by 1/64 (one step of
// the rank key) a year after the end, to 3/4 at most.
func eventDoc(e *Event, now time.Time) search.Doc {
	body := map[string]string{}
	for lang, s := range e.Description.ByLang() {
		body[lang] = s
	}
	for lang, s := range e.Theme.ByLang() {
		body[lang] = s + "\n" + body[lang]
	}
	for _, lang := range i18n.Langs {
		if v := e.VenueFor(lang); v != "" {
			body[lang] += "\n" + v
		}
	}
	boost := 1.0
	if past := now.Sub(e.Ends); past > 0 {
		years := math.Ceil(past.Hours() / (24 * 365.25))
		boost = max(0.75, 1-years/64)
	}
	if e.Status == Cancelled {
		boost = 0.5
	}
	line := map[string]string{}
	for _, lang := range i18n.Langs {
		line[lang] = eventLine(e, lang, now)
	}
	facets := map[string]string{"year": strconv.Itoa(e.Year()), "kind": string(e.Kind)}
	if e.Country != "" {
		facets["country"] = e.Country
	}
	return search.Doc{Type: DocType, ID: e.ID, Title: e.Title.ByLang(), Body: body, URL: fmt.Sprintf("/events/%s", e.Slug),
		Boost: boost, Facets: facets, Line: line}
}

// eventLine is an event's result line in lang: "Summit · 19–21 January
// 2027 · Wuzhen …, China", with "Online" for an online event and
// "Cancelled" for a cancelled one.
func eventLine(e *Event, lang string, now time.Time) string {
	p := i18n.For(lang)
	parts := []string{p.T("events.kind." + string(e.Kind)), e.Dates(lang)}
	place := e.VenueFor(lang)
	if c, ok := geo.Lookup(e.Country); ok {
		if place != "" {
			place += sep(lang, ", ", "，")
		}
		place += c.Name(lang)
	}
	if place != "" {
		parts = append(parts, place)
	}
	if e.OnlineURL != "" {
		parts = append(parts, p.T("events.online"))
	}
	if e.Status == Cancelled {
		parts = append(parts, p.T("events.status.cancelled"))
	}
	return strings.Join(parts, " · ")
}

// Reindex rebuilds the events' part of the search index, in tx.
func (s *Store) Reindex(ctx context.Context, tx *db.Tx) (int, error) {
	if err := search.DeleteType(ctx, tx, DocType); err != nil {
		return 0, err
	}
	list, err := db.All(ctx, tx, "events: reindex", scanEvent, "SELECT "+eventColumns+" FROM events WHERE status <> 'draft' ORDER BY id")
	if err != nil {
		return 0, err
	}
	for _, e := range list {
		if err := search.Put(ctx, tx, eventDoc(e, tx.Now())); err != nil {
			return 0, err
		}
	}
	if _, err := s.reindexProgramme(ctx, tx); err != nil {
		return 0, err
	}
	return len(list), nil
}
