package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/wuzhen/wuzhen/internal/demo"
	"github.com/wuzhen/wuzhen/internal/testenv"
)

// TestBrowserSearch types into the header's search box: results appear
// while typing (the script), and Enter opens the results page (no script
// needed), with the matched words marked and Chinese in the reader's script.
func TestBrowserSearch(t *testing.T) {
	bctx := testenv.Browser(t)
	a := startApp(t, "sqlite:"+filepath.Join(t.TempDir(), "w.db"))
	if _, _, err := demo.Load(context.Background(), a.demoDeps()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(bctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx,
		chromedp.Navigate(a.ts.URL+"/?lang=zh-Hant"),
		chromedp.SendKeys(chromedp.CSS("#site-q"), "数字丝路"),
		chromedp.WaitVisible(chromedp.CSS(".suggest li a")),
	); err != nil {
		shot(t, ctx, "search-failed")
		t.Fatalf("typeahead: %v", err)
	}
	first, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".suggest li a")))
	if err != nil || !strings.Contains(first, "數字絲路") {
		t.Errorf("first suggestion %q (%v), want it in Traditional script", first, err)
	}
	shot(t, ctx, "search-typeahead")
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#site-q"), kb.Enter)); err != nil {
		t.Fatal(err)
	}
	waitLocation(t, ctx, "/search?q=")
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("ol.results mark"))); err != nil {
		shot(t, ctx, "search-failed")
		t.Fatalf("results page: %v", err)
	}
	title, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("ol.results .result-title")))
	if !strings.Contains(title, "數字絲路") {
		t.Errorf("first result %q", title)
	}
	shot(t, ctx, "search-results")
}
