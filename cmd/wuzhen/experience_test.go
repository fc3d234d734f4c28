package main

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/demo"
	"github.com/wuzhen/wuzhen/internal/events"
	"github.com/wuzhen/wuzhen/internal/i18n"
)

// TestExperienceDesk: the check-in desk keeps to its window and names the
// person on every outcome, takes a number as printed in either form, and
// the attendee's own page says when they were checked in; the staff's
// outbox filters by recipient and kind, and the events lists keep what is
// over apart.
func TestExperienceDesk(t *testing.T) {
	eachApp(t, func(t *testing.T, a *testApp) {
		sec := a.staff(t, "sec@example.org", auth.RoleSecretariat)
		desk := a.staff(t, "desk@example.org", auth.RoleCheckIn)
		bj := time.FixedZone("UTC+8", 8*3600)
		start := time.Now().Add(10 * 24 * time.Hour).Truncate(time.Hour).In(bj)
		form := url.Values{"slug": {"wic-2027"}, "kind": {"summit"}, "title_en": {"World Internet Conference Wuzhen Summit"},
			"title_zh_hans": {"世界互联网大会乌镇峰会"}, "starts_at": {start.Format("2006-01-02T15:04")},
			"ends_at": {start.Add(48 * time.Hour).Format("2006-01-02T15:04")}, "timezone": {"Asia/Shanghai"}, "venue": {"Wuzhen"},
			"venue_zh_hans": {"乌镇"}, "country": {"CN"}}
		sec.post("/admin/events", form).expect(t, http.StatusSeeOther)
		sec.post("/admin/events/wic-2027/categories", url.Values{"code": {"delegate"}, "name_en": {"Delegate"}, "capacity": {"10"}, "approval": {"auto"}}).expect(t, http.StatusSeeOther)
		sec.post("/admin/events/wic-2027/status", url.Values{"status": {"published"}}).expect(t, http.StatusSeeOther)
		past := url.Values{"slug": {"dialogue-2020"}, "kind": {"dialogue"}, "title_en": {"Dialogue of 2020"},
			"starts_at": {"2020-05-01T09:00"}, "ends_at": {"2020-05-01T17:00"}, "timezone": {"UTC"}, "venue": {"Geneva"}}
		sec.post("/admin/events", past).expect(t, http.StatusSeeOther)
		sec.post("/admin/events/dialogue-2020/status", url.Values{"status": {"published"}}).expect(t, http.StatusSeeOther)

		olga := a.signedIn(t, "olga@example.org", "Ольга Смирнова")
		id := register(t, olga, "wic-2027", url.Values{"category": {"delegate"}, "name": {"Ольга Смирнова"}, "name_latin": {"Olga Smirnova"}, "country": {"RU"}})
		var n int64
		fmt.Sscan(id, &n)
		olga.get("/registrations/"+id).expect(t, http.StatusOK, "Bring your badge")

		// Ten days early: refused, naming her and when the desk opens.
		desk.post("/checkin/wic-2027", url.Values{"code": {fmt.Sprintf("r%06d", n)}}).
			expect(t, http.StatusConflict, "Check-in opens on", "Beijing time (UTC&#43;8)", "Ольга Смирнова", "checkin-refused")
		// The secretariat opens the desk an hour ago.
		form.Set("checkin_opens_at", time.Now().Add(-time.Hour).In(bj).Format("2006-01-02T15:04"))
		sec.post("/admin/events/wic-2027", form).expect(t, http.StatusSeeOther)
		desk.post("/checkin/wic-2027", url.Values{"code": {id}}).expect(t, http.StatusOK, "Checked in", "Ольга Смирнова", "checkin-ok")
		desk.post("/checkin/wic-2027", url.Values{"code": {fmt.Sprintf("R-%06d", n)}}).
			expect(t, http.StatusConflict, "Ольга Смирнова", "checkin-refused", "Beijing time (UTC&#43;8)")
		r := olga.get("/registrations/" + id)
		r.expect(t, http.StatusOK, "You are checked in.", "Checked in at the venue on", "Beijing time (UTC&#43;8)")
		if strings.Contains(r.body, "Bring your badge") {
			t.Error("the checked-in attendee is still told to bring the badge")
		}
		olga.get("/registrations/"+id+"?lang=zh-Hant").expect(t, http.StatusOK, "您已報到。", "北京時間")

		// The outbox: the newest first, by recipient and kind.
		sec.get("/admin/outbox?to=OLGA%40example&kind=registration").expect(t, http.StatusOK, "olga@example.org", "1 message")
		if r := sec.get("/admin/outbox?to=olga%40example&kind=visa"); !strings.Contains(r.body, "0 messages") || strings.Contains(r.body, "olga@example.org</td>") {
			t.Errorf("visa mail of olga: %.3000s", r.body)
		}
		if r := sec.get("/admin/outbox?to=nobody"); !strings.Contains(r.body, "0 messages") {
			t.Errorf("filter by recipient: %.2000s", r.body)
		}

		// Lists: what is to come before what is over, which is marked.
		for _, path := range []string{"/events", "/admin/events"} {
			body := sec.get(path).body
			upcoming, old := strings.Index(body, "/events/wic-2027"), strings.Index(body, "/events/dialogue-2020")
			if upcoming < 0 || old < 0 || upcoming > old {
				t.Errorf("%s: the coming summit (%d) is not before the past dialogue (%d)", path, upcoming, old)
			}
			if !strings.Contains(body[old:], "Ended") {
				t.Errorf("%s: the past dialogue is not marked as ended", path)
			}
		}
		a.browser(t).get("/events?lang=zh-Hant").expect(t, http.StatusOK, "即將舉行和正在進行", "往期活動", "已結束", "烏鎮")
	})
}

// catalogueKeyRE finds what looks like a catalogue key in a page's text:
// dotted lower-case words, such as search.type.event.
var catalogueKeyRE = regexp.MustCompile(`\b[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+\b`)

var (
	scriptRE = regexp.MustCompile(`(?s)<(script|style)\b.*?</(script|style)>`)
	tagRE    = regexp.MustCompile(`(?s)<[^>]*>`)
	attrRE   = regexp.MustCompile(`\b(?:aria-label|title|placeholder|alt|data-[a-z-]+)="([^"]*)"`)
	hrefRE   = regexp.MustCompile(`href="(/[^"#]*)"`)
)

// rawKeys returns what in page (HTML) reads as a catalogue key: a dotted
// word whose first part names an area of the catalogue (events.…,
// search.…), in the text or in an attribute a person reads or hears.
func rawKeys(page string, areas map[string]bool) []string {
	var text []string
	for _, m := range attrRE.FindAllStringSubmatch(page, -1) {
		text = append(text, m[1])
	}
	text = append(text, tagRE.ReplaceAllString(scriptRE.ReplaceAllString(page, " "), " "))
	var out []string
	for _, s := range text {
		for _, k := range catalogueKeyRE.FindAllString(html.UnescapeString(s), -1) {
			if areas[k[:strings.IndexByte(k, '.')]] {
				out = append(out, k)
			}
		}
	}
	return out
}

func TestRawKeysFound(t *testing.T) {
	areas := catalogueAreas()
	page := `<p>Summit · <span class="result-type">search.type.event</span> example.org</p><a aria-label="events.list.title">x</a>` +
		`<script>var x = "events.not_text";</script><p>jonas.hartmann@rhine.example.com 3.5 e.g.</p>`
	got := strings.Join(rawKeys(page, areas), " ")
	if got != "events.list.title search.type.event" {
		t.Errorf("found %q", got)
	}
}

// catalogueAreas are the first parts of the catalogue's keys.
func catalogueAreas() map[string]bool {
	areas := map[string]bool{}
	for k := range i18n.Messages()[i18n.En] {
		areas[k[:strings.IndexByte(k+".", '.')]] = true
	}
	return areas
}

// TestExperienceDemo reads the demo as people do, in all three languages:
// no page shows a catalogue key or misses a message; the events list puts
// the summit first with its forums beneath it and the opening ceremony
// and closing session under their own kinds; the programme shows a slot's
// parallel breaks once and filters by room; search results read with a
// line of their own, breaks are not sessions, and the coming summit comes
// before old ones.
func TestExperienceDemo(t *testing.T) {
	eachApp(t, func(t *testing.T, a *testApp) {
		ctx := context.Background()
		creds, _, err := demo.Load(ctx, a.demoDeps())
		if err != nil {
			t.Fatal(err)
		}
		summits, _, err := a.events.List(ctx, events.Filter{Kind: events.Summit}, 1, 0)
		if err != nil || len(summits) != 1 {
			t.Fatalf("newest summit: %v %v", summits, err)
		}
		newest := summits[0]
		areas := catalogueAreas()
		misses := i18n.Misses()

		// Every page an anonymous reader reaches in two steps from the
		// home page and the summit, and the staff's pages, in each language.
		anon := a.browser(t)
		var staff *browser
		for _, c := range creds {
			if c.Role == auth.RoleSecretariat {
				staff = a.browser(t)
				staff.post("/login", url.Values{"email": {c.Email}, "password": {c.Password}}).expect(t, http.StatusSeeOther)
			}
		}
		if staff == nil {
			t.Fatal("no secretariat among the demo's credentials")
		}
		admin := "/admin/events/" + newest.Slug
		start := []string{"/", "/events", "/events/" + newest.Slug, "/events/" + newest.Slug + "/programme",
			"/events/" + newest.Slug + "/programme?view=room", "/events/" + newest.Slug + "/programme?view=track",
			"/search?q=forum", "/search?q=%E4%BA%92%E8%81%94%E7%BD%91", "/search?q=tea", "/members", "/cases", "/calls"}
		staffPages := []string{"/admin", "/admin/events", "/admin/outbox", admin, admin + "/registrations", admin + "/programme",
			"/checkin/" + newest.Slug}
		for _, lang := range i18n.Langs {
			seen := map[string]bool{}
			queue := append([]string(nil), start...)
			for depth := 0; depth < 2; depth++ {
				var next []string
				for _, p := range queue {
					if seen[p] || len(seen) >= 90 {
						continue
					}
					seen[p] = true
					r := anon.get(withLang(p, lang))
					if r.StatusCode != http.StatusOK {
						continue
					}
					if keys := rawKeys(r.body, areas); len(keys) > 0 {
						t.Errorf("%s in %s shows catalogue keys: %v", p, lang, keys)
					}
					for _, m := range hrefRE.FindAllStringSubmatch(r.body, -1) {
						if l := html.UnescapeString(m[1]); crawlable(l) {
							next = append(next, l)
						}
					}
				}
				queue = next
			}
			for _, p := range staffPages {
				r := staff.get(withLang(p, lang))
				r.expect(t, http.StatusOK)
				if keys := rawKeys(r.body, areas); len(keys) > 0 {
					t.Errorf("%s in %s shows catalogue keys: %v", p, lang, keys)
				}
			}
			if len(seen) < 30 {
				t.Errorf("%s: only %d pages read: is the crawl broken?", lang, len(seen))
			}
		}
		if n := i18n.Misses() - misses; n != 0 {
			t.Errorf("%d messages missing from the catalogue in the pages read", n)
		}

		// /events: the summit, then its forums; the opening and closing under their kinds.
		anon = a.browser(t) // in English: the crawl left the last language in a cookie
		body := anon.get("/events").body
		s, f := strings.Index(body, `href="/events/`+newest.Slug+`"`), strings.Index(body, `href="/events/`+newest.Slug+`-forum-`)
		if s < 0 || f < s || !strings.Contains(body, "Upcoming and current") || !strings.Contains(body, "Past events") {
			t.Errorf("/events: summit at %d, first forum at %d", s, f)
		}
		for slug, kind := range map[string]string{"-forum-01": "Ceremony", "-forum-20": "Plenary"} {
			i := strings.Index(body, `href="/events/`+newest.Slug+slug+`"`)
			if i < 0 || !strings.Contains(body[i:min(i+600, len(body))], kind+" · ") {
				t.Errorf("/events: %s is not shown as %s", slug, kind)
			}
		}
		// The programme: a tea break once per slot; the filter by room.
		prog := anon.get("/events/" + newest.Slug + "/programme").body
		if n := strings.Count(prog, "Tea break"); n == 0 || n != strings.Count(prog, `class="slot-break"`) {
			t.Errorf("programme: %d tea breaks in %d break lines", n, strings.Count(prog, `class="slot-break"`))
		}
		if !strings.Contains(prog, "in all 4 rooms") {
			t.Error("programme: the parallel tea break does not say it is in every room")
		}
		room := anon.get("/events/" + newest.Slug + "/programme?room=Lotus+Hall").body
		if strings.Contains(room, `<span class="room"> · Main Hall</span>`) || !strings.Contains(room, `<span class="room"> · Lotus Hall</span>`) {
			t.Error("programme: the filter by room shows other rooms")
		}
		a.browser(t).get("/events/"+newest.Slug+"/programme?lang=zh-Hans").expect(t, http.StatusOK, "莲花厅", "北京时间", "星期")

		// Search: lines of their own, no breaks, the coming summit first.
		r := anon.get("/search?q=tea+break&type=session")
		r.expect(t, http.StatusOK, "0 results")
		r = anon.get("/search?q=%E4%BA%92%E8%81%94%E7%BD%91&type=event")
		r.expect(t, http.StatusOK, `class="result-line">Summit · `)
		var years []string
		for _, m := range regexp.MustCompile(`Global Internet Cooperation Summit (\d{4}) \(demo\)</a>`).FindAllStringSubmatch(r.body, -1) {
			years = append(years, m[1])
		}
		if len(years) < 3 || years[0] != fmt.Sprint(newest.Year()) || !sort.IsSorted(sort.Reverse(sort.StringSlice(years))) {
			t.Errorf("summits in the order %v, want the newest first", years)
		}
		anon.get("/search?q=Lotus&type=session").expect(t, http.StatusOK, `class="result-line">`, "Beijing time (UTC&#43;8)", "Speakers:")
	})
}

// withLang adds ?lang= to a path.
func withLang(p, lang string) string {
	if strings.Contains(p, "?") {
		return p + "&lang=" + lang
	}
	return p + "?lang=" + lang
}

// crawlable reports whether the crawl of TestExperienceDemo follows link l:
// pages, not files, feeds, sign-in or language switches.
func crawlable(l string) bool {
	for _, s := range []string{".pdf", ".ics", ".csv", ".xlsx", ".jpg", ".png", ".svg", ".json", "/static/", "/logout", "lang=", "/login", "/signup", "/api/"} {
		if strings.Contains(l, s) {
			return false
		}
	}
	return true
}
