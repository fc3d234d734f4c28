package documents

import (
	"fmt"
	"strings"
	"testing"
)

// version gives blocks ids the way SaveVersion does, from the previous
// version's paragraphs.
func nextVersion(prev []Paragraph, body string, next *int) []Paragraph {
	src := SplitBlocks(body)
	kinds := make([]string, len(src))
	for i, s := range src {
		kinds[i] = parseBlock(s).Kind
	}
	ids := assignIDs(prev, src, kinds, next)
	out := make([]Paragraph, len(src))
	for i := range src {
		out[i] = Paragraph{ID: ids[i], Position: i + 1, Kind: kinds[i], Text: src[i]}
	}
	return out
}

func summary(cs []Change) string {
	var parts []string
	for _, c := range cs {
		parts = append(parts, fmt.Sprintf("%d:%s", c.ID, c.Change))
	}
	return strings.Join(parts, " ")
}

// TestDiffHandMade checks the paragraph ids and the comparison on
// hand-made cases: unchanged, edited, inserted above, moved, split,
// merged, removed, Chinese edits, and a rewrite that keeps nothing.
func TestDiffHandMade(t *testing.T) {
	const v1 = "# Principles\n\nThe internet is a shared space for every nation and every person.\n\n" +
		"Cooperation rests on respect for sovereignty in cyberspace and on mutual trust.\n\n" +
		"Developing countries need help to build infrastructure and digital skills.\n\n" +
		"- open standards\n- interoperable systems"
	cases := []struct {
		name, body, want string
	}{
		{"unchanged", v1, "1:same 2:same 3:same 4:same 5:same"},
		{"edited keeps its id",
			strings.Replace(v1, "mutual trust.", "mutual trust among all parties.", 1),
			"1:same 2:same 3:changed 4:same 5:same"},
		{"inserted above keeps the ids below",
			strings.Replace(v1, "# Principles\n\n", "# Principles\n\nA new opening paragraph about the summit of 2015.\n\n", 1),
			"1:same 6:added 2:same 3:same 4:same 5:same"},
		{"moved keeps its id",
			"# Principles\n\nDeveloping countries need help to build infrastructure and digital skills.\n\n" +
				"The internet is a shared space for every nation and every person.\n\n" +
				"Cooperation rests on respect for sovereignty in cyberspace and on mutual trust.\n\n- open standards\n- interoperable systems",
			"1:same 4:same 2:same 3:same 5:same"},
		{"split: the first part keeps the id, the second is new",
			strings.Replace(v1, "Cooperation rests on respect for sovereignty in cyberspace and on mutual trust.",
				"Cooperation rests on respect for sovereignty in cyberspace.\n\nIt rests on mutual trust as well.", 1),
			"1:same 2:same 3:changed 6:added 4:same 5:same"},
		{"merged: the first of equals keeps its id, the other is removed",
			strings.Replace(v1, "every person.\n\nCooperation rests on respect for sovereignty in cyberspace and on mutual trust.",
				"every person, and cooperation in it rests on respect for sovereignty in cyberspace and on mutual trust.", 1),
			"1:same 2:changed 3:removed 4:same 5:same"},
		{"removed",
			strings.Replace(v1, "Developing countries need help to build infrastructure and digital skills.\n\n", "", 1),
			"1:same 2:same 3:same 4:removed 5:same"},
		{"rewritten whole is removed and added",
			strings.Replace(v1, "Developing countries need help to build infrastructure and digital skills.", "Nothing here is alike at all.", 1),
			"1:same 2:same 3:same 4:removed 6:added 5:same"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			next := 1
			p1 := nextVersion(nil, v1, &next)
			if next != 6 {
				t.Fatalf("first version took ids up to %d, want 5", next-1)
			}
			p2 := nextVersion(p1, c.body, &next)
			if got := summary(Diff(p1, p2)); got != c.want {
				t.Errorf("diff\n got %s\nwant %s", got, c.want)
			}
		})
	}
}

// TestDiffChinese checks that an edited Chinese paragraph keeps its id
// (Chinese characters are words for the similarity) and that the marks
// show the change character by character.
func TestDiffChinese(t *testing.T) {
	next := 1
	p1 := nextVersion(nil, "网络空间是人类共同的活动空间。\n\n各国应加强沟通、扩大共识、深化合作。", &next)
	p2 := nextVersion(p1, "网络空间是人类共同的活动空间，前途命运应由各国共同掌握。\n\n各国应加强沟通、扩大共识、深化合作。", &next)
	if got := summary(Diff(p1, p2)); got != "1:changed 2:same" {
		t.Fatalf("diff %s", got)
	}
	c := Diff(p1, p2)[0]
	var ins, del []string
	for _, p := range c.Marks() {
		switch p.Op {
		case "+":
			ins = append(ins, p.Text)
		case "-":
			del = append(del, p.Text)
		}
	}
	if len(del) != 0 || strings.Join(ins, "|") != "，前途命运应由各国共同掌握" {
		t.Errorf("marks: deleted %q, inserted %q", del, ins)
	}
}

// TestMarkWords checks the word marks of an English edit: joined, each
// side gives its text back.
func TestMarkWords(t *testing.T) {
	a, b := "Cooperation rests on respect and on mutual trust.", "Cooperation rests on mutual respect and trust among all."
	var before, after strings.Builder
	for _, p := range markWords(a, b) {
		if p.Op != "+" {
			before.WriteString(p.Text)
		}
		if p.Op != "-" {
			after.WriteString(p.Text)
		}
	}
	if before.String() != a || after.String() != b {
		t.Errorf("marks do not give the texts back: %q / %q", before.String(), after.String())
	}
}

// TestMarkup checks the structured text: blocks, kinds, numbers, inline
// spans, links http(s) only, and the body's errors.
func TestMarkup(t *testing.T) {
	body := "# Title\n\nFirst *em* and **strong** with [a link](https://example.org/x) and a note.[^n1]\n" +
		"continued line.\n\n- one\n- two\n  wrapped\n\n1. first\n2. second\n\n中文第一行\n第二行\n\n[^n1]: The note."
	p, err := parseBody(body)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, b := range p.blocks {
		kinds = append(kinds, b.Kind)
	}
	if got := strings.Join(kinds, ","); got != "heading,paragraph,list,list,paragraph,footnote" {
		t.Fatalf("kinds %s", got)
	}
	if got := fmt.Sprint(numbers(p.blocks)); got != "[0 1 2 3 4 0]" {
		t.Errorf("numbers %s", got)
	}
	if got := p.blocks[1].Plain(); got != "First em and strong with a link and a note.[n1] continued line." {
		t.Errorf("plain %q", got)
	}
	if b := p.blocks[2]; b.Ordered || len(b.Items) != 2 || plainSpans(b.Items[1]) != "two wrapped" {
		t.Errorf("list %+v", b)
	}
	if !p.blocks[3].Ordered {
		t.Error("ordered list not ordered")
	}
	if got := p.blocks[4].Plain(); got != "中文第一行第二行" {
		t.Errorf("Chinese lines joined as %q", got)
	}
	spans := p.blocks[1].Spans
	if spans[1].Kind != SpanEm || spans[3].Kind != SpanStrong || spans[5].Kind != SpanLink || spans[5].URL != "https://example.org/x" || spans[7].Kind != SpanRef {
		t.Errorf("spans %+v", spans)
	}
	for _, bad := range []string{"", "[x](javascript:alert)", "[x](//example.org)", "a[^missing]", "[^a]: one\n\n[^a]: two"} {
		if _, err := parseBody(bad); err == nil {
			t.Errorf("body %q accepted", bad)
		}
	}
	if got := inline(`\*not em\* <b>`); len(got) != 1 || got[0].Text != "*not em* <b>" {
		t.Errorf("escapes: %+v", got)
	}
}

// TestMergeKeepsTheLarger checks that merged paragraphs keep the id of
// the one most like the whole: here the longer second one.
func TestMergeKeepsTheLarger(t *testing.T) {
	next := 1
	p1 := nextVersion(nil, "Short opening words.\n\nA much longer paragraph about the digital economy, its rules, its markets and its people.", &next)
	p2 := nextVersion(p1, "Short opening: a much longer paragraph about the digital economy, its rules, its markets and its people.", &next)
	if got := summary(Diff(p1, p2)); got != "1:removed 2:changed" {
		t.Errorf("diff %s", got)
	}
}
