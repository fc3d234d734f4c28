package search

import (
	"slices"
	"strings"
	"testing"
)

func TestSuggest(t *testing.T) {
	pairs := [][2]string{
		{"软件", "軟體"}, {"信息", "資訊"}, {"互联网", "網際網路"}, {"网络", "網路"}, {"数据", "資料"},
		{"程序", "程式"}, {"视频", "影片"}, {"人工智能", "人工智慧"}, {"云计算", "雲端運算"},
	}
	for _, p := range pairs {
		hans, hant := p[0], p[1]
		if got := Suggest(hans); !slices.Contains(got, hant) {
			t.Errorf("Suggest(%s) = %q, want %s among them", hans, got, hant)
		}
		if got := Suggest(hant); !slices.Contains(got, hans) {
			t.Errorf("Suggest(%s) = %q, want %s among them", hant, got, hans)
		}
	}
	for _, q := range []string{"数字鸿沟", "數字鴻溝", "governance", "", "\xff\x00", `"软件`} {
		for _, s := range Suggest(q) {
			if Index(s) == Index(q) {
				t.Errorf("Suggest(%q) offers %q, which searches the same", q, s)
			}
		}
	}
	if got := Suggest("数字鸿沟"); len(got) != 0 {
		t.Errorf("Suggest(数字鸿沟) = %q: only the script differs", got)
	}
	if got := Suggest("governance"); got != nil {
		t.Errorf("Suggest(governance) = %q", got)
	}
	// The longer word wins: 网路 inside 网际网路 is not replaced on its own.
	if got := Suggest("网际网路治理"); !slices.Equal(got, []string{"互联网治理"}) {
		t.Errorf("Suggest(网际网路治理) = %q", got)
	}
	if got := Suggest("软件 and 数据"); !slices.Contains(got, "軟體 and 資料") {
		t.Errorf("Suggest(软件 and 数据) = %q", got)
	}
	if got := Suggest(strings.Repeat("软件", 10000)); len([]rune(got[0])) > 2*maxQueryRunes {
		t.Errorf("Suggest of a long query: %d characters", len([]rune(got[0])))
	}
}

func TestNear(t *testing.T) {
	vocab := []string{"governance", "goverance", "government", "digital", "data", "date", "the", "policy", "policies"}
	for _, tt := range []struct{ word, want string }{
		{"govermance", "governance"}, // first of two at distance 1
		{"Govermance", "governance"},
		{"digtial", "digital"}, // transposition
		{"digitl", "digital"},
		{"dgtal", "digital"}, // two edits
		{"dgtl", ""},         // three
		{"dta", "data"},      // short words: one edit
		{"dtae", "date"},     // a transposition is one edit
		{"dxyz", ""},
		{"teh", "the"},
		{"governance", ""},  // known
		{"governances", ""}, // a form of governance
		{"policys", ""},     // policy and policies share its stem
		{"ab", ""},          // too short
		{"", ""},
		{"\xff\xfe\xfd", ""},
	} {
		if got := Near(tt.word, vocab); got != tt.want {
			t.Errorf("Near(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
	if got := Near("govermance", []string{"goverance", "governance"}); got != "goverance" {
		t.Errorf("Near prefers the earlier of equals: %q", got)
	}
}

func TestDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b  string
		limit int
		want  int
	}{
		{"", "", 2, 0},
		{"abc", "abc", 2, 0},
		{"abc", "acb", 2, 1},
		{"abc", "ab", 2, 1},
		{"abc", "xbc", 2, 1},
		{"abcd", "badc", 2, 2},
		{"kitten", "sitting", 5, 3},
		{"kitten", "sitting", 2, 3},
		{"ca", "abc", 5, 3}, // optimal string alignment, not unrestricted
		{"数字", "字数", 2, 1},
	} {
		if got := distance([]rune(tt.a), []rune(tt.b), tt.limit); got != tt.want {
			t.Errorf("distance(%q, %q, %d) = %d, want %d", tt.a, tt.b, tt.limit, got, tt.want)
		}
	}
}
