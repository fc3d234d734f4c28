package documents

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/audit"
	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/db/dbtest"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/jobs"
	"github.com/wuzhen/wuzhen/internal/mail"
	"github.com/wuzhen/wuzhen/internal/pagecache"
	"github.com/wuzhen/wuzhen/internal/search"
)

var sets = []db.Migrations{jobs.Migrations, mail.Migrations, audit.Migrations, pagecache.Migrations, search.Migrations, auth.Migrations, Migrations}

var sec = &actor.Actor{ID: 1, Email: "sec@example.org", Roles: []string{auth.RoleSecretariat}}

func fieldOf(err error) string {
	e, ok := errs.As(err)
	if !ok || len(e.Fields) == 0 {
		return fmt.Sprint(err)
	}
	return e.Fields[0].Name
}

func ids(v *Version) string {
	var out []string
	for _, p := range v.Paragraphs {
		out = append(out, fmt.Sprintf("%d/%d", p.ID, p.Number))
	}
	return strings.Join(out, " ")
}

const body1 = "# Principles\n\nThe internet is a shared space for every nation.\n\nCooperation rests on mutual trust and respect."

// TestVersionsAndTranslations walks a document through its versions on
// both databases: stable ids when a paragraph is inserted above, a
// translation tied to its source version (and refused with the wrong
// number of blocks), publication that fixes text and hash, the reading in
// each language and script with the out-of-date paragraphs, the anchors
// of removed paragraphs, and search in every language.
func TestVersionsAndTranslations(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := &Store{DB: d}
		doc := &Document{Slug: "wuzhen-initiative", Kind: KindInitiative, Year: 2015, Topics: []string{"governance"},
			Title: Text{En: "Wuzhen Initiative", Hans: "乌镇倡议"}, Summary: Text{En: "Our first words."}}
		if err := s.CreateDocument(ctx, sec, doc); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateDocument(ctx, sec, &Document{Slug: "wuzhen-initiative", Kind: KindInitiative, Year: 2015, Title: Text{En: "x"}}); fieldOf(err) != "slug" {
			t.Errorf("second slug: %v", err)
		}
		if err := s.CreateDocument(ctx, sec, &Document{Slug: "x", Kind: "memo", Year: 1800}); err == nil {
			t.Error("bad document accepted")
		}
		v1, err := s.SaveVersion(ctx, sec, doc.Slug, VersionInput{Body: body1, Name: "consultation draft"})
		if err != nil {
			t.Fatal(err)
		}
		if v1.Number != 1 || ids(v1) != "1/0 2/1 3/2" || v1.Hash != Hash(body1) {
			t.Fatalf("v1: %d %s %s", v1.Number, ids(v1), v1.Hash)
		}
		if _, err := s.SaveVersion(ctx, sec, doc.Slug, VersionInput{Lang: i18n.ZhHans, Body: "# 原则\n\n互联网是各国共同的空间。"}); fieldOf(err) != "body" {
			t.Errorf("translation with too few blocks: %v", err)
		}
		zh1, err := s.SaveVersion(ctx, sec, doc.Slug, VersionInput{Lang: i18n.ZhHans, Body: "# 原则\n\n互联网是各国共同的空间。\n\n合作建立在互信与尊重之上。"})
		if err != nil {
			t.Fatal(err)
		}
		if zh1.Number != 2 || zh1.SourceNumber != 1 || ids(zh1) != "1/0 2/1 3/2" {
			t.Fatalf("translation: %d of %d, %s", zh1.Number, zh1.SourceNumber, ids(zh1))
		}
		if _, err := s.Publish(ctx, sec, doc.Slug, 1); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Publish(ctx, sec, doc.Slug, 2); err != nil {
			t.Fatal(err)
		}
		// The Traditional reader reads the Simplified translation in
		// Traditional characters, up to date.
		r, err := s.Read(ctx, doc.Slug, i18n.ZhHant, 0)
		if err != nil {
			t.Fatal(err)
		}
		if !r.Converted || r.OutOfDate || r.Paragraphs[1].Text != "互聯網是各國共同的空間。" || r.Paragraphs[1].Lang != i18n.ZhHant {
			t.Errorf("zh-Hant reading: converted %v, out of date %v, %+v", r.Converted, r.OutOfDate, r.Paragraphs[1])
		}
		// Version 3 inserts a paragraph above, edits one and removes none:
		// the ids below stay.
		body3 := "# Principles\n\nA new paragraph about the summit of 2015 comes first.\n\nThe internet is a shared space for every nation.\n\n" +
			"Cooperation rests on mutual trust, respect and dialogue."
		v3, err := s.SaveVersion(ctx, sec, doc.Slug, VersionInput{Body: body3})
		if err != nil {
			t.Fatal(err)
		}
		if ids(v3) != "1/0 4/1 2/2 3/3" {
			t.Fatalf("v3 ids: %s", ids(v3))
		}
		// Not yet published: the public still reads version 1.
		if r, err = s.Read(ctx, doc.Slug, i18n.En, 0); err != nil || r.Source.Number != 1 {
			t.Fatalf("reading before publication: %v %v", r, err)
		}
		if _, err := s.Publish(ctx, sec, doc.Slug, 3); err != nil {
			t.Fatal(err)
		}
		r, err = s.Read(ctx, doc.Slug, i18n.ZhHans, 0)
		if err != nil {
			t.Fatal(err)
		}
		if r.Source.Number != 3 || r.Text.Number != 2 || !r.OutOfDate || fmt.Sprint(r.Stale) != "[3]" || fmt.Sprint(r.Untranslated) != "[4]" {
			t.Errorf("out of date translation: source %d text %d stale %v untranslated %v", r.Source.Number, r.Text.Number, r.Stale, r.Untranslated)
		}
		if p := r.Paragraphs[1]; !p.Untranslated || p.Lang != i18n.En {
			t.Errorf("added paragraph: %+v", p)
		}
		if p := r.Paragraphs[3]; !p.Stale || p.Text != "合作建立在互信与尊重之上。" {
			t.Errorf("changed paragraph: %+v", p)
		}
		// Version 4 removes paragraph 2; published, its anchor says where it went.
		if _, err := s.SaveVersion(ctx, sec, doc.Slug, VersionInput{Body: strings.Replace(body3, "The internet is a shared space for every nation.\n\n", "", 1)}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Publish(ctx, sec, doc.Slug, 4); err != nil {
			t.Fatal(err)
		}
		if r, err = s.Read(ctx, doc.Slug, i18n.En, 0); err != nil {
			t.Fatal(err)
		}
		if len(r.Removed) != 1 || r.Removed[0].ID != 2 || r.Removed[0].LastIn != 3 || r.Removed[0].RemovedIn != 4 {
			t.Errorf("removed: %+v", r.Removed)
		}
		// An earlier published version reads as it was: text and hash.
		_, old, err := s.Version(ctx, doc.Slug, 1)
		if err != nil || old.Body != body1 || old.Hash != v1.Hash || !old.Published {
			t.Errorf("version 1 after: %v %+v", err, old)
		}
		if err := s.NameVersion(ctx, sec, doc.Slug, 4, "final", "As adopted."); err != nil {
			t.Fatal(err)
		}
		// The comparison of 1 and 4, and a refusal across languages.
		cmp, err := s.Compare(ctx, doc.Slug, "", 1, 4, true)
		if err != nil {
			t.Fatal(err)
		}
		if got := summary(cmp.Changes); got != "1:same 2:removed 4:added 3:changed" {
			t.Errorf("compare 1..4: %s", got)
		}
		if _, err := s.Compare(ctx, doc.Slug, "", 2, 4, false); fieldOf(err) != "to" {
			t.Errorf("compare across languages: %v", err)
		}
		if _, err := s.SaveVersion(ctx, sec, doc.Slug, VersionInput{Body: "Draft only."}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Compare(ctx, doc.Slug, "", 4, 5, true); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("a reader compares a draft: %v", err)
		}
		// Search finds the document in English and both Chinese scripts.
		for _, q := range []string{"dialogue", "互信", "尊重", "烏鎮"} {
			res, err := search.Search(ctx, d, search.Request{Q: q, Lang: i18n.En})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(res.Hits, func(h search.Hit) bool { return h.Type == DocType && h.ID == doc.ID }) {
				t.Errorf("search %q does not find the document: %+v", q, res.Hits)
			}
		}
		list, err := s.Documents(ctx, Filter{Year: 2015, Kind: KindInitiative, PublishedOnly: true})
		if err != nil || len(list) != 1 {
			t.Errorf("archive: %v %v", list, err)
		}
	})
}

// TestConcurrentSaves saves versions of one document at the same instant
// from several goroutines, on both databases: every save is a version of
// its own, numbered without gaps or repeats, and the paragraph ids stay
// unique.
func TestConcurrentSaves(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := &Store{DB: d}
		if err := s.CreateDocument(ctx, sec, &Document{Slug: "race", Kind: KindStatement, Year: 2030, Title: Text{En: "Race"}}); err != nil {
			t.Fatal(err)
		}
		const n = 8
		errc := make(chan error, n)
		start := make(chan struct{})
		for i := range n {
			go func() {
				<-start
				_, err := s.SaveVersion(ctx, sec, "race", VersionInput{Body: fmt.Sprintf("Paragraph one.\n\nWriter %d adds this paragraph.", i)})
				errc <- err
			}()
		}
		close(start)
		for range n {
			if err := <-errc; err != nil {
				t.Fatal(err)
			}
		}
		doc, err := s.Document(ctx, "race")
		if err != nil {
			t.Fatal(err)
		}
		vs, err := s.Versions(ctx, doc.ID)
		if err != nil {
			t.Fatal(err)
		}
		var numbers []int
		for _, v := range vs {
			numbers = append(numbers, v.Number)
		}
		if fmt.Sprint(numbers) != "[8 7 6 5 4 3 2 1]" {
			t.Errorf("version numbers %v", numbers)
		}
		_, last, err := s.Version(ctx, "race", 8)
		if err != nil {
			t.Fatal(err)
		}
		if last.Paragraphs[0].ID != 1 || last.Paragraphs[1].ID < 2 {
			t.Errorf("paragraphs of the last save: %+v", last.Paragraphs)
		}
	})
}
