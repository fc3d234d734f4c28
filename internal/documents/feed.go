package documents

import (
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"time"

	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/web"
)

// Publication is a published source version, for the feed.
type Publication struct {
	Doc     *Document
	Version *Version
}

// feedSize is how many publications the feed lists.
const feedSize = 50

// Publications lists the latest publications of source versions, newest
// first, at most limit.
func (s *Store) Publications(ctx context.Context, limit int) ([]Publication, error) {
	docs, err := s.Documents(ctx, Filter{PublishedOnly: true})
	if err != nil {
		return nil, err
	}
	byID := map[int64]*Document{}
	for _, d := range docs {
		byID[d.ID] = d
	}
	list, err := db.All(ctx, s.DB, "documents: publications", scanVersion, "-- documents.Publications\nSELECT "+versionColumns+versionFrom+`
		JOIN documents d ON d.id = v.document_id
		WHERE v.published AND v.lang = d.source_lang ORDER BY v.published_at DESC, v.id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("documents: publications: %w", err)
	}
	var out []Publication
	for _, v := range list {
		if d := byID[v.DocumentID]; d != nil {
			out = append(out, Publication{Doc: d, Version: v})
		}
	}
	return out, nil
}

// The Atom feed (RFC 4287), written with encoding/xml, which escapes
// every text.
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"xml:lang,attr"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomAuthor  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

type atomEntry struct {
	ID        string     `xml:"id"`
	Title     string     `xml:"title"`
	Updated   string     `xml:"updated"`
	Published string     `xml:"published"`
	Links     []atomLink `xml:"link"`
	Summary   atomText   `xml:"summary"`
	Category  []atomCat  `xml:"category"`
}

type atomCat struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr,omitempty"`
}

// feed answers GET /documents/feed.atom: the publications, newest first,
// titled in the reader's language.
func (h *Handlers) feed(c *web.Ctx) error {
	list, err := h.Store.Publications(c.Context(), feedSize)
	if err != nil {
		return err
	}
	p := i18n.For(c.Lang)
	base := c.BaseURL()
	f := atomFeed{Lang: c.Lang, ID: base + "/documents/feed.atom", Title: h.org(c.Context(), c.Lang) + " · " + p.T("documents.archive.title"),
		Updated: time.Unix(0, 0).UTC().Format(time.RFC3339),
		Links: []atomLink{{Rel: "self", Type: "application/atom+xml", Href: base + "/documents/feed.atom"},
			{Rel: "alternate", Type: "text/html", Href: base + "/documents"}},
		Author: atomAuthor{Name: h.org(c.Context(), c.Lang)}}
	for i, pub := range list {
		at := pub.Version.Created
		if pub.Version.PublishedAt != nil {
			at = *pub.Version.PublishedAt
		}
		stamp := at.UTC().Format(time.RFC3339)
		if i == 0 {
			f.Updated = stamp
		}
		href := fmt.Sprintf("%s/documents/%s?version=%d", base, pub.Doc.Slug, pub.Version.Number)
		title := pub.Doc.Title.For(c.Lang) + " · " + p.T("documents.version.number", pub.Version.Number)
		if pub.Version.Name != "" {
			title += p.T("documents.version.named", pub.Version.Name)
		}
		f.Entries = append(f.Entries, atomEntry{ID: href, Title: title, Updated: stamp, Published: stamp,
			Links:    []atomLink{{Rel: "alternate", Type: "text/html", Href: href}, {Rel: "enclosure", Type: "application/pdf", Href: fmt.Sprintf("%s/documents/%s.pdf?version=%d", base, pub.Doc.Slug, pub.Version.Number)}},
			Summary:  atomText{Type: "text", Text: pub.Doc.Summary.For(c.Lang)},
			Category: []atomCat{{Term: string(pub.Doc.Kind), Label: p.T("documents.kind." + string(pub.Doc.Kind))}}})
	}
	b, err := xml.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("documents: feed: %w", err)
	}
	c.W.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	c.W.WriteHeader(http.StatusOK)
	_, err = c.W.Write(append([]byte(xml.Header), b...))
	return err
}
