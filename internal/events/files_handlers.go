package events

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/web"
)

// The files of registrations: given on the registration form (multipart)
// or through the API after the registration; downloaded by the registrant
// and the secretariat; the photo shown at the check-in desk.

func (h *Handlers) fileRoutes() []web.Route {
	manage, checkin := web.Perm(PermManage), web.Perm(PermCheckIn)
	return []web.Route{
		{Method: "GET", Path: "/registrations/{id}/files/{question}", Access: web.SignedIn, Handle: h.downloadFile},
		{Method: "GET", Path: "/registrations/{id}/photo.jpg", Access: checkin, Handle: h.registrationPhoto},
		{Method: "GET", Path: "/admin/registrations/{id}", Access: manage, Handle: h.adminRegistration},
		{Method: "POST", Path: "/api/v1/registrations/{id}/files/{question}", Access: web.SignedIn, Handle: h.apiUploadFile,
			MaxBody: MaxFileMB<<20 + 64<<10},
		{Method: "GET", Path: "/api/v1/registrations/{id}/photo.jpg", Access: checkin, Handle: h.registrationPhoto},
	}
}

// errFormTooLarge is a registration form over MaxUploadBytes.
func errFormTooLarge() error {
	return errs.Newf(errs.Invalid, "events.file.form_too_large", fmt.Sprintf("%d MB", MaxUploadBytes>>20))
}

// readRegisterForm reads the registration form: url-encoded, or multipart
// with the files answering file and photo questions (by the question's
// code; a file input left empty is no answer). A file is read up to the
// largest limit of a question (MaxFileMB); its own question's limit is
// checked by CheckFiles. A body over the route's limit comes back as the
// form's message with what was read of the form.
func readRegisterForm(c *web.Ctx) (*web.Form, map[string][]byte, error) {
	mt, _, _ := mime.ParseMediaType(c.R.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		f, err := c.Form()
		return f, nil, err
	}
	f := &web.Form{Values: url.Values{}}
	files := map[string][]byte{}
	mr, err := c.R.MultipartReader()
	if err != nil {
		return f, nil, errs.Wrap(errs.Invalid, "error.invalid", err)
	}
	var fe errs.Fields
	text := 0
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return f, nil, uploadError(err)
		}
		name := part.FormName()
		if !utf8.ValidString(name) || strings.ContainsRune(name, 0) || name == "" {
			return f, nil, errs.New(errs.Invalid, "error.invalid")
		}
		if part.FileName() != "" || part.Header.Get("Content-Type") != "" && !strings.HasPrefix(part.Header.Get("Content-Type"), "text/plain") {
			data, err := io.ReadAll(io.LimitReader(part, MaxFileMB<<20+1))
			if err != nil {
				return f, nil, uploadError(err)
			}
			switch {
			case len(data) > MaxFileMB<<20:
				fe.Add(name, "events.file.too_large", fmt.Sprintf("%d MB", MaxFileMB))
			case len(data) > 0:
				files[name] = data
			}
			continue
		}
		b, err := io.ReadAll(io.LimitReader(part, 64<<10+1))
		if err != nil {
			return f, nil, uploadError(err)
		}
		text += len(b)
		if len(b) > 64<<10 || text > 1<<20 {
			return f, nil, errs.New(errs.Invalid, "error.too_large")
		}
		if !utf8.Valid(b) || bytes.IndexByte(b, 0) >= 0 {
			fe.Add(strings.ToValidUTF8(name, "\uFFFD"), "error.unstorable_text")
			continue
		}
		f.Values.Add(name, string(b))
	}
	return f, files, fe.Err()
}

func uploadError(err error) error {
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		return errFormTooLarge()
	}
	return errs.Wrap(errs.Invalid, "error.invalid", err)
}

// downloadFile sends a registration's file to the registrant or the
// secretariat, as an attachment that the browser never renders in the
// site's origin.
func (h *Handlers) downloadFile(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	f, r, err := h.Store.File(c.Context(), id, c.R.PathValue("question"), c.User.ID, c.Can(PermManage))
	if err != nil {
		return err
	}
	return c.Download(r.Number()+"-"+f.Question+f.Ext(), f.ContentType, f.Data, f.Created)
}

// registrationPhoto sends a registrant's photo: to check-in staff and the
// secretariat (the route's permission), for the desk and the admin page.
func (h *Handlers) registrationPhoto(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	f, err := h.Store.RegistrationPhoto(c.Context(), id)
	if err != nil {
		return err
	}
	hd := c.W.Header()
	hd.Set("Content-Type", "image/jpeg")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Cache-Control", "private, no-store")
	hd.Set("Content-Length", fmt.Sprint(len(f.Data)))
	c.W.WriteHeader(http.StatusOK)
	_, err = c.W.Write(f.Data)
	return err
}

// adminRegistration is one registration for the secretariat: every
// answer, the files to download, the photo.
func (h *Handlers) adminRegistration(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	r, err := h.Store.Registration(c.Context(), id, 0, true)
	if err != nil {
		return err
	}
	files, err := h.Store.Files(c.Context(), id)
	if err != nil {
		return err
	}
	byCode := map[string]*RegFile{}
	photo := false
	for _, f := range files {
		byCode[f.Question] = f
		photo = photo || f.Kind == PhotoQuestion
	}
	c.W.Header().Set("Cache-Control", "no-store")
	return c.Render(http.StatusOK, "events/admin_registration", map[string]any{"R": r, "Files": byCode, "Photo": photo,
		"Options": optionsFor(c.Lang)})
}

// apiUploadFile takes the body as the file answering a question of the
// registrant's registration (the registration JSON is sent before, to
// /api/v1/events/{slug}/registrations): 201 with where it stands.
func (h *Handlers) apiUploadFile(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	data, err := io.ReadAll(c.R.Body)
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return errs.Wrap(errs.Invalid, "error.too_large", err)
		}
		return errs.Wrap(errs.Invalid, "error.invalid", err)
	}
	q := c.R.PathValue("question")
	f, err := h.Store.SetFile(c.Context(), c.User, id, q, data)
	if err != nil {
		return err
	}
	r, err := h.Store.Registration(c.Context(), id, c.User.ID, false)
	if err != nil {
		return err
	}
	missing, err := h.Store.MissingFiles(c.Context(), r)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"question": f.Question, "content_type": f.ContentType, "size": f.Size,
		"sha256": f.Hash, "files_missing": missing})
}
