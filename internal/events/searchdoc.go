package events

import (
	"context"
	"fmt"
	"strconv"

	"github.com/wuzhen/wuzhen/internal/db"
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
	return search.Put(ctx, tx, eventDoc(e))
}

// eventDoc is what search knows of an event: its title, and its theme,
// description and venue as the text.
func eventDoc(e *Event) search.Doc {
	body := map[string]string{}
	for lang, s := range e.Description.ByLang() {
		body[lang] = s
	}
	for lang, s := range e.Theme.ByLang() {
		body[lang] = s + "\n" + body[lang]
	}
	if e.Venue != "" {
		body["en"] += "\n" + e.Venue
	}
	boost := 1.0
	if e.Status == Cancelled {
		boost = 0.5
	}
	facets := map[string]string{"year": strconv.Itoa(e.Year()), "kind": string(e.Kind)}
	if e.Country != "" {
		facets["country"] = e.Country
	}
	return search.Doc{Type: DocType, ID: e.ID, Title: e.Title.ByLang(), Body: body, URL: fmt.Sprintf("/events/%s", e.Slug),
		Boost: boost, Facets: facets}
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
		if err := search.Put(ctx, tx, eventDoc(e)); err != nil {
			return 0, err
		}
	}
	if _, err := s.reindexProgramme(ctx, tx); err != nil {
		return 0, err
	}
	return len(list), nil
}
