package members

// The lifecycle of a membership: the secretariat suspends, reinstates,
// withdraws, renews and sets the term; the hourly maintenance sends renewal
// reminders and lapses memberships whose term has ended. Every change is
// audited and mailed to the member's primary representative in the
// transaction that makes it.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/audit"
	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/mail"
	"github.com/wuzhen/wuzhen/internal/web"
)

// ReminderLead is how long before the end of its term a membership's
// primary representative is reminded to renew.
const ReminderLead = 30 * 24 * time.Hour

// lifecycleStandings lists the standings in the order the secretariat's
// list shows them.
var lifecycleStandings = []Standing{Active, Lapsed, Suspended, Withdrawn}

func validStanding(s Standing) bool {
	for _, x := range lifecycleStandings {
		if x == s {
			return true
		}
	}
	return false
}

// StandingAction is a change the secretariat makes to a membership. The
// names are stored in the audit log as "member.<action>": do not rename.
type StandingAction string

// The secretariat's actions on a membership.
const (
	ActSuspend   StandingAction = "suspend"   // active or lapsed → suspended; needs a reason
	ActReinstate StandingAction = "reinstate" // suspended or withdrawn → active, while the term runs
	ActWithdraw  StandingAction = "withdraw"  // → withdrawn; needs a reason
	ActSetTerm   StandingAction = "set_term"  // a new term end; a lapsed membership whose new end is ahead is active again
	ActRenew     StandingAction = "renew"     // the term extended by Term (from today if it has ended), and active
)

// ManagedMember is a member as the secretariat and its representatives see
// it: in any standing, with the time of the last renewal reminder.
type ManagedMember struct {
	Member
	RemindedAt *time.Time
	Updated    time.Time
}

// Actions lists what the secretariat may do to the membership in its
// current standing.
func (m *ManagedMember) Actions() []StandingAction {
	switch m.Standing {
	case Active, Lapsed:
		return []StandingAction{ActRenew, ActSetTerm, ActSuspend, ActWithdraw}
	case Suspended:
		return []StandingAction{ActReinstate, ActRenew, ActSetTerm, ActWithdraw}
	case Withdrawn:
		return []StandingAction{ActReinstate, ActRenew, ActSetTerm}
	}
	return nil
}

// managedColumns are read by scanManaged; listed here rather than shared
// with the directory so that each can change on its own.
const managedColumns = `id, kind, name_en, name_zh_hans, name_zh_hant, acronym, stakeholder_group, country, continent,
	website, description_en, description_zh_hans, description_zh_hant, contact_email, status, joined_on, term_ends_on,
	reminded_at, updated_at`

func scanManaged(row db.Scanner) (*ManagedMember, error) {
	m := &ManagedMember{}
	err := row.Scan(&m.ID, &m.Kind, &m.Name.En, &m.Name.Hans, &m.Name.Hant, &m.Acronym, &m.Group, &m.Country, &m.Continent,
		&m.Website, &m.Description.En, &m.Description.Hans, &m.Description.Hant, &m.ContactEmail, &m.Standing,
		&m.JoinedOn, &m.TermEndsOn, &m.RemindedAt, &m.Updated)
	return m, err
}

// managed loads member id in any standing through q, with lock appended
// to the query (tx.ForUpdate() or "").
func (s *Store) managed(ctx context.Context, q db.Querier, id int64, lock string) (*ManagedMember, error) {
	m, err := scanManaged(q.QueryRow(ctx, "-- members.managed\nSELECT "+managedColumns+" FROM members WHERE id = ?"+lock, id))
	if db.IsNotFound(err) {
		return nil, errs.New(errs.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("members: member %d: %w", id, err)
	}
	return m, nil
}

// Membership returns member id in any standing, for the secretariat.
func (s *Store) Membership(ctx context.Context, id int64) (*ManagedMember, error) {
	return s.managed(ctx, s.DB, id, "")
}

// ChangeStanding applies the secretariat's action to member id. Suspend
// and withdraw need a reason (sent to the member); set_term needs the new
// end as YYYY-MM-DD; renew extends the term by Term from its end, or from
// today when it has ended, and makes the membership active; reinstate makes
// a suspended or withdrawn membership active while its term runs (after
// its end, renew instead). A new term end resets the renewal reminder. The
// primary representative is mailed in their language and the change
// audited, in the same transaction. Bad input is Invalid, an action that
// does not apply to the current standing a Conflict.
func (s *Store) ChangeStanding(ctx context.Context, by *actor.Actor, id int64, act StandingAction, reason, termEnd string) (*ManagedMember, error) {
	reason, termEnd = strings.TrimSpace(reason), strings.TrimSpace(termEnd)
	var fe errs.Fields
	switch act {
	case ActSuspend, ActWithdraw:
		if reason == "" {
			fe.Add("reason", "members.lifecycle.reason_required")
		}
	case ActSetTerm:
		if t, err := time.Parse(time.DateOnly, termEnd); err != nil || t.Year() < 1990 || t.Year() > 2200 {
			fe.Add("term_ends_on", "members.date_invalid")
		}
	case ActReinstate, ActRenew:
	default:
		fe.Add("action", "members.lifecycle.action_invalid")
	}
	if utf8.RuneCountInString(reason) > maxText {
		fe.Add("reason", "members.too_long", maxText)
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	var m *ManagedMember
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		var err error
		if m, err = s.managed(ctx, tx, id, tx.ForUpdate()); err != nil {
			return err
		}
		now := tx.Now()
		today := now.UTC().Format(time.DateOnly)
		from, oldEnd := m.Standing, m.TermEndsOn
		applies := false
		for _, a := range m.Actions() {
			applies = applies || a == act
		}
		if !applies {
			return errs.New(errs.Conflict, "members.lifecycle.not_applicable")
		}
		detail := reason
		switch act {
		case ActSuspend:
			m.Standing = Suspended
		case ActWithdraw:
			m.Standing = Withdrawn
		case ActReinstate:
			if m.TermEndsOn != "" && m.TermEndsOn < today {
				return errs.New(errs.Conflict, "members.lifecycle.term_ended")
			}
			m.Standing = Active
		case ActSetTerm:
			m.TermEndsOn = termEnd
			if m.Standing == Lapsed && termEnd >= today {
				m.Standing = Active
			}
		case ActRenew:
			base := today
			if m.TermEndsOn > today {
				base = m.TermEndsOn
			}
			t, _ := time.Parse(time.DateOnly, base)
			m.TermEndsOn = t.Add(Term).Format(time.DateOnly)
			m.Standing = Active
		}
		if m.TermEndsOn != oldEnd {
			m.RemindedAt = nil // a new term, a new reminder
		}
		if act == ActReinstate || act == ActSetTerm || act == ActRenew {
			detail = m.TermEndsOn
			if detail == "" {
				detail = "—"
			}
		}
		if _, err := tx.Exec(ctx, `-- members.ChangeStanding
			UPDATE members SET status = ?, term_ends_on = ?, reminded_at = ?, updated_at = ? WHERE id = ?`,
			m.Standing, m.TermEndsOn, m.RemindedAt, now, id); err != nil {
			return err
		}
		if err := memberChanged(ctx, tx, id); err != nil {
			return err
		}
		m.Updated = now
		if err := s.mailStanding(ctx, tx, m, "mail.membership."+string(act), detail); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "member." + string(act),
			Object: memberObject(id), Details: map[string]any{"from": from, "to": m.Standing, "reason": reason,
				"term_ends_on": m.TermEndsOn, "previous_term_ends_on": oldEnd}})
	})
	if err != nil {
		return nil, fmt.Errorf("members: %s member %d: %w", act, id, err)
	}
	return m, nil
}

// Lifecycle is the scheduled part of the lifecycle, for the hourly
// maintenance of every instance (safe to run on several at once). With
// today the UTC date of now, it lapses each active membership whose term
// ended before today, and reminds the primary representative of each
// active membership whose term ends within ReminderLead, once per term.
// Both are audited as the system and mailed. It goes on past a member that
// fails and returns the errors joined, with the counts of what it did.
func (s *Store) Lifecycle(ctx context.Context, now time.Time) (reminded, lapsed int, err error) {
	today := now.UTC().Format(time.DateOnly)
	soon := now.UTC().Add(ReminderLead).Format(time.DateOnly)
	var problems []error

	ids, err := s.memberIDs(ctx, "status = 'active' AND term_ends_on <> '' AND term_ends_on < ?", today)
	if err != nil {
		return 0, 0, err
	}
	for _, id := range ids {
		done := false
		err := s.DB.Tx(ctx, func(tx *db.Tx) error {
			m, err := s.managed(ctx, tx, id, tx.ForUpdate())
			if err != nil {
				return err
			}
			if m.Standing != Active || m.TermEndsOn == "" || m.TermEndsOn >= today {
				return nil // changed meanwhile, or done by another instance
			}
			if _, err := tx.Exec(ctx, "UPDATE members SET status = ?, updated_at = ? WHERE id = ?", Lapsed, tx.Now(), id); err != nil {
				return err
			}
			if err := memberChanged(ctx, tx, id); err != nil {
				return err
			}
			m.Standing = Lapsed
			if err := s.mailStanding(ctx, tx, m, "mail.membership.lapse", m.TermEndsOn); err != nil {
				return err
			}
			done = true
			return audit.Record(ctx, tx, audit.Entry{Action: "member.lapse", Object: memberObject(id),
				Details: map[string]any{"from": Active, "to": Lapsed, "term_ends_on": m.TermEndsOn}})
		})
		if err != nil {
			problems = append(problems, fmt.Errorf("members: lapse member %d: %w", id, err))
		} else if done {
			lapsed++
		}
	}

	ids, err = s.memberIDs(ctx, `status = 'active' AND reminded_at IS NULL AND term_ends_on <> ''
		AND term_ends_on >= ? AND term_ends_on <= ?`, today, soon)
	if err != nil {
		return reminded, lapsed, errors.Join(append(problems, err)...)
	}
	for _, id := range ids {
		done := false
		err := s.DB.Tx(ctx, func(tx *db.Tx) error {
			m, err := s.managed(ctx, tx, id, tx.ForUpdate())
			if err != nil {
				return err
			}
			if m.Standing != Active || m.RemindedAt != nil || m.TermEndsOn == "" || m.TermEndsOn < today || m.TermEndsOn > soon {
				return nil
			}
			if _, err := tx.Exec(ctx, "UPDATE members SET reminded_at = ? WHERE id = ?", now, id); err != nil {
				return err
			}
			if err := s.mailStanding(ctx, tx, m, "mail.membership.reminder", m.TermEndsOn); err != nil {
				return err
			}
			done = true
			return audit.Record(ctx, tx, audit.Entry{Action: "member.renewal_reminder", Object: memberObject(id),
				Details: map[string]any{"term_ends_on": m.TermEndsOn}})
		})
		if err != nil {
			problems = append(problems, fmt.Errorf("members: remind member %d: %w", id, err))
		} else if done {
			reminded++
		}
	}
	return reminded, lapsed, errors.Join(problems...)
}

// memberIDs returns the ids of the members matching where, in id order.
func (s *Store) memberIDs(ctx context.Context, where string, args ...any) ([]int64, error) {
	rows, err := s.DB.Query(ctx, "-- members.memberIDs\nSELECT id FROM members WHERE "+where+" ORDER BY id", args...)
	if err != nil {
		return nil, fmt.Errorf("members: lifecycle: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// mailStanding writes about member m to its primary representative, in
// their language (to the member's contact address in English when it has
// no representative). The message key+".body" takes the recipient's name,
// the member's name, detail (a reason or a date) and the link to the
// member's management page.
func (s *Store) mailStanding(ctx context.Context, tx *db.Tx, m *ManagedMember, key, detail string) error {
	to, name, lang, err := s.primaryContact(ctx, tx, m)
	if err != nil || to == "" {
		return err
	}
	p := i18n.For(lang)
	link := fmt.Sprintf("%s/members/manage/%d", strings.TrimRight(s.BaseURL, "/"), m.ID)
	_, err = mail.Send(ctx, tx, mail.Message{Kind: mail.KindMembership, To: to, Subject: p.T(key + ".subject"),
		Text: p.T(key+".body", name, m.Name.For(lang), detail, link)})
	return err
}

// primaryContact returns the address, name and language to write to about
// member m: its primary representative's, else its contact address in
// English, else "" (nobody to write to).
func (s *Store) primaryContact(ctx context.Context, q db.Querier, m *ManagedMember) (to, name, lang string, err error) {
	var uid int64
	err = q.QueryRow(ctx, "SELECT user_id FROM member_representatives WHERE member_id = ? AND is_primary", m.ID).Scan(&uid)
	if err == nil {
		u, err := auth.Lookup(ctx, q, uid)
		if err == nil {
			return u.Email, u.Name, langOf(u.Locale), nil
		}
		if errs.CodeOf(err) != errs.NotFound {
			return "", "", "", err
		}
	} else if !db.IsNotFound(err) {
		return "", "", "", err
	}
	if m.ContactEmail == "" {
		return "", "", "", nil
	}
	return m.ContactEmail, m.Name.For(i18n.En), i18n.En, nil
}

// langOf is the interface language of a stored locale, English by default.
func langOf(locale string) string {
	if l := i18n.Match(locale); l != "" {
		return l
	}
	return i18n.En
}

// MembershipFilter selects memberships in the secretariat's list.
type MembershipFilter struct {
	Standing   Standing // "" for every standing
	EndingSoon bool     // active memberships whose term ends within ReminderLead (or has ended, not yet lapsed)
	Query      string   // a name in any script, or an acronym
}

// Memberships returns the memberships matching f for the secretariat,
// sorted by name (by term end when EndingSoon), with the count of
// memberships in each standing and the total matching.
func (s *Store) Memberships(ctx context.Context, f MembershipFilter, limit, offset int) ([]*ManagedMember, map[Standing]int, int, error) {
	var w []string
	var args []any
	if f.Standing != "" {
		w, args = append(w, "status = ?"), append(args, f.Standing)
	}
	if f.EndingSoon {
		soon := s.DB.Now().UTC().Add(ReminderLead).Format(time.DateOnly)
		w = append(w, "status = 'active' AND term_ends_on <> '' AND term_ends_on <= ?")
		args = append(args, soon)
	}
	if q := fold(f.Query); q != "" {
		w, args = append(w, "search LIKE ? ESCAPE '\\'"), append(args, "%"+likeEscape(q)+"%")
	}
	where := ""
	if len(w) > 0 {
		where = " WHERE " + strings.Join(w, " AND ")
	}
	counts, err := db.Counts[Standing](ctx, s.DB, "members: memberships", "SELECT status, count(*) FROM members GROUP BY status")
	if err != nil {
		return nil, nil, 0, err
	}
	var total int
	if err := s.DB.QueryRow(ctx, "SELECT count(*) FROM members"+where, args...).Scan(&total); err != nil {
		return nil, nil, 0, fmt.Errorf("members: memberships: %w", err)
	}
	order := " ORDER BY sort_name, id"
	if f.EndingSoon {
		order = " ORDER BY term_ends_on, id"
	}
	out, err := db.All(ctx, s.DB, "members: memberships", scanManaged,
		"-- members.Memberships\nSELECT "+managedColumns+" FROM members"+where+order+" LIMIT ? OFFSET ?", append(args, limit, offset)...)
	return out, counts, total, err
}

// lifecycleRoutes are the secretariat's pages of the membership lifecycle.
func (h *Handlers) lifecycleRoutes() []web.Route {
	manage := web.Perm(PermManage)
	return []web.Route{
		{Method: "GET", Path: "/admin/members", Access: manage, Handle: h.lcList},
		{Method: "GET", Path: "/admin/members/{id}", Access: manage, Handle: h.lcMember},
		{Method: "POST", Path: "/admin/members/{id}/standing", Access: manage, Handle: h.lcStanding},
	}
}

type lcListData struct {
	Filter    MembershipFilter
	List      []*ManagedMember
	Counts    map[Standing]int
	All       int // memberships in every standing
	Total     int // matching the filter
	Pager     web.Pager
	Standings []Standing
	Options   options
}

func (h *Handlers) lcList(c *web.Ctx) error {
	q := c.R.URL.Query()
	f := MembershipFilter{Standing: Standing(q.Get("standing")), EndingSoon: q.Get("ending") == "soon",
		Query: strings.TrimSpace(q.Get("q"))}
	if !validStanding(f.Standing) {
		f.Standing = ""
	}
	page, per := paging(q, 50)
	list, counts, total, err := h.Store.Memberships(c.Context(), f, per, (page-1)*per)
	if err != nil {
		return err
	}
	all := 0
	for _, n := range counts {
		all += n
	}
	return c.Render(http.StatusOK, "members/lifecycle_list", lcListData{Filter: f, List: list, Counts: counts, All: all,
		Total: total, Pager: web.NewPager(q, page, per, total), Standings: lifecycleStandings, Options: optionsFor(c.Lang)})
}

type lcMemberData struct {
	M               *ManagedMember
	Representatives []Representative
	Actions         []StandingAction
	Today           string
	CanAudit        bool
	Changed         bool // a change was just saved
	Options         options
}

func (h *Handlers) lcMemberPage(c *web.Ctx, status int, f *web.Form, id int64) error {
	m, err := h.Store.Membership(c.Context(), id)
	if err != nil {
		return err
	}
	reps, err := h.Store.Representatives(c.Context(), id)
	if err != nil {
		return err
	}
	return c.RenderForm(status, "members/lifecycle_member", f, lcMemberData{M: m, Representatives: reps, Actions: m.Actions(),
		Today: h.Store.DB.Now().UTC().Format(time.DateOnly), CanAudit: c.Can(auth.PermAudit),
		Changed: status == http.StatusOK && c.R.URL.Query().Get("changed") != "", Options: optionsFor(c.Lang)})
}

func (h *Handlers) lcMember(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return h.lcMemberPage(c, http.StatusOK, nil, id)
}

func (h *Handlers) lcStanding(c *web.Ctx) error {
	id, f, err := posted(c)
	if err != nil {
		return err
	}
	_, err = h.Store.ChangeStanding(c.Context(), c.User, id, StandingAction(f.Get("action")), f.Get("reason"), f.Get("term_ends_on"))
	if err != nil {
		if code := errs.CodeOf(err); code == errs.Internal || code == errs.NotFound {
			return err
		}
		return h.lcMemberPage(c, c.Fail(f, err), f, id)
	}
	return c.Redirect(fmt.Sprintf("/admin/members/%d?changed=1", id))
}
