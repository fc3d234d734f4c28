// Package chart renders charts and maps as inline SVG on the server, so
// that they work without JavaScript and can be read by screen readers: a
// world map coloured by a count per country (WorldMap) and a bar chart
// (Bars).
//
// The output is meant to be dropped into an html/template page as is. It
// has a <title> and a <desc>, visible text labels, responsive sizing (a
// viewBox and width="100%"), and neither <script>, <style> nor style=
// attributes, so that a Content-Security-Policy without 'unsafe-inline'
// lets it through: colours are SVG presentation attributes. Every caller
// string is escaped. All functions are safe for concurrent use.
//
// The map's shapes are worldpaths.json, generated from Natural Earth data
// (npm world-atlas) by gen/main.go; see data/README.md.
package chart

//go:generate go run ./gen

import (
	"html/template"
	"math"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode"
	"unicode/utf8"
)

// idSeq numbers the charts rendered by this process, for element ids that
// are unique on a page when the caller gives none.
var idSeq atomic.Uint64

// newID returns id if it is a usable id prefix, or a fresh one.
func newID(id string) string {
	if id != "" && validID(id) {
		return id
	}
	return "chart" + strconv.FormatUint(idSeq.Add(1), 10)
}

// validID reports whether s is a safe id: a letter, then letters, digits,
// '-' or '_'.
func validID(s string) bool {
	for i, r := range s {
		switch {
		case r < utf8.RuneSelf && (unicode.IsLetter(r) || (i > 0 && (unicode.IsDigit(r) || r == '-' || r == '_'))):
		default:
			return false
		}
	}
	return s != ""
}

// esc escapes s for use as XML/HTML text or in a double-quoted attribute,
// dropping the control characters that XML does not allow.
func esc(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
	return template.HTMLEscapeString(s)
}

// safeURL returns u if it is relative or uses http, https or mailto, and ""
// otherwise (javascript: and the like).
func safeURL(u string) string {
	u = strings.TrimSpace(u)
	if u == "" {
		return ""
	}
	if i := strings.IndexAny(u, ":/?#"); i >= 0 && u[i] == ':' {
		switch strings.ToLower(u[:i]) {
		case "http", "https", "mailto":
		default:
			return ""
		}
	}
	return u
}

// num formats a coordinate with at most one decimal.
func num(f float64) string {
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// round1 rounds to one decimal.
func round1(f float64) float64 {
	return math.Round(f*10) / 10
}

// textWidth estimates the width of s in a sans-serif font of the given
// size: wide (CJK) characters take a full em, others about 0.6 em.
func textWidth(s string, size float64) float64 {
	var w float64
	for _, r := range s {
		switch {
		case isWide(r):
			w += 1
		case r == ' ' || r == '.' || r == ',' || r == ':' || r == 'i' || r == 'l' || r == '1':
			w += 0.35
		default:
			w += 0.6
		}
	}
	return w * size
}

func isWide(r rune) bool {
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) ||
		unicode.Is(unicode.Hangul, r) || (r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFF60)
}

// fontFamily is the font of all chart text: the reader's system font.
const fontFamily = "system-ui, sans-serif"

// textColour is the colour of all chart text: 15:1 against white.
const textColour = "#1f1f1f"
