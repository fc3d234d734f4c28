package events

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/members"
	"github.com/wuzhen/wuzhen/internal/web"
)

// The secretariat's programme pages: an event's sessions, a session's
// form with who appears in it, and the people (shared by every event).

// programmeOptions are the choices of the programme forms.
type programmeOptions struct {
	options
	Formats   []Format
	Languages []string
	Roles     []Role
}

func programmeOptionsFor(lang string) programmeOptions {
	return programmeOptions{options: optionsFor(lang), Formats: Formats, Languages: SessionLanguages, Roles: Roles}
}

func (h *Handlers) adminProgramme(c *web.Ctx) error {
	e, err := h.Store.Event(c.Context(), c.R.PathValue("slug"), true)
	if err != nil {
		return err
	}
	list, err := h.Store.Sessions(c.Context(), e)
	if err != nil {
		return err
	}
	children, _, err := h.Store.List(c.Context(), Filter{ParentID: e.ID, Staff: true}, 0, 0)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "events/admin_programme", map[string]any{"Event": e, "Sessions": list, "Children": children,
		"Options": programmeOptionsFor(c.Lang)})
}

// castRow is one row of the session form's people.
type castRow struct {
	N            int
	Person, Role string
}

// sessionForm fills the session form from a stored session.
func sessionForm(x *Session) *web.Form {
	v := url.Values{}
	for prefix, t := range map[string]i18n.Text{"title": x.Title, "description": x.Description} {
		v.Set(prefix+"_en", t.En)
		v.Set(prefix+"_zh_hans", t.Hans)
		v.Set(prefix+"_zh_hant", t.Hant)
	}
	v.Set("starts_at", x.Local(x.Starts))
	v.Set("ends_at", x.Local(x.Ends))
	v.Set("room", x.Room)
	v.Set("room_zh_hans", x.RoomHans)
	v.Set("room_zh_hant", x.RoomHant)
	v.Set("format", string(x.Format))
	v.Set("language", x.Language)
	v["interpretation"] = x.Interpretation
	for _, a := range x.People {
		v.Add("person", strconv.FormatInt(a.Person.ID, 10))
		v.Add("role", string(a.Role))
	}
	return &web.Form{Values: v}
}

// sessionOfForm reads the session form in the event's zone; a time that
// cannot be read stays zero, which validation reports at its field.
func sessionOfForm(f *web.Form, e *Event) (*Session, []Cast, error) {
	x := &Session{Title: textOf(f, "title"), Description: textOf(f, "description"), Room: f.Get("room"), RoomHans: f.Get("room_zh_hans"), RoomHant: f.Get("room_zh_hant"),
		Format: Format(f.Get("format")), Language: f.Get("language"), Interpretation: f.Values["interpretation"]}
	x.Starts, _ = ParseTime(f.Get("starts_at"), e.Location(), false)
	x.Ends, _ = ParseTime(f.Get("ends_at"), e.Location(), false)
	var cast []Cast
	people, roles := f.Values["person"], f.Values["role"]
	for i, p := range people {
		if strings.TrimSpace(p) == "" {
			continue
		}
		id, err := strconv.ParseInt(strings.TrimSpace(p), 10, 64)
		if err != nil {
			return x, nil, errs.Fields{{Name: "people", Key: "events.session.people_unknown"}}.Err()
		}
		role := Speaker
		if i < len(roles) {
			role = Role(roles[i])
		}
		cast = append(cast, Cast{PersonID: id, Role: role})
	}
	return x, cast, nil
}

func (h *Handlers) newSessionForm(c *web.Ctx) error {
	e, err := h.Store.Event(c.Context(), c.R.PathValue("slug"), true)
	if err != nil {
		return err
	}
	v := url.Values{"format": {string(Panel)}}
	// A new session starts where the last one ended.
	list, err := h.Store.Sessions(c.Context(), e)
	if err != nil {
		return err
	}
	start := e.Starts
	if len(list) > 0 {
		start = list[len(list)-1].Ends
	}
	v.Set("starts_at", e.Local(start))
	v.Set("ends_at", e.Local(start.Add(time.Hour)))
	if len(e.Languages) > 0 {
		if l := strings.SplitN(e.Languages[0], "-", 2)[0]; contains(SessionLanguages, l) {
			v.Set("language", l)
		}
	}
	return h.renderSessionForm(c, http.StatusOK, e, nil, &web.Form{Values: v})
}

func (h *Handlers) renderSessionForm(c *web.Ctx, status int, e *Event, x *Session, f *web.Form) error {
	people, _, err := h.Store.People(c.Context(), "", 0, 0)
	if err != nil {
		return err
	}
	list, err := h.Store.Sessions(c.Context(), e)
	if err != nil {
		return err
	}
	rooms := map[string]bool{}
	for _, s := range list {
		if s.Room != "" {
			rooms[s.Room] = true
		}
	}
	var roomList []string
	for r := range rooms {
		roomList = append(roomList, r)
	}
	sort.Slice(roomList, func(i, j int) bool { return naturalLess(roomList[i], roomList[j]) })
	var rows []castRow
	ps, rs := f.Values["person"], f.Values["role"]
	for i, p := range ps {
		if strings.TrimSpace(p) == "" {
			continue
		}
		r := string(Speaker)
		if i < len(rs) {
			r = rs[i]
		}
		rows = append(rows, castRow{Person: p, Role: r})
	}
	for n, want := len(rows), max(4, len(rows)+2); n < want; n++ {
		role := Speaker
		if n == 0 {
			role = Moderator
		}
		rows = append(rows, castRow{Role: string(role)})
	}
	for i := range rows {
		rows[i].N = i + 1
	}
	return c.RenderForm(status, "events/admin_session", f, map[string]any{"Event": e, "S": x, "People": people, "Rows": rows,
		"Rooms": roomList, "Options": programmeOptionsFor(c.Lang), "Zone": e.Zone(c.Lang)})
}

func (h *Handlers) createSession(c *web.Ctx) error {
	e, err := h.Store.Event(c.Context(), c.R.PathValue("slug"), true)
	if err != nil {
		return err
	}
	f, err := c.Form()
	if err != nil {
		return err
	}
	x, cast, err := sessionOfForm(f, e)
	if err == nil {
		err = h.Store.SaveSession(c.Context(), c.User, e.Slug, x, cast)
	}
	if err != nil {
		return h.renderSessionForm(c, c.Fail(f, err), e, nil, f)
	}
	return c.Redirect(fmt.Sprintf("/admin/events/%s/programme#s-%d", e.Slug, x.ID))
}

// adminSession reads the event and the session of the path, which must
// belong to it.
func (h *Handlers) adminSession(c *web.Ctx) (*Event, *Session, error) {
	e, err := h.Store.Event(c.Context(), c.R.PathValue("slug"), true)
	if err != nil {
		return nil, nil, err
	}
	id, err := pathID(c)
	if err != nil {
		return nil, nil, err
	}
	x, err := h.Store.Session(c.Context(), id, true)
	if err != nil {
		return nil, nil, err
	}
	if x.EventID != e.ID {
		return nil, nil, web.NotFound()
	}
	return e, x, nil
}

func (h *Handlers) editSessionForm(c *web.Ctx) error {
	e, x, err := h.adminSession(c)
	if err != nil {
		return err
	}
	return h.renderSessionForm(c, http.StatusOK, e, x, sessionForm(x))
}

func (h *Handlers) updateSession(c *web.Ctx) error {
	e, old, err := h.adminSession(c)
	if err != nil {
		return err
	}
	f, err := c.Form()
	if err != nil {
		return err
	}
	x, cast, err := sessionOfForm(f, e)
	x.ID = old.ID
	if err == nil {
		err = h.Store.SaveSession(c.Context(), c.User, e.Slug, x, cast)
	}
	if err != nil {
		return h.renderSessionForm(c, c.Fail(f, err), e, old, f)
	}
	return c.Redirect(fmt.Sprintf("/admin/events/%s/programme#s-%d", e.Slug, x.ID))
}

func (h *Handlers) deleteSession(c *web.Ctx) error {
	e, x, err := h.adminSession(c)
	if err != nil {
		return err
	}
	if err := h.Store.DeleteSession(c.Context(), c.User, e.Slug, x.ID); err != nil {
		return err
	}
	return c.Redirect("/admin/events/" + e.Slug + "/programme")
}

// People.

func (h *Handlers) adminPeople(c *web.Ctx) error {
	e, err := h.Store.Event(c.Context(), c.R.PathValue("slug"), true)
	if err != nil {
		return err
	}
	q := c.R.URL.Query()
	page, per := paging(q, 50)
	list, total, err := h.Store.People(c.Context(), q.Get("q"), per, (page-1)*per)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "events/admin_people", map[string]any{"Event": e, "People": list, "Total": total,
		"Query": q.Get("q"), "Pager": web.NewPager(q, page, per, total), "Options": optionsFor(c.Lang)})
}

// personForm fills the person form from a stored person.
func personForm(p *Person) *web.Form {
	v := url.Values{}
	v.Set("name", p.Name)
	v.Set("name_latin", p.NameLatin)
	for prefix, t := range map[string]i18n.Text{"organization": p.Organization, "bio": p.Bio} {
		v.Set(prefix+"_en", t.En)
		v.Set(prefix+"_zh_hans", t.Hans)
		v.Set(prefix+"_zh_hant", t.Hant)
	}
	v.Set("country", p.Country)
	v.Set("stakeholder_group", string(p.Group))
	return &web.Form{Values: v}
}

func personOfForm(f *web.Form) *Person {
	return &Person{Name: f.Get("name"), NameLatin: f.Get("name_latin"), Organization: textOf(f, "organization"),
		Country: f.Get("country"), Group: members.Group(f.Get("stakeholder_group")), Bio: textOf(f, "bio")}
}

func (h *Handlers) newPersonForm(c *web.Ctx) error {
	e, err := h.Store.Event(c.Context(), c.R.PathValue("slug"), true)
	if err != nil {
		return err
	}
	return h.renderPersonForm(c, http.StatusOK, e, nil, nil, &web.Form{Values: url.Values{}}, nil)
}

func (h *Handlers) renderPersonForm(c *web.Ctx, status int, e *Event, p *Person, sessions []*Session, f, photo *web.Form) error {
	if photo == nil {
		photo = &web.Form{Values: url.Values{}}
	}
	return c.RenderForm(status, "events/admin_person", f, map[string]any{"Event": e, "P": p, "Sessions": sessions,
		"PhotoForm": photo, "Options": optionsFor(c.Lang), "PhotoHint": c.P.T("events.photo.hint", photoFormats, photoLimit, PhotoSide, PhotoSide)})
}

func (h *Handlers) createPerson(c *web.Ctx) error {
	e, err := h.Store.Event(c.Context(), c.R.PathValue("slug"), true)
	if err != nil {
		return err
	}
	f, err := c.Form()
	if err != nil {
		return err
	}
	p := personOfForm(f)
	if err := h.Store.SavePerson(c.Context(), c.User, p); err != nil {
		return h.renderPersonForm(c, c.Fail(f, err), e, nil, nil, f, nil)
	}
	return c.Redirect(fmt.Sprintf("/admin/events/%s/programme/people/%d", e.Slug, p.ID))
}

// adminPerson reads the event and the person of the path.
func (h *Handlers) adminPerson(c *web.Ctx) (*Event, *Person, []*Session, error) {
	e, err := h.Store.Event(c.Context(), c.R.PathValue("slug"), true)
	if err != nil {
		return nil, nil, nil, err
	}
	id, err := pathID(c)
	if err != nil {
		return nil, nil, nil, err
	}
	p, list, err := h.Store.Person(c.Context(), id, true)
	if err != nil {
		return nil, nil, nil, err
	}
	return e, p, list, nil
}

func (h *Handlers) editPersonForm(c *web.Ctx) error {
	e, p, list, err := h.adminPerson(c)
	if err != nil {
		return err
	}
	return h.renderPersonForm(c, http.StatusOK, e, p, list, personForm(p), nil)
}

func (h *Handlers) updatePerson(c *web.Ctx) error {
	e, old, list, err := h.adminPerson(c)
	if err != nil {
		return err
	}
	f, err := c.Form()
	if err != nil {
		return err
	}
	p := personOfForm(f)
	p.ID = old.ID
	if err := h.Store.SavePerson(c.Context(), c.User, p); err != nil {
		return h.renderPersonForm(c, c.Fail(f, err), e, old, list, f, nil)
	}
	return c.Redirect(fmt.Sprintf("/admin/events/%s/programme/people/%d", e.Slug, p.ID))
}

// uploadPhoto receives a person's photo (multipart, field "photo"), or,
// with the field "remove", takes it away; a refused file comes back at
// the form's photo field.
func (h *Handlers) uploadPhoto(c *web.Ctx) error {
	e, p, list, err := h.adminPerson(c)
	if err != nil {
		return err
	}
	data, remove, err := readPhoto(c.R)
	switch {
	case err == nil && remove:
		err = h.Store.RemovePhoto(c.Context(), c.User, p.ID)
	case err == nil:
		_, err = h.Store.SetPhoto(c.Context(), c.User, p.ID, data)
	}
	if err != nil {
		if e, ok := errs.As(err); !ok || e.Code != errs.Invalid {
			return err
		}
		photo := &web.Form{Values: url.Values{}}
		return h.renderPersonForm(c, c.Fail(photo, err), e, p, list, personForm(p), photo)
	}
	return c.Redirect(fmt.Sprintf("/admin/events/%s/programme/people/%d#photo", e.Slug, p.ID))
}

func (h *Handlers) toPerson(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return c.Redirect(fmt.Sprintf("/admin/events/%s/programme/people/%d", url.PathEscape(c.R.PathValue("slug")), id))
}

// readPhoto returns the file sent in the multipart field "photo", reading
// at most MaxPhotoBytes of it, or remove true when the field "remove" is
// sent. The part's file name and Content-Type are ignored.
func readPhoto(r *http.Request) (data []byte, remove bool, err error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, false, errPhotoMissing()
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, false, errPhotoMissing()
		}
		if err != nil {
			return nil, false, photoUploadError(err)
		}
		switch part.FormName() {
		case "remove":
			return nil, true, nil
		case "photo":
			data, err := io.ReadAll(io.LimitReader(part, MaxPhotoBytes+1))
			if err != nil {
				return nil, false, photoUploadError(err)
			}
			if len(data) > MaxPhotoBytes {
				return nil, false, errPhotoLarge()
			}
			if len(data) == 0 {
				return nil, false, errPhotoMissing()
			}
			return data, false, nil
		}
	}
}

func photoUploadError(err error) error {
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		return errPhotoLarge()
	}
	return errs.Wrap(errs.Invalid, "error.invalid", err)
}
