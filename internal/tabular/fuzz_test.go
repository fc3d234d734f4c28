package tabular

import (
	"strings"
	"testing"
)

// FuzzText checks the downloads' guard against formulas: a cell never
// begins with what a spreadsheet takes for one, and keeps the text.
func FuzzText(f *testing.F) {
	for _, seed := range []string{"", "Name", "=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "'=1", "=HYPERLINK(\"http://x\")", "\x00=", "长"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Text(s)
		if got != s && got != "'"+s {
			t.Fatalf("Text(%q) = %q", s, got)
		}
		if got != "" && strings.ContainsRune("=+-@\t\r", rune(got[0])) {
			t.Fatalf("Text(%q) = %q begins like a formula", s, got)
		}
	})
}
