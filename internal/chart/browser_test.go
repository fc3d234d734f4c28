package chart

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/wuzhen/wuzhen/internal/geo"
	"github.com/wuzhen/wuzhen/internal/testenv"
	"github.com/wuzhen/wuzhen/internal/testenv/axe"
)

// strictCSP is as strict as the site's policy: no inline script or style.
const strictCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'"

// listenJS, served from the page's origin, records CSP violations from
// before the body is parsed.
const listenJS = `window.cspViolations = [];
document.addEventListener('securitypolicyviolation', e => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || '')));`

// TestChartsInBrowser loads a page with two maps (one with links) and a
// bar chart under a strict Content-Security-Policy in Chromium, checks that
// nothing is blocked, runs axe-core (WCAG 2.1 A/AA and best practices) on
// it, checks that the map's links are reachable with the keyboard, and
// saves a screenshot (chart.png in the artifact folder) to look at.
func TestChartsInBrowser(t *testing.T) {
	bctx := testenv.Browser(t)
	counts := map[string]int{"KE": 3, "CN": 120, "BR": 14, "US": 40, "FR": 9, "AU": 6, "FJ": 2, "SG": 5, "IN": 60,
		"NG": 11, "ZA": 8, "RU": 1, "CA": 7, "GF": 1, "MT": 1, "HK": 12, "TV": 1, "WS": 2, "DE": 15, "GB": 18}
	label := func(code string, n int) string {
		c, _ := geo.Lookup(code)
		return fmt.Sprintf("%s: %d members", c.Name("en"), n)
	}
	linked := WorldMap(MapInput{Counts: counts, Title: "Members by country", Legend: "Members", NoneLabel: "None",
		Link: func(code string) string { return "/members?country=" + code }, Label: label})
	plain := WorldMap(MapInput{Counts: map[string]int{"KE": 1}, Title: "Events by country", Legend: "Events", NoneLabel: "None"})
	bars := Bars("Growth by year", "", []Bar{{"2021", 25}, {"2022", 60}, {"2023", 110}, {"2024", 180}},
		func(n int) string { return strconv.Itoa(n) + " members" })
	page := `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Charts</title>` +
		`<meta name="viewport" content="width=device-width, initial-scale=1"><script src="/listen.js"></script></head>` +
		`<body><main><h1>Charts</h1><h2>Members</h2>` + string(linked) + `<h2>Events</h2>` + string(plain) +
		`<h2>Growth</h2>` + string(bars) + `</main></body></html>`

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", strictCSP)
		switch r.URL.Path {
		case "/listen.js":
			w.Header().Set("Content-Type", "text/javascript")
			fmt.Fprint(w, listenJS)
		default:
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, page)
		}
	}))
	defer srv.Close()

	ctx, cancel := context.WithTimeout(bctx, 2*time.Minute)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	violations, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.cspViolations`))
	if err != nil {
		t.Fatal(err)
	}
	if len(violations) > 0 {
		t.Errorf("CSP blocked: %q", violations)
	}

	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](axe.Script())); err != nil {
		t.Fatalf("loading axe-core: %v", err)
	}
	const run = `(async () => {
		const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}});
		return {passes: r.passes.length, violations: r.violations.map(v => v.id + ': ' + v.help + ' ' + v.nodes.slice(0, 3).map(n => n.html.slice(0, 120)).join(' | '))};
	})()`
	type result struct {
		Passes     int      `json:"passes"`
		Violations []string `json:"violations"`
	}
	r, err := chromedp.Run(ctx, chromedp.Evaluate[result](run, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if r.Passes == 0 {
		t.Error("axe passed no rules")
	}
	for _, v := range r.Violations {
		t.Errorf("axe: %s", v)
	}

	// Tab reaches the first country link, whose accessible name is its
	// label.
	if err := chromedp.Do(ctx, chromedp.KeyEvent("\t")); err != nil {
		t.Fatal(err)
	}
	focused, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.getAttribute('href') + ' ' + document.activeElement.querySelector('title').textContent`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(focused, "/members?country=") || !strings.Contains(focused, "members") {
		t.Errorf("first Tab focuses %q, want a country link", focused)
	}

	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(testenv.ArtifactDir(t), "chart.png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
