package search

import (
	"sync"

	"github.com/liuzl/gocc"

	"github.com/wuzhen/wuzhen/internal/zh"
)

// changing holds every character that OpenCC's t2s conversion can change:
// those at a differing position of a dictionary entry (or in any position
// of an entry whose length changes). A run of Han characters with none of
// them converts to itself, so toHans skips the converter, which costs about
// a microsecond per character: most Simplified text never reaches it.
var changing = sync.OnceValue(func() map[rune]bool {
	cc, err := gocc.New("t2s")
	if err != nil {
		panic("search: cannot load embedded OpenCC conversion t2s (build defect): " + err.Error())
	}
	set := map[rune]bool{}
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
				key, value := []rune(string(k)), []rune(d.Values[v][0])
				for i, r := range key {
					if len(key) != len(value) || value[i] != r {
						set[r] = true
					}
				}
			}
		}
	}
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
