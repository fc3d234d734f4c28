package geo

import (
	"slices"
	"testing"
)

// TestOverrides: an override replaces CLDR's name in its language only,
// reaches Sorted, is refused whole when one entry is wrong, and goes away
// when the overrides are cleared.
func TestOverrides(t *testing.T) {
	t.Cleanup(func() { SetOverrides(nil) })
	tw := mustLookup(t, "TW")
	cldr := tw.Name("zh-Hans")
	if err := SetOverrides(Overrides{"TW": {"en": "Taiwan, China", "zh-Hans": "中国台湾"}}); err != nil {
		t.Fatal(err)
	}
	tw = mustLookup(t, "TW")
	if tw.Name("en") != "Taiwan, China" || tw.Name("zh-hans") != "中国台湾" || tw.Name("zh-Hant") != tw.CLDRName("zh-Hant") {
		t.Errorf("names: %q %q %q", tw.Name("en"), tw.Name("zh-Hans"), tw.Name("zh-Hant"))
	}
	if tw.CLDRName("zh-Hans") != cldr {
		t.Errorf("CLDRName changed: %q", tw.CLDRName("zh-Hans"))
	}
	if got := CurrentOverrides(); got["TW"]["en"] != "Taiwan, China" || len(got["TW"]) != 2 {
		t.Errorf("CurrentOverrides = %v", got)
	}
	i := slices.IndexFunc(Sorted("en"), func(c Country) bool { return c.Code == "TW" })
	if Sorted("en")[i].Name("en") != "Taiwan, China" || Sorted("en")[i-1].Name("en") > "Taiwan, China" {
		t.Errorf("Sorted does not sort by the override")
	}
	for _, bad := range []Overrides{
		{"XX": {"en": "Nowhere"}},
		{"tw": {"en": "lower case"}},
		{"TW": {"fr": "Taïwan"}},
		{"TW": {"en": "  "}},
		{"HK": {"en": "ok"}, "MO": {"en": string(make([]rune, MaxNameLen+1))}},
	} {
		if err := SetOverrides(bad); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
	if mustLookup(t, "TW").Name("en") != "Taiwan, China" || mustLookup(t, "HK").Name("en") != mustLookup(t, "HK").CLDRName("en") {
		t.Error("a refused set changed the overrides")
	}
	SetOverrides(nil)
	if mustLookup(t, "TW").Name("zh-Hans") != cldr {
		t.Error("clearing kept the override")
	}
}

// TestRule: include beats exclude beats LDC beats income group; the
// default rule is the one documented; a bad rule changes nothing.
func TestRule(t *testing.T) {
	t.Cleanup(func() { SetRule(DefaultRule()) })
	cn, us, af, br := mustLookup(t, "CN"), mustLookup(t, "US"), mustLookup(t, "AF"), mustLookup(t, "BR")
	if !cn.Developing() || us.Developing() || !af.Developing() {
		t.Fatal("default rule")
	}
	if err := SetRule(Rule{IncomeGroups: []IncomeGroup{Low, LowerMiddle}, Include: []string{"US"}, Exclude: []string{"AF"}}); err != nil {
		t.Fatal(err)
	}
	if cn.Developing() || br.Developing() || !us.Developing() || af.Developing() {
		t.Errorf("custom rule: CN %v BR %v US %v AF %v", cn.Developing(), br.Developing(), us.Developing(), af.Developing())
	}
	for _, bad := range []Rule{
		{IncomeGroups: []IncomeGroup{"rich"}},
		{Include: []string{"XX"}},
		{Include: []string{"CN"}, Exclude: []string{"CN"}},
	} {
		if SetRule(bad) == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
	if !us.Developing() {
		t.Error("a refused rule changed the rule")
	}
	if r := CurrentRule(); !slices.Equal(r.Include, []string{"US"}) || r.LDC {
		t.Errorf("CurrentRule = %+v", r)
	}
}
