package demo

import (
	"encoding/csv"
	"net/mail"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wuzhen/wuzhen/internal/geo"
	"github.com/wuzhen/wuzhen/internal/zh"
)

// membersHeader is the header row of members.csv, the fictional members of
// the demo organisation.
var membersHeader = []string{
	"kind", "name_en", "name_zh_hans", "name_zh_hant", "acronym", "stakeholder_group",
	"country", "website", "contact_name", "contact_email", "description_en",
	"description_zh_hans", "joined_on", "status",
}

// member is one row of members.csv with its line number.
type member struct {
	line                               int
	kind, nameEn, nameHans, nameHant   string
	acronym, group, country, website   string
	contactName, contactEmail          string
	descEn, descHans, joinedOn, status string
}

func readMembersCSV(t *testing.T) []member {
	t.Helper()
	f, err := os.Open("members.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = len(membersHeader)
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("members.csv: %v", err)
	}
	if len(recs) == 0 || !slices.Equal(recs[0], membersHeader) {
		t.Fatalf("members.csv: header is not %q", membersHeader)
	}
	var ms []member
	for i, rec := range recs[1:] {
		ms = append(ms, member{
			line: i + 2, kind: rec[0], nameEn: rec[1], nameHans: rec[2], nameHant: rec[3],
			acronym: rec[4], group: rec[5], country: rec[6], website: rec[7],
			contactName: rec[8], contactEmail: rec[9], descEn: rec[10], descHans: rec[11],
			joinedOn: rec[12], status: rec[13],
		})
	}
	return ms
}

// exampleHost reports whether host is under a domain reserved for
// documentation (RFC 2606, RFC 6761): .example, example.org, example.com,
// example.net.
func exampleHost(host string) bool {
	host = strings.ToLower(host)
	for _, d := range []string{"example", "example.org", "example.com", "example.net"} {
		if (host == d && d != "example") || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}

var acronymRE = regexp.MustCompile(`^[A-Z][A-Za-z0-9&]{1,9}$`)

func TestMembersData(t *testing.T) {
	ms := readMembersCSV(t)
	if n := len(ms); n < 140 || n > 170 {
		t.Errorf("members.csv has %d rows, want 140 to 170", n)
	}

	kinds := []string{"organization", "individual"}
	groups := []string{"government", "international_organization", "business",
		"technical_community", "civil_society", "academia", "individual"}
	statuses := []string{"active", "lapsed", "suspended", "withdrawn"}
	first := time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)
	last := time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC)

	names := map[string]int{}    // every name, by language and folded case → line
	websites := map[string]int{} // lower-cased website → line
	emails := map[string]int{}   // lower-cased email → line
	countries := map[string]bool{}
	continents := map[geo.Continent]bool{}
	mix := map[string]int{} // "en", "zh-Hans", "zh-Hant", "en+zh"
	statusCount := map[string]int{}

	for _, m := range ms {
		errorf := func(format string, args ...any) {
			t.Helper()
			t.Errorf("members.csv line %d: "+format, append([]any{m.line}, args...)...)
		}

		if !slices.Contains(kinds, m.kind) {
			errorf("kind %q is not one of %q", m.kind, kinds)
		}
		if !slices.Contains(groups, m.group) {
			errorf("stakeholder_group %q is not one of %q", m.group, groups)
		}
		if !slices.Contains(statuses, m.status) {
			errorf("status %q is not one of %q", m.status, statuses)
		}
		statusCount[m.status]++
		if (m.kind == "individual") != (m.group == "individual") {
			errorf("kind %q with stakeholder_group %q: individuals, and only they, are in group individual", m.kind, m.group)
		}

		// Names: at least one, trimmed, in the right script, unique.
		if m.nameEn == "" && m.nameHans == "" && m.nameHant == "" {
			errorf("no name in any language")
		}
		for lang, n := range map[string]string{"en": m.nameEn, "zh-Hans": m.nameHans, "zh-Hant": m.nameHant} {
			if n == "" {
				continue
			}
			if n != strings.TrimSpace(n) || strings.Contains(n, "  ") {
				errorf("name %q (%s) has stray spaces", n, lang)
			}
			key := lang + "\x00" + strings.ToLower(n)
			if prev, ok := names[key]; ok {
				errorf("name %q (%s) repeats line %d", n, lang, prev)
			}
			names[key] = m.line
		}
		if m.nameEn != "" && zh.HasHan(m.nameEn) {
			errorf("name_en %q contains Chinese characters", m.nameEn)
		}
		if m.nameHans != "" {
			if !zh.HasHan(m.nameHans) {
				errorf("name_zh_hans %q has no Chinese characters", m.nameHans)
			}
			if got := zh.ToHans(m.nameHans); got != m.nameHans {
				errorf("name_zh_hans %q is not all Simplified (ToHans gives %q)", m.nameHans, got)
			}
		}
		if m.nameHant != "" {
			if !zh.HasHan(m.nameHant) {
				errorf("name_zh_hant %q has no Chinese characters", m.nameHant)
			}
			if got := zh.ToHant(m.nameHant); got != m.nameHant {
				errorf("name_zh_hant %q is not all Traditional (ToHant gives %q)", m.nameHant, got)
			}
		}
		hasZh := m.nameHans != "" || m.nameHant != ""
		switch {
		case m.nameEn != "" && hasZh:
			mix["en+zh"]++
		case m.nameEn != "":
			mix["en"]++
		case m.nameHans != "" && m.nameHant == "":
			mix["zh-Hans"]++
		case m.nameHant != "" && m.nameHans == "":
			mix["zh-Hant"]++
		}

		// Descriptions follow the languages of the name.
		if (m.descEn != "") != (m.nameEn != "") {
			errorf("description_en %q does not match name_en %q: each is given where the other is", m.descEn, m.nameEn)
		}
		if (m.descHans != "") != hasZh {
			errorf("description_zh_hans %q: want one exactly when the member has a Chinese name", m.descHans)
		}
		if m.descHans != "" && zh.ToHans(m.descHans) != m.descHans {
			errorf("description_zh_hans %q is not all Simplified (ToHans gives %q)", m.descHans, zh.ToHans(m.descHans))
		}

		if m.acronym != "" {
			if m.kind != "organization" {
				errorf("acronym %q on a %s", m.acronym, m.kind)
			}
			if !acronymRE.MatchString(m.acronym) {
				errorf("acronym %q does not match %s", m.acronym, acronymRE)
			}
		}

		// Country and continent.
		c, ok := geo.Lookup(m.country)
		switch {
		case !ok || m.country != strings.ToUpper(m.country):
			errorf("country %q is not an upper-case ISO 3166-1 alpha-2 code known to geo", m.country)
		case c.Continent == "":
			errorf("country %q is on no continent", m.country)
		default:
			countries[c.Code] = true
			continents[c.Continent] = true
		}

		// Website: organisations have one; all are https://<host> under an
		// example domain, and unique.
		if m.website == "" {
			if m.kind == "organization" {
				errorf("organisation without a website")
			}
		} else {
			u, err := url.Parse(m.website)
			switch {
			case err != nil:
				errorf("website %q: %v", m.website, err)
			case u.Scheme != "https" || u.Host == "" || u.Path != "" || u.RawQuery != "" || u.User != nil:
				errorf("website %q is not https://<host>", m.website)
			case !exampleHost(u.Hostname()):
				errorf("website %q is not under .example, example.org, example.com or example.net", m.website)
			}
			key := strings.ToLower(m.website)
			if prev, ok := websites[key]; ok {
				errorf("website %q repeats line %d", m.website, prev)
			}
			websites[key] = m.line
		}

		// Contact: a name and a unique address under an example domain.
		if strings.TrimSpace(m.contactName) == "" {
			errorf("no contact_name")
		}
		if a, err := mail.ParseAddress(m.contactEmail); err != nil || a.Address != m.contactEmail || a.Name != "" {
			errorf("contact_email %q is not a bare email address", m.contactEmail)
		} else if _, host, _ := strings.Cut(m.contactEmail, "@"); !exampleHost(host) {
			errorf("contact_email %q is not under .example, example.org, example.com or example.net", m.contactEmail)
		}
		key := strings.ToLower(m.contactEmail)
		if prev, ok := emails[key]; ok {
			errorf("contact_email %q repeats line %d", m.contactEmail, prev)
		}
		emails[key] = m.line

		if d, err := time.Parse(time.DateOnly, m.joinedOn); err != nil {
			errorf("joined_on %q is not YYYY-MM-DD", m.joinedOn)
		} else if d.Before(first) || d.After(last) {
			errorf("joined_on %s is outside %s to %s", m.joinedOn, first.Format(time.DateOnly), last.Format(time.DateOnly))
		}
	}

	if len(countries) < 30 {
		t.Errorf("members come from %d countries and regions, want at least 30", len(countries))
	}
	for _, c := range geo.Continents() {
		if !continents[c] {
			t.Errorf("no member from %s", c)
		}
	}
	for _, k := range []string{"en", "zh-Hans", "zh-Hant", "en+zh"} {
		if mix[k] == 0 {
			t.Errorf("no member whose name is in %s", k)
		}
	}
	if a := statusCount["active"]; 2*a <= len(ms) {
		t.Errorf("%d of %d members are active, want most", a, len(ms))
	}
	t.Logf("%d members from %d countries and regions on %d continents; names %v; statuses %v",
		len(ms), len(countries), len(continents), mix, statusCount)
}
