package calls

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/web"
)

// formRoutes are the routes of attachments and of the second round.
func (h *Handlers) formRoutes() []web.Route {
	limit := int64(MaxUploadBytes + 64<<10)
	return append([]web.Route{
		{Method: "POST", Path: "/submissions/{id}/attachments", Access: web.SignedIn, Handle: h.uploadAttachment, MaxBody: limit},
		// After a refused upload the page's language links point here.
		{Method: "GET", Path: "/submissions/{id}/attachments", Access: web.SignedIn, Handle: h.toSubmission},
		{Method: "POST", Path: "/submissions/{id}/attachments/{aid}/remove", Access: web.SignedIn, Handle: h.removeAttachment},
		{Method: "GET", Path: "/call-attachments/{id}", Access: web.Public, Handle: h.downloadAttachment},
		{Method: "POST", Path: "/api/v1/submissions/{id}/attachments", Access: web.SignedIn, Handle: h.apiUploadAttachment, MaxBody: limit},
	}, h.roundRoutes()...)
}

func (h *Handlers) toSubmission(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return c.Redirect(fmt.Sprintf("/submissions/%d#attachments", id))
}

// readAttachment returns the file sent in the multipart field "file" with
// its name, and the round of the field "round" (1 unless "2"), reading at
// most MaxUploadBytes of the file. The part's declared Content-Type is
// ignored: the content decides.
func readAttachment(r *http.Request) (name string, data []byte, round int, err error) {
	round = 1
	mr, err := r.MultipartReader()
	if err != nil {
		return "", nil, round, errFileMissing()
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return "", nil, round, errFileMissing()
		}
		if err != nil {
			return "", nil, round, uploadFault(err)
		}
		switch part.FormName() {
		case "round":
			b, err := io.ReadAll(io.LimitReader(part, 8))
			if err != nil {
				return "", nil, round, uploadFault(err)
			}
			if n, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
				round = n
			}
		case "file":
			data, err := io.ReadAll(io.LimitReader(part, MaxUploadBytes+1))
			if err != nil {
				return "", nil, round, uploadFault(err)
			}
			if len(data) > MaxUploadBytes {
				return "", nil, round, errUploadLarge()
			}
			if len(data) == 0 {
				return "", nil, round, errFileMissing()
			}
			return part.FileName(), data, round, nil
		}
	}
}

func uploadFault(err error) error {
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		return errUploadLarge()
	}
	return errs.Wrap(errs.Invalid, "error.invalid", err)
}

// uploadAttachment receives a file for the submitter's own submission and
// returns to its page; a refused file comes back at the page's file field.
func (h *Handlers) uploadAttachment(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	name, data, round, err := readAttachment(c.R)
	if err == nil {
		_, err = h.Store.AddAttachment(c.Context(), c.User, id, round, name, data)
	}
	if err != nil {
		return h.failOnSubmission(c, err, id)
	}
	return c.Redirect(fmt.Sprintf("/submissions/%d?uploaded=1#attachments", id))
}

// failOnSubmission shows the submission page with err at its field, or
// returns err when it is not the person's to fix.
func (h *Handlers) failOnSubmission(c *web.Ctx, err error, id int64) error {
	if code := errs.CodeOf(err); code == errs.Internal || code == errs.NotFound {
		return err
	}
	f := &web.Form{Values: url.Values{}}
	status := c.Fail(f, err)
	var de *DeadlineError
	if errors.As(err, &de) {
		f.Message = de.Detail(c.P)
	}
	return h.submissionPage(c, status, f, id)
}

func (h *Handlers) removeAttachment(c *web.Ctx) error {
	aid, err := strconv.ParseInt(c.R.PathValue("aid"), 10, 64)
	if err != nil || aid <= 0 {
		return web.NotFound()
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	subID, err := h.Store.RemoveAttachment(c.Context(), c.User, aid)
	if err == nil && subID != id {
		return web.NotFound()
	}
	if err != nil {
		return h.failOnSubmission(c, err, id)
	}
	return c.Redirect(fmt.Sprintf("/submissions/%d#attachments", id))
}

// downloadAttachment answers a file to whoever may have it, always as a
// download (Content-Disposition: attachment) of its own type, never
// sniffed.
func (h *Handlers) downloadAttachment(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	a, err := h.Store.AttachmentFile(c.Context(), c.User, id)
	if err != nil {
		return err
	}
	name := a.Name
	if mime.FormatMediaType("attachment", map[string]string{"filename": name}) == "" {
		name = a.neutralName()
	}
	return c.Download(name, a.ContentType, a.Data, a.Created)
}

// apiUploadAttachment: POST /api/v1/submissions/{id}/attachments, a
// multipart body with the file in "file" (and "round": 2 for a second
// round's material) → 201 the attachment.
func (h *Handlers) apiUploadAttachment(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	name, data, round, err := readAttachment(c.R)
	if err != nil {
		return err
	}
	a, err := h.Store.AddAttachment(c.Context(), c.User, id, round, name, data)
	if err != nil {
		return deadlineProblem(c, err)
	}
	c.W.Header().Set("Location", a.URL)
	return c.JSON(http.StatusCreated, a)
}

// attachmentsForm reads the call form's attachment settings; a number
// that is not one is said so at its field.
func attachmentsForm(f *web.Form, bad *errs.Fields) *Attachments {
	atoi := func(k string) int {
		s := strings.TrimSpace(f.Get(k))
		n, err := strconv.Atoi(s)
		if err != nil && s != "" && !bad.Has(k) {
			bad.Add(k, "calls.number_invalid")
		}
		return n
	}
	return &Attachments{PDFMaxMB: atoi("attachments.pdf_max_mb"), PDFsMax: atoi("attachments.pdfs_max"),
		ImagesMax: atoi("attachments.images_max"), VideoLink: f.Get("attachments.video_link") == "yes"}
}

// attachmentsValues fills the call form with a's settings.
func attachmentsValues(v url.Values, a *Attachments) {
	if a == nil {
		d := DefaultAttachments
		a = &d
	}
	v.Set("attachments.pdf_max_mb", strconv.Itoa(a.PDFMaxMB))
	v.Set("attachments.pdfs_max", strconv.Itoa(a.PDFsMax))
	v.Set("attachments.images_max", strconv.Itoa(a.ImagesMax))
	if a.VideoLink {
		v.Set("attachments.video_link", "yes")
	}
}

// MaxImageMP is the most pixels of an uploaded image, in millions.
func (o options) MaxImageMP() int { return MaxImagePixels / 1_000_000 }
