package search

import (
	"html/template"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/wuzhen/wuzhen/internal/zh"
)

// Snippet sizes, in characters.
const (
	snippetRunes  = 120
	snippetBefore = 30 // of context before the first match
	// snippetScan is how far into a text a match is looked for (bytes):
	// analysing Traditional Chinese costs about a microsecond a character,
	// and a page shows twenty hits.
	snippetScan = 16 << 10
)

// snippet returns a piece of the document's text around the first match of
// q, in the reader's language and script, HTML-escaped, with each match in
// <mark>: from the body in the reader's language, else its title, else the
// other languages' bodies and titles; without a match anywhere, the start of
// the body.
func snippet(q Query, lang string, title, body map[string]string) template.HTML {
	sources := []string{pick(body, lang), pick(title, lang)}
	for _, m := range []map[string]string{body, title} {
		for _, k := range sortedKeys(m) {
			sources = append(sources, m[k])
		}
	}
	han, other := q.scripts()
	for _, text := range sources {
		if text == "" || !mayHold(text, han, other) {
			continue
		}
		if h, ok := highlight(text, q, lang); ok {
			return h
		}
	}
	text := sources[0]
	if text == "" {
		text = sources[1]
	}
	end, cut := advance(text, 0, snippetRunes)
	out := escape(lang, text[:end])
	if cut {
		out += "…"
	}
	return template.HTML(out)
}

// scripts reports whether the query's tokens hold Han characters, and
// whether they hold anything else.
func (q Query) scripts() (han, other bool) {
	for _, t := range q.all {
		for _, r := range t {
			if zh.IsHan(r) {
				han = true
			} else {
				other = true
			}
		}
	}
	return han, other
}

// mayHold reports whether text has characters of the scripts a query
// needs: Han characters for a Chinese query, letters or digits of other
// scripts for the rest. Analysing text costs far more (Traditional Chinese
// about a microsecond a character), and a document's texts in the other
// languages seldom hold the words: a text without them is not analysed.
func mayHold(text string, han, other bool) bool {
	for _, r := range text {
		if zh.IsHan(r) {
			if han {
				return true
			}
		} else if other && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return true
		}
	}
	return false
}

// span is a byte range of a text.
type span struct{ start, end int }

// highlight finds the parts of q in text, by analysing text as documents
// are analysed, and returns the window of text around the first one with
// every match inside it marked. ok is false when no part occurs.
func highlight(text string, q Query, lang string) (template.HTML, bool) {
	return highlightSkipping(text, q, lang, true)
}

// highlightSkipping is highlight; with skipRuns, runs of Han characters
// that cannot hold a character of the query are not converted (the result
// is the same: see TestHighlightSkipsRunsAlike).
func highlightSkipping(text string, q Query, lang string, skipRuns bool) (template.HTML, bool) {
	parts := q.required()
	if q.hasPhrase() {
		// The whole query too, so that "digital divide" is marked as one.
		last := q.parts[len(q.parts)-1]
		parts = append(parts, part{tokens: q.all, prefix: last.prefix})
	}
	longest := 0
	for _, p := range parts {
		longest = max(longest, len(p.tokens))
	}
	// Runs of Han characters that cannot become any character of the
	// query are not converted (OpenCC costs about a microsecond a
	// character).
	want := map[rune]bool{}
	for _, p := range parts {
		for _, t := range p.tokens {
			for _, r := range t {
				if zh.IsHan(r) {
					want[r] = true
				}
			}
		}
	}
	var skip func([]unit) bool
	if skipRuns {
		skip = func(run []unit) bool { return !mayBecome(run, want) }
	}
	// The last tokens seen, enough to recognise the longest phrase.
	recent := make([]token, 0, longest)
	var marks []span
	windowStart, windowEnd := -1, 0
	analyzeSkipping(text, skip, func(t token) bool {
		if windowStart >= 0 && t.start >= windowEnd || windowStart < 0 && t.start >= snippetScan {
			return false
		}
		if len(recent) == longest {
			copy(recent, recent[1:])
			recent = recent[:longest-1]
		}
		recent = append(recent, t)
		for _, p := range parts {
			n := len(p.tokens)
			if n > len(recent) {
				continue
			}
			seq := recent[len(recent)-n:]
			if !matches(p, seq) {
				continue
			}
			s := span{seq[0].start, seq[n-1].end}
			if windowStart < 0 {
				windowStart = back(text, s.start, snippetBefore)
				windowEnd, _ = advance(text, windowStart, snippetRunes)
			}
			windowEnd = max(windowEnd, s.end)
			marks = append(marks, s)
		}
		return true
	})
	if windowStart < 0 {
		return "", false
	}
	marks = merge(marks)
	var b strings.Builder
	if windowStart > 0 {
		b.WriteString("…")
	}
	at := windowStart
	for _, m := range marks {
		if m.start < at {
			m.start = at
		}
		if m.end <= m.start {
			continue
		}
		b.WriteString(escape(lang, text[at:m.start]))
		b.WriteString("<mark>")
		b.WriteString(escape(lang, text[m.start:m.end]))
		b.WriteString("</mark>")
		at = m.end
	}
	b.WriteString(escape(lang, text[at:windowEnd]))
	if windowEnd < len(text) {
		b.WriteString("…")
	}
	return template.HTML(b.String()), true
}

// matches reports whether the tokens seq are the part p.
func matches(p part, seq []token) bool {
	for i, want := range p.tokens {
		got := seq[i].text
		if p.prefix && i == len(p.tokens)-1 {
			if !strings.HasPrefix(got, want) {
				return false
			}
		} else if got != want {
			return false
		}
	}
	return true
}

// merge sorts spans (already in order of their ends) and joins those that
// overlap or touch.
func merge(spans []span) []span {
	if len(spans) < 2 {
		return spans
	}
	// Spans are found in order of their last token, so starts may go back
	// (a phrase begun before a shorter match): sort by start.
	for i := 1; i < len(spans); i++ {
		for j := i; j > 0 && spans[j].start < spans[j-1].start; j-- {
			spans[j], spans[j-1] = spans[j-1], spans[j]
		}
	}
	out := spans[:1]
	for _, s := range spans[1:] {
		last := &out[len(out)-1]
		if s.start <= last.end {
			last.end = max(last.end, s.end)
			continue
		}
		out = append(out, s)
	}
	return out
}

// back returns the byte offset n characters before at, or 0; it moves
// forward to just after a space when one is among the last few characters,
// so that the snippet starts with a whole word.
func back(text string, at, n int) int {
	i := at
	for k := 0; k < n && i > 0; k++ {
		_, size := utf8.DecodeLastRuneInString(text[:i])
		i -= size
	}
	if i == 0 {
		return 0
	}
	for j, k := i, 0; j < at && k < 12; k++ {
		r, size := utf8.DecodeRuneInString(text[j:])
		j += size
		if unicode.IsSpace(r) {
			return j
		}
	}
	return i
}

// advance returns the byte offset n characters after at (or the end of
// text) and whether text goes on beyond it.
func advance(text string, at, n int) (int, bool) {
	i := at
	for k := 0; k < n && i < len(text); k++ {
		_, size := utf8.DecodeRuneInString(text[i:])
		i += size
	}
	return i, i < len(text)
}

// escape converts s to the reader's script, collapses white space and
// escapes it for HTML.
func escape(lang, s string) string {
	s = zh.ForLang(lang, s)
	if strings.ContainsFunc(s, unicode.IsSpace) {
		var b strings.Builder
		space := false
		for _, r := range s {
			if unicode.IsSpace(r) {
				space = true
				continue
			}
			if space {
				b.WriteByte(' ')
				space = false
			}
			b.WriteRune(r)
		}
		if space {
			b.WriteByte(' ')
		}
		s = b.String()
	}
	return template.HTMLEscapeString(strings.ToValidUTF8(s, "\uFFFD"))
}
