package documents

import (
	"sort"
	"strings"
	"unicode"
)

// Stable paragraph ids. A new source version's blocks are matched to the
// previous source version's paragraphs, so that a paragraph keeps its id
// while it is edited or moved and a citation of it still points at it:
//
//  1. A block whose text equals an unmatched old paragraph's takes its id
//     (the first such, in order): unchanged and moved paragraphs.
//  2. The remaining blocks and paragraphs of the same sort (headings with
//     headings, the rest with the rest) are paired by similarity, the most
//     similar pair first (ties: the pair nearest in position, then the
//     earliest): a pair at least minSimilarity alike shares the id. The
//     similarity is Dice's coefficient over words (Latin words lowered,
//     each Chinese character a word), counted with repetition.
//  3. Every block left gets a new id.
//
// A split paragraph keeps its id in the part most like it (the other parts
// are new); merged paragraphs keep the id of the one most like the whole
// (the others are removed).

// minSimilarity is the least similarity for an edited paragraph to keep
// its id.
const minSimilarity = 0.5

// assignIDs returns the ids of the blocks texts (with kinds kinds), given
// the previous version's paragraphs, taking new ids from *next upward.
func assignIDs(prev []Paragraph, texts []string, kinds []string, next *int) []int {
	ids := make([]int, len(texts))
	used := make([]bool, len(prev))
	byText := map[string][]int{}
	for j, p := range prev {
		byText[p.Text] = append(byText[p.Text], j)
	}
	for i, t := range texts {
		for len(byText[t]) > 0 {
			j := byText[t][0]
			byText[t] = byText[t][1:]
			if !used[j] {
				used[j], ids[i] = true, prev[j].ID
				break
			}
		}
	}
	type pair struct {
		i, j  int
		score float64
		dist  float64
	}
	var pairs []pair
	words := make([]map[string]int, len(prev))
	for j, p := range prev {
		if !used[j] {
			words[j] = wordBag(p.Text)
		}
	}
	for i, t := range texts {
		if ids[i] != 0 {
			continue
		}
		w := wordBag(t)
		for j, p := range prev {
			if used[j] || (kinds[i] == BlockHeading) != (p.Kind == BlockHeading) {
				continue
			}
			if s := dice(w, words[j]); s >= minSimilarity {
				dist := float64(i)/float64(max(len(texts), 1)) - float64(j)/float64(max(len(prev), 1))
				if dist < 0 {
					dist = -dist
				}
				pairs = append(pairs, pair{i, j, s, dist})
			}
		}
	}
	sort.SliceStable(pairs, func(a, b int) bool {
		pa, pb := pairs[a], pairs[b]
		if pa.score != pb.score {
			return pa.score > pb.score
		}
		if pa.dist != pb.dist {
			return pa.dist < pb.dist
		}
		if pa.i != pb.i {
			return pa.i < pb.i
		}
		return pa.j < pb.j
	})
	for _, p := range pairs {
		if ids[p.i] == 0 && !used[p.j] {
			ids[p.i], used[p.j] = prev[p.j].ID, true
		}
	}
	for i := range ids {
		if ids[i] == 0 {
			ids[i] = *next
			*next++
		}
	}
	return ids
}

// words cuts a text into its words for comparison: runs of letters and
// digits (lowered), each Chinese character a word of its own; markup and
// punctuation are dropped.
func words(s string) []string {
	var out []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Han, r):
			flush()
			out = append(out, string(r))
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			cur.WriteRune(unicode.ToLower(r))
		default:
			flush()
		}
	}
	flush()
	return out
}

func wordBag(s string) map[string]int {
	m := map[string]int{}
	for _, w := range words(s) {
		m[w]++
	}
	return m
}

// dice is Dice's coefficient of two bags of words: twice the shared words
// over all words, from 0 (nothing shared) to 1 (the same words).
func dice(a, b map[string]int) float64 {
	na, nb, shared := 0, 0, 0
	for w, n := range a {
		na += n
		shared += min(n, b[w])
	}
	for _, n := range b {
		nb += n
	}
	if na+nb == 0 {
		return 1
	}
	return 2 * float64(shared) / float64(na+nb)
}
