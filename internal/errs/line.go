package errs

import "unicode"

// OneLineKey is the catalogue key of the message at a one-line field
// that holds a character it refuses (see OneLine).
const OneLineKey = "error.one_line"

// OneLine reports whether s may stand in a one-line field (a name, a
// title, an organisation, a place): no line or paragraph break (CR, LF,
// U+2028, U+2029), no other control character (Cc: NUL, tab, escape, C1
// controls), and no invisible format character (Cf: the bidirectional
// overrides, embeddings and isolates such as U+202E, zero-width spaces,
// the byte-order mark), which would let a name read otherwise than it
// is stored, break the header of a mail that carries it, or hide in a
// list. The zero-width non-joiner and joiner (U+200C, U+200D), which
// several scripts and emoji need, are allowed.
func OneLine(s string) bool {
	for _, r := range s {
		switch {
		case r == '\u200c' || r == '\u200d':
		case unicode.IsControl(r), unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp):
			return false
		}
	}
	return true
}

// Line records the error OneLineKey at field name when value is not
// OneLine and the field has no error yet. It is the one check of every
// one-line field, on the web and the API alike.
func (fs *Fields) Line(name, value string) {
	if !OneLine(value) && !fs.Has(name) {
		fs.Add(name, OneLineKey)
	}
}
