package documents

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/web"
)

// options are the choices the secretariat's forms offer.
type options struct {
	Kinds  []Kind
	Topics []string
	Langs  []string
}

// Has reports whether list holds v, for checkboxes.
func (options) Has(list []string, v string) bool { return slices.Contains(list, v) }

var formOptions = options{Kinds: Kinds, Topics: Topics, Langs: i18n.Langs}

// adminList answers GET /admin/documents: every document, drafts too.
func (h *Handlers) adminList(c *web.Ctx) error {
	list, err := h.Store.Documents(c.Context(), Filter{})
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "documents/admin_list", list)
}

// documentForm reads the document form.
func documentForm(f *web.Form) (*Document, errs.Fields) {
	var fe errs.Fields
	d := &Document{Slug: f.Get("slug"), Kind: Kind(f.Get("kind")), SourceLang: f.Get("source_lang"), Topics: f.Values["topics"],
		Title:   Text{En: f.Get("title_en"), Hans: f.Get("title_zh_hans"), Hant: f.Get("title_zh_hant")},
		Summary: Text{En: f.Get("summary_en"), Hans: f.Get("summary_zh_hans"), Hant: f.Get("summary_zh_hant")}}
	if y, err := strconv.Atoi(f.Get("year")); err == nil {
		d.Year = y
	} else {
		fe.Add("year", "documents.year_invalid", minYear, maxYear)
	}
	return d, fe
}

func formOfDocument(d *Document) *web.Form {
	return &web.Form{Values: url.Values{"slug": {d.Slug}, "kind": {string(d.Kind)}, "year": {strconv.Itoa(d.Year)}, "topics": d.Topics,
		"source_lang": {d.SourceLang}, "title_en": {d.Title.En}, "title_zh_hans": {d.Title.Hans}, "title_zh_hant": {d.Title.Hant},
		"summary_en": {d.Summary.En}, "summary_zh_hans": {d.Summary.Hans}, "summary_zh_hant": {d.Summary.Hant}}}
}

// documentFormData is the data of the document form.
type documentFormData struct {
	Doc     *Document // nil for a new document
	Options options
}

func (h *Handlers) renderDocumentForm(c *web.Ctx, status int, f *web.Form, d *Document) error {
	return c.RenderForm(status, "documents/document_form", f, documentFormData{Doc: d, Options: formOptions})
}

func (h *Handlers) newForm(c *web.Ctx) error {
	f := &web.Form{Values: url.Values{"kind": {string(KindReport)}, "source_lang": {i18n.En}, "year": {strconv.Itoa(c.Now().Year())}}}
	return h.renderDocumentForm(c, http.StatusOK, f, nil)
}

func (h *Handlers) create(c *web.Ctx) error {
	f, err := c.Form()
	if err != nil {
		return err
	}
	d, fe := documentForm(f)
	if len(fe) > 0 {
		err = withFields(d.validate(), fe)
	} else {
		err = h.Store.CreateDocument(c.Context(), c.User, d)
	}
	if err != nil {
		return h.renderDocumentForm(c, c.Fail(f, err), f, nil)
	}
	return c.Redirect("/admin/documents/" + d.Slug)
}

func (h *Handlers) editForm(c *web.Ctx) error {
	d, err := h.Store.Document(c.Context(), c.R.PathValue("slug"))
	if err != nil {
		return err
	}
	return h.renderDocumentForm(c, http.StatusOK, formOfDocument(d), d)
}

func (h *Handlers) edit(c *web.Ctx) error {
	old, err := h.Store.Document(c.Context(), c.R.PathValue("slug"))
	if err != nil {
		return err
	}
	f, err := c.Form()
	if err != nil {
		return err
	}
	d, fe := documentForm(f)
	d.Slug = old.Slug
	if len(fe) > 0 {
		err = withFields(d.validate(), fe)
	} else {
		err = h.Store.UpdateDocument(c.Context(), c.User, old.Slug, d)
	}
	if err != nil {
		return h.renderDocumentForm(c, c.Fail(f, err), f, old)
	}
	return c.Redirect("/admin/documents/" + old.Slug)
}

// withFields adds fe to err's field errors (or makes err of them).
func withFields(err error, fe errs.Fields) error {
	if e, ok := errs.As(err); ok && e.Code == errs.Invalid {
		for _, f := range fe {
			if !errs.Fields(e.Fields).Has(f.Name) {
				e.Fields = append(e.Fields, f)
			}
		}
		return e
	}
	if err != nil {
		return err
	}
	return fe.Err()
}

// adminData is the data of a document's drafting page.
type adminData struct {
	Doc          *Document
	Versions     []*Version
	Translations []TranslationState
	Options      options
	// Lang is the language of the version form; Sources the source
	// versions a translation may translate.
	Lang    string
	Sources []*Version
}

// LangName names a language in the interface's language.
func (d adminData) LangName(p *i18n.Printer, tag string) string { return p.T("documents.lang." + tag) }

func (h *Handlers) renderAdmin(c *web.Ctx, status int, f *web.Form, slug string) error {
	d, err := h.Store.Document(c.Context(), slug)
	if err != nil {
		return err
	}
	data := adminData{Doc: d, Options: formOptions, Lang: d.SourceLang}
	if data.Versions, err = h.Store.Versions(c.Context(), d.ID); err != nil {
		return err
	}
	if data.Translations, err = h.Store.Translations(c.Context(), d); err != nil {
		return err
	}
	for _, v := range data.Versions {
		if v.Lang == d.SourceLang {
			data.Sources = append(data.Sources, v)
		}
	}
	if f == nil {
		// The form starts from the latest text in the language asked
		// for (?text=; ?lang= is the interface's), or the source
		// language.
		lang := c.R.URL.Query().Get("text")
		if !validLang(lang) {
			lang = d.SourceLang
		}
		f = &web.Form{Values: url.Values{"lang": {lang}}}
		for _, v := range data.Versions {
			if v.Lang == lang {
				_, full, err := h.Store.Version(c.Context(), slug, v.Number)
				if err != nil {
					return err
				}
				f.Values.Set("body", full.Body)
				break
			}
		}
		if f.Get("body") == "" && lang != d.SourceLang && len(data.Sources) > 0 {
			// A first translation starts from the source text.
			_, full, err := h.Store.Version(c.Context(), slug, data.Sources[0].Number)
			if err != nil {
				return err
			}
			f.Values.Set("body", full.Body)
		}
	}
	if validLang(f.Get("lang")) {
		data.Lang = f.Get("lang")
	}
	return c.RenderForm(status, "documents/admin_document", f, data)
}

// adminDocument answers GET /admin/documents/{slug}: the versions, the
// translations' state, and the form to save a new version.
func (h *Handlers) adminDocument(c *web.Ctx) error {
	return h.renderAdmin(c, http.StatusOK, nil, c.R.PathValue("slug"))
}

// saveVersion answers POST /admin/documents/{slug}/versions.
func (h *Handlers) saveVersion(c *web.Ctx) error {
	slug := c.R.PathValue("slug")
	f, err := c.Form()
	if err != nil {
		return err
	}
	in := VersionInput{Lang: f.Get("lang"), Body: f.Get("body"), Name: f.Get("name"), Note: f.Get("note")}
	if s := f.Get("source"); s != "" {
		if in.Source, err = strconv.Atoi(s); err != nil || in.Source < 0 {
			var fe errs.Fields
			fe.Add("source", "documents.number_invalid")
			return h.renderAdmin(c, c.Fail(f, fe.Err()), f, slug)
		}
	}
	v, err := h.Store.SaveVersion(c.Context(), c.User, slug, in)
	if err != nil {
		return h.renderAdmin(c, c.Fail(f, err), f, slug)
	}
	return c.Redirect("/admin/documents/" + slug + "/versions/" + strconv.Itoa(v.Number))
}

// versionData is the data of a version's page for the secretariat.
type versionData struct {
	Doc     *Document
	Version *Version
	Reading pageData
}

func (h *Handlers) versionNumber(c *web.Ctx) (int, error) {
	n, err := strconv.Atoi(c.R.PathValue("number"))
	if err != nil || n <= 0 {
		return 0, web.NotFound()
	}
	return n, nil
}

func (h *Handlers) renderVersion(c *web.Ctx, status int, f *web.Form) error {
	n, err := h.versionNumber(c)
	if err != nil {
		return err
	}
	d, v, err := h.Store.Version(c.Context(), c.R.PathValue("slug"), n)
	if err != nil {
		return err
	}
	r := &Reading{Doc: d, Source: v, Text: v, ReaderLang: v.Lang}
	for _, p := range v.Paragraphs {
		r.Paragraphs = append(r.Paragraphs, ReadingParagraph{Paragraph: p, Lang: v.Lang})
	}
	pd, err := h.pageDataOf(c, r)
	if err != nil {
		return err
	}
	if f == nil {
		f = &web.Form{Values: url.Values{"name": {v.Name}, "note": {v.Note}}}
	}
	return c.RenderForm(status, "documents/admin_version", f, versionData{Doc: d, Version: v, Reading: pd})
}

// adminVersion answers GET /admin/documents/{slug}/versions/{number}: the
// version's text as it will read, its paragraph ids, and its name.
func (h *Handlers) adminVersion(c *web.Ctx) error { return h.renderVersion(c, http.StatusOK, nil) }

// nameVersion answers POST /admin/documents/{slug}/versions/{number}/name.
func (h *Handlers) nameVersion(c *web.Ctx) error {
	n, err := h.versionNumber(c)
	if err != nil {
		return err
	}
	f, err := c.Form()
	if err != nil {
		return err
	}
	if err := h.Store.NameVersion(c.Context(), c.User, c.R.PathValue("slug"), n, f.Get("name"), f.Get("note")); err != nil {
		return h.renderVersion(c, c.Fail(f, err), f)
	}
	return c.Redirect("/admin/documents/" + c.R.PathValue("slug") + "/versions/" + strconv.Itoa(n))
}

// publishVersion answers POST /admin/documents/{slug}/versions/{number}/publish.
func (h *Handlers) publishVersion(c *web.Ctx) error {
	n, err := h.versionNumber(c)
	if err != nil {
		return err
	}
	if _, err := h.Store.Publish(c.Context(), c.User, c.R.PathValue("slug"), n); err != nil {
		return err
	}
	return c.Redirect("/admin/documents/" + c.R.PathValue("slug") + "/versions/" + strconv.Itoa(n))
}

// adminCompare answers GET /admin/documents/{slug}/compare: any two
// versions side by side, drafts too.
func (h *Handlers) adminCompare(c *web.Ctx) error { return h.renderCompare(c, true) }
