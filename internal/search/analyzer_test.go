package search

import (
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/wuzhen/wuzhen/internal/zh"
)

func TestTokens(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{"simplified bigrams", "数字鸿沟", []string{"数字", "字鸿", "鸿沟"}},
		{"traditional gives simplified", "數字鴻溝", []string{"数字", "字鸿", "鸿沟"}},
		{"two-character word is one token", "治理", []string{"治理"}},
		{"one-character run", "在 治 中", []string{"在", "治", "中"}},
		{"stems", "governing governance Governed", []string{"govern", "govern", "govern"}},
		{"mixed", "AI治理 2024", []string{"ai", "治理", "2024"}},
		{"punctuation dropped", "数字，鸿沟。“治理”!? (a+b)*c-d:e^f", []string{"数字", "鸿沟", "治理", "a", "b", "c", "d", "e", "f"}},
		{"digits kept", "2024年第3季度", []string{"2024", "年第", "3", "季度"}},
		{"fullwidth folded", "ＡＩ　２０２４", []string{"ai", "2024"}},
		{"possessive and contraction", "the member's don't", []string{"the", "member", "dont"}},
		{"other scripts as written", "Привет Мир مرحبا", []string{"привет", "мир", "مرحبا"}},
		{"accents folded", "Café École", []string{"cafe", "ecol"}},
		{"compatibility ideograph to simplified", "\uF900", []string{"岂"}},
		{"NUL and invalid UTF-8 separate", "ab\x00cd\xffef\xc0", []string{"ab", "cd", "ef"}},
		{"empty", "", nil},
		{"only punctuation", `"*^:()-+{}[],.'`, nil},
		{"long word capped", strings.Repeat("x", 300), []string{strings.Repeat("x", maxTokenRunes)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Tokens(tt.text); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Tokens(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestIndexJoinsTokens(t *testing.T) {
	if got, want := Index("數字鴻溝 and AI治理"), "数字 字鸿 鸿沟 and ai 治理"; got != want {
		t.Errorf("Index = %q, want %q", got, want)
	}
}

func TestBothScriptsSameTokens(t *testing.T) {
	for _, s := range []string{"数字鸿沟与互联网治理", "会员国发展报告", "联合国教科文组织"} {
		if a, b := Tokens(s), Tokens(zh.ToHant(s)); !reflect.DeepEqual(a, b) {
			t.Errorf("Tokens(%q) = %q but Tokens(%q) = %q", s, a, zh.ToHant(s), b)
		}
	}
}

func TestTokensWithOffsets(t *testing.T) {
	text := "Ｔhe governing 數字鴻溝, ㍿!"
	var got []string
	for _, tk := range tokensWithOffsets(text) {
		got = append(got, tk.text+"="+text[tk.start:tk.end])
	}
	want := []string{"the=Ｔhe", "govern=governing", "数字=數字", "字鸿=字鴻", "鸿沟=鴻溝", "株式=㍿", "式会=㍿", "会社=㍿"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("spans = %q, want %q", got, want)
	}
}

// checkTokens fails t when a token is empty or holds anything but letters,
// marks, digits and Han characters.
func checkTokens(t *testing.T, input string, tokens []string) {
	t.Helper()
	for _, tok := range tokens {
		if tok == "" {
			t.Fatalf("%q: empty token", input)
		}
		if !utf8.ValidString(tok) {
			t.Fatalf("%q: token %q is not valid UTF-8", input, tok)
		}
		for _, r := range tok {
			if !(unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsNumber(r) || zh.IsHan(r)) {
				t.Fatalf("%q: token %q holds %U", input, tok, r)
			}
			if r < utf8.RuneSelf && !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
				t.Fatalf("%q: token %q holds ASCII %q", input, tok, r)
			}
		}
	}
}

var fuzzSeeds = []string{
	"数字鸿沟", "數字鴻溝", "AI治理 2024", `"digital divide" OR NEAR(a b, 3)`, "*^:()-", ")(", `'; DROP TABLE search_docs; --`,
	"\xff\xfe\x00", "a\x00b", "\x01镇", "㍿ ﷺ", "e\u0301\u0301\u0301", "don't'’s", strings.Repeat("治理", 100),
}

func FuzzTokens(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		toks := tokensWithOffsets(s)
		plain := make([]string, len(toks))
		last := 0
		for i, tk := range toks {
			plain[i] = tk.text
			if tk.start < 0 || tk.end > len(s) || tk.start >= tk.end {
				t.Fatalf("%q: token %q has span %d:%d", s, tk.text, tk.start, tk.end)
			}
			if tk.start < last-len(s) { // spans only move forward (bigrams overlap)
				t.Fatalf("%q: spans go back", s)
			}
			last = tk.start
		}
		checkTokens(t, s, plain)
		if got := Tokens(s); !reflect.DeepEqual(got, nilIfEmpty(plain)) {
			t.Fatalf("%q: Tokens = %q, tokensWithOffsets = %q", s, got, plain)
		}
		if got, want := Index(s), strings.Join(plain, " "); got != want {
			t.Fatalf("%q: Index = %q, want %q", s, got, want)
		}
	})
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

// TestToHansShortcut checks that skipping the converter for runs without a
// changing character gives what the converter gives.
func TestToHansShortcut(t *testing.T) {
	check := func(run []rune) {
		if got, want := toHans(run), zh.ToHans(string(run)); got != want {
			t.Fatalf("toHans(%q) = %q, zh.ToHans = %q", string(run), got, want)
		}
	}
	var all []rune
	for r := rune(0x2E80); r <= 0x2FA1F; r++ {
		if zh.IsHan(r) {
			check([]rune{r})
			all = append(all, r)
		}
	}
	// Neighbouring pairs and longer runs, through the whole Han repertoire.
	for i := 0; i+8 <= len(all); i += 7 {
		check(all[i : i+2])
		check(all[i : i+8])
	}
	for _, s := range []string{"数字鸿沟是指在全球数字化进程中", "乾隆皇帝", "著作权", "头发", "後來發現", "於是", "一隻乾淨的鬆獅犬"} {
		check([]rune(s))
		check([]rune(zh.ToHant(s)))
	}
}

func BenchmarkTokens(b *testing.B) {
	hans := strings.Repeat("数字鸿沟是指在全球数字化进程中，不同国家之间由于对信息、网络技术的拥有程度的差别而造成的信息落差。", 50)
	for _, bb := range []struct{ name, text string }{
		{"hans", hans},
		{"hant", zh.ToHant(hans)},
		{"en", strings.Repeat("The governance of digital divides between member organisations. ", 100)},
	} {
		b.Run(bb.name, func(b *testing.B) {
			b.SetBytes(int64(len(bb.text)))
			for b.Loop() {
				Tokens(bb.text)
			}
		})
	}
}

func TestLatinAccentsFold(t *testing.T) {
	for _, tc := range []struct{ a, b string }{
		{"Fundación", "fundacion"},
		{"Nguyễn Thị Thu Hà", "nguyen thi thu ha"},
		{"Netzbrücke", "netzbrucke"},
		{"Łódź", "lodz"},
		{"Ørsted", "orsted"},
	} {
		if got, want := Index(tc.a), Index(tc.b); got != want {
			t.Errorf("Index(%q) = %q, Index(%q) = %q", tc.a, got, tc.b, want)
		}
	}
	// Other scripts keep their marks.
	if got := Index("हिन्दी"); got != "हिन्दी" {
		t.Errorf("Hindi: %q", got)
	}
}
