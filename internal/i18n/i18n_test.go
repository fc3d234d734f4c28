package i18n

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
)

func TestMatch(t *testing.T) {
	for tag, want := range map[string]string{
		"en": En, "en-GB": En, "en-US": En,
		"zh": ZhHans, "zh-CN": ZhHans, "zh-SG": ZhHans, "zh-Hans": ZhHans, "zh-hans-cn": ZhHans,
		"zh-TW": ZhHant, "zh-HK": ZhHant, "zh-MO": ZhHant, "zh-Hant": ZhHant, "zh-Hant-TW": ZhHant,
		"zh-MY": ZhHans, "zh-Hant-MY": ZhHant,
		"fr": "", "ar": "", "not a tag!": "",
	} {
		if got := Match(tag); got != want {
			t.Errorf("Match(%q) = %q, want %q", tag, got, want)
		}
	}
}

func TestNegotiateOr(t *testing.T) {
	for _, tc := range []struct{ header, fallback, want string }{
		{"", ZhHant, ZhHant},
		{"fr-FR, de;q=0.5", ZhHans, ZhHans},
		{"en-GB", ZhHans, En},
		{"zh-TW", En, ZhHant},
		{"", "fr", En}, // not a language of the site
	} {
		if got := NegotiateOr(tc.header, tc.fallback); got != tc.want {
			t.Errorf("NegotiateOr(%q, %q) = %q, want %q", tc.header, tc.fallback, got, tc.want)
		}
	}
}

func TestNegotiate(t *testing.T) {
	for header, want := range map[string]string{
		"":                             En,
		"zh-TW,zh;q=0.9,en;q=0.8":      ZhHant,
		"zh-HK":                        ZhHant,
		"zh-CN,zh;q=0.9":               ZhHans,
		"zh-SG":                        ZhHans,
		"fr-FR,fr;q=0.9":               En,
		"fr-FR,zh-TW;q=0.8,en;q=0.5":   ZhHant,
		"de;q=0.9,en;q=0.8,zh-CN;q=.7": En,
		"en;q=0.1,zh-CN":               ZhHans, // quality orders, not position
		"garbage;;;":                   En,
	} {
		if got := Negotiate(header); got != want {
			t.Errorf("Negotiate(%q) = %q, want %q", header, got, want)
		}
	}
}

// latinWord finds words in Latin letters, which a Chinese message may hold
// only when they are names or codes.
var latinWord = regexp.MustCompile(`[A-Za-z][A-Za-z0-9.@-]*`)

var allowedLatin = map[string]bool{"JSON": true, "SMTP": true, "admin": true, "secretariat": true,
	"name@example.org": true, "https": true, "example.org": true, "YYYY-MM-DD": true, "d": true, "s": true, "IPv6": true,
	// codes and examples a person types as they are (5G is 5 and G): time zones, category
	// codes, addresses, colours, file types, registration numbers
	"ics": true, "G": true, "R-000123": true, "summit-2026": true, "Asia": true, "Shanghai": true, "rrggbb": true,
	"delegate": true, "speaker": true, "media": true, "M00042": true}

var verb = regexp.MustCompile(`%(?:\[\d\])?[dsvq]`)

func TestCatalogsComplete(t *testing.T) {
	en := Messages()[En]
	for _, l := range []string{ZhHans, ZhHant} {
		m := Messages()[l]
		for k, v := range en {
			if strings.HasSuffix(k, ".one") {
				if _, ok := m[k]; ok {
					t.Errorf("%s: %q: Chinese has no singular form; remove it", l, k)
				}
				continue
			}
			zv, ok := m[k]
			if !ok {
				t.Errorf("%s: missing %q", l, k)
				continue
			}
			if got, want := verbs(zv), verbs(v); got != want {
				t.Errorf("%s: %q has verbs %v, English has %v", l, k, got, want)
			}
			for _, w := range latinWord.FindAllString(zv, -1) {
				if !allowedLatin[w] {
					t.Errorf("%s: %q = %q has English word %q", l, k, zv, w)
				}
			}
		}
		for k := range m {
			if _, ok := en[k]; !ok {
				t.Errorf("%s: %q is not in the English catalog", l, k)
			}
		}
	}
}

func TestPrinter(t *testing.T) {
	p := For(ZhHant)
	if got := p.T("nav.members"); got != "會員" {
		t.Errorf("zh-Hant nav.members = %q", got)
	}
	if got := For(En).N("admin.users_count", 1); got != "1 account" {
		t.Errorf("N one = %q", got)
	}
	if got := For(En).N("admin.users_count", 3); got != "3 accounts" {
		t.Errorf("N other = %q", got)
	}
	if got := For(ZhHans).N("admin.users_count", 1); got != "1 个账户" {
		t.Errorf("zh N = %q", got)
	}
	before := Misses()
	if got := For("fr").T("no.such.key"); got != "no.such.key" {
		t.Errorf("missing key = %q", got)
	}
	if Misses() != before+1 {
		t.Error("a missing key was not counted")
	}
}

// usedKey finds catalog keys written literally in templates and Go code.
var usedKey = []*regexp.Regexp{
	regexp.MustCompile(`\{\{-?\s*(?:t|n)\s+"([a-z0-9_.]+)"`),
	regexp.MustCompile(`\((?:t|n)\s+"([a-z0-9_.]+)"`),
	regexp.MustCompile(`errs\.(?:New|Wrap)\(errs\.[A-Za-z]+,\s*"([a-z0-9_.]+)"`),
	regexp.MustCompile(`\.Add\("[a-z_]+",\s*"([a-z0-9_.]+)"`),
	regexp.MustCompile(`\.T\("([a-z0-9_.]+)"[,)]`),
}

// TestUsedKeysExist scans every template and Go file of the project for
// literal catalog keys and checks that English has each.
func TestUsedKeysExist(t *testing.T) {
	root := filepath.Join("..", "..")
	en := Messages()[En]
	seen := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules" || d.Name() == "artifacts") {
			return filepath.SkipDir
		}
		if d.IsDir() || !(strings.HasSuffix(path, ".html") || strings.HasSuffix(path, ".go")) || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, re := range usedKey {
			for _, m := range re.FindAllStringSubmatch(string(b), -1) {
				seen++
				k := m[1]
				if _, ok := en[k]; !ok {
					if _, ok := en[k+".other"]; !ok {
						t.Errorf("%s uses %q, which the catalog lacks", path, k)
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen < 50 {
		t.Errorf("found only %d key uses: is the scan broken?", seen)
	}
}

// verbs returns the fmt verbs of a message as a sorted multiset, so that
// translations may reorder arguments with %[n]s.
func verbs(s string) string {
	vs := verb.FindAllString(s, -1)
	for i, v := range vs {
		vs[i] = v[len(v)-1:]
	}
	sort.Strings(vs)
	return strings.Join(vs, "")
}

// TestAreaFiles: an area's own catalogue file adds to its language, and a
// key defined in two files fails at load instead of one shadowing the other.
func TestAreaFiles(t *testing.T) {
	fsys := fstest.MapFS{
		"locales/en.json":           {Data: []byte(`{"a":"A"}`)},
		"locales/zh-Hans.json":      {Data: []byte(`{"a":"甲"}`)},
		"locales/zh-Hant.json":      {Data: []byte(`{"a":"甲"}`)},
		"locales/docs.en.json":      {Data: []byte(`{"docs.b":"B"}`)},
		"locales/docs.zh-Hans.json": {Data: []byte(`{"docs.b":"乙"}`)},
	}
	c := mustLoad(fsys)
	if c[En]["docs.b"] != "B" || c[ZhHans]["docs.b"] != "乙" || c[En]["a"] != "A" {
		t.Fatalf("merged catalogue: %v", c)
	}
	fsys["locales/more.en.json"] = &fstest.MapFile{Data: []byte(`{"a":"again"}`)}
	defer func() {
		if recover() == nil {
			t.Fatal("a key defined twice loaded without complaint")
		}
	}()
	mustLoad(fsys)
}

// TestOthersInTheReadersScript: a subtitle of other languages never shows
// a Chinese reader the other script's text, even when its words differ
// (数据 and 資料); an English reader still sees the Chinese name.
func TestOthersInTheReadersScript(t *testing.T) {
	title := Text{En: "Trustworthy data flows", Hans: "可信数据流动", Hant: "可信資料流動"}
	if got := title.Others(ZhHant); len(got) != 1 || got[0] != title.En {
		t.Errorf("Others(zh-Hant) = %q, want only the English", got)
	}
	if got := title.Others(ZhHans); len(got) != 1 || got[0] != title.En {
		t.Errorf("Others(zh-Hans) = %q, want only the English", got)
	}
	if got := title.Others(En); len(got) == 0 || got[0] != title.Hans {
		t.Errorf("Others(en) = %q, want the Chinese first", got)
	}
}
