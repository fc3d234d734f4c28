package chart

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/wuzhen/wuzhen/internal/chart/internal/topo"
	"github.com/wuzhen/wuzhen/internal/geo"
)

// TestGeneratedFileIsCurrent runs the generator and compares its output with
// the committed (and embedded) worldpaths.json, so that the two cannot
// drift.
func TestGeneratedFileIsCurrent(t *testing.T) {
	src, err := os.ReadFile("data/countries-50m.json")
	if err != nil {
		t.Fatal(err)
	}
	got, err := topo.Generate(src)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, worldPathsJSON) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(worldPathsJSON), "\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Fatalf("worldpaths.json is stale; run go generate ./internal/chart\nline %d generated: %.200s\nline %d committed: %.200s", i+1, gl[i], i+1, wl[i])
			}
		}
		t.Fatalf("worldpaths.json is stale; run go generate ./internal/chart (%d lines generated, %d committed)", len(gl), len(wl))
	}
	if len(worldPathsJSON) > 250_000 {
		t.Errorf("worldpaths.json is %d bytes; keep it under 250 KB", len(worldPathsJSON))
	}
}

func TestMapCoversTheCountries(t *testing.T) {
	codes := MapCodes()
	if len(codes) < 170 {
		t.Errorf("the map has %d countries, want at least 170", len(codes))
	}
	for _, c := range []string{"KE", "CN", "BR", "US", "FR", "AU", "FJ", "SG", "HK", "MO", "TW", "BH", "MT", "MV", "WS", "TO", "TV", "GF", "RE", "SJ"} {
		if !slices.Contains(codes, c) {
			t.Errorf("the map has no %s", c)
		}
	}
	if !slices.IsSorted(codes) {
		t.Error("MapCodes is not sorted")
	}
	// Every code is an ISO code of package geo, and only the three
	// documented ones are missing.
	var missing []string
	for _, c := range geo.Countries() {
		if !slices.Contains(codes, c.Code) {
			missing = append(missing, c.Code)
		}
	}
	if want := []string{"AQ", "BV", "UM"}; !slices.Equal(missing, want) {
		t.Errorf("codes without a shape = %v, want %v (update data/README.md)", missing, want)
	}
	for _, c := range codes {
		if _, ok := geo.Lookup(c); !ok {
			t.Errorf("map code %s is not in package geo", c)
		}
	}
	w := world()
	if len(w.NoData) == 0 {
		t.Error("no no-data shapes (Kosovo, …)")
	}
	for _, c := range w.Countries {
		if c.D == "" && c.Dot == nil {
			t.Errorf("%s has neither a path nor a dot", c.Code)
		}
	}
}

// checkSVG parses the whole of h as XML and checks that a strict CSP would
// let it through. It returns the elements' names in document order and the
// concatenated character data.
func checkSVG(t *testing.T, h string) ([]xml.StartElement, string) {
	t.Helper()
	if !strings.HasPrefix(h, "<svg ") || !strings.HasSuffix(h, "</svg>") {
		t.Fatalf("not a single <svg> element: %.80s … %.20s", h, h[max(0, len(h)-20):])
	}
	lower := strings.ToLower(h)
	for _, bad := range []string{"style=", "<style", "<script", "javascript:", " on"} {
		if bad == " on" {
			if regexp.MustCompile(`\son[a-z]+=`).MatchString(lower) {
				t.Errorf("output has an event handler attribute")
			}
			continue
		}
		if strings.Contains(lower, bad) {
			t.Errorf("output contains %q", bad)
		}
	}
	d := xml.NewDecoder(strings.NewReader(h))
	d.Strict = true
	var elems []xml.StartElement
	var text strings.Builder
	depth := 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("output is not well-formed XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if depth == 0 && len(elems) > 0 {
				t.Fatal("more than one root element")
			}
			depth++
			elems = append(elems, tok.Copy())
		case xml.EndElement:
			depth--
		case xml.CharData:
			text.Write(tok)
		}
	}
	if depth != 0 || len(elems) == 0 || elems[0].Name.Local != "svg" || elems[0].Name.Space != "http://www.w3.org/2000/svg" {
		t.Fatalf("root is not an SVG element")
	}
	// IDs are unique and aria-labelledby/-describedby point at them.
	ids := map[string]bool{}
	for _, e := range elems {
		if id := attr(e, "id"); id != "" {
			if ids[id] {
				t.Errorf("duplicate id %q", id)
			}
			ids[id] = true
		}
	}
	for _, a := range []string{"aria-labelledby", "aria-describedby"} {
		ref := attr(elems[0], a)
		if ref == "" || !ids[ref] {
			t.Errorf("%s=%q does not name an element", a, ref)
		}
	}
	if attr(elems[0], "viewBox") == "" || attr(elems[0], "width") != "100%" {
		t.Error("the SVG is not responsive (viewBox, width 100%)")
	}
	return elems, text.String()
}

func attr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// fills returns the fill of each country's shape, by code, by finding the
// element whose <title> is the country's label.
func countryFills(t *testing.T, h string) map[string]string {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(h))
	out := map[string]string{}
	var stack []xml.StartElement
	inTitle := false
	for {
		tok, err := d.Token()
		if err != nil {
			break
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			stack = append(stack, tok.Copy())
			inTitle = tok.Name.Local == "title"
		case xml.EndElement:
			stack = stack[:len(stack)-1]
			inTitle = false
		case xml.CharData:
			if !inTitle || len(stack) < 2 {
				continue
			}
			code, _, ok := strings.Cut(string(tok), "=")
			if !ok || len(code) != 2 {
				continue
			}
			// The fill is on the parent or, for a 0 count, the group
			// around it.
			for i := len(stack) - 2; i >= 0; i-- {
				if f := attr(stack[i], "fill"); f != "" {
					out[code] = f
					break
				}
			}
		}
	}
	return out
}

func testLabel(code string, n int) string { return code + "=" + strconv.Itoa(n) }

func TestWorldMapIsWellFormedAndCSPSafe(t *testing.T) {
	h := string(WorldMap(MapInput{
		Counts:    map[string]int{"KE": 3, "cn": 10, "SG": 2, "VA": 1, "XK": 4},
		Title:     "Members by country",
		Legend:    "Members",
		NoneLabel: "None",
		Link:      func(code string) string { return "/members?country=" + code + "&sort=name" },
	}))
	elems, text := checkSVG(t, h)
	if len(h) > 130_000 {
		t.Errorf("map is %d bytes", len(h))
	}
	if attr(elems[0], "role") != "group" {
		t.Errorf("role = %q, want group (the map has links)", attr(elems[0], "role"))
	}
	if !strings.Contains(text, "Members by country") || !strings.Contains(text, "Kenya: 3") || !strings.Contains(text, "China: 10") {
		t.Error("title or default labels missing")
	}
	var hrefs []string
	circles := 0
	for _, e := range elems {
		if e.Name.Local == "a" {
			hrefs = append(hrefs, attr(e, "href"))
		}
		if e.Name.Local == "circle" {
			circles++
		}
	}
	slices.Sort(hrefs)
	want := []string{"/members?country=CN&sort=name", "/members?country=KE&sort=name", "/members?country=SG&sort=name", "/members?country=VA&sort=name"}
	if !slices.Equal(hrefs, want) {
		t.Errorf("links = %q, want %q (only counts above 0, only codes on the map)", hrefs, want)
	}
	if !strings.Contains(h, `href="/members?country=KE&amp;sort=name"`) {
		t.Error("href is not escaped")
	}
	if circles != 2 {
		t.Errorf("%d dots, want 2 (SG and VA)", circles)
	}
}

func TestWorldMapWithoutLinksIsAnImage(t *testing.T) {
	h := string(WorldMap(MapInput{Counts: map[string]int{"KE": 3}, Title: "T", Legend: "L", NoneLabel: "N"}))
	elems, _ := checkSVG(t, h)
	if attr(elems[0], "role") != "img" {
		t.Errorf("role = %q, want img", attr(elems[0], "role"))
	}
	for _, e := range elems {
		if e.Name.Local == "a" {
			t.Fatal("a link without Link")
		}
	}
}

func TestWorldMapEscapes(t *testing.T) {
	const nasty = `A&B <x> "q" 'a'`
	h := string(WorldMap(MapInput{
		Counts:    map[string]int{"KE": 3, "FR": 1},
		Name:      func(string) string { return nasty },
		Title:     nasty,
		Desc:      nasty,
		Legend:    nasty,
		NoneLabel: nasty,
		ID:        `x" onload="alert(1)`,
		Link:      func(code string) string { return `/m?c=` + code + `&x="><script>` },
	}))
	_, text := checkSVG(t, h)
	if strings.Contains(h, "<x>") || strings.Contains(h, "A&B") {
		t.Error("a name is not escaped")
	}
	if !strings.Contains(h, "A&amp;B &lt;x&gt;") {
		t.Error("escaped name not found")
	}
	// Title, desc, legend, None and the two labels.
	if n := strings.Count(text, nasty); n < 5 {
		t.Errorf("the name comes back %d times from the XML, want at least 5", n)
	}
}

func TestWorldMapDropsUnsafeLinks(t *testing.T) {
	for _, u := range []string{"javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", "vbscript:x"} {
		h := string(WorldMap(MapInput{Counts: map[string]int{"KE": 3}, Link: func(string) string { return u }}))
		checkSVG(t, h)
		if strings.Contains(h, "<a ") {
			t.Errorf("link %q kept", u)
		}
	}
	for _, u := range []string{"/x?c=KE", "https://example.org/KE", "KE.html", "#ke", "/a:b"} {
		h := string(WorldMap(MapInput{Counts: map[string]int{"KE": 3}, Link: func(string) string { return u }}))
		if !strings.Contains(h, "<a ") {
			t.Errorf("link %q dropped", u)
		}
	}
	// A Link that returns "" for a country leaves it unlinked.
	h := string(WorldMap(MapInput{Counts: map[string]int{"KE": 3}, Link: func(string) string { return "" }}))
	if strings.Contains(h, "<a ") {
		t.Error("empty link kept")
	}
}

func TestWorldMapIDs(t *testing.T) {
	id := func(h string) string {
		_, after, _ := strings.Cut(h, `aria-labelledby="`)
		v, _, _ := strings.Cut(after, `"`)
		return v
	}
	a := id(string(WorldMap(MapInput{})))
	b := id(string(WorldMap(MapInput{})))
	if a == b || a == "" {
		t.Errorf("two maps share id %q", a)
	}
	if got := id(string(WorldMap(MapInput{ID: "members-map"}))); got != "members-map-title" {
		t.Errorf("id = %q, want members-map-title", got)
	}
	if got := id(string(WorldMap(MapInput{ID: "1bad id"}))); !strings.HasPrefix(got, "chart") {
		t.Errorf("invalid ID used: %q", got)
	}
	c := id(string(Bars("", "", nil, nil)))
	d := id(string(Bars("", "", nil, nil)))
	if c == d {
		t.Errorf("two bar charts share id %q", c)
	}
}

func TestBuckets(t *testing.T) {
	type r = [2]int
	ranges := func(bs []bucket) []r {
		var out []r
		for _, b := range bs {
			out = append(out, r{b.lo, b.hi})
		}
		return out
	}
	many := func(n, v int) map[string]int {
		m := map[string]int{}
		for i := range n {
			m[fmt.Sprintf("C%03d", i)] = v
		}
		return m
	}
	seq := map[string]int{}
	for i := 1; i <= 100; i++ {
		seq[fmt.Sprintf("C%03d", i)] = i
	}
	skewed := many(50, 1)
	skewed["X1"], skewed["X2"], skewed["X3"] = 10, 10, 500
	tests := []struct {
		name   string
		counts map[string]int
		want   []r
	}{
		{"none", nil, nil},
		{"all zero", map[string]int{"KE": 0, "FR": 0, "US": -3}, nil},
		{"one country", map[string]int{"KE": 7}, []r{{1, 7}}},
		{"many equal", many(40, 3), []r{{1, 3}}},
		{"two values", map[string]int{"KE": 1, "FR": 2}, []r{{1, 1}, {2, 2}}},
		{"five values", map[string]int{"A": 1, "B": 2, "C": 3, "D": 4, "E": 5}, []r{{1, 1}, {2, 2}, {3, 3}, {4, 4}, {5, 5}}},
		{"skewed", skewed, []r{{1, 1}, {2, 10}, {11, 500}}},
		{"six values", map[string]int{"A": 1, "B": 2, "C": 3, "D": 4, "E": 5, "F": 50}, []r{{1, 2}, {3, 3}, {4, 4}, {5, 5}, {6, 50}}},
		{"many ones", func() map[string]int { m := many(100, 1); m["X"] = 2; return m }(), []r{{1, 1}, {2, 2}}},
		{"1 to 100", seq, []r{{1, 20}, {21, 40}, {41, 60}, {61, 80}, {81, 100}}},
		{"big gaps", map[string]int{"A": 5, "B": 5, "C": 100, "D": 1000, "E": 1000, "F": 1000}, []r{{1, 5}, {6, 100}, {101, 1000}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bs := makeBuckets(tt.counts)
			if got := ranges(bs); !slices.Equal(got, tt.want) {
				t.Fatalf("buckets = %v, want %v", got, tt.want)
			}
			// Every positive count falls in a bucket; the largest bucket
			// is the darkest colour; colours are distinct and in order.
			for _, n := range tt.counts {
				if n > 0 && fillFor(bs, n) == zeroFill {
					t.Errorf("count %d has no bucket", n)
				}
			}
			if len(bs) > 0 && bs[len(bs)-1].fill != palette[len(palette)-1] {
				t.Errorf("largest bucket is %s, want the darkest", bs[len(bs)-1].fill)
			}
			last := -1
			for _, b := range bs {
				i := slices.Index(palette[:], b.fill)
				if i <= last {
					t.Errorf("colours out of order: %v", bs)
				}
				last = i
			}
		})
	}
}

func TestWorldMapColours(t *testing.T) {
	counts := map[string]int{"KE": 1, "FR": 2, "US": 3, "BR": 4, "CN": 50, "AU": 50}
	h := string(WorldMap(MapInput{Counts: counts, Label: testLabel}))
	checkSVG(t, h)
	fills := countryFills(t, h)
	want := map[string]string{"KE": palette[0], "FR": palette[1], "US": palette[2], "BR": palette[3], "CN": palette[4], "AU": palette[4], "DE": zeroFill, "IN": zeroFill}
	for code, f := range want {
		if fills[code] != f {
			t.Errorf("%s fill = %q, want %q", code, fills[code], f)
		}
	}
	if !strings.Contains(h, ">5–50</text>") || !strings.Contains(h, ">1</text>") {
		t.Error("legend ranges missing")
	}

	// All zero: every country grey, the legend only "None".
	h = string(WorldMap(MapInput{Counts: map[string]int{"KE": 0}, Label: testLabel, NoneLabel: "None", Legend: "Members"}))
	checkSVG(t, h)
	for code, f := range countryFills(t, h) {
		if f != zeroFill {
			t.Errorf("all zero: %s is %s", code, f)
		}
	}
	if strings.Count(h, "<rect ") != 1 || !strings.Contains(h, ">None</text>") {
		t.Error("all zero: legend is not just None")
	}
	if !strings.Contains(h, `<desc id="`) || !strings.Contains(h, ">Members: None</desc>") {
		t.Error("default desc missing")
	}
}

func TestWorldMapSizeWithEveryCountryLinked(t *testing.T) {
	counts := map[string]int{}
	for i, c := range MapCodes() {
		counts[c] = i + 1
	}
	h := string(WorldMap(MapInput{
		Counts: counts, Title: "Members by country", Legend: "Members", NoneLabel: "None",
		Link:  func(code string) string { return "/members?country=" + code },
		Label: func(code string, n int) string { return "Somewhere long-ish: " + strconv.Itoa(n) + " members" },
	}))
	checkSVG(t, h)
	t.Logf("map with every country linked: %d bytes", len(h))
	if len(h) > 150_000 {
		t.Errorf("map is %d bytes", len(h))
	}
}

func TestBars(t *testing.T) {
	bars := []Bar{{"2022", 3}, {"2023", 12}, {"2024", 0}, {"A&B <x>", 30}, {"2026", -2}}
	h := string(Bars("Growth by year", "", bars, func(n int) string { return strconv.Itoa(n) + " members" }))
	elems, text := checkSVG(t, h)
	if attr(elems[0], "role") != "img" {
		t.Error("bars are not role=img")
	}
	for _, want := range []string{"Growth by year", "2023: 12 members", "12 members", "A&B <x>: 30 members", "-2 members"} {
		if !strings.Contains(text, want) {
			t.Errorf("text %q missing", want)
		}
	}
	if strings.Contains(h, "<x>") {
		t.Error("label not escaped")
	}
	titles, rects := 0, 0
	widths := map[string]float64{}
	for _, e := range elems {
		switch e.Name.Local {
		case "title":
			titles++
		case "rect":
			rects++
			w, err := strconv.ParseFloat(attr(e, "width"), 64)
			if err != nil || w <= 0 {
				t.Errorf("bad bar width %q", attr(e, "width"))
			}
			widths[attr(e, "y")] = w
		}
	}
	if titles != 1+len(bars) {
		t.Errorf("%d titles, want one per bar and the chart's", titles)
	}
	if rects != 3 {
		t.Errorf("%d bars drawn, want 3 (zero and negative have none)", rects)
	}
	// The default desc lists every bar.
	if !strings.Contains(h, "2022: 3 members; 2023: 12 members; 2024: 0 members; A&amp;B &lt;x&gt;: 30 members; 2026: -2 members</desc>") {
		t.Error("default desc wrong")
	}
	// Bars are proportional to the values.
	var ws []float64
	for _, w := range widths {
		ws = append(ws, w)
	}
	slices.Sort(ws)
	if len(ws) == 3 && (ws[2]/ws[0] < 9.5 || ws[2]/ws[0] > 10.5) {
		t.Errorf("bar widths %v are not proportional to 3, 12, 30", ws)
	}

	// Given desc, nil valueLabel, no bars.
	h = string(Bars("T", "Members grew", []Bar{{"2024", 5}}, nil))
	_, text = checkSVG(t, h)
	if !strings.Contains(text, "Members grew") || !strings.Contains(h, ">5</text>") {
		t.Error("desc or plain value missing")
	}
	checkSVG(t, string(Bars("Empty", "", nil, nil)))
	checkSVG(t, string(Bars("Zeros", "", []Bar{{"2024", 0}, {"2025", 0}}, nil)))
}
