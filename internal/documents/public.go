package documents

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/web"
)

// yearGroup is one year of the archive.
type yearGroup struct {
	Year      int
	Documents []*Document
}

// archiveData is the data of the archive page.
type archiveData struct {
	Filter Filter
	Years  []int  // every year with a published document
	Kinds  []Kind // every kind, for the filter
	Groups []yearGroup
	Total  int
}

// archive answers GET /documents: the published documents by year,
// filtered by year and kind.
func (h *Handlers) archive(c *web.Ctx) error {
	f, err := filterOf(c)
	if err != nil {
		return err
	}
	all, err := h.Store.Documents(c.Context(), Filter{PublishedOnly: true})
	if err != nil {
		return err
	}
	d := archiveData{Filter: f, Kinds: Kinds}
	for _, doc := range all {
		if !slices.Contains(d.Years, doc.Year) {
			d.Years = append(d.Years, doc.Year)
		}
		if (f.Year != 0 && doc.Year != f.Year) || (f.Kind != "" && doc.Kind != f.Kind) {
			continue
		}
		d.Total++
		if n := len(d.Groups); n == 0 || d.Groups[n-1].Year != doc.Year {
			d.Groups = append(d.Groups, yearGroup{Year: doc.Year})
		}
		g := &d.Groups[len(d.Groups)-1]
		g.Documents = append(g.Documents, doc)
	}
	return c.Render(http.StatusOK, "documents/archive", d)
}

// pageData is the data of a document's public page.
type pageData struct {
	*Reading
	Endorsements Endorsements
	Contents     []contentsEntry
	Notes        []ReadingParagraph
	Body         []ReadingParagraph // the paragraphs but the footnotes
	Latest       bool               // the published version, not an earlier one
	Permalink    string             // the address to cite, without a fragment
	Org          string             // the organisation's name, for the plain HTML download
	Plain        bool               // the plain HTML download, without the site's style
	// Consultations are the document's consultations, the latest first
	// (documents-page-hook links them).
	Consultations []*Consultation
}

// contentsEntry is a heading in the table of contents.
type contentsEntry struct {
	ID    int
	Level int
	Text  string
}

// LangName names a language in the reader's language.
func (d pageData) LangName(tag string) string {
	return i18n.For(d.ReaderLang).T("documents.lang." + tag)
}

// Ref names paragraph id as the reader sees it: "¶3", or a heading's
// text.
func (d pageData) Ref(id int) string {
	ps := make([]Paragraph, len(d.Paragraphs))
	for i, p := range d.Paragraphs {
		ps[i] = p.Paragraph
	}
	return refOf(ps, id)
}

// refOf names paragraph id of ps: "¶3", or a heading's text.
func refOf(ps []Paragraph, id int) string {
	for _, p := range ps {
		if p.ID != id {
			continue
		}
		if p.Number > 0 {
			return "¶" + strconv.Itoa(p.Number)
		}
		return plainSpans(p.Block().Spans)
	}
	return "¶"
}

// IsStale reports whether paragraph id is shown from an out-of-date translation.
func (d pageData) IsStale(id int) bool { return slices.Contains(d.Stale, id) }

func (h *Handlers) pageDataOf(c *web.Ctx, r *Reading) (pageData, error) {
	e, err := h.Store.EndorsementsOf(c.Context(), r.Source.ID)
	if err != nil {
		return pageData{}, err
	}
	d := pageData{Reading: r, Endorsements: e, Latest: r.Source.ID == r.Doc.PublishedVersionID,
		Permalink: c.BaseURL() + "/documents/" + r.Doc.Slug}
	if d.Consultations, err = h.Store.Consultations(c.Context(), r.Doc.ID); err != nil {
		return pageData{}, err
	}
	for _, p := range r.Paragraphs {
		switch p.Kind {
		case BlockFootnote:
			d.Notes = append(d.Notes, p)
			continue
		case BlockHeading:
			b := p.Block()
			d.Contents = append(d.Contents, contentsEntry{ID: p.ID, Level: b.Level, Text: plainSpans(b.Spans)})
		}
		d.Body = append(d.Body, p)
	}
	return d, nil
}

// document answers GET /documents/{slug}: the published document in the
// reader's language and script (?version= an earlier published version),
// and, for {slug}.pdf and {slug}.html, its downloads.
func (h *Handlers) document(c *web.Ctx) error {
	slug := c.R.PathValue("slug")
	format := ""
	for _, ext := range []string{".pdf", ".html"} {
		if s, ok := strings.CutSuffix(slug, ext); ok {
			slug, format = s, ext
		}
	}
	var fe errs.Fields
	number := queryInt(c, "version", &fe)
	if len(fe) > 0 {
		return web.NotFound()
	}
	r, err := h.Store.Read(c.Context(), slug, c.Lang, number)
	if err != nil {
		return err
	}
	switch format {
	case ".pdf":
		b, err := RenderPDF(r, h.org(c.Context(), c.Lang))
		if err != nil {
			return err
		}
		hd := c.W.Header()
		hd.Set("Content-Type", "application/pdf")
		hd.Set("Content-Disposition", fmt.Sprintf("inline; filename=%q", fmt.Sprintf("%s-v%d-%s.pdf", slug, r.Source.Number, c.Lang)))
		c.W.WriteHeader(http.StatusOK)
		_, err = c.W.Write(b)
		return err
	case ".html":
		d, err := h.pageDataOf(c, r)
		if err != nil {
			return err
		}
		return h.plainHTML(c, d)
	}
	d, err := h.pageDataOf(c, r)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "documents/document", d)
}

// plainHTML answers the document as one HTML file of its own: no layout,
// no script, no style but its own, to keep or print.
func (h *Handlers) plainHTML(c *web.Ctx, d pageData) error {
	set := h.plain(c)
	if set == nil {
		return fmt.Errorf("documents: no plain template")
	}
	var buf bytes.Buffer
	d.Org, d.Plain = h.org(c.Context(), c.Lang), true
	if err := set.ExecuteTemplate(&buf, "plain", d); err != nil {
		return fmt.Errorf("documents: plain HTML: %w", err)
	}
	hd := c.W.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Content-Security-Policy", plainCSP)
	hd.Set("Content-Disposition", fmt.Sprintf("inline; filename=%q", fmt.Sprintf("%s-v%d-%s.html", d.Doc.Slug, d.Source.Number, c.Lang)))
	c.W.WriteHeader(http.StatusOK)
	_, err := c.W.Write(buf.Bytes())
	return err
}

// org is the organisation's name in lang.
func (h *Handlers) org(ctx context.Context, lang string) string {
	if h.Org != nil {
		if n := h.Org(ctx, lang); n != "" {
			return n
		}
	}
	return i18n.For(lang).T("site.default_name")
}

// compareData is the data of the comparison pages.
type compareData struct {
	*Comparison
	Versions []*Version // the versions one may choose, newest first
	Admin    bool
}

// comparePage answers GET /documents/{slug}/compare?from=&to=: two
// published versions side by side, per paragraph.
func (h *Handlers) comparePage(c *web.Ctx) error {
	return h.renderCompare(c, false)
}

func (h *Handlers) renderCompare(c *web.Ctx, admin bool) error {
	var fe errs.Fields
	from, to := queryInt(c, "from", &fe), queryInt(c, "to", &fe)
	if err := fe.Err(); err != nil {
		return err
	}
	// The versions' numbers name their language: ?lang= is the
	// interface's, not the text's.
	cmp, err := h.Store.Compare(c.Context(), c.R.PathValue("slug"), "", from, to, !admin)
	if err != nil {
		return err
	}
	all, err := h.Store.Versions(c.Context(), cmp.Doc.ID)
	if err != nil {
		return err
	}
	d := compareData{Comparison: cmp, Admin: admin}
	for _, v := range all {
		if v.Lang == cmp.To.Lang && (admin || v.Published) {
			d.Versions = append(d.Versions, v)
		}
	}
	page := "documents/compare"
	return c.Render(http.StatusOK, page, d)
}
