package calls

// Attachments: the files of a submission and its video link.
//
// A call says what its form takes (Attachments): PDFs up to a size, how
// many, images, a video link. The server enforces it; the form only says
// so. A file is checked by its content, never by its name or declared
// type: a PDF starts with "%PDF-" and is kept as sent; an image must be a
// PNG, JPEG or WebP whose size, read from its header before anything is
// decoded, is within MaxImageSide and MaxImagePixels, and it is decoded,
// scaled down to fit ImageSide × ImageSide and re-encoded as JPEG (which
// drops its metadata and whatever else the file carried), as members'
// logos and speakers' photos are. Files live in the database
// (call_attachments.data), as speakers' photos do.
//
// Who may download a file: the submitter and the confirmed co-authors,
// the secretariat, the reviewers assigned to the submission (under blind
// review with a neutral file name, "attachment-ID.pdf", since names often
// carry authors' or organisations' names), and, once the submission is a
// selected case of a call whose results are published, anyone.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"net/url"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/webp"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/audit"
	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/pdf"
)

// Attachments is what a call's submission form takes. The API's shape:
// {"pdf_max_mb":10,"pdfs_max":3,"images_max":5,"video_link":true}.
type Attachments struct {
	PDFMaxMB  int  `json:"pdf_max_mb"` // the largest PDF, in MB (2²⁰ bytes); 0: no PDFs
	PDFsMax   int  `json:"pdfs_max"`   // how many PDFs a submission may have, per round
	ImagesMax int  `json:"images_max"` // how many images, per round; 0: none
	VideoLink bool `json:"video_link"` // whether it takes a video link (https)
}

// DefaultAttachments is what a call takes when it does not say.
var DefaultAttachments = Attachments{PDFMaxMB: 10, PDFsMax: 3, ImagesMax: 5, VideoLink: true}

// Limits on attachments, whatever the call says.
const (
	MaxPDFMB       = 20         // the largest PDF limit a call may set, in MB
	MaxFiles       = 10         // the most PDFs, or images, a call may allow
	MaxImageBytes  = 10 << 20   // an uploaded image file
	MaxImagePixels = 40_000_000 // an uploaded image's width × height
	MaxImageSide   = 10000      // its width and its height
	ImageSide      = 1600       // the stored JPEG fits in ImageSide × ImageSide
	// MaxUploadBytes is the most any upload reads: the larger of the PDF
	// and image limits.
	MaxUploadBytes = MaxPDFMB << 20
)

// The kinds of attachment. Stored, do not rename.
const (
	KindPDF   = "pdf"
	KindImage = "image"
)

func (a *Attachments) validate(fe *errs.Fields) {
	if a.PDFMaxMB > 0 && a.PDFsMax == 0 {
		a.PDFsMax = 1
	}
	if a.PDFMaxMB < 0 || a.PDFMaxMB > MaxPDFMB {
		fe.Add("attachments.pdf_max_mb", "calls.attachment.pdf_limit_invalid", MaxPDFMB)
	}
	if a.PDFsMax < 0 || a.PDFsMax > MaxFiles {
		fe.Add("attachments.pdfs_max", "calls.attachment.count_invalid", MaxFiles)
	}
	if a.ImagesMax < 0 || a.ImagesMax > MaxFiles {
		fe.Add("attachments.images_max", "calls.attachment.count_invalid", MaxFiles)
	}
	if a.PDFMaxMB == 0 {
		a.PDFsMax = 0
	}
}

// Takes reports whether the form takes files at all.
func (a Attachments) Takes() bool { return a.PDFMaxMB > 0 || a.ImagesMax > 0 }

// Accept is the file input's accept attribute.
func (a Attachments) Accept() string {
	var out []string
	if a.PDFMaxMB > 0 {
		out = append(out, "application/pdf")
	}
	if a.ImagesMax > 0 {
		out = append(out, "image/png", "image/jpeg", "image/webp")
	}
	return strings.Join(out, ",")
}

// checkVideoURL checks a video link: an https URL with a host, and only
// where the call takes one.
func checkVideoURL(fe *errs.Fields, field, v string, allowed bool) {
	if v == "" {
		return
	}
	if !allowed {
		fe.Add(field, "calls.attachment.video_not_taken")
		return
	}
	u, err := url.Parse(v)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || len(v) > 2000 {
		fe.Add(field, "calls.attachment.video_https")
	}
}

// Attachment is a file of a submission.
type Attachment struct {
	ID           int64     `json:"id"`
	SubmissionID int64     `json:"submission_id"`
	Round        int       `json:"round"`
	Kind         string    `json:"kind"` // pdf or image
	Name         string    `json:"name"` // neutral under blind review
	ContentType  string    `json:"content_type"`
	Size         int64     `json:"size"`
	Width        int       `json:"width,omitempty"`
	Height       int       `json:"height,omitempty"`
	URL          string    `json:"url"` // where it is downloaded
	Created      time.Time `json:"created_at"`
	Data         []byte    `json:"-"`
}

// SizeText is the size as the reader sees it: "1.2 MB", "340 KB".
func (a Attachment) SizeText() string {
	if a.Size >= 1<<20 {
		return fmt.Sprintf("%.1f MB", float64(a.Size)/(1<<20))
	}
	return fmt.Sprintf("%d KB", max(1, (a.Size+1023)/1024))
}

// neutralName is the name a blind reviewer is given.
func (a *Attachment) neutralName() string {
	ext := "pdf"
	if a.Kind == KindImage {
		ext = "jpg"
	}
	return fmt.Sprintf("attachment-%d.%s", a.ID, ext)
}

func attachmentError(key string, args ...any) error {
	var fe errs.Fields
	fe.Add("file", key, args...)
	return fe.Err()
}

func errFileMissing() error { return attachmentError("calls.attachment.missing") }

// upload is a checked file, ready to store.
type upload struct {
	kind, name, contentType string
	data                    []byte
	width, height           int
}

// checkUpload checks a file by its content against the call's rules;
// every refusal is an Invalid error at the field "file".
func checkUpload(rules *Attachments, name string, data []byte) (*upload, error) {
	if len(data) == 0 {
		return nil, errFileMissing()
	}
	types := rules.typesText()
	switch {
	case bytes.HasPrefix(data, []byte("%PDF-")):
		if rules.PDFMaxMB == 0 {
			return nil, attachmentError("calls.attachment.type", types)
		}
		if len(data) > rules.PDFMaxMB<<20 {
			return nil, attachmentError("calls.attachment.too_large", fmt.Sprintf("%d MB", rules.PDFMaxMB))
		}
		return &upload{kind: KindPDF, name: cleanName(name, "document", ".pdf"), contentType: "application/pdf", data: data}, nil
	case sniffImage(data) != nil:
		if rules.ImagesMax == 0 {
			return nil, attachmentError("calls.attachment.type", types)
		}
		if len(data) > MaxImageBytes {
			return nil, attachmentError("calls.attachment.too_large", fmt.Sprintf("%d MB", MaxImageBytes>>20))
		}
		jpg, w, h, err := reencode(data)
		if err != nil {
			return nil, err
		}
		return &upload{kind: KindImage, name: cleanName(name, "image", ".jpg"), contentType: "image/jpeg", data: jpg, width: w, height: h}, nil
	}
	if types == "" {
		return nil, attachmentError("calls.attachment.none_taken")
	}
	return nil, attachmentError("calls.attachment.type", types)
}

// typesText names the kinds of file the call takes, for messages.
func (a Attachments) typesText() string {
	var out []string
	if a.PDFMaxMB > 0 {
		out = append(out, "PDF")
	}
	if a.ImagesMax > 0 {
		out = append(out, "PNG, JPEG, WebP")
	}
	return strings.Join(out, ", ")
}

type imageCodec struct {
	config func(io.Reader) (image.Config, error)
	decode func(io.Reader) (image.Image, error)
}

// sniffImage returns the codec of data by its magic bytes, or nil.
func sniffImage(data []byte) *imageCodec {
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return &imageCodec{png.DecodeConfig, png.Decode}
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		return &imageCodec{jpeg.DecodeConfig, jpeg.Decode}
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		return &imageCodec{webp.DecodeConfig, webp.Decode}
	}
	return nil
}

// reencode decodes an image, its size read from its header first, and
// returns it as a JPEG within ImageSide × ImageSide.
func reencode(data []byte) ([]byte, int, int, error) {
	codec := sniffImage(data)
	corrupt := attachmentError("calls.attachment.corrupt")
	cfg, err := codec.config(bytes.NewReader(data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, 0, 0, corrupt
	}
	if cfg.Width > MaxImageSide || cfg.Height > MaxImageSide || cfg.Width*cfg.Height > MaxImagePixels {
		return nil, 0, 0, attachmentError("calls.attachment.too_many_pixels", MaxImagePixels/1_000_000)
	}
	img, err := decodeImage(codec, data)
	if err != nil {
		return nil, 0, 0, corrupt
	}
	if b := img.Bounds(); b.Dx() != cfg.Width || b.Dy() != cfg.Height {
		return nil, 0, 0, corrupt
	}
	out := fitImage(img, ImageSide)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, out, &jpeg.Options{Quality: 85}); err != nil {
		return nil, 0, 0, corrupt
	}
	b := out.Bounds()
	return buf.Bytes(), b.Dx(), b.Dy(), nil
}

// decodeImage decodes data, turning a panic of the decoder into an error.
func decodeImage(codec *imageCodec, data []byte) (img image.Image, err error) {
	defer func() {
		if p := recover(); p != nil {
			img, err = nil, fmt.Errorf("calls: image decoder panicked: %v", p)
		}
	}()
	return codec.decode(bytes.NewReader(data))
}

// fitImage returns img scaled down to fit side × side, keeping its aspect
// ratio, on white where it was transparent.
func fitImage(img image.Image, side int) *image.RGBA {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w > side || h > side {
		if w >= h {
			w, h = side, max(1, h*side/w)
		} else {
			w, h = max(1, w*side/h), side
		}
	}
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	xdraw.Draw(out, out.Bounds(), image.NewUniform(color.White), image.Point{}, xdraw.Src)
	xdraw.CatmullRom.Scale(out, out.Bounds(), img, b, xdraw.Over, nil)
	return out
}

// imageSlot lets one image be decoded at a time in this process.
var imageSlot = make(chan struct{}, 1)

// cleanName keeps the last element of a file name, without control
// characters or quotes, within 120 characters, ending in ext.
func cleanName(name, def, ext string) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '"' || r == '/' || r == utf8.RuneError {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(name, path.Ext(name)), "."))
	if name == "" || name == "." {
		name = def
	}
	if r := []rune(name); len(r) > 120 {
		name = string(r[:120])
	}
	return name + ext
}

const attachmentColumns = `id, submission_id, round, kind, name, content_type, size, width, height, created_at`

func scanAttachment(r db.Scanner) (Attachment, error) {
	var a Attachment
	err := r.Scan(&a.ID, &a.SubmissionID, &a.Round, &a.Kind, &a.Name, &a.ContentType, &a.Size, &a.Width, &a.Height, &a.Created)
	a.URL = fmt.Sprintf("/call-attachments/%d", a.ID)
	return a, err
}

// attachments returns the files of submission subID, by round and in the
// order they were added; blind gives them neutral names.
func (s *Store) attachments(ctx context.Context, q db.Querier, subID int64, blind bool) ([]Attachment, error) {
	list, err := db.All(ctx, q, "calls: attachments", scanAttachment, "SELECT "+attachmentColumns+
		" FROM call_attachments WHERE submission_id = ? ORDER BY round, id", subID)
	if blind {
		for i := range list {
			list[i].Name = list[i].neutralName()
		}
	}
	return list, err
}

// Attachments returns the files of submission subID (names as given):
// for pages whose reader may see them.
func (s *Store) Attachments(ctx context.Context, subID int64) ([]Attachment, error) {
	return s.attachments(ctx, s.DB, subID, false)
}

// uploadWindow checks that by may change the files of sub in round at
// now: its submitter, on a submission not withdrawn, before the deadline
// (the call's for round 1, the round's for round 2).
func (s *Store) uploadWindow(ctx context.Context, tx *db.Tx, by *actor.Actor, sub *Submission, c *Call, round int) error {
	if sub.SubmitterID != by.ID {
		return errs.NotFoundError()
	}
	if sub.Status == Withdrawn {
		return errs.New(errs.Conflict, "calls.withdrawn")
	}
	now := tx.Now()
	switch round {
	case 1:
		if c.Closed(now) {
			return &DeadlineError{Call: c, Closed: true}
		}
		return nil
	case 2:
		return s.roundMaterialWindow(ctx, tx, c, sub, now)
	}
	return attachmentError("calls.round.invalid")
}

// AddAttachment checks a file (checkUpload) and adds it to submission
// subID for round, for its submitter, within the call's number of files
// of its kind. name is the file's name as sent. The file's faults are
// Invalid at "file"; after the deadline the error is a *DeadlineError.
// Audited.
func (s *Store) AddAttachment(ctx context.Context, by *actor.Actor, subID int64, round int, name string, data []byte) (*Attachment, error) {
	sub, err := s.submission(ctx, s.DB, subID, "")
	if err != nil {
		return nil, err
	}
	if sub.SubmitterID != by.ID {
		return nil, errs.NotFoundError()
	}
	c, err := s.CallByID(ctx, sub.CallID)
	if err != nil {
		return nil, err
	}
	var up *upload
	if sniffImage(data) != nil {
		select {
		case imageSlot <- struct{}{}:
			up, err = checkUpload(c.Attachments, name, data)
			<-imageSlot
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	} else {
		up, err = checkUpload(c.Attachments, name, data)
	}
	if err != nil {
		return nil, err
	}
	a := &Attachment{SubmissionID: subID, Round: round, Kind: up.kind, Name: up.name, ContentType: up.contentType,
		Size: int64(len(up.data)), Width: up.width, Height: up.height}
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		sub, err := s.submission(ctx, tx, subID, tx.ForUpdate())
		if err != nil {
			return err
		}
		if err := s.uploadWindow(ctx, tx, by, sub, c, round); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM call_attachments WHERE submission_id = ? AND round = ? AND kind = ?",
			subID, round, up.kind).Scan(&n); err != nil {
			return err
		}
		if most := c.Attachments.PDFsMax; up.kind == KindPDF && n >= most {
			return attachmentError("calls.attachment.pdfs_max", most)
		}
		if most := c.Attachments.ImagesMax; up.kind == KindImage && n >= most {
			return attachmentError("calls.attachment.images_max", most)
		}
		sum := sha256.Sum256(up.data)
		now := tx.Now()
		a.Created = now
		if err := tx.QueryRow(ctx, `-- calls.AddAttachment
			INSERT INTO call_attachments (submission_id, round, kind, name, content_type, size, width, height, hash, data, uploaded_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			subID, round, a.Kind, a.Name, a.ContentType, a.Size, a.Width, a.Height, hex.EncodeToString(sum[:]), up.data,
			by.ID, now).Scan(&a.ID); err != nil {
			return err
		}
		a.URL = fmt.Sprintf("/call-attachments/%d", a.ID)
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "call.attachment_add",
			Object: submissionObject(subID), Details: map[string]any{"attachment_id": a.ID, "kind": a.Kind, "size": a.Size, "round": round}})
	})
	if err != nil {
		return nil, fmt.Errorf("calls: add attachment: %w", err)
	}
	return a, nil
}

// RemoveAttachment deletes file id of a submission, for its submitter,
// within the same time as adding it. Audited.
func (s *Store) RemoveAttachment(ctx context.Context, by *actor.Actor, id int64) (int64, error) {
	var subID int64
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		var round int
		err := tx.QueryRow(ctx, "SELECT submission_id, round FROM call_attachments WHERE id = ?", id).Scan(&subID, &round)
		if db.IsNotFound(err) {
			return errs.NotFoundError()
		}
		if err != nil {
			return err
		}
		sub, err := s.submission(ctx, tx, subID, tx.ForUpdate())
		if err != nil {
			return err
		}
		c, err := s.call(ctx, tx, "id = ?", sub.CallID)
		if err != nil {
			return err
		}
		if err := s.uploadWindow(ctx, tx, by, sub, c, round); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM call_attachments WHERE id = ?", id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "call.attachment_remove",
			Object: submissionObject(subID), Details: map[string]any{"attachment_id": id}})
	})
	if err != nil {
		return subID, fmt.Errorf("calls: remove attachment: %w", err)
	}
	return subID, nil
}

// errForbiddenFile is the refusal of a download to someone who may not
// have the file.
func errForbiddenFile() error { return errs.New(errs.Forbidden, "calls.attachment.forbidden") }

// AttachmentFile returns file id with its content to viewer (nil: the
// public) if they may download it: the submission's authors, the
// secretariat, its assigned reviewers (under blind review a neutral
// name, and a PDF without its document metadata), and anyone once it is a published selected case. Anyone else
// gets Forbidden; a file that does not exist is NotFound.
func (s *Store) AttachmentFile(ctx context.Context, viewer *actor.Actor, id int64) (*Attachment, error) {
	row := s.DB.QueryRow(ctx, "SELECT "+attachmentColumns+", data FROM call_attachments WHERE id = ?", id)
	var a Attachment
	err := row.Scan(&a.ID, &a.SubmissionID, &a.Round, &a.Kind, &a.Name, &a.ContentType, &a.Size, &a.Width, &a.Height, &a.Created, &a.Data)
	if db.IsNotFound(err) {
		return nil, errs.NotFoundError()
	}
	if err != nil {
		return nil, fmt.Errorf("calls: attachment %d: %w", id, err)
	}
	sub, err := s.submission(ctx, s.DB, a.SubmissionID, "")
	if err != nil {
		return nil, err
	}
	c, err := s.CallByID(ctx, sub.CallID)
	if err != nil {
		return nil, err
	}
	if sub.PublishedAt != nil && sub.Decision == Selected && sub.Status == Submitted && c.ResultsOut() {
		return &a, nil
	}
	if viewer == nil {
		return nil, errForbiddenFile()
	}
	if auth.Can(viewer, PermManage) || sub.isAuthor(viewer.ID) {
		return &a, nil
	}
	if sub.Status == Submitted {
		var n int
		if err := s.DB.QueryRow(ctx, `SELECT count(*) FROM call_reviews r JOIN call_reviewers v ON v.id = r.reviewer_id
			WHERE r.submission_id = ? AND v.user_id = ? AND r.status <> 'conflict'`, sub.ID, viewer.ID).Scan(&n); err != nil {
			return nil, fmt.Errorf("calls: attachment %d: %w", id, err)
		}
		if n > 0 {
			if c.Blind {
				// Blind review: neither the file's name nor its document
				// metadata (/Info, XMP) may name the authors. Images
				// carry none: they were re-encoded when uploaded.
				a.Name = a.neutralName()
				if a.Kind == KindPDF {
					a.Data = pdf.StripMetadata(a.Data)
				}
			}
			return &a, nil
		}
	}
	return nil, errForbiddenFile()
}

// errUploadLarge is a file over the route's limit, read as it came.
func errUploadLarge() error {
	return attachmentError("calls.attachment.too_large", fmt.Sprintf("%d MB", MaxUploadBytes>>20))
}
