// Package zh shows Chinese text in the reader's script.
//
// The platform stores Chinese text in whatever script it was written in and
// converts it for display: zh-Hans readers see Simplified, zh-Hant readers see
// Traditional. Conversion uses OpenCC's script-only profiles through
// github.com/liuzl/gocc: s2tw (Simplified → Traditional in Taiwan's standard
// characters, 為 and 峰 rather than OpenCC's 爲 and 峯, so that converted
// content matches the 繁體中文 interface catalogue on one page) and tw2s
// (Traditional, in either standard → Simplified). They change characters
// (using phrase tables to choose between 后/後, 发/發/髮 and the like) but
// keep vocabulary (互联网 ↔ 互聯網), and tw2s(s2tw(x)) == x for ordinary text; a few characters do not come back
// (昵称 → 暱稱 → 暱称, 熏陶 → 薰陶, 坂本 → 阪本; see
// TestRoundTripKnownExceptions). The Taiwan-idiom profiles
// s2twp/tw2sp rewrite vocabulary (互联网 → 網際網路) and must never be used to
// normalise text; this package deliberately does not expose them.
//
// All functions are safe for concurrent use. The converters are built lazily
// on first use (s2tw builds a trie from about 49 000 phrases, which takes tens of
// milliseconds and a few MiB of heap) and shared afterwards: a built gocc
// converter is only read by Convert, so no lock is needed.
package zh

import (
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/liuzl/gocc"
)

// HansConversion is the OpenCC conversion ToHans runs, for a package that
// reads its dictionaries (search's shortcut for runs that cannot change).
const HansConversion = "tw2s"

var (
	toHans = sync.OnceValue(func() *gocc.OpenCC { return mustLoad(HansConversion) })
	toHant = sync.OnceValue(func() *gocc.OpenCC { return mustLoad("s2tw") })
)

// mustLoad builds a gocc converter. Its config and dictionaries are embedded
// in the gocc module, so a failure here is a build defect, not a runtime
// condition, and it panics. sync.OnceValue re-panics with the same value on
// every later call.
func mustLoad(conversion string) *gocc.OpenCC {
	cc, err := gocc.New(conversion)
	if err != nil {
		panic(fmt.Sprintf("zh: cannot load embedded OpenCC conversion %q from github.com/liuzl/gocc (build defect): %v", conversion, err))
	}
	return cc
}

// ToHans converts Traditional Chinese to Simplified Chinese (OpenCC tw2s),
// e.g. 數字鴻溝 → 数字鸿沟. Non-Han text (Latin letters, digits, punctuation,
// whitespace, emoji) is kept exactly. A string without Han characters is
// returned unchanged without loading the converter.
//
// The result is always valid UTF-8: each byte of an invalid UTF-8 sequence is
// replaced by U+FFFD, as ranging over the string would decode it.
func ToHans(s string) string { return convert(s, toHans) }

// ToHant converts Simplified Chinese to Traditional Chinese in Taiwan's
// standard characters (OpenCC s2tw),
// e.g. 数字鸿沟 → 數字鴻溝. Vocabulary is kept (互联网治理 → 互聯網治理, never
// 網際網路). Non-Han text is kept exactly. A string without Han characters is
// returned unchanged without loading the converter.
//
// The result is always valid UTF-8: each byte of an invalid UTF-8 sequence is
// replaced by U+FFFD, as ranging over the string would decode it.
func ToHant(s string) string { return convert(s, toHant) }

// ForLang converts s into the script of the reader's language tag lang.
//
// Simplified (ToHans): zh-Hans, zh-CN, zh-SG and bare zh.
// Traditional (ToHant): zh-Hant, zh-TW, zh-HK and zh-MO.
// Tags are matched case-insensitively, "_" is accepted for "-", and an
// explicit script subtag wins over the region (zh-Hant-CN → Traditional,
// zh-Hans-HK → Simplified). Any other tag (en, fr, ja, zh-Latn, zh-US, "")
// returns s unchanged, byte for byte.
func ForLang(lang, s string) string {
	switch scriptFor(lang) {
	case hans:
		return ToHans(s)
	case hant:
		return ToHant(s)
	default:
		return s
	}
}

// HasHan reports whether s contains any Han character (unicode.Han).
func HasHan(s string) bool {
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if IsHan(r) {
			return true
		}
		i += size
	}
	return false
}

// IsHan reports whether r is a Han character (unicode.Han): CJK ideographs
// and their extensions, compatibility ideographs, radicals, 々 and 〇.
// CJK punctuation such as ，。「」 is not Han.
func IsHan(r rune) bool {
	return r >= 0x2E80 && unicode.Is(unicode.Han, r)
}

// fullwidthFullStop (U+FF0E) is the only non-Han rune in gocc's s2t/t2s
// dictionary keys (transliterated names such as 乔治．布希).
// TestDictionaryKeysAreConvertible guards this assumption.
const fullwidthFullStop = '\uFF0E'

// convertible reports whether r can be part of a dictionary key.
func convertible(r rune) bool { return r == fullwidthFullStop || IsHan(r) }

// convert runs conv over the maximal runs of convertible runes in s and copies
// everything else itself. Because every dictionary key consists only of
// convertible runes, this gives the same result as converting the whole
// string, while keeping two gocc bugs away from the text:
//
//   - gocc's tries (cedar) have a self-loop at the root for byte 0x01, so a
//     U+0001 right before a convertible character is swallowed ("\x01镇" →
//     "鎮"), and several of them duplicate the character
//     ("\x01\x01\x01\x01镇" → "鎮鎮").
//   - on an invalid UTF-8 byte, Convert emits U+FFFD but advances by
//     utf8.RuneLen(U+FFFD) = 3 bytes, dropping the next two bytes (often
//     half of the following character).
//
// Invalid bytes are replaced here by U+FFFD, one per byte, as a range loop
// decodes them, so the result is always valid UTF-8.
func convert(s string, conv func() *gocc.OpenCC) string {
	if !HasHan(s) {
		if utf8.ValidString(s) {
			return s // fast path: nothing to convert, converter not loaded
		}
		return toValidUTF8(s)
	}
	cc := conv()
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	for i := 0; i < len(s); {
		// Copy the non-convertible stretch.
		j := i
		for j < len(s) {
			r, size := utf8.DecodeRuneInString(s[j:])
			if convertible(r) {
				break
			}
			if r == utf8.RuneError && size == 1 {
				b.WriteString(s[i:j])
				b.WriteRune(utf8.RuneError)
				i = j + 1
			}
			j += size
		}
		b.WriteString(s[i:j])
		// Convert the convertible run.
		k := j
		for k < len(s) {
			r, size := utf8.DecodeRuneInString(s[k:])
			if !convertible(r) {
				break
			}
			k += size
		}
		if k > j {
			out, err := cc.Convert(s[j:k])
			if err != nil {
				// gocc only reports errors for a nil trie or a corrupt
				// trie node, neither of which can happen once New
				// succeeded. For display, the original script is a
				// better fallback than a failure.
				out = s[j:k]
			}
			b.WriteString(out)
		}
		i = k
	}
	return b.String()
}

// toValidUTF8 replaces every byte that is not part of a valid UTF-8 sequence
// with U+FFFD, one per byte, matching how a range loop decodes s (unlike
// strings.ToValidUTF8, which collapses runs of invalid bytes).
func toValidUTF8(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range s {
		b.WriteRune(r)
	}
	return b.String()
}

type script int

const (
	other script = iota
	hans
	hant
)

// scriptFor maps a BCP 47-style language tag to the Chinese script its
// readers expect, or other if the tag is not a Chinese tag we convert for.
func scriptFor(lang string) script {
	parts := strings.Split(strings.ReplaceAll(lang, "_", "-"), "-")
	if !strings.EqualFold(parts[0], "zh") {
		return other
	}
	if len(parts) == 1 {
		return hans // bare "zh"
	}
	region := ""
	for _, p := range parts[1:] {
		switch len(p) {
		case 4: // script subtag: decisive
			switch {
			case strings.EqualFold(p, "Hans"):
				return hans
			case strings.EqualFold(p, "Hant"):
				return hant
			default:
				return other // e.g. zh-Latn (pinyin)
			}
		case 2:
			if region == "" {
				region = strings.ToUpper(p)
			}
		}
	}
	switch region {
	case "CN", "SG":
		return hans
	case "TW", "HK", "MO":
		return hant
	}
	return other
}
