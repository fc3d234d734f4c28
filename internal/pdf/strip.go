package pdf

// Document metadata out of an uploaded PDF, for blind review.

import (
	"bytes"
	"compress/zlib"
	"io"
	"regexp"
	"strconv"
)

var (
	infoRefRE  = regexp.MustCompile(`/Info\s+(\d+)\s+(\d+)\s+R`)
	refRE      = regexp.MustCompile(`(\d+)\s+(\d+)\s+R`)
	metadataRE = regexp.MustCompile(`/Type\s*/Metadata\b|/Subtype\s*/XML\b`)
	objStmRE   = regexp.MustCompile(`/Type\s*/ObjStm\b`)
	filterRE   = regexp.MustCompile(`/(?:Filter|DecodeParms)\s*(?:/[A-Za-z0-9]+|\[[^\]]*\]|<<[^>]*>>)`)
	lengthRE   = regexp.MustCompile(`/Length\s+(\d+)(\s)`)
	firstRE    = regexp.MustCompile(`/First\s+(\d+)`)
	flateRE    = regexp.MustCompile(`/Filter\s*(?:/FlateDecode|\[\s*/FlateDecode\s*\])`)
)

// StripMetadata returns a copy of the PDF data without its document
// metadata: the document information dictionaries (/Info: author,
// creator, producer, title, subject, keywords, dates, custom keys, and
// the strings they refer to) are emptied, and every XMP metadata stream
// (/Type /Metadata, of the document or of a page) is blanked and left
// unfiltered. An information dictionary kept in a compressed object
// stream is emptied there. Everything is rewritten in place with bytes
// of the same length, so that the cross-reference table and every
// offset stay true and the document stays valid; what it cannot find
// is left as it is. Data that is not a PDF comes back unchanged.
func StripMetadata(data []byte) []byte {
	out := bytes.Clone(data)
	if !bytes.HasPrefix(out, []byte("%PDF-")) {
		return out
	}
	infos := map[int]bool{}
	for _, m := range infoRefRE.FindAllSubmatch(out, -1) {
		n, _ := strconv.Atoi(string(m[1]))
		infos[n] = true
	}
	for n := range infos {
		for _, start := range objectStarts(out, n) {
			end := endOfObject(out, start)
			for _, r := range refRE.FindAllSubmatch(out[start:end], -1) {
				// A string the dictionary refers to: blank its object's strings.
				if rn, _ := strconv.Atoi(string(r[1])); rn != n {
					for _, rs := range objectStarts(out, rn) {
						blankStrings(out[rs:endOfObject(out, rs)])
					}
				}
			}
			blankDict(out[start:end])
		}
	}
	for _, loc := range metadataRE.FindAllIndex(out, -1) {
		dictStart, dictEnd, ok := enclosingDict(out, loc[0])
		if !ok {
			continue
		}
		s, e, ok := streamData(out, dictEnd)
		if !ok {
			continue
		}
		for _, f := range filterRE.FindAllIndex(out[dictStart:dictEnd], -1) {
			fill(out[dictStart+f[0]:dictStart+f[1]], ' ')
		}
		fill(out[s:e], ' ')
	}
	for _, loc := range objStmRE.FindAllIndex(out, -1) {
		stripObjStm(out, loc[0], infos)
	}
	return out
}

// objectStarts returns the offsets just after "n g obj" of every
// definition of object n (an updated file may define it again).
func objectStarts(b []byte, n int) []int {
	re := regexp.MustCompile(`(?:^|[^0-9])` + strconv.Itoa(n) + `\s+\d+\s+obj\b`)
	var out []int
	for _, m := range re.FindAllIndex(b, -1) {
		out = append(out, m[1])
	}
	return out
}

// endOfObject returns where the object starting at start ends: at its
// "endobj", or at the end of the data.
func endOfObject(b []byte, start int) int {
	if i := bytes.Index(b[start:], []byte("endobj")); i >= 0 {
		return start + i
	}
	return len(b)
}

// blankDict empties the first dictionary in b: everything between its
// outer << and >> becomes spaces, which leaves an empty dictionary.
func blankDict(b []byte) {
	i := bytes.Index(b, []byte("<<"))
	if i < 0 {
		return
	}
	if j := matchDict(b, i); j > 0 {
		fill(b[i+2:j], ' ')
	}
}

// matchDict returns the offset of the ">>" closing the dictionary that
// opens at b[i:], skipping strings; -1 when it does not close.
func matchDict(b []byte, i int) int {
	depth := 0
	for k := i; k < len(b); k++ {
		switch {
		case b[k] == '(':
			k = endOfLiteral(b, k)
		case b[k] == '<' && k+1 < len(b) && b[k+1] == '<':
			depth++
			k++
		case b[k] == '<': // a hexadecimal string
			if e := bytes.IndexByte(b[k:], '>'); e > 0 {
				k += e
			}
		case b[k] == '>' && k+1 < len(b) && b[k+1] == '>':
			depth--
			if depth == 0 {
				return k
			}
			k++
		}
	}
	return -1
}

// endOfLiteral returns the offset of the ")" closing the literal string
// that opens at b[i], with nesting and escapes.
func endOfLiteral(b []byte, i int) int {
	depth := 0
	for k := i; k < len(b); k++ {
		switch b[k] {
		case '\\':
			k++
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return k
			}
		}
	}
	return len(b) - 1
}

// blankStrings turns the content of every literal and hexadecimal
// string in b into spaces.
func blankStrings(b []byte) {
	for k := 0; k < len(b); k++ {
		switch {
		case b[k] == '(':
			e := endOfLiteral(b, k)
			fill(b[k+1:e], ' ')
			k = e
		case b[k] == '<' && k+1 < len(b) && b[k+1] == '<':
			k++
		case b[k] == '>' && k+1 < len(b) && b[k+1] == '>':
			k++
		case b[k] == '<':
			e := bytes.IndexByte(b[k:], '>')
			if e < 0 {
				return
			}
			for i := k + 1; i < k+e; i++ {
				b[i] = "20"[(i-k-1)%2]
			}
			k += e
		}
	}
}

// enclosingDict returns the bounds of the dictionary around offset at:
// the offset of its "<<" and the offset just after its ">>".
func enclosingDict(b []byte, at int) (int, int, bool) {
	for i := at; i > 1; i-- {
		if b[i-1] == '<' && b[i-2] == '<' {
			if j := matchDict(b, i-2); j > at {
				return i - 2, j + 2, true
			}
		}
	}
	return 0, 0, false
}

// streamData returns the bounds of the data of the stream whose
// dictionary ends at dictEnd: after "stream" and its end of line, up to
// the end of line before "endstream".
func streamData(b []byte, dictEnd int) (int, int, bool) {
	rest := b[dictEnd:]
	i := 0
	for i < len(rest) && (rest[i] == ' ' || rest[i] == '\r' || rest[i] == '\n' || rest[i] == '\t') {
		i++
	}
	if !bytes.HasPrefix(rest[i:], []byte("stream")) {
		return 0, 0, false
	}
	s := dictEnd + i + len("stream")
	if s < len(b) && b[s] == '\r' {
		s++
	}
	if s < len(b) && b[s] == '\n' {
		s++
	}
	e := bytes.Index(b[s:], []byte("endstream"))
	if e < 0 {
		return 0, 0, false
	}
	e += s
	for e > s && (b[e-1] == '\n' || b[e-1] == '\r') {
		e--
	}
	return s, e, true
}

// stripObjStm empties the information dictionaries kept in the
// Flate-compressed object stream whose dictionary holds offset at. The
// stream is compressed again; it is rewritten only when the result is
// no longer than the original and its /Length is a number written in
// the dictionary (then padded with spaces to the same width), the rest
// of the old data becoming spaces before "endstream".
func stripObjStm(b []byte, at int, infos map[int]bool) {
	ds, de, ok := enclosingDict(b, at)
	if !ok || !flateRE.Match(b[ds:de]) {
		return
	}
	s, e, ok := streamData(b, de)
	if !ok {
		return
	}
	raw, err := io.ReadAll(zlibReader(b[s:e]))
	if err != nil {
		return
	}
	fm := firstRE.FindSubmatch(b[ds:de])
	if fm == nil {
		return
	}
	first, _ := strconv.Atoi(string(fm[1]))
	if first > len(raw) {
		return
	}
	head := bytes.Fields(raw[:first])
	changed := false
	for i := 0; i+1 < len(head); i += 2 {
		num, err1 := strconv.Atoi(string(head[i]))
		off, err2 := strconv.Atoi(string(head[i+1]))
		if err1 != nil || err2 != nil || !infos[num] || first+off >= len(raw) {
			continue
		}
		obj := raw[first+off:]
		if j := bytes.Index(obj, []byte("<<")); j >= 0 {
			if k := matchDict(obj, j); k > 0 {
				blankStrings(obj[j : k+2])
				fill(obj[j+2:k], ' ')
				changed = true
			}
		}
	}
	if !changed {
		return
	}
	var z bytes.Buffer
	w, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	w.Write(raw)
	w.Close()
	lm := lengthRE.FindSubmatchIndex(b[ds:de])
	if lm == nil || z.Len() > e-s {
		return
	}
	width := lm[3] - lm[2]
	n := strconv.Itoa(z.Len())
	if len(n) > width {
		return
	}
	copy(b[ds+lm[2]:], n)
	fill(b[ds+lm[2]+len(n):ds+lm[3]], ' ')
	copy(b[s:], z.Bytes())
	fill(b[s+z.Len():e], ' ')
}

func zlibReader(b []byte) io.Reader {
	r, err := zlib.NewReader(bytes.NewReader(b))
	if err != nil {
		return errReader{err}
	}
	return r
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

func fill(b []byte, c byte) {
	for i := range b {
		b[i] = c
	}
}
