package site

import (
	"net/url"
	"slices"
	"testing"

	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/geo"
)

// TestSettingsForm: the settings form reads back what settingsValues
// wrote, lines that are not in the form shown are errors at their field,
// and Validate names each field it refuses.
func TestSettingsForm(t *testing.T) {
	st := DefaultSettings()
	st.Name.En, st.Name.Hans = "Forum", "论坛"
	st.SocialLinks = []SocialLink{{Label: "Weibo", URL: "https://weibo.example.org/f"}}
	st.CountryNames = geo.Overrides{"TW": {"en": "Taiwan, China", "zh-Hant": "中國臺灣"}, "HK": {"zh-Hans": "中国香港"}}
	st.Developing = geo.Rule{IncomeGroups: []geo.IncomeGroup{geo.Low}, LDC: true, Include: []string{"CN", "IN"}, Exclude: []string{}}
	back, fe := settingsFromForm(settingsValues(&st))
	if len(fe) > 0 {
		t.Fatalf("errors %v", fe)
	}
	var vfe errs.Fields
	back.Validate(&vfe)
	if len(vfe) > 0 {
		t.Fatalf("validate: %v", vfe)
	}
	if back.Name != st.Name || !slices.Equal(back.SocialLinks, st.SocialLinks) || back.CountryNames["TW"]["zh-Hant"] != "中國臺灣" ||
		back.CountryNames["HK"]["zh-Hans"] != "中国香港" || len(back.CountryNames["HK"]) != 1 ||
		!slices.Equal(back.Developing.Include, []string{"CN", "IN"}) || !back.Developing.LDC || !slices.Equal(back.Developing.IncomeGroups, st.Developing.IncomeGroups) {
		t.Errorf("round trip: %+v", back)
	}
	for field, v := range map[string]url.Values{
		"social_links":  {"social_links": {"Weibo https://weibo.example.org"}},
		"country_names": {"country_names": {"TW"}},
	} {
		if _, fe := settingsFromForm(v); !fe.Has(field) {
			t.Errorf("%s: %v", field, fe)
		}
	}
	bad := Settings{TimeZone: "Local", DefaultLang: "fr", SiteURL: "javascript:alert(1)", ContactEmail: "not an address",
		SocialLinks: []SocialLink{{Label: "", URL: "ftp://x"}}, CountryNames: geo.Overrides{"ZZ": {"en": "x"}},
		Developing: geo.Rule{Include: []string{"CN"}, Exclude: []string{"CN"}}}
	var bfe errs.Fields
	bad.Validate(&bfe)
	for _, f := range []string{"name.en", "time_zone", "default_language", "site_url", "contact_email", "social_links[0].label",
		"social_links[0].url", "country_names", "developing"} {
		if !bfe.Has(f) {
			t.Errorf("no error at %s: %v", f, bfe)
		}
	}
}
