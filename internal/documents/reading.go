package documents

import (
	"context"

	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/zh"
)

// otherLangs are the languages other than lang, in the switcher's order.
func otherLangs(lang string) []string {
	var out []string
	for _, l := range i18n.Langs {
		if l != lang {
			out = append(out, l)
		}
	}
	return out
}

// translation returns the latest published translation of document
// documentID into lang that translates a source version numbered at most
// upTo, with its paragraphs; nil when there is none.
func (s *Store) translation(ctx context.Context, q db.Querier, documentID int64, lang string, upTo int) (*Version, error) {
	v, err := s.version(ctx, q, `v.document_id = ? AND v.lang = ? AND v.published AND sv.number <= ?
		ORDER BY v.number DESC LIMIT 1`, documentID, lang, upTo)
	if errs.CodeOf(err) == errs.NotFound {
		return nil, nil
	}
	return v, err
}

// Reading is a published document as a reader of one language reads it:
// the structure of the published source version, each paragraph in the
// reader's language where a published translation has it (Chinese in the
// reader's script), else in the source language.
type Reading struct {
	Doc    *Document
	Source *Version // the published source version read
	// Text is the version whose text is shown: Source, or a translation
	// of it (or of an earlier source version).
	Text *Version
	// ReaderLang is the reader's language; Converted says the Chinese text
	// was written in the other script and is shown converted.
	ReaderLang string
	Converted  bool
	// OutOfDate says Text translates an earlier source version: Stale
	// lists the ids of the paragraphs that changed since, Untranslated
	// those added since.
	OutOfDate    bool
	Stale        []int
	Untranslated []int
	Paragraphs   []ReadingParagraph
	// Removed are the paragraphs of earlier published versions that this
	// version no longer has: their anchors say where they went.
	Removed []RemovedParagraph
	// History is the published versions of the document, newest first.
	History []*Version
}

// ReadingParagraph is one paragraph as shown.
type ReadingParagraph struct {
	Paragraph
	Lang         string // the language of Text
	Stale        bool   // the translation of a paragraph that changed since
	Untranslated bool   // shown in the source language: added since the translation
}

// Block parses the paragraph for rendering.
func (p ReadingParagraph) Block() Block { return parseBlock(p.Text) }

// RemovedParagraph is a paragraph that an earlier published version had:
// LastIn is the last version that had it, RemovedIn the first published
// version without it.
type RemovedParagraph struct {
	ID        int
	Number    int
	Text      string
	LastIn    int
	RemovedIn int
}

// Read returns document slug as a reader of lang reads it: version number
// (a published source version), or 0 for the published one. NotFound when
// the document or that version is not published.
func (s *Store) Read(ctx context.Context, slug, lang string, number int) (*Reading, error) {
	d, err := s.Document(ctx, slug)
	if err != nil {
		return nil, err
	}
	if !d.Published() {
		return nil, errs.NotFoundError()
	}
	r := &Reading{Doc: d, ReaderLang: lang}
	if number == 0 {
		r.Source, err = s.version(ctx, s.DB, "v.id = ?", d.PublishedVersionID)
	} else {
		r.Source, err = s.version(ctx, s.DB, "v.document_id = ? AND v.number = ? AND v.lang = ? AND v.published", d.ID, number, d.SourceLang)
	}
	if err != nil {
		return nil, err
	}
	r.Text = r.Source
	if lang != d.SourceLang {
		for _, l := range readerLangs(lang) {
			if l == d.SourceLang {
				r.Converted = true
				break
			}
			t, err := s.translation(ctx, s.DB, d.ID, l, r.Source.Number)
			if err != nil {
				return nil, err
			}
			if t != nil {
				r.Text, r.Converted = t, l != lang
				break
			}
		}
	}
	texts := map[int]Paragraph{}
	for _, p := range r.Text.Paragraphs {
		texts[p.ID] = p
	}
	changed := map[int]string{}
	if r.Text.IsTranslation() && r.Text.SourceNumber != r.Source.Number {
		old, err := s.version(ctx, s.DB, "v.id = ?", r.Text.SourceID)
		if err != nil {
			return nil, err
		}
		for _, c := range Diff(old.Paragraphs, r.Source.Paragraphs) {
			switch c.Change {
			case Changed:
				r.Stale = append(r.Stale, c.ID)
				changed[c.ID] = Changed
			case Added:
				r.Untranslated = append(r.Untranslated, c.ID)
				changed[c.ID] = Added
			}
		}
		r.OutOfDate = len(changed) > 0
	}
	for _, p := range r.Source.Paragraphs {
		rp := ReadingParagraph{Paragraph: p, Lang: r.Source.Lang}
		if t, ok := texts[p.ID]; ok && changed[p.ID] != Added && r.Text != r.Source {
			rp.Text, rp.Lang, rp.Stale = t.Text, r.Text.Lang, changed[p.ID] == Changed
		} else if r.Text != r.Source {
			rp.Untranslated = true
		}
		rp.Text = zhFor(lang, rp.Lang, rp.Text)
		if isChinese(rp.Lang) && isChinese(lang) {
			rp.Lang = lang
		}
		r.Paragraphs = append(r.Paragraphs, rp)
	}
	if r.History, err = s.published(ctx, d.ID); err != nil {
		return nil, err
	}
	if r.Removed, err = s.removed(ctx, d, r.Source); err != nil {
		return nil, err
	}
	return r, nil
}

// zhFor shows Chinese text written in textLang in the script of a
// Chinese reader of lang; other text as it is.
func zhFor(lang, textLang, text string) string {
	if isChinese(textLang) && isChinese(lang) {
		return zh.ForLang(lang, text)
	}
	return text
}

func isChinese(lang string) bool { return lang == i18n.ZhHans || lang == i18n.ZhHant }

// readerLangs are the languages whose text a reader of lang reads, best
// first: their own, then Chinese in the other script.
func readerLangs(lang string) []string {
	switch lang {
	case i18n.ZhHans:
		return []string{i18n.ZhHans, i18n.ZhHant}
	case i18n.ZhHant:
		return []string{i18n.ZhHant, i18n.ZhHans}
	}
	return []string{lang}
}

// published lists the document's published versions, newest first.
func (s *Store) published(ctx context.Context, documentID int64) ([]*Version, error) {
	return db.All(ctx, s.DB, "documents: published versions", scanVersion, "-- documents.published\nSELECT "+versionColumns+versionFrom+
		" WHERE v.document_id = ? AND v.published ORDER BY v.number DESC", documentID)
}

// removed lists the paragraphs that published source versions before src
// had and src has not, with the last version that had each and the first
// published one without it.
func (s *Store) removed(ctx context.Context, d *Document, src *Version) ([]RemovedParagraph, error) {
	type seen struct {
		pid, number, last int
		text              string
	}
	rows, err := db.All(ctx, s.DB, "documents: removed paragraphs", func(r db.Scanner) (seen, error) {
		var x seen
		err := r.Scan(&x.pid, &x.number, &x.text, &x.last)
		return x, err
	}, `-- documents.removed
		SELECT p.pid, p.number, p.text, v.number FROM document_paragraphs p JOIN document_versions v ON v.id = p.version_id
		WHERE v.document_id = ? AND v.lang = ? AND v.published AND v.number < ?
		ORDER BY v.number, p.position`, d.ID, d.SourceLang, src.Number)
	if err != nil {
		return nil, err
	}
	versions, err := db.All(ctx, s.DB, "documents: published source versions", func(r db.Scanner) (int, error) {
		var n int
		err := r.Scan(&n)
		return n, err
	}, `-- documents.removed
		SELECT number FROM document_versions WHERE document_id = ? AND lang = ? AND published AND number <= ? ORDER BY number`,
		d.ID, d.SourceLang, src.Number)
	if err != nil {
		return nil, err
	}
	in := map[int]bool{}
	for _, p := range src.Paragraphs {
		in[p.ID] = true
	}
	last := map[int]seen{}
	var order []int
	for _, x := range rows {
		if in[x.pid] {
			continue
		}
		if _, ok := last[x.pid]; !ok {
			order = append(order, x.pid)
		}
		last[x.pid] = x
	}
	var out []RemovedParagraph
	for _, pid := range order {
		x := last[pid]
		rp := RemovedParagraph{ID: pid, Number: x.number, Text: x.text, LastIn: x.last, RemovedIn: src.Number}
		for _, n := range versions {
			if n > x.last {
				rp.RemovedIn = n
				break
			}
		}
		out = append(out, rp)
	}
	return out, nil
}

// TextLang is the language (and script) the text is shown in.
func (r *Reading) TextLang() string {
	if isChinese(r.Text.Lang) && isChinese(r.ReaderLang) {
		return r.ReaderLang
	}
	return r.Text.Lang
}

// Behind lists, in reading order, the paragraphs shown from an out-of-date
// translation or untranslated.
func (r *Reading) Behind() []int {
	var out []int
	for _, p := range r.Paragraphs {
		if p.Stale || p.Untranslated {
			out = append(out, p.ID)
		}
	}
	return out
}
