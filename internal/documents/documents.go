// Package documents keeps the organisation's outcome documents: an
// initiative, yearly outlooks, action plans, reports, statements and
// concept papers. The secretariat creates a document (kind, year, topics,
// title and summary in several languages) and writes its body in a small
// structured text (markup.go: headings, numbered paragraphs, lists, links,
// footnotes); every save is a version, with a content hash, that may be
// named. Paragraphs keep stable identifiers across versions (ids.go): an
// edited paragraph keeps its id, a new one gets a new id, and a removed
// one's anchor says in which version it went. Versions compare per
// paragraph (diff.go). A text in another language is a translation of one
// source version, shown as out of date with the paragraphs that changed
// when the source moves on. Published versions never change; the public
// page, the archive at /documents, the PDF and HTML downloads, the Atom
// feed and search show only published text.
//
// Consultation, endorsements and votes build on this package (see
// hooks.go for the endorsements the public page and API show).
package documents

import (
	"embed"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/web"
)

//go:embed migrations/*.sql
var migrations embed.FS

//go:embed templates/*.html templates/plain/*.html
var templates embed.FS

// Migrations create the documents tables.
var Migrations = db.MigrationsIn("documents", migrations, "migrations")

// Templates are the documents pages.
var Templates = web.Pages("documents", templates, "templates")

// PermManage is the permission to draft documents: create them, save,
// name and publish versions.
const PermManage = auth.PermDocumentsManage

// Text is content in the languages it was given in.
type Text = i18n.Text

// Kind is what a document is.
type Kind string

// The kinds of document. Stored, do not rename.
const (
	KindInitiative   Kind = "initiative"
	KindOutlook      Kind = "outlook"
	KindActionPlan   Kind = "action_plan"
	KindReport       Kind = "report"
	KindStatement    Kind = "statement"
	KindConceptPaper Kind = "concept_paper"
)

// Kinds lists the kinds in the order forms and the archive show them.
var Kinds = []Kind{KindInitiative, KindOutlook, KindActionPlan, KindReport, KindStatement, KindConceptPaper}

// Topics are the organisation's fields, as stable codes; the catalog
// names them (documents.topic.CODE). Stored, do not rename.
var Topics = []string{"infrastructure", "cultural_exchange", "digital_economy", "cybersecurity", "governance", "ai", "data", "inclusion"}

// Document is an outcome document: what it is, and which version the
// public reads.
type Document struct {
	ID         int64    `json:"-"`
	Slug       string   `json:"slug"`
	Kind       Kind     `json:"kind"`
	Year       int      `json:"year"`
	Topics     []string `json:"topics"`
	Title      Text     `json:"title"`
	Summary    Text     `json:"summary"`
	SourceLang string   `json:"source_lang"` // the language the text is drafted in
	// PublishedVersionID is the source-language version the public page
	// shows, 0 until one is published.
	PublishedVersionID int64      `json:"-"`
	PublishedAt        *time.Time `json:"published_at,omitempty"`
	Created            time.Time  `json:"created_at"`
	Updated            time.Time  `json:"updated_at"`
}

// Published reports whether the public can read the document.
func (d *Document) Published() bool { return d.PublishedVersionID != 0 }

// Version is one saved text of a document in one language.
type Version struct {
	ID         int64  `json:"-"`
	DocumentID int64  `json:"-"`
	Number     int    `json:"version"` // counts the document's versions across languages
	Lang       string `json:"lang"`
	// SourceID and SourceNumber are, for a translation, the source
	// version it translates; 0 for a source version.
	SourceID     int64      `json:"-"`
	SourceNumber int        `json:"source_version,omitempty"`
	Body         string     `json:"body,omitempty"`
	Hash         string     `json:"hash"` // SHA-256 of Body, hex
	Name         string     `json:"name,omitempty"`
	Note         string     `json:"note,omitempty"`
	Published    bool       `json:"published"`
	PublishedAt  *time.Time `json:"published_at,omitempty"`
	CreatedBy    int64      `json:"-"`
	Created      time.Time  `json:"created_at"`
	// Paragraphs are the version's blocks in order, when loaded.
	Paragraphs []Paragraph `json:"paragraphs,omitempty"`
}

// IsTranslation reports whether v translates a source version.
func (v *Version) IsTranslation() bool { return v.SourceID != 0 }

// ShortHash is the first 12 hex digits of the hash, for display.
func (v *Version) ShortHash() string {
	if len(v.Hash) < 12 {
		return v.Hash
	}
	return v.Hash[:12]
}

// Paragraph is one block of a version: ID is stable across versions and
// languages of its document; Number is the printed paragraph number (0
// for headings and footnotes); Position orders the blocks from 1.
type Paragraph struct {
	ID       int    `json:"id"`
	Number   int    `json:"number"`
	Position int    `json:"-"`
	Kind     string `json:"kind"`
	Text     string `json:"text"`
}

// Block parses the paragraph's text for rendering.
func (p Paragraph) Block() Block { return parseBlock(p.Text) }

// Endorsements is the tally of a version's endorsements and who gave
// them; see hooks.go.
type Endorsements struct {
	Count              int            `json:"count"`
	ByStakeholderGroup map[string]int `json:"by_stakeholder_group"`
	ByContinent        map[string]int `json:"by_continent"`
	// Endorsers are the endorsing members, for the public page.
	Endorsers []Endorser `json:"-"`
}

// Endorser is one member that endorsed a version.
type Endorser struct {
	Name      Text
	Country   string
	Group     string
	Statement string
}

// Limits on lengths, in characters, and counts.
const (
	maxTitle   = 300
	maxSummary = 5000
	maxName    = 120
	maxNote    = 2000
	maxBody    = 400_000
	maxBlocks  = 2000
	maxTopics  = 8
	minYear    = 1990
	maxYear    = 2100
)

var slugRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$`)

// validLang reports whether tag is a language documents are written in.
func validLang(tag string) bool { return slices.Contains(i18n.Langs, tag) }

func trimText(t *Text) {
	t.En, t.Hans, t.Hant = strings.TrimSpace(t.En), strings.TrimSpace(t.Hans), strings.TrimSpace(t.Hant)
}

func textTooLong(t Text, n int) bool {
	return utf8.RuneCountInString(t.En) > n || utf8.RuneCountInString(t.Hans) > n || utf8.RuneCountInString(t.Hant) > n
}

// lineText refuses at field name a one-line text with a control
// character in any of its languages (errs.OneLine), unless the field
// already has an error.
func lineText(fe *errs.Fields, name string, t Text) {
	for _, v := range []string{t.En, t.Hans, t.Hant} {
		fe.Line(name, v)
	}
}

// validate trims d and checks it; the errors name the fields at fault
// (slug, kind, year, topics, title, summary, source_lang).
func (d *Document) validate() error {
	d.Slug = strings.ToLower(strings.TrimSpace(d.Slug))
	trimText(&d.Title)
	trimText(&d.Summary)
	if d.SourceLang == "" {
		d.SourceLang = i18n.En
	}
	if d.Topics == nil {
		d.Topics = []string{}
	}
	var fe errs.Fields
	if !slugRE.MatchString(d.Slug) {
		fe.Add("slug", "documents.slug_invalid")
	}
	if !slices.Contains(Kinds, d.Kind) {
		fe.Add("kind", "documents.kind_invalid")
	}
	if d.Year < minYear || d.Year > maxYear {
		fe.Add("year", "documents.year_invalid", minYear, maxYear)
	}
	if len(d.Topics) > maxTopics {
		fe.Add("topics", "documents.topics_too_many", maxTopics)
	}
	for _, t := range d.Topics {
		if !slices.Contains(Topics, t) {
			fe.Add("topics", "documents.topic_invalid")
			break
		}
	}
	if d.Title.Empty() {
		fe.Add("title", "documents.title_required")
	} else if textTooLong(d.Title, maxTitle) {
		fe.Add("title", "documents.too_long", maxTitle)
	}
	lineText(&fe, "title", d.Title)
	if textTooLong(d.Summary, maxSummary) {
		fe.Add("summary", "documents.too_long", maxSummary)
	}
	if !validLang(d.SourceLang) {
		fe.Add("source_lang", "documents.lang_invalid")
	}
	return fe.Err()
}
