package i18n

import (
	"github.com/wuzhen/wuzhen/internal/zh"
)

// Text is a piece of content (a name, a title, a description) in the
// languages it was written in. Chinese may be given in either script or
// both; readers get it in their own.
type Text struct {
	En   string `json:"en,omitempty"`
	Hans string `json:"zh-Hans,omitempty"`
	Hant string `json:"zh-Hant,omitempty"`
}

// For returns the text for a reader of lang: the text in that language, or
// the Chinese text in the other script converted to the reader's, or
// whatever text there is (Chinese shown in the reader's script).
func (t Text) For(lang string) string {
	switch lang {
	case ZhHans:
		return firstOf(t.Hans, zh.ToHans(t.Hant), t.En)
	case ZhHant:
		return firstOf(t.Hant, zh.ToHant(t.Hans), t.En)
	}
	return firstOf(t.En, zh.ForLang(lang, t.Hans), zh.ForLang(lang, t.Hant))
}

// Others returns the texts other than the one For(lang) shows, for a
// subtitle: the English name beside the Chinese, and the reverse.
func (t Text) Others(lang string) []string {
	main := t.For(lang)
	chinese := lang == ZhHans || lang == ZhHant
	var out []string
	for _, s := range []string{t.En, t.Hans, t.Hant} {
		if s == "" || s == main || zh.ToHans(s) == zh.ToHans(main) {
			continue
		}
		// A Chinese reader reads Chinese in their own script only: the
		// other script's text (perhaps in another region's words) is not
		// shown beside it.
		if chinese && zh.HasHan(s) && (s == t.Hans || s == t.Hant) {
			continue
		}
		out = append(out, s)
	}
	return out
}

// Empty reports whether no text is given.
func (t Text) Empty() bool { return t.En == "" && t.Hans == "" && t.Hant == "" }

// ByLang returns the non-empty texts keyed by language tag.
func (t Text) ByLang() map[string]string {
	out := map[string]string{}
	for lang, s := range map[string]string{En: t.En, ZhHans: t.Hans, ZhHant: t.Hant} {
		if s != "" {
			out[lang] = s
		}
	}
	return out
}

func firstOf(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
