package geo

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/liuzl/gocc"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/wuzhen/wuzhen/internal/geo/internal/countrydata"
)

// iso3166 is the list of officially assigned ISO 3166-1 alpha-2 codes,
// written out independently of x/text so that the two are checked against
// each other.
const iso3166 = `
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ
BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ
DE DJ DK DM DO DZ
EC EE EG EH ER ES ET
FI FJ FK FM FO FR
GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY
HK HM HN HR HT HU
ID IE IL IM IN IO IQ IR IS IT
JE JM JO JP
KE KG KH KI KM KN KP KR KW KY KZ
LA LB LC LI LK LR LS LT LU LV LY
MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ
NA NC NE NF NG NI NL NO NP NR NU NZ
OM
PA PE PF PG PH PK PL PM PN PR PS PT PW PY
QA
RE RO RS RU RW
SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ
TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ
UA UG UM US UY UZ
VA VC VE VG VI VN VU
WF WS
YE YT
ZA ZM ZW
`

func codes(cs []Country) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Code
	}
	return out
}

func mustLookup(t *testing.T, code string) Country {
	t.Helper()
	c, ok := Lookup(code)
	if !ok {
		t.Fatalf("Lookup(%q): not found", code)
	}
	return c
}

func TestCountriesAreTheISO3166List(t *testing.T) {
	cs := Countries()
	if len(cs) != 249 {
		t.Errorf("len(Countries()) = %d, want 249", len(cs))
	}
	want := strings.Fields(iso3166)
	if len(want) != 249 {
		t.Fatalf("test list has %d codes, want 249", len(want))
	}
	got := codes(cs)
	if !slices.Equal(got, want) {
		for _, c := range want {
			if !slices.Contains(got, c) {
				t.Errorf("missing %s", c)
			}
		}
		for _, c := range got {
			if !slices.Contains(want, c) {
				t.Errorf("unexpected %s", c)
			}
		}
		t.Errorf("codes differ from ISO 3166-1 (or are not sorted)")
	}
	for _, c := range []string{"XK", "AC", "AN", "SU", "UK", "EU", "CP", "TA", "ZZ", "YU"} {
		if _, ok := Lookup(c); ok {
			t.Errorf("Lookup(%q) found a code that is not officially assigned", c)
		}
	}
}

func TestCountriesReturnsACopy(t *testing.T) {
	cs := Countries()
	cs[0].Code = "XX"
	cs[0].Income = High
	if got := Countries()[0]; got.Code != "AD" {
		t.Errorf("Countries()[0].Code = %q after changing a previous result, want AD", got.Code)
	}
}

func TestLookup(t *testing.T) {
	for _, code := range []string{"KE", "ke", "Ke", "kE"} {
		c, ok := Lookup(code)
		if !ok || c.Code != "KE" || c.Name("en") != "Kenya" {
			t.Errorf("Lookup(%q) = %q %q, %v; want KE Kenya, true", code, c.Code, c.Name("en"), ok)
		}
	}
	for _, code := range []string{"", "K", "KEN", "404", "ＫＥ"} {
		if c, ok := Lookup(code); ok {
			t.Errorf("Lookup(%q) = %q, true; want false", code, c.Code)
		}
	}
}

func TestNames(t *testing.T) {
	s2t, err := gocc.New("s2t")
	if err != nil {
		t.Fatal(err)
	}
	changing := 0
	for _, c := range Countries() {
		en, hans, hant := c.Name("en"), c.Name("zh-Hans"), c.Name("zh-Hant")
		if en == "" || hans == "" || hant == "" {
			t.Errorf("%s: names %q %q %q; want all three non-empty", c.Code, en, hans, hant)
			continue
		}
		if en == hans || en == hant {
			t.Errorf("%s: Chinese name equals English name %q", c.Code, en)
		}
		// Where the Simplified name has characters with a different
		// Traditional form, the zh-Hant name must not be the zh-Hans one.
		conv, err := s2t.Convert(hans)
		if err != nil {
			t.Fatal(err)
		}
		if conv != hans {
			changing++
			if hant == hans {
				t.Errorf("%s: zh-Hant name %q is the Simplified one (Traditional would be %q)", c.Code, hant, conv)
			}
		}
	}
	if changing < 150 {
		t.Errorf("only %d Simplified names have characters that change in Traditional; want at least 150", changing)
	}

	tests := []struct{ code, en, hans, hant string }{
		{"KE", "Kenya", "肯尼亚", "肯亞"},
		{"RU", "Russia", "俄罗斯", "俄羅斯"},
		{"BR", "Brazil", "巴西", "巴西"},
		{"CN", "China", "中国", "中國"},
		{"HK", "Hong Kong SAR China", "中国香港特别行政区", "中國香港特別行政區"},
		// Newer names than the CLDR 32 in x/text (see SOURCES.md).
		{"MK", "North Macedonia", "北马其顿", "北馬其頓"},
		{"SZ", "Eswatini", "斯威士兰", "史瓦帝尼"},
		{"TR", "Türkiye", "土耳其", "土耳其"},
		{"MO", "Macao SAR China", "中国澳门特别行政区", "中國澳門特別行政區"},
	}
	for _, tt := range tests {
		c := mustLookup(t, tt.code)
		for _, l := range []struct{ lang, want string }{
			{"en", tt.en}, {"zh-Hans", tt.hans}, {"zh-Hant", tt.hant},
			{"zh-hans", tt.hans}, {"ZH-HANT", tt.hant}, // BCP 47 tags ignore case
			{"fr", tt.en}, {"", tt.en}, {"zh", tt.en}, // fallback to English
		} {
			if got := c.Name(l.lang); got != l.want {
				t.Errorf("%s.Name(%q) = %q, want %q", tt.code, l.lang, got, l.want)
			}
		}
	}
}

func TestRegionsAndContinents(t *testing.T) {
	tests := []struct {
		code, region, subregion string
		continent               Continent
	}{
		{"KE", "002", "014", Africa},
		{"BR", "019", "005", SouthAmerica},
		{"MX", "019", "013", NorthAmerica},
		{"JM", "019", "029", NorthAmerica},
		{"US", "019", "021", NorthAmerica},
		{"GL", "019", "021", NorthAmerica},
		{"FJ", "009", "054", Oceania},
		{"CN", "142", "030", Asia},
		{"TW", "142", "030", Asia},
		{"RU", "150", "151", Europe},
		{"CY", "142", "145", Asia},
		// Placed by M49, not by CLDR's "Outlying Oceania".
		{"AQ", "", "", ""},
		{"BV", "019", "005", SouthAmerica},
		{"IO", "002", "014", Africa},
		{"UM", "009", "057", Oceania},
	}
	for _, tt := range tests {
		c := mustLookup(t, tt.code)
		if c.Region != tt.region || c.Subregion != tt.subregion || c.Continent != tt.continent {
			t.Errorf("%s: region %q subregion %q continent %q; want %q %q %q",
				tt.code, c.Region, c.Subregion, c.Continent, tt.region, tt.subregion, tt.continent)
		}
	}

	regionOf := map[Continent]string{
		Africa: "002", Asia: "142", Europe: "150", Oceania: "009",
		NorthAmerica: "019", SouthAmerica: "019",
	}
	perContinent := map[Continent]int{}
	for _, c := range Countries() {
		perContinent[c.Continent]++
		if c.Continent == "" {
			if c.Code != "AQ" {
				t.Errorf("%s has no continent; only AQ should have none", c.Code)
			}
			continue
		}
		if regionOf[c.Continent] != c.Region {
			t.Errorf("%s: continent %s but M49 region %s", c.Code, c.Continent, c.Region)
		}
		reg, err1 := language.ParseRegion(c.Region)
		sub, err2 := language.ParseRegion(c.Subregion)
		if err1 != nil || err2 != nil || !reg.Contains(sub) || !reg.IsGroup() || !sub.IsGroup() {
			t.Errorf("%s: subregion %q is not an M49 group within region %q", c.Code, c.Subregion, c.Region)
		}
	}
	for _, k := range Continents() {
		if perContinent[k] < 10 {
			t.Errorf("%s has %d countries and territories; want at least 10", k, perContinent[k])
		}
	}
}

func TestContinentNames(t *testing.T) {
	want := []Continent{Africa, Asia, Europe, NorthAmerica, SouthAmerica, Oceania}
	if got := Continents(); !slices.Equal(got, want) {
		t.Fatalf("Continents() = %q, want %q", got, want)
	}
	Continents()[0] = "changed"
	if Continents()[0] != Africa {
		t.Error("Continents() shares its slice between callers")
	}

	// The table must agree with CLDR's names for the matching M49 areas.
	m49 := map[Continent]string{
		Africa: "002", Asia: "142", Europe: "150",
		NorthAmerica: "003", SouthAmerica: "005", Oceania: "009",
	}
	langs := map[string]language.Tag{
		"en":      language.English,
		"zh-Hans": language.SimplifiedChinese,
		"zh-Hant": language.TraditionalChinese,
	}
	for _, c := range Continents() {
		r := language.MustParseRegion(m49[c])
		for lang, tag := range langs {
			if got, cldr := c.Name(lang), display.Regions(tag).Name(r); got != cldr || got == "" {
				t.Errorf("%s.Name(%q) = %q, CLDR says %q", c, lang, got, cldr)
			}
		}
		if c.Name("de") != c.Name("en") {
			t.Errorf("%s.Name(\"de\") = %q, want the English %q", c, c.Name("de"), c.Name("en"))
		}
	}
	if got := NorthAmerica.Name("zh-Hant"); got != "北美洲" {
		t.Errorf("NorthAmerica.Name(zh-Hant) = %q, want 北美洲", got)
	}
	if got := Europe.Name("zh-Hant"); got != "歐洲" {
		t.Errorf("Europe.Name(zh-Hant) = %q, want 歐洲", got)
	}
	if got := Continent("").Name("en"); got != "" {
		t.Errorf(`Continent("").Name("en") = %q, want ""`, got)
	}
}

func TestLDC(t *testing.T) {
	var ldc []string
	for _, c := range Countries() {
		if c.LDC {
			ldc = append(ldc, c.Code)
			if c.Income == "" {
				t.Errorf("%s is an LDC without a World Bank income group", c.Code)
			}
		}
	}
	if len(ldc) != 44 {
		t.Errorf("%d LDCs, want 44: %v", len(ldc), ldc)
	}
	for code, want := range map[string]bool{
		"AF": true, "BD": true, "HT": true, "KI": true, "SB": true, "TV": true, "ZM": true,
		"BT": false, // graduated 13 December 2023
		"ST": false, // graduated 13 December 2024
		"VU": false, // graduated 4 December 2020
		"KE": false, "CN": false,
	} {
		if got := mustLookup(t, code).LDC; got != want {
			t.Errorf("%s.LDC = %v, want %v", code, got, want)
		}
	}
}

func TestIncome(t *testing.T) {
	// World Bank FY2026: 26 low, 50 lower-middle, 54 upper-middle and 87
	// high-income economies. Kosovo (upper-middle) has no assigned code;
	// the Channel Islands (high) are two codes, GG and JE.
	count := map[IncomeGroup]int{}
	for _, c := range Countries() {
		count[c.Income]++
	}
	for g, want := range map[IncomeGroup]int{Low: 26, LowerMiddle: 50, UpperMiddle: 53, High: 88, "": 249 - 217} {
		if count[g] != want {
			t.Errorf("%d countries with income group %q, want %d", count[g], g, want)
		}
	}
	for code, want := range map[string]IncomeGroup{
		"KE": LowerMiddle, "DE": High, "CN": UpperMiddle, "ET": Low,
		"CR": High, "NA": LowerMiddle, "CV": UpperMiddle, "WS": UpperMiddle, // FY2026 moves
		"HK": High, "MO": High, "TW": High, "PR": High, "GL": High,
		"VE": "", "AQ": "", "AI": "", "EH": "",
	} {
		if got := mustLookup(t, code).Income; got != want {
			t.Errorf("%s.Income = %q, want %q", code, got, want)
		}
	}
}

func TestDeveloping(t *testing.T) {
	for code, want := range map[string]bool{
		"KE": true,  // lower-middle
		"CN": true,  // upper-middle
		"ET": true,  // low, LDC
		"TV": true,  // upper-middle, LDC
		"DE": false, // high
		"HK": false, // high
		"VE": false, // not classified, not an LDC
		"AQ": false,
	} {
		if got := mustLookup(t, code).Developing(); got != want {
			t.Errorf("%s.Developing() = %v, want %v", code, got, want)
		}
	}
	if !(Country{LDC: true}).Developing() {
		t.Error("an unclassified LDC is not developing; want developing")
	}
	if (Country{Income: High}).Developing() {
		t.Error("a high-income non-LDC is developing; want not")
	}
}

// TestGeneratedFileIsCurrent runs the generator and compares its output with
// the committed (and embedded) countries.csv, so that the two cannot drift.
func TestGeneratedFileIsCurrent(t *testing.T) {
	econ, err := os.ReadFile("economies.csv")
	if err != nil {
		t.Fatal(err)
	}
	got, err := countrydata.Generate(econ)
	if err != nil {
		t.Fatalf("generator: %v", err)
	}
	if !bytes.Equal(got, countriesCSV) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(countriesCSV), "\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Fatalf("countries.csv is stale; run go generate ./internal/geo\nline %d generated: %s\nline %d committed: %s", i+1, gl[i], i+1, wl[i])
			}
		}
		t.Fatalf("countries.csv is stale; run go generate ./internal/geo (%d lines generated, %d committed)", len(gl), len(wl))
	}
	if !slices.Equal(header, countrydata.Header) {
		t.Errorf("geo header %q differs from generator header %q", header, countrydata.Header)
	}
}

func TestParseRejectsMalformed(t *testing.T) {
	const head = "code,name_en,name_zh_hans,name_zh_hant,region,subregion,continent,income_group,ldc\n"
	const ke = "KE,Kenya,肯尼亚,肯亞,002,014,africa,lower_middle,false\n"
	if _, err := parse([]byte(head + ke)); err != nil {
		t.Fatalf("parse of a good file: %v", err)
	}
	for name, in := range map[string]string{
		"empty":        "",
		"bad header":   strings.Replace(head, "ldc", "least_developed", 1) + ke,
		"few fields":   head + "KE,Kenya,肯尼亚,肯亞,002,014,africa,lower_middle\n",
		"lower code":   head + strings.Replace(ke, "KE", "ke", 1),
		"long code":    head + strings.Replace(ke, "KE", "KEN", 1),
		"repeated":     head + ke + ke,
		"out of order": head + ke + "DE,Germany,德国,德國,150,155,europe,high,false\n",
		"empty name":   head + strings.Replace(ke, "肯亞", "", 1),
		"continent":    head + strings.Replace(ke, "africa", "Africa", 1),
		"income":       head + strings.Replace(ke, "lower_middle", "middle", 1),
		"ldc":          head + strings.Replace(ke, "false", "no", 1),
	} {
		if _, err := parse([]byte(in)); err == nil {
			t.Errorf("%s: parse accepted a malformed file", name)
		}
	}
}

func TestContinentCodes(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range Continents() {
		code := c.Code()
		if len(code) != 2 || seen[code] {
			t.Errorf("%s: code %q", c, code)
		}
		seen[code] = true
		if back, ok := ContinentByCode(strings.ToLower(code)); !ok || back != c {
			t.Errorf("ContinentByCode(%q) = %v %v", code, back, ok)
		}
	}
	if _, ok := ContinentByCode("AN"); ok {
		t.Error("AN (Antarctica) is not one of the six")
	}
}

func TestSorted(t *testing.T) {
	en := Sorted("en")
	if len(en) != len(Countries()) || en[0].Code != "AF" {
		t.Errorf("en starts with %s", en[0].Code)
	}
	// Pinyin order: 阿富汗 (Afuhan) comes before 中国 (Zhongguo).
	hans := Sorted("zh-Hans")
	pos := map[string]int{}
	for i, c := range hans {
		pos[c.Code] = i
	}
	if pos["AF"] > pos["CN"] || pos["BR"] > pos["CN"] {
		t.Errorf("zh-Hans order: AF %d, BR %d, CN %d", pos["AF"], pos["BR"], pos["CN"])
	}
}
