package main

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/wuzhen/wuzhen/internal/auth"
)

// upload posts a multipart form with one file in field, and the other
// fields, as the browser's person.
func (b *browser) upload(path, field string, file []byte, fields ...string) response {
	b.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for i := 0; i+1 < len(fields); i += 2 {
		w.WriteField(fields[i], fields[i+1])
	}
	if field != "" {
		part, err := w.CreateFormFile(field, "photo.png")
		if err != nil {
			b.t.Fatal(err)
		}
		part.Write(file)
	}
	w.Close()
	req, err := http.NewRequest("POST", b.a.ts.URL+path, &body)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return response{res, string(data)}
}

var icsUTC = regexp.MustCompile(`^\d{8}T\d{6}Z$`)

// checkICS checks an RFC 5545 calendar as calendar apps read it: every
// line ends in CRLF, no line is longer than 75 octets, a folded line goes
// on with a space and never splits a character, components open and close
// in order, and every event has a UID, a DTSTAMP and UTC times. It returns
// the unfolded content lines.
func checkICS(t *testing.T, body string) []string {
	t.Helper()
	if !strings.HasSuffix(body, "\r\n") {
		t.Fatalf("calendar does not end with CRLF")
	}
	physical := strings.Split(strings.TrimSuffix(body, "\r\n"), "\r\n")
	var lines []string
	for i, l := range physical {
		if strings.ContainsAny(l, "\r\n") {
			t.Fatalf("line %d holds a bare line break: %q", i+1, l)
		}
		if len(l) > 75 {
			t.Fatalf("line %d is %d octets: %q", i+1, len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Fatalf("line %d splits a character: %q", i+1, l)
		}
		if strings.HasPrefix(l, " ") {
			if len(lines) == 0 {
				t.Fatal("the calendar starts with a continuation line")
			}
			lines[len(lines)-1] += l[1:]
			continue
		}
		lines = append(lines, l)
	}
	var stack []string
	var event map[string]string
	for _, l := range lines {
		name, value, ok := strings.Cut(l, ":")
		if !ok {
			t.Fatalf("not a content line: %q", l)
		}
		name, _, _ = strings.Cut(name, ";")
		switch name {
		case "BEGIN":
			stack = append(stack, value)
			if value == "VEVENT" {
				event = map[string]string{}
			}
		case "END":
			if len(stack) == 0 || stack[len(stack)-1] != value {
				t.Fatalf("END:%s does not close %v", value, stack)
			}
			stack = stack[:len(stack)-1]
			if value == "VEVENT" {
				for _, p := range []string{"UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"} {
					if event[p] == "" {
						t.Fatalf("an event without %s: %v", p, event)
					}
				}
				for _, p := range []string{"DTSTAMP", "DTSTART", "DTEND"} {
					if !icsUTC.MatchString(event[p]) {
						t.Fatalf("%s %q is not a UTC time", p, event[p])
					}
				}
				event = nil
			}
		default:
			if event != nil {
				event[name] = value
			}
		}
	}
	if len(stack) != 0 || lines[0] != "BEGIN:VCALENDAR" {
		t.Fatalf("unbalanced calendar: %v", stack)
	}
	return lines
}

// count returns how many lines equal s.
func count(lines []string, s string) int {
	n := 0
	for _, l := range lines {
		if l == s {
			n++
		}
	}
	return n
}

func testPNG(t *testing.T, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x), 90, uint8(y), 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var locationID = regexp.MustCompile(`(\d+)\D*$`)

// idIn returns the last number of a redirect's address.
func idIn(t *testing.T, r response) string {
	t.Helper()
	m := locationID.FindStringSubmatch(r.Header.Get("Location"))
	if m == nil {
		t.Fatalf("no id in %q", r.Header.Get("Location"))
	}
	return m[1]
}

// TestProgrammePages builds a programme through the secretariat's pages
// and the API, and reads it as the public does: timetable by day, room
// and forum, session and speaker pages, calendar feeds, JSON-LD and
// search; the cached pages change with the programme.
func TestProgrammePages(t *testing.T) {
	eachApp(t, func(t *testing.T, a *testApp) {
		sec := a.staff(t, "sec@example.org", auth.RoleSecretariat)
		api := a.api(t, "api-sec@example.org", auth.RoleSecretariat)
		plain := a.api(t, "plain@example.org")
		anon := a.browser(t)
		cst := time.FixedZone("CST", 8*3600)
		day := time.Now().In(cst).AddDate(0, 0, 10)
		start := time.Date(day.Year(), day.Month(), day.Day(), 9, 0, 0, 0, cst)
		local := func(t time.Time) string { return t.In(cst).Format("2006-01-02T15:04") }
		for _, e := range []struct{ slug, kind, parent, en, hans string }{
			{"wic-2026", "summit", "", "World Internet Conference Wuzhen Summit", "世界互联网大会乌镇峰会"},
			{"wic-2026-ai", "sector_forum", "wic-2026", "Forum on artificial intelligence", "人工智能论坛"},
		} {
			sec.post("/admin/events", url.Values{"slug": {e.slug}, "kind": {e.kind}, "parent": {e.parent}, "title_en": {e.en},
				"title_zh_hans": {e.hans}, "starts_at": {local(start)}, "ends_at": {local(start.Add(56 * time.Hour))},
				"timezone": {"Asia/Shanghai"}, "venue": {"Wuzhen"}}).expect(t, http.StatusSeeOther)
		}

		// People, with a mistake kept at its field.
		form := url.Values{"name": {"李伟"}, "name_latin": {"Li Wei"}, "organization_en": {"CNNIC"}, "organization_zh_hans": {"中国互联网络信息中心"},
			"country": {"XX"}, "stakeholder_group": {"technical_community"}, "bio_en": {"Works on IPv6."}}
		sec.post("/admin/events/wic-2026/programme/people/new", form).
			expect(t, http.StatusUnprocessableEntity, `value="Li Wei"`, `id="e-country"`, "中国互联网络信息中心")
		form.Set("country", "CN")
		li := idIn(t, sec.post("/admin/events/wic-2026/programme/people/new", form))
		olga := idIn(t, sec.post("/admin/events/wic-2026/programme/people/new", url.Values{"name": {"Ольга Смирнова"},
			"name_latin": {"Olga Smirnova"}, "country": {"RU"}, "organization_en": {"Moscow Internet Institute"}}))
		nobody := idIn(t, sec.post("/admin/events/wic-2026/programme/people/new", url.Values{"name": {"Amina Otieno"}, "country": {"KE"}}))
		sec.get("/admin/events/wic-2026/programme/people?q=smirn").expect(t, http.StatusOK, "Ольга Смирнова")

		// A photo: checked by its content, stored re-encoded.
		photoPath := "/admin/events/wic-2026/programme/people/" + li + "/photo"
		sec.upload(photoPath, "photo", []byte("GIF89a not a photo")).expect(t, http.StatusUnprocessableEntity, `id="e-photo"`, "JPEG, PNG")
		sec.upload(photoPath, "photo", testPNG(t, 900, 600)).expect(t, http.StatusSeeOther)
		ph := sec.get("/speakers/" + li + "/photo.jpg")
		ph.expect(t, http.StatusOK)
		if ct := ph.Header.Get("Content-Type"); ct != "image/jpeg" {
			t.Fatalf("photo content type %q", ct)
		}
		if cfg, _, err := image.DecodeConfig(strings.NewReader(ph.body)); err != nil || cfg.Width != 480 || cfg.Height != 320 {
			t.Fatalf("stored photo %+v %v", cfg, err)
		}

		// A session through the form, with a mistake kept at its field.
		s := url.Values{"title_en": {"Opening ceremony, and the launch of the outlook"}, "title_zh_hans": {"开幕式暨《展望》发布"},
			"starts_at": {local(start)}, "ends_at": {local(start.Add(-time.Hour))}, "room": {"Main Hall"}, "format": {"ceremony"},
			"language": {"zh"}, "interpretation": {"en", "ru"}, "person": {li, olga, ""}, "role": {"moderator", "speaker", "speaker"}}
		sec.post("/admin/events/wic-2026/programme/sessions/new", s).
			expect(t, http.StatusUnprocessableEntity, `id="e-ends_at"`, `value="开幕式暨《展望》发布"`, `<option value="`+olga+`" selected>`)
		s.Set("ends_at", local(start.Add(90*time.Minute)))
		opening := idIn(t, sec.post("/admin/events/wic-2026/programme/sessions/new", s))
		sec.get("/admin/events/wic-2026/programme").expect(t, http.StatusOK, "Opening ceremony, and the launch of the outlook")

		// A session through the API, in the forum; a plain account may not.
		body := fmt.Sprintf(`{"title":{"en":"Large language models for every language","zh-Hans":"面向所有语言的大语言模型"},
			"starts_at":%q,"ends_at":%q,"room":"Lotus Hall","format":"panel","language":"en","interpretation":["zh"],
			"people":[{"person":%s,"role":"speaker"}]}`, start.Add(25*time.Hour).Format(time.RFC3339), start.Add(26*time.Hour).Format(time.RFC3339), olga)
		if got := plain.call("POST", "/api/v1/events/wic-2026-ai/sessions", body, nil); got != http.StatusForbidden {
			t.Fatalf("a plain account added a session: %d", got)
		}
		var created struct {
			ID       int64  `json:"id"`
			StartsAt string `json:"starts_at"`
			URL      string `json:"url"`
			People   []struct {
				Name string `json:"name"`
				Role string `json:"role"`
			} `json:"people"`
		}
		if got := api.call("POST", "/api/v1/events/wic-2026-ai/sessions", body, &created); got != http.StatusCreated ||
			!strings.HasSuffix(created.StartsAt, "+08:00") || len(created.People) != 1 || created.People[0].Name != "Ольга Смирнова" {
			t.Fatalf("API session: %d %+v", got, created)
		}
		var p problem
		if got := api.call("POST", "/api/v1/events/wic-2026-ai/sessions", `{"title":{},"format":"party","starts_at":"soon"}`, &p); got != http.StatusUnprocessableEntity || len(p.Errors) < 3 {
			t.Fatalf("bad API session: %d %+v", got, p)
		}
		panel := fmt.Sprint(created.ID)

		// Drafts: nothing public yet.
		anon.get("/events/wic-2026/programme").expect(t, http.StatusNotFound)
		anon.get("/speakers/"+olga).expect(t, http.StatusNotFound)
		anon.get("/speakers/"+li+"/photo.jpg").expect(t, http.StatusNotFound)
		for _, slug := range []string{"wic-2026", "wic-2026-ai"} {
			sec.post("/admin/events/"+slug+"/status", url.Values{"status": {"published"}}).expect(t, http.StatusSeeOther)
		}

		// The timetable, in the event's zone, by time, room and forum.
		prog := anon.get("/events/wic-2026/programme")
		prog.expect(t, http.StatusOK, "Opening ceremony, and the launch of the outlook", "Beijing time (UTC&#43;8)",
			`<time datetime="`+strings.Replace(start.Format(time.RFC3339), "+", "&#43;", 1)+`">09:00</time>`, "localtime.", "Main Hall", "李伟", "Li Wei",
			"Chinese; interpreted into English and Russian", "Sign in to build your own agenda")
		if strings.Contains(prog.body, "Large language models") {
			t.Fatal("the first day shows the second day's session")
		}
		next := start.Add(25 * time.Hour).Format("2006-01-02")
		anon.get("/events/wic-2026/programme?day="+next).expect(t, http.StatusOK, "Large language models for every language", "Lotus Hall")
		anon.get("/events/wic-2026/programme?view=room&day="+next).expect(t, http.StatusOK, `<h3 id="g-0">Lotus Hall</h3>`)
		anon.get("/events/wic-2026/programme?view=track&day="+next).expect(t, http.StatusOK, `<a href="/events/wic-2026-ai">Forum on artificial intelligence</a></h3>`)
		zh := a.browser(t)
		zh.lang = "zh-TW"
		zh.get("/events/wic-2026/programme").expect(t, http.StatusOK, "開幕式暨《展望》發佈", "李偉", "中文；提供英語、俄語同傳")
		anon.get("/events/wic-2026").expect(t, http.StatusOK, `href="/events/wic-2026/programme"`, `"subEvent"`)
		anon.get("/events/wic-2026/speakers").expect(t, http.StatusOK, "Ольга Смирнова", "Olga Smirnova", "李伟")

		// A session's page: its forum's session under the summit's address moves.
		r := anon.get("/events/wic-2026/sessions/" + panel)
		r.expect(t, http.StatusSeeOther)
		if loc := r.Header.Get("Location"); loc != "/events/wic-2026-ai/sessions/"+panel {
			t.Fatalf("moved to %q", loc)
		}
		anon.get("/events/other/sessions/"+panel).expect(t, http.StatusNotFound)
		anon.get("/events/wic-2026-ai/sessions/"+panel).expect(t, http.StatusOK, "Large language models for every language",
			`"@type":"Event"`, `"superEvent"`, `"performer"`, `"name":"Ольга Смирнова"`, `"alternateName":"Olga Smirnova"`, "Lotus Hall",
			"English; interpreted into Chinese")
		anon.get("/speakers/"+olga).expect(t, http.StatusOK, "Ольга Смирнова", "Olga Smirnova", "Moscow Internet Institute",
			"Large language models for every language", "Opening ceremony", `"@type":"Person"`)
		anon.get("/speakers/"+nobody).expect(t, http.StatusNotFound)
		anon.get("/speakers/"+li+"/photo.jpg").expect(t, http.StatusOK)
		anon.get("/speakers/"+li).expect(t, http.StatusOK, `src="/speakers/`+li+`/photo.jpg?v=`)

		// Calendars: per session, and the event's with its sessions.
		cal := anon.get("/events/wic-2026/sessions/" + opening + "/calendar.ics")
		cal.expect(t, http.StatusOK)
		if ct := cal.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/calendar") {
			t.Fatalf("content type %q", ct)
		}
		lines := checkICS(t, cal.body)
		for _, want := range []string{"SUMMARY:Opening ceremony\\, and the launch of the outlook", "DTSTART:" + start.UTC().Format("20060102T150405Z"),
			"LOCATION:Main Hall\\, Wuzhen"} {
			if count(lines, want) != 1 {
				t.Errorf("session calendar lacks %q:\n%s", want, cal.body)
			}
		}
		if !strings.Contains(cal.body, "\r\n ") || !strings.Contains(strings.ReplaceAll(cal.body, "\r\n ", ""), "Ольга Смирнова (Olga Smirnova)") {
			t.Errorf("the long description is not folded, or not whole unfolded:\n%s", cal.body)
		}
		if !strings.Contains(cal.body, "/events/wic-2026/sessions/"+opening+"\r\n") {
			t.Errorf("session calendar lacks the session's address:\n%s", cal.body)
		}
		lines = checkICS(t, anon.get("/events/wic-2026/calendar.ics").body)
		if n := count(lines, "BEGIN:VEVENT"); n != 3 {
			t.Errorf("the summit's calendar has %d events, want the summit and its 2 sessions", n)
		}
		lines = checkICS(t, zh.get("/events/wic-2026/sessions/"+opening+"/calendar.ics").body)
		if count(lines, "SUMMARY:開幕式暨《展望》發佈") != 1 {
			t.Errorf("Chinese calendar: %v", lines)
		}

		// The API and search.
		var prg struct {
			Timezone string `json:"timezone"`
			Sessions []struct {
				Title string `json:"title"`
				Event string `json:"event"`
			} `json:"sessions"`
		}
		if got := (&apiClient{anon, ""}).call("GET", "/api/v1/events/wic-2026/programme", "", &prg); got != http.StatusOK ||
			len(prg.Sessions) != 2 || prg.Sessions[1].Event != "wic-2026-ai" || prg.Timezone != "Asia/Shanghai" {
			t.Fatalf("programme API %d %+v", got, prg)
		}
		anon.get("/api/v1/search?type=session&q=language+models").expect(t, http.StatusOK, `/events/wic-2026-ai/sessions/`+panel)
		anon.get("/api/v1/search?type=speaker&q=%D0%A1%D0%BC%D0%B8%D1%80%D0%BD%D0%BE%D0%B2%D0%B0").expect(t, http.StatusOK, `/speakers/`+olga+`"`)

		// A change shows at once on the cached pages.
		anon.get("/events/wic-2026/programme").expect(t, http.StatusOK, "Opening ceremony, and the launch of the outlook")
		s.Set("title_en", "Opening ceremony of the summit")
		sec.post("/admin/events/wic-2026/programme/sessions/"+opening, s).expect(t, http.StatusSeeOther)
		r = anon.get("/events/wic-2026/programme")
		r.expect(t, http.StatusOK, "Opening ceremony of the summit")
		anon.get("/events/wic-2026/sessions/"+opening).expect(t, http.StatusOK, "Opening ceremony of the summit")
		form.Set("name_latin", "Li Wei (CNNIC)")
		sec.post("/admin/events/wic-2026/programme/people/"+li, form).expect(t, http.StatusSeeOther)
		anon.get("/events/wic-2026/programme").expect(t, http.StatusOK, "Li Wei (CNNIC)")
		sec.post("/admin/events/wic-2026-ai/programme/sessions/"+panel+"/delete", nil).expect(t, http.StatusSeeOther)
		anon.get("/events/wic-2026/programme?day="+next).expect(t, http.StatusOK)
		anon.get("/events/wic-2026-ai/sessions/"+panel).expect(t, http.StatusNotFound)
		// A session of one event cannot be changed under another's address.
		sec.get("/admin/events/wic-2026-ai/programme/sessions/"+opening).expect(t, http.StatusNotFound)
	})
}

// TestAgendaPages: a signed-in person builds an agenda from the timetable,
// reads it and downloads it; the secret feed address serves it without a
// cookie, to nobody else's agenda, and stops when replaced.
func TestAgendaPages(t *testing.T) {
	eachApp(t, func(t *testing.T, a *testApp) {
		api := a.api(t, "sec@example.org", auth.RoleSecretariat)
		start := time.Now().Add(72 * time.Hour).Truncate(time.Hour).UTC()
		if got := api.call("POST", "/api/v1/events", fmt.Sprintf(`{"slug":"ipv6-forum","kind":"sector_forum","title":{"en":"IPv6 forum"},
			"starts_at":%q,"ends_at":%q,"timezone":"UTC","venue":"Geneva"}`, start.Format(time.RFC3339), start.Add(8*time.Hour).Format(time.RFC3339)), nil); got != http.StatusCreated {
			t.Fatalf("event: %d", got)
		}
		var ids []string
		for i, title := range []string{"IPv6-only networks", "Measuring IPv6 adoption"} {
			var x struct{ ID int64 }
			body := fmt.Sprintf(`{"title":{"en":%q},"starts_at":%q,"ends_at":%q,"format":"workshop"}`, title,
				start.Add(time.Duration(i)*30*time.Minute).Format(time.RFC3339), start.Add(time.Duration(i+2)*time.Hour).Format(time.RFC3339))
			if got := api.call("POST", "/api/v1/events/ipv6-forum/sessions", body, &x); got != http.StatusCreated {
				t.Fatalf("session: %d", got)
			}
			ids = append(ids, fmt.Sprint(x.ID))
		}
		if got := api.call("POST", "/api/v1/events/ipv6-forum/status", `{"status":"published"}`, nil); got != http.StatusOK {
			t.Fatalf("publish: %d", got)
		}
		a.browser(t).get("/agenda").expect(t, http.StatusSeeOther)

		people := map[string]*browser{}
		for _, who := range []string{"kofi", "amina"} {
			if _, err := a.users.Create(t.Context(), who+"@example.org", who, who+"-password-1"); err != nil {
				t.Fatal(err)
			}
			b := a.browser(t)
			b.post("/login", url.Values{"email": {who + "@example.org"}, "password": {who + "-password-1"}}).expect(t, http.StatusSeeOther)
			people[who] = b
		}
		kofi, amina := people["kofi"], people["amina"]
		kofi.get("/events/ipv6-forum/programme").expect(t, http.StatusOK, `action="/agenda/add"`, "Add to my agenda")
		kofi.get("/agenda").expect(t, http.StatusOK, "Your agenda is empty")
		for _, id := range ids {
			r := kofi.post("/agenda/add", url.Values{"session": {id}, "next": {"/events/ipv6-forum/programme"}})
			r.expect(t, http.StatusSeeOther)
			if loc := r.Header.Get("Location"); loc != "/events/ipv6-forum/programme#s-"+id {
				t.Fatalf("back to %q", loc)
			}
		}
		kofi.post("/agenda/add", url.Values{"session": {"999999"}}).expect(t, http.StatusNotFound)
		kofi.post("/agenda/add", url.Values{"session": {ids[0]}, "next": {"https://evil.example/"}}).expect(t, http.StatusSeeOther)
		kofi.get("/events/ipv6-forum/programme").expect(t, http.StatusOK, `action="/agenda/remove"`)
		kofi.get("/agenda").expect(t, http.StatusOK, "IPv6-only networks", "Measuring IPv6 adoption", "Overlaps another session")
		amina.get("/agenda").expect(t, http.StatusOK, "Your agenda is empty")
		lines := checkICS(t, kofi.get("/agenda/calendar.ics").body)
		if count(lines, "SUMMARY:IPv6-only networks") != 1 || count(lines, "BEGIN:VEVENT") != 2 {
			t.Fatalf("agenda calendar %v", lines)
		}

		// The secret address: shown once, works without a cookie.
		r := kofi.post("/agenda/feed", url.Values{})
		r.expect(t, http.StatusOK, "shown only this once")
		m := regexp.MustCompile(`value="https?://[^"/]+(/calendar/agenda\.ics\?token=[A-Za-z0-9_-]+)"`).FindStringSubmatch(r.body)
		if m == nil {
			t.Fatalf("no feed address in\n%s", r.body)
		}
		feed := m[1]
		if kofi.get("/agenda").expect(t, http.StatusOK, "You have a private calendar address"); strings.Contains(kofi.get("/agenda").body, feed) {
			t.Fatal("the secret address is shown again")
		}
		app := a.browser(t) // a calendar app: no cookie
		res := app.get(feed)
		res.expect(t, http.StatusOK)
		if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
			t.Errorf("feed Cache-Control %q", cc)
		}
		lines = checkICS(t, res.body)
		if count(lines, "SUMMARY:Measuring IPv6 adoption") != 1 || count(lines, "REFRESH-INTERVAL;VALUE=DURATION:PT1H") != 1 {
			t.Fatalf("feed %v", lines)
		}
		app.get("/calendar/agenda.ics?token=guess").expect(t, http.StatusNotFound)
		app.get("/calendar/agenda.ics").expect(t, http.StatusNotFound)
		// Amina's address serves Amina's agenda, not Kofi's.
		r = amina.post("/agenda/feed", url.Values{})
		am := regexp.MustCompile(`/calendar/agenda\.ics\?token=[A-Za-z0-9_-]+`).FindString(r.body)
		if lines := checkICS(t, app.get(am).body); count(lines, "BEGIN:VEVENT") != 0 {
			t.Fatalf("amina's feed shows %d events", count(lines, "BEGIN:VEVENT"))
		}
		// Replacing the address ends the old one.
		kofi.post("/agenda/feed", url.Values{}).expect(t, http.StatusOK)
		app.get(feed).expect(t, http.StatusNotFound)

		kofi.post("/agenda/remove", url.Values{"session": {ids[1]}, "next": {"/agenda"}}).expect(t, http.StatusSeeOther)
		r = kofi.get("/agenda")
		r.expect(t, http.StatusOK, "IPv6-only networks")
		if strings.Contains(r.body, "Measuring IPv6 adoption") || strings.Contains(r.body, "Overlaps another session") {
			t.Fatal("a removed session is still in the agenda")
		}
	})
}
