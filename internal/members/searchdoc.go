package members

import (
	"context"
	"fmt"
	"strings"

	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/pagecache"
	"github.com/wuzhen/wuzhen/internal/search"
)

// DocType is the search type of members. Stored, do not rename.
const DocType = "member"

// memberChanged is called in the transaction of every change to a member
// that the public sees: the page cache drops its pages, and the search
// index gets the member as it now is (or loses it, when it is no longer
// active: the public sees active members only).
func memberChanged(ctx context.Context, tx *db.Tx, id int64) error {
	if err := pagecache.Bump(ctx, tx); err != nil {
		return err
	}
	m, err := scanMember(tx.QueryRow(ctx, "SELECT "+memberColumns+" FROM members WHERE id = ?", id))
	if err != nil {
		return fmt.Errorf("members: index %d: %w", id, err)
	}
	if m.Standing != Active {
		return search.Delete(ctx, tx, DocType, id)
	}
	return search.Put(ctx, tx, memberDoc(m))
}

// memberDoc is what search knows of a member: its names as the title, its
// descriptions and acronym as the text, its country and stakeholder group
// as the result line, and the facets the results page filters by.
func memberDoc(m *Member) search.Doc {
	title, body := map[string]string{}, map[string]string{}
	for lang, s := range map[string]string{"en": m.Name.En, "zh-Hans": m.Name.Hans, "zh-Hant": m.Name.Hant} {
		if s != "" {
			title[lang] = s
		}
	}
	for lang, s := range map[string]string{"en": m.Description.En, "zh-Hans": m.Description.Hans, "zh-Hant": m.Description.Hant} {
		if s = strings.TrimSpace(strings.TrimSpace(s) + " " + m.Acronym); s != "" {
			body[lang] = s
		}
	}
	line := map[string]string{}
	for _, lang := range i18n.Langs {
		parts := []string{}
		if c := m.CountryName(lang); c != "" {
			parts = append(parts, c)
		}
		if m.Group != "" {
			parts = append(parts, i18n.For(lang).T("members.group."+string(m.Group)))
		}
		line[lang] = strings.Join(parts, " · ")
	}
	return search.Doc{
		Type: DocType, ID: m.ID, Title: title, Body: body, URL: fmt.Sprintf("/members/%d", m.ID), Boost: 1,
		Facets: map[string]string{"country": m.Country, "continent": m.Continent.Code(), "year": m.JoinedOn[:4]},
		Line:   line,
	}
}

// Reindex rebuilds the members' part of the search index from the members
// table, in tx. For `wuzhen reindex`.
func (s *Store) Reindex(ctx context.Context, tx *db.Tx) (int, error) {
	if err := search.DeleteType(ctx, tx, DocType); err != nil {
		return 0, err
	}
	list, err := db.All(ctx, tx, "members: reindex", scanMember, "SELECT "+memberColumns+" FROM members WHERE status = 'active' ORDER BY id")
	if err != nil {
		return 0, err
	}
	for _, m := range list {
		if err := search.Put(ctx, tx, memberDoc(m)); err != nil {
			return 0, err
		}
	}
	return len(list), nil
}
