package search

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
)

// maxQueryRunes caps what ParseQuery reads of a query.
const maxQueryRunes = 256

// Query is a parsed search query: parts (terms and phrases) that a document
// must all match, but for stop words, and the whole query as one phrase for
// ranking. It is built only from analyzer tokens, so whatever the person
// typed, the expressions made from it for FTS5 and tsquery are well formed.
type Query struct {
	parts []part
	all   []string // every token in order, repeats included: the whole-query phrase
}

// part is a term (one token) or a phrase (tokens that must be adjacent).
type part struct {
	tokens []string
	// prefix marks a lone Han character: it matches the bigrams it begins
	// as well as itself, since documents index it only inside bigrams.
	prefix bool
	// optional marks an English stop word typed on its own (the, of): it
	// is not required, but counts in the whole-query phrase.
	optional bool
}

// ParseQuery parses what a person typed into a search box. It never fails:
// FTS syntax (quotes, AND, OR, NOT, NEAR, *, ^, :, brackets, -) is dropped,
// input beyond 256 characters is ignored, and invalid UTF-8 separates words.
// Each run of Chinese characters becomes a phrase of its bigrams (数字鸿沟 →
// 数字 字鸿 鸿沟), each other word a term, stemmed as Tokens does; text in
// double quotes ("digital divide", also “…” and 「…」) becomes one phrase.
// English stop words typed on their own (the, of) are optional, unless the
// query has nothing else; documents where the whole query occurs as a
// phrase, stop words included, rank first.
func ParseQuery(q string) Query {
	q = truncateRunes(q, maxQueryRunes)
	var out Query
	seen := map[string]bool{}
	add := func(p part) {
		out.all = append(out.all, p.tokens...)
		key := strings.Join(p.tokens, " ")
		if p.prefix {
			key += "*"
		}
		if p.optional {
			key = "~" + key
		}
		if len(p.tokens) == 0 || seen[key] {
			return
		}
		seen[key] = true
		out.parts = append(out.parts, p)
	}
	segs := splitQuotes(q)
	for i, seg := range segs {
		seg = dropOperators(seg)
		if i%2 == 1 && i < len(segs)-1 {
			// Between two quotes: one phrase, a lone character meaning
			// itself.
			add(part{tokens: Tokens(seg)})
			continue
		}
		var cur part
		last := -1
		flush := func() {
			if len(cur.tokens) == 1 && isLoneHan(cur.tokens[0]) {
				cur.prefix = true
			}
			add(cur)
			cur = part{}
		}
		analyze(seg, func(t token) bool {
			if t.run != last {
				flush()
				last = t.run
			}
			cur.tokens = append(cur.tokens, t.text)
			cur.optional = t.word != "" && english.IsStopWord(t.word)
			return true
		})
		flush()
	}
	// A query of stop words only requires them all.
	if !slices.ContainsFunc(out.parts, func(p part) bool { return !p.optional }) {
		for i := range out.parts {
			out.parts[i].optional = false
		}
	}
	return out
}

// required returns the parts a document must match.
func (q Query) required() []part {
	var out []part
	for _, p := range q.parts {
		if !p.optional {
			out = append(out, p)
		}
	}
	return out
}

// isLoneHan reports whether s is a single Han character.
func isLoneHan(s string) bool {
	r, size := utf8.DecodeRuneInString(s)
	return size == len(s) && r >= 0x2E80 && unicode.Is(unicode.Han, r)
}

// Empty reports whether the query has nothing to search for.
func (q Query) Empty() bool { return len(q.parts) == 0 }

// Tokens returns the tokens of the query's parts, in order, each part once.
func (q Query) Tokens() []string {
	var out []string
	for _, p := range q.parts {
		out = append(out, p.tokens...)
	}
	return out
}

// String returns the query in a readable canonical form: phrases in double
// quotes, a lone Han character followed by *, an optional word after ~.
func (q Query) String() string {
	var b strings.Builder
	for i, p := range q.parts {
		if i > 0 {
			b.WriteByte(' ')
		}
		if p.optional {
			b.WriteByte('~')
		}
		if len(p.tokens) > 1 {
			b.WriteString(`"` + strings.Join(p.tokens, " ") + `"`)
		} else {
			b.WriteString(p.tokens[0])
		}
		if p.prefix {
			b.WriteByte('*')
		}
	}
	return b.String()
}

// hasPhrase reports whether the whole query, as one phrase, differs from
// the query itself: then a document where it occurs contiguously ranks
// above one with the parts scattered.
func (q Query) hasPhrase() bool {
	return len(q.parts) > 1 || len(q.parts) == 1 && len(q.all) > len(q.parts[0].tokens)
}

// fts5 returns the FTS5 MATCH expression: every required part, each token
// in double quotes, joined by AND. Callers restrict it to the title and
// body columns (see words).
func (q Query) fts5() string {
	var b strings.Builder
	for i, p := range q.required() {
		if i > 0 {
			b.WriteString(" AND ")
		}
		writeFTS5Phrase(&b, p.tokens, p.prefix)
	}
	return b.String()
}

// fts5Phrase returns the whole query as one FTS5 phrase.
func (q Query) fts5Phrase() string {
	var b strings.Builder
	last := q.parts[len(q.parts)-1]
	writeFTS5Phrase(&b, q.all, last.prefix)
	return b.String()
}

func writeFTS5Phrase(b *strings.Builder, tokens []string, prefix bool) {
	b.WriteByte('"')
	for i, t := range tokens {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strings.ReplaceAll(t, `"`, `""`))
	}
	b.WriteByte('"')
	if prefix {
		b.WriteByte('*')
	}
}

// tsquery returns the PostgreSQL tsquery text: every required part,
// phrases with <->, joined by &. Lexemes are quoted, so the text is read as
// written, without a text search parser.
func (q Query) tsquery() string {
	var b strings.Builder
	for i, p := range q.required() {
		if i > 0 {
			b.WriteString(" & ")
		}
		writeTSPhrase(&b, p.tokens, p.prefix)
	}
	return b.String()
}

// tsPhrase returns the whole query as one tsquery phrase.
func (q Query) tsPhrase() string {
	var b strings.Builder
	writeTSPhrase(&b, q.all, q.parts[len(q.parts)-1].prefix)
	return b.String()
}

func writeTSPhrase(b *strings.Builder, tokens []string, prefix bool) {
	b.WriteByte('(')
	for i, t := range tokens {
		if i > 0 {
			b.WriteString(" <-> ")
		}
		b.WriteString(tsLexeme(t))
		if prefix && i == len(tokens)-1 {
			b.WriteString(":*")
		}
	}
	b.WriteByte(')')
}

// tsLexeme quotes a lexeme for tsvector and tsquery input.
func tsLexeme(t string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `''`).Replace(t) + "'"
}

// truncateRunes returns the first n characters of s (an invalid byte counts
// as one).
func truncateRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	count := 0
	for i := range s {
		if count == n {
			return s[:i]
		}
		count++
	}
	return s
}

// isQuote reports whether r opens or closes a quoted phrase.
func isQuote(r rune) bool {
	switch r {
	case '"', '\uFF02', '\u201C', '\u201D', '\u201E', '\u300C', '\u300D', '\u300E', '\u300F':
		return true
	}
	return false
}

// splitQuotes splits q at quote marks: odd-numbered segments were inside
// quotes, unless the last quote was never closed.
func splitQuotes(q string) []string {
	var segs []string
	start := 0
	for i, r := range q {
		if isQuote(r) {
			segs = append(segs, q[start:i])
			start = i + utf8.RuneLen(r)
		}
	}
	return append(segs, q[start:])
}

// dropOperators removes FTS operator words typed in capitals (AND, OR, NOT,
// NEAR), which a person means as operators, not as words to find.
func dropOperators(s string) string {
	if !strings.Contains(s, "AND") && !strings.Contains(s, "OR") && !strings.Contains(s, "NOT") && !strings.Contains(s, "NEAR") {
		return s
	}
	fields := strings.Fields(s)
	out := fields[:0]
	for _, f := range fields {
		switch {
		case f == "AND" || f == "OR" || f == "NOT" || f == "NEAR":
			continue
		case strings.HasPrefix(f, "NEAR(") || strings.HasPrefix(f, "NEAR/"):
			f = f[len("NEAR"):]
		}
		out = append(out, f)
	}
	return strings.Join(out, " ")
}
