package zh

import (
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
	"unsafe"

	"github.com/liuzl/gocc"
)

// paragraph is ~200 characters of Simplified Chinese about internet governance,
// the digital divide and the Wuzhen summit. It is the round-trip fixture.
const paragraph = "世界互联网大会乌镇峰会每年在浙江乌镇举行，来自各国的政府官员、企业家和学者聚集在这里，" +
	"共同讨论互联网治理的规则与未来。与会者认为，数字鸿沟仍然是全球发展面临的重大挑战：" +
	"许多发展中国家的农村地区缺少稳定的网络连接，老年人和残疾人也难以享受数字服务带来的便利。" +
	"因此，各方应当加强基础设施建设，推动网络安全合作，保护个人数据和隐私，" +
	"让互联网真正成为造福全人类的公共产品。乌镇的小桥流水见证了这场对话，" +
	"也寄托着人们对开放、包容、普惠的数字世界的期待。"

// TestConcurrent is first in the file so that, in a plain `go test` run, its
// goroutines are the first callers and race on the lazy converter loading.
func TestConcurrent(t *testing.T) {
	cases := []struct{ in, hant, hans string }{
		{"数字鸿沟", "數字鴻溝", "数字鸿沟"},
		{"乌镇峰会 2024", "烏鎮峰會 2024", "乌镇峰会 2024"},
		{"互联网治理", "互聯網治理", "互联网治理"},
		{"plain ASCII", "plain ASCII", "plain ASCII"},
	}
	start := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan string, 8*100*len(cases))
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			<-start
			for i := 0; i < 100; i++ {
				for _, c := range cases {
					if got := ToHant(c.in); got != c.hant {
						errs <- "ToHant(" + c.in + ") = " + got + ", want " + c.hant
					}
					if got := ToHans(c.hant); got != c.hans {
						errs <- "ToHans(" + c.hant + ") = " + got + ", want " + c.hans
					}
					lang := []string{"zh-Hans", "zh-Hant"}[(g+i)%2]
					want := map[string]string{"zh-Hans": c.hans, "zh-Hant": c.hant}[lang]
					if got := ForLang(lang, c.in); got != want {
						errs <- "ForLang(" + lang + ", " + c.in + ") = " + got + ", want " + want
					}
				}
			}
		}(g)
	}
	close(start)
	wg.Wait()
	close(errs)
	n := 0
	for e := range errs {
		if n++; n <= 10 {
			t.Error(e)
		}
	}
	if n > 10 {
		t.Errorf("... and %d more errors", n-10)
	}
}

func TestToHantToHans(t *testing.T) {
	tests := []struct {
		name string
		hans string
		hant string
	}{
		{"digital divide", "数字鸿沟", "數字鴻溝"},
		{"development", "发展", "發展"},
		{"network security", "网络安全", "網絡安全"},
		{"Wuzhen", "乌镇", "烏鎮"},
		{"mixed ASCII", "Wuzhen 乌镇 Summit 2024", "Wuzhen 烏鎮 Summit 2024"},
		{"newlines and spaces", "第一行\n第二行\r\n  第三行\t\t尾 \n", "第一行\n第二行\r\n  第三行\t\t尾 \n"},
		{"surrounding whitespace", "  \n乌镇\n\n  ", "  \n烏鎮\n\n  "},
		{"CJK punctuation", "乌镇，峰会！“数字”？《发展》「治理」……", "烏鎮，峰會！“數字”？《發展》「治理」……"},
		{"emoji and ZWJ", "乌镇😀🇨🇳👨\u200d👩\u200d👧峰会", "烏鎮😀🇨🇳👨\u200d👩\u200d👧峰會"},
		{"fullwidth dot in a phrase", "乔治．布希", "喬治．布希"},
		{"NUL byte", "a\x00b乌镇", "a\x00b烏鎮"},
		{"empty", "", ""},
		{"ASCII only", "Internet governance, 2024.", "Internet governance, 2024."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ToHant(tt.hans); got != tt.hant {
				t.Errorf("ToHant(%q) = %q, want %q", tt.hans, got, tt.hant)
			}
			if got := ToHans(tt.hant); got != tt.hans {
				t.Errorf("ToHans(%q) = %q, want %q", tt.hant, got, tt.hans)
			}
			// Converting text already in the target script is a no-op.
			if got := ToHant(tt.hant); got != tt.hant {
				t.Errorf("ToHant(%q) = %q, want it unchanged", tt.hant, got)
			}
			if got := ToHans(tt.hans); got != tt.hans {
				t.Errorf("ToHans(%q) = %q, want it unchanged", tt.hans, got)
			}
		})
	}
}

// s2t keeps vocabulary; only s2twp would turn 互联网 into 網際網路.
func TestToHantKeepsVocabulary(t *testing.T) {
	tests := []struct{ in, want string }{
		{"互联网治理", "互聯網治理"},
		{"互联网", "互聯網"},
		{"软件和网络", "軟件和網絡"},
		{"信息安全", "信息安全"},
	}
	for _, tt := range tests {
		got := ToHant(tt.in)
		if got != tt.want {
			t.Errorf("ToHant(%q) = %q, want %q", tt.in, got, tt.want)
		}
		for _, twIdiom := range []string{"網際網路", "軟體", "網路", "資訊"} {
			if strings.Contains(got, twIdiom) {
				t.Errorf("ToHant(%q) = %q contains Taiwan idiom %q (s2twp leaked in)", tt.in, got, twIdiom)
			}
		}
	}
	// And t2s leaves Taiwan idiom alone instead of rewriting it (that is tw2sp's job).
	if got, want := ToHans("網際網路"), "网际网路"; got != want {
		t.Errorf("ToHans(網際網路) = %q, want %q", got, want)
	}
}

func TestRoundTripParagraph(t *testing.T) {
	if n := utf8.RuneCountInString(paragraph); n < 180 || n > 240 {
		t.Fatalf("paragraph has %d characters, want about 200", n)
	}
	hant := ToHant(paragraph)
	if hant == paragraph {
		t.Fatal("ToHant(paragraph) did not change anything")
	}
	for _, w := range []string{"世界互聯網大會烏鎮峰會", "數字鴻溝", "網絡安全", "發展中國家"} {
		if !strings.Contains(hant, w) {
			t.Errorf("ToHant(paragraph) lacks %q:\n%s", w, hant)
		}
	}
	if hasSimplifiedOnly(hant) {
		t.Errorf("ToHant(paragraph) still has Simplified-only characters:\n%s", hant)
	}
	if back := ToHans(hant); back != paragraph {
		t.Errorf("ToHans(ToHant(paragraph)) differs from the original:\n got %s\nwant %s", back, paragraph)
	}
}

// hasSimplifiedOnly reports whether s has one of a few characters that exist
// only in Simplified and occur in the paragraph.
func hasSimplifiedOnly(s string) bool {
	return strings.ContainsAny(s, "联网镇会来国员业讨论规则与认数鸿战许发农区稳连难务带设动护个据隐让为类产桥证这场话们")
}

func TestLongText(t *testing.T) {
	const n = 500
	long := strings.Repeat(paragraph+"\n", n)
	hant := ToHant(long)
	if want := strings.Repeat(ToHant(paragraph)+"\n", n); hant != want {
		t.Fatalf("ToHant(long) differs from converting paragraph by paragraph (len %d vs %d)", len(hant), len(want))
	}
	if got := strings.Count(hant, "\n"); got != n {
		t.Errorf("ToHant(long) has %d newlines, want %d", got, n)
	}
	if back := ToHans(hant); back != long {
		t.Error("ToHans(ToHant(long)) differs from the original")
	}
}

// OpenCC s2t/t2s round-trip for ordinary text, but not for every character:
// gocc's dictionaries map some Simplified characters to a Traditional form
// that t2s does not map back. These pin the current behaviour so that callers
// (and a future gocc upgrade) notice. If this test fails after an upgrade
// because the round trip became exact, update it.
func TestRoundTripKnownExceptions(t *testing.T) {
	tests := []struct{ hans, hant, back string }{
		{"昵称", "暱稱", "暱称"}, // nickname
		{"熏陶", "薰陶", "薰陶"},
		{"坂本", "阪本", "阪本"},
	}
	for _, tt := range tests {
		hant := ToHant(tt.hans)
		if hant != tt.hant {
			t.Errorf("ToHant(%q) = %q, want %q", tt.hans, hant, tt.hant)
		}
		if back := ToHans(hant); back != tt.back {
			t.Errorf("ToHans(%q) = %q, want %q", hant, back, tt.back)
		}
	}
}

// gocc drops the two bytes after every invalid byte (it advances by
// utf8.RuneLen(U+FFFD) = 3). We must never lose a character.
func TestInvalidUTF8(t *testing.T) {
	tests := []struct{ in, hant, hans string }{
		{"乌\xff\xfe镇abc", "烏\uFFFD\uFFFD鎮abc", "乌\uFFFD\uFFFD镇abc"},
		{"\xe4\xb9镇abcdef", "\uFFFD\uFFFD鎮abcdef", "\uFFFD\uFFFD镇abcdef"},
		{"abc\x80", "abc\uFFFD", "abc\uFFFD"}, // no Han: sanitised, not converted
		{"發展\xc0", "發展\uFFFD", "发展\uFFFD"},    // invalid byte after the first Han
		{"\uFFFD乌镇", "\uFFFD烏鎮", "\uFFFD乌镇"},  // a real U+FFFD is kept
	}
	for _, tt := range tests {
		if got := ToHant(tt.in); got != tt.hant {
			t.Errorf("ToHant(%q) = %q, want %q", tt.in, got, tt.hant)
		}
		if got := ToHans(tt.in); got != tt.hans {
			t.Errorf("ToHans(%q) = %q, want %q", tt.in, got, tt.hans)
		}
		// Non-Chinese readers get the bytes exactly as stored.
		if got := ForLang("en", tt.in); got != tt.in {
			t.Errorf("ForLang(en, %q) = %q, want input unchanged", tt.in, got)
		}
	}
}

// gocc's tries have a self-loop at the root for byte 0x01: given the whole
// string, Convert swallows a U+0001 in front of a convertible character and
// several of them duplicate it ("\x01\x01\x01\x01镇" → "鎮鎮"). Control
// characters must come through untouched.
func TestControlCharacters(t *testing.T) {
	for c := rune(0); c < 0x20; c++ {
		for _, tt := range []struct{ hans, hant string }{
			{string(c) + "镇", string(c) + "鎮"},
			{string(c) + string(c) + string(c) + string(c) + "乌镇" + string(c), string(c) + string(c) + string(c) + string(c) + "烏鎮" + string(c)},
			{"发" + string(c) + "展", "發" + string(c) + "展"},
		} {
			if got := ToHant(tt.hans); got != tt.hant {
				t.Errorf("ToHant(%q) = %q, want %q", tt.hans, got, tt.hant)
			}
			if got := ToHans(tt.hant); got != tt.hans {
				t.Errorf("ToHans(%q) = %q, want %q", tt.hant, got, tt.hans)
			}
		}
	}
}

// Without Han characters the input itself is returned: no copy, no converter.
func TestFastPathReturnsInput(t *testing.T) {
	for _, s := range []string{"Wuzhen Summit 2024", "，。！“”《》", "😀 \n\t", "Ünïcödé café", "こんにちは", "한국어"} {
		if HasHan(s) {
			t.Fatalf("HasHan(%q) = true", s)
		}
		for name, f := range map[string]func(string) string{"ToHans": ToHans, "ToHant": ToHant} {
			got := f(s)
			if got != s || unsafe.StringData(got) != unsafe.StringData(s) {
				t.Errorf("%s(%q) = %q did not return its input as is", name, s, got)
			}
		}
	}
}

func TestForLang(t *testing.T) {
	const in = "数字鸿沟 與 網絡安全 in Wuzhen\n"
	hans := "数字鸿沟 与 网络安全 in Wuzhen\n"
	hant := "數字鴻溝 與 網絡安全 in Wuzhen\n"
	tests := []struct{ lang, want string }{
		{"zh-Hans", hans},
		{"zh-CN", hans},
		{"zh-SG", hans},
		{"zh", hans},
		{"zh-Hant", hant},
		{"zh-TW", hant},
		{"zh-HK", hant},
		{"zh-MO", hant},
		{"zh-hant", hant},
		{"ZH_tw", hant},
		{"zh-Hant-CN", hant},
		{"zh-Hans-HK", hans},
		{"zh-Hant-TW", hant},
		{"zh-yue-HK", hant},
		{"en", in},
		{"fr", in},
		{"en-US", in},
		{"ja", in},
		{"zh-Latn", in},
		{"zh-US", in},
		{"zh-", in},
		{"", in},
	}
	for _, tt := range tests {
		if got := ForLang(tt.lang, in); got != tt.want {
			t.Errorf("ForLang(%q, %q) = %q, want %q", tt.lang, in, got, tt.want)
		}
	}
}

func TestHasHanIsHan(t *testing.T) {
	han := []rune{'乌', '鎮', '〇', '々', '𠀀', '⺀', '豈'}
	notHan := []rune{'a', '1', ' ', '\n', '，', '。', '「', '．', 'あ', 'ア', '한', '😀', utf8.RuneError, -1}
	for _, r := range han {
		if !IsHan(r) {
			t.Errorf("IsHan(%U) = false, want true", r)
		}
	}
	for _, r := range notHan {
		if IsHan(r) {
			t.Errorf("IsHan(%U) = true, want false", r)
		}
	}
	tests := []struct {
		s    string
		want bool
	}{
		{"", false},
		{"Wuzhen 2024", false},
		{"，。！", false},
		{"ひらがな", false},
		{"Wuzhen 乌镇", true},
		{"末尾に漢", true},
		{"\xff乌", true},
		{"\xff\xfe", false},
	}
	for _, tt := range tests {
		if got := HasHan(tt.s); got != tt.want {
			t.Errorf("HasHan(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}

// nonHan returns the runes of s that are not Han, decoding s as a range loop
// does (one U+FFFD per invalid byte).
func nonHan(s string) []rune {
	var rs []rune
	for _, r := range s {
		if !IsHan(r) {
			rs = append(rs, r)
		}
	}
	return rs
}

func FuzzForLang(f *testing.F) {
	for _, lang := range []string{"zh-Hans", "zh-Hant", "zh", "zh-TW", "en", "fr", ""} {
		for _, s := range []string{
			"", "数字鸿沟", "數字鴻溝", "Wuzhen 乌镇 Summit 2024", "第一行\n第二行\r\n  ",
			"乌镇😀🇨🇳峰会", "乔治．布希", "乌\xff\xfe镇abc", "\xe4\xb9镇", paragraph,
		} {
			f.Add(lang, s)
		}
	}
	f.Fuzz(func(t *testing.T, lang, s string) {
		out := ForLang(lang, s)
		if !utf8.ValidString(out) && out != s {
			t.Fatalf("ForLang(%q, %q) = %q: invalid UTF-8", lang, s, out)
		}
		if utf8.ValidString(s) && !utf8.ValidString(out) {
			t.Fatalf("ForLang(%q, %q) = %q: invalid UTF-8 from valid input", lang, s, out)
		}
		want := nonHan(s)
		for name, got := range map[string]string{"ForLang": out, "ToHans": ToHans(s), "ToHant": ToHant(s)} {
			if name != "ForLang" && !utf8.ValidString(got) {
				t.Fatalf("%s(%q) = %q: invalid UTF-8", name, s, got)
			}
			if g := nonHan(got); string(g) != string(want) {
				t.Fatalf("%s(%q, %q) = %q: non-Han runes %q, want %q", name, lang, s, got, string(g), string(want))
			}
		}
		// Converting only the convertible runs must agree with gocc
		// converting the whole string wherever gocc itself is correct
		// (valid UTF-8, no U+0001).
		if utf8.ValidString(s) && !strings.ContainsRune(s, '\x01') {
			for name, c := range map[string]struct {
				got string
				cc  *gocc.OpenCC
			}{"ToHans": {ToHans(s), toHans()}, "ToHant": {ToHant(s), toHant()}} {
				want, err := c.cc.Convert(s)
				if err != nil {
					t.Fatalf("gocc Convert(%q): %v", s, err)
				}
				if c.got != want {
					t.Fatalf("%s(%q) = %q, gocc on the whole string gives %q", name, s, c.got, want)
				}
			}
		}
		if !HasHan(s) && utf8.ValidString(s) {
			if out != s {
				t.Fatalf("ForLang(%q, %q) = %q: text without Han must be unchanged", lang, s, out)
			}
		}
	})
}

// convert() only hands runs of convertible runes to gocc, which is exact only
// if every dictionary key consists of convertible runes. Enumerate all keys
// of both loaded converters to keep that true across gocc upgrades.
func TestDictionaryKeysAreConvertible(t *testing.T) {
	for name, cc := range map[string]*gocc.OpenCC{"t2s": toHans(), "s2t": toHant()} {
		for _, g := range cc.DictChains {
			for i, d := range g.Dicts {
				keys := map[string]bool{}
				for _, id := range d.Trie.PrefixPredict(nil, 0) {
					k, err := d.Trie.Key(id)
					if err != nil {
						t.Fatalf("%s %s: Key(%d): %v", name, g.Files[i], id, err)
					}
					keys[string(k)] = true
				}
				// Every dictionary line is one entry; a key repeated on
				// several lines is stored once.
				if len(keys) == 0 || len(keys) > len(d.Values) || len(keys) < len(d.Values)*99/100 {
					t.Fatalf("%s %s: enumerated %d keys for %d entries", name, g.Files[i], len(keys), len(d.Values))
				}
				for k := range keys {
					for _, r := range k {
						if !convertible(r) {
							t.Errorf("%s %s: key %q has non-convertible rune %U; extend convertible()", name, g.Files[i], k, r)
						}
					}
				}
				t.Logf("%s %s: %d keys", name, g.Files[i], len(keys))
			}
		}
	}
}

// TestTaiwanStandard: Traditional is written in Taiwan's standard characters,
// as the 繁體中文 catalogue is (為, 峰, 裡, 線), not OpenCC's 爲, 峯, 裏, 綫, and
// either standard comes back to the same Simplified text.
func TestTaiwanStandard(t *testing.T) {
	for hans, hant := range map[string]string{"为了发展": "為了發展", "乌镇峰会": "烏鎮峰會", "里面的线": "裡面的線"} {
		if got := ToHant(hans); got != hant {
			t.Errorf("ToHant(%s) = %s, want %s", hans, got, hant)
		}
		if got := ToHans(hant); got != hans {
			t.Errorf("ToHans(%s) = %s, want %s", hant, got, hans)
		}
	}
	if got := ToHans("爲了烏鎮峯會"); got != "为了乌镇峰会" {
		t.Errorf("ToHans of OpenCC's standard = %s", got)
	}
}
