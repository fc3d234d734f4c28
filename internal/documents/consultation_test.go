package documents

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/audit"
	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/db/dbtest"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/jobs"
	"github.com/wuzhen/wuzhen/internal/mail"
	"github.com/wuzhen/wuzhen/internal/members"
	"github.com/wuzhen/wuzhen/internal/pagecache"
	"github.com/wuzhen/wuzhen/internal/search"
)

var consultSets = []db.Migrations{jobs.Migrations, mail.Migrations, audit.Migrations, pagecache.Migrations, search.Migrations,
	auth.Migrations, members.Migrations, Migrations}

// cenv is a documents store with members, accounts and a settable clock.
type cenv struct {
	t     *testing.T
	d     *db.DB
	s     *Store
	users *auth.Store
	now   time.Time
	mu    sync.Mutex
	sec   *actor.Actor
}

func newCEnv(t *testing.T, d *db.DB) *cenv {
	e := &cenv{t: t, d: d, now: time.Date(2030, 1, 5, 12, 0, 0, 0, time.UTC)}
	d.Now = func() time.Time { e.mu.Lock(); defer e.mu.Unlock(); return e.now }
	e.users = &auth.Store{DB: d, Params: auth.Params{Memory: 1024, Time: 1, Threads: 1}}
	e.s = &Store{DB: d, Members: &members.Store{DB: d, BaseURL: "https://wic.example"}}
	e.sec = e.user("sec@example.org", "Secretariat", auth.RoleSecretariat)
	return e
}

func (e *cenv) set(t time.Time) { e.mu.Lock(); e.now = t; e.mu.Unlock() }

func (e *cenv) user(email, name string, roles ...string) *actor.Actor {
	e.t.Helper()
	u, err := e.users.Create(context.Background(), email, name, "a good password", roles...)
	if err != nil {
		e.t.Fatal(err)
	}
	return u.Principal()
}

// member adds an active member represented by reps (test set-up writes
// the representatives' rows as the members package's own tests do).
func (e *cenv) member(name, country string, g members.Group, standing members.Standing, reps ...*actor.Actor) *members.Member {
	e.t.Helper()
	ctx := context.Background()
	m := &members.Member{Kind: members.Organization, Name: members.Names{En: name}, Country: country, Group: g, Standing: standing}
	if err := e.s.Members.Add(ctx, e.sec, m); err != nil {
		e.t.Fatal(err)
	}
	for i, r := range reps {
		if _, err := e.d.Exec(ctx, "INSERT INTO member_representatives (member_id, user_id, is_primary, created_at) VALUES (?, ?, ?, ?)",
			m.ID, r.ID, i == 0, e.now); err != nil {
			e.t.Fatal(err)
		}
	}
	return m
}

func (e *cenv) document(slug, body string) *Version {
	e.t.Helper()
	ctx := context.Background()
	if err := e.s.CreateDocument(ctx, e.sec, &Document{Slug: slug, Kind: KindConceptPaper, Year: 2030, Title: Text{En: "Concept " + slug, Hant: "概念文件"}}); err != nil {
		e.t.Fatal(err)
	}
	v, err := e.s.SaveVersion(ctx, e.sec, slug, VersionInput{Body: body})
	if err != nil {
		e.t.Fatal(err)
	}
	return v
}

func codeOf(err error) errs.Code { return errs.CodeOf(err) }

const consultBody = "# Principles\n\nThe internet is a shared space for every nation.\n\nCooperation rests on mutual trust and respect.\n\nData flows need rules that every country can accept."

// TestConsultation walks a consultation on both databases: the window the
// server enforces (422 naming it), comments, replies and amendments on
// paragraphs by stable id, hidden comments gone for everyone but the
// secretariat, decisions, counts per paragraph, the accepted amendment
// carried into the next version with credit, and the export rows.
func TestConsultation(t *testing.T) {
	dbtest.Each(t, consultSets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newCEnv(t, d)
		v1 := e.document("data-concept", consultBody)
		alice := e.user("alice@example.org", "Alice Chen")
		bob := e.user("bob@example.org", "Bob Odhiambo")
		p2, p3 := v1.Paragraphs[1].ID, v1.Paragraphs[2].ID

		if _, err := e.s.OpenConsultation(ctx, e.sec, "data-concept", ConsultationInput{Version: 1, OpensAt: e.now.Add(time.Hour),
			ClosesAt: e.now.Add(-time.Hour)}); fieldOf(err) != "closes_at" {
			t.Errorf("window backwards: %v", err)
		}
		if _, err := e.s.OpenConsultation(ctx, e.sec, "data-concept", ConsultationInput{Version: 9, OpensAt: e.now, ClosesAt: e.now.Add(time.Hour)}); fieldOf(err) != "version" {
			t.Errorf("no such version: %v", err)
		}
		opens, closes := time.Date(2030, 1, 6, 0, 0, 0, 0, time.UTC), time.Date(2030, 1, 20, 10, 0, 0, 0, time.UTC)
		c, err := e.s.OpenConsultation(ctx, e.sec, "data-concept", ConsultationInput{Version: 1, OpensAt: opens, ClosesAt: closes, Timezone: "Asia/Taipei"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.OpenConsultation(ctx, e.sec, "data-concept", ConsultationInput{Version: 1, OpensAt: opens, ClosesAt: closes}); codeOf(err) != errs.Conflict {
			t.Errorf("second consultation on a version: %v", err)
		}

		// Before the window: refused, naming the window in its zone.
		_, err = e.s.AddComment(ctx, alice, "data-concept", CommentInput{Version: 1, Paragraph: p2, Text: "Too early"})
		if ee, ok := errs.As(err); !ok || ee.Code != errs.Invalid || ee.Key != "consultation.window_upcoming" ||
			!closesAt(ee.Args[1], closes, "Asia/Taipei") {
			t.Fatalf("comment before the window: %#v", err)
		}

		e.set(opens.Add(time.Hour))
		c1, err := e.s.AddComment(ctx, alice, "data-concept", CommentInput{Version: 1, Paragraph: p2, Text: "Say which nations.",
			Organisation: "Taipei Net Society", Country: "tw", Group: "civil_society"})
		if err != nil {
			t.Fatal(err)
		}
		if c1.Country != "TW" || c1.Name != "Alice Chen" {
			t.Errorf("comment stored as %+v", c1)
		}
		amend := "The internet is a shared space for every nation and every people."
		a1, err := e.s.AddComment(ctx, bob, "data-concept", CommentInput{Version: 1, Paragraph: p2, Text: "Name the people too.", Amendment: &amend})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.AddComment(ctx, bob, "data-concept", CommentInput{Version: 1, Paragraph: 999, Text: "x"}); fieldOf(err) != "paragraph" {
			t.Errorf("comment on a paragraph the version does not have: %v", err)
		}
		two := "one\n\ntwo"
		if _, err := e.s.AddComment(ctx, bob, "data-concept", CommentInput{Version: 1, Paragraph: p2, Text: "x", Amendment: &two}); fieldOf(err) != "amendment" {
			t.Errorf("amendment of two paragraphs: %v", err)
		}
		if _, err := e.s.AddComment(ctx, bob, "data-concept", CommentInput{Version: 1, Paragraph: p2, Text: "x", Group: "aliens"}); fieldOf(err) != "stakeholder_group" {
			t.Errorf("bad group: %v", err)
		}
		r1, err := e.s.AddComment(ctx, bob, "data-concept", CommentInput{Version: 1, Parent: c1.ID, Text: "Agreed."})
		if err != nil || r1.Paragraph != p2 {
			t.Fatalf("reply: %+v %v", r1, err)
		}
		spam, err := e.s.AddComment(ctx, bob, "data-concept", CommentInput{Version: 1, Paragraph: p3, Text: "Buy cheap watches"})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.s.HideComment(ctx, e.sec, spam.ID, ""); fieldOf(err) != "reason" {
			t.Errorf("hide without a reason: %v", err)
		}
		if err := e.s.HideComment(ctx, e.sec, spam.ID, "advertising"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.AddComment(ctx, alice, "data-concept", CommentInput{Version: 1, Parent: spam.ID, Text: "reply to spam"}); fieldOf(err) != "parent" {
			t.Errorf("reply to a hidden comment: %v", err)
		}
		var reason string
		if err := d.QueryRow(ctx, "SELECT details FROM audit_log WHERE action = 'document.comment.hide'").Scan(&reason); err != nil || !strings.Contains(reason, "advertising") {
			t.Errorf("hide audited: %q %v", reason, err)
		}

		public, err := e.s.Comments(ctx, c, false)
		if err != nil {
			t.Fatal(err)
		}
		if len(public) != 2 || public[0].ID != c1.ID || len(public[0].Replies) != 1 || public[1].ID != a1.ID {
			t.Errorf("public threads: %+v", public)
		}
		all, _ := e.s.Comments(ctx, c, true)
		if len(all) != 3 || !all[2].Hidden || all[2].HiddenReason != "advertising" {
			t.Errorf("the secretariat's threads: %+v", all)
		}
		counts, err := e.s.CommentCounts(ctx, c)
		if err != nil || counts[p2] != 3 || counts[p3] != 0 {
			t.Errorf("counts %v %v", counts, err)
		}

		if _, err := e.s.DecideAmendment(ctx, e.sec, c1.ID, "accept", ""); codeOf(err) != errs.NotFound {
			t.Errorf("deciding a plain comment: %v", err)
		}
		if _, err := e.s.DecideAmendment(ctx, e.sec, a1.ID, "maybe", ""); fieldOf(err) != "decision" {
			t.Errorf("bad decision: %v", err)
		}
		if _, err := e.s.DecideAmendment(ctx, e.sec, a1.ID, "accept", "Thank you"); err != nil {
			t.Fatal(err)
		}

		// After the close: only the secretariat answers.
		e.set(closes)
		_, err = e.s.AddComment(ctx, alice, "data-concept", CommentInput{Version: 1, Paragraph: p2, Text: "Late"})
		if ee, ok := errs.As(err); !ok || ee.Key != "consultation.window_closed" {
			t.Errorf("comment at the close: %v", err)
		}
		if _, err := e.s.AddComment(ctx, e.sec, "data-concept", CommentInput{Version: 1, Parent: c1.ID, Text: "We will name them."}); err != nil {
			t.Errorf("the secretariat answers after the close: %v", err)
		}

		v2, credits, err := e.s.CarryAmendments(ctx, e.sec, "data-concept", 1, "Amendments:")
		if err != nil {
			t.Fatal(err)
		}
		if len(credits) != 1 || credits[0].Name != "Bob Odhiambo" || !strings.Contains(v2.Note, "Bob Odhiambo") {
			t.Errorf("credits %+v, note %q", credits, v2.Note)
		}
		if v2.Paragraphs[1].ID != p2 || v2.Paragraphs[1].Text != amend {
			t.Errorf("carried paragraph: %+v", v2.Paragraphs[1])
		}
		if _, _, err := e.s.CarryAmendments(ctx, e.sec, "data-concept", 1, "Amendments:"); codeOf(err) != errs.Conflict {
			t.Errorf("carrying twice: %v", err)
		}
		all, _ = e.s.Comments(ctx, c, false)
		if all[1].CarriedIn != v2.Number {
			t.Errorf("carried in %d, want %d", all[1].CarriedIn, v2.Number)
		}
		rows, err := e.s.ExportComments(ctx, c)
		if err != nil || len(rows) != 5 || rows[0].Number != 1 || rows[0].Email != "alice@example.org" {
			t.Errorf("export rows %d %v", len(rows), err)
		}
		if !slicesHas(rows, func(r ExportRow) bool { return r.Comment.Hidden }) {
			t.Error("the export leaves out hidden comments")
		}
	})
}

func slicesHas[T any](l []T, f func(T) bool) bool {
	for _, x := range l {
		if f(x) {
			return true
		}
	}
	return false
}

// TestEndorsements: only representatives of active members endorse, once
// per member and version (409 after), tied to the version; the tally by
// group and continent; two representatives racing: exactly one.
func TestEndorsements(t *testing.T) {
	dbtest.Each(t, consultSets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newCEnv(t, d)
		v1 := e.document("outlook-2030", consultBody)
		rep1, rep2 := e.user("rep1@example.org", "Rep One"), e.user("rep2@example.org", "Rep Two")
		repB := e.user("repb@example.org", "Rep B")
		repS := e.user("reps@example.org", "Rep Suspended")
		outsider := e.user("out@example.org", "Outsider")
		mA := e.member("Nairobi Exchange", "KE", members.TechnicalCommunity, members.Active, rep1, rep2)
		e.member("Lima Academy", "PE", members.Academia, members.Active, repB)
		e.member("Gone Ltd", "FR", members.Business, members.Suspended, repS)

		in := EndorseInput{Version: 1, Decision: Endorse, Statement: "We support it."}
		if _, err := e.s.Endorse(ctx, rep1, "outlook-2030", in); fieldOf(err) != "version" {
			t.Errorf("endorse before the secretariat asked: %v", err)
		}
		n, err := e.s.AskEndorsement(ctx, e.sec, "outlook-2030", 1, "https://wic.example")
		if err != nil || n != 3 {
			t.Fatalf("asked %d, %v", n, err)
		}
		var queued int
		d.QueryRow(ctx, "SELECT COUNT(*) FROM mail_messages WHERE to_addr IN ('rep1@example.org','rep2@example.org','repb@example.org')").Scan(&queued)
		if queued != 3 {
			t.Errorf("mails to representatives: %d", queued)
		}
		if _, err := e.s.AskEndorsement(ctx, e.sec, "outlook-2030", 1, ""); codeOf(err) != errs.Conflict {
			t.Errorf("asking twice: %v", err)
		}
		for _, who := range []*actor.Actor{outsider, repS, e.sec} {
			if _, err := e.s.Endorse(ctx, who, "outlook-2030", in); codeOf(err) != errs.Forbidden {
				t.Errorf("%s endorsed: %v", who.Email, err)
			}
		}
		if _, err := e.s.Endorse(ctx, rep1, "outlook-2030", EndorseInput{Version: 1, Decision: "maybe"}); fieldOf(err) != "decision" {
			t.Errorf("bad decision: %v", err)
		}

		// Two representatives of one member at the same instant: one wins.
		start := make(chan struct{})
		var wg sync.WaitGroup
		results := make([]error, 2)
		for i, r := range []*actor.Actor{rep1, rep2} {
			wg.Add(1)
			go func(i int, r *actor.Actor) {
				defer wg.Done()
				<-start
				_, results[i] = e.s.Endorse(ctx, r, "outlook-2030", in)
			}(i, r)
		}
		close(start)
		wg.Wait()
		ok, conflict := 0, 0
		for _, err := range results {
			switch {
			case err == nil:
				ok++
			case codeOf(err) == errs.Conflict:
				conflict++
			default:
				t.Errorf("racing endorsement: %v", err)
			}
		}
		var rows int
		d.QueryRow(ctx, "SELECT COUNT(*) FROM document_endorsements WHERE member_id = ?", mA.ID).Scan(&rows)
		if ok != 1 || conflict != 1 || rows != 1 {
			t.Errorf("race: %d ok, %d conflicts, %d rows", ok, conflict, rows)
		}
		if _, err := e.s.Endorse(ctx, repB, "outlook-2030", EndorseInput{Version: 1, Decision: Decline}); err != nil {
			t.Fatal(err)
		}
		tally, err := e.s.EndorsementsOf(ctx, v1.ID)
		if err != nil || tally.Count != 1 || tally.ByStakeholderGroup["technical_community"] != 1 || tally.ByContinent["africa"] != 1 ||
			len(tally.Endorsers) != 1 || tally.Endorsers[0].Statement != "We support it." {
			t.Errorf("tally %+v %v", tally, err)
		}

		// A new version needs new endorsements.
		v2, err := e.s.SaveVersion(ctx, e.sec, "outlook-2030", VersionInput{Body: consultBody + "\n\nA new paragraph."})
		if err != nil {
			t.Fatal(err)
		}
		if tally, _ := e.s.EndorsementsOf(ctx, v2.ID); tally.Count != 0 {
			t.Errorf("the new version has endorsements: %+v", tally)
		}
		if _, err := e.s.AskEndorsement(ctx, e.sec, "outlook-2030", 2, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.Endorse(ctx, rep2, "outlook-2030", EndorseInput{Version: 2, Decision: Endorse}); err != nil {
			t.Errorf("endorsing the new version: %v", err)
		}
	})
}

// TestVotes: one ballot per member, changeable until the close, never a
// result before the close (not even for the secretariat, nor in the audit
// log), turnout and quorum after, who voted what only for the secretariat
// unless the vote is open; two representatives racing: one ballot.
func TestVotes(t *testing.T) {
	dbtest.Each(t, consultSets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newCEnv(t, d)
		e.document("resolution-2030", consultBody)
		rep1, rep2 := e.user("rep1@example.org", "Rep One"), e.user("rep2@example.org", "Rep Two")
		repB := e.user("repb@example.org", "Rep B")
		outsider := e.user("out@example.org", "Outsider")
		mA := e.member("Nairobi Exchange", "KE", members.TechnicalCommunity, members.Active, rep1, rep2)
		e.member("Lima Academy", "PE", members.Academia, members.Active, repB)
		e.member("Quiet Org", "CN", members.Business, members.Active)

		opens, closes := e.now.Add(-time.Hour), e.now.Add(48*time.Hour)
		if _, err := e.s.CreateVote(ctx, e.sec, VoteInput{Title: Text{En: "x"}, OpensAt: opens, ClosesAt: closes, Quorum: 4}); fieldOf(err) != "quorum" {
			t.Errorf("quorum above the members: %v", err)
		}
		if _, err := e.s.CreateVote(ctx, e.sec, VoteInput{Title: Text{En: "x"}, Options: []string{"yes", "yes"}, OpensAt: opens, ClosesAt: closes}); fieldOf(err) != "options" {
			t.Errorf("duplicate options: %v", err)
		}
		v, err := e.s.CreateVote(ctx, e.sec, VoteInput{Title: Text{En: "Adopt the resolution", Hans: "通过决议"}, Document: "resolution-2030",
			Version: 1, OpensAt: opens, ClosesAt: closes, Timezone: "Asia/Shanghai", Quorum: 2})
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(v.Options, ",") != "for,against,abstain" || v.Eligible != 3 || v.VersionNumber != 1 {
			t.Errorf("vote %+v", v)
		}
		if err := e.s.Cast(ctx, outsider, v.ID, "for", 0); codeOf(err) != errs.Forbidden {
			t.Errorf("an outsider voted: %v", err)
		}
		if err := e.s.Cast(ctx, rep1, v.ID, "maybe", 0); fieldOf(err) != "option" {
			t.Errorf("bad option: %v", err)
		}

		start := make(chan struct{})
		var wg sync.WaitGroup
		results := make([]error, 2)
		for i, c := range []struct {
			r *actor.Actor
			o string
		}{{rep1, "for"}, {rep2, "against"}} {
			wg.Add(1)
			go func(i int, r *actor.Actor, o string) {
				defer wg.Done()
				<-start
				results[i] = e.s.Cast(ctx, r, v.ID, o, 0)
			}(i, c.r, c.o)
		}
		close(start)
		wg.Wait()
		for _, err := range results {
			if err != nil {
				t.Errorf("racing ballot: %v", err)
			}
		}
		var rows int
		d.QueryRow(ctx, "SELECT COUNT(*) FROM document_ballots WHERE vote_id = ? AND member_id = ?", v.ID, mA.ID).Scan(&rows)
		if rows != 1 {
			t.Errorf("race left %d ballots for one member", rows)
		}
		if err := e.s.Cast(ctx, rep1, v.ID, "abstain", 0); err != nil {
			t.Fatal(err)
		}
		if err := e.s.Cast(ctx, repB, v.ID, "for", 0); err != nil {
			t.Fatal(err)
		}
		if b, err := e.s.OwnBallot(ctx, v.ID, mA.ID); err != nil || b.Choice != "abstain" {
			t.Errorf("changed ballot: %+v %v", b, err)
		}

		// Before the close: no results for anyone, and no choice in the audit log.
		if _, err := e.s.Results(ctx, v.ID, true); codeOf(err) != errs.Conflict {
			t.Errorf("results before the close: %v", err)
		}
		var leaked int
		d.QueryRow(ctx, "SELECT COUNT(*) FROM audit_log WHERE action = 'document.vote.ballot' AND (details LIKE '%abstain%' OR details LIKE '%for%')").Scan(&leaked)
		if leaked != 0 {
			t.Errorf("the audit log holds %d choices", leaked)
		}

		e.set(closes)
		if err := e.s.Cast(ctx, repB, v.ID, "against", 0); codeOf(err) != errs.Invalid {
			t.Errorf("ballot at the close: %v", err)
		}
		r, err := e.s.Results(ctx, v.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		if r.Cast != 2 || r.Counts["abstain"] != 1 || r.Counts["for"] != 1 || r.Counts["against"] != 0 || !r.QuorumMet ||
			r.TurnoutPercent() != 67 || r.Ballots != nil {
			t.Errorf("results %+v", r)
		}
		if r, _ := e.s.Results(ctx, v.ID, true); len(r.Ballots) != 2 {
			t.Errorf("the secretariat sees %d ballots", len(r.Ballots))
		}
		open, err := e.s.CreateVote(ctx, e.sec, VoteInput{Title: Text{En: "Open"}, OpensAt: e.now, ClosesAt: e.now.Add(time.Hour), Quorum: 3, Open: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.s.Cast(ctx, repB, open.ID, "against", 0); err != nil {
			t.Fatal(err)
		}
		e.set(e.now.Add(time.Hour))
		if r, _ := e.s.Results(ctx, open.ID, false); len(r.Ballots) != 1 || r.QuorumMet {
			t.Errorf("open vote results %+v", r)
		}
	})
}

// closesAt reports whether arg is the instant want, to be written in zone.
func closesAt(arg any, want time.Time, zone string) bool {
	at, ok := arg.(i18n.At)
	return ok && at.T.Equal(want) && at.Loc != nil && at.Loc.String() == zone
}
