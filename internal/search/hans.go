package search

import (
	"slices"
	"sync"

	"github.com/liuzl/gocc"

	"github.com/wuzhen/wuzhen/internal/zh"
)

// hansImages maps each character that OpenCC's t2s can change to every
// character it can become, itself included: the characters at its
// position in each dictionary entry of the same length. A character of an
// entry whose length changes maps to nil: it can become anything. A
// character not in the map stays itself.
var hansImages = sync.OnceValue(func() map[rune][]rune {
	out := map[rune][]rune{}
	eachT2S(func(key, value []rune) {
		for i, r := range key {
			if len(key) != len(value) {
				out[r] = nil
				continue
			}
			if imgs, ok := out[r]; ok && imgs == nil {
				continue
			}
			if value[i] != r || out[r] != nil {
				if out[r] == nil {
					out[r] = []rune{r}
				}
				if !slices.Contains(out[r], value[i]) {
					out[r] = append(out[r], value[i])
				}
			}
		}
	})
	// The conversion is a chain (variants, then characters): what a
	// character becomes may change again in the next step, so its images
	// take their own images, until nothing more is added.
	for grown := true; grown; {
		grown = false
		for r, imgs := range out {
			if imgs == nil {
				continue
			}
			for _, y := range imgs {
				next, ok := out[y]
				switch {
				case !ok || y == r:
				case next == nil:
					out[r], grown = nil, true
				default:
					for _, z := range next {
						if !slices.Contains(out[r], z) {
							out[r], grown = append(out[r], z), true
						}
					}
				}
				if out[r] == nil {
					break
				}
			}
		}
	}
	return out
})

// mayBecome reports whether the run of Han characters can hold any of the
// characters want once converted with t2s.
func mayBecome(run []unit, want map[rune]bool) bool {
	imgs := hansImages()
	for _, u := range run {
		img, ok := imgs[u.r]
		switch {
		case !ok:
			if want[u.r] {
				return true
			}
		case img == nil:
			return true
		default:
			for _, r := range img {
				if want[r] {
					return true
				}
			}
		}
	}
	return false
}

// eachT2S calls fn with every entry of the dictionaries of the conversion
// zh.ToHans runs (zh.HansConversion: Taiwan's variants back to OpenCC's
// standard, then t2s).
func eachT2S(fn func(key, value []rune)) {
	cc, err := gocc.New(zh.HansConversion)
	if err != nil {
		panic("search: cannot load embedded OpenCC conversion " + zh.HansConversion + " (build defect): " + err.Error())
	}
	for _, g := range cc.DictChains {
		for _, d := range g.Dicts {
			for _, id := range d.Trie.PrefixPredict(nil, 0) {
				k, err := d.Trie.Key(id)
				if err != nil {
					panic("search: t2s dictionary: " + err.Error())
				}
				v, err := d.Trie.Value(id)
				if err != nil || v < 0 || v >= len(d.Values) || len(d.Values[v]) == 0 {
					panic("search: t2s dictionary: bad value")
				}
				for _, val := range d.Values[v] {
					fn([]rune(string(k)), []rune(val))
				}
			}
		}
	}
}

// changing holds every character that OpenCC's t2s conversion can change:
// those at a differing position of a dictionary entry (or in any position
// of an entry whose length changes). A run of Han characters with none of
// them converts to itself, so toHans skips the converter, which costs about
// a microsecond per character: most Simplified text never reaches it.
var changing = sync.OnceValue(func() map[rune]bool {
	set := map[rune]bool{}
	eachT2S(func(key, value []rune) {
		for i, r := range key {
			if len(key) != len(value) || value[i] != r {
				set[r] = true
			}
		}
	})
	return set
})

// toHans is zh.ToHans for a run of Han characters, skipping the converter
// when no character of the run can change.
func toHans(run []rune) string {
	set := changing()
	for _, r := range run {
		if set[r] {
			return zh.ToHans(string(run))
		}
	}
	return string(run)
}
