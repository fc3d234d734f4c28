package geo

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"unicode/utf8"
)

// The organisation's own practice, where it differs from the defaults of
// this package: the naming of some countries and regions (how Taiwan,
// Hong Kong or Macao are named in each language), and which countries
// count as developing. Both are process-wide and consulted by every
// Country.Name, Sorted and Country.Developing, so that pages, exports,
// PDFs and search documents all take them. The owner of the settings
// (package site) loads them at start and again whenever they change, on
// every instance; geo itself reads no database.

// Overrides are country names that replace CLDR's: code → language
// ("en", "zh-Hans", "zh-Hant") → name. A language left out keeps CLDR's
// name.
type Overrides map[string]map[string]string

// MaxNameLen is the longest override name, in characters.
const MaxNameLen = 100

var overrides atomic.Pointer[map[string][3]string]

// Check returns an error naming the first entry of o that is not a
// country code of this package, a language of the Name methods, or a name
// of 1 to MaxNameLen characters; nil when o can be set.
func (o Overrides) Check() error {
	for _, code := range slices.Sorted(mapKeys(o)) {
		if _, ok := Lookup(code); !ok || code != strings.ToUpper(code) {
			return fmt.Errorf("%q is not a country code", code)
		}
		for lang, name := range o[code] {
			if lang != langEn && lang != langZhHans && lang != langZhHant {
				return fmt.Errorf("%s: %q is not en, zh-Hans or zh-Hant", code, lang)
			}
			if n := utf8.RuneCountInString(strings.TrimSpace(name)); n == 0 || n > MaxNameLen {
				return fmt.Errorf("%s %s: a name has 1 to %d characters", code, lang, MaxNameLen)
			}
		}
	}
	return nil
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// SetOverrides replaces the name overrides of the whole process with o
// (nil or empty: CLDR's names everywhere), after checking them (an error
// changes nothing). Safe for concurrent use with every reader.
func SetOverrides(o Overrides) error {
	if err := o.Check(); err != nil {
		return err
	}
	m := make(map[string][3]string, len(o))
	for code, names := range o {
		var n [3]string
		for lang, name := range names {
			n[langIndex(lang)] = strings.TrimSpace(name)
		}
		m[code] = n
	}
	overrides.Store(&m)
	sorted.Clear()
	return nil
}

// CurrentOverrides returns a copy of the overrides in force.
func CurrentOverrides() Overrides {
	p := overrides.Load()
	if p == nil {
		return Overrides{}
	}
	out := Overrides{}
	for code, n := range *p {
		names := map[string]string{}
		for i, lang := range []string{langEn, langZhHans, langZhHant} {
			if n[i] != "" {
				names[lang] = n[i]
			}
		}
		out[code] = names
	}
	return out
}

// overridden returns the override of code in language index i, "" when
// there is none.
func overridden(code string, i int) string {
	p := overrides.Load()
	if p == nil {
		return ""
	}
	return (*p)[code][i]
}

// Rule decides which countries count as developing: those of Include;
// else none of Exclude; else a UN least developed country when LDC is
// set, or an economy in one of IncomeGroups.
type Rule struct {
	IncomeGroups []IncomeGroup `json:"income_groups"`
	LDC          bool          `json:"ldc"`
	Include      []string      `json:"include"`
	Exclude      []string      `json:"exclude"`
}

// DefaultRule is the rule in force until the organisation sets its own:
// World Bank low, lower-middle and upper-middle income economies, and the
// UN's least developed countries.
func DefaultRule() Rule {
	return Rule{IncomeGroups: []IncomeGroup{Low, LowerMiddle, UpperMiddle}, LDC: true, Include: []string{}, Exclude: []string{}}
}

// Check returns an error naming the first income group or country code of
// r that this package does not know, or a code both included and
// excluded; nil when r can be set.
func (r Rule) Check() error {
	for _, g := range r.IncomeGroups {
		if !slices.Contains([]IncomeGroup{Low, LowerMiddle, UpperMiddle, High}, g) {
			return fmt.Errorf("%q is not an income group", g)
		}
	}
	for _, list := range [][]string{r.Include, r.Exclude} {
		for _, code := range list {
			if _, ok := Lookup(code); !ok || code != strings.ToUpper(code) {
				return fmt.Errorf("%q is not a country code", code)
			}
		}
	}
	for _, code := range r.Include {
		if slices.Contains(r.Exclude, code) {
			return fmt.Errorf("%s is both included and excluded", code)
		}
	}
	return nil
}

// Developing reports whether c counts as developing under r.
func (r Rule) Developing(c Country) bool {
	switch {
	case slices.Contains(r.Include, c.Code):
		return true
	case slices.Contains(r.Exclude, c.Code):
		return false
	case r.LDC && c.LDC:
		return true
	}
	return c.Income != "" && slices.Contains(r.IncomeGroups, c.Income)
}

// normal returns r with its lists sorted, without repeats, never nil.
func (r Rule) normal() Rule {
	clean := func(s []string) []string {
		s = slices.Clone(s)
		sort.Strings(s)
		return append([]string{}, slices.Compact(s)...)
	}
	g := slices.Clone(r.IncomeGroups)
	slices.Sort(g)
	r.IncomeGroups = append([]IncomeGroup{}, slices.Compact(g)...)
	r.Include, r.Exclude = clean(r.Include), clean(r.Exclude)
	return r
}

var rule atomic.Pointer[Rule]

// SetRule makes r the developing-country rule of the whole process, after
// checking it (an error changes nothing). Safe for concurrent use.
func SetRule(r Rule) error {
	if err := r.Check(); err != nil {
		return err
	}
	r = r.normal()
	rule.Store(&r)
	return nil
}

// CurrentRule returns the developing-country rule in force.
func CurrentRule() Rule {
	if p := rule.Load(); p != nil {
		r := *p
		return r.normal()
	}
	return DefaultRule()
}
