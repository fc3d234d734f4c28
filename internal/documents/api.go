package documents

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/web"
)

// documentRequest is the body of POST /api/v1/documents.
type documentRequest struct {
	Slug       string   `json:"slug"`
	Kind       Kind     `json:"kind"`
	Year       int      `json:"year"`
	Title      Text     `json:"title"`
	Summary    Text     `json:"summary"`
	Topics     []string `json:"topics"`
	SourceLang string   `json:"source_lang"`
}

func (h *Handlers) apiCreate(c *web.Ctx) error {
	var req documentRequest
	if err := c.DecodeJSON(&req); err != nil {
		return err
	}
	d := &Document{Slug: req.Slug, Kind: req.Kind, Year: req.Year, Title: req.Title, Summary: req.Summary, Topics: req.Topics,
		SourceLang: req.SourceLang}
	if err := h.Store.CreateDocument(c.Context(), c.User, d); err != nil {
		return err
	}
	c.W.Header().Set("Location", "/api/v1/documents/"+d.Slug)
	return c.JSON(http.StatusCreated, d)
}

// versionRequest is the body of POST /api/v1/documents/{slug}/versions.
type versionRequest struct {
	Lang   string `json:"lang"`
	Body   string `json:"body"`
	Name   string `json:"name"`
	Note   string `json:"note"`
	Source int    `json:"source"` // for a translation: the source version; 0 for the latest
}

// paragraphRef is a paragraph's id and printed number.
type paragraphRef struct {
	ID     int `json:"id"`
	Number int `json:"number"`
}

// versionAnswer is the answer to a saved version.
type versionAnswer struct {
	Version    int            `json:"version"`
	Lang       string         `json:"lang"`
	Source     int            `json:"source_version,omitempty"`
	Hash       string         `json:"hash"`
	Name       string         `json:"name,omitempty"`
	Published  bool           `json:"published"`
	Paragraphs []paragraphRef `json:"paragraphs"`
}

func answerOf(v *Version) versionAnswer {
	a := versionAnswer{Version: v.Number, Lang: v.Lang, Source: v.SourceNumber, Hash: v.Hash, Name: v.Name, Published: v.Published,
		Paragraphs: []paragraphRef{}}
	for _, p := range v.Paragraphs {
		a.Paragraphs = append(a.Paragraphs, paragraphRef{ID: p.ID, Number: p.Number})
	}
	return a
}

func (h *Handlers) apiSaveVersion(c *web.Ctx) error {
	var req versionRequest
	if err := c.DecodeJSON(&req); err != nil {
		return err
	}
	v, err := h.Store.SaveVersion(c.Context(), c.User, c.R.PathValue("slug"),
		VersionInput{Lang: req.Lang, Body: req.Body, Name: req.Name, Note: req.Note, Source: req.Source})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, answerOf(v))
}

// publishRequest is the body of POST /api/v1/documents/{slug}/publish.
type publishRequest struct {
	Version int `json:"version"`
}

func (h *Handlers) apiPublish(c *web.Ctx) error {
	var req publishRequest
	if err := c.DecodeJSON(&req); err != nil {
		return err
	}
	if req.Version <= 0 {
		var fe errs.Fields
		fe.Add("version", "documents.version_required")
		return fe.Err()
	}
	v, err := h.Store.Publish(c.Context(), c.User, c.R.PathValue("slug"), req.Version)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, answerOf(v))
}

// queryInt reads a whole number from the query; absent is 0, anything
// else that is not a positive number is a field error.
func queryInt(c *web.Ctx, name string, fe *errs.Fields) int {
	s := c.R.URL.Query().Get(name)
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		fe.Add(name, "documents.number_invalid")
		return 0
	}
	return n
}

// diffAnswer is the answer of GET /api/v1/documents/{slug}/diff.
type diffAnswer struct {
	From       int      `json:"from"`
	To         int      `json:"to"`
	Lang       string   `json:"lang"`
	Paragraphs []Change `json:"paragraphs"`
}

// apiDiff compares two versions per paragraph. Published versions are
// public; comparing a version that is not published needs PermManage
// (anyone else finds nothing).
func (h *Handlers) apiDiff(c *web.Ctx) error {
	var fe errs.Fields
	from, to := queryInt(c, "from", &fe), queryInt(c, "to", &fe)
	if err := fe.Err(); err != nil {
		return err
	}
	cmp, err := h.Store.Compare(c.Context(), c.R.PathValue("slug"), c.R.URL.Query().Get("lang"), from, to, !c.Can(PermManage))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, diffAnswer{From: cmp.From.Number, To: cmp.To.Number, Lang: cmp.To.Lang, Paragraphs: cmp.Changes})
}

// readingAnswer is the answer of GET /api/v1/documents/{slug}.
type readingAnswer struct {
	Slug          string             `json:"slug"`
	Kind          Kind               `json:"kind"`
	Year          int                `json:"year"`
	Topics        []string           `json:"topics"`
	Title         string             `json:"title"`
	Summary       string             `json:"summary"`
	Lang          string             `json:"lang"`
	Version       int                `json:"version"`
	Hash          string             `json:"hash"`
	SourceVersion int                `json:"source_version"`
	SourceHash    string             `json:"source_hash"`
	OutOfDate     bool               `json:"out_of_date"`
	Stale         []int              `json:"stale_paragraphs"`
	Untranslated  []int              `json:"untranslated_paragraphs"`
	Paragraphs    []readingParagraph `json:"paragraphs"`
	Removed       []removedAnswer    `json:"removed_paragraphs"`
	Endorsements  Endorsements       `json:"endorsements"`
}

type readingParagraph struct {
	ID     int    `json:"id"`
	Number int    `json:"number"`
	Kind   string `json:"kind"`
	Lang   string `json:"lang"`
	Text   string `json:"text"`
	Stale  bool   `json:"stale,omitempty"`
}

type removedAnswer struct {
	ID        int `json:"id"`
	LastIn    int `json:"last_version"`
	RemovedIn int `json:"removed_in"`
}

// apiRead answers a published document in the language asked for (or the
// reader's), with its endorsements.
func (h *Handlers) apiRead(c *web.Ctx) error {
	var fe errs.Fields
	number := queryInt(c, "version", &fe)
	lang := c.R.URL.Query().Get("lang")
	if lang == "" {
		lang = c.Lang
	} else if !validLang(lang) {
		fe.Add("lang", "documents.lang_invalid")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	r, err := h.Store.Read(c.Context(), c.R.PathValue("slug"), lang, number)
	if err != nil {
		return err
	}
	e, err := h.Store.EndorsementsOf(c.Context(), r.Source.ID)
	if err != nil {
		return err
	}
	a := readingAnswer{Slug: r.Doc.Slug, Kind: r.Doc.Kind, Year: r.Doc.Year, Topics: r.Doc.Topics, Title: r.Doc.Title.For(lang),
		Summary: r.Doc.Summary.For(lang), Lang: r.Text.Lang, Version: r.Text.Number, Hash: r.Text.Hash, SourceVersion: r.Source.Number,
		SourceHash: r.Source.Hash, OutOfDate: r.OutOfDate, Stale: orNone(r.Stale), Untranslated: orNone(r.Untranslated),
		Paragraphs: []readingParagraph{}, Removed: []removedAnswer{}, Endorsements: e}
	for _, p := range r.Paragraphs {
		a.Paragraphs = append(a.Paragraphs, readingParagraph{ID: p.ID, Number: p.Number, Kind: p.Kind, Lang: p.Lang, Text: p.Text, Stale: p.Stale})
	}
	for _, p := range r.Removed {
		a.Removed = append(a.Removed, removedAnswer{ID: p.ID, LastIn: p.LastIn, RemovedIn: p.RemovedIn})
	}
	return c.JSON(http.StatusOK, a)
}

func orNone(l []int) []int {
	if l == nil {
		return []int{}
	}
	return l
}

// listItem is one document of GET /api/v1/documents.
type listItem struct {
	Slug        string   `json:"slug"`
	Kind        Kind     `json:"kind"`
	Year        int      `json:"year"`
	Topics      []string `json:"topics"`
	Title       Text     `json:"title"`
	Summary     Text     `json:"summary"`
	URL         string   `json:"url"`
	PublishedAt string   `json:"published_at"`
}

func (h *Handlers) apiList(c *web.Ctx) error {
	f, err := filterOf(c)
	if err != nil {
		return err
	}
	list, err := h.Store.Documents(c.Context(), f)
	if err != nil {
		return err
	}
	out := []listItem{}
	for _, d := range list {
		it := listItem{Slug: d.Slug, Kind: d.Kind, Year: d.Year, Topics: d.Topics, Title: d.Title, Summary: d.Summary,
			URL: c.BaseURL() + "/documents/" + d.Slug}
		if d.PublishedAt != nil {
			it.PublishedAt = d.PublishedAt.UTC().Format("2006-01-02T15:04:05Z07:00")
		}
		out = append(out, it)
	}
	return c.JSON(http.StatusOK, map[string]any{"documents": out})
}

// filterOf reads the archive's filter (year, kind) from the query: only
// published documents.
func filterOf(c *web.Ctx) (Filter, error) {
	var fe errs.Fields
	f := Filter{PublishedOnly: true, Year: queryInt(c, "year", &fe), Kind: Kind(c.R.URL.Query().Get("kind"))}
	if f.Kind != "" && !validKind(f.Kind) {
		fe.Add("kind", "documents.kind_invalid")
	}
	return f, fe.Err()
}

func validKind(k Kind) bool { return slices.Contains(Kinds, k) }
