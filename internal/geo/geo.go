// Package geo holds reference data on every country and territory with an
// officially assigned ISO 3166-1 alpha-2 code: its name in English,
// Simplified and Traditional Chinese (CLDR), its UN M49 region and
// sub-region, its continent, its World Bank income group and whether it is
// one of the UN's least developed countries.
//
// The data is the embedded countries.csv, written by gen/main.go from
// golang.org/x/text and the hand-kept economies.csv; SOURCES.md names each
// source and its date. Everything here is read-only and safe for concurrent
// use. Names and the developing-country rule are defaults that the
// organisation may override for the whole process (overrides.go).
package geo

//go:generate go run ./gen

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"sync"
)

//go:embed countries.csv
var countriesCSV []byte

// Language tags accepted by the Name methods.
const (
	langEn     = "en"
	langZhHans = "zh-Hans"
	langZhHant = "zh-Hant"
)

// langIndex returns the index of lang in a [3]string of names: 0 for en,
// 1 for zh-Hans, 2 for zh-Hant. Tags match case-insensitively, as BCP 47
// tags do; anything else gives 0 (English).
func langIndex(lang string) int {
	switch {
	case strings.EqualFold(lang, langZhHans):
		return 1
	case strings.EqualFold(lang, langZhHant):
		return 2
	}
	return 0
}

// Continent is the six-continent reading of UN M49.
// Stored values: stored, do not rename.
type Continent string

// The six continents. North America is M49's Northern America, Central
// America and the Caribbean; South America is M49's South America.
const (
	Africa       Continent = "africa"        // stored, do not rename
	Asia         Continent = "asia"          // stored, do not rename
	Europe       Continent = "europe"        // stored, do not rename
	NorthAmerica Continent = "north_america" // stored, do not rename
	SouthAmerica Continent = "south_america" // stored, do not rename
	Oceania      Continent = "oceania"       // stored, do not rename
)

// continentNames holds each continent's name in en, zh-Hans and zh-Hant
// (the CLDR names of M49 002, 142, 150, 003, 005 and 009).
var continentNames = map[Continent][3]string{
	Africa:       {"Africa", "非洲", "非洲"},
	Asia:         {"Asia", "亚洲", "亞洲"},
	Europe:       {"Europe", "欧洲", "歐洲"},
	NorthAmerica: {"North America", "北美洲", "北美洲"},
	SouthAmerica: {"South America", "南美洲", "南美洲"},
	Oceania:      {"Oceania", "大洋洲", "大洋洲"},
}

// Name returns the continent's name in lang: "en", "zh-Hans" or "zh-Hant"
// (case-insensitive); any other lang gives English. It returns "" for a
// Continent that is not one of the six (including the empty Continent).
// Any caller may use it.
func (c Continent) Name(lang string) string {
	n, ok := continentNames[c]
	if !ok {
		return ""
	}
	return n[langIndex(lang)]
}

// continentCodes are the two-letter continent codes of the API.
var continentCodes = map[Continent]string{
	Africa: "AF", Asia: "AS", Europe: "EU", NorthAmerica: "NA", SouthAmerica: "SA", Oceania: "OC",
}

// Code returns the continent's two-letter code used by the API (AF, AS,
// EU, NA, SA, OC), "" for none.
func (c Continent) Code() string { return continentCodes[c] }

// ContinentByCode returns the continent of a two-letter code
// (case-insensitive), and whether there is one.
func ContinentByCode(code string) (Continent, bool) {
	for c, k := range continentCodes {
		if strings.EqualFold(k, code) {
			return c, true
		}
	}
	return "", false
}

// Continents returns the six continents in a stable order: Africa, Asia,
// Europe, North America, South America, Oceania. The slice is the caller's
// own. Any caller may use it.
func Continents() []Continent {
	return []Continent{Africa, Asia, Europe, NorthAmerica, SouthAmerica, Oceania}
}

// IncomeGroup is a World Bank income classification.
// Stored values: stored, do not rename.
type IncomeGroup string

// The four World Bank income groups. The empty IncomeGroup means the World
// Bank does not classify the economy.
const (
	Low         IncomeGroup = "low"          // stored, do not rename
	LowerMiddle IncomeGroup = "lower_middle" // stored, do not rename
	UpperMiddle IncomeGroup = "upper_middle" // stored, do not rename
	High        IncomeGroup = "high"         // stored, do not rename
)

// Country is a country or territory with an officially assigned ISO 3166-1
// alpha-2 code.
type Country struct {
	// Code is the ISO 3166-1 alpha-2 code, upper case ("KE").
	Code string
	// Region is the three-digit UN M49 region ("002" Africa, "019"
	// Americas, "142" Asia, "150" Europe, "009" Oceania); empty for
	// Antarctica, which M49 places in no region.
	Region string
	// Subregion is the three-digit M49 geographic sub-region ("014"
	// Eastern Africa); in Africa and the Americas this is M49's
	// intermediate region (e.g. "005" South America). Empty for Antarctica.
	Subregion string
	// Continent is the six-continent reading of Subregion; empty for
	// Antarctica.
	Continent Continent
	// Income is the World Bank income group; empty where the World Bank
	// does not classify the economy.
	Income IncomeGroup
	// LDC reports whether the UN lists it as a least developed country.
	LDC bool

	names [3]string // en, zh-Hans, zh-Hant
}

// Name returns the country's name in lang: "en", "zh-Hans" or "zh-Hant"
// (case-insensitive); any other lang gives English. The name is the
// organisation's own where SetOverrides gave one, else CLDR's. Any caller
// may use it.
func (c Country) Name(lang string) string {
	i := langIndex(lang)
	if n := overridden(c.Code, i); n != "" {
		return n
	}
	return c.names[i]
}

// CLDRName returns the country's CLDR name in lang, whatever the
// overrides: for the settings page, which shows both.
func (c Country) CLDRName(lang string) string { return c.names[langIndex(lang)] }

// Developing reports whether c counts as a developing country under the
// rule in force (SetRule; DefaultRule until then: a World Bank low,
// lower-middle or upper-middle income economy, or a UN least developed
// country). Every statistic and eligibility check asks this.
func (c Country) Developing() bool {
	if p := rule.Load(); p != nil {
		return p.Developing(c)
	}
	return defaultRule.Developing(c)
}

var defaultRule = DefaultRule()

type table struct {
	list   []Country
	byCode map[string]int
}

// data parses the embedded countries.csv on first use. A malformed file is
// a build defect, so it panics.
var data = sync.OnceValue(func() table {
	t, err := parse(countriesCSV)
	if err != nil {
		panic("geo: embedded countries.csv: " + err.Error())
	}
	return t
})

// header is the header row of countries.csv.
var header = []string{"code", "name_en", "name_zh_hans", "name_zh_hant", "region", "subregion", "continent", "income_group", "ldc"}

func parse(b []byte) (table, error) {
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = len(header)
	recs, err := r.ReadAll()
	if err != nil {
		return table{}, err
	}
	if len(recs) == 0 || !slices.Equal(recs[0], header) {
		return table{}, fmt.Errorf("header is not %q", header)
	}
	t := table{byCode: make(map[string]int, len(recs)-1)}
	for i, rec := range recs[1:] {
		line := i + 2
		c := Country{
			Code:      rec[0],
			names:     [3]string{rec[1], rec[2], rec[3]},
			Region:    rec[4],
			Subregion: rec[5],
			Continent: Continent(rec[6]),
			Income:    IncomeGroup(rec[7]),
		}
		if !validCode(c.Code) {
			return table{}, fmt.Errorf("line %d: bad code %q", line, c.Code)
		}
		if n := len(t.list); n > 0 && t.list[n-1].Code >= c.Code {
			return table{}, fmt.Errorf("line %d: %s is out of order or repeated", line, c.Code)
		}
		for _, n := range c.names {
			if n == "" {
				return table{}, fmt.Errorf("line %d: %s has an empty name", line, c.Code)
			}
		}
		if c.Continent != "" && !slices.Contains(Continents(), c.Continent) {
			return table{}, fmt.Errorf("line %d: %s: unknown continent %q", line, c.Code, c.Continent)
		}
		switch c.Income {
		case "", Low, LowerMiddle, UpperMiddle, High:
		default:
			return table{}, fmt.Errorf("line %d: %s: unknown income group %q", line, c.Code, c.Income)
		}
		switch rec[8] {
		case "true":
			c.LDC = true
		case "false":
		default:
			return table{}, fmt.Errorf("line %d: %s: ldc %q is not true or false", line, c.Code, rec[8])
		}
		t.byCode[c.Code] = len(t.list)
		t.list = append(t.list, c)
	}
	return t, nil
}

func validCode(s string) bool {
	return len(s) == 2 && 'A' <= s[0] && s[0] <= 'Z' && 'A' <= s[1] && s[1] <= 'Z'
}

// Countries returns every country and territory, sorted by code. The slice
// is the caller's own; the data behind it is parsed once. Any caller may use
// it.
func Countries() []Country {
	return slices.Clone(data().list)
}

// Lookup returns the country or territory with the given ISO 3166-1 alpha-2
// code, matched case-insensitively ("ke" finds KE). It reports false for a
// code that is not assigned, including user-assigned codes such as XK. Any
// caller may use it.
func Lookup(code string) (Country, bool) {
	t := data()
	i, ok := t.byCode[strings.ToUpper(code)]
	if !ok {
		return Country{}, false
	}
	return t.list[i], true
}
