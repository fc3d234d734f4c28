package events

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/wuzhen/wuzhen/internal/audit"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/db/dbtest"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/members"
	"github.com/wuzhen/wuzhen/internal/search"
)

// draft makes an event in Shanghai from 09:00 on the day after tomorrow,
// for two days, left as a draft; parent names its parent ("" for none).
func (f *fixture) draft(slug string, kind Kind, parent string) *Event {
	f.t.Helper()
	day := time.Now().In(shanghaiZone()).AddDate(0, 0, 2)
	start := time.Date(day.Year(), day.Month(), day.Day(), 9, 0, 0, 0, shanghaiZone())
	e := &Event{Slug: slug, Kind: kind, Title: i18n.Text{En: "Event " + slug, Hans: "活动" + slug}, Starts: start,
		Ends: start.Add(32 * time.Hour), TimeZone: "Asia/Shanghai", Venue: "Wuzhen", Country: "CN"}
	if err := f.s.Save(context.Background(), f.staff, e, parent); err != nil {
		f.t.Fatal(err)
	}
	return e
}

func shanghaiZone() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}

func (f *fixture) speaker(name, latin, country string) *Person {
	f.t.Helper()
	p := &Person{Name: name, NameLatin: latin, Country: country, Group: members.TechnicalCommunity,
		Organization: i18n.Text{En: "Network Information Centre", Hans: "网络信息中心"},
		Bio:          i18n.Text{En: "Works on resilient routing.", Hans: "从事路由韧性研究。"}}
	if err := f.s.SavePerson(context.Background(), f.staff, p); err != nil {
		f.t.Fatal(err)
	}
	return p
}

// hits returns the URLs that a search for q of type typ finds.
func hits(t *testing.T, d *db.DB, q, typ string) []string {
	t.Helper()
	res, err := search.Search(context.Background(), d, search.Request{Q: q, Type: typ, Lang: i18n.En})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, h := range res.Hits {
		out = append(out, h.URL)
	}
	return out
}

func generation(t *testing.T, d *db.DB) int64 {
	t.Helper()
	var n int64
	if err := d.QueryRow(context.Background(), "SELECT n FROM cache_generation WHERE id = 1").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSessionValidation(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		e := f.draft("forum-2026", SectorForum, "")
		li := f.speaker("李伟", "Li Wei", "CN")
		day := e.Starts
		bad := &Session{Title: i18n.Text{En: "  "}, Starts: day.Add(2 * time.Hour), Ends: day.Add(time.Hour), Format: "party",
			Language: "xx", Interpretation: []string{"en", "klingon"}, Room: "Hall\n1"}
		err := f.s.SaveSession(ctx, f.staff, e.Slug, bad, []Cast{{PersonID: li.ID, Role: "juggler"}})
		got := fieldsOf(err)
		for _, name := range []string{"title", "ends_at", "format", "language", "interpretation", "room", "people"} {
			if !got[name] {
				t.Errorf("no error at %s: %v", name, err)
			}
		}
		if errs.CodeOf(err) != errs.Invalid {
			t.Fatalf("code %v", errs.CodeOf(err))
		}
		// Outside the event's days; the same person twice; an unknown person.
		out := &Session{Title: i18n.Text{En: "Late"}, Starts: e.Ends.Add(48 * time.Hour), Ends: e.Ends.Add(49 * time.Hour), Format: Panel}
		if err := f.s.SaveSession(ctx, f.staff, e.Slug, out, nil); !fieldsOf(err)["starts_at"] {
			t.Errorf("a session days after the event was accepted: %v", err)
		}
		ok := &Session{Title: i18n.Text{En: "Opening"}, Starts: day, Ends: day.Add(time.Hour), Format: Ceremony}
		if err := f.s.SaveSession(ctx, f.staff, e.Slug, ok, []Cast{{li.ID, Speaker}, {li.ID, Moderator}}); !fieldsOf(err)["people"] {
			t.Errorf("a person twice was accepted: %v", err)
		}
		if err := f.s.SaveSession(ctx, f.staff, e.Slug, ok, []Cast{{li.ID + 1000, Speaker}}); !fieldsOf(err)["people"] {
			t.Errorf("an unknown person was accepted: %v", err)
		}
		if ok.ID != 0 {
			t.Fatal("a refused session got an ID")
		}
		// People: a name is required; the Latin spelling must be Latin.
		p := &Person{Name: "", NameLatin: "", Country: "ZZ", Group: "astronauts"}
		got = fieldsOf(f.s.SavePerson(ctx, f.staff, p))
		for _, name := range []string{"name", "country", "stakeholder_group"} {
			if !got[name] {
				t.Errorf("person: no error at %s", name)
			}
		}
		if err := f.s.SavePerson(ctx, f.staff, &Person{Name: "Иван Петров", NameLatin: "Иван"}); !fieldsOf(err)["name_latin"] {
			t.Errorf("a Cyrillic Latin name was accepted: %v", err)
		}
		viet := &Person{Name: "Nguyễn Thị Minh", NameLatin: "Nguyễn Thị Minh"}
		if err := f.s.SavePerson(ctx, f.staff, viet); err != nil || viet.NameLatin != "" {
			t.Errorf("a Vietnamese name: %v, latin %q (want it folded into the name)", err, viet.NameLatin)
		}
	})
}

func TestProgramme(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		summit := f.draft("summit-2026", Summit, "")
		forum := f.draft("summit-2026-ai", SectorForum, summit.Slug)
		li := f.speaker("李伟", "Li Wei", "CN")
		olga := f.speaker("Ольга Смирнова", "Olga Smirnova", "RU")
		fatima := f.speaker("فاطمة حسن", "Fatima Hassan", "EG")

		// A keynote: ceremonies and breaks are not indexed (TestSearchLines).
		opening := &Session{Title: i18n.Text{En: "Opening ceremony", Hans: "开幕式"}, Starts: summit.Starts, Ends: summit.Starts.Add(time.Hour),
			Format: Keynote, Room: "Main hall", Language: "zh", Interpretation: []string{"en", "ru", "en"}}
		if err := f.s.SaveSession(ctx, f.staff, summit.Slug, opening, []Cast{{li.ID, Moderator}, {olga.ID, Speaker}}); err != nil {
			t.Fatal(err)
		}
		gen := generation(t, d)
		panel := &Session{Title: i18n.Text{En: "Large language models for every language"}, Starts: forum.Starts.Add(26 * time.Hour),
			Ends: forum.Starts.Add(27 * time.Hour), Format: Panel, Room: "Hall 2",
			Description: i18n.Text{En: "Multilingual models and small languages."}}
		if err := f.s.SaveSession(ctx, f.staff, forum.Slug, panel, []Cast{{fatima.ID, Speaker}, {olga.ID, Moderator}}); err != nil {
			t.Fatal(err)
		}
		if generation(t, d) <= gen {
			t.Error("saving a session did not drop the cached pages")
		}
		if got := strings.Join(opening.Interpretation, ","); got != "en,ru" {
			t.Errorf("interpretation %q, want en,ru (once each)", got)
		}

		// Drafts: the public sees nothing, staff everything; search holds nothing.
		if _, err := f.s.Session(ctx, opening.ID, false); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("a draft's session was public: %v", err)
		}
		if _, _, err := f.s.Person(ctx, olga.ID, false); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("a speaker of drafts only was public: %v", err)
		}
		if got := hits(t, d, "opening ceremony", SessionDocType); len(got) != 0 {
			t.Fatalf("a draft's session was indexed: %v", got)
		}
		staff, err := f.s.Session(ctx, opening.ID, true)
		if err != nil || len(staff.People) != 2 || staff.People[0].Person.Name != "李伟" || staff.People[0].Role != Moderator {
			t.Fatalf("staff session %+v %v", staff, err)
		}

		// Publishing the forum shows its programme, but not the summit's.
		if _, err := f.s.SetStatus(ctx, f.staff, forum.Slug, Published); err != nil {
			t.Fatal(err)
		}
		if got := hits(t, d, "language models", SessionDocType); len(got) != 1 || got[0] != "/events/summit-2026-ai/sessions/"+itoa(panel.ID) {
			t.Fatalf("published session not found: %v", got)
		}
		if got := hits(t, d, "Olga Smirnova", SpeakerDocType); len(got) != 1 || got[0] != "/speakers/"+itoa(olga.ID) {
			t.Fatalf("speaker not found by the Latin name: %v", got)
		}
		if got := hits(t, d, "Смирнова", SpeakerDocType); len(got) != 1 {
			t.Fatalf("speaker not found by the Cyrillic name: %v", got)
		}
		if got := hits(t, d, "李伟", SpeakerDocType); len(got) != 0 {
			t.Fatalf("a speaker of the draft summit only was indexed: %v", got)
		}
		p, sessions, err := f.s.Person(ctx, olga.ID, false)
		if err != nil || p.NameLatin != "Olga Smirnova" || len(sessions) != 1 || sessions[0].ID != panel.ID {
			t.Fatalf("public speaker page: %v %v %v", p, sessions, err)
		}

		if _, err := f.s.SetStatus(ctx, f.staff, summit.Slug, Published); err != nil {
			t.Fatal(err)
		}
		// The summit's programme holds its forum's sessions, in time order.
		list, err := f.s.Programme(ctx, summit)
		if err != nil || len(list) != 2 || list[0].ID != opening.ID || list[1].ID != panel.ID || list[1].Event.Slug != forum.Slug {
			t.Fatalf("summit programme %v %v", list, err)
		}
		if list[1].Path() != "/events/summit-2026-ai/sessions/"+itoa(panel.ID) {
			t.Errorf("path %q", list[1].Path())
		}
		list, err = f.s.Programme(ctx, forum)
		if err != nil || len(list) != 1 {
			t.Fatalf("forum programme %v %v", list, err)
		}
		if got := hits(t, d, "李伟", SpeakerDocType); len(got) != 1 {
			t.Fatalf("speaker not found by the Chinese name after publishing: %v", got)
		}
		if got := hits(t, d, "Li Wei", SessionDocType); len(got) != 1 {
			t.Fatalf("session not found by a speaker's name: %v", got)
		}

		// Changing the cast: Li Wei leaves the opening, and the index.
		if err := f.s.SaveSession(ctx, f.staff, summit.Slug, opening, []Cast{{fatima.ID, Speaker}}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.s.Person(ctx, li.ID, false); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("a speaker without sessions is still public: %v", err)
		}
		if got := hits(t, d, "Li Wei", SpeakerDocType); len(got) != 0 {
			t.Errorf("a speaker without sessions is still indexed: %v", got)
		}
		// Renaming a person renames them in their sessions' index.
		fatima.NameLatin = "Fatima Hassan Ali"
		if err := f.s.SavePerson(ctx, f.staff, fatima); err != nil {
			t.Fatal(err)
		}
		if got := hits(t, d, "Hassan Ali", SessionDocType); len(got) != 2 {
			t.Errorf("sessions not reindexed with the new name: %v", got)
		}
		// A session belongs to its event: another event's slug cannot change it.
		if err := f.s.SaveSession(ctx, f.staff, summit.Slug, panel, nil); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("changed a session through another event: %v", err)
		}
		if err := f.s.DeleteSession(ctx, f.staff, summit.Slug, panel.ID); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("deleted a session through another event: %v", err)
		}

		// Back to draft: the forum's session leaves the index and the programme.
		if _, err := f.s.SetStatus(ctx, f.staff, forum.Slug, Draft); err != nil {
			t.Fatal(err)
		}
		if got := hits(t, d, "language models", SessionDocType); len(got) != 0 {
			t.Errorf("unpublished session still found: %v", got)
		}
		if list, _ := f.s.Programme(ctx, summit); len(list) != 1 {
			t.Errorf("summit programme after unpublishing the forum: %d sessions", len(list))
		}

		// Deleting.
		gen = generation(t, d)
		if err := f.s.DeleteSession(ctx, f.staff, summit.Slug, opening.ID); err != nil {
			t.Fatal(err)
		}
		if generation(t, d) <= gen {
			t.Error("deleting a session did not drop the cached pages")
		}
		if _, err := f.s.Session(ctx, opening.ID, true); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("deleted session found: %v", err)
		}
		if got := hits(t, d, "opening ceremony", SessionDocType); len(got) != 0 {
			t.Errorf("deleted session still indexed: %v", got)
		}

		// Every change is in the audit log.
		entries, _, err := audit.List(ctx, d, 500, 0)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]int{}
		for _, e := range entries {
			seen[e.Action]++
		}
		if seen["session.created"] != 2 || seen["session.updated"] != 1 || seen["session.deleted"] != 1 || seen["person.created"] != 3 ||
			seen["person.updated"] != 1 {
			t.Errorf("audit: %v", seen)
		}
	})
}

func TestAgenda(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		forum := f.draft("forum-2026", SectorForum, "")
		x := &Session{Title: i18n.Text{En: "IPv6 only networks"}, Starts: forum.Starts, Ends: forum.Starts.Add(time.Hour), Format: Workshop}
		y := &Session{Title: i18n.Text{En: "Measuring IPv6"}, Starts: forum.Starts.Add(30 * time.Minute), Ends: forum.Starts.Add(2 * time.Hour), Format: Panel}
		for _, s := range []*Session{x, y} {
			if err := f.s.SaveSession(ctx, f.staff, forum.Slug, s, nil); err != nil {
				t.Fatal(err)
			}
		}
		amina := f.person("amina@example.org", "Amina")
		kofi := f.person("kofi@example.org", "Kofi")
		if err := f.s.AddToAgenda(ctx, amina.ID, x.ID); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("added a draft's session: %v", err)
		}
		if _, err := f.s.SetStatus(ctx, f.staff, forum.Slug, Published); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 2; i++ { // twice is once
			if err := f.s.AddToAgenda(ctx, amina.ID, x.ID); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.s.AddToAgenda(ctx, amina.ID, y.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.s.AddToAgenda(ctx, kofi.ID, y.ID); err != nil {
			t.Fatal(err)
		}
		mine, err := f.s.Agenda(ctx, amina.ID)
		if err != nil || len(mine) != 2 || mine[0].ID != x.ID || !mine[0].Overlaps(mine[1]) {
			t.Fatalf("agenda %v %v", mine, err)
		}
		ids, err := f.s.AgendaIDs(ctx, kofi.ID)
		if err != nil || len(ids) != 1 || !ids[y.ID] {
			t.Fatalf("kofi's agenda %v %v", ids, err)
		}
		if err := f.s.RemoveFromAgenda(ctx, amina.ID, y.ID); err != nil {
			t.Fatal(err)
		}
		if mine, _ := f.s.Agenda(ctx, amina.ID); len(mine) != 1 {
			t.Fatalf("after removing: %d sessions", len(mine))
		}
		if ids, _ := f.s.AgendaIDs(ctx, kofi.ID); !ids[y.ID] {
			t.Fatal("removing from one agenda removed from another")
		}
		// A deleted session leaves every agenda.
		if err := f.s.DeleteSession(ctx, f.staff, forum.Slug, y.ID); err != nil {
			t.Fatal(err)
		}
		if ids, _ := f.s.AgendaIDs(ctx, kofi.ID); len(ids) != 0 {
			t.Fatalf("deleted session still in an agenda: %v", ids)
		}

		// The feed's secret address: shown once, kept as a hash, replaced.
		if at, err := f.s.Feed(ctx, amina.ID); at != nil || err != nil {
			t.Fatalf("feed before any: %v %v", at, err)
		}
		token, err := f.s.NewFeed(ctx, amina)
		if err != nil || len(token) < 30 {
			t.Fatalf("token %q %v", token, err)
		}
		if id, err := f.s.FeedOwner(ctx, token); err != nil || id != amina.ID {
			t.Fatalf("owner %d %v", id, err)
		}
		var stored string
		if err := d.QueryRow(ctx, "SELECT token_hash FROM programme_feeds WHERE user_id = ?", amina.ID).Scan(&stored); err != nil || strings.Contains(stored, token) {
			t.Fatalf("stored %q %v: the token itself is kept", stored, err)
		}
		again, err := f.s.NewFeed(ctx, amina)
		if err != nil || again == token {
			t.Fatalf("new token %q %v", again, err)
		}
		if _, err := f.s.FeedOwner(ctx, token); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("a replaced token still works: %v", err)
		}
		if _, err := f.s.FeedOwner(ctx, ""); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("an empty token: %v", err)
		}
		if at, err := f.s.Feed(ctx, amina.ID); at == nil || err != nil {
			t.Fatalf("feed: %v %v", at, err)
		}
	})
}

func TestImportProgramme(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		e := f.draft("forum-2026", SectorForum, "")
		a, b := &Person{Name: "王芳", NameLatin: "Wang Fang", Country: "CN"}, &Person{Name: "Kwame Mensah", Country: "GH"}
		x := &Session{EventID: e.ID, Title: i18n.Text{En: "Digital skills"}, Starts: e.Starts, Ends: e.Starts.Add(time.Hour), Format: Roundtable,
			People: []Appearance{{Moderator, a}, {Speaker, b}}}
		bad := &Session{EventID: e.ID, Title: i18n.Text{En: "Bad"}, Starts: e.Starts, Ends: e.Starts, Format: Panel}
		if err := f.s.ImportProgramme(ctx, f.staff, []*Person{a, b}, []*Session{x, bad}); err == nil {
			t.Fatal("a bad session was imported")
		}
		if list, _, _ := f.s.People(ctx, "", 0, 0); len(list) != 0 {
			t.Fatalf("a failed import left %d people", len(list))
		}
		a.ID, b.ID = 0, 0
		if err := f.s.ImportProgramme(ctx, f.staff, []*Person{a, b}, []*Session{x}); err != nil {
			t.Fatal(err)
		}
		got, err := f.s.Session(ctx, x.ID, true)
		if err != nil || len(got.Moderators()) != 1 || got.Moderators()[0].NameLatin != "Wang Fang" || len(got.Speakers()) != 1 {
			t.Fatalf("imported session %+v %v", got, err)
		}
		list, total, err := f.s.People(ctx, "mensah", 10, 0)
		if err != nil || total != 1 || list[0].ID != b.ID {
			t.Fatalf("people matching mensah: %v %d %v", list, total, err)
		}
		list, _, _ = f.s.People(ctx, "", 0, 0)
		if len(list) != 2 || list[0].SortName() != "Kwame Mensah" {
			t.Fatalf("people by name: %v", list)
		}
	})
}
