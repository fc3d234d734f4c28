package chart

// Small cells out of public figures.

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
)

// SmallCell is the smallest count a public figure shows: a count below it
// (zero included, so that a cell going from 0 to 1 shows nothing) is
// shown as "fewer than SmallCell". It is the platform's one setting for
// it; staff pages keep exact figures.
const SmallCell = 5

// Cell is a count as the public sees it. In JSON it is the number, or
// the string "<5" when suppressed.
type Cell struct {
	N          int  // the count; 0 when suppressed
	Suppressed bool // below SmallCell, or suppressed so that no small cell can be derived
}

// Shown reports whether the count is shown.
func (c Cell) Shown() bool { return !c.Suppressed }

// MarshalJSON writes the count, or "<5".
func (c Cell) MarshalJSON() ([]byte, error) {
	if c.Suppressed {
		return json.Marshal(FewerThan)
	}
	return json.Marshal(c.N)
}

// FewerThan is how a suppressed count reads in JSON and exports.
var FewerThan = "<" + strconv.Itoa(SmallCell)

// Total is a public total of counts: shown when it is SmallCell or more.
func Total(n int) Cell {
	if n < SmallCell {
		return Cell{Suppressed: true}
	}
	return Cell{N: n}
}

// Suppress returns the public cells of one breakdown whose total is
// published (by country, by group…): every count below SmallCell is
// suppressed, and when exactly one would be, the next smallest is too,
// so that no suppressed count can be found by subtracting the others
// from the total.
func Suppress[K comparable](counts map[K]int) map[K]Cell {
	out := make(map[K]Cell, len(counts))
	var small int
	for k, n := range counts {
		c := Total(n)
		if c.Suppressed {
			small++
		}
		out[k] = c
	}
	if small == 1 && len(counts) > 1 {
		// The smallest shown count goes too.
		type kv struct {
			k K
			n int
		}
		var shown []kv
		for k, c := range out {
			if c.Shown() {
				shown = append(shown, kv{k, c.N})
			}
		}
		// The same one every time (by count, then key), so that two
		// answers never show each of two counts once.
		sort.Slice(shown, func(i, j int) bool {
			if shown[i].n != shown[j].n {
				return shown[i].n < shown[j].n
			}
			return fmt.Sprint(shown[i].k) < fmt.Sprint(shown[j].k)
		})
		if len(shown) > 0 {
			out[shown[0].k] = Cell{Suppressed: true}
		}
	}
	return out
}
