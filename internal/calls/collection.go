package calls

// The year's collection: the selected practice cases of a year, published,
// as one printable PDF in the reader's language and script.

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/pdf"
	"github.com/wuzhen/wuzhen/internal/web"
	"github.com/wuzhen/wuzhen/internal/zh"
)

// Collection returns the public cases of year (selected, of calls whose
// results are published) by field, in the order of Fields, then in the
// order they were submitted; and the time the latest of them entered the
// showcase, which the document carries as its date. No case is NotFound.
func (s *Store) Collection(ctx context.Context, year int) ([]*Case, time.Time, error) {
	type row struct {
		c   *Case
		pub time.Time
	}
	rows, err := db.All(ctx, s.DB, "calls: collection", func(r db.Scanner) (row, error) {
		x := row{c: &Case{}}
		var countries, partners string
		c := x.c
		err := r.Scan(&c.ID, &c.Title.En, &c.Title.Hans, &c.Title.Hant, &c.Summary.En, &c.Summary.Hans, &c.Summary.Hant,
			&c.Field, &countries, &partners, &c.VideoURL, &c.Year, &c.Call.En, &c.Call.Hans, &c.Call.Hant, &c.CallSlug, &c.Kind, &x.pub)
		if err != nil {
			return x, err
		}
		if err := decodeList(countries, &c.Countries); err != nil {
			return x, err
		}
		return x, decodeList(partners, &c.Partners)
	}, "SELECT "+caseColumns+", s.published_at"+publicCases+" AND c.year = ? ORDER BY s.id", year)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("calls: collection %d: %w", year, err)
	}
	if len(rows) == 0 {
		return nil, time.Time{}, errs.NotFoundError()
	}
	order := map[string]int{}
	for i, f := range Fields {
		order[f] = i + 1
	}
	sort.SliceStable(rows, func(i, j int) bool { return order[rows[i].c.Field] < order[rows[j].c.Field] })
	out := make([]*Case, len(rows))
	var latest time.Time
	for i, r := range rows {
		out[i] = r.c
		if r.pub.After(latest) {
			latest = r.pub
		}
	}
	return out, latest.UTC(), nil
}

// The collection's page, in millimetres on A4.
const (
	colLeft   = 22.0
	colWidth  = 166.0
	colTop    = 24.0
	colBottom = 297.0 - 24
	colAccent = "#1f5fa8"
	colGrey   = "#555555"
)

// contentsLine is one line of the contents: a field's heading, or a case
// with its wrapped title and, once known, its first page.
type contentsLine struct {
	field string // a heading when set
	lines []string
	caseI int
}

// RenderCollection writes the collection of year's cases (as Collection
// returns them) in lang: a cover with the organisation's name org, the
// contents by field with page numbers, then each case from a new page;
// page numbers in the footer. created is the date the document carries,
// so that the same cases give the same bytes.
func RenderCollection(cases []*Case, year int, org, lang string, created time.Time) ([]byte, error) {
	p := i18n.For(lang)
	o := optionsFor(lang)
	title := p.T("calls.collection.title", year)
	d := pdf.New(title, lang, created)
	f := d.PDF()

	// The contents, measured first: their number of pages comes before
	// the cases' page numbers are known.
	const numW = 14.0
	var contents []contentsLine
	field := ""
	for i, c := range cases {
		if c.Field != field {
			field = c.Field
			contents = append(contents, contentsLine{field: p.T("calls.field." + field)})
		}
		contents = append(contents, contentsLine{lines: d.Wrap(c.Title.For(lang), colWidth-numW-6, 10.5, false), caseI: i})
	}
	contentsTop := colTop + 22
	var contentsPages []int // page of each contents line, counted from 0
	page, y := 0, contentsTop
	for _, l := range contents {
		h := 5.5 * float64(len(l.lines))
		if l.field != "" {
			h = 11
		}
		if y+h > colBottom {
			page, y = page+1, colTop+6
		}
		contentsPages = append(contentsPages, page)
		y += h + 1.5
	}
	nContents := page + 1

	// The cover.
	d.AddPage()
	d.Fill(0, 0, 210, 110, colAccent)
	d.TextColour("#ffffff")
	y = 40
	for _, l := range d.Wrap(org, colWidth, 20, true) {
		d.Text(colLeft, y, l, 20, true)
		y += 9
	}
	d.TextColour("#000000")
	y = 140
	for _, l := range d.Wrap(title, colWidth, 26, true) {
		d.Text(colLeft, y, l, 26, true)
		y += 12
	}
	y += 6
	d.TextColour(colGrey)
	d.Text(colLeft, y, p.N("calls.collection.count", len(cases)), 13, false)
	d.Text(colLeft, 297-30, strconv.Itoa(year), 40, true)
	d.TextColour("#000000")

	// Room for the contents, written once the cases' pages are known.
	firstContents := f.PageCount() + 1
	for i := 0; i < nContents; i++ {
		d.AddPage()
	}

	// The cases, each from a new page.
	starts := make([]int, len(cases))
	links := make([]int, len(cases))
	for i, c := range cases {
		d.AddPage()
		starts[i] = f.PageCount()
		links[i] = f.AddLink()
		f.SetLink(links[i], 0, starts[i])
		d.Width("x", 10, false) // a UTF-8 font current: the bookmark's title is UTF-16
		f.Bookmark(c.Title.For(lang), 0, 0)
		renderCase(d, p, o, c, lang)
	}

	// The contents.
	for i, l := range contents {
		pg := firstContents + contentsPages[i]
		f.SetPage(pg)
		if i == 0 || contentsPages[i] != contentsPages[i-1] {
			y = colTop + 6
			if i == 0 {
				d.TextColour(colAccent)
				d.Text(colLeft, colTop+4, p.T("calls.collection.contents"), 20, true)
				y = contentsTop
			}
		}
		if l.field != "" {
			d.TextColour(colAccent)
			d.Text(colLeft, y+6, l.field, 12, true)
			y += 11 + 1.5
			continue
		}
		d.TextColour("#000000")
		for j, s := range l.lines {
			d.Text(colLeft+4, y+4.5+5.5*float64(j), s, 10.5, false)
		}
		n := strconv.Itoa(starts[l.caseI])
		last := y + 4.5 + 5.5*float64(len(l.lines)-1)
		d.Text(colLeft+colWidth-d.Width(n, 10.5, false), last, n, 10.5, false)
		h := 5.5 * float64(len(l.lines))
		f.Link(colLeft, y, colWidth, h, links[l.caseI])
		y += h + 1.5
	}

	// The footers: the title and the page number, on every page but the
	// cover.
	total := f.PageCount()
	f.SetDrawColor(190, 190, 190)
	for pg := 2; pg <= total; pg++ {
		f.SetPage(pg)
		f.SetDrawColor(190, 190, 190)
		f.SetLineWidth(0.2)
		f.Line(colLeft, 297-16, colLeft+colWidth, 297-16)
		d.TextColour(colGrey)
		foot := d.Wrap(org+" · "+title, colWidth-30, 8, false)[0]
		d.Text(colLeft, 297-11, foot, 8, false)
		n := p.T("calls.collection.page", pg, total)
		d.Text(colLeft+colWidth-d.Width(n, 8, false), 297-11, n, 8, false)
	}
	f.SetPage(total)
	return d.Bytes()
}

// renderCase writes one case from the top of the current page, going on
// to new pages as its text needs.
func renderCase(d *pdf.Doc, p *i18n.Printer, o options, c *Case, lang string) {
	f := d.PDF()
	y := colTop
	need := func(h float64) {
		if y+h > colBottom {
			d.AddPage()
			y = colTop
		}
	}
	d.TextColour(colAccent)
	d.Text(colLeft, y+4, strings.ToUpper(p.T("calls.field."+c.Field)), 9, true)
	y += 10
	d.TextColour("#000000")
	for _, l := range d.Wrap(c.Title.For(lang), colWidth, 17, true) {
		need(8)
		d.Text(colLeft, y+6, l, 17, true)
		y += 8
	}
	if others := c.Title.Others(lang); len(others) > 0 {
		d.TextColour(colGrey)
		for _, l := range d.Wrap(strings.Join(others, " · "), colWidth, 10, false) {
			need(5)
			d.Text(colLeft, y+4.5, l, 10, false)
			y += 5
		}
	}
	y += 3
	f.SetFillColor(pdf.Colour(colAccent))
	f.Rect(colLeft, y, 30, 0.8, "F")
	y += 5

	// The facts, as label and value.
	var partners []string
	for _, pt := range c.Partners {
		s := zh.ForLang(lang, pt.Name)
		if pt.Country != "" {
			s += " (" + o.CountryName(pt.Country) + ")"
		}
		partners = append(partners, s)
	}
	rows := [][2]string{
		{p.T("calls.cases.field"), p.T("calls.field." + c.Field)},
		{p.T("calls.cases.countries"), o.CountryNames(c.Countries)},
	}
	if len(partners) > 0 {
		rows = append(rows, [2]string{p.T("calls.cases.partners"), strings.Join(partners, "\n")})
	}
	rows = append(rows, [2]string{p.T("calls.cases.call"), c.Call.For(lang)})
	if c.VideoURL != "" {
		rows = append(rows, [2]string{p.T("calls.cases.video"), c.VideoURL})
	}
	const labelW = 40.0
	for _, r := range rows {
		lines := d.Wrap(r[1], colWidth-labelW, 10, false)
		need(5.5)
		d.TextColour(colGrey)
		d.Text(colLeft, y+4.5, r[0], 9, true)
		d.TextColour("#000000")
		for _, l := range lines {
			need(5.5)
			d.Text(colLeft+labelW, y+4.5, l, 10, false)
			y += 5.5
		}
		y += 1.5
	}
	if c.VideoURL != "" {
		// The video's line is a link.
		f.LinkString(colLeft+labelW, y-7, colWidth-labelW, 5.5, c.VideoURL)
	}

	// The summary.
	y += 5
	need(16)
	d.TextColour(colAccent)
	d.Text(colLeft, y+5, p.T("calls.cases.summary"), 12, true)
	y += 10
	d.TextColour("#000000")
	for _, l := range d.Wrap(c.Summary.For(lang), colWidth, 10.5, false) {
		need(5.6)
		if l != "" {
			d.Text(colLeft, y+4.5, l, 10.5, false)
		}
		y += 5.6
	}
}

// collectionCache keeps the bytes of the collections made, by year,
// language and generation of public content, for readers the page cache
// does not serve (signed in).
type collectionCache struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (cc *collectionCache) get(key string) ([]byte, bool) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	b, ok := cc.m[key]
	return b, ok
}

func (cc *collectionCache) put(key string, b []byte) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if cc.m == nil || len(cc.m) >= 32 {
		cc.m = map[string][]byte{}
	}
	cc.m[key] = b
}

// generation reads the generation of public content (pagecache's
// counter), which every change to the showcase raises.
func (s *Store) generation(ctx context.Context) (int64, error) {
	var n int64
	err := s.DB.QueryRow(ctx, "SELECT n FROM cache_generation WHERE id = 1").Scan(&n)
	return n, err
}

// collectionPDF answers GET /cases/{year}/collection.pdf: the year's
// collection in the reader's language; 404 before the year's results are
// published.
func (h *Handlers) collectionPDF(c *web.Ctx) error {
	year, err := strconv.Atoi(c.R.PathValue("year"))
	if err != nil || year < 1900 || year > 3000 {
		return web.NotFound()
	}
	ctx := c.Context()
	gen, err := h.Store.generation(ctx)
	if err != nil {
		return err
	}
	key := fmt.Sprintf("%d %s %d", year, c.Lang, gen)
	b, ok := h.collections.get(key)
	if !ok {
		cases, created, err := h.Store.Collection(ctx, year)
		if err != nil {
			return err
		}
		org := i18n.For(c.Lang).T("site.default_name")
		if h.Org != nil {
			if n := h.Org(ctx, c.Lang); n != "" {
				org = n
			}
		}
		if b, err = RenderCollection(cases, year, org, c.Lang, created); err != nil {
			return err
		}
		h.collections.put(key, b)
	}
	hd := c.W.Header()
	hd.Set("Content-Type", "application/pdf")
	hd.Set("Content-Disposition", fmt.Sprintf("inline; filename=%q", fmt.Sprintf("practice-cases-%d-%s.pdf", year, c.Lang)))
	c.W.WriteHeader(http.StatusOK)
	_, err = c.W.Write(b)
	return err
}
