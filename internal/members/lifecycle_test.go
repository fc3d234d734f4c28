package members

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
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
	"github.com/wuzhen/wuzhen/internal/mail"
	"github.com/wuzhen/wuzhen/internal/web"
)

// lcClock is a settable clock for d.Now, safe for concurrent use.
type lcClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *lcClock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *lcClock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *lcClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// lcEnv is the fixture of the lifecycle and representatives tests: a store
// on a database whose clock the test sets, accounts, and a secretariat.
type lcEnv struct {
	t     *testing.T
	d     *db.DB
	s     *Store
	users *auth.Store
	sec   *actor.Actor
	clock *lcClock
	n     int
}

func newLCEnv(t *testing.T, d *db.DB) *lcEnv {
	clock := &lcClock{t: time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)}
	d.Now = clock.now
	e := &lcEnv{t: t, d: d, s: &Store{DB: d, BaseURL: "https://wic.example/"}, clock: clock,
		users: &auth.Store{DB: d, Params: auth.Params{Memory: 1024, Time: 1, Threads: 1}}}
	e.sec = e.user("sec@example.org", "Secretariat", "", auth.RoleSecretariat)
	return e
}

// user creates an account with a locale and roles.
func (e *lcEnv) user(email, name, locale string, roles ...string) *actor.Actor {
	e.t.Helper()
	ctx := context.Background()
	u, err := e.users.Create(ctx, email, name, "a good password", roles...)
	if err != nil {
		e.t.Fatal(err)
	}
	if locale != "" {
		if err := e.users.SetLocale(ctx, u.ID, locale); err != nil {
			e.t.Fatal(err)
		}
		u.Locale = locale
	}
	return u.Principal()
}

// member adds m with a primary representative (nil for none) and others.
func (e *lcEnv) member(m *Member, primary *actor.Actor, others ...*actor.Actor) *Member {
	e.t.Helper()
	ctx := context.Background()
	e.n++
	if m.Kind == "" {
		m.Kind = Organization
	}
	if m.Name.Empty() {
		m.Name = Names{En: fmt.Sprintf("Member %d", e.n)}
	}
	if m.Group == "" {
		m.Group = TechnicalCommunity
	}
	if m.Country == "" {
		m.Country = "KE"
	}
	if err := e.s.Add(ctx, &actor.Actor{Email: "setup"}, m); err != nil {
		e.t.Fatal(err)
	}
	add := func(p *actor.Actor, primary bool) {
		if _, err := e.d.Exec(ctx, "INSERT INTO member_representatives (member_id, user_id, is_primary, created_at) VALUES (?, ?, ?, ?)",
			m.ID, p.ID, primary, e.d.Now()); err != nil {
			e.t.Fatal(err)
		}
	}
	if primary != nil {
		add(primary, true)
	}
	for _, p := range others {
		add(p, false)
	}
	return m
}

// mails returns the messages to addr, newest first.
func (e *lcEnv) mails(addr string) []mail.Stored {
	e.t.Helper()
	all, _, err := mail.List(context.Background(), e.d, 10000, 0)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []mail.Stored
	for _, m := range all {
		if m.To == addr {
			out = append(out, m)
		}
	}
	return out
}

// audited counts the audit entries of action on object.
func (e *lcEnv) audited(action, object string) []audit.Entry {
	e.t.Helper()
	all, _, err := audit.List(context.Background(), e.d, 10000, 0)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []audit.Entry
	for _, a := range all {
		if a.Action == action && a.Object == object {
			out = append(out, a)
		}
	}
	return out
}

func (e *lcEnv) standing(id int64) *ManagedMember {
	e.t.Helper()
	m, err := e.s.Membership(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return m
}

func TestLifecycleJob(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newLCEnv(t, d)
		ana := e.user("ana@example.org", "Ana", "zh-Hant")
		ben := e.user("ben@example.org", "Ben", "en")
		cai := e.user("cai@example.org", "Cai", "zh-Hans")
		// Today is 2030-01-01.
		soon := e.member(&Member{Name: Names{Hans: "数字丝路研究院"}, JoinedOn: "2029-01-20", TermEndsOn: "2030-01-20"}, ana)
		later := e.member(&Member{JoinedOn: "2029-06-01", TermEndsOn: "2030-06-01"}, ben)
		ended := e.member(&Member{JoinedOn: "2028-12-31", TermEndsOn: "2029-12-31"}, cai)
		suspended := e.member(&Member{JoinedOn: "2028-12-01", TermEndsOn: "2029-12-01", Standing: Suspended}, ben)
		e.member(&Member{JoinedOn: "2029-01-15", TermEndsOn: "2030-01-15", ContactEmail: "office@orphan.example.org"}, nil)
		endless := e.member(&Member{JoinedOn: "2020-01-01"}, ben)
		if _, err := d.Exec(ctx, "UPDATE members SET term_ends_on = '' WHERE id = ?", endless.ID); err != nil {
			t.Fatal(err)
		}

		reminded, lapsed, err := e.s.Lifecycle(ctx, e.clock.now())
		if err != nil || reminded != 2 || lapsed != 1 {
			t.Fatalf("first run: reminded %d, lapsed %d, %v; want 2, 1", reminded, lapsed, err)
		}
		t.Run("a reminder within 30 days, in the representative's language", func(t *testing.T) {
			ms := e.mails("ana@example.org")
			if len(ms) != 1 || ms[0].Subject != "請及早辦理會員續約" || !strings.Contains(ms[0].Text, "2030-01-20") ||
				!strings.Contains(ms[0].Text, "數字絲路研究院") || !strings.Contains(ms[0].Text, fmt.Sprintf("https://wic.example/members/manage/%d", soon.ID)) {
				t.Errorf("reminder %+v", ms)
			}
			if m := e.standing(soon.ID); m.RemindedAt == nil || m.Standing != Active {
				t.Errorf("after the reminder: %+v", m)
			}
			if ms := e.mails("office@orphan.example.org"); len(ms) != 1 || ms[0].Subject != "Time to renew your membership" {
				t.Errorf("a member without representatives is reminded at its contact address: %+v", ms)
			}
			if n := len(e.audited("member.renewal_reminder", memberObject(soon.ID))); n != 1 {
				t.Errorf("%d reminder entries", n)
			}
		})
		t.Run("a membership past its term lapses", func(t *testing.T) {
			if m := e.standing(ended.ID); m.Standing != Lapsed {
				t.Errorf("standing %s", m.Standing)
			}
			if _, err := e.s.Public(ctx, ended.ID); errs.CodeOf(err) != errs.NotFound {
				t.Errorf("a lapsed member is public: %v", err)
			}
			ms := e.mails("cai@example.org")
			if len(ms) != 1 || ms[0].Subject != "您的会员资格已过期" || !strings.Contains(ms[0].Text, "2029-12-31") {
				t.Errorf("lapse mail %+v", ms)
			}
			entries := e.audited("member.lapse", memberObject(ended.ID))
			if len(entries) != 1 || entries[0].Actor != "system" || entries[0].ActorID != 0 {
				t.Errorf("lapse entries %+v", entries)
			}
			for _, id := range []int64{later.ID, endless.ID} {
				if m := e.standing(id); m.Standing != Active || m.RemindedAt != nil {
					t.Errorf("member %d touched: %+v", id, m)
				}
			}
			if m := e.standing(suspended.ID); m.Standing != Suspended {
				t.Errorf("a suspended membership changed to %s", m.Standing)
			}
		})
		t.Run("once per term", func(t *testing.T) {
			for _, step := range []time.Duration{0, 24 * time.Hour, 10 * 24 * time.Hour} {
				e.clock.add(step)
				if r, l, err := e.s.Lifecycle(ctx, e.clock.now()); r != 0 || l != 0 || err != nil {
					t.Errorf("again after %v: reminded %d, lapsed %d, %v", step, r, l, err)
				}
			}
			if n := len(e.mails("ana@example.org")); n != 1 {
				t.Errorf("%d mails to the representative", n)
			}
		})
		t.Run("after the end, lapse; renewal resets the reminder", func(t *testing.T) {
			e.clock.set(time.Date(2030, 1, 20, 23, 59, 0, 0, time.UTC))
			if _, l, _ := e.s.Lifecycle(ctx, e.clock.now()); l != 1 { // the orphan, whose term ended on the 15th
				t.Errorf("lapsed %d on the last day of a term", l)
			}
			if m := e.standing(soon.ID); m.Standing != Active {
				t.Errorf("lapsed on its last day: %s", m.Standing)
			}
			e.clock.set(time.Date(2030, 1, 21, 0, 1, 0, 0, time.UTC))
			if _, l, err := e.s.Lifecycle(ctx, e.clock.now()); l != 1 || err != nil {
				t.Fatalf("lapsed %d, %v", l, err)
			}
			m, err := e.s.ChangeStanding(ctx, e.sec, soon.ID, ActRenew, "", "")
			if err != nil {
				t.Fatal(err)
			}
			// The term had ended: a year from today.
			if m.Standing != Active || m.TermEndsOn != "2031-01-21" || m.RemindedAt != nil {
				t.Errorf("renewed %+v", m)
			}
			if got := e.standing(soon.ID); got.RemindedAt != nil || got.TermEndsOn != "2031-01-21" {
				t.Errorf("stored %+v", got)
			}
			if ms := e.mails("ana@example.org"); ms[0].Subject != "您的會員資格已續約" || !strings.Contains(ms[0].Text, "2031-01-21") {
				t.Errorf("renewal mail %+v", ms[0])
			}
			e.clock.set(time.Date(2030, 12, 20, 8, 0, 0, 0, time.UTC))
			if r, _, _ := e.s.Lifecycle(ctx, e.clock.now()); r != 0 {
				t.Errorf("reminded 32 days ahead: %d", r)
			}
			e.clock.set(time.Date(2030, 12, 23, 8, 0, 0, 0, time.UTC))
			r, _, err := e.s.Lifecycle(ctx, e.clock.now())
			if err != nil {
				t.Fatal(err)
			}
			if n := len(e.audited("member.renewal_reminder", memberObject(soon.ID))); r < 1 || n != 2 {
				t.Errorf("no new reminder for the new term: run reminded %d, %d entries", r, n)
			}
			// Renewing an active membership extends from its end.
			m, err = e.s.ChangeStanding(ctx, e.sec, soon.ID, ActRenew, "", "")
			if err != nil || m.TermEndsOn != "2032-01-21" || m.RemindedAt != nil {
				t.Errorf("early renewal: %+v %v", m, err)
			}
		})
	})
}

func TestStandingChanges(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newLCEnv(t, d)
		rep := e.user("rep@example.org", "Wanjiru", "en")
		m := e.member(&Member{Name: Names{En: "Andes Data Trust"}, JoinedOn: "2029-06-01", TermEndsOn: "2030-06-01"}, rep)
		by := e.sec
		change := func(act StandingAction, reason, end string) (*ManagedMember, error) {
			return e.s.ChangeStanding(ctx, by, m.ID, act, reason, end)
		}
		lastMail := func() mail.Stored {
			ms := e.mails("rep@example.org")
			if len(ms) == 0 {
				t.Fatal("no mail")
			}
			return ms[0]
		}

		if _, err := change(ActSuspend, "  ", ""); !fields(err)["reason"] {
			t.Errorf("suspend without a reason: %v", err)
		}
		if _, err := change("expel", "x", ""); !fields(err)["action"] {
			t.Errorf("unknown action: %v", err)
		}
		if _, err := change(ActSetTerm, "", "2030-02-30"); !fields(err)["term_ends_on"] {
			t.Errorf("bad date: %v", err)
		}
		if _, err := e.s.ChangeStanding(ctx, by, 9999, ActRenew, "", ""); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("unknown member: %v", err)
		}

		got, err := change(ActSuspend, "Dues unpaid for two years.", "")
		if err != nil || got.Standing != Suspended {
			t.Fatalf("suspend: %+v %v", got, err)
		}
		if msg := lastMail(); msg.Subject != "Your membership is suspended" || !strings.Contains(msg.Text, "Dues unpaid for two years.") ||
			!strings.Contains(msg.Text, "Hello Wanjiru") {
			t.Errorf("suspension mail %+v", msg)
		}
		entries := e.audited("member.suspend", memberObject(m.ID))
		if len(entries) != 1 || entries[0].Actor != "sec@example.org" || entries[0].Details["reason"] != "Dues unpaid for two years." ||
			entries[0].Details["from"] != "active" || entries[0].Details["to"] != "suspended" {
			t.Errorf("suspension entries %+v", entries)
		}
		if _, err := e.s.Public(ctx, m.ID); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("a suspended member is public: %v", err)
		}
		if _, err := change(ActSuspend, "again", ""); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("suspended twice: %v", err)
		}

		if got, err = change(ActReinstate, "", ""); err != nil || got.Standing != Active {
			t.Fatalf("reinstate: %+v %v", got, err)
		}
		if msg := lastMail(); msg.Subject != "Your membership is active again" || !strings.Contains(msg.Text, "2030-06-01") {
			t.Errorf("reinstatement mail %+v", msg)
		}
		if len(e.audited("member.reinstate", memberObject(m.ID))) != 1 {
			t.Error("reinstatement not audited")
		}

		if got, err = change(ActWithdraw, "The organisation has closed.", ""); err != nil || got.Standing != Withdrawn {
			t.Fatalf("withdraw: %+v %v", got, err)
		}
		if msg := lastMail(); msg.Subject != "Your membership has ended" || !strings.Contains(msg.Text, "The organisation has closed.") {
			t.Errorf("withdrawal mail %+v", msg)
		}
		if len(e.audited("member.withdraw", memberObject(m.ID))) != 1 {
			t.Error("withdrawal not audited")
		}

		e.clock.set(time.Date(2030, 7, 1, 0, 0, 0, 0, time.UTC)) // past the term
		if _, err := change(ActReinstate, "", ""); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("reinstated after the end of the term: %v", err)
		}
		if got, err = change(ActSetTerm, "", "2030-12-31"); err != nil || got.Standing != Withdrawn || got.TermEndsOn != "2030-12-31" {
			t.Errorf("set the term of a withdrawn member: %+v %v", got, err)
		}
		if got, err = change(ActReinstate, "", ""); err != nil || got.Standing != Active {
			t.Fatalf("reinstate within the new term: %+v %v", got, err)
		}
		// A lapsed membership given a term ahead is active again.
		if _, err := d.Exec(ctx, "UPDATE members SET status = 'lapsed', term_ends_on = '2030-06-30' WHERE id = ?", m.ID); err != nil {
			t.Fatal(err)
		}
		if got, err = change(ActSetTerm, "Paid late.", "2031-06-30"); err != nil || got.Standing != Active {
			t.Errorf("set the term of a lapsed member: %+v %v", got, err)
		}
		if msg := lastMail(); msg.Subject != "The term of your membership has changed" || !strings.Contains(msg.Text, "2031-06-30") {
			t.Errorf("term mail %+v", msg)
		}
	})
}

func TestMembershipsList(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newLCEnv(t, d)
		e.member(&Member{Name: Names{En: "Zeta"}, TermEndsOn: "2030-01-10"}, nil)
		e.member(&Member{Name: Names{En: "Alpha"}, TermEndsOn: "2030-12-10"}, nil)
		e.member(&Member{Name: Names{Hant: "雲端協作聯盟"}, TermEndsOn: "2030-01-05"}, nil)
		e.member(&Member{Name: Names{En: "Gamma"}, TermEndsOn: "2030-01-02", Standing: Suspended}, nil)
		e.member(&Member{Name: Names{En: "Delta"}, Standing: Lapsed}, nil)
		names := func(list []*ManagedMember) string {
			var out []string
			for _, m := range list {
				out = append(out, m.Name.For("en"))
			}
			return strings.Join(out, ", ")
		}
		list, counts, total, err := e.s.Memberships(ctx, MembershipFilter{}, 2, 0)
		if err != nil || total != 5 || names(list) != "Alpha, Delta" || counts[Active] != 3 || counts[Suspended] != 1 || counts[Lapsed] != 1 {
			t.Errorf("all: %s, %d, %v, %v", names(list), total, counts, err)
		}
		list, _, total, _ = e.s.Memberships(ctx, MembershipFilter{Standing: Active}, 2, 2)
		if total != 3 || names(list) != "雲端協作聯盟" {
			t.Errorf("active, second page: %s %d", names(list), total)
		}
		list, _, _, _ = e.s.Memberships(ctx, MembershipFilter{EndingSoon: true}, 10, 0)
		if names(list) != "雲端協作聯盟, Zeta" {
			t.Errorf("ending soon: %s", names(list))
		}
		list, _, _, _ = e.s.Memberships(ctx, MembershipFilter{Query: "云端"}, 10, 0)
		if names(list) != "雲端協作聯盟" {
			t.Errorf("search: %s", names(list))
		}
	})
}

// lcIdentity is a web.Identity over a fixed set of sessions.
type lcIdentity map[string]*actor.Actor

func (i lcIdentity) Session(_ context.Context, token string) (*actor.Actor, error) {
	if p, ok := i[token]; ok {
		cp := *p
		return &cp, nil
	}
	return nil, nil
}
func (lcIdentity) Bearer(context.Context, string) (*actor.Actor, error) { return nil, nil }
func (lcIdentity) SetLocale(context.Context, int64, string) error       { return nil }

// lcServer serves the members routes.
type lcServer struct {
	t   *testing.T
	srv *web.Server
}

func newLCServer(t *testing.T, e *lcEnv, sessions lcIdentity) *lcServer {
	tpl, err := web.ParseTemplates(Templates)
	if err != nil {
		t.Fatal(err)
	}
	srv := web.New(web.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Identity: sessions, Policy: auth.Can,
		BaseURL: "https://wic.example", Templates: tpl, Now: e.d.Now})
	h := &Handlers{Store: e.s}
	srv.Handle(h.Routes()...)
	return &lcServer{t: t, srv: srv}
}

// do sends a request as the session (none when ""), with a form for POST.
func (s *lcServer) do(session, method, path string, form url.Values) (*http.Response, string) {
	s.t.Helper()
	var r *http.Request
	if form != nil {
		r = httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		r = httptest.NewRequest(method, path, nil)
	}
	if session != "" {
		r.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: session})
	}
	w := httptest.NewRecorder()
	s.srv.ServeHTTP(w, r)
	return w.Result(), w.Body.String()
}

func TestLifecyclePages(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		e := newLCEnv(t, d)
		rep := e.user("rep@example.org", "Wanjiru", "en")
		plain := e.user("plain@example.org", "Plain", "")
		m := e.member(&Member{Name: Names{En: "Andes Data Trust", Hans: "安第斯数据信托"}, TermEndsOn: "2030-01-20"}, rep)
		s := newLCServer(t, e, lcIdentity{"sec": e.sec, "rep": rep, "plain": plain})
		path := fmt.Sprintf("/admin/members/%d", m.ID)

		for _, tc := range []struct {
			who, method, path string
			status            int
			want              string
		}{
			{"sec", "GET", "/admin/members", 200, "Andes Data Trust"},
			{"sec", "GET", "/admin/members?ending=soon&lang=zh-Hant", 200, "30 天內到期"},
			{"sec", "GET", "/admin/members?standing=suspended", 200, "No member matches"},
			{"sec", "GET", path, 200, "Wanjiru"},
			{"sec", "GET", path + "?lang=zh-Hans", 200, "变更会员资格"},
			{"plain", "GET", "/admin/members", 403, ""},
			{"rep", "GET", path, 403, ""},
			{"", "GET", path, 303, ""},
			{"sec", "GET", "/admin/members/999", 404, ""},
		} {
			res, body := s.do(tc.who, tc.method, tc.path, nil)
			if res.StatusCode != tc.status || !strings.Contains(body, tc.want) {
				t.Errorf("%s %s as %q: %d, want %d with %q", tc.method, tc.path, tc.who, res.StatusCode, tc.status, tc.want)
			}
		}
		res, body := s.do("sec", "POST", path+"/standing", url.Values{"action": {"suspend"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Give the reason") {
			t.Errorf("suspend without reason: %d", res.StatusCode)
		}
		res, _ = s.do("sec", "POST", path+"/standing", url.Values{"action": {"suspend"}, "reason": {"Dues unpaid."}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != path+"?changed=1" {
			t.Errorf("suspend: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if _, body = s.do("sec", "GET", path+"?changed=1", nil); !strings.Contains(body, "The change is saved") || !strings.Contains(body, "Suspended") {
			t.Error("the page does not show the change")
		}
		res, body = s.do("sec", "POST", path+"/standing", url.Values{"action": {"suspend"}, "reason": {"Again."}})
		if res.StatusCode != http.StatusConflict || !strings.Contains(body, "does not apply") {
			t.Errorf("suspend twice: %d", res.StatusCode)
		}
		if res, _ = s.do("plain", "POST", path+"/standing", url.Values{"action": {"reinstate"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("a plain account changed a membership: %d", res.StatusCode)
		}
	})
}

// TestLifecycleCatalog checks that every mail and label the lifecycle
// builds from a name exists in every language.
func TestLifecycleCatalog(t *testing.T) {
	var keys []string
	for _, a := range []StandingAction{ActSuspend, ActReinstate, ActWithdraw, ActSetTerm, ActRenew} {
		keys = append(keys, "mail.membership."+string(a)+".subject", "mail.membership."+string(a)+".body", "members.lifecycle.act."+string(a))
	}
	for _, k := range []string{"lapse", "reminder"} {
		keys = append(keys, "mail.membership."+k+".subject", "mail.membership."+k+".body")
	}
	for _, s := range lifecycleStandings {
		keys = append(keys, "members.standing."+string(s))
	}
	for _, lang := range []string{"en", "zh-Hans", "zh-Hant"} {
		for _, k := range keys {
			if !i18n.For(lang).Has(k) {
				t.Errorf("%s lacks %s", lang, k)
			}
		}
	}
}

// TestNewRoutesAccess requests each route of this file and of
// representatives.go as the authorisation matrix of cmd/wuzhen does (ids
// replaced by 1, no member 1): nobody is refused what the route table
// allows, and nobody reaches what it does not.
func TestNewRoutesAccess(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		e := newLCEnv(t, d)
		plain := e.user("plain@example.org", "Plain", "")
		admin := e.user("admin@example.org", "Admin", "", auth.RoleAdmin)
		people := map[string]*actor.Actor{"": nil, "plain": plain, "sec": e.sec, "admin": admin}
		s := newLCServer(t, e, lcIdentity{"plain": plain, "sec": e.sec, "admin": admin})
		h := &Handlers{Store: e.s}
		for _, rt := range append(h.lifecycleRoutes(), h.representativeRoutes()...) {
			path := strings.NewReplacer("{id}", "1", "{user}", "1").Replace(rt.Path)
			for who, p := range people {
				var form url.Values
				if rt.Method != http.MethodGet {
					form = url.Values{}
				}
				res, _ := s.do(who, rt.Method, path, form)
				toLogin := res.StatusCode == http.StatusSeeOther && strings.HasPrefix(res.Header.Get("Location"), "/login?next=")
				denied := res.StatusCode == http.StatusForbidden || toLogin
				allowed := !(rt.Access.NeedsSignIn() && p == nil) && (rt.Access.Permission() == "" || auth.Can(p, rt.Access.Permission()))
				if allowed == denied || res.StatusCode >= 500 {
					t.Errorf("%s as %q: %d; allowed by the table: %v", rt.Pattern(), who, res.StatusCode, allowed)
				}
			}
		}
	})
}
