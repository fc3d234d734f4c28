package main

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/wuzhen/wuzhen/internal/documents"
	"github.com/wuzhen/wuzhen/internal/i18n"
)

// The hostile-input entries of the outcome documents' POST routes (see
// hostileForms), and the document the routes act on.

// proofDocument returns the slug of the test's document, made with one
// version the first time.
func (h *hostileEnv) proofDocument() string {
	h.t.Helper()
	const slug = "proof-document"
	if _, err := h.a.docs.Document(h.ctx, slug); err == nil {
		return slug
	}
	sec := h.actor("secretariat")
	if err := h.a.docs.CreateDocument(h.ctx, sec, &documents.Document{Slug: slug, Kind: documents.KindReport, Year: 2030,
		Title: i18n.Text{En: "Proof Document"}}); err != nil {
		h.t.Fatal(err)
	}
	if _, err := h.a.docs.SaveVersion(h.ctx, sec, slug, documents.VersionInput{Body: "# Proof\n\nA proof paragraph."}); err != nil {
		h.t.Fatal(err)
	}
	return slug
}

// documentField is what a document keeps of a form or API field.
func documentField(d *documents.Document, field string) (string, bool) {
	v, ok := map[string]string{"slug": d.Slug, "kind": string(d.Kind), "source_lang": d.SourceLang,
		"title_en": d.Title.En, "title_zh_hans": d.Title.Hans, "title_zh_hant": d.Title.Hant,
		"summary_en": d.Summary.En, "summary_zh_hans": d.Summary.Hans, "summary_zh_hant": d.Summary.Hant,
		"title.en": d.Title.En, "title.zh-Hans": d.Title.Hans, "title.zh-Hant": d.Title.Hant,
		"summary.en": d.Summary.En, "summary.zh-Hans": d.Summary.Hans, "summary.zh-Hant": d.Summary.Hant}[field]
	return v, ok
}

// bodyKept is what a version keeps of a body: its blocks, trimmed, one
// blank line apart.
func bodyKept(s string) string { return strings.Join(documents.SplitBlocks(s), "\n\n") }

// versionField is what a version keeps of a form or API field.
func (h *hostileEnv) versionField(slug string, number int, field string) (string, bool) {
	_, v, err := h.a.docs.Version(h.ctx, slug, number)
	if err != nil {
		h.t.Fatal(err)
	}
	val, ok := map[string]string{"body": v.Body, "name": v.Name, "note": v.Note, "lang": v.Lang}[field]
	return val, ok
}

// documentForm is a new document (or, edit, the proof document changed)
// through the secretariat's form.
func documentForm(edit bool) *hostileForm {
	f := &hostileForm{who: "secretariat", target: func(*hostileEnv) string { return "/admin/documents/new" },
		base: map[string]string{"slug": "proof-doc-%n", "kind": "report", "year": "2030", "source_lang": "en",
			"title_en": "Proof Document %n", "summary_en": "A summary."},
		accepted: redirectTo(`^/admin/documents/[a-z0-9-]+$`),
		stored:   fromPage("secretariat", func(_ *hostileEnv, r hostileResponse) string { return location(r) + "/edit" })}
	f.fields = []hostileField{{name: "slug", code: true}, {name: "kind", choice: true}, {name: "year", code: true},
		{name: "source_lang", choice: true}, {name: "title_en", errID: "e-title"},
		{name: "title_zh_hans", errID: "e-title", variant: true}, {name: "title_zh_hant", errID: "e-title", variant: true},
		{name: "summary_en", errID: "e-summary"}, {name: "summary_zh_hans", errID: "e-summary", variant: true},
		{name: "summary_zh_hant", errID: "e-summary", variant: true}}
	if edit {
		f.short = true // the form of "POST /admin/documents/new", with Store.UpdateDocument
		f.target = func(h *hostileEnv) string { return "/admin/documents/" + h.proofDocument() + "/edit" }
		f.fields = f.fields[1:] // the slug is the path's
		// The language of the text is fixed once a version is saved.
		f.fields = append(f.fields[:2], f.fields[3:]...)
	}
	return f
}

// versionForm is a new version of the proof document through the
// secretariat's form.
func versionForm() *hostileForm {
	return &hostileForm{who: "secretariat", base: map[string]string{"lang": "en", "body": "# Proof\n\nProof text %n.", "name": "Proof %n"},
		target:   func(h *hostileEnv) string { return "/admin/documents/" + h.proofDocument() + "/versions" },
		accepted: redirectTo(`^/admin/documents/proof-document/versions/\d+$`),
		stored: func(h *hostileEnv, r hostileResponse, _ map[string]string, field string) (string, bool) {
			return h.versionField("proof-document", int(lastID(location(r))), field)
		},
		fields: []hostileField{{name: "lang", choice: true}, {name: "source", code: true}, {name: "body", norm: bodyKept},
			{name: "name"}, {name: "note"}}}
}

// versionNameForm names the proof document's first version.
func versionNameForm() *hostileForm {
	return &hostileForm{who: "secretariat", base: map[string]string{"name": "Final %n", "note": "Adopted."},
		target:   func(h *hostileEnv) string { return "/admin/documents/" + h.proofDocument() + "/versions/1/name" },
		accepted: redirectTo(`^/admin/documents/proof-document/versions/1$`),
		stored: func(h *hostileEnv, _ hostileResponse, _ map[string]string, field string) (string, bool) {
			return h.versionField("proof-document", 1, field)
		},
		fields: []hostileField{{name: "name"}, {name: "note"}}}
}

// apiDocumentForm is a new document through the API.
func apiDocumentForm() *hostileForm {
	return &hostileForm{who: "secretariat", api: true, target: func(*hostileEnv) string { return "/api/v1/documents" },
		base: map[string]string{"slug": "proof-api-doc-%n", "kind": "statement", "year": "json:2030", "title.en": "Proof Statement %n",
			"topics": `json:["governance"]`},
		fields: []hostileField{{name: "slug", code: true}, {name: "kind", choice: true}, {name: "source_lang", code: true},
			{name: "title.en", errID: "title"}, {name: "title.zh-Hans", errID: "title", variant: true},
			{name: "title.zh-Hant", errID: "title", variant: true}, {name: "summary.en", errID: "summary"},
			{name: "summary.zh-Hans", errID: "summary", variant: true}},
		accepted: answered(http.StatusCreated),
		stored: func(h *hostileEnv, r hostileResponse, _ map[string]string, field string) (string, bool) {
			d, err := h.a.docs.Document(h.ctx, strings.TrimPrefix(r.header.Get("Location"), "/api/v1/documents/"))
			if err != nil {
				h.t.Fatal(err)
			}
			return documentField(d, field)
		}}
}

// apiVersionForm is a new version of the proof document through the API.
func apiVersionForm() *hostileForm {
	return &hostileForm{who: "secretariat", api: true, base: map[string]string{"body": "Proof text %n.", "note": "A note."},
		target:   func(h *hostileEnv) string { return "/api/v1/documents/" + h.proofDocument() + "/versions" },
		fields:   []hostileField{{name: "lang", code: true}, {name: "body", norm: bodyKept}, {name: "name"}, {name: "note"}},
		accepted: answered(http.StatusCreated),
		stored: func(h *hostileEnv, r hostileResponse, _ map[string]string, field string) (string, bool) {
			var out struct{ Version int }
			if err := json.Unmarshal([]byte(r.body), &out); err != nil {
				h.t.Fatalf("no version in %q", r.body)
			}
			return h.versionField("proof-document", out.Version, field)
		}}
}

// documentsHostileForms are the documents' entries of hostileForms.
func documentsHostileForms() map[string]*hostileForm {
	return map[string]*hostileForm{
		"POST /admin/documents/new":                              documentForm(false),
		"POST /admin/documents/{slug}/edit":                      documentForm(true),
		"POST /admin/documents/{slug}/versions":                  versionForm(),
		"POST /admin/documents/{slug}/versions/{number}/name":    versionNameForm(),
		"POST /admin/documents/{slug}/versions/{number}/publish": {none: "no fields: publishes the version in the path"},
		"POST /api/v1/documents":                                 apiDocumentForm(),
		"POST /api/v1/documents/{slug}/versions":                 apiVersionForm(),
		"POST /api/v1/documents/{slug}/publish":                  {none: "a version number only, a JSON number (documents.TestDocumentsAPI)"},
	}
}
