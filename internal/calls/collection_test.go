package calls

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/wuzhen/wuzhen/internal/testenv"
)

// TestRenderCollectionPages: a long summary runs on to further pages, the
// contents take as many pages as they need, and each entry names the page
// its case starts on.
func TestRenderCollectionPages(t *testing.T) {
	var cases []*Case
	for i := 0; i < 60; i++ {
		c := &Case{ID: int64(i + 1), Title: Text{En: fmt.Sprintf("Case number %02d", i)}, Field: Fields[i/12],
			Countries: []string{"KE", "CN"}, Summary: Text{En: "Short."}, Call: Text{En: "Cases"}}
		cases = append(cases, c)
	}
	cases[0].Summary.En = strings.Repeat("lorem ipsum dolor ", 1500) + "THE-END"
	b, err := RenderCollection(cases, 2025, "Org", "en", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	text := testenv.PDFText(t, b)
	pages := strings.Split(text, "\f")
	if !strings.Contains(text, "THE-END") {
		t.Fatalf("the long summary is cut")
	}
	// Cover, contents; the first case starts on the page after them.
	first := -1
	for i, p := range pages {
		if strings.Contains(p, "Case number 00") && strings.Contains(p, "lorem") {
			first = i + 1
			break
		}
	}
	if first < 3 {
		t.Fatalf("the first case is on page %d", first)
	}
	end := -1
	for i, p := range pages {
		if strings.Contains(p, "THE-END") {
			end = i + 1
		}
	}
	if end <= first+1 {
		t.Errorf("a 6,000-word summary fits on pages %d to %d", first, end)
	}
	// The next case starts on the page after the summary's end, and the
	// contents say so.
	next := pages[end]
	if !strings.Contains(next, "Case number 01") {
		t.Errorf("page %d is not the next case:\n%s", end+1, next)
	}
	if !strings.Contains(strings.Join(pages[1:first-1], ""), fmt.Sprintf("Case number 01\n\n%d", end+1)) {
		t.Errorf("the contents do not give page %d to case 05:\n%s", end+1, strings.Join(pages[1:first-1], "\f"))
	}
	if !strings.Contains(pages[end-1], fmt.Sprintf("%d / %d", end, len(pages)-1)) {
		t.Errorf("no page number on page %d:\n%s", end, pages[end-1])
	}
}

// BenchmarkRenderCollection renders a year of 12 cases in Chinese, the
// size of the demo's years: go test -run x -bench RenderCollection ./internal/calls
func BenchmarkRenderCollection(b *testing.B) {
	var cases []*Case
	for i := 0; i < 12; i++ {
		cases = append(cases, &Case{ID: int64(i + 1), Title: Text{En: fmt.Sprintf("Shared data centres %d", i), Hans: fmt.Sprintf("大湾区与东盟高校共享数据中心 %d", i)},
			Field: Fields[i%len(Fields)], Countries: []string{"KE", "CN", "RU"}, Partners: []Partner{{Name: "Центр цифрового сотрудничества", Country: "RU"}},
			Summary: Text{Hans: strings.Repeat("自2025年起，各方携手开展项目，公开分享方法并逐年总结经验。", 8)}, Call: Text{Hans: "2025年实践案例"}})
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := RenderCollection(cases, 2025, "世界互联网大会", "zh-Hans", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil {
			b.Fatal(err)
		}
	}
}
