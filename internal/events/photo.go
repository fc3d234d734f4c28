package events

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"time"

	xdraw "golang.org/x/image/draw"

	"github.com/wuzhen/wuzhen/internal/errs"
)

// Photos of speakers and moderators, as members' logos are handled
// (internal/members/logo.go): the upload is checked by its content, never
// by its name or declared type; its size is read from its header before
// anything is decoded; it is decoded, turned upright by its EXIF
// orientation, scaled down to fit PhotoSide × PhotoSide and re-encoded as
// JPEG, which drops any metadata and whatever else the file carried. The
// JPEG lives in the database.

// Limits on photos.
const (
	MaxPhotoBytes  = 5 << 20    // the uploaded file
	MaxPhotoPixels = 30_000_000 // the uploaded image's width × height
	MaxPhotoSide   = 8000       // its width and its height
	PhotoSide      = 480        // the stored JPEG fits in PhotoSide × PhotoSide
)

// for messages
const (
	photoFormats = "JPEG, PNG"
	photoLimit   = "5 MB" // MaxPhotoBytes
)

// Photo is a stored photo.
type Photo struct {
	JPEG          []byte
	Hash          string // hex SHA-256 of JPEG
	Width, Height int
	Updated       time.Time
}

func photoError(key string, args ...any) error {
	var fe errs.Fields
	fe.Add("photo", key, args...)
	return fe.Err()
}

func errPhotoMissing() error { return photoError("events.photo.missing") }
func errPhotoLarge() error   { return photoError("events.photo.too_large", photoLimit) }
func errPhotoType() error    { return photoError("events.photo.type", photoFormats) }
func errPhotoPixels() error {
	return photoError("events.photo.too_many_pixels", MaxPhotoPixels/1_000_000)
}
func errPhotoCorrupt() error { return photoError("events.photo.corrupt") }

// checkPhoto checks an uploaded image by its content and returns it as a
// JPEG of at most PhotoSide × PhotoSide. Every refusal is an Invalid error
// at the field "photo": no file, too many bytes, not a JPEG or PNG, too
// many pixels (read from the header, before decoding), or a file that
// does not decode.
func checkPhoto(data []byte) (*Photo, error) {
	return checkImage(data, MaxPhotoBytes, photoLimit, PhotoSide, false)
}

// checkImage is checkPhoto with its limits given: at most maxBytes (limit
// says so in messages), fit in side × side; with square, the centre
// square of the image is kept (a registrant's photo).
func checkImage(data []byte, maxBytes int, limit string, side int, square bool) (*Photo, error) {
	if len(data) == 0 {
		return nil, errPhotoMissing()
	}
	if len(data) > maxBytes {
		return nil, photoError("events.photo.too_large", limit)
	}
	var (
		config func(io.Reader) (image.Config, error)
		decode func(io.Reader) (image.Image, error)
	)
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		config, decode = png.DecodeConfig, png.Decode
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		config, decode = jpeg.DecodeConfig, jpeg.Decode
	default:
		return nil, errPhotoType()
	}
	cfg, err := config(bytes.NewReader(data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, errPhotoCorrupt()
	}
	if cfg.Width > MaxPhotoSide || cfg.Height > MaxPhotoSide || cfg.Width*cfg.Height > MaxPhotoPixels {
		return nil, errPhotoPixels()
	}
	img, err := decodeImage(decode, data)
	if err != nil {
		return nil, errPhotoCorrupt()
	}
	if b := img.Bounds(); b.Dx() != cfg.Width || b.Dy() != cfg.Height {
		return nil, errPhotoCorrupt()
	}
	if square {
		img = centreSquare(img)
	}
	out := fitPhoto(img, side, exifOrientation(data))
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, out, &jpeg.Options{Quality: 85}); err != nil {
		return nil, errPhotoCorrupt()
	}
	sum := sha256.Sum256(buf.Bytes())
	b := out.Bounds()
	return &Photo{JPEG: buf.Bytes(), Hash: hex.EncodeToString(sum[:]), Width: b.Dx(), Height: b.Dy()}, nil
}

// centreSquare returns the largest square at the centre of img: the same
// square whichever way the image is turned.
func centreSquare(img image.Image) image.Image {
	b := img.Bounds()
	n := min(b.Dx(), b.Dy())
	x, y := b.Min.X+(b.Dx()-n)/2, b.Min.Y+(b.Dy()-n)/2
	r := image.Rect(x, y, x+n, y+n)
	if sub, ok := img.(interface {
		SubImage(image.Rectangle) image.Image
	}); ok {
		return sub.SubImage(r)
	}
	out := image.NewRGBA(image.Rect(0, 0, n, n))
	xdraw.Draw(out, out.Bounds(), img, r.Min, xdraw.Src)
	return out
}

// decodeImage decodes data, turning a panic of the decoder into an error.
func decodeImage(decode func(io.Reader) (image.Image, error), data []byte) (img image.Image, err error) {
	defer func() {
		if p := recover(); p != nil {
			img, err = nil, fmt.Errorf("events: image decoder panicked: %v", p)
		}
	}()
	return decode(bytes.NewReader(data))
}

// fitPhoto returns img upright (by the EXIF orientation 1–8), scaled down
// to fit side × side keeping its aspect ratio, on white where it was
// transparent.
func fitPhoto(img image.Image, side, orientation int) *image.RGBA {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if orientation >= 5 && orientation <= 8 {
		w, h = h, w // turned a quarter
	}
	nw, nh := w, h
	if w > side || h > side {
		if w >= h {
			nw, nh = side, max(1, h*side/w)
		} else {
			nw, nh = max(1, w*side/h), side
		}
	}
	// Scale in the image's own orientation, then turn.
	sw, sh := nw, nh
	if orientation >= 5 && orientation <= 8 {
		sw, sh = nh, nw
	}
	scaled := image.NewRGBA(image.Rect(0, 0, sw, sh))
	xdraw.Draw(scaled, scaled.Bounds(), image.NewUniform(color.White), image.Point{}, xdraw.Src)
	xdraw.CatmullRom.Scale(scaled, scaled.Bounds(), img, b, xdraw.Over, nil)
	if orientation <= 1 || orientation > 8 {
		return scaled
	}
	out := image.NewRGBA(image.Rect(0, 0, nw, nh))
	for y := 0; y < sh; y++ {
		for x := 0; x < sw; x++ {
			dx, dy := orient(x, y, sw, sh, orientation)
			i, j := scaled.PixOffset(x, y), out.PixOffset(dx, dy)
			copy(out.Pix[j:j+4], scaled.Pix[i:i+4])
		}
	}
	return out
}

// orient maps a pixel of a w × h image stored with EXIF orientation o to
// its place in the upright image.
func orient(x, y, w, h, o int) (int, int) {
	switch o {
	case 2: // mirrored
		return w - 1 - x, y
	case 3: // upside down
		return w - 1 - x, h - 1 - y
	case 4: // upside down, mirrored
		return x, h - 1 - y
	case 5: // transposed
		return y, x
	case 6: // turned left: turn right
		return h - 1 - y, x
	case 7: // transversed
		return h - 1 - y, w - 1 - x
	case 8: // turned right: turn left
		return y, w - 1 - x
	}
	return x, y
}

// exifOrientation reads the orientation tag of a JPEG's EXIF segment, 1
// (upright) when there is none or it cannot be read.
func exifOrientation(data []byte) int {
	if !bytes.HasPrefix(data, []byte("\xff\xd8")) {
		return 1
	}
	p := 2
	for p+4 <= len(data) && data[p] == 0xff {
		marker := data[p+1]
		if marker == 0xda || marker == 0xd9 { // image data starts: no EXIF before it
			return 1
		}
		n := int(binary.BigEndian.Uint16(data[p+2:]))
		if n < 2 || p+2+n > len(data) {
			return 1
		}
		seg := data[p+4 : p+2+n]
		if marker == 0xe1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
			return tiffOrientation(seg[6:])
		}
		p += 2 + n
	}
	return 1
}

func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	ifd := int(bo.Uint32(t[4:]))
	if ifd < 8 || ifd+2 > len(t) {
		return 1
	}
	count := int(bo.Uint16(t[ifd:]))
	for i := 0; i < count; i++ {
		e := ifd + 2 + 12*i
		if e+12 > len(t) {
			return 1
		}
		if bo.Uint16(t[e:]) == 0x0112 && bo.Uint16(t[e+2:]) == 3 { // SHORT
			if o := int(bo.Uint16(t[e+8:])); o >= 1 && o <= 8 {
				return o
			}
			return 1
		}
	}
	return 1
}

// photoSlot lets one photo be decoded at a time in this process.
var photoSlot = make(chan struct{}, 1)

// processPhoto is checkPhoto, waiting for the decode slot.
func processPhoto(ctx context.Context, data []byte) (*Photo, error) {
	select {
	case photoSlot <- struct{}{}:
		defer func() { <-photoSlot }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return checkPhoto(data)
}
