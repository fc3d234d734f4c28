// Package pdf writes printable documents (letters, badges, certificates)
// with fonts embedded in the binary, so that names in Latin, Cyrillic and
// Chinese (both scripts) print the same on every machine. It wraps
// github.com/go-pdf/fpdf: text is drawn run by run, each run in the first
// embedded font that has its characters (DejaVu Sans for Latin, Greek and
// Cyrillic; Droid Sans Fallback for Han, kana and Hangul), and QR codes are
// drawn as vector squares. It imports no capability.
//
// fpdf has sharp edges that this package keeps away from its callers:
//   - Automatic page breaks are on by default with a 2 cm bottom margin:
//     text placed near the foot of a page silently starts a new page. New
//     turns them off; callers place everything themselves.
//   - fpdf has no font fallback: a character the current font lacks prints
//     as nothing or a box. Text, Width and Wrap pick the font per run.
//   - UTF-8 fonts are parsed per document (AddUTF8FontFromBytes) and only
//     the characters used are embedded; a font is added the first time a
//     run needs it, so a letter in English carries no CJK font at all.
//   - Its CID map covers the Basic Multilingual Plane only: a character
//     beyond it (rare Han of Extension B, emoji) would print as the wrong
//     glyph, so it is replaced by U+FFFD.
//   - Errors are sticky: after one, every call does nothing, and Output
//     reports it. Bytes returns that error.
//   - The creation date defaults to the wall clock; New takes the time to
//     stamp, so that a document can be reproduced byte for byte.
package pdf

import (
	"bytes"
	"embed"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-pdf/fpdf"
	"github.com/skip2/go-qrcode"
	"golang.org/x/image/font/sfnt"
)

//go:embed fonts/*.ttf
var fontFiles embed.FS

// face is one embedded font.
type face int

const (
	sans face = iota
	sansBold
	cjk
)

var faces = [...]struct{ family, style, file string }{
	sans:     {"dejavu", "", "fonts/DejaVuSans.ttf"},
	sansBold: {"dejavu", "B", "fonts/DejaVuSans-Bold.ttf"},
	cjk:      {"droid", "", "fonts/DroidSansFallbackFull.ttf"},
}

// coverage answers whether DejaVu Sans has a glyph for a rune; parsed once.
var coverage = sync.OnceValue(func() func(rune) bool {
	b, err := fontFiles.ReadFile(faces[sans].file)
	if err != nil {
		panic(err)
	}
	f, err := sfnt.Parse(b)
	if err != nil {
		panic(err)
	}
	var mu sync.Mutex
	var buf sfnt.Buffer
	cache := map[rune]bool{}
	return func(r rune) bool {
		if r < 0x250 { // Latin, Latin-1 and Extended-A/B: all in DejaVu
			return true
		}
		mu.Lock()
		defer mu.Unlock()
		if v, ok := cache[r]; ok {
			return v
		}
		i, err := f.GlyphIndex(&buf, r)
		v := err == nil && i != 0
		cache[r] = v
		return v
	}
})

// Doc is a PDF document being written, in millimetres on A4 pages.
type Doc struct {
	f     *fpdf.Fpdf
	added [len(faces)]bool
}

// New starts a document; title and lang go into its metadata, created is
// the date it carries.
func New(title, lang string, created time.Time) *Doc {
	f := fpdf.New("P", "mm", "A4", "")
	f.SetAutoPageBreak(false, 0)
	f.SetMargins(0, 0, 0)
	f.SetCreationDate(created)
	f.SetModificationDate(created)
	f.SetCatalogSort(true)
	f.SetTitle(title, true)
	f.SetCreator("Wuzhen", true)
	f.SetProducer("Wuzhen", true)
	if lang != "" {
		f.SetLang(lang)
	}
	return &Doc{f: f}
}

// PDF is the underlying fpdf document, for lines, rectangles and colours.
func (d *Doc) PDF() *fpdf.Fpdf { return d.f }

// AddPage starts a new page.
func (d *Doc) AddPage() { d.f.AddPage() }

// PageSize is the page's width and height in millimetres.
func (d *Doc) PageSize() (w, h float64) { return d.f.GetPageSize() }

// use selects a face at size points, adding it to the document first.
func (d *Doc) use(fc face, size float64) {
	if !d.added[fc] {
		b, err := fontFiles.ReadFile(faces[fc].file)
		if err != nil {
			d.f.SetError(err)
			return
		}
		d.f.AddUTF8FontFromBytes(faces[fc].family, faces[fc].style, b)
		d.added[fc] = true
	}
	d.f.SetFont(faces[fc].family, faces[fc].style, size)
}

// run is a stretch of text in one face.
type run struct {
	face face
	text string
}

// runs splits s into runs by the face that has each character. Spaces and
// other characters both faces have stay in the run they are in.
func runs(s string, bold bool) []run {
	latin := sans
	if bold {
		latin = sansBold
	}
	has := coverage()
	var out []run
	var b strings.Builder
	cur := face(-1)
	for _, r := range s {
		if r > 0xFFFF || r == utf8.RuneError {
			r = '\uFFFD'
		}
		if unicode.IsControl(r) {
			r = ' '
		}
		fc := latin
		if !has(r) {
			fc = cjk
		}
		if r == ' ' && cur >= 0 {
			fc = cur
		}
		if fc != cur && b.Len() > 0 {
			out = append(out, run{cur, b.String()})
			b.Reset()
		}
		cur = fc
		b.WriteRune(r)
	}
	if b.Len() > 0 {
		out = append(out, run{cur, b.String()})
	}
	return out
}

// Width is the width of s at size points, in millimetres.
func (d *Doc) Width(s string, size float64, bold bool) float64 {
	w := 0.0
	for _, r := range runs(s, bold) {
		d.use(r.face, size)
		w += d.f.GetStringWidth(r.text)
	}
	return w
}

// Text draws s with its baseline at y, starting at x, and returns its
// width. Bold Han and kana, which Droid Sans Fallback has no bold face
// for, are drawn filled and stroked.
func (d *Doc) Text(x, y float64, s string, size float64, bold bool) float64 {
	w := 0.0
	for _, r := range runs(s, bold) {
		d.use(r.face, size)
		fake := bold && r.face == cjk
		var dr, dg, db int
		var lw float64
		if fake {
			// Stroke the outlines in the text's colour, a thirtieth of
			// an em wide (the size is in points, the width in mm).
			dr, dg, db = d.f.GetDrawColor()
			lw = d.f.GetLineWidth()
			d.f.SetDrawColor(d.f.GetTextColor())
			d.f.SetLineWidth(size * 0.3528 / 30)
			d.f.SetTextRenderingMode(2)
		}
		d.f.Text(x+w, y, r.text)
		if fake {
			d.f.SetTextRenderingMode(0)
			d.f.SetDrawColor(dr, dg, db)
			d.f.SetLineWidth(lw)
		}
		w += d.f.GetStringWidth(r.text)
	}
	return w
}

// Centre draws s centred on cx.
func (d *Doc) Centre(cx, y float64, s string, size float64, bold bool) {
	d.Text(cx-d.Width(s, size, bold)/2, y, s, size, bold)
}

// Fit returns the largest size from size down to min (in steps of half a
// point) at which s fits in w; min if none does.
func (d *Doc) Fit(s string, w, size, min float64, bold bool) float64 {
	for ; size > min; size -= 0.5 {
		if d.Width(s, size, bold) <= w {
			return size
		}
	}
	return min
}

// noLineStart are characters that do not begin a line in Chinese text.
const noLineStart = "，。、；：！？）》」』】〉,.;:!?)%"

// tokens splits s into the pieces a line may break between: Latin words
// (with the spaces after them) and single Han characters, with closing
// punctuation kept on the piece before it.
func tokens(s string) []string {
	var out []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			out = append(out, b.String())
			b.Reset()
		}
	}
	has := coverage()
	prevSpace := false
	for _, r := range s {
		switch {
		case strings.ContainsRune(noLineStart, r) && !has(r):
			// full-width punctuation: glue to what precedes
			if b.Len() == 0 && len(out) > 0 {
				out[len(out)-1] += string(r)
			} else {
				b.WriteRune(r)
				flush()
			}
		case !has(r):
			flush()
			b.WriteRune(r)
			flush()
		case r == ' ':
			b.WriteRune(r)
			prevSpace = true
			continue
		default:
			if prevSpace {
				flush()
			}
			b.WriteRune(r)
		}
		prevSpace = false
	}
	flush()
	return out
}

// Wrap breaks s into lines no wider than w at size points: between words,
// between Han characters, and inside a word only when it is wider than a
// line. Line breaks in s are kept.
func (d *Doc) Wrap(s string, w, size float64, bold bool) []string {
	var lines []string
	for _, para := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		line := ""
		for _, t := range tokens(para) {
			if d.Width(strings.TrimRight(line+t, " "), size, bold) <= w {
				line += t
				continue
			}
			if line != "" {
				lines = append(lines, strings.TrimRight(line, " "))
				line = ""
			}
			for d.Width(strings.TrimRight(t, " "), size, bold) > w {
				// A word wider than a line: cut it where it overflows.
				_, cut := utf8.DecodeRuneInString(t)
				for i, r := range t {
					end := i + utf8.RuneLen(r)
					if d.Width(t[:end], size, bold) > w {
						break
					}
					cut = end
				}
				lines = append(lines, t[:cut])
				t = t[cut:]
			}
			line = t
		}
		lines = append(lines, strings.TrimRight(line, " "))
	}
	return lines
}

// Paragraph draws s wrapped to w from the baseline y, leading millimetres
// apart, and returns the baseline of the line after it.
func (d *Doc) Paragraph(x, y, w float64, s string, size, leading float64, bold bool) float64 {
	for _, l := range d.Wrap(s, w, size, bold) {
		d.Text(x, y, l, size, bold)
		y += leading
	}
	return y
}

// Colour parses "#rrggbb"; black when it cannot.
func Colour(hex string) (r, g, b int) {
	v, err := strconv.ParseUint(strings.TrimPrefix(hex, "#"), 16, 32)
	if err != nil || len(hex) != 7 {
		return 0, 0, 0
	}
	return int(v >> 16 & 0xff), int(v >> 8 & 0xff), int(v & 0xff)
}

// Fill fills the rectangle at x, y of size w × h with colour ("#rrggbb").
func (d *Doc) Fill(x, y, w, h float64, colour string) {
	d.f.SetFillColor(Colour(colour))
	d.f.Rect(x, y, w, h, "F")
}

// TextColour sets the colour of the text drawn next.
func (d *Doc) TextColour(colour string) { d.f.SetTextColor(Colour(colour)) }

// CutMarks draws short marks outside the corners of the rectangle at x, y
// of size w × h, n millimetres long, for a guillotine.
func (d *Doc) CutMarks(x, y, w, h, n float64) {
	f := d.f
	f.SetDrawColor(0, 0, 0)
	f.SetLineWidth(0.15)
	for _, c := range [][2]float64{{x, y}, {x + w, y}, {x, y + h}, {x + w, y + h}} {
		dx, dy := -1.0, -1.0
		if c[0] > x {
			dx = 1
		}
		if c[1] > y {
			dy = 1
		}
		f.Line(c[0]+dx, c[1], c[0]+dx*(1+n), c[1])
		f.Line(c[0], c[1]+dy, c[0], c[1]+dy*(1+n))
	}
}

// QR draws a QR code of content as dark squares in a side × side square at
// x, y, with error correction level M and the standard quiet zone of four
// modules inside that square.
func (d *Doc) QR(x, y, side float64, content string) error {
	q, err := qrcode.New(content, qrcode.Medium)
	if err != nil {
		return fmt.Errorf("pdf: qr code: %w", err)
	}
	q.DisableBorder = true
	bits := q.Bitmap()
	n := len(bits) + 8 // four modules of quiet zone each side
	m := side / float64(n)
	f := d.f
	f.SetFillColor(255, 255, 255)
	f.Rect(x, y, side, side, "F")
	f.SetFillColor(0, 0, 0)
	for row, line := range bits {
		for col := 0; col < len(line); {
			if !line[col] {
				col++
				continue
			}
			end := col
			for end < len(line) && line[end] {
				end++
			}
			// A hair wider than the module, so that no seam shows between
			// neighbouring squares when rasterised.
			f.Rect(x+float64(col+4)*m, y+float64(row+4)*m, float64(end-col)*m+0.01, m+0.01, "F")
			col = end
		}
	}
	return nil
}

// JPEG draws a JPEG image in the w × h rectangle at x, y. name identifies
// the image within the document: the same name draws the same image
// again without storing it twice.
func (d *Doc) JPEG(name string, data []byte, x, y, w, h float64) error {
	opt := fpdf.ImageOptions{ImageType: "JPG"}
	if d.f.GetImageInfo(name) == nil {
		d.f.RegisterImageOptionsReader(name, opt, bytes.NewReader(data))
	}
	if err := d.f.Error(); err != nil {
		return fmt.Errorf("pdf: image: %w", err)
	}
	d.f.ImageOptions(name, x, y, w, h, false, opt, 0, "")
	return d.f.Error()
}

// Link makes the rectangle at x, y of size w × h a link to url.
func (d *Doc) Link(x, y, w, h float64, url string) { d.f.LinkString(x, y, w, h, url) }

// Bytes finishes the document and returns it, or the first error met
// while writing it.
func (d *Doc) Bytes() ([]byte, error) {
	var buf bytes.Buffer
	if err := d.f.Output(&buf); err != nil {
		return nil, fmt.Errorf("pdf: %w", err)
	}
	return buf.Bytes(), nil
}
