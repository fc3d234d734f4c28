package testenv

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// tool finds a program that tests use to read what the platform prints
// (poppler-utils' pdftotext and pdftoppm, zbar-tools' zbarimg). Without it
// the test is skipped, or fails when WUZHEN_REQUIRE_BROWSER=1, as .ci/run
// sets, since .ci/run installs them with Chromium.
func tool(t testing.TB, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if required(EnvRequireBrowser) {
			t.Fatalf("%s is required (%s=1) but not on PATH; install %s", name, EnvRequireBrowser, pkg)
		}
		t.Skipf("%s not available (install %s)", name, pkg)
	}
	return p
}

// PDFText returns the text of a PDF as pdftotext reads it, page after
// page, in reading order.
func PDFText(t testing.TB, pdf []byte) string {
	t.Helper()
	bin := tool(t, "pdftotext", "poppler-utils")
	in := filepath.Join(t.TempDir(), "in.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", in, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return string(out)
}

// PDFPage renders page (1 first) of a PDF to a PNG file at dpi dots per
// inch and returns its path, in the test's temporary folder.
func PDFPage(t testing.TB, pdf []byte, page, dpi int) string {
	t.Helper()
	bin := tool(t, "pdftoppm", "poppler-utils")
	dir := t.TempDir()
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	p, r := strconv.Itoa(page), strconv.Itoa(dpi)
	if out, err := exec.Command(bin, "-png", "-r", r, "-f", p, "-l", p, "-singlefile", in, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	return filepath.Join(dir, "page.png")
}

// QRCodes returns the content of every QR code that zbarimg finds in an
// image file, in the order it reports them.
func QRCodes(t testing.TB, image string) []string {
	t.Helper()
	bin := tool(t, "zbarimg", "zbar-tools")
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", image)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		// zbarimg exits 4 when it finds no code.
		if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 4 {
			return nil
		}
		t.Fatalf("zbarimg: %v\n%s", err, stderr.String())
	}
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}
