package pdf

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/go-pdf/fpdf"
)

const org = "Savanna Institute"

// xmpNaming is an XMP packet that names the organisation.
var xmpNaming = []byte(`<?xpacket begin="` + "\ufeff" + `" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator><rdf:Seq><rdf:li>` + org + `</rdf:li></rdf:Seq></dc:creator></rdf:Description>
</rdf:RDF></x:xmpmeta><?xpacket end="w"?>`)

// fpdfWithMetadata is a PDF as a word processor writes it: an /Info
// dictionary and an XMP stream naming the organisation.
func fpdfWithMetadata(t *testing.T) []byte {
	t.Helper()
	d := fpdf.New("P", "mm", "A4", "")
	d.SetAuthor(org+" (Nairobi)", true)
	d.SetCreator("Writer for "+org, false)
	d.SetTitle("Case of the "+org, true)
	d.SetSubject(org, false)
	d.SetKeywords(org, false)
	d.SetXmpMetadata(xmpNaming)
	d.AddPage()
	d.SetFont("Helvetica", "", 12)
	d.Cell(40, 10, "Connecting rural schools")
	var buf bytes.Buffer
	if err := d.Output(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// objStmPDF is a PDF 1.5 whose /Info dictionary sits in a compressed
// object stream and whose cross-reference table is a stream.
func objStmPDF(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	off := map[int]int{}
	b.WriteString("%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
	obj := func(n int, body string) {
		off[n] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", n, body)
	}
	content := "BT /F1 12 Tf 72 720 Td (Connecting rural schools) Tj ET"
	obj(1, "<< /Type /Catalog /Pages 2 0 R >>")
	obj(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	obj(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>")
	obj(4, fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content))
	obj(5, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
	info := "<< /Author (" + org + ") /Producer <FEFF0053006100760061006E006E0061> /Title (Case \\(draft\\)) >>"
	head := "7 0 "
	var raw bytes.Buffer
	raw.WriteString(head + info)
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	w.Write(raw.Bytes())
	w.Close()
	off[6] = b.Len()
	fmt.Fprintf(&b, "6 0 obj\n<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n", len(head), z.Len())
	b.Write(z.Bytes())
	b.WriteString("\nendstream\nendobj\n")
	// The cross-reference stream: type 1 entries for 0–6 and 8, type 2
	// for 7 (in object stream 6, index 0).
	off[8] = b.Len()
	var x bytes.Buffer
	entry := func(typ byte, a uint32, c uint16) {
		x.WriteByte(typ)
		binary.Write(&x, binary.BigEndian, a)
		binary.Write(&x, binary.BigEndian, c)
	}
	entry(0, 0, 65535)
	for n := 1; n <= 6; n++ {
		entry(1, uint32(off[n]), 0)
	}
	entry(2, 6, 0)
	entry(1, uint32(off[8]), 0)
	fmt.Fprintf(&b, "8 0 obj\n<< /Type /XRef /Size 9 /W [1 4 2] /Root 1 0 R /Info 7 0 R /Length %d >>\nstream\n", x.Len())
	b.Write(x.Bytes())
	fmt.Fprintf(&b, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", off[8])
	return b.Bytes()
}

// poppler runs a poppler tool on data and returns what it printed.
func poppler(t *testing.T, data []byte, tool string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		t.Skipf("%s not installed (poppler-utils)", tool)
	}
	path := filepath.Join(t.TempDir(), "f.pdf")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(tool, append(args, path, "-")...)
	if tool == "pdfinfo" {
		cmd = exec.Command(tool, append(args, path)...)
	}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s", tool, err, errOut.String())
	}
	if strings.Contains(errOut.String(), "Syntax Error") || strings.Contains(errOut.String(), "Syntax Warning") {
		t.Errorf("%s found the document damaged:\n%s", tool, errOut.String())
	}
	return out.String()
}

// TestStripMetadata: a PDF naming its organisation in /Info and XMP
// (and, in a PDF 1.5, in an /Info kept in a compressed object stream)
// comes out without it anywhere, same size, still read whole by poppler.
func TestStripMetadata(t *testing.T) {
	for name, data := range map[string][]byte{"fpdf": fpdfWithMetadata(t), "object stream": objStmPDF(t)} {
		t.Run(name, func(t *testing.T) {
			if info := poppler(t, data, "pdfinfo"); !strings.Contains(info, "Savanna") && !strings.Contains(info, "Savan") {
				t.Fatalf("the test document names no organisation:\n%s", info)
			}
			got := StripMetadata(data)
			if len(got) != len(data) {
				t.Errorf("length %d, was %d: offsets moved", len(got), len(data))
			}
			if bytes.Contains(got, []byte("Savanna")) || bytes.Contains(got, []byte("S\x00a\x00v")) {
				t.Errorf("the organisation is still in the bytes")
			}
			info := poppler(t, got, "pdfinfo")
			meta := poppler(t, got, "pdfinfo", "-meta")
			for _, s := range []string{"Savan", "Author", "Creator:", "Producer", "Title", "Keywords"} {
				if strings.Contains(info, s) || strings.Contains(meta, s) {
					t.Errorf("%q left:\n%s\n%s", s, info, meta)
				}
			}
			if !regexp.MustCompile(`Pages:\s+1\n`).MatchString(info) {
				t.Errorf("pdfinfo:\n%s", info)
			}
			if text := poppler(t, got, "pdftotext"); !strings.Contains(text, "Connecting rural schools") {
				t.Errorf("the text is gone: %q", text)
			}
		})
	}
	if got := StripMetadata([]byte("not a pdf")); string(got) != "not a pdf" {
		t.Errorf("not a PDF: %q", got)
	}
}
