package topo

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func TestWriteNum(t *testing.T) {
	for _, tt := range []struct {
		v    int64
		sep  bool
		want string
	}{
		{0, false, "0"}, {0, true, " 0"}, {5, true, " .5"}, {-5, true, "-.5"},
		{120, true, " 12"}, {123, false, "12.3"}, {-1234, true, "-123.4"}, {10, false, "1"},
	} {
		var b strings.Builder
		writeNum(&b, tt.v, tt.sep)
		if b.String() != tt.want {
			t.Errorf("writeNum(%d, %v) = %q, want %q", tt.v, tt.sep, b.String(), tt.want)
		}
	}
}

func TestEqualEarth(t *testing.T) {
	// Reference values: the projection's published extent (Šavrič et al.
	// 2018): x = ±2.7066 at the equator, y = ±1.3173 at the poles.
	for _, tt := range []struct{ lon, lat, x, y float64 }{
		{0, 0, 0, 0}, {180, 0, 2.7066, 0}, {-180, 0, -2.7066, 0}, {0, 90, 0, 1.3173}, {0, -90, 0, -1.3173},
	} {
		p := equalEarth(tt.lon, tt.lat)
		if math.Abs(p.x-tt.x) > 1e-4 || math.Abs(p.y-tt.y) > 1e-4 {
			t.Errorf("equalEarth(%v, %v) = %v, want (%v, %v)", tt.lon, tt.lat, p, tt.x, tt.y)
		}
	}
	// North is up once flipped: y grows with latitude.
	if equalEarth(10, 50).y <= equalEarth(10, 40).y {
		t.Error("y does not grow northwards")
	}
}

func TestSimplify(t *testing.T) {
	line := []pt{{0, 0}, {1, 0.1}, {2, -0.1}, {3, 5}, {4, 0}}
	got := simplify(line, 0.5)
	want := []pt{{0, 0}, {2, -0.1}, {3, 5}, {4, 0}}
	if !slices.Equal(got, want) {
		t.Errorf("simplify = %v, want %v", got, want)
	}
	// A closed ring keeps its ends and some area.
	sq := []pt{{0, 0}, {0, 10}, {5, 10.1}, {10, 10}, {10, 0}, {0, 0}}
	got = simplify(sq, 0.5)
	if got[0] != sq[0] || got[len(got)-1] != sq[len(sq)-1] || len(got) != 5 {
		t.Errorf("closed ring simplified to %v", got)
	}
}

func TestCutArcs(t *testing.T) {
	arcs := [][]pt{
		{{170, 60}, {179, 61}, {-179, 63}, {-170, 64}, {-179, 65}, {179, 67}},
		{{10, 10}, {11, 11}},
	}
	pieces, pieceOf := cutArcs(arcs)
	if !slices.Equal(pieceOf[0], []int{0, 1, 2}) || !slices.Equal(pieceOf[1], []int{3}) {
		t.Fatalf("pieceOf = %v", pieceOf)
	}
	want := []piece{
		{pts: []pt{{170, 60}, {179, 61}, {180, 62}}, endEdge: 1},
		{pts: []pt{{-180, 62}, {-179, 63}, {-170, 64}, {-179, 65}, {-180, 66}}, startEdge: -1, endEdge: -1},
		{pts: []pt{{180, 66}, {179, 67}}, startEdge: 1},
		{pts: []pt{{10, 10}, {11, 11}}},
	}
	for i := range want {
		if !slices.Equal(pieces[i].pts, want[i].pts) || pieces[i].startEdge != want[i].startEdge || pieces[i].endEdge != want[i].endEdge {
			t.Errorf("piece %d = %+v, want %+v", i, pieces[i], want[i])
		}
	}
}

func TestNumericToAlpha2(t *testing.T) {
	m, err := NumericToAlpha2()
	if err != nil {
		t.Fatal(err)
	}
	for n, code := range map[int]string{404: "KE", 702: "SG", 156: "CN", 158: "TW", 250: "FR", 840: "US", 36: "AU", 242: "FJ", 10: "AQ", 344: "HK"} {
		if m[n] != code {
			t.Errorf("numeric %03d = %q, want %s", n, m[n], code)
		}
	}
	if len(m) != 249 {
		t.Errorf("%d numeric codes, want 249", len(m))
	}
}
