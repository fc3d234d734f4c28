package events

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/web"
)

// programmeRoutes are the programme's part of the events route table:
// the public timetable, session and speaker pages and calendar feeds; the
// personal agenda; the secretariat's pages; the API.
func (h *Handlers) programmeRoutes() []web.Route {
	manage := web.Perm(PermManage)
	return []web.Route{
		{Method: "GET", Path: "/events/{slug}/programme", Access: web.Public, Handle: h.programme, Cache: true},
		{Method: "GET", Path: "/events/{slug}/speakers", Access: web.Public, Handle: h.eventSpeakers, Cache: true},
		{Method: "GET", Path: "/events/{slug}/sessions/{id}", Access: web.Public, Handle: h.sessionPage, Cache: true},
		{Method: "GET", Path: "/events/{slug}/sessions/{id}/calendar.ics", Access: web.Public, Handle: h.sessionCalendar, Cache: true},
		{Method: "GET", Path: "/speakers/{id}", Access: web.Public, Handle: h.speakerPage, Cache: true},
		{Method: "GET", Path: "/speakers/{id}/photo.jpg", Access: web.Public, Handle: h.photo},

		{Method: "GET", Path: "/agenda", Access: web.SignedIn, Handle: h.agenda},
		{Method: "POST", Path: "/agenda/add", Access: web.SignedIn, Handle: h.agendaAdd},
		{Method: "POST", Path: "/agenda/remove", Access: web.SignedIn, Handle: h.agendaRemove},
		{Method: "GET", Path: "/agenda/calendar.ics", Access: web.SignedIn, Handle: h.agendaCalendar},
		{Method: "POST", Path: "/agenda/feed", Access: web.SignedIn, Handle: h.agendaFeed},
		// After a new address is shown, the page's language links point here.
		{Method: "GET", Path: "/agenda/feed", Access: web.SignedIn, Handle: h.toAgenda},
		// The personal feed: the token in the query names the account, for
		// calendar apps that carry no cookie (and the query is not logged).
		{Method: "GET", Path: "/calendar/agenda.ics", Access: web.Public, Handle: h.agendaFeedCalendar},

		{Method: "GET", Path: "/admin/events/{slug}/programme", Access: manage, Handle: h.adminProgramme},
		{Method: "GET", Path: "/admin/events/{slug}/programme/sessions/new", Access: manage, Handle: h.newSessionForm},
		{Method: "POST", Path: "/admin/events/{slug}/programme/sessions/new", Access: manage, Handle: h.createSession},
		{Method: "GET", Path: "/admin/events/{slug}/programme/sessions/{id}", Access: manage, Handle: h.editSessionForm},
		{Method: "POST", Path: "/admin/events/{slug}/programme/sessions/{id}", Access: manage, Handle: h.updateSession},
		{Method: "POST", Path: "/admin/events/{slug}/programme/sessions/{id}/delete", Access: manage, Handle: h.deleteSession},
		{Method: "GET", Path: "/admin/events/{slug}/programme/people", Access: manage, Handle: h.adminPeople},
		{Method: "GET", Path: "/admin/events/{slug}/programme/people/new", Access: manage, Handle: h.newPersonForm},
		{Method: "POST", Path: "/admin/events/{slug}/programme/people/new", Access: manage, Handle: h.createPerson},
		{Method: "GET", Path: "/admin/events/{slug}/programme/people/{id}", Access: manage, Handle: h.editPersonForm},
		{Method: "POST", Path: "/admin/events/{slug}/programme/people/{id}", Access: manage, Handle: h.updatePerson},
		{Method: "POST", Path: "/admin/events/{slug}/programme/people/{id}/photo", Access: manage, Handle: h.uploadPhoto,
			MaxBody: MaxPhotoBytes + 64<<10},
		// After a refused upload the page's language links point here.
		{Method: "GET", Path: "/admin/events/{slug}/programme/people/{id}/photo", Access: manage, Handle: h.toPerson},

		{Method: "GET", Path: "/api/v1/events/{slug}/programme", Access: web.Public, Handle: h.apiProgramme, Cache: true},
		{Method: "POST", Path: "/api/v1/events/{slug}/sessions", Access: manage, Handle: h.apiCreateSession},
		{Method: "POST", Path: "/api/v1/speakers", Access: manage, Handle: h.apiCreateSpeaker},
		{Method: "GET", Path: "/api/v1/speakers/{id}", Access: web.Public, Handle: h.apiSpeaker, Cache: true},
	}
}

// Views of the timetable. In the address, do not rename.
const (
	byTime  = "time"
	byRoom  = "room"
	byTrack = "track"
)

// timetable is the data of the programme page.
type timetable struct {
	Event    *Event
	Days     []dayLink
	Day      string // its name
	View     string
	Views    []viewLink
	Groups   []sessionGroup
	Total    int // sessions in the whole programme
	People   int // people in it
	InAgenda map[int64]bool
	Here     string // the page's address, to come back to

	// The filter: a topic (of the sessions' events) and a room, with
	// the choices the programme offers.
	Topic, Room string
	Topics      []string
	Rooms       []roomChoice
	DayKey      string
	Shown       int // sessions of the day after the filter
}

// roomChoice is a room of the filter: its name as stored (the value) and
// for the reader.
type roomChoice struct{ Value, Name string }

type dayLink struct {
	Key, Name, URL string
	Current        bool
}

type viewLink struct {
	View, URL string
	Current   bool
}

// sessionGroup is a heading with its sessions: a start time, a room or a
// track (an event of the programme).
type sessionGroup struct {
	Heading  string
	Link     string // the track's page, "" for other groups
	Note     string
	Sessions []*Session
	// Breaks are the breaks of the slot (by time only): parallel breaks of
	// the same name and length are one, shown once across the slot.
	Breaks []slotBreak
}

// slotBreak is a break held in one or more rooms at once.
type slotBreak struct {
	First *Session // the first of them, for its title and times
	Rooms int
}

// programme is the public timetable of an event: a day at a time, by
// start time, by room or by track (the summit's forums).
func (h *Handlers) programme(c *web.Ctx) error {
	e, err := h.Store.Event(c.Context(), c.R.PathValue("slug"), false)
	if err != nil {
		return err
	}
	list, err := h.Store.Programme(c.Context(), e)
	if err != nil {
		return err
	}
	people, err := h.Store.EventPeople(c.Context(), e)
	if err != nil {
		return err
	}
	q := c.R.URL.Query()
	loc := e.Location()
	d := timetable{Event: e, Total: len(list), People: len(people), View: q.Get("view")}
	list = d.filter(list, q.Get("topic"), q.Get("room"), c.Lang)
	tracks := map[int64]bool{}
	for _, x := range list {
		tracks[x.EventID] = true
	}
	views := []string{byTime, byRoom}
	if len(tracks) > 1 {
		views = append(views, byTrack)
	}
	if !contains(views, d.View) {
		d.View = byTime
	}
	// Days, in the event's zone.
	byDay := map[string][]*Session{}
	var keys []string
	for _, x := range list {
		k := x.Starts.In(loc).Format(time.DateOnly)
		if _, ok := byDay[k]; !ok {
			keys = append(keys, k)
		}
		byDay[k] = append(byDay[k], x)
	}
	// The first day unless another is asked for (not today's: the page is
	// cached until the programme changes, not until midnight).
	day := q.Get("day")
	if _, ok := byDay[day]; !ok && len(keys) > 0 {
		day = keys[0]
	}
	d.DayKey = day
	link := func(day, view string) string {
		v := url.Values{}
		if day != "" {
			v.Set("day", day)
		}
		if view != byTime {
			v.Set("view", view)
		}
		if d.Topic != "" {
			v.Set("topic", d.Topic)
		}
		if d.Room != "" {
			v.Set("room", d.Room)
		}
		if len(v) == 0 {
			return "/events/" + e.Slug + "/programme"
		}
		return "/events/" + e.Slug + "/programme?" + v.Encode()
	}
	for _, k := range keys {
		t, _ := time.ParseInLocation(time.DateOnly, k, loc)
		d.Days = append(d.Days, dayLink{Key: k, Name: dayName(t, c.Lang, false), URL: link(k, d.View), Current: k == day})
		if k == day {
			d.Day = dayName(t, c.Lang, true)
		}
	}
	for _, v := range views {
		d.Views = append(d.Views, viewLink{View: v, URL: link(day, v), Current: v == d.View})
	}
	d.Here = link(day, d.View)
	d.Groups = groupSessions(byDay[day], d.View, c.Lang, c.P.T("events.programme.no_room"))
	d.Shown = len(byDay[day])
	if c.User != nil {
		if d.InAgenda, err = h.Store.AgendaIDs(c.Context(), c.User.ID); err != nil {
			return err
		}
	}
	return c.Render(http.StatusOK, "events/programme", d)
}

// groupSessions groups a day's sessions (in time order) for a view.
func groupSessions(list []*Session, view, lang, noRoom string) []sessionGroup {
	var out []sessionGroup
	index := map[string]int{}
	add := func(key string, g sessionGroup, x *Session) {
		i, ok := index[key]
		if !ok {
			i = len(out)
			index[key] = i
			out = append(out, g)
		}
		out[i].Sessions = append(out[i].Sessions, x)
	}
	for _, x := range list {
		switch view {
		case byRoom:
			room := x.RoomFor(lang)
			if room == "" {
				room = noRoom
			}
			add(room, sessionGroup{Heading: room}, x)
		case byTrack:
			add(strconv.FormatInt(x.EventID, 10), sessionGroup{Heading: x.Event.Title.For(lang), Link: "/events/" + x.Event.Slug}, x)
		default:
			add(x.StartClock(), sessionGroup{Heading: x.StartClock()}, x)
		}
	}
	if view != byRoom && view != byTrack {
		for i := range out {
			out[i].Sessions, out[i].Breaks = mergeBreaks(out[i].Sessions, lang)
		}
	}
	if view == byRoom {
		sort.SliceStable(out, func(i, j int) bool {
			return naturalLess(out[i].Heading, out[j].Heading)
		})
	}
	return out
}

// naturalLess orders names with numbers as people count: Hall 2 before
// Hall 10.
func naturalLess(a, b string) bool {
	for a != "" && b != "" {
		da, db := leadingDigits(a), leadingDigits(b)
		if da != "" && db != "" {
			na, _ := strconv.Atoi(da)
			nb, _ := strconv.Atoi(db)
			if na != nb {
				return na < nb
			}
			a, b = a[len(da):], b[len(db):]
			continue
		}
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		a, b = a[1:], b[1:]
	}
	return len(a) < len(b)
}

func leadingDigits(s string) string {
	i := 0
	for i < len(s) && i < 9 && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[:i]
}

// eventSpeakers lists the people of an event's programme.
func (h *Handlers) eventSpeakers(c *web.Ctx) error {
	e, err := h.Store.Event(c.Context(), c.R.PathValue("slug"), false)
	if err != nil {
		return err
	}
	people, err := h.Store.EventPeople(c.Context(), e)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "events/speakers", map[string]any{"Event": e, "People": people, "Options": optionsFor(c.Lang)})
}

// sessionOf reads the session of the path; a session of a forum asked for
// under its summit is sent to its own address.
func (h *Handlers) sessionOf(c *web.Ctx) (*Session, string, error) {
	id, err := pathID(c)
	if err != nil {
		return nil, "", err
	}
	x, err := h.Store.Session(c.Context(), id, false)
	if err != nil {
		return nil, "", err
	}
	slug := c.R.PathValue("slug")
	if x.Event.Slug != slug {
		if x.Event.ParentID != 0 {
			if p, err := h.Store.byID(c.Context(), h.Store.DB, x.Event.ParentID, ""); err == nil && p.Slug == slug {
				return nil, x.Path(), nil
			}
		}
		return nil, "", web.NotFound()
	}
	if x.Event.ParentID != 0 {
		p, err := h.Store.byID(c.Context(), h.Store.DB, x.Event.ParentID, "")
		if err != nil {
			return nil, "", err
		}
		if p.Status != Draft {
			x.Event.Parent = p
		}
	}
	return x, "", nil
}

func (h *Handlers) sessionPage(c *web.Ctx) error {
	x, moved, err := h.sessionOf(c)
	if err != nil {
		return err
	}
	if moved != "" {
		return c.Redirect(moved)
	}
	var in map[int64]bool
	if c.User != nil {
		if in, err = h.Store.AgendaIDs(c.Context(), c.User.ID); err != nil {
			return err
		}
	}
	return c.Render(http.StatusOK, "events/session", map[string]any{
		"S": x, "In": in, "Options": optionsFor(c.Lang), "LD": sessionLD(x, c.BaseURL(), c.Lang),
	})
}

func (h *Handlers) sessionCalendar(c *web.Ctx) error {
	x, moved, err := h.sessionOf(c)
	if err != nil {
		return err
	}
	if moved != "" {
		return c.Redirect(moved + "/calendar.ics")
	}
	cal := h.newCalendar(c, x.Title.For(c.Lang))
	cal.event(sessionEvent(x, c.BaseURL(), c.Lang))
	return writeCalendar(c, cal, fmt.Sprintf("session-%d.ics", x.ID))
}

func (h *Handlers) newCalendar(c *web.Ctx, name string) *calendar {
	u, _ := url.Parse(c.BaseURL())
	return newCalendar(name, u.Hostname(), c.Now())
}

func writeCalendar(c *web.Ctx, cal *calendar, file string) error {
	c.W.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	c.W.Header().Set("Content-Disposition", fmt.Sprintf("inline; filename=%q", file))
	_, err := c.W.Write([]byte(cal.String()))
	return err
}

// sessionEvent is a session as a calendar entry: its people and
// description as the text, its room and venue as the place.
func sessionEvent(x *Session, base, lang string) vevent {
	p := i18n.For(lang)
	var desc []string
	if m := names(x.Moderators(), lang); m != "" {
		desc = append(desc, p.T("events.role.moderator")+": "+m)
	}
	if s := names(x.Speakers(), lang); s != "" {
		desc = append(desc, p.T("events.role.speaker")+": "+s)
	}
	if d := x.Description.For(lang); d != "" {
		desc = append(desc, d)
	}
	var where []string
	for _, s := range []string{x.RoomFor(lang), x.Event.VenueFor(lang)} {
		if s != "" {
			where = append(where, s)
		}
	}
	return vevent{UID: uid("session", x.ID), Summary: x.Title.For(lang), Description: strings.Join(desc, "\n\n"),
		Location: strings.Join(where, ", "), URL: base + x.Path(), Start: x.Starts, End: x.Ends,
		Cancelled: x.Event.Status == Cancelled}
}

// names lists people as "李伟 (Li Wei), Olga Smirnova".
func names(people []*Person, lang string) string {
	out := make([]string, len(people))
	for i, p := range people {
		out[i] = p.DisplayName(lang)
		if p.NameLatin != "" {
			out[i] += " (" + p.NameLatin + ")"
		}
	}
	return strings.Join(out, ", ")
}

// speakerPage is a person's public page: who they are and their sessions.
func (h *Handlers) speakerPage(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	p, list, err := h.Store.Person(c.Context(), id, false)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "events/speaker", map[string]any{"P": p, "Sessions": list, "Options": optionsFor(c.Lang),
		"LD": personLD(p, c.BaseURL(), c.Lang)})
}

// photo answers a person's photo with its ETag; the same bytes for every
// reader.
func (h *Handlers) photo(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	staff := c.Can(PermManage)
	ph, err := h.Store.PersonPhoto(c.Context(), id, staff)
	if err != nil {
		return err
	}
	hd := c.W.Header()
	hd.Del("Vary")
	hd.Del("Content-Language")
	hd.Set("ETag", `"`+ph.Hash+`"`)
	hd.Set("Cache-Control", "public, max-age=86400")
	if staff { // perhaps a photo the public may not see yet
		hd.Set("Cache-Control", "private, no-cache")
	}
	http.ServeContent(c.W, c.R, "photo.jpg", ph.Updated, bytes.NewReader(ph.JPEG))
	return nil
}

// The personal agenda.

// agendaData is the data of the agenda page.
type agendaData struct {
	Days     []agendaDay
	FeedAt   *time.Time
	FeedURL  string // the new secret address, shown once
	Webcal   string
	Sessions int
	Clash    map[int64]bool // sessions that overlap another of the agenda
}

type agendaDay struct {
	Name     string
	Sessions []*Session
}

func (h *Handlers) agenda(c *web.Ctx) error { return h.renderAgenda(c, "") }

func (h *Handlers) renderAgenda(c *web.Ctx, token string) error {
	list, err := h.Store.Agenda(c.Context(), c.User.ID)
	if err != nil {
		return err
	}
	d := agendaData{Sessions: len(list), Clash: map[int64]bool{}}
	if d.FeedAt, err = h.Store.Feed(c.Context(), c.User.ID); err != nil {
		return err
	}
	if token != "" {
		d.FeedURL = c.BaseURL() + "/calendar/agenda.ics?token=" + url.QueryEscape(token)
		if u, err := url.Parse(d.FeedURL); err == nil {
			u.Scheme = "webcal"
			d.Webcal = u.String()
		}
	}
	for i, x := range list {
		for _, y := range list[:i] {
			if x.Overlaps(y) {
				d.Clash[x.ID], d.Clash[y.ID] = true, true
			}
		}
		name := x.Day(c.Lang)
		if len(d.Days) == 0 || d.Days[len(d.Days)-1].Name != name {
			d.Days = append(d.Days, agendaDay{Name: name})
		}
		day := &d.Days[len(d.Days)-1]
		day.Sessions = append(day.Sessions, x)
	}
	return c.Render(http.StatusOK, "events/agenda", d)
}

// agendaSession reads the session of an agenda form and where to go back.
func agendaSession(c *web.Ctx) (int64, string, error) {
	f, err := c.Form()
	if err != nil {
		return 0, "", err
	}
	id, err := strconv.ParseInt(f.Get("session"), 10, 64)
	if err != nil || id <= 0 {
		return 0, "", web.NotFound()
	}
	next := web.LocalPath(f.Get("next"))
	if next == "/" {
		next = "/agenda"
	}
	return id, next, nil
}

func (h *Handlers) agendaAdd(c *web.Ctx) error {
	id, next, err := agendaSession(c)
	if err != nil {
		return err
	}
	if err := h.Store.AddToAgenda(c.Context(), c.User.ID, id); err != nil {
		return err
	}
	return c.Redirect(withAnchor(next, id))
}

func (h *Handlers) agendaRemove(c *web.Ctx) error {
	id, next, err := agendaSession(c)
	if err != nil {
		return err
	}
	if err := h.Store.RemoveFromAgenda(c.Context(), c.User.ID, id); err != nil {
		return err
	}
	return c.Redirect(withAnchor(next, id))
}

// withAnchor returns to the session's place on a timetable.
func withAnchor(next string, id int64) string {
	if strings.Contains(next, "#") || strings.HasPrefix(next, "/agenda") || strings.Contains(next, "/sessions/") {
		return next
	}
	return fmt.Sprintf("%s#s-%d", next, id)
}

func (h *Handlers) agendaFeed(c *web.Ctx) error {
	token, err := h.Store.NewFeed(c.Context(), c.User)
	if err != nil {
		return err
	}
	return h.renderAgenda(c, token)
}

func (h *Handlers) toAgenda(c *web.Ctx) error { return c.Redirect("/agenda") }

func (h *Handlers) agendaCalendar(c *web.Ctx) error {
	return h.writeAgenda(c, c.User.ID)
}

func (h *Handlers) agendaFeedCalendar(c *web.Ctx) error {
	id, err := h.Store.FeedOwner(c.Context(), c.R.URL.Query().Get("token"))
	if err != nil {
		return err
	}
	return h.writeAgenda(c, id)
}

// writeAgenda writes the agenda of account id as a calendar that
// calendar apps refresh every hour. Nobody else's: private, not cached.
func (h *Handlers) writeAgenda(c *web.Ctx, id int64) error {
	list, err := h.Store.Agenda(c.Context(), id)
	if err != nil {
		return err
	}
	cal := h.newCalendar(c, c.P.T("events.agenda.title"))
	cal.refresh("PT1H")
	for _, x := range list {
		cal.event(sessionEvent(x, c.BaseURL(), c.Lang))
	}
	c.W.Header().Set("Cache-Control", "private, no-store")
	return writeCalendar(c, cal, "agenda.ics")
}

// mergeBreaks takes the breaks out of a slot's sessions: breaks of the
// same title and end (a tea break in each of four rooms) become one.
func mergeBreaks(list []*Session, lang string) ([]*Session, []slotBreak) {
	var kept []*Session
	var breaks []slotBreak
	for _, x := range list {
		if x.Format != Break {
			kept = append(kept, x)
			continue
		}
		i := slices.IndexFunc(breaks, func(b slotBreak) bool {
			return b.First.Title.For(lang) == x.Title.For(lang) && b.First.Ends.Equal(x.Ends)
		})
		if i < 0 {
			breaks = append(breaks, slotBreak{First: x, Rooms: 1})
		} else {
			breaks[i].Rooms++
		}
	}
	return kept, breaks
}

// filter keeps the sessions of topic (a topic of their event) and room
// (as stored) when given and offered, and notes the choices: the topics
// and rooms of the whole programme.
func (d *timetable) filter(list []*Session, topic, room, lang string) []*Session {
	topics, rooms := map[string]bool{}, map[string]bool{}
	for _, x := range list {
		for _, t := range x.Event.Topics {
			topics[t] = true
		}
		if x.Room != "" && !rooms[x.Room] {
			rooms[x.Room] = true
			d.Rooms = append(d.Rooms, roomChoice{Value: x.Room, Name: x.RoomFor(lang)})
		}
	}
	for _, t := range Topics {
		if topics[t] {
			d.Topics = append(d.Topics, t)
		}
	}
	sort.SliceStable(d.Rooms, func(i, j int) bool { return naturalLess(d.Rooms[i].Name, d.Rooms[j].Name) })
	if topics[topic] {
		d.Topic = topic
	}
	if rooms[room] {
		d.Room = room
	}
	if d.Topic == "" && d.Room == "" {
		return list
	}
	var out []*Session
	for _, x := range list {
		if (d.Topic == "" || x.Event.HasTopic(d.Topic)) && (d.Room == "" || x.Room == d.Room) {
			out = append(out, x)
		}
	}
	return out
}
