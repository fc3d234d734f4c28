package events

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/db/dbtest"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/search"
)

// TestCheckInWindowAndCodes: the desk takes people from the day before the
// event (or from when the secretariat says), takes a number as printed in
// either form, and names the person it refuses.
func TestCheckInWindowAndCodes(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		desk := f.person("desk@example.org", "Desk", auth.RoleCheckIn)
		// Ten days ahead: the desk is not open yet.
		e := f.event("later", 5, Auto)
		e.Starts, e.Ends = e.Starts.AddDate(0, 0, 9), e.Ends.AddDate(0, 0, 9)
		if err := f.s.Save(ctx, f.staff, e, ""); err != nil {
			t.Fatal(err)
		}
		var regs []*Registration
		for i, name := range []string{"Amina Diallo", "王芳", "Lucas Souza"} {
			r, err := f.s.Register(ctx, f.person(fmt.Sprintf("p%d@example.org", i), name), "later", "delegate", answers("SN"))
			if err != nil || r.Status != Confirmed {
				t.Fatalf("register: %+v %v", r, err)
			}
			regs = append(regs, r)
		}
		r, err := f.s.CheckInCode(ctx, desk, e.ID, regs[0].Number())
		if ee, ok := errs.As(err); !ok || ee.Key != "experience.checkin.not_yet" {
			t.Fatalf("ten days early: %v", err)
		}
		if r == nil || r.Name != "Amina Diallo" {
			t.Fatalf("a refusal does not name the person: %+v", r)
		}
		opens, _ := e.CheckInWindow()
		loc := e.Location()
		if s := e.Starts.In(loc); opens.In(loc) != time.Date(s.Year(), s.Month(), s.Day()-1, 0, 0, 0, 0, loc) {
			t.Errorf("default window opens %v, want the start of the day before %v", opens, s)
		}
		// The secretariat opens the desk now.
		before := f.s.DB.Now().Add(-time.Hour).Truncate(time.Second)
		e.CheckInOpens = &before
		if err := f.s.Save(ctx, f.staff, e, ""); err != nil {
			t.Fatal(err)
		}
		if got, _ := f.s.Event(ctx, "later", true); got.CheckInOpens == nil || !got.CheckInOpens.Equal(before) {
			t.Fatalf("check-in opening not kept: %v", got.CheckInOpens)
		}
		// Either printed form of the number, in either case.
		for i, code := range []string{fmt.Sprintf("r%06d", regs[0].ID), fmt.Sprint(regs[1].ID), fmt.Sprintf("R-%06d", regs[2].ID)} {
			if r, err := f.s.CheckInCode(ctx, desk, e.ID, code); err != nil || r.ID != regs[i].ID {
				t.Errorf("code %q: %+v %v", code, r, err)
			}
		}
		// Already in: refused, naming the person.
		r, err = f.s.CheckInCode(ctx, desk, e.ID, fmt.Sprintf("r%06d", regs[1].ID))
		if ee, ok := errs.As(err); !ok || ee.Key != "events.already_checked_in" || r == nil || r.Name != "王芳" {
			t.Fatalf("second check-in: %+v %v", r, err)
		}
		// A window that opens after the event ends is refused at its field.
		late := e.Ends.Add(time.Hour)
		e.CheckInOpens = &late
		if err := f.s.Save(ctx, f.staff, e, ""); !fieldsOf(err)["checkin_opens_at"] {
			t.Errorf("check-in opening after the end: %v", err)
		}
	})
}

// TestTranslatedPlaces: venues, rooms and the interpretation line are
// kept in Chinese too and read in the reader's language and script.
func TestTranslatedPlaces(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		e := f.draft("places", Summit, "")
		e.VenueHans, e.Interpretation, e.InterpretationHans = "乌镇互联网国际会展中心", "English–Chinese", "中英传译"
		if err := f.s.Save(ctx, f.staff, e, ""); err != nil {
			t.Fatal(err)
		}
		got, err := f.s.Event(ctx, "places", true)
		if err != nil {
			t.Fatal(err)
		}
		for lang, want := range map[string]string{i18n.En: "Wuzhen", i18n.ZhHans: "乌镇互联网国际会展中心", i18n.ZhHant: "烏鎮互聯網國際會展中心"} {
			if v := got.VenueFor(lang); v != want {
				t.Errorf("venue in %s: %q, want %q", lang, v, want)
			}
		}
		if v := got.InterpretationFor(i18n.ZhHant); v != "中英傳譯" {
			t.Errorf("interpretation in zh-Hant: %q", v)
		}
		x := &Session{Title: i18n.Text{En: "Panel"}, Starts: e.Starts, Ends: e.Starts.Add(time.Hour), Format: Panel,
			Room: "Lotus Hall", RoomHans: "莲花厅"}
		if err := f.s.SaveSession(ctx, f.staff, e.Slug, x, nil); err != nil {
			t.Fatal(err)
		}
		saved, err := f.s.Session(ctx, x.ID, true)
		if err != nil || saved.RoomFor(i18n.En) != "Lotus Hall" || saved.RoomFor(i18n.ZhHant) != "蓮花廳" {
			t.Fatalf("room: %+v %v", saved, err)
		}
	})
}

// TestSearchLines: each result reads with its own line, breaks and
// ceremonies are not sessions to find, and among events that match alike
// the one not yet held comes before those long past.
func TestSearchLines(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		e := f.draft("summit-next", Summit, "")
		old := &Event{Slug: "summit-old", Kind: Summit, Title: i18n.Text{En: "Event summit-next", Hans: "活动summit-next"}, TimeZone: "Asia/Shanghai",
			Starts: e.Starts.AddDate(-6, 0, 0), Ends: e.Ends.AddDate(-6, 0, 0), Venue: "Wuzhen", Country: "CN"}
		if err := f.s.Save(ctx, f.staff, old, ""); err != nil {
			t.Fatal(err)
		}
		li := f.speaker("李伟", "Li Wei", "CN")
		sessions := map[Format]*Session{}
		for i, format := range []Format{Panel, Break, Ceremony} {
			x := &Session{Title: i18n.Text{En: "Routing " + string(format), Hans: "路由" + string(format)}, Format: format,
				Starts: e.Starts.Add(time.Duration(i) * time.Hour), Ends: e.Starts.Add(time.Duration(i+1) * time.Hour), Room: "Lotus Hall", RoomHans: "莲花厅"}
			if err := f.s.SaveSession(ctx, f.staff, e.Slug, x, []Cast{{li.ID, Speaker}}); err != nil {
				t.Fatal(err)
			}
			sessions[format] = x
		}
		for _, slug := range []string{"summit-old", "summit-next"} {
			if _, err := f.s.SetStatus(ctx, f.staff, slug, Published); err != nil {
				t.Fatal(err)
			}
		}
		if got := hits(t, d, "routing", SessionDocType); len(got) != 1 || !strings.HasSuffix(got[0], fmt.Sprint(sessions[Panel].ID)) {
			t.Errorf("sessions found: %v, want the panel alone (no break, no ceremony)", got)
		}
		if got := hits(t, d, "summit-next", DocType); len(got) != 2 || got[0] != "/events/summit-next" {
			t.Errorf("events in order: %v, want the coming one first", got)
		}
		res, err := search.Search(ctx, d, search.Request{Q: "路由", Type: SessionDocType, Lang: i18n.ZhHant})
		if err != nil || len(res.Hits) != 1 {
			t.Fatalf("%+v %v", res, err)
		}
		line := res.Hits[0].Line
		for _, want := range []string{"星期", "北京時間", "活動summit-next", "蓮花廳", "李偉"} {
			if !strings.Contains(line, want) {
				t.Errorf("session line %q lacks %q", line, want)
			}
		}
		res, err = search.Search(ctx, d, search.Request{Q: "summit-next", Type: DocType, Lang: i18n.En})
		if err != nil || len(res.Hits) != 2 {
			t.Fatalf("%+v %v", res, err)
		}
		if line := res.Hits[0].Line; !strings.HasPrefix(line, "Summit · ") || !strings.Contains(line, "Wuzhen, China") ||
			!strings.Contains(line, fmt.Sprint(e.Year())) {
			t.Errorf("event line %q", line)
		}
	})
}

// TestListTree: the list shows a summit with its forums beneath it,
// ceremonies first at one time; what is over apart, the latest first.
func TestListTree(t *testing.T) {
	now := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	day := func(d int) time.Time { return now.AddDate(0, 0, d) }
	ev := func(id, parent int64, kind Kind, start int) *Event {
		return &Event{ID: id, ParentID: parent, Kind: kind, Slug: fmt.Sprint(id), Starts: day(start), Ends: day(start).Add(8 * time.Hour)}
	}
	// As List gives them: the newest first.
	list := []*Event{ev(5, 1, SectorForum, 20), ev(4, 1, CeremonyEvent, 18), ev(3, 1, SectorForum, 18), ev(1, 0, Summit, 18),
		ev(6, 0, Dialogue, 3), ev(2, 0, Summit, -300), ev(7, 99, SectorForum, -400)}
	up, past := listTree(list, now)
	var got []string
	for _, it := range up {
		s := it.Slug + "["
		for _, k := range it.Children {
			s += k.Slug
		}
		got = append(got, s+"]")
	}
	if s := strings.Join(got, " "); s != "6[] 1[435]" {
		t.Errorf("upcoming %s", s)
	}
	if len(past) != 2 || past[0].Slug != "2" || !past[0].Ended || past[1].Slug != "7" {
		t.Errorf("past %+v", past)
	}
}

// TestMergeBreaks: four parallel tea breaks are one line of the slot.
func TestMergeBreaks(t *testing.T) {
	at := time.Date(2027, 1, 19, 2, 0, 0, 0, time.UTC)
	tea := i18n.Text{En: "Tea break", Hans: "茶歇"}
	var list []*Session
	for i := range 4 {
		list = append(list, &Session{ID: int64(i + 1), Format: Break, Title: tea, Starts: at, Ends: at.Add(15 * time.Minute)})
	}
	list = append(list, &Session{ID: 9, Format: Panel, Title: i18n.Text{En: "Panel"}, Starts: at, Ends: at.Add(time.Hour)},
		&Session{ID: 10, Format: Break, Title: tea, Starts: at, Ends: at.Add(30 * time.Minute)})
	kept, breaks := mergeBreaks(list, i18n.En)
	if len(kept) != 1 || kept[0].ID != 9 || len(breaks) != 2 || breaks[0].Rooms != 4 || breaks[1].Rooms != 1 {
		t.Errorf("kept %v, breaks %+v", kept, breaks)
	}
}
