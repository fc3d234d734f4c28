package search

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
	"golang.org/x/text/unicode/norm"

	"github.com/wuzhen/wuzhen/internal/zh"
)

// maxTokenRunes caps one Latin, other-script or number token: longer words
// are cut to this length, in documents and queries alike, so that they still
// match each other and stay far below PostgreSQL's 2 KiB lexeme limit.
const maxTokenRunes = 64

// token is one unit of the analyzer's output.
type token struct {
	text string // the indexed form: lower case, Simplified, stemmed
	// word is the lower-case, unstemmed form of a Latin word made of letters
	// only (the spelling vocabulary); "" for every other token.
	word       string
	start, end int // byte span of the token in the analysed text
	run        int // sequence number of the run it comes from: a Han run's bigrams share it
}

// Tokens returns the search tokens of text, in order: the text is
// normalised with NFKC and lower-cased; Chinese is converted to Simplified
// (OpenCC t2s), and each run of Han characters gives its overlapping bigrams
// (数字鸿沟 → 数字 字鸿 鸿沟), or the character itself for a one-character
// run; words in Latin letters lose their accents (Fundación → fundacion) and
// are stemmed as English (governing, governance → govern); runs of digits are tokens; words in other scripts are kept as
// written, lower-cased; punctuation, symbols and spaces separate tokens.
//
// A token holds only letters, combining marks, digits and Han characters,
// never a space, quote, operator or other punctuation, so that it is safe to
// quote in an FTS5 or tsquery expression. Any input is accepted, including
// invalid UTF-8 (each bad byte is a separator).
func Tokens(text string) []string {
	var out []string
	analyze(text, func(t token) bool {
		out = append(out, t.text)
		return true
	})
	return out
}

// Index returns Tokens(text) joined by single spaces: the form that goes
// into the full-text index.
func Index(text string) string {
	var b strings.Builder
	analyze(text, func(t token) bool {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(t.text)
		return true
	})
	return b.String()
}

// tokensWithOffsets returns the tokens of text with the byte span each
// comes from in text, so that a bigram or a stem can be highlighted in the
// text as written.
func tokensWithOffsets(text string) []token {
	var out []token
	analyze(text, func(t token) bool {
		out = append(out, t)
		return true
	})
	return out
}

// Run kinds of the analyzer.
const (
	runNone = iota
	runHan
	runWord
	runNumber
)

// unit is one normalised, lower-cased rune with the span of the original
// text it comes from.
type unit struct {
	r          rune
	start, end int
}

// analyzer holds the run being collected; fn receives tokens until it
// returns false.
type analyzer struct {
	fn   func(token) bool
	skip func([]unit) bool
	kind int
	run  []unit
	runs int // runs flushed so far
	stop bool
}

// analyze calls fn with each token of text, in order, until fn returns
// false.
func analyze(text string, fn func(token) bool) { analyzeSkipping(text, nil, fn) }

// skipped is the text of a token that analyzeSkipping did not convert: it
// equals no token, since tokens hold no control character.
const skipped = "\x00"

// analyzeSkipping is analyze, but a run of Han characters for which skip
// returns true is not converted to Simplified: its bigrams (or its
// character) come as tokens with the text skipped and their spans, so that
// the tokens around them keep their positions.
func analyzeSkipping(text string, skip func([]unit) bool, fn func(token) bool) {
	a := analyzer{fn: fn, skip: skip}
	var it norm.Iter
	it.InitString(norm.NFKC, text)
	// A character whose decomposition spans several segments (㍿ → 株式会社)
	// comes out in parts before the iterator moves past it: those parts
	// wait in pending until the position advances.
	var pending []rune
	segStart := 0
	for !it.Done() && !a.stop {
		seg := it.Next()
		pos := it.Pos()
		for i := 0; i < len(seg); {
			r, size := rune(seg[i]), 1
			if r >= utf8.RuneSelf {
				r, size = utf8.DecodeRune(seg[i:])
			}
			pending = append(pending, r)
			i += size
		}
		if pos == segStart && !it.Done() {
			continue
		}
		for _, r := range pending {
			a.add(unit{r: r, start: segStart, end: pos})
			if a.stop {
				return
			}
		}
		pending = pending[:0]
		segStart = pos
	}
	if !a.stop {
		a.flush()
	}
}

// isApostrophe reports whether r joins two letters of a word (member's).
func isApostrophe(r rune) bool { return r == '\'' || r == '\u2019' }

func (a *analyzer) add(u unit) {
	r := u.r
	switch {
	case r == utf8.RuneError:
		a.flush()
	case zh.IsHan(r):
		if a.kind != runHan {
			a.flush()
			a.kind = runHan
		}
		a.run = append(a.run, u)
	case unicode.IsLetter(r):
		if a.kind != runWord {
			a.flush()
			a.kind = runWord
		}
		u.r = foldLatin(unicode.ToLower(r))
		a.run = append(a.run, u)
	case unicode.IsMark(r):
		switch a.kind {
		case runWord:
			if isApostrophe(a.run[len(a.run)-1].r) {
				a.flush()
				return
			}
			a.run = append(a.run, u) // part of the word (Indic vowel signs, accents)
		case runHan, runNumber:
			// Variation selectors after a Han character, stray marks after
			// a digit: ignored, they do not split the run.
		}
	case unicode.IsNumber(r):
		if a.kind != runNumber {
			a.flush()
			a.kind = runNumber
		}
		a.run = append(a.run, u)
	case isApostrophe(r) && a.kind == runWord && !isApostrophe(a.run[len(a.run)-1].r):
		a.run = append(a.run, u) // kept only if a letter follows
	default:
		a.flush()
	}
}

// latinFolds caches foldLatin's answers for letters beyond ASCII.
var latinFolds sync.Map // rune → rune

// latinFoldExtra are Latin letters without a decomposition that readers
// still type as their base letter.
var latinFoldExtra = map[rune]rune{'ø': 'o', 'đ': 'd', 'ł': 'l', 'ħ': 'h', 'ı': 'i'}

// foldLatin returns a Latin letter without its accents (é → e, ễ → e), so
// that Fundación is found by fundacion and Nguyễn by nguyen; other letters
// are returned as they are.
func foldLatin(r rune) rune {
	if r < utf8.RuneSelf || !unicode.Is(unicode.Latin, r) {
		return r
	}
	if v, ok := latinFolds.Load(r); ok {
		return v.(rune)
	}
	f := r
	if x, ok := latinFoldExtra[r]; ok {
		f = x
	} else if d := []rune(norm.NFD.String(string(r))); len(d) > 1 && d[0] < utf8.RuneSelf {
		f = d[0]
	}
	latinFolds.Store(r, f)
	return f
}

// emit passes t on, remembering whether the consumer wants more.
func (a *analyzer) emit(t token) {
	t.run = a.runs
	if !a.stop && !a.fn(t) {
		a.stop = true
	}
}

// flush turns the collected run into tokens.
func (a *analyzer) flush() {
	run, kind := a.run, a.kind
	a.run, a.kind = a.run[:0], runNone
	if len(run) == 0 {
		return
	}
	a.runs++
	switch kind {
	case runHan:
		a.flushHan(run)
	case runWord:
		for len(run) > 0 && isApostrophe(run[len(run)-1].r) {
			run = run[:len(run)-1]
		}
		if len(run) == 0 {
			return
		}
		if len(run) > maxTokenRunes {
			run = run[:maxTokenRunes]
		}
		a.flushWord(run)
	case runNumber:
		if len(run) > maxTokenRunes {
			run = run[:maxTokenRunes]
		}
		rs := make([]rune, len(run))
		for i, u := range run {
			rs[i] = u.r
		}
		a.emit(token{text: string(rs), start: run[0].start, end: run[len(run)-1].end})
	}
}

// flushWord emits a word of letters (and marks, and inner apostrophes):
// stemmed as English when it is written in Latin letters only.
func (a *analyzer) flushWord(run []unit) {
	latin, apostrophe := true, false
	rs := make([]rune, 0, len(run))
	for _, u := range run {
		switch {
		case isApostrophe(u.r):
			apostrophe = true
			rs = append(rs, '\'')
			continue
		case !unicode.Is(unicode.Latin, u.r):
			latin = false
		}
		rs = append(rs, u.r)
	}
	word := string(rs)
	t := token{start: run[0].start, end: run[len(run)-1].end}
	if latin {
		t.text = stem(word)
		if !apostrophe {
			t.word = word
		}
	} else {
		t.text = word
	}
	if apostrophe {
		t.text = strings.ReplaceAll(t.text, "'", "")
	}
	if t.text == "" {
		return
	}
	a.emit(t)
}

// flushHan converts a run of Han characters to Simplified and emits its
// bigrams, or the character of a one-character run.
func (a *analyzer) flushHan(run []unit) {
	if a.skip != nil && a.skip(run) {
		if len(run) == 1 {
			a.emit(token{text: skipped, start: run[0].start, end: run[0].end})
			return
		}
		for i := 0; i+1 < len(run) && !a.stop; i++ {
			a.emit(token{text: skipped, start: run[i].start, end: run[i+1].end})
		}
		return
	}
	rs := make([]rune, len(run))
	for i, u := range run {
		rs[i] = u.r
	}
	conv := []rune(toHans(rs))
	n := len(conv)
	if n == 0 {
		return
	}
	// Converted character i comes from run[at(i)]. t2s keeps the number of
	// characters for ordinary text; should a phrase change it, spans are
	// spread proportionally.
	at := func(i int) unit {
		if n == len(run) {
			return run[i]
		}
		return run[i*len(run)/n]
	}
	if n == 1 {
		a.emit(token{text: string(conv), start: run[0].start, end: run[len(run)-1].end})
		return
	}
	for i := 0; i+1 < n && !a.stop; i++ {
		a.emit(token{text: string(conv[i : i+2]), start: at(i).start, end: at(i + 1).end})
	}
}

// maxStems caps the memo of stems.
const maxStems = 50000

// stems memoises English stems: the stemmer costs about a microsecond a
// word, and words repeat. It starts again empty when full.
var stems = struct {
	sync.RWMutex
	m map[string]string
}{m: map[string]string{}}

// stem returns the English (Porter2) stem of a lower-case word.
func stem(word string) string {
	stems.RLock()
	s, ok := stems.m[word]
	stems.RUnlock()
	if ok {
		return s
	}
	s = english.Stem(word, false)
	stems.Lock()
	if len(stems.m) >= maxStems {
		clear(stems.m)
	}
	stems.m[word] = s
	stems.Unlock()
	return s
}
