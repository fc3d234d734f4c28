package members

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/image/webp"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/audit"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/web"
)

// Logos: an applicant uploads a PNG, JPEG or WebP image; it is checked by
// its content (never by its name or declared type), its size is read from
// its header before anything is decoded, and it is decoded, scaled down to
// fit LogoSide × LogoSide and re-encoded as PNG, which drops any metadata
// and anything else the file carried. The PNG lives in the database; the
// application's logo becomes the member's on approval (copyLogo).

// Limits on logos.
const (
	MaxLogoBytes = 2 << 20 // the uploaded file
	MaxLogoSide  = 4000    // the uploaded image's width and height, in pixels
	LogoSide     = 512     // the stored PNG fits in LogoSide × LogoSide
)

// logoFormats names the accepted formats, and logoLimit the largest file,
// for messages.
const (
	logoFormats = "PNG, JPEG, WebP"
	logoLimit   = "2 MB" // MaxLogoBytes
)

// Logo is a stored logo.
type Logo struct {
	PNG           []byte
	Hash          string // hex SHA-256 of PNG
	Width, Height int
	Updated       time.Time
}

// ETag is the logo's entity tag: its content hash.
func (l *Logo) ETag() string { return `"` + l.Hash + `"` }

// version is the short hash that logo URLs carry, so that a new logo gets
// a new URL while the old one stays cached.
func version(hash string) string { return hash[:min(len(hash), 16)] }

func logoError(key string, args ...any) error {
	var fe errs.Fields
	fe.Add("logo", key, args...)
	return fe.Err()
}

// The errors of an upload, at the field "logo".
func errLogoMissing() error { return logoError("members.logo_missing") }
func errLogoLarge() error   { return logoError("members.logo_too_large", logoLimit) }
func errLogoType() error    { return logoError("members.logo_type", logoFormats) }
func errLogoPixels() error {
	return logoError("members.logo_too_many_pixels", MaxLogoSide, MaxLogoSide)
}
func errLogoCorrupt() error { return logoError("members.logo_corrupt") }

// logoCodec reads one format.
type logoCodec struct {
	config func(io.Reader) (image.Config, error)
	decode func(io.Reader) (image.Image, error)
}

var (
	pngCodec  = logoCodec{png.DecodeConfig, png.Decode}
	jpegCodec = logoCodec{jpeg.DecodeConfig, jpeg.Decode}
	webpCodec = logoCodec{webp.DecodeConfig, webp.Decode}
)

// sniffLogo returns the codec of data's format by its magic bytes, or
// false for anything but PNG, JPEG and WebP.
func sniffLogo(data []byte) (logoCodec, bool) {
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return pngCodec, true
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		return jpegCodec, true
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		return webpCodec, true
	}
	return logoCodec{}, false
}

// checkLogo checks an uploaded image by its content and returns it as a
// PNG of at most LogoSide × LogoSide. Every refusal is an Invalid error at
// the field "logo": no file, too many bytes, not a PNG, JPEG or WebP, more
// than MaxLogoSide pixels across or down (read from the header, before
// decoding, so that a small file cannot make the server allocate a huge
// image), or a file that does not decode. Any caller may use it; it
// allocates in proportion to the image's declared size, which the limits
// bound (about 200 MB at worst, for a 4000 × 4000 progressive JPEG).
func checkLogo(data []byte) (*Logo, error) {
	if len(data) == 0 {
		return nil, errLogoMissing()
	}
	if len(data) > MaxLogoBytes {
		return nil, errLogoLarge()
	}
	codec, ok := sniffLogo(data)
	if !ok {
		return nil, errLogoType()
	}
	cfg, err := codec.config(bytes.NewReader(data))
	if err != nil {
		return nil, errLogoCorrupt()
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, errLogoCorrupt()
	}
	if cfg.Width > MaxLogoSide || cfg.Height > MaxLogoSide {
		return nil, errLogoPixels()
	}
	img, err := decodeSafely(codec, data)
	if err != nil {
		return nil, errLogoCorrupt()
	}
	if b := img.Bounds(); b.Dx() != cfg.Width || b.Dy() != cfg.Height {
		return nil, errLogoCorrupt()
	}
	out := fitLogo(img, LogoSide)
	var buf bytes.Buffer
	if err := png.Encode(&buf, out); err != nil {
		return nil, errLogoCorrupt()
	}
	sum := sha256.Sum256(buf.Bytes())
	b := out.Bounds()
	return &Logo{PNG: buf.Bytes(), Hash: hex.EncodeToString(sum[:]), Width: b.Dx(), Height: b.Dy()}, nil
}

// CheckLogo is checkLogo for a logo that is not a member's (the
// organisation's own, in package site, which may not import members; main
// hands it over): the stored PNG, or an Invalid error at the field "logo".
func CheckLogo(data []byte) ([]byte, error) {
	l, err := checkLogo(data)
	if err != nil {
		return nil, err
	}
	return l.PNG, nil
}

// UploadedLogo reads the logo sent in the multipart field "logo" of r and
// checks it as CheckLogo does; every refusal is an Invalid error at that
// field.
func UploadedLogo(r *http.Request) ([]byte, error) {
	data, err := readUpload(r, "logo", MaxLogoBytes)
	if err != nil {
		return nil, err
	}
	return CheckLogo(data)
}

// decodeSafely decodes data, turning a panic of the decoder into an error:
// the decoders are not supposed to panic, but they read outside input.
func decodeSafely(codec logoCodec, data []byte) (img image.Image, err error) {
	defer func() {
		if p := recover(); p != nil {
			img, err = nil, fmt.Errorf("members: image decoder panicked: %v", p)
		}
	}()
	return codec.decode(bytes.NewReader(data))
}

// fitLogo returns img scaled down to fit side × side, keeping its aspect
// ratio, as an image the PNG encoder writes in 8 bits per channel; an
// image that already fits keeps its size.
func fitLogo(img image.Image, side int) image.Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= side && h <= side {
		switch img.(type) {
		case *image.Paletted, *image.Gray, *image.NRGBA, *image.RGBA:
			return img
		}
		out := image.NewNRGBA(image.Rect(0, 0, w, h))
		draw.Draw(out, out.Bounds(), img, b.Min, draw.Src)
		return out
	}
	nw, nh := side, side
	if w > h {
		nh = max(1, int(math.Round(float64(h)*float64(side)/float64(w))))
	} else if h > w {
		nw = max(1, int(math.Round(float64(w)*float64(side)/float64(h))))
	}
	return boxScale(img, nw, nh)
}

// contribution is a source pixel's share of a destination pixel.
type contribution struct {
	dst    int
	weight float32
}

// boxWeights returns, for each of n source pixels along an axis, the
// destination pixels (of m ≤ n) it falls in and with what weight: each
// destination pixel averages the source pixels under it, the ones at its
// edges in proportion to how much of them it covers. A source pixel falls
// in at most two destination pixels.
func boxWeights(n, m int) [][]contribution {
	scale := float64(n) / float64(m)
	out := make([][]contribution, n)
	for d := 0; d < m; d++ {
		start, end := float64(d)*scale, float64(d+1)*scale
		for s := int(start); s < n && float64(s) < end; s++ {
			cover := math.Min(float64(s+1), end) - math.Max(float64(s), start)
			if cover > 1e-9 {
				out[s] = append(out[s], contribution{d, float32(cover / scale)})
			}
		}
	}
	return out
}

// boxScale scales img down to nw × nh by area averaging (a box filter
// with exact coverage) in premultiplied alpha, so that transparent pixels
// do not darken the edges. It reads the source one row at a time and keeps
// only the destination's sums besides.
func boxScale(img image.Image, nw, nh int) *image.NRGBA {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	xs, ys := boxWeights(w, nw), boxWeights(h, nh)
	row := image.NewRGBA(image.Rect(0, 0, w, 1)) // premultiplied
	line := make([]float32, nw*4)                // a source row scaled across
	sums := make([]float32, nw*nh*4)
	for y := 0; y < h; y++ {
		draw.Draw(row, row.Rect, img, image.Pt(b.Min.X, b.Min.Y+y), draw.Src)
		clear(line)
		for x, cs := range xs {
			p := row.Pix[x*4 : x*4+4 : x*4+4]
			r, g, bl, a := float32(p[0]), float32(p[1]), float32(p[2]), float32(p[3])
			for _, c := range cs {
				l := line[c.dst*4 : c.dst*4+4 : c.dst*4+4]
				l[0] += r * c.weight
				l[1] += g * c.weight
				l[2] += bl * c.weight
				l[3] += a * c.weight
			}
		}
		for _, c := range ys[y] {
			s := sums[c.dst*nw*4 : (c.dst+1)*nw*4]
			for i, v := range line {
				s[i] += v * c.weight
			}
		}
	}
	out := image.NewNRGBA(image.Rect(0, 0, nw, nh))
	for i := 0; i < len(sums); i += 4 {
		a := sums[i+3]
		if a < 0.5 {
			continue // fully transparent: stays 0, 0, 0, 0
		}
		out.Pix[i+3] = clamp8(a)
		for k := 0; k < 3; k++ {
			out.Pix[i+k] = clamp8(sums[i+k] * 255 / a)
		}
	}
	return out
}

func clamp8(v float32) uint8 {
	switch {
	case v <= 0:
		return 0
	case v >= 255:
		return 255
	}
	return uint8(v + 0.5)
}

// decodeSlot lets one image be decoded at a time in this process: a
// decoded logo may take a few hundred megabytes.
var decodeSlot = make(chan struct{}, 1)

// processLogo is checkLogo, waiting for the decode slot.
func processLogo(ctx context.Context, data []byte) (*Logo, error) {
	select {
	case decodeSlot <- struct{}{}:
		defer func() { <-decodeSlot }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return checkLogo(data)
}

// logoTable is where logos of one kind of owner live.
type logoTable struct{ table, key string }

var (
	applicationLogos = logoTable{"application_logos", "application_id"}
	memberLogos      = logoTable{"member_logos", "member_id"}
)

// putLogo stores l as the logo of owner id, replacing any.
func putLogo(ctx context.Context, tx *db.Tx, t logoTable, id int64, l *Logo) error {
	_, err := tx.Exec(ctx, `-- members.putLogo
		INSERT INTO `+t.table+` (`+t.key+`, png, hash, width, height, updated_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (`+t.key+`) DO UPDATE SET png = excluded.png, hash = excluded.hash, width = excluded.width,
			height = excluded.height, updated_at = excluded.updated_at`,
		id, l.PNG, l.Hash, l.Width, l.Height, l.Updated)
	if err != nil {
		return fmt.Errorf("members: store logo: %w", err)
	}
	return nil
}

// copyLogo makes the logo of application applicationID, if it has one,
// the logo of member memberID, in tx: admit calls it when an application
// is approved. Without a logo it does nothing.
func copyLogo(ctx context.Context, tx *db.Tx, applicationID, memberID int64) error {
	_, err := tx.Exec(ctx, `-- members.copyLogo
		INSERT INTO member_logos (member_id, png, hash, width, height, updated_at)
		SELECT CAST(? AS BIGINT), png, hash, width, height, updated_at FROM application_logos WHERE application_id = ?
		ON CONFLICT (member_id) DO UPDATE SET png = excluded.png, hash = excluded.hash, width = excluded.width,
			height = excluded.height, updated_at = excluded.updated_at`,
		memberID, applicationID)
	if err != nil {
		return fmt.Errorf("members: copy logo of application %d: %w", applicationID, err)
	}
	return nil
}

// SetApplicationLogo checks an uploaded image (checkLogo) and stores it,
// re-encoded, as the logo of the actor's own application while the
// applicant may still change it. The image's faults are Invalid at the
// field "logo"; another's application is NotFound; an application no longer
// editable is a Conflict.
func (s *Store) SetApplicationLogo(ctx context.Context, by *actor.Actor, appID int64, upload []byte) (*Logo, error) {
	l, err := processLogo(ctx, upload)
	if err != nil {
		return nil, err
	}
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		a, err := s.application(ctx, tx, appID, tx.ForUpdate())
		if err != nil {
			return err
		}
		if a.ApplicantID != by.ID {
			return errs.New(errs.NotFound, "error.not_found")
		}
		if !a.Editable() {
			return errs.New(errs.Conflict, "members.not_editable")
		}
		l.Updated = tx.Now()
		if err := putLogo(ctx, tx, applicationLogos, appID, l); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE membership_applications SET updated_at = ? WHERE id = ?", l.Updated, appID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "membership.logo_uploaded",
			Object: appObject(appID), Details: map[string]any{"hash": l.Hash, "width": l.Width, "height": l.Height}})
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

func (s *Store) logo(ctx context.Context, q string, id int64) (*Logo, error) {
	l := &Logo{}
	err := s.DB.QueryRow(ctx, q, id).Scan(&l.PNG, &l.Hash, &l.Width, &l.Height, &l.Updated)
	if db.IsNotFound(err) {
		return nil, errs.New(errs.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("members: logo: %w", err)
	}
	return l, nil
}

// MemberLogo returns the logo of an active member; anyone may call it. A
// member without a logo, or not active, is NotFound.
func (s *Store) MemberLogo(ctx context.Context, memberID int64) (*Logo, error) {
	return s.logo(ctx, `-- members.MemberLogo
		SELECT l.png, l.hash, l.width, l.height, l.updated_at FROM member_logos l JOIN members m ON m.id = l.member_id
		WHERE l.member_id = ? AND m.status = 'active'`, memberID)
}

// ApplicationLogo returns the logo of an application to its applicant and
// to reviewers; anyone else, and an application without a logo, get
// NotFound.
func (s *Store) ApplicationLogo(ctx context.Context, viewer *actor.Actor, appID int64) (*Logo, error) {
	if _, err := s.Application(ctx, viewer, appID); err != nil {
		return nil, err
	}
	return s.logo(ctx, "SELECT png, hash, width, height, updated_at FROM application_logos WHERE application_id = ?", appID)
}

// logoHash returns the hash of the logo of owner id, "" when it has none.
func (s *Store) logoHash(ctx context.Context, t logoTable, id int64) (string, error) {
	var hash string
	err := s.DB.QueryRow(ctx, "SELECT hash FROM "+t.table+" WHERE "+t.key+" = ?", id).Scan(&hash)
	if db.IsNotFound(err) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("members: logo: %w", err)
	}
	return hash, nil
}

// MemberLogoURL returns the address of a member's logo, "" when it has
// none; the address changes with the logo.
func (s *Store) MemberLogoURL(ctx context.Context, memberID int64) (string, error) {
	hash, err := s.logoHash(ctx, memberLogos, memberID)
	if hash == "" || err != nil {
		return "", err
	}
	return fmt.Sprintf("/members/logos/%d.png?v=%s", memberID, version(hash)), nil
}

// ApplicationLogoURL returns the address of an application's logo, ""
// when it has none; the address changes with the logo. The address answers
// only the applicant and reviewers.
func (s *Store) ApplicationLogoURL(ctx context.Context, appID int64) (string, error) {
	hash, err := s.logoHash(ctx, applicationLogos, appID)
	if hash == "" || err != nil {
		return "", err
	}
	return fmt.Sprintf("/members/applications/%d/logo.png?v=%s", appID, version(hash)), nil
}

// logoRoutes serve and receive logos. A member's logo is at
// /members/logos/{id}.png rather than /members/{id}/logo.png, which
// ServeMux refuses beside /members/applications/{id} (both would match
// /members/applications/logo.png).
func (h *Handlers) logoRoutes() []web.Route {
	return []web.Route{
		{Method: "GET", Path: "/members/logos/{file}", Access: web.Public, Handle: h.memberLogo},
		{Method: "GET", Path: "/members/applications/{id}/logo.png", Access: web.SignedIn, Handle: h.applicationLogo},
		{Method: "POST", Path: "/members/applications/{id}/logo", Access: web.SignedIn, Handle: h.uploadLogo,
			MaxBody: MaxLogoBytes + 64<<10},
		// After a refused upload the page's language links point here.
		{Method: "GET", Path: "/members/applications/{id}/logo", Access: web.SignedIn, Handle: h.logoPage},
	}
}

// serveLogo answers a logo with its ETag; a request whose If-None-Match
// names it gets 304 Not Modified.
func serveLogo(c *web.Ctx, l *Logo, cacheControl string) {
	hd := c.W.Header()
	hd.Set("ETag", l.ETag())
	hd.Set("Cache-Control", cacheControl)
	http.ServeContent(c.W, c.R, "logo.png", l.Updated, bytes.NewReader(l.PNG))
}

func (h *Handlers) memberLogo(c *web.Ctx) error {
	s, ok := strings.CutSuffix(c.R.PathValue("file"), ".png")
	id, err := strconv.ParseInt(s, 10, 64)
	if !ok || err != nil || id <= 0 {
		return web.NotFound()
	}
	l, err := h.Store.MemberLogo(c.Context(), id)
	if err != nil {
		return err
	}
	// The same bytes for everyone, in every language.
	c.W.Header().Del("Vary")
	c.W.Header().Del("Content-Language")
	serveLogo(c, l, "public, max-age=86400")
	return nil
}

func (h *Handlers) applicationLogo(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	l, err := h.Store.ApplicationLogo(c.Context(), c.User, id)
	if err != nil {
		return err
	}
	serveLogo(c, l, "private, no-cache")
	return nil
}

func (h *Handlers) logoPage(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return c.Redirect(fmt.Sprintf("/members/apply?id=%d", id))
}

// readUpload returns the file sent in the multipart field name, reading at
// most max bytes of it: more is errLogoLarge. The part's file name and
// Content-Type are ignored; the content decides.
func readUpload(r *http.Request, name string, max int64) ([]byte, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, errLogoMissing()
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, errLogoMissing()
		}
		if err != nil {
			return nil, uploadError(err)
		}
		if part.FormName() != name {
			continue
		}
		data, err := io.ReadAll(io.LimitReader(part, max+1))
		if err != nil {
			return nil, uploadError(err)
		}
		if int64(len(data)) > max {
			return nil, errLogoLarge()
		}
		if len(data) == 0 {
			return nil, errLogoMissing()
		}
		return data, nil
	}
}

func uploadError(err error) error {
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		return errLogoLarge()
	}
	return errs.Wrap(errs.Invalid, "error.invalid", err)
}

// uploadLogo receives an applicant's logo for their own application
// (multipart, field "logo") and returns to the application form; a refused
// file comes back at the form's logo field.
func (h *Handlers) uploadLogo(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	a, err := h.Store.Application(c.Context(), c.User, id)
	if err != nil {
		return err
	}
	if a.ApplicantID != c.User.ID {
		return web.NotFound()
	}
	if !a.Editable() {
		return errs.New(errs.Conflict, "members.not_editable")
	}
	data, err := readUpload(c.R, "logo", MaxLogoBytes)
	if err == nil {
		_, err = h.Store.SetApplicationLogo(c.Context(), c.User, id, data)
	}
	if err != nil {
		if e, ok := errs.As(err); !ok || e.Code != errs.Invalid {
			return err
		}
		f := formOf(a)
		if err := h.withLogo(c.Context(), f, id); err != nil {
			return err
		}
		return c.RenderForm(c.Fail(f, err), "members/apply", f, applyData{Application: a, Options: optionsFor(c.Lang)})
	}
	return c.Redirect(fmt.Sprintf("/members/apply?id=%d#logo", id))
}

// withLogo puts the address of application appID's logo into the form of
// the application page, as "logo_url" ("" when it has none, or for appID
// 0, a new application), for the page to show it. It replaces any value
// posted under that name.
func (h *Handlers) withLogo(ctx context.Context, f *web.Form, appID int64) error {
	u := ""
	if appID != 0 {
		var err error
		if u, err = h.Store.ApplicationLogoURL(ctx, appID); err != nil {
			return err
		}
	}
	f.Values.Set("logo_url", u)
	return nil
}

// LogoHint says, in the page's language, which files the logo field takes.
func (o options) LogoHint() string {
	return i18n.For(o.Lang).T("members.logo.hint", logoFormats, logoLimit, LogoSide, LogoSide)
}
