package documents

import (
	"unicode"
	"unicode/utf8"
)

// The changes of a paragraph between two versions. Stable in the API.
const (
	Same    = "same"
	Changed = "changed"
	Added   = "added"
	Removed = "removed"
)

// Change is one paragraph of a comparison: its stable id, what happened
// to it, and its text before and after ("" where it was not there).
type Change struct {
	ID           int    `json:"id"`
	Change       string `json:"change"`
	Before       string `json:"before"`
	After        string `json:"after"`
	NumberBefore int    `json:"number_before,omitempty"`
	NumberAfter  int    `json:"number_after,omitempty"`
}

// Marks are the words of a changed paragraph, as the reader reads it
// (without markup), with the deletions and insertions marked, for the
// side-by-side view.
func (c Change) Marks() []Piece { return markWords(c.BeforePlain(), c.AfterPlain()) }

// BeforePlain and AfterPlain are the texts without markup.
func (c Change) BeforePlain() string { return plainOf(c.Before) }
func (c Change) AfterPlain() string  { return plainOf(c.After) }

func plainOf(src string) string {
	if src == "" {
		return ""
	}
	return parseBlock(src).Plain()
}

// Diff compares two versions' paragraphs by their stable ids, in the order
// of the later version; a removed paragraph comes after the paragraph it
// followed in the earlier one (or first).
func Diff(from, to []Paragraph) []Change {
	inTo := map[int]bool{}
	for _, p := range to {
		inTo[p.ID] = true
	}
	byID := map[int]Paragraph{}
	// removedAfter[id] lists the removed paragraphs that followed the kept
	// paragraph id in the earlier version; id 0 is the start.
	removedAfter := map[int][]Paragraph{}
	anchor := 0
	for _, p := range from {
		byID[p.ID] = p
		if inTo[p.ID] {
			anchor = p.ID
			continue
		}
		removedAfter[anchor] = append(removedAfter[anchor], p)
	}
	var out []Change
	removed := func(id int) {
		for _, p := range removedAfter[id] {
			out = append(out, Change{ID: p.ID, Change: Removed, Before: p.Text, NumberBefore: p.Number})
		}
	}
	removed(0)
	for _, p := range to {
		old, ok := byID[p.ID]
		switch {
		case !ok:
			out = append(out, Change{ID: p.ID, Change: Added, After: p.Text, NumberAfter: p.Number})
		case old.Text == p.Text:
			out = append(out, Change{ID: p.ID, Change: Same, Before: old.Text, After: p.Text, NumberBefore: old.Number, NumberAfter: p.Number})
		default:
			out = append(out, Change{ID: p.ID, Change: Changed, Before: old.Text, After: p.Text, NumberBefore: old.Number, NumberAfter: p.Number})
		}
		if ok {
			removed(p.ID)
		}
	}
	return out
}

// Piece is a run of words in a marked comparison: Op is "=" (in both),
// "-" (deleted) or "+" (inserted).
type Piece struct {
	Op   string
	Text string
}

// Deleted and Inserted say what a piece is, for templates.
func (p Piece) Deleted() bool  { return p.Op == "-" }
func (p Piece) Inserted() bool { return p.Op == "+" }

// maxMarkCells bounds the word comparison's table; longer paragraphs are
// shown as deleted and inserted whole.
const maxMarkCells = 4_000_000

// markWords marks the words deleted from a and inserted into b (a longest
// common subsequence of tokens: words with the spaces after them, each
// Chinese character, each punctuation mark).
func markWords(a, b string) []Piece {
	ta, tb := tokens(a), tokens(b)
	if len(ta)*len(tb) > maxMarkCells {
		return compact([]Piece{{"-", a}, {"+", b}})
	}
	n, m := len(ta), len(tb)
	// l[i][j] is the LCS length of ta[i:] and tb[j:].
	l := make([][]int32, n+1)
	for i := range l {
		l[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if ta[i] == tb[j] {
				l[i][j] = l[i+1][j+1] + 1
			} else {
				l[i][j] = max(l[i+1][j], l[i][j+1])
			}
		}
	}
	var out []Piece
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && ta[i] == tb[j]:
			out = append(out, Piece{"=", ta[i]})
			i, j = i+1, j+1
		case j < m && (i == n || l[i][j+1] >= l[i+1][j]):
			out = append(out, Piece{"+", tb[j]})
			j++
		default:
			out = append(out, Piece{"-", ta[i]})
			i++
		}
	}
	return compact(out)
}

// compact joins neighbouring pieces of the same kind and drops empty ones.
func compact(ps []Piece) []Piece {
	var out []Piece
	for _, p := range ps {
		if p.Text == "" {
			continue
		}
		if n := len(out); n > 0 && out[n-1].Op == p.Op {
			out[n-1].Text += p.Text
			continue
		}
		out = append(out, p)
	}
	return out
}

// tokens cuts s for marking: a word (letters and digits), a run of
// spaces, each Chinese character, each other character; joined they give
// s again.
func tokens(s string) []string {
	var out []string
	word := func(r rune) bool { return unicode.IsLetter(r) && !unicode.Is(unicode.Han, r) || unicode.IsDigit(r) }
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		end := size
		switch {
		case word(r):
			for end < len(s) {
				r2, n := utf8.DecodeRuneInString(s[end:])
				if !word(r2) {
					break
				}
				end += n
			}
		case unicode.IsSpace(r):
			for end < len(s) {
				r2, n := utf8.DecodeRuneInString(s[end:])
				if !unicode.IsSpace(r2) {
					break
				}
				end += n
			}
		}
		out = append(out, s[:end])
		s = s[end:]
	}
	return out
}
