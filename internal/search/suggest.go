package search

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/liuzl/gocc"

	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/zh"
)

// The vocabulary-changing OpenCC profiles, for suggestions only: the index
// never uses them (they do not round-trip, see package zh).
var (
	toTaiwan   = sync.OnceValue(func() *gocc.OpenCC { return mustGocc("s2twp") })
	fromTaiwan = sync.OnceValue(func() *gocc.OpenCC { return mustGocc("tw2sp") })
)

func mustGocc(name string) *gocc.OpenCC {
	cc, err := gocc.New(name)
	if err != nil {
		panic(fmt.Sprintf("search: cannot load embedded OpenCC conversion %q (build defect): %v", name, err))
	}
	return cc
}

// vocabularyPairs are words that the mainland and Taiwan write differently,
// beyond the script (Simplified, Traditional as used in Taiwan), checked
// by hand; OpenCC's phrase tables add many more.
var vocabularyPairs = [][2]string{
	{"软件", "軟體"},
	{"信息", "資訊"},
	{"互联网", "網際網路"},
	{"网络", "網路"},
	{"数据", "資料"},
	{"程序", "程式"},
	{"视频", "影片"},
	{"人工智能", "人工智慧"},
	{"云计算", "雲端運算"},
}

// pairReplacer swaps each word of vocabularyPairs (on Simplified text) for
// its counterpart, the longest word first, so that 网路 inside 网际网路 is
// left to the longer pair.
var pairReplacer = sync.OnceValue(func() *strings.Replacer {
	var pairs [][2]string
	for _, p := range vocabularyPairs {
		hans, hant := p[0], p[1]
		pairs = append(pairs, [2]string{hans, hant}, [2]string{zh.ToHans(hant), hans})
	}
	sort.SliceStable(pairs, func(i, j int) bool {
		return utf8.RuneCountInString(pairs[i][0]) > utf8.RuneCountInString(pairs[j][0])
	})
	var args []string
	for _, p := range pairs {
		args = append(args, p[0], p[1])
	}
	return strings.NewReplacer(args...)
})

// Suggest returns queries that say q with the other Chinese region's
// vocabulary (软件 → 軟體, 網際網路 → 互联网), for a search that found
// nothing: OpenCC's s2twp and tw2sp phrase conversions, and a small table
// of our own. Only variants that search differently from q are returned
// (not the same words in the other script, which search already finds);
// callers show them in the reader's script with zh.ForLang. A query
// without Chinese gives none.
func Suggest(q string) []string {
	q = strings.TrimSpace(truncateRunes(q, maxQueryRunes))
	if !zh.HasHan(q) {
		return nil
	}
	q = zh.ToHans(q) // valid UTF-8 from here on
	candidates := []string{
		convertHan(toTaiwan(), q),
		convertHan(fromTaiwan(), zh.ToHant(q)),
		pairReplacer().Replace(q),
	}
	seen := map[string]bool{Index(q): true}
	var out []string
	for _, c := range candidates {
		key := Index(c)
		if key == "" || seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, c)
	}
	return out
}

// convertHan converts the runs of Han characters of s with cc, copying the
// rest (gocc mishandles some control characters, see package zh).
func convertHan(cc *gocc.OpenCC, s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !zh.IsHan(r) {
			b.WriteString(s[i : i+size])
			i += size
			continue
		}
		j := i
		for j < len(s) {
			r, size := utf8.DecodeRuneInString(s[j:])
			if !zh.IsHan(r) {
				break
			}
			j += size
		}
		out, err := cc.Convert(s[i:j])
		if err != nil {
			out = s[i:j]
		}
		b.WriteString(out)
		i = j
	}
	return b.String()
}

// maxVocabulary caps what Vocabulary returns.
const maxVocabulary = 200000

// Vocabulary returns the Latin words (lower case, three letters or more,
// no stop words) of the documents indexed so far that begin with prefix
// ("" for all), in byte order. It reads the search_words table, which Put
// fills, so that it costs an index range scan whatever the number of
// documents: FTS5's fts5vocab holds only stems (suggesting "communiti"),
// and PostgreSQL's ts_stat reads every document. The table only grows,
// so a word may no longer be in any document: Suggestions checks.
func Vocabulary(ctx context.Context, q db.Querier, prefix string) ([]string, error) {
	prefix = strings.ToLower(cleanText(prefix))
	query := "SELECT word FROM search_words ORDER BY word LIMIT ?"
	args := []any{maxVocabulary}
	if prefix != "" {
		query = "SELECT word FROM search_words WHERE word >= ? AND word < ? ORDER BY word LIMIT ?"
		args = []any{prefix, prefix + "\U0010FFFF", maxVocabulary}
	}
	rows, err := q.Query(ctx, "-- search.Vocabulary\n"+query, args...)
	if err != nil {
		return nil, fmt.Errorf("search: vocabulary: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var w string
		if err := rows.Scan(&w); err != nil {
			return nil, fmt.Errorf("search: vocabulary: %w", err)
		}
		out = append(out, w)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search: vocabulary: %w", err)
	}
	return out, nil
}

// Near returns the word of vocabulary closest to word in Damerau-Levenshtein
// distance, for "did you mean": at most 2 edits, 1 for words of four
// letters or fewer; the nearest first and, among equals, the earlier in
// vocabulary (list it most frequent first). It returns "" when word is
// itself in the vocabulary or a near word has its stem (word is then a
// form of a known word), when nothing is near enough, and for words
// shorter than three letters.
func Near(word string, vocabulary []string) string {
	c := nearest(word, vocabulary)
	if len(c) == 0 {
		return ""
	}
	return c[0].word
}

// candidate is a vocabulary word near a word typed.
type candidate struct {
	word     string
	distance int
}

// nearest returns the words of vocabulary near enough to word (see Near),
// nearest first, in vocabulary order among equals; none when word is in the
// vocabulary.
func nearest(word string, vocabulary []string) []candidate {
	w := []rune(strings.ToLower(cleanText(strings.TrimSpace(word))))
	if len(w) < 3 || len(w) > 40 {
		return nil
	}
	limit := 2
	if len(w) <= 4 {
		limit = 1
	}
	ws := string(w)
	stem := ""
	var out []candidate
	for _, v := range vocabulary {
		if v == ws {
			return nil
		}
		n := utf8.RuneCountInString(v)
		if n < len(w)-limit || n > len(w)+limit {
			continue
		}
		d := distance(w, []rune(v), limit)
		if d > limit {
			continue
		}
		if stem == "" {
			stem = stemOf(ws)
		}
		if stemOf(v) == stem {
			return nil // a form of the same word: it searches the same
		}
		out = append(out, candidate{v, d})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].distance < out[j].distance })
	return out
}

// stemOf returns the stem of a lower-case Latin word, as the index has it.
func stemOf(w string) string {
	if t := Tokens(w); len(t) == 1 {
		return t[0]
	}
	return w
}

// distance returns the optimal-string-alignment Damerau-Levenshtein
// distance of a and b (insertions, deletions, substitutions and
// transpositions of neighbours), or limit+1 when it is larger than limit.
func distance(a, b []rune, limit int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			c := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				c = min(c, prev2[j-2]+1)
			}
			cur[j] = c
			rowMin = min(rowMin, c)
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[len(b)], limit+1)
}

// maxCandidates caps how many near words Suggestions counts documents for.
const maxCandidates = 8

// Suggestions returns what to offer when a search for query found nothing:
// the other region's vocabulary (Suggest), and the query with each Latin
// word that the index does not know respelled as the nearest indexed word
// sharing its first letter (see Near), the one found in most documents
// among equally near ones. It reads the index, so a word no document holds
// any longer is never offered. Any query is safe; an error means the
// database failed.
func Suggestions(ctx context.Context, q db.Querier, query string) ([]string, error) {
	query = truncateRunes(query, maxQueryRunes)
	out := Suggest(query)
	var b strings.Builder
	at, changed := 0, false
	vocabularies := map[string][]string{}
	for _, t := range tokensWithOffsets(query) {
		if t.word == "" {
			continue
		}
		first, _ := utf8.DecodeRuneInString(t.word)
		key := string(first)
		vocab, ok := vocabularies[key]
		if !ok {
			var err error
			if vocab, err = Vocabulary(ctx, q, key); err != nil {
				return out, err
			}
			vocabularies[key] = vocab
		}
		if n, err := documentsWith(ctx, q, t.word); err != nil || n > 0 {
			if err != nil {
				return out, err
			}
			continue // a word the index knows, in some form
		}
		near, err := mostFound(ctx, q, nearest(t.word, vocab))
		if err != nil {
			return out, err
		}
		if near != "" {
			b.WriteString(query[at:t.start])
			b.WriteString(near)
			at, changed = t.end, true
		}
	}
	if changed {
		b.WriteString(query[at:])
		out = append(out, cleanText(b.String()))
	}
	return out, nil
}

// mostFound returns, among the nearest candidates that some document holds,
// the one held by most documents.
func mostFound(ctx context.Context, q db.Querier, cands []candidate) (string, error) {
	best, bestN, bestDist := "", 0, 0
	for i, c := range cands {
		if i == maxCandidates || best != "" && c.distance > bestDist {
			break
		}
		n, err := documentsWith(ctx, q, c.word)
		if err != nil {
			return "", err
		}
		if n > bestN {
			best, bestN, bestDist = c.word, n, c.distance
		}
	}
	return best, nil
}

// documentsWith counts the documents that a search for word finds, up to
// 1000.
func documentsWith(ctx context.Context, q db.Querier, word string) (int, error) {
	query := ParseQuery(word)
	if query.Empty() {
		return 0, nil
	}
	sql, arg := "SELECT count(*) FROM (SELECT 1 FROM search_fts WHERE search_fts MATCH ? LIMIT 1000) m", sqliteSearch{query: query}.words()
	if q.Dialect() == db.Postgres {
		sql, arg = "SELECT count(*) FROM (SELECT 1 FROM search_docs WHERE tsv @@ CAST(? AS tsquery) LIMIT 1000) m", query.tsquery()
	}
	var n int
	if err := q.QueryRow(ctx, "-- search.Suggestions\n"+sql, arg).Scan(&n); err != nil {
		return 0, fmt.Errorf("search: suggestions: %w", err)
	}
	return n, nil
}
