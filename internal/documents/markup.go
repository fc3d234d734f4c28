package documents

import (
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/wuzhen/wuzhen/internal/errs"
)

// The structured text of a document body, by example:
//
//	# Principles                         a heading (## for a sub-heading)
//
//	The internet is a *shared* space.   a numbered paragraph; *emphasis*,
//	See [the charter](https://x.org)    **strong**, links (http and https
//	and the note.[^1]                   only) and footnote references
//
//	- first point                       a list (lines starting "- " or
//	- second point                      "1. "), numbered as one paragraph
//
//	[^1]: The charter of 2015.          a footnote
//
// Blocks are separated by blank lines; lines within a block are joined (by
// a space, or by nothing between Chinese characters). A backslash takes
// the next character as it is. Nothing in the text is HTML: templates
// render the parsed spans, and html/template escapes them.

// The kinds of block. Stored, do not rename.
const (
	BlockHeading   = "heading"
	BlockParagraph = "paragraph"
	BlockList      = "list"
	BlockFootnote  = "footnote"
)

// The kinds of inline span.
const (
	SpanText   = "text"
	SpanEm     = "em"
	SpanStrong = "strong"
	SpanLink   = "link"
	SpanRef    = "ref" // a footnote reference; Label names the footnote
)

// Span is a run of inline text.
type Span struct {
	Kind  string
	Text  string
	URL   string // links: an http or https address
	Label string // footnote references
}

// Block is one parsed block of a body.
type Block struct {
	Kind    string
	Level   int      // headings: 1 to 3
	Ordered bool     // lists: numbered items
	Spans   []Span   // headings, paragraphs, footnotes
	Items   [][]Span // lists
	Label   string   // footnotes
}

// Numbered reports whether the block takes a paragraph number.
func (b Block) Numbered() bool { return b.Kind == BlockParagraph || b.Kind == BlockList }

// Plain is the block's text without markup, items on lines of their own.
func (b Block) Plain() string {
	if b.Kind == BlockList {
		lines := make([]string, len(b.Items))
		for i, it := range b.Items {
			lines[i] = "• " + plainSpans(it)
		}
		return strings.Join(lines, "\n")
	}
	return plainSpans(b.Spans)
}

func plainSpans(spans []Span) string {
	var sb strings.Builder
	for _, s := range spans {
		if s.Kind == SpanRef {
			sb.WriteString("[" + s.Label + "]")
			continue
		}
		sb.WriteString(s.Text)
	}
	return sb.String()
}

// SplitBlocks cuts a body into its blocks' source texts: separated by
// blank lines, each trimmed, line ends made "\n".
func SplitBlocks(body string) []string {
	body = strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\r", "\n")
	var out, cur []string
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.Join(cur, "\n"))
			cur = nil
		}
	}
	for _, line := range strings.Split(body, "\n") {
		line = strings.TrimRightFunc(line, unicode.IsSpace)
		if strings.TrimSpace(line) == "" {
			flush()
			continue
		}
		if len(cur) == 0 {
			line = strings.TrimLeftFunc(line, unicode.IsSpace)
		}
		cur = append(cur, line)
	}
	flush()
	return out
}

// normalizeBody is the body as it is stored and hashed: its blocks, one
// blank line between them.
func normalizeBody(body string) string { return strings.Join(SplitBlocks(body), "\n\n") }

var (
	headingRE  = regexp.MustCompile(`^(#{1,3})\s+(.+)$`)
	footnoteRE = regexp.MustCompile(`(?s)^\[\^([A-Za-z0-9_-]{1,32})\]:\s*(.*)$`)
	itemRE     = regexp.MustCompile(`^(?:[-*]|(\d{1,3})[.)])\s+(.*)$`)
	inlineRE   = regexp.MustCompile(`\\(.)|\*\*(.+?)\*\*|\*([^*\s](?:[^*]*[^*\s])?)\*|\[\^([A-Za-z0-9_-]{1,32})\]|\[([^\]\n]+)\]\(([^()\s]+)\)`)
)

// parseBlock parses one block's source text.
func parseBlock(src string) Block {
	lines := strings.Split(src, "\n")
	if len(lines) == 1 {
		if m := headingRE.FindStringSubmatch(lines[0]); m != nil {
			return Block{Kind: BlockHeading, Level: len(m[1]), Spans: inline(m[2])}
		}
	}
	if m := footnoteRE.FindStringSubmatch(src); m != nil {
		return Block{Kind: BlockFootnote, Label: m[1], Spans: inline(joinLines(strings.Split(m[2], "\n")))}
	}
	if m := itemRE.FindStringSubmatch(lines[0]); m != nil {
		b := Block{Kind: BlockList, Ordered: m[1] != ""}
		var item []string
		for _, line := range lines {
			if m := itemRE.FindStringSubmatch(line); m != nil {
				if item != nil {
					b.Items = append(b.Items, inline(joinLines(item)))
				}
				item = []string{m[2]}
				continue
			}
			item = append(item, strings.TrimSpace(line))
		}
		b.Items = append(b.Items, inline(joinLines(item)))
		return b
	}
	return Block{Kind: BlockParagraph, Spans: inline(joinLines(lines))}
}

// joinLines joins the lines of a block: by a space, or by nothing where
// both sides are Chinese characters or full-width punctuation.
func joinLines(lines []string) string {
	var sb strings.Builder
	for i, l := range lines {
		l = strings.TrimSpace(l)
		if i > 0 && sb.Len() > 0 && l != "" {
			last, _ := utf8.DecodeLastRuneInString(sb.String())
			first, _ := utf8.DecodeRuneInString(l)
			if !(wide(last) && wide(first)) {
				sb.WriteByte(' ')
			}
		}
		sb.WriteString(l)
	}
	return sb.String()
}

func wide(r rune) bool {
	return unicode.Is(unicode.Han, r) || (r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFFEF)
}

// inline parses the inline markup of s into spans.
func inline(s string) []Span {
	var out []Span
	text := func(t string) {
		if t == "" {
			return
		}
		if n := len(out); n > 0 && out[n-1].Kind == SpanText {
			out[n-1].Text += t
			return
		}
		out = append(out, Span{Kind: SpanText, Text: t})
	}
	at := 0
	for _, m := range inlineRE.FindAllStringSubmatchIndex(s, -1) {
		text(s[at:m[0]])
		at = m[1]
		switch {
		case m[2] >= 0:
			text(s[m[2]:m[3]])
		case m[4] >= 0:
			out = append(out, Span{Kind: SpanStrong, Text: s[m[4]:m[5]]})
		case m[6] >= 0:
			out = append(out, Span{Kind: SpanEm, Text: s[m[6]:m[7]]})
		case m[8] >= 0:
			out = append(out, Span{Kind: SpanRef, Label: s[m[8]:m[9]]})
		case m[10] >= 0:
			label, addr := s[m[10]:m[11]], s[m[12]:m[13]]
			if webAddress(addr) {
				out = append(out, Span{Kind: SpanLink, Text: label, URL: addr})
			} else {
				text(label)
			}
		}
	}
	text(s[at:])
	return out
}

// webAddress reports whether s is an absolute http or https address.
func webAddress(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil
}

var linkRE = regexp.MustCompile(`\[([^\]\n]+)\]\(([^()\s]*)\)`)

// parsed is a body cut into blocks and checked.
type parsed struct {
	src    []string // each block's source text
	blocks []Block
}

// parseBody checks a body and cuts it into blocks. Its errors are at the
// field "body": empty, too long, too many blocks, a link that is not an
// http or https address, a footnote referred to but not given, a
// footnote given twice.
func parseBody(body string) (parsed, error) {
	var fe errs.Fields
	if utf8.RuneCountInString(body) > maxBody {
		fe.Add("body", "documents.too_long", maxBody)
		return parsed{}, fe.Err()
	}
	p := parsed{src: SplitBlocks(body)}
	switch {
	case len(p.src) == 0:
		fe.Add("body", "documents.body_required")
	case len(p.src) > maxBlocks:
		fe.Add("body", "documents.body_too_many_blocks", maxBlocks)
	}
	if len(fe) > 0 {
		return parsed{}, fe.Err()
	}
	notes := map[string]bool{}
	for _, src := range p.src {
		b := parseBlock(src)
		p.blocks = append(p.blocks, b)
		if b.Kind == BlockFootnote {
			if notes[b.Label] {
				fe.Add("body", "documents.body_footnote_twice", b.Label)
			}
			notes[b.Label] = true
		}
	}
	for i, src := range p.src {
		for _, m := range linkRE.FindAllStringSubmatch(src, -1) {
			if !webAddress(m[2]) && !fe.Has("body") {
				fe.Add("body", "documents.body_link_invalid", i+1, m[2])
			}
		}
		for _, sp := range allSpans(p.blocks[i]) {
			if sp.Kind == SpanRef && !notes[sp.Label] && !fe.Has("body") {
				fe.Add("body", "documents.body_footnote_missing", sp.Label)
			}
		}
	}
	if len(fe) > 0 {
		return parsed{}, fe.Err()
	}
	return p, nil
}

func allSpans(b Block) []Span {
	out := append([]Span(nil), b.Spans...)
	for _, it := range b.Items {
		out = append(out, it...)
	}
	return out
}

// numbers gives the printed paragraph numbers of blocks: 1, 2, … for
// paragraphs and lists, 0 for headings and footnotes.
func numbers(blocks []Block) []int {
	out := make([]int, len(blocks))
	n := 0
	for i, b := range blocks {
		if b.Numbered() {
			n++
			out[i] = n
		}
	}
	return out
}
