package events

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/wuzhen/wuzhen/internal/errs"
)

// quadrants is w × h: red top left, green top right, blue bottom left,
// transparent bottom right.
func quadrants(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.NRGBA{0, 0, 0, 0}
			switch {
			case x < w/2 && y < h/2:
				c = color.NRGBA{220, 20, 20, 255}
			case y < h/2:
				c = color.NRGBA{20, 200, 20, 255}
			case x < w/2:
				c = color.NRGBA{20, 20, 220, 255}
			}
			img.SetNRGBA(x, y, c)
		}
	}
	return img
}

func encodePNG(t *testing.T, img image.Image) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodeJPEG(t *testing.T, img image.Image) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// withOrientation puts an EXIF segment with orientation o after a JPEG's
// start marker.
func withOrientation(data []byte, o uint16) []byte {
	var tiff bytes.Buffer
	tiff.WriteString("MM\x00\x2a")
	binary.Write(&tiff, binary.BigEndian, uint32(8)) // IFD0 at 8
	binary.Write(&tiff, binary.BigEndian, uint16(1)) // one entry
	binary.Write(&tiff, binary.BigEndian, []uint16{0x0112, 3})
	binary.Write(&tiff, binary.BigEndian, uint32(1))
	binary.Write(&tiff, binary.BigEndian, []uint16{o, 0})
	binary.Write(&tiff, binary.BigEndian, uint32(0)) // no next IFD
	seg := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	var out bytes.Buffer
	out.Write(data[:2])
	out.Write([]byte{0xff, 0xe1})
	binary.Write(&out, binary.BigEndian, uint16(len(seg)+2))
	out.Write(seg)
	out.Write(data[2:])
	return out.Bytes()
}

func near(c color.Color, r, g, b uint8) bool {
	cr, cg, cb, _ := c.RGBA()
	d := func(x uint32, y uint8) bool { v := int(x>>8) - int(y); return v > -40 && v < 40 }
	return d(cr, r) && d(cg, g) && d(cb, b)
}

func decodeJPEG(t *testing.T, p *Photo) image.Image {
	t.Helper()
	img, err := jpeg.Decode(bytes.NewReader(p.JPEG))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != p.Width || b.Dy() != p.Height {
		t.Fatalf("stored %d×%d, says %d×%d", b.Dx(), b.Dy(), p.Width, p.Height)
	}
	return img
}

func TestPhotoScaledAndFlattened(t *testing.T) {
	p, err := checkPhoto(encodePNG(t, quadrants(1200, 800)))
	if err != nil {
		t.Fatal(err)
	}
	if p.Width != PhotoSide || p.Height != 320 || len(p.Hash) != 64 {
		t.Fatalf("photo %d×%d hash %q", p.Width, p.Height, p.Hash)
	}
	img := decodeJPEG(t, p)
	for _, c := range []struct {
		x, y    int
		r, g, b uint8
	}{{10, 10, 220, 20, 20}, {470, 10, 20, 200, 20}, {10, 310, 20, 20, 220}, {470, 310, 255, 255, 255}} {
		if got := img.At(c.x, c.y); !near(got, c.r, c.g, c.b) {
			t.Errorf("pixel %d,%d = %v, want about %d,%d,%d", c.x, c.y, got, c.r, c.g, c.b)
		}
	}
	// A small photo keeps its size.
	if p, err := checkPhoto(encodeJPEG(t, quadrants(64, 48))); err != nil || p.Width != 64 || p.Height != 48 {
		t.Fatalf("small photo %v %v", p, err)
	}
}

func TestPhotoOrientation(t *testing.T) {
	src := encodeJPEG(t, quadrants(200, 100))
	// 6: the camera was turned; shown turned right, red is at the top right.
	p, err := checkPhoto(withOrientation(src, 6))
	if err != nil {
		t.Fatal(err)
	}
	if p.Width != 100 || p.Height != 200 {
		t.Fatalf("orientation 6: %d×%d, want 100×200", p.Width, p.Height)
	}
	img := decodeJPEG(t, p)
	if !near(img.At(90, 10), 220, 20, 20) || !near(img.At(10, 10), 20, 20, 220) || !near(img.At(90, 190), 20, 200, 20) {
		t.Errorf("orientation 6 not turned right: top right %v, top left %v", img.At(90, 10), img.At(10, 10))
	}
	// 3: upside down; red ends bottom right.
	p, err = checkPhoto(withOrientation(src, 3))
	if err != nil || p.Width != 200 || p.Height != 100 {
		t.Fatalf("orientation 3: %v %v", p, err)
	}
	if img := decodeJPEG(t, p); !near(img.At(190, 90), 220, 20, 20) {
		t.Errorf("orientation 3 not turned: %v", img.At(190, 90))
	}
	if o := exifOrientation(withOrientation(src, 8)); o != 8 {
		t.Errorf("orientation read %d, want 8", o)
	}
	if o := exifOrientation(src); o != 1 {
		t.Errorf("orientation without EXIF %d", o)
	}
}

// pngHeader is a PNG of only a signature and a header claiming w × h.
func pngHeader(w, h uint32) []byte {
	var ihdr bytes.Buffer
	binary.Write(&ihdr, binary.BigEndian, []uint32{w, h})
	ihdr.Write([]byte{8, 6, 0, 0, 0})
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	binary.Write(&b, binary.BigEndian, uint32(ihdr.Len()))
	b.WriteString("IHDR")
	b.Write(ihdr.Bytes())
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte("IHDR"), ihdr.Bytes()...)))
	return b.Bytes()
}

func TestPhotoRefused(t *testing.T) {
	gif := []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;")
	for name, c := range map[string]struct {
		data []byte
		key  string
	}{
		"empty":      {nil, "events.photo.missing"},
		"gif":        {gif, "events.photo.type"},
		"svg":        {[]byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`), "events.photo.type"},
		"huge":       {pngHeader(7000, 7000), "events.photo.too_many_pixels"},
		"wide":       {pngHeader(9000, 10), "events.photo.too_many_pixels"},
		"truncated":  {pngHeader(100, 100), "events.photo.corrupt"},
		"too large":  {append(encodePNG(t, quadrants(8, 8)), make([]byte, MaxPhotoBytes)...), "events.photo.too_large"},
		"bad header": {[]byte("\xff\xd8\xff\xe0garbage"), "events.photo.corrupt"},
	} {
		_, err := checkPhoto(c.data)
		e, ok := errs.As(err)
		if !ok || e.Code != errs.Invalid || len(e.Fields) != 1 || e.Fields[0].Name != "photo" || e.Fields[0].Key != c.key {
			t.Errorf("%s: %v, want %s at photo", name, err, c.key)
		}
	}
}

// FuzzPhoto: no upload makes checkPhoto panic, and what it accepts is a
// JPEG within the limits.
func FuzzPhoto(f *testing.F) {
	f.Add(encodePNGf(f, quadrants(20, 10)))
	f.Add(withOrientation(encodeJPEGf(f, quadrants(20, 10)), 6))
	f.Add(pngHeader(10, 10))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := checkPhoto(data)
		if err != nil {
			return
		}
		img, err := jpeg.Decode(bytes.NewReader(p.JPEG))
		if err != nil {
			t.Fatalf("accepted, but not a JPEG: %v", err)
		}
		if b := img.Bounds(); b.Dx() > PhotoSide || b.Dy() > PhotoSide {
			t.Fatalf("accepted %d×%d", b.Dx(), b.Dy())
		}
	})
}

func encodePNGf(f *testing.F, img image.Image) []byte {
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}

func encodeJPEGf(f *testing.F, img image.Image) []byte {
	var b bytes.Buffer
	jpeg.Encode(&b, img, nil)
	return b.Bytes()
}
