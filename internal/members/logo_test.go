package members

import (
	"bytes"
	"compress/zlib"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"runtime"
	"strings"
	"testing"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/audit"
	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/db/dbtest"
	"github.com/wuzhen/wuzhen/internal/errs"
)

// Two WebP files made with cwebp 1.2.4 from images drawn like testImage:
// 600×300 lossless, the left half opaque (200, 30, 30), the right half
// (20, 40, 220) at alpha 128; and 16×12 lossy, opaque.
var (
	webpLossless = []byte("\x52\x49\x46\x46\x3a\x00\x00\x00\x57\x45\x42\x50\x56\x50\x38\x4c\x2e\x00\x00\x00\x2f\x57\xc2\x4a\x10\x0f\x70\x14\xfb\x53\xd0\x5e\x88\xfb\x7f\x80\xc1\x03\x33\x6d\xdb\x94\x41\xf9\xa3\xdd\xdf\x7f\x72\x44\xff\x27\xe0\x36\x9b\x4d\xfe\xe3\x3f\xfe\xe3\x3f\xfe\xfb\xce\x00")
	webpLossy    = []byte("\x52\x49\x46\x46\x58\x00\x00\x00\x57\x45\x42\x50\x56\x50\x38\x20\x4c\x00\x00\x00\xd0\x01\x00\x9d\x01\x2a\x10\x00\x0c\x00\x01\x40\x26\x25\xb0\x02\x74\x01\x0e\xbc\x26\x9b\x00\x00\xfe\xfd\xb3\xb3\x8d\x5a\xd9\xfd\x1b\x3f\x20\xb5\x50\x94\x55\x48\x0f\xf5\x5d\xba\x62\x5d\x35\xdc\xaa\x7d\xd3\x4e\x63\xf3\xfa\xf4\xf7\xff\xe9\x61\xbf\x77\xff\xff\x48\x3c\x98\x30\x5e\x3f\xe2\x79\x01\xa4\x00\x00")
)

// testImage is w×h: the left half opaque red, the right half blue at
// half opacity.
func testImage(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if x < w/2 {
				img.SetNRGBA(x, y, color.NRGBA{200, 30, 30, 255})
			} else {
				img.SetNRGBA(x, y, color.NRGBA{20, 40, 220, 128})
			}
		}
	}
	return img
}

func pngOf(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func jpegOf(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pngChunk is one PNG chunk with its CRC.
func pngChunk(typ string, data []byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, uint32(len(data)))
	b.WriteString(typ)
	b.Write(data)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	return b.Bytes()
}

// pngBomb is a well-formed PNG header declaring w×h RGBA pixels, with an
// IDAT chunk, so that a decoder would allocate the whole image.
func pngBomb(w, h uint32) []byte {
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 6 // 8 bits, RGBA
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(make([]byte, 4096))
	zw.Close()
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, pngChunk("IHDR", ihdr)...)
	out = append(out, pngChunk("IDAT", z.Bytes())...)
	return append(out, pngChunk("IEND", nil)...)
}

// withPNGChunk inserts a chunk after IHDR.
func withPNGChunk(p []byte, chunk []byte) []byte {
	at := 8 + 8 + 13 + 4
	return append(append(append([]byte(nil), p[:at]...), chunk...), p[at:]...)
}

// jpegSized returns a JPEG whose frame header claims w×h.
func jpegSized(t *testing.T, w, h uint16) []byte {
	j := jpegOf(t, testImage(8, 8))
	i := bytes.Index(j, []byte{0xff, 0xc0})
	if i < 0 {
		t.Fatal("no SOF0")
	}
	binary.BigEndian.PutUint16(j[i+5:], h)
	binary.BigEndian.PutUint16(j[i+7:], w)
	return j
}

// logoKey returns the catalog key of the error at the field "logo", failing
// the test for any other kind of error.
func logoKey(t testing.TB, err error) string {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Code != errs.Invalid || len(e.Fields) != 1 || e.Fields[0].Name != "logo" {
		t.Fatalf("not an Invalid error at the field logo: %v", err)
	}
	return e.Fields[0].Key
}

// checkStored checks that l is a PNG as checkLogo promises and returns it
// decoded.
func checkStored(t testing.TB, l *Logo) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(l.PNG))
	if err != nil {
		t.Fatalf("the stored logo is not a PNG: %v", err)
	}
	b := img.Bounds()
	if b.Dx() != l.Width || b.Dy() != l.Height || l.Width > LogoSide || l.Height > LogoSide || l.Width < 1 || l.Height < 1 {
		t.Fatalf("stored %dx%d, says %dx%d", b.Dx(), b.Dy(), l.Width, l.Height)
	}
	if sum := sha256.Sum256(l.PNG); hex.EncodeToString(sum[:]) != l.Hash {
		t.Fatal("the hash is not the PNG's SHA-256")
	}
	return img
}

func near(c color.Color, want color.NRGBA) bool {
	got := color.NRGBAModel.Convert(c).(color.NRGBA)
	d := func(a, b uint8) bool { return int(a)-int(b) <= 3 && int(b)-int(a) <= 3 }
	return d(got.R, want.R) && d(got.G, want.G) && d(got.B, want.B) && d(got.A, want.A)
}

func TestCheckLogo(t *testing.T) {
	if logoLimit != fmt.Sprintf("%d MB", MaxLogoBytes>>20) {
		t.Errorf("logoLimit %q says another size than MaxLogoBytes", logoLimit)
	}
	if h := (options{Lang: "zh-Hant"}).LogoHint(); !strings.HasPrefix(h, "支援 PNG, JPEG, WebP 格式，檔案不超過 2 MB；") || !strings.Contains(h, "512 × 512") {
		t.Errorf("hint %q", h)
	}
	red, blue := color.NRGBA{200, 30, 30, 255}, color.NRGBA{20, 40, 220, 128}
	for _, tc := range []struct {
		name    string
		data    []byte
		w, h    int
		colours bool // left red, right blue
	}{
		{"small PNG keeps its size", pngOf(t, testImage(40, 20)), 40, 20, true},
		{"wide PNG fits the width", pngOf(t, testImage(1024, 512)), 512, 256, true},
		{"tall PNG fits the height", pngOf(t, testImage(300, 900)), 171, 512, false},
		{"a line stays one pixel high", pngOf(t, testImage(4000, 1)), 512, 1, false},
		{"JPEG", jpegOf(t, testImage(800, 600)), 512, 384, false},
		{"lossless WebP with alpha", webpLossless, 512, 256, true},
		{"lossy WebP", webpLossy, 16, 12, false},
		{"paletted PNG", pngOf(t, image.NewPaletted(image.Rect(0, 0, 30, 30), color.Palette{color.White, color.Black})), 30, 30, false},
		{"16-bit grey PNG", pngOf(t, image.NewGray16(image.Rect(0, 0, 700, 70))), 512, 51, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, err := checkLogo(tc.data)
			if err != nil {
				t.Fatal(err)
			}
			img := checkStored(t, l)
			if l.Width != tc.w || l.Height != tc.h {
				t.Fatalf("%dx%d, want %dx%d", l.Width, l.Height, tc.w, tc.h)
			}
			if tc.colours {
				if c := img.At(tc.w/4, tc.h/2); !near(c, red) {
					t.Errorf("left %v, want %v", c, red)
				}
				if c := img.At(tc.w*3/4, tc.h/2); !near(c, blue) {
					t.Errorf("right %v, want %v", c, blue)
				}
			}
		})
	}

	t.Run("refusals are Invalid at the field logo", func(t *testing.T) {
		var g bytes.Buffer
		gif.Encode(&g, testImage(10, 10), nil)
		valid := pngOf(t, testImage(64, 64))
		for _, tc := range []struct {
			name string
			data []byte
			key  string
		}{
			{"nothing", nil, "members.logo_missing"},
			{"too many bytes", append(pngOf(t, testImage(8, 8)), make([]byte, MaxLogoBytes)...), "members.logo_too_large"},
			{"GIF", g.Bytes(), "members.logo_type"},
			{"HTML", []byte("<!doctype html><script>alert(1)</script>"), "members.logo_type"},
			{"SVG", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`), "members.logo_type"},
			{"GIF and JavaScript polyglot", []byte("GIF89a=1;alert(document.domain)//"), "members.logo_type"},
			{"PNG signature, then HTML", []byte("\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>"), "members.logo_corrupt"},
			{"JPEG signature, then HTML", []byte("\xff\xd8\xff\xe0<html><script>alert(1)</script></html>"), "members.logo_corrupt"},
			{"WebP header, then HTML", []byte("RIFF\x30\x00\x00\x00WEBPVP8L<script>alert(1)</script>"), "members.logo_corrupt"},
			{"truncated PNG", valid[:len(valid)/2], "members.logo_corrupt"},
			{"zero-width PNG", pngBomb(0, 10), "members.logo_corrupt"},
			{"one pixel too wide", pngBomb(MaxLogoSide+1, 1), "members.logo_too_many_pixels"},
			{"one pixel too high", pngBomb(1, MaxLogoSide+1), "members.logo_too_many_pixels"},
			{"JPEG claiming 20000×20000", jpegSized(t, 20000, 20000), "members.logo_too_many_pixels"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := checkLogo(tc.data)
				if got := logoKey(t, err); got != tc.key {
					t.Errorf("key %q, want %q", got, tc.key)
				}
			})
		}
	})

	t.Run("a 20000×20000 PNG header is refused before anything is allocated", func(t *testing.T) {
		bomb := pngBomb(20000, 20000)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, err := checkLogo(bomb)
		runtime.ReadMemStats(&after)
		if key := logoKey(t, err); key != "members.logo_too_many_pixels" {
			t.Errorf("key %q", key)
		}
		// Decoding would take 20000 × 20000 × 4 bytes = 1.6 GB.
		if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
			t.Errorf("allocated %d bytes", n)
		}
	})

	t.Run("the file is re-encoded: trailing data and metadata are gone", func(t *testing.T) {
		secret := "GPS 31.23N 121.47E; <script>alert(1)</script>"
		withText := withPNGChunk(pngOf(t, testImage(50, 50)), pngChunk("tEXt", []byte("Comment\x00"+secret)))
		withTail := append(pngOf(t, testImage(50, 50)), []byte(secret)...)
		j := jpegOf(t, testImage(50, 50))
		com := append([]byte{0xff, 0xfe, 0, byte(len(secret) + 2)}, secret...) // a JPEG comment segment
		withComment := append(append(append([]byte(nil), j[:2]...), com...), j[2:]...)
		for name, data := range map[string][]byte{"PNG text chunk": withText, "data after IEND": withTail, "JPEG comment": withComment} {
			if !bytes.Contains(data, []byte(secret)) {
				t.Fatalf("%s: the test file lacks the secret", name)
			}
			l, err := checkLogo(data)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			checkStored(t, l)
			if bytes.Contains(l.PNG, []byte("GPS")) || bytes.Contains(l.PNG, []byte("script")) {
				t.Errorf("%s: the stored PNG keeps the uploaded text", name)
			}
		}
	})
}

func TestBoxScale(t *testing.T) {
	// A checkerboard of black and white averages to grey.
	board := image.NewGray(image.Rect(0, 0, 1024, 1024))
	for y := 0; y < 1024; y++ {
		for x := 0; x < 1024; x++ {
			if (x+y)%2 == 0 {
				board.SetGray(x, y, color.Gray{255})
			}
		}
	}
	out := boxScale(board, 512, 512)
	for _, p := range []image.Point{{0, 0}, {100, 300}, {511, 511}} {
		if c := out.NRGBAAt(p.X, p.Y); c.R != 128 || c.G != 128 || c.B != 128 || c.A != 255 {
			t.Errorf("checkerboard at %v: %v", p, c)
		}
	}
	// Transparent pixels do not darken their neighbours: opaque red beside
	// transparent black averages to red at half opacity.
	edge := image.NewNRGBA(image.Rect(0, 0, 2, 1))
	edge.SetNRGBA(0, 0, color.NRGBA{255, 0, 0, 255})
	if c := boxScale(edge, 1, 1).NRGBAAt(0, 0); c != (color.NRGBA{255, 0, 0, 128}) {
		t.Errorf("red beside transparent: %v", c)
	}
	// A scale that is not a whole number shares the pixels at the edges.
	ramp := image.NewGray(image.Rect(0, 0, 3, 1))
	ramp.Pix = []uint8{0, 90, 180}
	got := boxScale(ramp, 2, 1)
	// Destination 0 covers source 0 and half of 1: (0 + 45) / 1.5 = 30;
	// destination 1 covers half of 1 and 2: (45 + 180) / 1.5 = 150.
	if a, b := got.NRGBAAt(0, 0).R, got.NRGBAAt(1, 0).R; a != 30 || b != 150 {
		t.Errorf("ramp %d %d, want 30 150", a, b)
	}
	for _, n := range []int{1, 3, 511, 513, 4000} {
		for _, m := range []int{1, 2, 512} {
			if m > n {
				continue
			}
			sums := make([]float64, m)
			for _, cs := range boxWeights(n, m) {
				if len(cs) == 0 || len(cs) > 2 {
					t.Fatalf("%d→%d: a source pixel in %d destinations", n, m, len(cs))
				}
				for _, c := range cs {
					sums[c.dst] += float64(c.weight)
				}
			}
			for d, s := range sums {
				if s < 0.999 || s > 1.001 {
					t.Fatalf("%d→%d: weights of %d sum to %v", n, m, d, s)
				}
			}
		}
	}
}

// multipartBody returns a body with the file in field, named and typed as
// given, and a content type for it.
func multipartBody(t *testing.T, field, filename, contentType string, data []byte) (*bytes.Buffer, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("note", "ignored")
	h := make(map[string][]string)
	h["Content-Disposition"] = []string{fmt.Sprintf(`form-data; name=%q; filename=%q`, field, filename)}
	h["Content-Type"] = []string{contentType}
	w, err := mw.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	mw.Close()
	return &b, mw.FormDataContentType()
}

func (w *webHarness) upload(appID int64, session, filename, contentType string, data []byte, header ...string) result {
	w.t.Helper()
	body, ct := multipartBody(w.t, "logo", filename, contentType, data)
	return w.do("POST", fmt.Sprintf("/members/applications/%d/logo", appID), session, body, append(header, "Content-Type", ct)...)
}

func TestLogoUpload(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWebHarness(t, d)
		u, applicant := w.signIn("applicant@example.org")
		_, other := w.signIn("other@example.org")
		_, sec := w.signIn("sec@example.org", auth.RoleSecretariat)
		me := &actor.Actor{ID: u.ID, Email: u.Email}
		a := &Application{Kind: Organization, Name: Names{En: "Mekong Digital Commons", Hans: "湄公河数字公域"}}
		if err := w.s.Save(ctx, me, a, false); err != nil {
			t.Fatal(err)
		}
		logoPath := fmt.Sprintf("/members/applications/%d/logo.png", a.ID)

		t.Run("no logo yet", func(t *testing.T) {
			if r := w.get(logoPath, applicant); r.StatusCode != http.StatusNotFound {
				t.Errorf("status %d", r.StatusCode)
			}
			if u, err := w.s.ApplicationLogoURL(ctx, a.ID); err != nil || u != "" {
				t.Errorf("URL %q %v", u, err)
			}
		})

		var stored []byte
		t.Run("the content decides, not the name or the declared type", func(t *testing.T) {
			r := w.upload(a.ID, applicant, "logo.gif", "image/gif", pngOf(t, testImage(1200, 600)))
			if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != fmt.Sprintf("/members/apply?id=%d#logo", a.ID) {
				t.Fatalf("upload: %d %q\n%.2000s", r.StatusCode, r.Header.Get("Location"), r.body)
			}
			g := w.get(logoPath, applicant)
			if g.StatusCode != http.StatusOK || g.Header.Get("Content-Type") != "image/png" {
				t.Fatalf("logo: %d %q", g.StatusCode, g.Header.Get("Content-Type"))
			}
			img, err := png.Decode(bytes.NewReader(g.body))
			if err != nil || img.Bounds().Dx() != 512 || img.Bounds().Dy() != 256 {
				t.Fatalf("stored logo: %v %v", img.Bounds(), err)
			}
			sum := sha256.Sum256(g.body)
			if g.Header.Get("ETag") != `"`+hex.EncodeToString(sum[:])+`"` || g.Header.Get("Cache-Control") != "private, no-cache" {
				t.Errorf("headers %v", g.Header)
			}
			if n := w.get(logoPath, applicant, "If-None-Match", g.Header.Get("ETag")); n.StatusCode != http.StatusNotModified || len(n.body) != 0 {
				t.Errorf("revalidation: %d, %d bytes", n.StatusCode, len(n.body))
			}
			stored = g.body
			u, err := w.s.ApplicationLogoURL(ctx, a.ID)
			if err != nil || !strings.HasPrefix(u, logoPath+"?v="+hex.EncodeToString(sum[:])[:16]) {
				t.Errorf("URL %q %v", u, err)
			}
		})

		t.Run("the applicant and reviewers see it; nobody else", func(t *testing.T) {
			if r := w.get(logoPath, sec); r.StatusCode != http.StatusOK || !bytes.Equal(r.body, stored) {
				t.Errorf("reviewer: %d", r.StatusCode)
			}
			if r := w.get(logoPath, other); r.StatusCode != http.StatusNotFound {
				t.Errorf("another account: %d", r.StatusCode)
			}
			if r := w.get(logoPath, ""); r.StatusCode != http.StatusSeeOther {
				t.Errorf("anonymous: %d", r.StatusCode)
			}
		})

		t.Run("only the applicant uploads", func(t *testing.T) {
			for who, session := range map[string]string{"another account": other, "a reviewer": sec} {
				if r := w.upload(a.ID, session, "x.png", "image/png", pngOf(t, testImage(20, 20))); r.StatusCode != http.StatusNotFound {
					t.Errorf("%s: %d", who, r.StatusCode)
				}
			}
			if r := w.get(logoPath, applicant); !bytes.Equal(r.body, stored) {
				t.Error("the logo changed")
			}
		})

		t.Run("a refused file comes back at the field, in the reader's language, the form filled", func(t *testing.T) {
			formMessage := map[string]string{"en": "Some fields need your attention.", "zh-CN": "部分字段需要修改。", "zh-TW": "部分欄位需要修改。"}
			for _, tc := range []struct {
				name, lang string
				data       []byte
				key, want  string
			}{
				{"HTML named logo.png", "en", []byte("<html><script>alert(1)</script></html>"),
					"members.logo_type", "not an image in a format we accept (PNG, JPEG, WebP)"},
				{"HTML in Chinese", "zh-CN", []byte("<html><script>alert(1)</script></html>"),
					"members.logo_type", "该文件不是可接受格式的图片（可接受：PNG, JPEG, WebP）"},
				{"corrupt PNG", "zh-TW", []byte("\x89PNG\r\n\x1a\nnot really"), "members.logo_corrupt", "無法讀取此圖片"},
				{"too many bytes", "en", make([]byte, MaxLogoBytes+1), "members.logo_too_large", "The file is too large: at most 2 MB."},
				{"beyond the body limit", "en", make([]byte, 3*MaxLogoBytes/2), "members.logo_too_large", "The file is too large: at most 2 MB."},
				{"too many pixels", "en", pngBomb(20000, 20000), "members.logo_too_many_pixels", "at most 4000 × 4000 pixels"},
				{"an empty file", "en", nil, "members.logo_missing", "Choose an image file to upload."},
			} {
				_, err := w.s.SetApplicationLogo(ctx, me, a.ID, tc.data)
				if got := logoKey(t, err); got != tc.key {
					t.Errorf("%s: key %q, want %q", tc.name, got, tc.key)
				}
				r := w.upload(a.ID, applicant, "logo.png", "image/png", tc.data, "Accept-Language", tc.lang)
				if tc.name == "beyond the body limit" {
					// With its length declared (above) or not, the handler
					// reads up to the limit and says so at the field.
					if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), tc.want) {
						t.Errorf("%s, length declared: status %d, want 422 with %q", tc.name, r.StatusCode, tc.want)
					}
					body, ct := multipartBody(t, "logo", "logo.png", "image/png", tc.data)
					r = w.do("POST", fmt.Sprintf("/members/applications/%d/logo", a.ID), applicant, io.MultiReader(body),
						"Accept-Language", tc.lang, "Content-Type", ct)
				}
				if r.StatusCode != http.StatusUnprocessableEntity {
					t.Errorf("%s: status %d", tc.name, r.StatusCode)
					continue
				}
				body := string(r.body)
				if !strings.Contains(body, formMessage[tc.lang]) || !strings.Contains(body, "Mekong Digital Commons") || !strings.Contains(body, "湄公河数字公域") {
					t.Errorf("%s: the page lacks the form's message in %s or its values\n%.3000s", tc.name, tc.lang, body)
				}
				// The field's own message shows where the page has the logo
				// field (the application page's logo form).
				if strings.Contains(body, `name="logo"`) && !strings.Contains(body, tc.want) {
					t.Errorf("%s: the page lacks %q", tc.name, tc.want)
				}
			}
			if r := w.do("POST", fmt.Sprintf("/members/applications/%d/logo", a.ID), applicant, strings.NewReader("logo=x"),
				"Content-Type", "application/x-www-form-urlencoded"); r.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("not multipart: %d", r.StatusCode)
			}
			if r := w.get(logoPath, applicant); !bytes.Equal(r.body, stored) {
				t.Error("a refused upload changed the logo")
			}
		})

		t.Run("a submitted application's logo is fixed", func(t *testing.T) {
			done := &Application{Kind: Individual, Name: Names{En: "Done"}, Group: IndividualGroup, Country: "KE",
				ContactEmail: "done@example.org", Motivation: "m", CharterAgreed: true}
			if err := w.s.Save(ctx, me, done, true); err != nil {
				t.Fatal(err)
			}
			if r := w.upload(done.ID, applicant, "x.png", "image/png", pngOf(t, testImage(20, 20))); r.StatusCode != http.StatusConflict {
				t.Errorf("status %d", r.StatusCode)
			}
		})

		t.Run("the upload is audited", func(t *testing.T) {
			entries, _, err := audit.List(ctx, d, 100, 0)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, e := range entries {
				if e.Action == "membership.logo_uploaded" && e.Object == appObject(a.ID) {
					n++
				}
			}
			if n != 1 {
				t.Errorf("%d audit entries for one accepted upload", n)
			}
		})

		t.Run("on approval the logo becomes the member's, served publicly with an ETag", func(t *testing.T) {
			m := &Member{Kind: Organization, Name: a.Name, Group: TechnicalCommunity, Country: "VN"}
			bare := &Member{Kind: Organization, Name: Names{En: "No Logo"}, Group: Business, Country: "TH"}
			for _, x := range []*Member{m, bare} {
				if err := w.s.Add(ctx, &actor.Actor{Email: "test"}, x); err != nil {
					t.Fatal(err)
				}
			}
			err := d.Tx(ctx, func(tx *db.Tx) error {
				if err := copyLogo(ctx, tx, a.ID, m.ID); err != nil {
					return err
				}
				return copyLogo(ctx, tx, 999999, bare.ID) // no logo: nothing happens
			})
			if err != nil {
				t.Fatal(err)
			}
			path := fmt.Sprintf("/members/logos/%d.png", m.ID)
			r := w.get(path, "")
			if r.StatusCode != http.StatusOK || !bytes.Equal(r.body, stored) {
				t.Fatalf("member logo: %d", r.StatusCode)
			}
			sum := sha256.Sum256(stored)
			etag := `"` + hex.EncodeToString(sum[:]) + `"`
			if r.Header.Get("ETag") != etag || r.Header.Get("Cache-Control") != "public, max-age=86400" || r.Header.Get("Vary") != "" {
				t.Errorf("headers %v", r.Header)
			}
			n := w.get(path, "", "If-None-Match", `"other", `+etag)
			if n.StatusCode != http.StatusNotModified || n.Header.Get("ETag") != etag {
				t.Errorf("revalidation: %d %v", n.StatusCode, n.Header)
			}
			if n := w.get(path, "", "If-None-Match", `"other"`); n.StatusCode != http.StatusOK {
				t.Errorf("a stale ETag: %d", n.StatusCode)
			}
			u, err := w.s.MemberLogoURL(ctx, m.ID)
			if err != nil || u != fmt.Sprintf("/members/logos/%d.png?v=%s", m.ID, hex.EncodeToString(sum[:])[:16]) {
				t.Errorf("URL %q %v", u, err)
			}
			if r := w.get(u, ""); r.StatusCode != http.StatusOK {
				t.Errorf("the URL answers %d", r.StatusCode)
			}
			for _, p := range []string{fmt.Sprintf("/members/logos/%d.png", bare.ID), "/members/logos/999999.png",
				fmt.Sprintf("/members/logos/%d", m.ID), "/members/logos/x.png", "/members/logos/-1.png"} {
				if r := w.get(p, ""); r.StatusCode != http.StatusNotFound {
					t.Errorf("%s: %d", p, r.StatusCode)
				}
			}
			if u, err := w.s.MemberLogoURL(ctx, bare.ID); u != "" || err != nil {
				t.Errorf("URL without a logo %q %v", u, err)
			}
			// A member who is not active has no public logo.
			if _, err := d.Exec(ctx, "UPDATE members SET status = 'suspended' WHERE id = ?", m.ID); err != nil {
				t.Fatal(err)
			}
			if r := w.get(path, ""); r.StatusCode != http.StatusNotFound {
				t.Errorf("a suspended member's logo: %d", r.StatusCode)
			}
		})

		t.Run("after a refused upload, the language links lead back to the form", func(t *testing.T) {
			r := w.get(fmt.Sprintf("/members/applications/%d/logo?lang=zh-Hans", a.ID), applicant)
			if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != fmt.Sprintf("/members/apply?id=%d", a.ID) {
				t.Errorf("%d %q", r.StatusCode, r.Header.Get("Location"))
			}
		})
	})
}

// FuzzLogo feeds the upload checker anything: it never panics, and either
// refuses with an Invalid error at the field "logo" or returns a PNG of at
// most LogoSide × LogoSide.
func FuzzLogo(f *testing.F) {
	var g bytes.Buffer
	gif.Encode(&g, testImage(4, 4), nil)
	for _, seed := range [][]byte{
		pngOf(f, testImage(9, 7)),
		pngOf(f, testImage(600, 20)),
		jpegOf(f, testImage(9, 7)),
		webpLossless, webpLossy,
		g.Bytes(),
		pngBomb(20000, 20000),
		pngBomb(3, 3),
		[]byte("\x89PNG\r\n\x1a\n"),
		[]byte("RIFF\x00\x00\x00\x00WEBPVP8X"),
		[]byte("\xff\xd8\xff"),
		{},
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := checkLogo(data)
		if err != nil {
			logoKey(t, err)
			return
		}
		checkStored(t, l)
	})
}
