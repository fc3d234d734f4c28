package events

import (
	"strings"
	"testing"
	"time"

	"github.com/wuzhen/wuzhen/internal/i18n"
)

func TestNaturalLess(t *testing.T) {
	for _, c := range []struct {
		a, b string
		less bool
	}{
		{"Hall 2", "Hall 10", true}, {"Hall 10", "Hall 2", false}, {"Hall 2", "Hall 2", false},
		{"Bridge Hall", "Main Hall", true}, {"Room 1A", "Room 1B", true}, {"Room", "Room 1", true},
	} {
		if got := naturalLess(c.a, c.b); got != c.less {
			t.Errorf("naturalLess(%q, %q) = %v", c.a, c.b, got)
		}
	}
}

func TestGroupSessions(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	summit := &Event{ID: 1, Slug: "s", TimeZone: "Asia/Shanghai", Title: i18n.Text{En: "Summit"}}
	forum := &Event{ID: 2, Slug: "f", TimeZone: "Asia/Shanghai", Title: i18n.Text{En: "AI forum"}}
	at := func(h, m int) time.Time { return time.Date(2026, 11, 8, h, m, 0, 0, loc) }
	list := []*Session{
		{ID: 1, EventID: 1, Event: summit, Starts: at(9, 0), Ends: at(10, 0), Room: "Hall 10"},
		{ID: 2, EventID: 2, Event: forum, Starts: at(9, 0), Ends: at(10, 0), Room: "Hall 2"},
		{ID: 3, EventID: 2, Event: forum, Starts: at(10, 30), Ends: at(11, 0), Room: ""},
	}
	heads := func(gs []sessionGroup) string {
		var out []string
		for _, g := range gs {
			out = append(out, g.Heading+"="+strings.Repeat("x", len(g.Sessions)))
		}
		return strings.Join(out, " ")
	}
	if got := heads(groupSessions(list, byTime, "en", "TBA")); got != "09:00=xx 10:30=x" {
		t.Errorf("by time: %s", got)
	}
	if got := heads(groupSessions(list, byRoom, "en", "TBA")); got != "Hall 2=x Hall 10=x TBA=x" {
		t.Errorf("by room: %s", got)
	}
	if got := heads(groupSessions(list, byTrack, "en", "TBA")); got != "Summit=x AI forum=xx" {
		t.Errorf("by track: %s", got)
	}
}

func TestSessionReading(t *testing.T) {
	e := &Event{Slug: "f", TimeZone: "Asia/Shanghai"}
	loc := e.Location()
	e.Starts, e.Ends = time.Date(2026, 11, 8, 9, 0, 0, 0, loc), time.Date(2026, 11, 9, 12, 0, 0, 0, loc)
	x := &Session{ID: 7, Event: e, Starts: time.Date(2026, 11, 8, 1, 30, 0, 0, time.UTC), Ends: time.Date(2026, 11, 8, 2, 0, 0, 0, time.UTC),
		Language: "zh", Interpretation: []string{"en", "ru", "ar"}}
	if x.Clock() != "09:30–10:00" || x.StartISO() != "2026-11-08T09:30:00+08:00" || x.Zone(i18n.En) != "Beijing time (UTC+8)" {
		t.Errorf("clock %q, iso %q, zone %q", x.Clock(), x.StartISO(), x.Zone(i18n.En))
	}
	if got := x.Day(i18n.En); got != "Sun 8 November 2026" {
		t.Errorf("day %q", got)
	}
	if got := x.Day(i18n.ZhHant); got != "2026年11月8日 星期日" {
		t.Errorf("day %q", got)
	}
	if got := x.LanguageNames(i18n.En); got != "Chinese; interpreted into English, Russian and Arabic" {
		t.Errorf("languages %q", got)
	}
	if got := x.LanguageNames(i18n.ZhHans); got != "中文；提供英语、俄语、阿拉伯语同传" {
		t.Errorf("languages %q", got)
	}
	// The event's days, in its zone: from midnight of the first to the end of the last.
	for _, c := range []struct {
		from, to time.Time
		ok       bool
	}{
		{time.Date(2026, 11, 8, 0, 0, 0, 0, loc), time.Date(2026, 11, 8, 1, 0, 0, 0, loc), true},
		{time.Date(2026, 11, 9, 22, 0, 0, 0, loc), time.Date(2026, 11, 10, 0, 0, 0, 0, loc), true},
		{time.Date(2026, 11, 7, 23, 0, 0, 0, loc), time.Date(2026, 11, 8, 1, 0, 0, 0, loc), false},
		{time.Date(2026, 11, 9, 23, 0, 0, 0, loc), time.Date(2026, 11, 10, 0, 30, 0, 0, loc), false},
	} {
		if got := e.covers(c.from, c.to); got != c.ok {
			t.Errorf("covers %v–%v = %v", c.from, c.to, got)
		}
	}
	p := &Person{ID: 3, Name: "Ольга Смирнова", NameLatin: "Olga Smirnova", PhotoHash: "0123456789abcdef0123"}
	if p.Initials() != "OS" || p.PhotoURL() != "/speakers/3/photo.jpg?v=0123456789abcdef" || p.SortName() != "Olga Smirnova" {
		t.Errorf("initials %q, photo %q", p.Initials(), p.PhotoURL())
	}
}
