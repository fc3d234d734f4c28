package documents

import (
	"strconv"
	"strings"

	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/pdf"
)

// The document's page, in millimetres on A4.
const (
	pdfLeft   = 24.0
	pdfWidth  = 162.0
	pdfTop    = 24.0
	pdfBottom = 297.0 - 26
	pdfAccent = "#0b3d5c"
	pdfGrey   = "#555555"
	pdfNumW   = 10.0 // the paragraph numbers' column
)

// spansText is spans as print shows them: a link's address follows its
// text, a footnote reference is its label in brackets.
func spansText(spans []Span) string {
	var sb strings.Builder
	for _, s := range spans {
		switch s.Kind {
		case SpanRef:
			sb.WriteString("[" + s.Label + "]")
		case SpanLink:
			sb.WriteString(s.Text + " <" + s.URL + ">")
		default:
			sb.WriteString(s.Text)
		}
	}
	return sb.String()
}

// RenderPDF writes reading r in the reader's language: a cover with the
// organisation's name org, the title in every language it has, the
// version, its hash and the date; the contents (the headings, with their
// pages); then the text with its paragraph numbers, out-of-date and
// untranslated paragraphs marked, and the footnotes at the end. Every
// script the text uses prints (see package pdf). The footer of each page
// names the document, the version and the page.
func RenderPDF(r *Reading, org string) ([]byte, error) {
	lang := r.ReaderLang
	p := i18n.For(lang)
	title := r.Doc.Title.For(lang)
	created := r.Source.Created
	if r.Source.PublishedAt != nil {
		created = *r.Source.PublishedAt
	}
	d := pdf.New(title, lang, created)
	f := d.PDF()

	// The contents are measured first: their pages come before the
	// text's, whose page numbers they show.
	type entry struct {
		level int
		lines []string
		id    int
	}
	var contents []entry
	for _, para := range r.Paragraphs {
		if para.Kind != BlockHeading {
			continue
		}
		b := para.Block()
		contents = append(contents, entry{level: b.Level, lines: d.Wrap(spansText(b.Spans), pdfWidth-16-4*float64(b.Level-1), 10.5, b.Level == 1), id: para.ID})
	}
	contentsTop := pdfTop + 18
	var contentsPage []int
	page, y := 0, contentsTop
	for _, e := range contents {
		h := 5.5*float64(len(e.lines)) + 1.5
		if y+h > pdfBottom {
			page, y = page+1, pdfTop
		}
		contentsPage = append(contentsPage, page)
		y += h
	}
	nContents := page + 1

	// The cover.
	d.AddPage()
	d.Fill(0, 0, 210, 70, pdfAccent)
	d.TextColour("#ffffff")
	y = 30
	for _, l := range d.Wrap(org, pdfWidth, 16, true) {
		d.Text(pdfLeft, y, l, 16, true)
		y += 8
	}
	d.Text(pdfLeft, 58, p.T("documents.kind."+string(r.Doc.Kind))+" · "+strconv.Itoa(r.Doc.Year), 12, false)
	d.TextColour("#000000")
	y = 100
	for _, l := range d.Wrap(title, pdfWidth, 24, true) {
		d.Text(pdfLeft, y, l, 24, true)
		y += 11
	}
	d.TextColour(pdfGrey)
	for _, o := range r.Doc.Title.Others(lang) {
		for _, l := range d.Wrap(o, pdfWidth, 13, false) {
			d.Text(pdfLeft, y, l, 13, false)
			y += 6.5
		}
	}
	y += 8
	d.TextColour("#000000")
	for _, l := range d.Wrap(r.Doc.Summary.For(lang), pdfWidth, 11, false) {
		if y > 230 {
			break
		}
		d.Text(pdfLeft, y, l, 11, false)
		y += 5.5
	}
	d.TextColour(pdfGrey)
	y = 250
	facts := []string{versionLine(p, r.Source), p.T("documents.pdf.hash", r.Source.Hash)}
	if r.Text != r.Source {
		facts = append(facts, p.T("documents.pdf.translation", r.Text.Number, r.Text.SourceNumber))
	}
	if r.OutOfDate {
		facts = append(facts, p.T("documents.pdf.out_of_date", len(r.Stale)+len(r.Untranslated)))
	}
	for _, s := range facts {
		for _, l := range d.Wrap(s, pdfWidth, 9, false) {
			d.Text(pdfLeft, y, l, 9, false)
			y += 4.5
		}
	}
	d.TextColour("#000000")

	firstContents := f.PageCount() + 1
	for i := 0; i < nContents; i++ {
		d.AddPage()
	}

	// The text.
	d.AddPage()
	y = pdfTop
	links := map[int]int{}
	pages := map[int]int{}
	need := func(h float64) {
		if y+h > pdfBottom {
			d.AddPage()
			y = pdfTop
		}
	}
	var notes []ReadingParagraph
	for _, para := range r.Paragraphs {
		b := para.Block()
		switch b.Kind {
		case BlockFootnote:
			notes = append(notes, para)
			continue
		case BlockHeading:
			size := map[int]float64{1: 15, 2: 12.5, 3: 11}[b.Level]
			lines := d.Wrap(spansText(b.Spans), pdfWidth, size, true)
			y += 4
			need(float64(len(lines))*size*0.5 + 6)
			pages[para.ID], links[para.ID] = f.PageCount(), f.AddLink()
			f.SetLink(links[para.ID], y, pages[para.ID])
			d.Width("x", 10, false) // a UTF-8 font current: the bookmark's title is UTF-16
			f.Bookmark(strings.Join(lines, " "), b.Level-1, y)
			d.TextColour(pdfAccent)
			for _, l := range lines {
				d.Text(pdfLeft, y+size*0.4, l, size, true)
				y += size * 0.5
			}
			d.TextColour("#000000")
			y += 3
			continue
		}
		var lines []string
		if para.Stale || para.Untranslated {
			key := "documents.pdf.stale"
			if para.Untranslated {
				key = "documents.pdf.untranslated"
			}
			lines = append(lines, p.T(key))
		}
		if b.Kind == BlockList {
			for i, it := range b.Items {
				mark := "•"
				if b.Ordered {
					mark = strconv.Itoa(i+1) + "."
				}
				for j, l := range d.Wrap(spansText(it), pdfWidth-pdfNumW-6, 10.5, false) {
					if j == 0 {
						l = mark + "\t" + l
					} else {
						l = "\t" + l
					}
					lines = append(lines, l)
				}
			}
		} else {
			lines = append(lines, d.Wrap(spansText(b.Spans), pdfWidth-pdfNumW, 10.5, false)...)
		}
		need(5.5 * min(float64(len(lines)), 3))
		d.TextColour(pdfGrey)
		d.Text(pdfLeft, y+4, strconv.Itoa(para.Number), 9, false)
		d.TextColour("#000000")
		for i, l := range lines {
			need(5.5)
			x := pdfLeft + pdfNumW
			if i == 0 && (para.Stale || para.Untranslated) {
				d.TextColour(pdfGrey)
				d.Text(x, y+4, l, 9, false)
				d.TextColour("#000000")
				y += 5.5
				continue
			}
			if mark, rest, ok := strings.Cut(l, "\t"); ok {
				d.Text(x, y+4, mark, 10.5, false)
				l, x = rest, x+6
			}
			d.Text(x, y+4, l, 10.5, false)
			y += 5.5
		}
		y += 2.5
	}
	if len(notes) > 0 {
		y += 4
		need(20)
		f.SetDrawColor(190, 190, 190)
		f.SetLineWidth(0.2)
		f.Line(pdfLeft, y, pdfLeft+50, y)
		y += 6
		d.Text(pdfLeft, y, p.T("documents.page.notes"), 11, true)
		y += 6
		for _, n := range notes {
			b := n.Block()
			for i, l := range d.Wrap(spansText(b.Spans), pdfWidth-pdfNumW, 9, false) {
				need(4.5)
				if i == 0 {
					d.Text(pdfLeft, y+3.5, "["+b.Label+"]", 9, false)
				}
				d.Text(pdfLeft+pdfNumW, y+3.5, l, 9, false)
				y += 4.5
			}
			y += 1.5
		}
	}

	// The contents.
	for i, e := range contents {
		f.SetPage(firstContents + contentsPage[i])
		if i == 0 || contentsPage[i] != contentsPage[i-1] {
			y = pdfTop
			if i == 0 {
				d.TextColour(pdfAccent)
				d.Text(pdfLeft, pdfTop+6, p.T("documents.page.contents"), 18, true)
				y = contentsTop
			}
		}
		d.TextColour("#000000")
		indent := 4 * float64(e.level-1)
		for j, l := range e.lines {
			d.Text(pdfLeft+indent, y+4.5+5.5*float64(j), l, 10.5, e.level == 1)
		}
		n := strconv.Itoa(pages[e.id])
		last := y + 4.5 + 5.5*float64(len(e.lines)-1)
		d.Text(pdfLeft+pdfWidth-d.Width(n, 10.5, false), last, n, 10.5, false)
		h := 5.5 * float64(len(e.lines))
		f.Link(pdfLeft, y, pdfWidth, h, links[e.id])
		y += h + 1.5
	}
	if len(contents) == 0 {
		f.SetPage(firstContents)
		d.TextColour(pdfAccent)
		d.Text(pdfLeft, pdfTop+6, p.T("documents.page.contents"), 18, true)
		d.TextColour("#000000")
		d.Text(pdfLeft, contentsTop+4.5, p.T("documents.pdf.no_headings"), 10.5, false)
	}

	// The footers, on every page but the cover.
	total := f.PageCount()
	for pg := 2; pg <= total; pg++ {
		f.SetPage(pg)
		f.SetDrawColor(190, 190, 190)
		f.SetLineWidth(0.2)
		f.Line(pdfLeft, 297-17, pdfLeft+pdfWidth, 297-17)
		d.TextColour(pdfGrey)
		foot := d.Wrap(title+" · "+versionLine(p, r.Source), pdfWidth-30, 8, false)[0]
		d.Text(pdfLeft, 297-12, foot, 8, false)
		n := p.T("documents.pdf.page", pg, total)
		d.Text(pdfLeft+pdfWidth-d.Width(n, 8, false), 297-12, n, 8, false)
	}
	f.SetPage(total)
	return d.Bytes()
}

// versionLine names a version for print: "Version 4 (final), published on
// Wed 20 November 2019".
func versionLine(p *i18n.Printer, v *Version) string {
	s := p.T("documents.version.number", v.Number)
	if v.Name != "" {
		s += p.T("documents.version.named", v.Name)
	}
	if v.PublishedAt != nil {
		s += p.T("documents.version.published_on", p.Date(v.PublishedAt.In(i18n.Home)))
	}
	return s
}
