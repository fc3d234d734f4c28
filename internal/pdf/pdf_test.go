package pdf

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/wuzhen/wuzhen/internal/testenv"
)

var names = []string{"Amina Otieno", "Nguyễn Thị Minh Khai", "王小明", "張偉", "Ольга Смирнова", "Dr. 李伟 (Li Wei)"}

func TestRuns(t *testing.T) {
	got := runs("Dr. 李伟 (Li Wei)，你好", false)
	want := []run{{sans, "Dr. "}, {cjk, "李伟 "}, {sans, "(Li Wei)"}, {cjk, "，你好"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("runs = %+v, want %+v", got, want)
	}
	if got := runs("Ольга", true); len(got) != 1 || got[0].face != sansBold {
		t.Fatalf("Cyrillic bold: %+v", got)
	}
	// Beyond the BMP: replaced, never passed to fpdf.
	if got := runs("𠮷田", false); !strings.HasPrefix(got[0].text, "\uFFFD") {
		t.Fatalf("astral rune kept: %+v", got)
	}
}

func TestWrap(t *testing.T) {
	d := New("t", "en", time.Unix(0, 0))
	d.AddPage()
	lines := d.Wrap("The quick brown fox jumps over the lazy dog again and again", 40, 11, false)
	if len(lines) < 2 {
		t.Fatalf("not wrapped: %q", lines)
	}
	for _, l := range lines {
		if w := d.Width(l, 11, false); w > 40 {
			t.Errorf("line %q is %.1f mm wide", l, w)
		}
		if strings.HasPrefix(l, " ") || strings.HasSuffix(l, " ") {
			t.Errorf("line %q has edge spaces", l)
		}
	}
	if got := strings.Join(lines, " "); got != "The quick brown fox jumps over the lazy dog again and again" {
		t.Errorf("words lost: %q", got)
	}
	// Chinese wraps between characters, never before a full stop or comma.
	zh := d.Wrap("世界互联网大会是由中国倡导成立的国际组织，总部设在北京。欢迎各国代表参加乌镇峰会。", 30, 11, false)
	if len(zh) < 2 || strings.Join(zh, "") != "世界互联网大会是由中国倡导成立的国际组织，总部设在北京。欢迎各国代表参加乌镇峰会。" {
		t.Fatalf("Chinese wrap: %q", zh)
	}
	for _, l := range zh {
		if strings.HasPrefix(l, "，") || strings.HasPrefix(l, "。") {
			t.Errorf("line starts with punctuation: %q", l)
		}
	}
	// A word longer than the line is cut.
	long := d.Wrap("Pneumonoultramicroscopicsilicovolcanoconiosis", 20, 11, false)
	if len(long) < 2 || strings.Join(long, "") != "Pneumonoultramicroscopicsilicovolcanoconiosis" {
		t.Fatalf("long word: %q", long)
	}
}

// TestScriptsAndQR writes every script and a QR code, and reads them back
// as a person's tools would: pdftotext for the text, the page rendered at
// print resolution and zbarimg for the code.
func TestScriptsAndQR(t *testing.T) {
	d := New("Scripts", "en", time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	d.AddPage()
	y := 30.0
	for i, n := range names {
		d.Text(20, y, n, 14, i%2 == 0)
		y += 10
	}
	d.Paragraph(20, y, 120, "繁體中文與简体中文在同一段落中換行，Latin words and Кириллица too.", 11, 6, false)
	const url = "https://wic.example/verify/ABCD-EFGH-JKMN"
	if err := d.QR(140, 30, 40, url); err != nil {
		t.Fatal(err)
	}
	d.CutMarks(20, 200, 85, 54, 4)
	b, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	text := testenv.PDFText(t, b)
	for _, n := range append(names, "繁體中文與简体中文", "Кириллица") {
		if !strings.Contains(text, n) {
			t.Errorf("pdftotext lacks %q:\n%s", n, text)
		}
	}
	png := testenv.PDFPage(t, b, 1, 150)
	if got := testenv.QRCodes(t, png); len(got) != 1 || got[0] != url {
		t.Errorf("QR codes %q, want %q", got, url)
	}
	if art := os.Getenv(testenv.EnvArtifacts); art != "" {
		data, _ := os.ReadFile(png)
		os.WriteFile(filepath.Join(art, "pdf-scripts.png"), data, 0o644)
	}
	// The same input gives the same bytes.
	d2 := New("Scripts", "en", time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	d2.AddPage()
	d2.Text(20, 30, names[0], 14, true)
	b1, _ := d2.Bytes()
	d3 := New("Scripts", "en", time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	d3.AddPage()
	d3.Text(20, 30, names[0], 14, true)
	b2, _ := d3.Bytes()
	if string(b1) != string(b2) {
		t.Error("the same document came out different")
	}
	// An English-only document carries no CJK font.
	if strings.Contains(string(b1), "droid") {
		t.Error("the CJK font was embedded in a document without CJK text")
	}
}

func TestColour(t *testing.T) {
	if r, g, b := Colour("#1f5fa8"); r != 0x1f || g != 0x5f || b != 0xa8 {
		t.Fatal(r, g, b)
	}
	if r, g, b := Colour("red"); r+g+b != 0 {
		t.Fatal(r, g, b)
	}
}
