// Package i18n holds the interface's message catalog in every supported
// language and picks the reader's language. Every interface string goes
// through a Printer; content fields carry their own translations.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"sync/atomic"

	"golang.org/x/text/language"
)

// The supported interface languages, as BCP 47 tags.
const (
	En     = "en"
	ZhHans = "zh-Hans"
	ZhHant = "zh-Hant"
)

// Langs lists the supported interface languages in the switcher's order.
var Langs = []string{En, ZhHans, ZhHant}

// Native is each language's name in itself, for the switcher.
var Native = map[string]string{En: "English", ZhHans: "简体中文", ZhHant: "繁體中文"}

//go:embed locales/*.json
var files embed.FS

// Catalog maps language → key → message.
type Catalog map[string]map[string]string

var catalog = mustLoad(files)

// mustLoad reads locales/LANG.json and every locales/AREA.LANG.json (an
// area's own messages, for example documents.zh-Hans.json) into one map
// per language. A key defined twice, or a file for no language, panics at
// start-up, so that two areas cannot silently shadow each other.
func mustLoad(fsys fs.FS) Catalog {
	c := Catalog{}
	for _, l := range Langs {
		c[l] = map[string]string{}
	}
	entries, err := fs.ReadDir(fsys, "locales")
	if err != nil {
		panic(fmt.Sprintf("i18n: %v", err))
	}
	for _, e := range entries {
		name := strings.TrimSuffix(e.Name(), ".json")
		lang := name[strings.LastIndex(name, ".")+1:]
		into, ok := c[lang]
		if !ok {
			panic(fmt.Sprintf("i18n: %s names no interface language", e.Name()))
		}
		b, err := fs.ReadFile(fsys, path.Join("locales", e.Name()))
		if err != nil {
			panic(fmt.Sprintf("i18n: %v", err))
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			panic(fmt.Sprintf("i18n: %s: %v", e.Name(), err))
		}
		for k, v := range m {
			if _, dup := into[k]; dup {
				panic(fmt.Sprintf("i18n: %s defines %q again", e.Name(), k))
			}
			into[k] = v
		}
	}
	return c
}

// Messages returns the catalog (for tests and tools; do not modify).
func Messages() Catalog { return catalog }

var matcher = language.NewMatcher([]language.Tag{
	language.English, language.SimplifiedChinese, language.TraditionalChinese,
})

// Match returns the supported language that best fits tag, or "" when tag
// names no supported language: zh-TW, zh-HK and zh-MO give zh-Hant; zh,
// zh-CN and zh-SG give zh-Hans.
func Match(tag string) string {
	for _, l := range Langs {
		if strings.EqualFold(tag, l) {
			return l
		}
	}
	t, err := language.Parse(tag)
	if err != nil {
		return ""
	}
	// Malaysia's Chinese is written in Simplified characters, which the
	// likely-subtags data does not say.
	if b, _ := t.Base(); b.String() == "zh" {
		if _, conf := t.Script(); conf != language.Exact {
			if r, _ := t.Region(); r.String() == "MY" {
				return ZhHans
			}
		}
	}
	_, i, conf := matcher.Match(t)
	if conf == language.No {
		return ""
	}
	return Langs[i]
}

// Negotiate picks the language for an Accept-Language header: the first
// entry, by quality, that names a supported language; English otherwise.
func Negotiate(acceptLanguage string) string { return NegotiateOr(acceptLanguage, En) }

// NegotiateOr is Negotiate with fallback (a supported language) for a
// header that names none, or none supported: the organisation's default
// language.
func NegotiateOr(acceptLanguage, fallback string) string {
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err == nil {
		for _, t := range tags {
			if l := Match(t.String()); l != "" {
				return l
			}
		}
	}
	if Match(fallback) != fallback {
		return En
	}
	return fallback
}

// Printer translates for one language.
type Printer struct {
	Lang string
	msgs map[string]string
}

// For returns the Printer for lang (a supported tag; others get English).
func For(lang string) *Printer {
	if m, ok := catalog[lang]; ok {
		return &Printer{Lang: lang, msgs: m}
	}
	return &Printer{Lang: En, msgs: catalog[En]}
}

// misses counts lookups of keys missing from the catalog; tests read it.
var misses atomic.Int64

// Misses returns how many lookups have missed the catalog since start.
func Misses() int64 { return misses.Load() }

// T returns the message for key, formatted with args (fmt verbs). A missing
// key falls back to English, then to the key itself, and is counted.
func (p *Printer) T(key string, args ...any) string {
	msg, ok := p.msgs[key]
	if !ok {
		misses.Add(1)
		if msg, ok = catalog[En][key]; !ok {
			msg = key
		}
	}
	if len(args) == 0 {
		return msg
	}
	return fmt.Sprintf(msg, p.localize(args)...)
}

// N returns the message for key in the plural form fitting n: key+".one" for
// one in English, key+".other" otherwise (Chinese has one form, ".other").
// n is passed to the message as its first argument.
func (p *Printer) N(key string, n int, args ...any) string {
	form := ".other"
	if n == 1 && p.Lang == En {
		form = ".one"
	}
	return p.T(key+form, append([]any{n}, args...)...)
}

// Has reports whether the catalog has key in this language.
func (p *Printer) Has(key string) bool { _, ok := p.msgs[key]; return ok }
