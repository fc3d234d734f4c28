package geo

import (
	"sort"
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

var sorted sync.Map // lang → []Country

// Sorted returns every country sorted by its name in lang, as a reader of
// that language expects (Chinese by pinyin), for menus. The slice is shared:
// do not modify it.
func Sorted(lang string) []Country {
	if v, ok := sorted.Load(lang); ok {
		return v.([]Country)
	}
	tag := language.English
	if t, err := language.Parse(lang); err == nil {
		tag = t
	}
	c := collate.New(tag)
	cs := Countries()
	sort.SliceStable(cs, func(i, j int) bool { return c.CompareString(cs[i].Name(lang), cs[j].Name(lang)) < 0 })
	sorted.Store(lang, cs)
	return cs
}
