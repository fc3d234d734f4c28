// Package countrydata builds the contents of geo's countries.csv from
// golang.org/x/text (CLDR names and M49 containment) and the hand-kept
// economies.csv (World Bank income groups, UN least developed countries).
//
// It is used only by the generator (internal/geo/gen) and by geo's tests,
// which check that the committed countries.csv is exactly what Generate
// produces. Package geo itself never imports it, so the x/text display tables
// stay out of the binary.
package countrydata

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Header is the header row of countries.csv.
var Header = []string{"code", "name_en", "name_zh_hans", "name_zh_hant", "region", "subregion", "continent", "income_group", "ldc"}

// EconomiesHeader is the header row of economies.csv.
var EconomiesHeader = []string{"code", "income_group", "ldc"}

// notAssigned lists codes that x/text still carries as countries with an
// ISO 3166-1 numeric code, but that ISO 3166-1 no longer assigns: they were
// deleted (the country was dissolved or split) and are now transitionally
// or exceptionally reserved.
var notAssigned = map[string]string{
	"AN": "Netherlands Antilles, dissolved 2010 (now BQ, CW, SX); transitionally reserved",
	"CS": "Serbia and Montenegro, split 2006 (now RS, ME); transitionally reserved",
	"NT": "Neutral Zone, divided 1993; transitionally reserved",
	"SU": "USSR, dissolved 1991; exceptionally reserved",
	"YU": "Yugoslavia, dissolved 2003; transitionally reserved",
}

// m49Regions are the UN M49 regions (the top level below World).
var m49Regions = []string{"002", "009", "019", "142", "150"}

// m49Subregions are the 22 geographic sub-regions of M49 as CLDR groups them:
// M49 sub-regions proper, except in Africa and the Americas, where CLDR (and
// this package) uses the M49 intermediate regions (014 Eastern Africa, 005
// South America, …) rather than 202 Sub-Saharan Africa and 419 Latin America
// and the Caribbean.
var m49Subregions = []string{
	"011", "014", "015", "017", "018", // Africa
	"005", "013", "021", "029", // Americas
	"030", "034", "035", "143", "145", // Asia
	"039", "151", "154", "155", // Europe
	"053", "054", "057", "061", // Oceania
}

// continentOf maps each M49 sub-region to the six-continent reading.
var continentOf = map[string]string{
	"011": "africa", "014": "africa", "015": "africa", "017": "africa", "018": "africa",
	"005": "south_america",
	"013": "north_america", "021": "north_america", "029": "north_america",
	"030": "asia", "034": "asia", "035": "asia", "143": "asia", "145": "asia",
	"039": "europe", "151": "europe", "154": "europe", "155": "europe",
	"053": "oceania", "054": "oceania", "057": "oceania", "061": "oceania",
}

// m49Fixes places the codes that CLDR 32 (the data in x/text) puts only in
// its own grouping QO "Outlying Oceania", not in any M49 sub-region. The
// values are the UN M49 region and sub-region of each. Antarctica has no M49
// region, so it stays empty.
var m49Fixes = map[string][2]string{
	"AQ": {"", ""},       // Antarctica: no M49 region
	"BV": {"019", "005"}, // Bouvet Island: Americas, South America
	"CC": {"009", "053"}, // Cocos (Keeling) Islands: Oceania, Australia and New Zealand
	"CX": {"009", "053"}, // Christmas Island: Oceania, Australia and New Zealand
	"GS": {"019", "005"}, // South Georgia and the South Sandwich Islands: Americas, South America
	"HM": {"009", "053"}, // Heard Island and McDonald Islands: Oceania, Australia and New Zealand
	"IO": {"002", "014"}, // British Indian Ocean Territory: Africa, Eastern Africa
	"TF": {"002", "014"}, // French Southern Territories: Africa, Eastern Africa
	"UM": {"009", "057"}, // United States Minor Outlying Islands: Oceania, Micronesia
}

// nameUpdate replaces a CLDR 32 name that later CLDR releases changed after
// the country itself changed its name (or its ISO 3166-1 short name changed).
// was holds the CLDR 32 names that x/text gives; if x/text ever gives
// something else, Generate fails so that the update is reviewed.
type nameUpdate struct {
	was, now [3]string // en, zh-Hans, zh-Hant
	why      string
}

var nameUpdates = map[string]nameUpdate{
	"MK": {
		was: [3]string{"Macedonia", "马其顿", "馬其頓"},
		now: [3]string{"North Macedonia", "北马其顿", "北馬其頓"},
		why: "renamed February 2019; ISO 3166-1 and later CLDR follow",
	},
	"SZ": {
		was: [3]string{"Swaziland", "斯威士兰", "史瓦濟蘭"},
		now: [3]string{"Eswatini", "斯威士兰", "史瓦帝尼"},
		why: "renamed April 2018; ISO 3166-1 and later CLDR follow",
	},
	"TR": {
		was: [3]string{"Turkey", "土耳其", "土耳其"},
		now: [3]string{"Türkiye", "土耳其", "土耳其"},
		why: "UN name Türkiye since June 2022; ISO 3166-1 and later CLDR follow",
	},
	"MO": {
		was: [3]string{"Macau SAR China", "中国澳门特别行政区", "中國澳門特別行政區"},
		now: [3]string{"Macao SAR China", "中国澳门特别行政区", "中國澳門特別行政區"},
		why: "ISO 3166-1 and later CLDR spell it Macao",
	},
}

// Incomes are the stored income_group values (stored, do not rename); the
// empty string means the World Bank does not classify the economy.
var Incomes = []string{"low", "lower_middle", "upper_middle", "high"}

// Economy is one row of economies.csv.
type Economy struct {
	Income string
	LDC    bool
}

// AssignedCodes returns the officially assigned ISO 3166-1 alpha-2 codes as
// x/text knows them, sorted: every two-letter region that x/text treats as a
// country, that is not user-assigned (so not XK, Kosovo), not deprecated in
// favour of another code, has an ISO 3166-1 numeric code (which drops the
// exceptionally reserved AC, CP, DG, EA, IC, TA) and is not in notAssigned.
func AssignedCodes() []string {
	var codes []string
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			code := string([]rune{a, b})
			r, err := language.ParseRegion(code)
			if err != nil || r.String() != code || !r.IsCountry() || r.IsPrivateUse() ||
				r.Canonicalize() != r || r.M49() == 0 {
				continue
			}
			if _, ok := notAssigned[code]; ok {
				continue
			}
			codes = append(codes, code)
		}
	}
	return codes
}

// ReadEconomies parses economies.csv: a header row, then code,income_group,ldc
// rows; lines starting with # are comments. Every code must be one of codes
// and appear once. It returns an error naming the line for anything else.
func ReadEconomies(data []byte, codes []string) (map[string]Economy, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.Comment = '#'
	r.FieldsPerRecord = len(EconomiesHeader)
	head, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("economies.csv: header: %w", err)
	}
	if !slices.Equal(head, EconomiesHeader) {
		return nil, fmt.Errorf("economies.csv: header is %q, want %q", head, EconomiesHeader)
	}
	out := make(map[string]Economy)
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("economies.csv: %w", err)
		}
		line, _ := r.FieldPos(0)
		code, income, ldc := rec[0], rec[1], rec[2]
		if !slices.Contains(codes, code) {
			return nil, fmt.Errorf("economies.csv:%d: %q is not an assigned ISO 3166-1 alpha-2 code", line, code)
		}
		if _, dup := out[code]; dup {
			return nil, fmt.Errorf("economies.csv:%d: %s listed twice", line, code)
		}
		if income != "" && !slices.Contains(Incomes, income) {
			return nil, fmt.Errorf("economies.csv:%d: %s: income_group %q is not one of %q or empty", line, code, income, Incomes)
		}
		if ldc != "true" && ldc != "false" {
			return nil, fmt.Errorf("economies.csv:%d: %s: ldc %q is not true or false", line, code, ldc)
		}
		out[code] = Economy{Income: income, LDC: ldc == "true"}
	}
	return out, nil
}

// Generate returns the contents of countries.csv, built from x/text and the
// given economies.csv. It returns an error if economies.csv is malformed, or
// if the x/text data no longer matches what this package expects (a name
// update or an M49 fix gone stale, a code without names or a region).
func Generate(economies []byte) ([]byte, error) {
	codes := AssignedCodes()
	econ, err := ReadEconomies(economies, codes)
	if err != nil {
		return nil, err
	}
	namers := []display.Namer{
		display.Regions(language.English),
		display.Regions(language.SimplifiedChinese),
		display.Regions(language.TraditionalChinese),
	}
	for code := range nameUpdates {
		if !slices.Contains(codes, code) {
			return nil, fmt.Errorf("name update for %s, which is not an assigned code", code)
		}
	}
	for code := range m49Fixes {
		if !slices.Contains(codes, code) {
			return nil, fmt.Errorf("M49 fix for %s, which is not an assigned code", code)
		}
	}

	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.Write(Header); err != nil {
		return nil, err
	}
	for _, code := range codes {
		r := language.MustParseRegion(code)
		var names [3]string
		for i, n := range namers {
			names[i] = n.Name(r)
		}
		if u, ok := nameUpdates[code]; ok {
			if names != u.was {
				return nil, fmt.Errorf("%s: x/text now names it %q, not %q: review nameUpdates (%s)", code, names, u.was, u.why)
			}
			names = u.now
		}
		for i, n := range names {
			if strings.TrimSpace(n) == "" {
				return nil, fmt.Errorf("%s: no name in %s", code, []string{"en", "zh-Hans", "zh-Hant"}[i])
			}
		}

		region, subregion, err := placeM49(code, r)
		if err != nil {
			return nil, err
		}
		e := econ[code]
		ldc := "false"
		if e.LDC {
			ldc = "true"
		}
		rec := []string{code, names[0], names[1], names[2], region, subregion, continentOf[subregion], e.Income, ldc}
		if err := w.Write(rec); err != nil {
			return nil, err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// placeM49 returns the M49 region and sub-region of r.
func placeM49(code string, r language.Region) (region, subregion string, err error) {
	containing := func(groups []string, c language.Region) []string {
		var in []string
		for _, g := range groups {
			if language.MustParseRegion(g).Contains(c) {
				in = append(in, g)
			}
		}
		return in
	}
	subs := containing(m49Subregions, r)
	if fix, ok := m49Fixes[code]; ok {
		if len(subs) != 0 {
			return "", "", fmt.Errorf("%s: x/text now places it in sub-region %v: review m49Fixes", code, subs)
		}
		region, subregion = fix[0], fix[1]
	} else {
		if len(subs) != 1 {
			return "", "", fmt.Errorf("%s: in M49 sub-regions %v, want exactly one", code, subs)
		}
		subregion = subs[0]
		regs := containing(m49Regions, r)
		if len(regs) != 1 {
			return "", "", fmt.Errorf("%s: in M49 regions %v, want exactly one", code, regs)
		}
		region = regs[0]
	}
	if subregion != "" && !language.MustParseRegion(region).Contains(language.MustParseRegion(subregion)) {
		return "", "", fmt.Errorf("%s: sub-region %s is not in region %s", code, subregion, region)
	}
	return region, subregion, nil
}
