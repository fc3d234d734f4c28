package main

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// percentile returns the p-th percentile (0 < p ≤ 100) of sorted by the
// nearest-rank method: the smallest sample such that at least p per cent
// of the samples are less than or equal to it. It is exact (every sample
// is kept) and returns 0 for no samples.
func percentile(sorted []time.Duration, p float64) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(n)))
	rank = max(1, min(rank, n))
	return sorted[rank-1]
}

// summary is the figures of a set of latencies.
type summary struct {
	N                        int
	P50, P90, P99, P999, Max time.Duration
}

// summarize sorts lat in place and returns its figures.
func summarize(lat []time.Duration) summary {
	slices.Sort(lat)
	s := summary{N: len(lat)}
	if s.N == 0 {
		return s
	}
	s.P50, s.P90, s.P99, s.P999 = percentile(lat, 50), percentile(lat, 90), percentile(lat, 99), percentile(lat, 99.9)
	s.Max = lat[s.N-1]
	return s
}

// ms formats a duration in milliseconds with two decimals.
func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 2, 64)
}

// rate formats a rate per second with one decimal.
func rate(n int, elapsed time.Duration) string {
	return strconv.FormatFloat(perSecond(n, elapsed), 'f', 1, 64)
}

func perSecond(n int, elapsed time.Duration) float64 {
	if elapsed <= 0 {
		return 0
	}
	return float64(n) / elapsed.Seconds()
}

// ratio formats a/b with three decimals, "0" when b is 0.
func ratio(a, b float64) string {
	if b == 0 {
		return "0"
	}
	return strconv.FormatFloat(a/b, 'f', 3, 64)
}

// kv is one key=value pair of the result line.
type kv struct{ K, V string }

// resultLine is the last line a scenario prints: "name: k=v k=v …", in
// the order given. A value that is empty or holds a space, a quote or an
// equals sign is quoted as a Go string, so that the line splits on spaces.
func resultLine(name string, pairs []kv) string {
	var b strings.Builder
	b.WriteString(name)
	b.WriteByte(':')
	for _, p := range pairs {
		b.WriteByte(' ')
		b.WriteString(p.K)
		b.WriteByte('=')
		if p.V == "" || strings.ContainsAny(p.V, " \t\n\"=") {
			b.WriteString(strconv.Quote(p.V))
		} else {
			b.WriteString(p.V)
		}
	}
	return b.String()
}
