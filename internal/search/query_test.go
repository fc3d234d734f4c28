package search

import (
	"strings"
	"testing"
)

func TestParseQuery(t *testing.T) {
	tests := []struct {
		q, want, fts5, tsquery string
	}{
		{"数字鸿沟", `"数字 字鸿 鸿沟"`, `"数字 字鸿 鸿沟"`, `('数字' <-> '字鸿' <-> '鸿沟')`},
		{"數字鴻溝", `"数字 字鸿 鸿沟"`, `"数字 字鸿 鸿沟"`, `('数字' <-> '字鸿' <-> '鸿沟')`},
		{"治理", `治理`, `"治理"`, `('治理')`},
		{"治", `治*`, `"治"*`, `('治':*)`},
		{`"治"`, `治`, `"治"`, `('治')`},
		{"governing", `govern`, `"govern"`, `('govern')`},
		{"AI治理 2024", `ai 治理 2024`, `"ai" AND "治理" AND "2024"`, `('ai') & ('治理') & ('2024')`},
		{`"digital divide" policy`, `"digit divid" polici`, `"digit divid" AND "polici"`, `('digit' <-> 'divid') & ('polici')`},
		{`「数字 治理」`, `"数字 治理"`, `"数字 治理"`, `('数字' <-> '治理')`},
		{`digital AND NOT divide OR NEAR(x y, 3)`, `digit divid x y 3`, `"digit" AND "divid" AND "x" AND "y" AND "3"`, `('digit') & ('divid') & ('x') & ('y') & ('3')`},
		{`the rule of law`, `~the rule ~of law`, `"rule" AND "law"`, `('rule') & ('law')`},
		{`"the rule of law"`, `"the rule of law"`, `"the rule of law"`, `('the' <-> 'rule' <-> 'of' <-> 'law')`},
		{`to be or not to be`, `to be or not`, `"to" AND "be" AND "or" AND "not"`, `('to') & ('be') & ('or') & ('not')`},
		{`-gov* ^title:x`, `gov titl x`, `"gov" AND "titl" AND "x"`, `('gov') & ('titl') & ('x')`},
		{`"unclosed`, `unclos`, `"unclos"`, `('unclos')`},
		{`policy policy`, `polici`, `"polici"`, `('polici')`},
	}
	for _, tt := range tests {
		q := ParseQuery(tt.q)
		if got := q.String(); got != tt.want {
			t.Errorf("ParseQuery(%q) = %s, want %s", tt.q, got, tt.want)
		}
		if got := q.fts5(); got != tt.fts5 {
			t.Errorf("ParseQuery(%q).fts5() = %s, want %s", tt.q, got, tt.fts5)
		}
		if got := q.tsquery(); got != tt.tsquery {
			t.Errorf("ParseQuery(%q).tsquery() = %s, want %s", tt.q, got, tt.tsquery)
		}
	}
}

func TestWholeQueryPhrase(t *testing.T) {
	for q, want := range map[string]string{
		"to be or not to be": `"to be or not to be"`,
		"the digital divide": `"the digit divid"`,
		`AI治理 "open data"`:   `"ai 治理 open data"`,
		"policy policy":      `"polici polici"`,
		"數字鴻溝 治":             `"数字 字鸿 鸿沟 治"*`,
		"digital, divide!!!": `"digit divid"`,
	} {
		p := ParseQuery(q)
		if !p.hasPhrase() {
			t.Errorf("%s: no whole-query phrase", q)
			continue
		}
		if got := p.fts5Phrase(); got != want {
			t.Errorf("%s: phrase %s, want %s", q, got, want)
		}
	}
	for _, q := range []string{"数字鸿沟", "governance", `"digital divide"`} {
		if ParseQuery(q).hasPhrase() {
			t.Errorf("%s: whole-query phrase of a single part", q)
		}
	}
}

func TestParseQueryEmpty(t *testing.T) {
	for _, q := range []string{"", "   ", `"`, `""`, `NEAR(`, `*`, `)(`, "AND OR NOT", "\xff\xfe", "\x00", `!@#$%^&*()_+-=[]{}|;':",./<>?`, "。，、；："} {
		if p := ParseQuery(q); !p.Empty() {
			t.Errorf("ParseQuery(%q) = %s, want empty", q, p)
		}
	}
}

func TestParseQueryCapsLength(t *testing.T) {
	q := ParseQuery(strings.Repeat("a ", 10000))
	if n := len(q.parts); n != 1 {
		t.Errorf("repeated word gave %d parts", n)
	}
	q = ParseQuery(strings.Repeat("治理", 5000))
	if n := len(q.Tokens()); n != maxQueryRunes-1 {
		t.Errorf("10 KB of Chinese gave %d tokens, want %d", n, maxQueryRunes-1)
	}
}

func FuzzParseQuery(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := ParseQuery(s)
		checkTokens(t, s, q.Tokens())
		if q.Empty() {
			return
		}
		if len(q.Tokens()) > maxQueryRunes {
			t.Fatalf("%q: %d tokens", s, len(q.Tokens()))
		}
		// The expressions hold quoted tokens and operators only.
		checkExpression(t, q.fts5(), `"`, []string{" AND ", "*"})
		checkExpression(t, q.fts5Phrase(), `"`, []string{"*"})
		checkExpression(t, q.tsquery(), `'`, []string{" & ", " <-> ", ":*", "(", ")"})
		checkExpression(t, q.tsPhrase(), `'`, []string{" <-> ", ":*", "(", ")"})
	})
}

// checkExpression fails t unless expr is quoted tokens (quote being the
// quote mark) separated by the operators ops.
func checkExpression(t *testing.T, expr, quote string, ops []string) {
	t.Helper()
	parts := strings.Split(expr, quote)
	if len(parts)%2 != 1 {
		t.Fatalf("%s: unbalanced quotes", expr)
	}
	for i, p := range parts {
		if i%2 == 1 {
			var toks []string
			if quote == `"` {
				toks = strings.Split(p, " ")
			} else {
				toks = []string{p}
			}
			checkTokens(t, expr, toks)
			continue
		}
		for _, op := range ops {
			p = strings.ReplaceAll(p, op, "")
		}
		if p != "" {
			t.Fatalf("%s: %q between tokens", expr, p)
		}
	}
}
