// Package topo turns the vendored Natural Earth TopoJSON (npm world-atlas,
// countries-50m.json) into the projected SVG paths that package chart
// embeds as worldpaths.json.
//
// It is used only by the generator (internal/chart/gen) and by chart's
// tests, which check that the committed worldpaths.json is exactly what
// Generate produces. Package chart itself never imports it.
//
// The steps: decode the topology (delta-encoded, quantized arcs and the
// transform); give each feature its ISO 3166-1 alpha-2 code (world-atlas ids
// are ISO 3166-1 numeric codes; the numeric-to-alpha-2 table is built from
// the codes in package geo and golang.org/x/text's M49 numbers); split a few
// overseas parts out of their parent feature (French Guiana out of France,
// Svalbard out of Norway, …) so that they can be coloured by their own code;
// drop Antarctica; project with the Equal Earth projection (equal-area, so
// that areas on the map compare fairly); simplify each arc once with
// Douglas–Peucker, so that neighbouring countries keep a common border; round
// to a tenth of a unit and write each country as one SVG path with relative
// coordinates.
package topo

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/text/language"

	"github.com/wuzhen/wuzhen/internal/geo"
)

// Tuning. Units are those of the output viewBox, which is Width wide.
const (
	// Width is the width of the map's viewBox.
	Width = 1000
	// pad is the blank margin around the land, on every side.
	pad = 2.0
	// tolerance is the Douglas–Peucker tolerance: no simplified border is
	// further than this from the Natural Earth 1:50m one.
	tolerance = 0.4
	// minRingArea drops islands (and lakes) smaller than this, in square
	// units, except a country's largest ring. One square unit is about
	// 1,600 km² (Equal Earth is equal-area).
	minRingArea = 0.6
	// dotArea: a country whose drawn area is below this (about 8,000 km²)
	// also gets a dot, so that small states can be seen and clicked.
	dotArea = 5.0
)

// dropped are codes left off the map: Antarctica takes a lot of room and
// bytes and has no members.
var dropped = map[string]bool{"AQ": true}

// split moves the polygons of a source feature whose outer ring's
// longitude/latitude box centre falls inside lon×lat to another code.
// Source is the feature's alpha-2 code or, for a feature without an id,
// its Natural Earth name; a source left without polygons is dropped. Every
// rule must move at least one polygon, so
// that a refresh of the data that changes the shapes is noticed.
type split struct {
	from, to string
	lon, lat [2]float64
}

var splits = []split{
	// Natural Earth's France includes the overseas departments, its Norway
	// Svalbard and Jan Mayen, its Netherlands the Caribbean Netherlands;
	// each has its own ISO 3166-1 code and may have members of its own.
	{"FR", "GF", [2]float64{-55, -51}, [2]float64{1, 7}},
	{"FR", "GP", [2]float64{-62, -60.9}, [2]float64{15.7, 16.7}},
	{"FR", "MQ", [2]float64{-61.4, -60.6}, [2]float64{14.2, 15}},
	{"FR", "RE", [2]float64{55, 56}, [2]float64{-21.6, -20.6}},
	{"FR", "YT", [2]float64{44.8, 45.5}, [2]float64{-13.2, -12.4}},
	{"NO", "SJ", [2]float64{-10, 35}, [2]float64{70.5, 81}}, // keeps mainland Norway: its box centre is at 64.5°N
	{"NL", "BQ", [2]float64{-69, -62}, [2]float64{11.5, 18}},
	// Christmas Island and the Cocos (Keeling) Islands, one feature without
	// an id in Natural Earth.
	{"Indian Ocean Ter.", "CX", [2]float64{105, 106.5}, [2]float64{-11, -10}},
	{"Indian Ocean Ter.", "CC", [2]float64{96, 97.5}, [2]float64{-12.7, -11.5}},
}

// extraDots places a dot for a country or territory that Natural Earth's
// 1:50m countries leave out, at its main island or town (longitude,
// latitude in degrees). Each must have no shape of its own.
var extraDots = []struct {
	code     string
	lon, lat float64
}{
	{"GI", -5.35, 36.14}, // Gibraltar
	{"TK", -171.8, -9.2}, // Tokelau (Nukunonu)
	{"TV", 179.2, -8.52}, // Tuvalu (Funafuti)
}

// Map is the generated world map.
type Map struct {
	// ViewBox is min-x, min-y, width, height.
	ViewBox [4]float64
	// Countries are sorted by code.
	Countries []Country
	// NoData are the features without an ISO code (Kosovo, Somaliland, …),
	// sorted by name.
	NoData []Shape
}

// Country is one country or territory on the map.
type Country struct {
	Code string    `json:"code"`
	D    string    `json:"d"`             // empty for a state too small to draw: only its dot`
	Dot  []float64 `json:"dot,omitempty"` // x, y of a marker for a small state
}

// Shape is a feature without an ISO code.
type Shape struct {
	Name string `json:"name"`
	D    string `json:"d"`
}

// Generate returns the contents of worldpaths.json for the TopoJSON in src.
func Generate(src []byte) ([]byte, error) {
	m, err := Build(src)
	if err != nil {
		return nil, err
	}
	return m.Encode()
}

// Encode writes m as JSON, one country to a line.
func (m *Map) Encode() ([]byte, error) {
	var b bytes.Buffer
	vb, err := json.Marshal(m.ViewBox)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(&b, "{\"viewBox\":%s,\n\"countries\":[\n", vb)
	for i, c := range m.Countries {
		line, err := json.Marshal(c)
		if err != nil {
			return nil, err
		}
		b.Write(line)
		if i < len(m.Countries)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("],\n\"noData\":[\n")
	for i, s := range m.NoData {
		line, err := json.Marshal(s)
		if err != nil {
			return nil, err
		}
		b.Write(line)
		if i < len(m.NoData)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("]}\n")
	return b.Bytes(), nil
}

// topology is the subset of the TopoJSON format that world-atlas uses.
type topology struct {
	Type      string `json:"type"`
	Transform *struct {
		Scale     [2]float64 `json:"scale"`
		Translate [2]float64 `json:"translate"`
	} `json:"transform"`
	Objects map[string]struct {
		Type       string     `json:"type"`
		Geometries []geometry `json:"geometries"`
	} `json:"objects"`
	Arcs [][][]float64 `json:"arcs"`
}

type geometry struct {
	Type       string `json:"type"`
	ID         string `json:"id"`
	Properties struct {
		Name string `json:"name"`
	} `json:"properties"`
	Arcs json.RawMessage `json:"arcs"`
}

// polygon is a list of rings (the first the outer one), each a list of arc
// references: i is arc i, ^i (that is, -i-1) is arc i reversed.
type polygon [][]int

type pt struct{ x, y float64 }

// feature is a country (code set) or a no-data shape (name set).
type feature struct {
	code, name string
	polys      []polygon
}

// Decode parses src and returns its arcs in longitude/latitude and its
// countries' polygons, in file order.
func decode(src []byte) ([][]pt, []geometry, error) {
	var t topology
	if err := json.Unmarshal(src, &t); err != nil {
		return nil, nil, fmt.Errorf("topojson: %w", err)
	}
	if t.Type != "Topology" {
		return nil, nil, fmt.Errorf("topojson: type %q, want Topology", t.Type)
	}
	obj, ok := t.Objects["countries"]
	if !ok || obj.Type != "GeometryCollection" {
		return nil, nil, errors.New("topojson: no countries GeometryCollection")
	}
	arcs := make([][]pt, len(t.Arcs))
	for i, a := range t.Arcs {
		ps := make([]pt, len(a))
		var x, y float64
		for j, p := range a {
			if len(p) < 2 {
				return nil, nil, fmt.Errorf("topojson: arc %d position %d has %d numbers", i, j, len(p))
			}
			if t.Transform != nil {
				// Quantized: positions are deltas from the previous one.
				x += p[0]
				y += p[1]
				ps[j] = pt{x*t.Transform.Scale[0] + t.Transform.Translate[0], y*t.Transform.Scale[1] + t.Transform.Translate[1]}
			} else {
				ps[j] = pt{p[0], p[1]}
			}
		}
		arcs[i] = ps
	}
	return arcs, obj.Geometries, nil
}

func (g geometry) polygons(nArcs int) ([]polygon, error) {
	var polys []polygon
	switch g.Type {
	case "Polygon":
		var p polygon
		if err := json.Unmarshal(g.Arcs, &p); err != nil {
			return nil, err
		}
		polys = []polygon{p}
	case "MultiPolygon":
		if err := json.Unmarshal(g.Arcs, &polys); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("geometry type %q", g.Type)
	}
	for _, p := range polys {
		if len(p) == 0 {
			return nil, errors.New("polygon without rings")
		}
		for _, r := range p {
			for _, a := range r {
				if i := arcIndex(a); i >= nArcs {
					return nil, fmt.Errorf("arc %d out of range", a)
				}
			}
		}
	}
	return polys, nil
}

func arcIndex(a int) int {
	if a < 0 {
		return ^a
	}
	return a
}

// NumericToAlpha2 maps ISO 3166-1 numeric codes to the alpha-2 codes of
// package geo, through the M49 numbers of golang.org/x/text (for countries,
// M49 and ISO 3166-1 numeric codes are the same).
func NumericToAlpha2() (map[int]string, error) {
	m := make(map[int]string)
	for _, c := range geo.Countries() {
		r, err := language.ParseRegion(c.Code)
		if err != nil {
			return nil, fmt.Errorf("region %s: %w", c.Code, err)
		}
		n := r.M49()
		if n == 0 {
			return nil, fmt.Errorf("region %s has no numeric code", c.Code)
		}
		if prev, ok := m[n]; ok {
			return nil, fmt.Errorf("numeric %03d is both %s and %s", n, prev, c.Code)
		}
		m[n] = c.Code
	}
	return m, nil
}

// Build decodes, projects and simplifies the TopoJSON in src.
func Build(src []byte) (*Map, error) {
	arcs, geoms, err := decode(src)
	if err != nil {
		return nil, err
	}
	numeric, err := NumericToAlpha2()
	if err != nil {
		return nil, err
	}

	// Features by code (several Natural Earth features may share one:
	// Australia and Ashmore and Cartier Islands are both 036) and no-data
	// features by name.
	byKey := map[string]*feature{}
	var keys []string
	for _, g := range geoms {
		polys, err := g.polygons(len(arcs))
		if err != nil {
			return nil, fmt.Errorf("%s (%q): %w", g.Properties.Name, g.ID, err)
		}
		f := &feature{}
		if g.ID == "" {
			if g.Properties.Name == "" {
				return nil, errors.New("a feature has neither id nor name")
			}
			f.name = g.Properties.Name
		} else {
			n, err := strconv.Atoi(g.ID)
			if err != nil {
				return nil, fmt.Errorf("%s: id %q is not numeric", g.Properties.Name, g.ID)
			}
			code, ok := numeric[n]
			if !ok {
				return nil, fmt.Errorf("%s: numeric code %q is not an ISO 3166-1 country", g.Properties.Name, g.ID)
			}
			f.code = code
		}
		key := f.code
		if key == "" {
			key = "\x00" + f.name
		}
		if prev, ok := byKey[key]; ok {
			prev.polys = append(prev.polys, polys...)
			continue
		}
		f.polys = polys
		byKey[key] = f
		keys = append(keys, key)
	}

	// Split overseas parts out of their parent feature.
	for _, s := range splits {
		key := s.from
		if len(key) != 2 {
			key = "\x00" + key
		}
		src, ok := byKey[key]
		if !ok {
			return nil, fmt.Errorf("split %s→%s: no feature %q", s.from, s.to, s.from)
		}
		var keep, moved []polygon
		for _, p := range src.polys {
			c := ringBoxCentre(arcs, p[0])
			if s.lon[0] <= c.x && c.x <= s.lon[1] && s.lat[0] <= c.y && c.y <= s.lat[1] {
				moved = append(moved, p)
			} else {
				keep = append(keep, p)
			}
		}
		if len(moved) == 0 {
			return nil, fmt.Errorf("split %s→%s moved %d of %d polygons: check the rule", s.from, s.to, len(moved), len(src.polys))
		}
		if _, ok := byKey[s.to]; ok {
			return nil, fmt.Errorf("split %s→%s: %s already has a feature", s.from, s.to, s.to)
		}
		src.polys = keep
		byKey[s.to] = &feature{code: s.to, polys: moved}
		keys = append(keys, s.to)
	}

	var feats []*feature
	for _, k := range keys {
		f := byKey[k]
		if dropped[f.code] || len(f.polys) == 0 { // emptied by splits
			continue
		}
		feats = append(feats, f)
	}

	// Cut the arcs that cross the antimeridian, then project every piece
	// that a kept feature uses.
	pieces, pieceOf := cutArcs(arcs)
	used := make([]bool, len(pieces))
	for _, f := range feats {
		for _, p := range f.polys {
			for _, r := range p {
				for _, a := range r {
					for _, i := range pieceOf[arcIndex(a)] {
						used[i] = true
					}
				}
			}
		}
	}
	minX, minY := math.Inf(1), math.Inf(1)
	maxX, maxY := math.Inf(-1), math.Inf(-1)
	for i, pc := range pieces {
		if !used[i] {
			continue
		}
		for _, p := range pc.pts {
			q := equalEarth(p.x, p.y)
			minX, maxX = min(minX, q.x), max(maxX, q.x)
			minY, maxY = min(minY, q.y), max(maxY, q.y)
		}
	}

	// Scale to Width, flip y (SVG's y grows downwards), simplify, round to
	// tenths.
	k := (Width - 2*pad) / (maxX - minX)
	height := math.Ceil(((maxY-minY)*k+2*pad)*10) / 10
	toMap := func(lon, lat float64) pt {
		q := equalEarth(lon, lat)
		return pt{(q.x-minX)*k + pad, (maxY-q.y)*k + pad}
	}
	tenths := make([][]ipt, len(pieces))
	for i, pc := range pieces {
		if !used[i] {
			continue
		}
		ps := make([]pt, len(pc.pts))
		for j, p := range pc.pts {
			ps[j] = toMap(p.x, p.y)
		}
		tenths[i] = roundPts(simplify(ps, tolerance))
	}
	r := &renderer{pieces: pieces, pieceOf: pieceOf, tenths: tenths, toMap: toMap}

	m := &Map{ViewBox: [4]float64{0, 0, Width, height}}
	for _, f := range feats {
		d, area, dot, err := r.render(f.polys)
		if err != nil {
			return nil, fmt.Errorf("%s%s: %w", f.code, f.name, err)
		}
		if d == "" && (f.code == "" || dot == (ipt{})) {
			return nil, fmt.Errorf("%s%s: nothing left to draw", f.code, f.name)
		}
		if f.code == "" {
			m.NoData = append(m.NoData, Shape{Name: f.name, D: d})
			continue
		}
		c := Country{Code: f.code, D: d}
		if area < dotArea*100 {
			c.Dot = []float64{float64(dot.x) / 10, float64(dot.y) / 10}
		}
		m.Countries = append(m.Countries, c)
	}
	for _, e := range extraDots {
		if _, ok := byKey[e.code]; ok {
			return nil, fmt.Errorf("extra dot for %s, which has a shape", e.code)
		}
		q := roundPts([]pt{toMap(e.lon, e.lat)})[0]
		m.Countries = append(m.Countries, Country{Code: e.code, Dot: []float64{float64(q.x) / 10, float64(q.y) / 10}})
	}
	slices.SortFunc(m.Countries, func(a, b Country) int { return strings.Compare(a.Code, b.Code) })
	slices.SortFunc(m.NoData, func(a, b Shape) int { return strings.Compare(a.Name, b.Name) })
	return m, nil
}

// ringBoxCentre returns the centre of the longitude/latitude box of a ring.
func ringBoxCentre(arcs [][]pt, ring []int) pt {
	minX, minY := math.Inf(1), math.Inf(1)
	maxX, maxY := math.Inf(-1), math.Inf(-1)
	for _, a := range ring {
		for _, p := range arcs[arcIndex(a)] {
			minX, maxX = min(minX, p.x), max(maxX, p.x)
			minY, maxY = min(minY, p.y), max(maxY, p.y)
		}
	}
	return pt{(minX + maxX) / 2, (minY + maxY) / 2}
}

// equalEarth projects longitude and latitude in degrees with the Equal
// Earth projection (Šavrič, Patterson and Jenny, 2018), in the units of
// d3-geo's geoEqualEarthRaw: y grows northwards.
func equalEarth(lon, lat float64) pt {
	const (
		a1 = 1.340264
		a2 = -0.081106
		a3 = 0.000893
		a4 = 0.003796
	)
	m := math.Sqrt(3) / 2
	lambda := lon * math.Pi / 180
	phi := lat * math.Pi / 180
	l := math.Asin(m * math.Sin(phi))
	l2 := l * l
	l6 := l2 * l2 * l2
	x := lambda * math.Cos(l) / (m * (a1 + 3*a2*l2 + l6*(7*a3+9*a4*l2)))
	y := l * (a1 + a2*l2 + l6*(a3+a4*l2))
	return pt{x, y}
}

// simplify applies Douglas–Peucker to a polyline, keeping both ends. A
// closed arc (an island) is cut at the point furthest from its start, so
// that it keeps some area.
func simplify(ps []pt, tol float64) []pt {
	if len(ps) < 3 {
		return ps
	}
	if ps[0] == ps[len(ps)-1] {
		far, best := 0, -1.0
		for i, p := range ps {
			if d := dist2(p, ps[0]); d > best {
				far, best = i, d
			}
		}
		if far == 0 {
			return ps[:1:1]
		}
		a := simplify(ps[:far+1], tol)
		b := simplify(ps[far:], tol)
		return append(slices.Clip(a), b[1:]...)
	}
	keep := make([]bool, len(ps))
	keep[0], keep[len(ps)-1] = true, true
	type span struct{ i, j int }
	stack := []span{{0, len(ps) - 1}}
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		far, best := -1, tol*tol
		for i := s.i + 1; i < s.j; i++ {
			if d := segDist2(ps[i], ps[s.i], ps[s.j]); d > best {
				far, best = i, d
			}
		}
		if far >= 0 {
			keep[far] = true
			stack = append(stack, span{s.i, far}, span{far, s.j})
		}
	}
	out := make([]pt, 0, len(ps))
	for i, p := range ps {
		if keep[i] {
			out = append(out, p)
		}
	}
	return out
}

func dist2(a, b pt) float64 {
	dx, dy := a.x-b.x, a.y-b.y
	return dx*dx + dy*dy
}

// segDist2 is the squared distance from p to the segment a–b.
func segDist2(p, a, b pt) float64 {
	dx, dy := b.x-a.x, b.y-a.y
	l2 := dx*dx + dy*dy
	if l2 == 0 {
		return dist2(p, a)
	}
	t := ((p.x-a.x)*dx + (p.y-a.y)*dy) / l2
	t = max(0, min(1, t))
	return dist2(p, pt{a.x + t*dx, a.y + t*dy})
}

// ipt is a point in tenths of a unit.
type ipt struct{ x, y int64 }

func roundPts(ps []pt) []ipt {
	out := make([]ipt, 0, len(ps))
	for _, p := range ps {
		q := ipt{int64(math.Round(p.x * 10)), int64(math.Round(p.y * 10))}
		if n := len(out); n > 0 && out[n-1] == q {
			continue
		}
		out = append(out, q)
	}
	return out
}

// piece is an arc, or the part of an arc between crossings of the
// antimeridian, in longitude/latitude. An end made by a cut is at exactly
// longitude ±180 (edge +1 or -1); the other ends have edge 0.
type piece struct {
	pts                []pt
	startEdge, endEdge int
}

// cutArcs cuts the arcs that cross the antimeridian (Natural Earth's
// Chukotka, Wrangel Island and one Fijian island do: two consecutive points
// more than 180° of longitude apart) at longitude ±180. It returns the
// pieces and, for each arc, its pieces in order.
func cutArcs(arcs [][]pt) ([]piece, [][]int) {
	var pieces []piece
	pieceOf := make([][]int, len(arcs))
	for i, a := range arcs {
		cur := piece{pts: []pt{a[0]}}
		for j := 1; j < len(a); j++ {
			p, q := a[j-1], a[j]
			if math.Abs(q.x-p.x) <= 180 {
				cur.pts = append(cur.pts, q)
				continue
			}
			// Crossing eastwards over +180 (p east, q west) or westwards.
			edge := 1.0
			qx := q.x + 360
			if p.x < q.x {
				edge, qx = -1, q.x-360
			}
			lat := p.y
			if qx != p.x {
				lat += (edge*180 - p.x) / (qx - p.x) * (q.y - p.y)
			}
			if end := (pt{edge * 180, lat}); cur.pts[len(cur.pts)-1] != end {
				cur.pts = append(cur.pts, end)
			}
			cur.endEdge = int(edge)
			pieceOf[i] = append(pieceOf[i], len(pieces))
			pieces = append(pieces, cur)
			cur = piece{pts: []pt{{-edge * 180, lat}}, startEdge: -int(edge)}
			if q != cur.pts[0] {
				cur.pts = append(cur.pts, q)
			}
		}
		pieceOf[i] = append(pieceOf[i], len(pieces))
		pieces = append(pieces, cur)
	}
	return pieces, pieceOf
}

// renderer draws polygons from the simplified pieces.
type renderer struct {
	pieces  []piece
	pieceOf [][]int
	tenths  [][]ipt // each piece projected, simplified and in tenths
	toMap   func(lon, lat float64) pt
}

// rings assembles a ring from its arcs. A ring that crosses the antimeridian
// comes back as one ring per side, each closed along the map's edge. The
// rings have no closing point.
func (r *renderer) rings(refs []int) ([][]ipt, error) {
	type seg struct {
		pts                []ipt
		startEdge, endEdge int
		startLat, endLat   float64
	}
	var segs []seg
	for _, a := range refs {
		ids := r.pieceOf[arcIndex(a)]
		if a < 0 {
			for j := len(ids) - 1; j >= 0; j-- {
				pc := r.pieces[ids[j]]
				ps := slices.Clone(r.tenths[ids[j]])
				slices.Reverse(ps)
				segs = append(segs, seg{ps, pc.endEdge, pc.startEdge, pc.pts[len(pc.pts)-1].y, pc.pts[0].y})
			}
			continue
		}
		for _, id := range ids {
			pc := r.pieces[id]
			segs = append(segs, seg{r.tenths[id], pc.startEdge, pc.endEdge, pc.pts[0].y, pc.pts[len(pc.pts)-1].y})
		}
	}
	seam := func(a, b seg) bool { return a.endEdge != 0 && b.startEdge == -a.endEdge }
	type chain struct {
		pts              []ipt
		edge             int
		startLat, endLat float64
	}
	var chains []chain
	var cur chain
	add := func(ps []ipt) {
		for _, p := range ps {
			if n := len(cur.pts); n > 0 && cur.pts[n-1] == p {
				continue
			}
			cur.pts = append(cur.pts, p)
		}
	}
	for i, s := range segs {
		if i == 0 || seam(segs[i-1], s) {
			if i > 0 {
				chains = append(chains, cur)
			}
			cur = chain{edge: s.startEdge, startLat: s.startLat}
		}
		add(s.pts)
		cur.endLat = s.endLat
	}
	chains = append(chains, cur)
	if len(chains) == 1 {
		ps := chains[0].pts
		if n := len(ps); n > 1 && ps[0] == ps[n-1] {
			ps = ps[:n-1]
		}
		return [][]ipt{ps}, nil
	}
	if !seam(segs[len(segs)-1], segs[0]) {
		// The ring's start is not at a seam: its last chain goes on
		// into its first.
		last := chains[len(chains)-1]
		cur = last
		add(chains[0].pts)
		cur.endLat = chains[0].endLat
		chains = append([]chain{cur}, chains[1:len(chains)-1]...)
	}
	var out [][]ipt
	for _, c := range chains {
		if c.edge == 0 {
			return nil, errors.New("a ring crosses the antimeridian more than this cutter handles")
		}
		// Close along the edge, with a point every degree of latitude:
		// the edge of an Equal Earth map is curved.
		lon := float64(c.edge) * 180
		step := 1.0
		if c.startLat < c.endLat {
			step = -1
		}
		cur = c
		for lat := math.Trunc(c.endLat) + step; (lat-c.startLat)*step < 0; lat += step {
			add(roundPts([]pt{r.toMap(lon, lat)}))
		}
		if n := len(cur.pts); n > 1 && cur.pts[0] == cur.pts[n-1] {
			cur.pts = cur.pts[:n-1]
		}
		out = append(out, cur.pts)
	}
	return out, nil
}

// area2 is twice the unsigned area of a ring, in square tenths.
func area2(r []ipt) int64 {
	var s int64
	for i, p := range r {
		q := r[(i+1)%len(r)]
		s += p.x*q.y - q.x*p.y
	}
	if s < 0 {
		s = -s
	}
	return s
}

// render writes a feature's polygons as one SVG path, dropping rings
// smaller than minRingArea (but never the largest outer ring). It returns
// the path, the drawn area in square tenths and the centroid of the
// largest outer ring.
func (r *renderer) render(polys []polygon) (string, float64, ipt, error) {
	type rg struct {
		pts   []ipt
		area  int64
		outer bool
	}
	var rings []rg
	var collapsed []ipt // points of outer rings too small to draw
	largest := -1
	for _, p := range polys {
		for j, refs := range p {
			parts, err := r.rings(refs)
			if err != nil {
				return "", 0, ipt{}, err
			}
			for _, pts := range parts {
				if len(pts) < 3 {
					if j == 0 {
						collapsed = append(collapsed, pts...)
					}
					continue
				}
				rings = append(rings, rg{pts, area2(pts), j == 0})
				if j == 0 && (largest < 0 || rings[len(rings)-1].area > rings[largest].area) {
					largest = len(rings) - 1
				}
			}
		}
	}
	if largest < 0 {
		// A microstate (Vatican City, Monaco): no path, only its dot.
		if len(collapsed) == 0 {
			return "", 0, ipt{}, nil
		}
		return "", 0, centroid(collapsed), nil
	}
	var b strings.Builder
	var area float64
	for i, rg := range rings {
		if i != largest && float64(rg.area) < minRingArea*100*2 {
			continue
		}
		if rg.outer {
			area += float64(rg.area) / 2
		} else {
			area -= float64(rg.area) / 2
		}
		b.WriteByte('M')
		writeNum(&b, rg.pts[0].x, false)
		writeNum(&b, rg.pts[0].y, true)
		b.WriteByte('l')
		for j := 1; j < len(rg.pts); j++ {
			writeNum(&b, rg.pts[j].x-rg.pts[j-1].x, j > 1)
			writeNum(&b, rg.pts[j].y-rg.pts[j-1].y, true)
		}
		b.WriteByte('z')
	}
	return b.String(), area, centroid(rings[largest].pts), nil
}

// centroid returns the centroid of a ring, or the mean of its points if its
// area is zero.
func centroid(r []ipt) ipt {
	var a, cx, cy float64
	for i, p := range r {
		q := r[(i+1)%len(r)]
		c := float64(p.x*q.y - q.x*p.y)
		a += c
		cx += float64(p.x+q.x) * c
		cy += float64(p.y+q.y) * c
	}
	if a == 0 {
		var sx, sy int64
		for _, p := range r {
			sx += p.x
			sy += p.y
		}
		n := int64(len(r))
		return ipt{sx / n, sy / n}
	}
	return ipt{int64(math.Round(cx / (3 * a))), int64(math.Round(cy / (3 * a)))}
}

// writeNum writes v tenths as a short decimal ("12.3", "-.5", "4"),
// preceded by a space if sep is set and the number does not start with a
// minus sign.
func writeNum(b *strings.Builder, v int64, sep bool) {
	if v < 0 {
		b.WriteByte('-')
		v = -v
	} else if sep {
		b.WriteByte(' ')
	}
	whole, frac := v/10, v%10
	if whole != 0 || frac == 0 {
		b.WriteString(strconv.FormatInt(whole, 10))
	}
	if frac != 0 {
		b.WriteByte('.')
		b.WriteByte(byte('0' + frac))
	}
}
