package demo

import (
	"math/rand/v2"
	"testing"
	"unicode"

	"github.com/wuzhen/wuzhen/internal/geo"
)

// TestDemoPeople: about a hundred fictional speakers from many countries,
// with names in Chinese, Cyrillic, Arabic and Latin scripts, every name
// not in Latin letters spelt in them too, and no name twice.
func TestDemoPeople(t *testing.T) {
	people := demoPeople(rand.New(rand.NewPCG(2026, 3)))
	if len(people) < 95 || len(people) > 110 {
		t.Fatalf("%d people, want about 100", len(people))
	}
	scripts := map[string]int{}
	countries := map[string]bool{}
	seen := map[string]bool{}
	for _, p := range people {
		if seen[p.Name] {
			t.Errorf("%q twice", p.Name)
		}
		seen[p.Name] = true
		if _, ok := geo.Lookup(p.Country); !ok {
			t.Errorf("%s: country %q", p.Name, p.Country)
		}
		countries[p.Country] = true
		script := "Latin"
		for _, r := range p.Name {
			switch {
			case unicode.Is(unicode.Han, r):
				script = "Han"
			case unicode.Is(unicode.Cyrillic, r):
				script = "Cyrillic"
			case unicode.Is(unicode.Arabic, r):
				script = "Arabic"
			}
		}
		scripts[script]++
		if script != "Latin" && p.NameLatin == "" {
			t.Errorf("%s has no Latin spelling", p.Name)
		}
		if p.Organization.En == "" || p.Organization.Hans == "" || p.Bio.En == "" || p.Bio.Hans == "" {
			t.Errorf("%s: organisation or biography missing in a language: %+v", p.Name, p)
		}
	}
	for _, s := range []string{"Han", "Cyrillic", "Arabic", "Latin"} {
		if scripts[s] < 10 {
			t.Errorf("%d names in %s script, want at least 10 (%v)", scripts[s], s, scripts)
		}
	}
	if len(countries) < 50 {
		t.Errorf("people from %d countries, want at least 50", len(countries))
	}
}
