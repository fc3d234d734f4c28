package documents

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/search"
)

// DocType is the search type of documents. Stored, do not rename.
const DocType = "document"

// index puts document id into search as the public reads it (or takes it
// out while nothing is published), in tx.
func (s *Store) index(ctx context.Context, tx *db.Tx, id int64) error {
	d, err := s.document(ctx, tx, "id = ?", id)
	if err != nil {
		return err
	}
	if !d.Published() {
		return search.Delete(ctx, tx, DocType, id)
	}
	doc, err := s.searchDoc(ctx, tx, d)
	if err != nil {
		return err
	}
	return search.Put(ctx, tx, doc)
}

// searchDoc is what search knows of a published document: its title, and
// its summary and published text in every language it exists in (the
// source version the public reads, and each language's latest published
// translation).
func (s *Store) searchDoc(ctx context.Context, q db.Querier, d *Document) (search.Doc, error) {
	body := map[string]string{}
	for lang, t := range d.Summary.ByLang() {
		body[lang] = t
	}
	src, err := s.version(ctx, q, "v.id = ?", d.PublishedVersionID)
	if err != nil {
		return search.Doc{}, err
	}
	texts := map[string]*Version{d.SourceLang: src}
	for _, lang := range otherLangs(d.SourceLang) {
		t, err := s.translation(ctx, q, d.ID, lang, src.Number)
		if err != nil {
			return search.Doc{}, err
		}
		if t != nil {
			texts[lang] = t
		}
	}
	for lang, v := range texts {
		var sb strings.Builder
		sb.WriteString(body[lang])
		for _, p := range v.Paragraphs {
			sb.WriteString("\n")
			sb.WriteString(p.Block().Plain())
		}
		body[lang] = sb.String()
	}
	return search.Doc{Type: DocType, ID: d.ID, Title: d.Title.ByLang(), Body: body, URL: fmt.Sprintf("/documents/%s", d.Slug),
		Facets: map[string]string{"year": strconv.Itoa(d.Year), "kind": string(d.Kind)}}, nil
}

// Reindex rebuilds the documents' part of the search index, in tx.
func (s *Store) Reindex(ctx context.Context, tx *db.Tx) (int, error) {
	if err := search.DeleteType(ctx, tx, DocType); err != nil {
		return 0, err
	}
	list, err := db.All(ctx, tx, "documents: reindex", scanDocument, "-- documents.Reindex\nSELECT "+documentColumns+
		" FROM documents WHERE published_version_id IS NOT NULL ORDER BY id")
	if err != nil {
		return 0, err
	}
	for _, d := range list {
		doc, err := s.searchDoc(ctx, tx, d)
		if err != nil {
			return 0, err
		}
		if err := search.Put(ctx, tx, doc); err != nil {
			return 0, err
		}
	}
	return len(list), nil
}
