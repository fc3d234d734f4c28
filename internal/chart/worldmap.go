package chart

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/wuzhen/wuzhen/internal/geo"
)

//go:embed worldpaths.json
var worldPathsJSON []byte

// worldFile is the format of worldpaths.json (see internal/topo).
type worldFile struct {
	ViewBox   [4]float64 `json:"viewBox"`
	Countries []struct {
		Code string      `json:"code"`
		D    string      `json:"d"`
		Dot  *[2]float64 `json:"dot"`
	} `json:"countries"`
	NoData []struct {
		Name string `json:"name"`
		D    string `json:"d"`
	} `json:"noData"`
}

// world parses the embedded worldpaths.json on first use. A malformed file
// is a build defect, so it panics.
var world = sync.OnceValue(func() *worldFile {
	var w worldFile
	if err := json.Unmarshal(worldPathsJSON, &w); err != nil {
		panic("chart: embedded worldpaths.json: " + err.Error())
	}
	if w.ViewBox[2] <= 0 || w.ViewBox[3] <= 0 || len(w.Countries) == 0 {
		panic("chart: embedded worldpaths.json: no map")
	}
	return &w
})

// MapCodes returns the ISO 3166-1 alpha-2 codes of the countries and
// territories that the world map can colour, sorted. Counts for other codes
// count towards the legend's ranges but are not drawn.
func MapCodes() []string {
	w := world()
	out := make([]string, len(w.Countries))
	for i, c := range w.Countries {
		out[i] = c.Code
	}
	return out
}

// MapInput is what WorldMap draws.
type MapInput struct {
	// Counts maps ISO 3166-1 alpha-2 codes (any case) to a count, such as
	// members. Missing codes count as 0; negative counts as 0.
	Counts map[string]int
	// Name returns a country's name in the reader's language. Nil gives
	// the English CLDR name from package geo.
	Name func(code string) string
	// Title is the map's accessible name, e.g. "Members by country".
	Title string
	// Desc is the map's accessible description. Empty gives the legend
	// heading and ranges ("Members: None; 1; 2–4; …"); a page that wants a
	// sentence in the reader's language passes one.
	Desc string
	// Legend is the heading of the legend, already translated.
	Legend string
	// NoneLabel is the translated label for a count of 0 ("None").
	NoneLabel string
	// Link, if not nil, returns the URL that a country with a count above
	// 0 links to (e.g. "/members?country=KE"), or "" for no link. URLs
	// with a scheme other than http, https and mailto are dropped.
	Link func(code string) string
	// Label returns the translated tooltip and accessible text for a
	// country, e.g. "Kenya: 3 members"; it is also called with n = 0. Nil
	// gives Name(code) + ": " + n.
	Label func(code string, n int) string
	// ID is an optional prefix for the SVG's element ids (a letter, then
	// letters, digits, '-' or '_'); it must be unique on the page. Empty
	// (or invalid) gives a fresh one, so two maps on a page never clash.
	ID string
}

// Colours of the map. The buckets are a single-hue sequential blue
// (ColorBrewer Blues, from light to dark); a count of 0 and the shapes
// without an ISO code are a neutral light grey; borders are white. The
// darkest bucket has 9:1 contrast against white, the lightest 1.6:1, which
// the tooltips, legend and the page's table make up for.
var palette = [5]string{"#c6dbef", "#85bcdb", "#4a98c9", "#1f6eb0", "#08306b"}

const (
	zeroFill   = "#e3e3e3"
	borderFill = "#ffffff"
	dotStroke  = "#1f1f1f"
	dotRadius  = "3.5"
)

// bucket is a range of counts, lo to hi inclusive, and its colour.
type bucket struct {
	lo, hi int
	fill   string
}

// label is the bucket's legend text: "4" or "2–9".
func (b bucket) label() string {
	if b.lo == b.hi {
		return strconv.Itoa(b.lo)
	}
	return strconv.Itoa(b.lo) + "–" + strconv.Itoa(b.hi)
}

// makeBuckets splits the positive counts into at most len(palette) ranges,
// with contiguous bounds from 1 to the largest count. With no more distinct
// counts than colours, each count has its own range; otherwise the ranges
// are quantiles: each takes about an equal share of the countries not yet
// in a range, and equal counts always share a range (so a count shared by
// many countries does not squeeze the others into one range). With no
// positive count there are no ranges. Colours are spread over the palette,
// the range of the largest counts always the darkest.
func makeBuckets(counts map[string]int) []bucket {
	var vals []int
	for _, n := range counts {
		if n > 0 {
			vals = append(vals, n)
		}
	}
	if len(vals) == 0 {
		return nil
	}
	slices.Sort(vals)
	k := len(palette)
	his := slices.Compact(slices.Clone(vals))
	if len(his) > k {
		his = his[:0]
		rest := vals
		for i := 0; i < k && len(rest) > 0; i++ {
			left := k - i // ranges still to fill
			hi := rest[(len(rest)+left-1)/left-1]
			if i == k-1 {
				hi = rest[len(rest)-1]
			}
			j, _ := slices.BinarySearch(rest, hi+1)
			his = append(his, hi)
			rest = rest[j:]
		}
	}
	bs := make([]bucket, len(his))
	lo := 1
	for i, hi := range his {
		c := len(palette) - 1
		if len(his) > 1 {
			c = (i*(len(palette)-1) + (len(his)-1)/2) / (len(his) - 1)
		}
		bs[i] = bucket{lo: lo, hi: hi, fill: palette[c]}
		lo = hi + 1
	}
	return bs
}

// fillFor returns the colour for count n.
func fillFor(bs []bucket, n int) string {
	for _, b := range bs {
		if n <= b.hi {
			return b.fill
		}
	}
	return zeroFill
}

// WorldMap renders a world map (Equal Earth projection, Natural Earth 1:50m
// borders, no Antarctica) with each country coloured by its count, and a
// legend below it, as an inline <svg>.
//
// Countries with a count above 0 get the Label as a tooltip; with Link,
// they are links. Without links the SVG is role="img", named by Title and
// described by Desc; with links it is role="group" (an image's children are
// hidden from assistive technology, and links must not be), the links named
// by their Labels, and the grey countries hidden from assistive technology.
// Either way the page should also give the numbers as a table. Small states
// with a count above 0 get a dot, so that they can be seen and clicked.
// Shapes without an ISO code (Kosovo, Northern Cyprus, Somaliland, Siachen)
// are grey and plain.
func WorldMap(in MapInput) template.HTML {
	w := world()
	id := newID(in.ID)
	name := in.Name
	if name == nil {
		name = func(code string) string {
			if c, ok := geo.Lookup(code); ok {
				return c.Name("en")
			}
			return code
		}
	}
	label := in.Label
	if label == nil {
		label = func(code string, n int) string { return name(code) + ": " + strconv.Itoa(n) }
	}
	counts := make(map[string]int, len(in.Counts))
	for code, n := range in.Counts {
		if n > 0 {
			counts[strings.ToUpper(code)] += n
		}
	}
	bs := makeBuckets(counts)
	links := in.Link != nil

	vb := w.ViewBox
	legend, legendH := mapLegend(vb[2], vb[1]+vb[3], in.Legend, in.NoneLabel, bs)
	vb[3] = round1(vb[3] + legendH)
	var b strings.Builder
	b.Grow(len(worldPathsJSON) + 24*len(w.Countries) + 1024)
	role := "img"
	if links {
		role = "group"
	}
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="%s %s %s %s" width="100%%" role="%s" aria-labelledby="%s-title" aria-describedby="%s-desc" class="chart chart-map" font-family="%s" fill="%s">`,
		num(vb[0]), num(vb[1]), num(vb[2]), num(vb[3]), role, id, id, fontFamily, textColour)
	fmt.Fprintf(&b, `<title id="%s-title">%s</title>`, id, esc(in.Title))
	desc := in.Desc
	if desc == "" {
		parts := []string{in.NoneLabel}
		for _, bk := range bs {
			parts = append(parts, bk.label())
		}
		desc = strings.Join(parts, "; ")
		if in.Legend != "" {
			desc = in.Legend + ": " + desc
		}
	}
	fmt.Fprintf(&b, `<desc id="%s-desc">%s</desc>`, id, esc(desc))

	// Shapes: first one grey group (the no-data shapes and the countries
	// at 0), then the coloured countries, and last those with a dot, so
	// that dots are drawn above their neighbours. Document order is also
	// the links' tab order: by code, small states last.
	fmt.Fprintf(&b, `<g stroke="%s" stroke-width=".4" stroke-linejoin="round" fill-rule="evenodd">`, borderFill)
	fmt.Fprintf(&b, `<g fill="%s" aria-hidden="true">`, zeroFill)
	for _, s := range w.NoData {
		fmt.Fprintf(&b, `<path d="%s"/>`, s.D)
	}
	for _, c := range w.Countries {
		if counts[c.Code] > 0 || c.D == "" {
			continue
		}
		fmt.Fprintf(&b, `<path d="%s"><title>%s</title></path>`, c.D, esc(label(c.Code, 0)))
	}
	b.WriteString(`</g>`)
	for pass := range 2 {
		for _, c := range w.Countries {
			n := counts[c.Code]
			if n <= 0 || (c.Dot != nil) != (pass == 1) {
				continue
			}
			fill := fillFor(bs, n)
			href := ""
			if links {
				href = safeURL(in.Link(c.Code))
			}
			if href != "" {
				fmt.Fprintf(&b, `<a href="%s" fill="%s">`, esc(href), fill)
			} else {
				fmt.Fprintf(&b, `<g fill="%s">`, fill)
			}
			fmt.Fprintf(&b, `<title>%s</title>`, esc(label(c.Code, n)))
			if c.D != "" {
				fmt.Fprintf(&b, `<path d="%s"/>`, c.D)
			}
			if c.Dot != nil {
				fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="%s" stroke="%s" stroke-width=".6"/>`, num(c.Dot[0]), num(c.Dot[1]), dotRadius, dotStroke)
			}
			if href != "" {
				b.WriteString(`</a>`)
			} else {
				b.WriteString(`</g>`)
			}
		}
	}
	b.WriteString(`</g>`)

	b.WriteString(legend)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// Legend geometry, in map units (the map is 1000 wide).
const (
	legendFont   = 20.0
	legendRow    = 32.0 // height of a row of the legend
	legendSwatch = 20.0
	legendGap    = 8.0  // between a swatch and its text
	legendItem   = 28.0 // between items
	legendX      = 8.0
)

// mapLegend lays out the legend below the map, from x = legendX at y = top:
// the heading, then a swatch and text per range, from "None" to the largest
// counts, wrapping onto more rows if they do not fit in the width. (The
// empty ocean at the bottom left is where the South Pacific islands are.) It
// returns the SVG and its height.
func mapLegend(width, top float64, heading, none string, bs []bucket) (string, float64) {
	var b strings.Builder
	fmt.Fprintf(&b, `<g class="chart-legend" font-size="%s">`, num(legendFont))
	x, row := legendX, 0
	next := func(w float64) (float64, float64) {
		if x > legendX && x+w > width-legendX {
			x, row = legendX, row+1
		}
		bx := x
		x += w + legendItem
		return bx, top + float64(row)*legendRow
	}
	baseline := (legendRow + legendFont*0.7) / 2
	if heading != "" {
		hx, y := next(textWidth(heading, legendFont) * 1.1) // bold
		fmt.Fprintf(&b, `<text x="%s" y="%s" font-weight="bold">%s</text>`, num(round1(hx)), num(round1(y+baseline)), esc(heading))
	}
	item := func(fill, text string) {
		ix, y := next(legendSwatch + legendGap + textWidth(text, legendFont))
		fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s" stroke="%s" stroke-width=".5"/>`,
			num(round1(ix)), num(round1(y+(legendRow-legendSwatch)/2)), num(legendSwatch), num(legendSwatch), fill, dotStroke)
		fmt.Fprintf(&b, `<text x="%s" y="%s">%s</text>`, num(round1(ix+legendSwatch+legendGap)), num(round1(y+baseline)), esc(text))
	}
	item(zeroFill, none)
	for _, bk := range bs {
		item(bk.fill, bk.label())
	}
	b.WriteString(`</g>`)
	return b.String(), float64(row+1)*legendRow + legendX
}
