package members

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/audit"
	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/db/dbtest"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/jobs"
	"github.com/wuzhen/wuzhen/internal/mail"
	"github.com/wuzhen/wuzhen/internal/pagecache"
	"github.com/wuzhen/wuzhen/internal/search"
)

var sets = []db.Migrations{jobs.Migrations, mail.Migrations, audit.Migrations, pagecache.Migrations, search.Migrations, auth.Migrations, Migrations}

type fixture struct {
	t         *testing.T
	d         *db.DB
	s         *Store
	users     *auth.Store
	applicant *actor.Actor
	reviewer  *actor.Actor
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	ctx := context.Background()
	users := &auth.Store{DB: d, Params: auth.Params{Memory: 1024, Time: 1, Threads: 1}}
	u, err := users.Create(ctx, "applicant@example.org", "Wanjiru Kamau", "a good password")
	if err != nil {
		t.Fatal(err)
	}
	users.SetLocale(ctx, u.ID, "zh-Hant")
	r, err := users.Create(ctx, "sec@example.org", "Secretariat", "a good password", auth.RoleSecretariat)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, d: d, s: &Store{DB: d, BaseURL: "https://wic.example"}, users: users,
		applicant: &actor.Actor{ID: u.ID, Email: u.Email}, reviewer: r.Principal()}
}

func valid() *Application {
	return &Application{Kind: Organization, Name: Names{En: "Nairobi Internet Exchange Trust", Hans: "内罗毕互联网交换信托"},
		Group: TechnicalCommunity, Country: "ke", Website: "www.nixt.example.org", ContactEmail: "Info@NIXT.example.org",
		Motivation: "We run the exchange point.", CharterAgreed: true}
}

func fields(err error) map[string]bool {
	out := map[string]bool{}
	if e, ok := errs.As(err); ok {
		for _, f := range e.Fields {
			out[f.Name] = true
		}
	}
	return out
}

func TestApplications(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		s := f.s

		t.Run("a draft needs nothing, a submission everything", func(t *testing.T) {
			draft := &Application{Kind: Organization, Name: Names{Hans: "草稿"}}
			if err := s.Save(ctx, f.applicant, draft, false); err != nil || draft.Status != Draft {
				t.Fatalf("draft: %v %s", err, draft.Status)
			}
			err := s.Save(ctx, f.applicant, &Application{Kind: "club", Country: "XX", ContactEmail: "nope", Website: "ftp://x"}, true)
			got := fields(err)
			for _, want := range []string{"kind", "name", "stakeholder_group", "country", "contact_email", "motivation", "charter", "website"} {
				if !got[want] {
					t.Errorf("no error at %s: %v", want, err)
				}
			}
			// The draft can be completed and submitted later.
			draft.Name.En, draft.Group, draft.Country = "Draft Org", Business, "SG"
			draft.ContactEmail, draft.Motivation, draft.CharterAgreed = "d@example.org", "Why not", true
			if err := s.Save(ctx, f.applicant, draft, true); err != nil || draft.Status != Submitted {
				t.Fatalf("submit the draft: %v %s", err, draft.Status)
			}
			if err := s.Save(ctx, f.applicant, draft, true); errs.CodeOf(err) != errs.Conflict {
				t.Errorf("a submitted application was edited again: %v", err)
			}
		})

		a := valid()
		if err := s.Save(ctx, f.applicant, a, true); err != nil {
			t.Fatal(err)
		}
		t.Run("fields are normalised", func(t *testing.T) {
			got, err := s.Application(ctx, f.reviewer, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Country != "KE" || got.ContactEmail != "info@nixt.example.org" || got.Website != "https://www.nixt.example.org" || got.Submitted == nil {
				t.Errorf("stored %+v", got)
			}
		})
		t.Run("only the applicant and reviewers see an application", func(t *testing.T) {
			other, _ := f.users.Create(ctx, "other@example.org", "Other", "a good password")
			if _, err := s.Application(ctx, other.Principal(), a.ID); errs.CodeOf(err) != errs.NotFound {
				t.Errorf("another person: %v", err)
			}
			if _, err := s.Application(ctx, nil, a.ID); errs.CodeOf(err) != errs.NotFound {
				t.Errorf("nobody: %v", err)
			}
			me := &actor.Actor{ID: f.applicant.ID}
			if _, err := s.Application(ctx, me, a.ID); err != nil {
				t.Errorf("the applicant: %v", err)
			}
			if err := s.Save(ctx, &actor.Actor{ID: other.ID}, &Application{ID: a.ID, Kind: Organization}, false); errs.CodeOf(err) != errs.NotFound {
				t.Errorf("another person saved it: %v", err)
			}
		})
		t.Run("duplicates across scripts, domains and emails", func(t *testing.T) {
			dup := &Application{Kind: Organization, Name: Names{Hant: "內羅畢互聯網交換信托"}, Group: Business, Country: "KE",
				ContactEmail: "x@example.org", Motivation: "m", CharterAgreed: true}
			if err := s.Save(ctx, &actor.Actor{ID: f.applicant.ID}, dup, true); err != nil {
				t.Fatal(err)
			}
			site := &Application{Kind: Organization, Name: Names{En: "Other Name"}, Group: Business, Country: "KE",
				Website: "https://nixt.example.org/about", ContactEmail: "y@example.org", Motivation: "m", CharterAgreed: true}
			if err := s.Save(ctx, f.applicant, site, true); err != nil {
				t.Fatal(err)
			}
			ds, err := s.Duplicates(ctx, a)
			if err != nil {
				t.Fatal(err)
			}
			got := map[int64]string{}
			for _, d := range ds {
				got[d.ID] = d.Match
			}
			if got[dup.ID] != "name" || got[site.ID] != "website" {
				t.Errorf("duplicates %v, want %d by name and %d by website", ds, dup.ID, site.ID)
			}
		})
		t.Run("the queue is oldest first with counts", func(t *testing.T) {
			list, counts, total, err := s.Queue(ctx, QueueFilter{Country: "KE"}, 10, 0)
			if err != nil {
				t.Fatal(err)
			}
			if total != 3 || list[0].ID != a.ID || counts[Submitted] != 4 {
				t.Errorf("total %d, first %d, counts %v", total, list[0].ID, counts)
			}
		})
		t.Run("request information, resubmit, approve", func(t *testing.T) {
			if _, err := s.Decide(ctx, f.reviewer, a.ID, RequestInfo, ""); !fields(err)["reason"] {
				t.Errorf("request without a question: %v", err)
			}
			got, err := s.Decide(ctx, f.reviewer, a.ID, RequestInfo, "Which networks peer at the exchange?")
			if err != nil || got.Status != InfoRequested {
				t.Fatalf("request info: %v", err)
			}
			msgs, _, _ := mail.List(ctx, d, 1, 0)
			if msgs[0].To != "applicant@example.org" || msgs[0].Subject != "您的會員申請需要補充資訊" ||
				!strings.Contains(msgs[0].Text, "Which networks peer") || !strings.Contains(msgs[0].Text, fmt.Sprintf("/members/applications/%d", a.ID)) {
				t.Errorf("mail %+v", msgs[0])
			}
			if _, err := s.Decide(ctx, f.reviewer, a.ID, Approve, ""); errs.CodeOf(err) != errs.Conflict {
				t.Errorf("approved while waiting for information: %v", err)
			}
			a.Motivation += " Twelve networks peer with us."
			if err := s.Save(ctx, f.applicant, a, true); err != nil || a.Status != Submitted {
				t.Fatalf("resubmit: %v %s", err, a.Status)
			}
			got, err = s.Decide(ctx, f.reviewer, a.ID, Approve, "")
			if err != nil || got.Status != Approved || got.MemberID == 0 {
				t.Fatalf("approve: %+v %v", got, err)
			}
			m, err := s.Public(ctx, got.MemberID)
			if err != nil {
				t.Fatal(err)
			}
			if m.Continent != "africa" || m.Standing != Active || m.JoinedOn == "" || m.TermEndsOn <= m.JoinedOn || m.Description.En != "" {
				t.Errorf("member %+v", m)
			}
			var primary bool
			d.QueryRow(ctx, "SELECT is_primary FROM member_representatives WHERE member_id = ? AND user_id = ?", m.ID, f.applicant.ID).Scan(&primary)
			if !primary {
				t.Error("the applicant is not the primary representative")
			}
			msgs, _, _ = mail.List(ctx, d, 1, 0)
			if !strings.Contains(msgs[0].Text, m.Number()) {
				t.Errorf("approval mail lacks the member number %s: %s", m.Number(), msgs[0].Text)
			}
		})
		t.Run("reject needs a reason", func(t *testing.T) {
			list, _, _, _ := s.Queue(ctx, QueueFilter{}, 10, 0)
			if _, err := s.Decide(ctx, f.reviewer, list[0].ID, Reject, " "); !fields(err)["reason"] {
				t.Errorf("reject without reason: %v", err)
			}
			if got, err := s.Decide(ctx, f.reviewer, list[0].ID, Reject, "Duplicate of an approved member."); err != nil || got.Status != Rejected {
				t.Errorf("reject: %v", err)
			}
		})
		t.Run("comments stay with the application", func(t *testing.T) {
			if err := s.AddComment(ctx, f.reviewer, a.ID, "  "); !fields(err)["body"] {
				t.Errorf("empty comment: %v", err)
			}
			if err := s.AddComment(ctx, f.reviewer, a.ID, "Checked with the regional registry."); err != nil {
				t.Fatal(err)
			}
			cs, err := s.Comments(ctx, a.ID)
			if err != nil || len(cs) != 1 || cs[0].Author != "Secretariat" {
				t.Errorf("comments %v %v", cs, err)
			}
		})
		t.Run("decisions are audited", func(t *testing.T) {
			entries, _, _ := audit.List(ctx, d, 100, 0)
			seen := map[string]int{}
			for _, e := range entries {
				seen[e.Action]++
			}
			for _, want := range []string{"membership.request_info", "membership.approve", "membership.reject", "membership.application_submitted", "membership.comment"} {
				if seen[want] == 0 {
					t.Errorf("no %s in the audit log", want)
				}
			}
		})
	})
}

func TestDirectoryAndStats(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := &Store{DB: d}
		by := &actor.Actor{Email: "test"}
		for _, m := range []*Member{
			{Kind: Organization, Name: Names{Hans: "数字丝路研究院"}, Acronym: "DSRI", Group: Academia, Country: "CN", JoinedOn: "2021-03-01"},
			{Kind: Organization, Name: Names{Hant: "雲端協作聯盟"}, Group: Business, Country: "HK", JoinedOn: "2023-05-01"},
			{Kind: Organization, Name: Names{En: "Andes Data Trust", Hans: "安第斯数据信托"}, Group: CivilSociety, Country: "PE", JoinedOn: "2023-07-01"},
			{Kind: Individual, Name: Names{En: "Amina Otieno"}, Group: IndividualGroup, Country: "KE", JoinedOn: "2024-01-15"},
			{Kind: Organization, Name: Names{En: "Lapsed Networks 100%_"}, Group: Business, Country: "FR", JoinedOn: "2020-01-01", Standing: Lapsed},
		} {
			if err := s.Add(ctx, by, m); err != nil {
				t.Fatal(err)
			}
		}
		search := func(f Filter) []string {
			list, total, err := s.Directory(ctx, f, 50, 0)
			if err != nil {
				t.Fatal(err)
			}
			if total != len(list) {
				t.Errorf("total %d for %d listed", total, len(list))
			}
			var out []string
			for _, m := range list {
				out = append(out, m.Name.For("en"))
			}
			return out
		}
		for _, tc := range []struct {
			f    Filter
			want string
		}{
			{Filter{}, "Amina Otieno, Andes Data Trust, 雲端協作聯盟, 数字丝路研究院"}, // by code point of the Simplified form
			{Filter{Query: "數字絲路"}, "数字丝路研究院"},                            // Traditional finds Simplified
			{Filter{Query: "云端协作"}, "雲端協作聯盟"},                             // and the reverse
			{Filter{Query: "dsri"}, "数字丝路研究院"},                            // acronym, any case
			{Filter{Query: "安第斯"}, "Andes Data Trust"},                    // the other name of a member
			{Filter{Query: "100%"}, ""},                                   // lapsed members are hidden; % is literal
			{Filter{Query: "%"}, ""},
			{Filter{Continent: "asia"}, "雲端協作聯盟, 数字丝路研究院"},
			{Filter{Country: "KE"}, "Amina Otieno"},
			{Filter{Group: Business}, "雲端協作聯盟"},
			{Filter{Joined: 2023}, "Andes Data Trust, 雲端協作聯盟"},
		} {
			if got := strings.Join(search(tc.f), ", "); got != tc.want {
				t.Errorf("%+v: got %q, want %q", tc.f, got, tc.want)
			}
		}
		st, err := s.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.Members != 4 || st.Countries != 4 || st.Continents != 3 || st.ByContinent["AS"] != 2 || st.ByContinent["SA"] != 1 ||
			st.ByGroup[Business] != 1 || st.ByCountry["FR"] != 0 {
			t.Errorf("stats %+v", st)
		}
		cum := st.Cumulative()
		if len(cum) != 3 || cum[0] != (YearCount{2021, 1}) || cum[2] != (YearCount{2024, 4}) {
			t.Errorf("cumulative %v", cum)
		}
		if _, err := s.Public(ctx, 5); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("a lapsed member's profile is public: %v", err)
		}
	})
}

func TestNames(t *testing.T) {
	n := Names{Hans: "数字鸿沟研究所"}
	for lang, want := range map[string]string{"zh-Hans": "数字鸿沟研究所", "zh-Hant": "數字鴻溝研究所", "en": "数字鸿沟研究所"} {
		if got := n.For(lang); got != want {
			t.Errorf("For(%s) = %q, want %q", lang, got, want)
		}
	}
	both := Names{En: "Digital Divide Institute", Hant: "數位落差研究所"}
	if both.For("en") != "Digital Divide Institute" || both.For("zh-Hans") != "数位落差研究所" {
		t.Errorf("both: %q %q", both.For("en"), both.For("zh-Hans"))
	}
	if o := both.Others("en"); len(o) != 1 || o[0] != "數位落差研究所" {
		t.Errorf("Others = %v", o)
	}
	if memberNumber(42) != "M00042" {
		t.Errorf("number %s", memberNumber(42))
	}
}
