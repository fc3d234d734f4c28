package members

// A member's representatives: the accounts that act for it. They edit its
// public profile, invite more representatives by email, and the primary
// one removes representatives and hands the primary role over. An
// individual member's own account is its representative. The secretariat
// (PermManage) may do all of it for any member. Every change is audited.

import (
	"context"
	"fmt"
	"net/http"
	netmail "net/mail"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/audit"
	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/crypt"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/mail"
	"github.com/wuzhen/wuzhen/internal/web"
)

// InvitationLife is how long an invitation to become a representative
// can be accepted.
const InvitationLife = 14 * 24 * time.Hour

// maxInvitationsPerDay limits the invitations sent for one member in 24
// hours, so that a representative's account cannot be used to send mail
// in bulk.
const maxInvitationsPerDay = 20

// Representative is an account that acts for a member.
type Representative struct {
	UserID  int64
	Name    string
	Email   string
	Primary bool
	Since   time.Time
}

// Invitation is an invitation to become a representative of a member.
type Invitation struct {
	ID         int64
	MemberID   int64
	Member     Names // the member's name, for the acceptance page
	Email      string
	InvitedBy  int64
	Created    time.Time
	Expires    time.Time
	AcceptedAt *time.Time
}

// Profile is the part of a member's public profile its representatives
// edit. The country and the stakeholder group stay with the secretariat.
type Profile struct {
	Name        Names
	Acronym     string
	Website     string
	Description Names
}

// validate trims and checks the profile; errors are at the edit form's
// fields.
func (p *Profile) validate() error {
	for _, s := range []*string{&p.Name.En, &p.Name.Hans, &p.Name.Hant, &p.Acronym, &p.Website,
		&p.Description.En, &p.Description.Hans, &p.Description.Hant} {
		*s = strings.TrimSpace(*s)
	}
	if p.Website != "" && !strings.Contains(p.Website, "://") {
		p.Website = "https://" + p.Website
	}
	var fe errs.Fields
	if p.Name.Empty() {
		fe.Add("name", "members.name_required")
	}
	for _, f := range []struct {
		field, value string
		max          int
	}{
		{"name_en", p.Name.En, maxName}, {"name_zh_hans", p.Name.Hans, maxName}, {"name_zh_hant", p.Name.Hant, maxName},
		{"acronym", p.Acronym, maxAcronym},
		{"description_en", p.Description.En, maxText}, {"description_zh_hans", p.Description.Hans, maxText},
		{"description_zh_hant", p.Description.Hant, maxText},
	} {
		if utf8.RuneCountInString(f.value) > f.max {
			fe.Add(f.field, "members.too_long", f.max)
		}
		if !strings.HasPrefix(f.field, "description") {
			fe.Line(f.field, f.value)
		}
	}
	if p.Website != "" && websiteDomain(p.Website) == "" {
		fe.Add("website", "members.website_invalid")
	}
	return fe.Err()
}

// Represents reports whether account userID represents member memberID,
// and whether as its primary representative.
func (s *Store) Represents(ctx context.Context, userID, memberID int64) (primary bool, ok bool, err error) {
	return s.represents(ctx, s.DB, userID, memberID)
}

func (s *Store) represents(ctx context.Context, q db.Querier, userID, memberID int64) (primary bool, ok bool, err error) {
	err = q.QueryRow(ctx, "SELECT is_primary FROM member_representatives WHERE member_id = ? AND user_id = ?",
		memberID, userID).Scan(&primary)
	if db.IsNotFound(err) {
		return false, false, nil
	}
	if err != nil {
		return false, false, fmt.Errorf("members: represents: %w", err)
	}
	return primary, true, nil
}

// repAccess decides what p may do for a member: ok when p represents it
// or manages members; primary when p is its primary representative or
// manages members.
func (s *Store) repAccess(ctx context.Context, q db.Querier, p *actor.Actor, memberID int64) (primary, ok bool, err error) {
	if p == nil {
		return false, false, nil
	}
	if auth.Can(p, PermManage) {
		return true, true, nil
	}
	return s.represents(ctx, q, p.ID, memberID)
}

// Managed returns member id, in any standing, to one of its
// representatives or the secretariat, with whether p may act as its
// primary representative. Anyone else gets NotFound, so that ids reveal
// nothing.
func (s *Store) Managed(ctx context.Context, p *actor.Actor, id int64) (*ManagedMember, bool, error) {
	primary, ok, err := s.repAccess(ctx, s.DB, p, id)
	if err != nil {
		return nil, false, err
	}
	if !ok {
		return nil, false, errs.New(errs.NotFound, "error.not_found")
	}
	m, err := s.Membership(ctx, id)
	return m, primary, err
}

// Represented returns the members that account userID represents, in any
// standing, by name: for "my memberships" lists.
func (s *Store) Represented(ctx context.Context, userID int64) ([]*ManagedMember, error) {
	return db.All(ctx, s.DB, "members: represented", scanManaged, "-- members.Represented\nSELECT "+managedColumns+` FROM members
		WHERE id IN (SELECT member_id FROM member_representatives WHERE user_id = ?) ORDER BY sort_name, id`, userID)
}

// Representatives returns the representatives of a member, the primary
// first, then by the time they joined.
func (s *Store) Representatives(ctx context.Context, memberID int64) ([]Representative, error) {
	return s.representatives(ctx, s.DB, memberID)
}

func (s *Store) representatives(ctx context.Context, q db.Querier, memberID int64) ([]Representative, error) {
	rows, err := q.Query(ctx, "SELECT user_id, is_primary, created_at FROM member_representatives WHERE member_id = ?", memberID)
	if err != nil {
		return nil, fmt.Errorf("members: representatives: %w", err)
	}
	var out []Representative
	for rows.Next() {
		var r Representative
		if err := rows.Scan(&r.UserID, &r.Primary, &r.Since); err != nil {
			rows.Close()
			return nil, fmt.Errorf("members: representatives: %w", err)
		}
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		u, err := auth.Lookup(ctx, q, out[i].UserID)
		if errs.CodeOf(err) == errs.NotFound {
			continue // an account deleted meanwhile: listed by its id
		}
		if err != nil {
			return nil, fmt.Errorf("members: representatives: %w", err)
		}
		out[i].Name, out[i].Email = u.Name, u.Email
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Primary != out[j].Primary {
			return out[i].Primary
		}
		if !out[i].Since.Equal(out[j].Since) {
			return out[i].Since.Before(out[j].Since)
		}
		return out[i].UserID < out[j].UserID
	})
	return out, nil
}

// UpdateProfile replaces the public profile of member id, for one of its
// representatives or the secretariat (anyone else: NotFound). The search
// text and sort key follow the names. A withdrawn member's profile is
// changed only by the secretariat (Conflict). Audited.
func (s *Store) UpdateProfile(ctx context.Context, by *actor.Actor, id int64, p *Profile) error {
	if err := p.validate(); err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		m, _, err := s.lockForRepresentative(ctx, tx, by, id)
		if err != nil {
			return err
		}
		if m.Standing == Withdrawn && !auth.Can(by, PermManage) {
			return errs.New(errs.Conflict, "members.reps.withdrawn")
		}
		var changed []string
		for _, f := range []struct {
			name     string
			old, new string
		}{
			{"name_en", m.Name.En, p.Name.En}, {"name_zh_hans", m.Name.Hans, p.Name.Hans}, {"name_zh_hant", m.Name.Hant, p.Name.Hant},
			{"acronym", m.Acronym, p.Acronym}, {"website", m.Website, p.Website},
			{"description_en", m.Description.En, p.Description.En}, {"description_zh_hans", m.Description.Hans, p.Description.Hans},
			{"description_zh_hant", m.Description.Hant, p.Description.Hant},
		} {
			if f.old != f.new {
				changed = append(changed, f.name)
			}
		}
		if len(changed) == 0 {
			return nil
		}
		if _, err := tx.Exec(ctx, `-- members.UpdateProfile
			UPDATE members SET name_en = ?, name_zh_hans = ?, name_zh_hant = ?, acronym = ?, website = ?,
				description_en = ?, description_zh_hans = ?, description_zh_hant = ?, search = ?, sort_name = ?, updated_at = ?
			WHERE id = ?`,
			p.Name.En, p.Name.Hans, p.Name.Hant, p.Acronym, p.Website, p.Description.En, p.Description.Hans, p.Description.Hant,
			searchText(p.Name, p.Acronym), sortName(p.Name), tx.Now(), id); err != nil {
			return err
		}
		if err := memberChanged(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "member.profile_update",
			Object: memberObject(id), Details: map[string]any{"fields": changed}})
	})
}

// lockForRepresentative locks member id's row for the rest of tx, which
// serialises every change to its representatives, and returns it with
// whether by may act as its primary representative. Someone who neither
// represents it nor manages members gets NotFound.
func (s *Store) lockForRepresentative(ctx context.Context, tx *db.Tx, by *actor.Actor, id int64) (*ManagedMember, bool, error) {
	primary, ok, err := s.repAccess(ctx, tx, by, id)
	if err != nil {
		return nil, false, err
	}
	if !ok {
		return nil, false, errs.New(errs.NotFound, "error.not_found")
	}
	m, err := s.managed(ctx, tx, id, tx.ForUpdate())
	if err != nil {
		return nil, false, err
	}
	// Asked again now that the row is locked: a hand-over that committed
	// while this transaction waited has changed the answer.
	if primary, ok, err = s.repAccess(ctx, tx, by, id); err != nil {
		return nil, false, err
	} else if !ok {
		return nil, false, errs.New(errs.NotFound, "error.not_found")
	}
	return m, primary, nil
}

// Invite mails an invitation to become a representative of member
// memberID to email, in lang (the inviter's language), for one of its
// representatives or the secretariat. The link holds a single-use token
// that expires after InvitationLife; only its hash is stored. An
// individual member's account is its only representative: only the
// secretariat invites for one. Audited.
func (s *Store) Invite(ctx context.Context, by *actor.Actor, memberID int64, email, lang string) error {
	_, err := s.invite(ctx, by, memberID, email, lang)
	return err
}

// invite is Invite, returning the token (for tests: it is never stored).
func (s *Store) invite(ctx context.Context, by *actor.Actor, memberID int64, email, lang string) (string, error) {
	email = auth.NormalizeEmail(email)
	var fe errs.Fields
	if a, err := netmail.ParseAddress(email); err != nil || a.Address != email || !strings.Contains(email, ".") {
		fe.Add("email", "members.email_invalid")
	}
	if err := fe.Err(); err != nil {
		return "", err
	}
	token, hash := crypt.NewToken()
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		m, _, err := s.lockForRepresentative(ctx, tx, by, memberID)
		if err != nil {
			return err
		}
		staff := auth.Can(by, PermManage)
		switch {
		case m.Standing == Withdrawn && !staff:
			return errs.New(errs.Conflict, "members.reps.withdrawn")
		case m.Kind == Individual && !staff:
			return errs.New(errs.Conflict, "members.reps.individual")
		}
		reps, err := s.representatives(ctx, tx, memberID)
		if err != nil {
			return err
		}
		for _, r := range reps {
			if r.Email == email {
				fe.Add("email", "members.reps.already")
				return fe.Err()
			}
		}
		now := tx.Now()
		var n int
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM member_invitations WHERE member_id = ? AND created_at > ?",
			memberID, now.Add(-24*time.Hour)).Scan(&n); err != nil {
			return err
		}
		if n >= maxInvitationsPerDay {
			return errs.New(errs.TooMany, "error.too_many_requests")
		}
		var id int64
		if err := tx.QueryRow(ctx, `-- members.invite
			INSERT INTO member_invitations (token_hash, member_id, email, invited_by, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, hash, memberID, email, by.ID, now, now.Add(InvitationLife)).Scan(&id); err != nil {
			return err
		}
		lang = langOf(lang)
		p := i18n.For(lang)
		link := strings.TrimRight(s.BaseURL, "/") + "/members/invitations/accept?token=" + token
		if _, err := mail.Send(ctx, tx, mail.Message{Kind: mail.KindMembership, To: email, Subject: p.T("mail.membership.invitation.subject", m.Name.For(lang)),
			Text: p.T("mail.membership.invitation.body", by.Name, m.Name.For(lang), link, int(InvitationLife.Hours()/24))}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "member.representative_invite",
			Object: memberObject(memberID), Details: map[string]any{"email": email, "invitation_id": id}})
	})
	if err != nil {
		return "", fmt.Errorf("members: invite: %w", err)
	}
	return token, nil
}

const invitationColumns = `i.id, i.member_id, m.name_en, m.name_zh_hans, m.name_zh_hant, i.email, i.invited_by,
	i.created_at, i.expires_at, i.accepted_at`

func scanInvitation(row db.Scanner) (*Invitation, error) {
	v := &Invitation{}
	err := row.Scan(&v.ID, &v.MemberID, &v.Member.En, &v.Member.Hans, &v.Member.Hant, &v.Email, &v.InvitedBy,
		&v.Created, &v.Expires, &v.AcceptedAt)
	return v, err
}

// Invitations returns the invitations of a member still waiting to be
// accepted, newest first.
func (s *Store) Invitations(ctx context.Context, memberID int64) ([]*Invitation, error) {
	return db.All(ctx, s.DB, "members: invitations", scanInvitation, "-- members.Invitations\nSELECT "+invitationColumns+`
		FROM member_invitations i JOIN members m ON m.id = i.member_id
		WHERE i.member_id = ? AND i.accepted_at IS NULL AND i.expires_at > ? ORDER BY i.id DESC`, memberID, s.DB.Now())
}

// InvitationByToken returns the invitation of a token that can still be
// accepted; an unknown, spent or expired token is an Invalid error.
func (s *Store) InvitationByToken(ctx context.Context, token string) (*Invitation, error) {
	v, err := scanInvitation(s.DB.QueryRow(ctx, "-- members.InvitationByToken\nSELECT "+invitationColumns+`
		FROM member_invitations i JOIN members m ON m.id = i.member_id
		WHERE i.token_hash = ? AND i.accepted_at IS NULL AND i.expires_at > ?`, crypt.HashToken(token), s.DB.Now()))
	if db.IsNotFound(err) {
		return nil, errs.New(errs.Invalid, "members.invitation_invalid")
	}
	if err != nil {
		return nil, fmt.Errorf("members: invitation: %w", err)
	}
	return v, nil
}

// Accept spends an invitation's token and makes the signed-in account a
// representative of its member: a non-primary one, unless the member has
// no primary representative at all. The token may be used once, before it
// expires (else Invalid); whoever holds it, having received the mail, may
// accept with their own account. Accepting for a member one already
// represents spends the token and changes nothing. Audited. It returns the
// member's id.
func (s *Store) Accept(ctx context.Context, by *actor.Actor, token string) (int64, error) {
	var memberID int64
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		now := tx.Now()
		var invID int64
		var email string
		err := tx.QueryRow(ctx, `-- members.Accept
			UPDATE member_invitations SET accepted_at = ?, accepted_by = ?
			WHERE token_hash = ? AND accepted_at IS NULL AND expires_at > ?
			RETURNING id, member_id, email`, now, by.ID, crypt.HashToken(token), now).Scan(&invID, &memberID, &email)
		if db.IsNotFound(err) {
			return errs.New(errs.Invalid, "members.invitation_invalid")
		}
		if err != nil {
			return err
		}
		m, err := s.managed(ctx, tx, memberID, tx.ForUpdate())
		if err != nil {
			return err
		}
		if m.Standing == Withdrawn {
			return errs.New(errs.Conflict, "members.reps.withdrawn")
		}
		_, already, err := s.represents(ctx, tx, by.ID, memberID)
		if err != nil || already {
			return err
		}
		var primaries int
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM member_representatives WHERE member_id = ? AND is_primary",
			memberID).Scan(&primaries); err != nil {
			return err
		}
		primary := primaries == 0
		if _, err := tx.Exec(ctx, "INSERT INTO member_representatives (member_id, user_id, is_primary, created_at) VALUES (?, ?, ?, ?)",
			memberID, by.ID, primary, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "member.representative_add",
			Object: memberObject(memberID), Details: map[string]any{"user_id": by.ID, "invitation_id": invID,
				"invited_email": email, "primary": primary}})
	})
	if err != nil {
		return 0, fmt.Errorf("members: accept invitation: %w", err)
	}
	return memberID, nil
}

// RemoveRepresentative removes account userID from the representatives
// of member memberID, for its primary representative or the secretariat
// (another representative: Forbidden; anyone else: NotFound). The primary
// representative is not removed (Conflict): hand the role over first.
// Audited.
func (s *Store) RemoveRepresentative(ctx context.Context, by *actor.Actor, memberID, userID int64) error {
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		_, primary, err := s.lockForRepresentative(ctx, tx, by, memberID)
		if err != nil {
			return err
		}
		if !primary {
			return errs.New(errs.Forbidden, "members.reps.primary_only")
		}
		targetPrimary, ok, err := s.represents(ctx, tx, userID, memberID)
		if err != nil {
			return err
		}
		if !ok {
			return errs.New(errs.NotFound, "error.not_found")
		}
		if targetPrimary {
			return errs.New(errs.Conflict, "members.reps.remove_primary")
		}
		if _, err := tx.Exec(ctx, "DELETE FROM member_representatives WHERE member_id = ? AND user_id = ?", memberID, userID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "member.representative_remove",
			Object: memberObject(memberID), Details: map[string]any{"user_id": userID}})
	})
	if err != nil {
		return fmt.Errorf("members: remove representative: %w", err)
	}
	return nil
}

// HandOver makes representative toUserID the primary representative of
// member memberID, for its primary representative or the secretariat
// (another representative: Forbidden; anyone else: NotFound). The member's
// row and its representatives' rows are locked first, so that two
// hand-overs at once run one after the other and the second, no longer by
// the primary, is refused: there is exactly one primary afterwards. The
// new primary is mailed in their language. Audited.
func (s *Store) HandOver(ctx context.Context, by *actor.Actor, memberID, toUserID int64) error {
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		m, primary, err := s.lockForRepresentative(ctx, tx, by, memberID)
		if err != nil {
			return err
		}
		if !primary {
			return errs.New(errs.Forbidden, "members.reps.primary_only")
		}
		rows, err := tx.Query(ctx, "SELECT user_id, is_primary FROM member_representatives WHERE member_id = ? ORDER BY user_id"+tx.ForUpdate(), memberID)
		if err != nil {
			return err
		}
		var from int64
		found := false
		for rows.Next() {
			var uid int64
			var isPrimary bool
			if err := rows.Scan(&uid, &isPrimary); err != nil {
				rows.Close()
				return err
			}
			if isPrimary {
				from = uid
			}
			found = found || uid == toUserID
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if !found {
			return errs.New(errs.NotFound, "error.not_found")
		}
		if from == toUserID {
			return nil // already the primary
		}
		// Two statements, so that the unique index on the primary never
		// sees two at once.
		if _, err := tx.Exec(ctx, "UPDATE member_representatives SET is_primary = false WHERE member_id = ? AND is_primary", memberID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE member_representatives SET is_primary = true WHERE member_id = ? AND user_id = ?", memberID, toUserID); err != nil {
			return err
		}
		to, err := auth.Lookup(ctx, tx, toUserID)
		if err != nil {
			return err
		}
		lang := langOf(to.Locale)
		p := i18n.For(lang)
		link := fmt.Sprintf("%s/members/manage/%d/representatives", strings.TrimRight(s.BaseURL, "/"), memberID)
		if _, err := mail.Send(ctx, tx, mail.Message{Kind: mail.KindMembership, To: to.Email, Subject: p.T("mail.membership.handover.subject"),
			Text: p.T("mail.membership.handover.body", to.Name, m.Name.For(lang), link)}); err != nil {
			return err
		}
		var previous any
		if from != 0 {
			previous = from
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "member.primary_handover",
			Object: memberObject(memberID), Details: map[string]any{"from": previous, "to": toUserID}})
	})
	if err != nil {
		return fmt.Errorf("members: hand over: %w", err)
	}
	return nil
}

// representativeRoutes are the pages on which representatives (and the
// secretariat) look after a member, and the acceptance of invitations.
// Who may act for which member is decided by the store.
func (h *Handlers) representativeRoutes() []web.Route {
	return []web.Route{
		{Method: "GET", Path: "/members/manage/{id}", Access: web.SignedIn, Handle: h.repManage},
		{Method: "GET", Path: "/members/manage/{id}/edit", Access: web.SignedIn, Handle: h.repEditForm},
		{Method: "POST", Path: "/members/manage/{id}/edit", Access: web.SignedIn, Handle: h.repEdit},
		{Method: "GET", Path: "/members/manage/{id}/representatives", Access: web.SignedIn, Handle: h.repList},
		{Method: "POST", Path: "/members/manage/{id}/representatives/invite", Access: web.SignedIn, Handle: h.repInvite},
		{Method: "POST", Path: "/members/manage/{id}/representatives/{user}/remove", Access: web.SignedIn, Handle: h.repRemove},
		{Method: "POST", Path: "/members/manage/{id}/representatives/{user}/primary", Access: web.SignedIn, Handle: h.repHandOver},
		{Method: "GET", Path: "/members/invitations/accept", Access: web.Public, Handle: h.invitationPage},
		{Method: "POST", Path: "/members/invitations/accept", Access: web.SignedIn, Handle: h.invitationAccept},
	}
}

type repManageData struct {
	M       *ManagedMember
	Primary bool // may act as the primary representative
	Staff   bool // the secretariat
	Notice  string
	Options options
}

func (h *Handlers) repManage(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	m, primary, err := h.Store.Managed(c.Context(), c.User, id)
	if err != nil {
		return err
	}
	notice := ""
	switch c.R.URL.Query().Get("done") {
	case "saved":
		notice = "members.manage.saved"
	case "welcome":
		notice = "members.manage.welcome"
	}
	return c.Render(http.StatusOK, "members/manage", repManageData{M: m, Primary: primary, Staff: c.Can(PermManage),
		Notice: notice, Options: optionsFor(c.Lang)})
}

// profileForm fills the edit form with a member's profile.
func profileForm(m *ManagedMember) *web.Form {
	return &web.Form{Values: url.Values{
		"name_en": {m.Name.En}, "name_zh_hans": {m.Name.Hans}, "name_zh_hant": {m.Name.Hant},
		"acronym": {m.Acronym}, "website": {m.Website},
		"description_en": {m.Description.En}, "description_zh_hans": {m.Description.Hans}, "description_zh_hant": {m.Description.Hant},
	}}
}

type repEditData struct {
	M       *ManagedMember
	Options options
}

func (h *Handlers) repEditForm(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	m, _, err := h.Store.Managed(c.Context(), c.User, id)
	if err != nil {
		return err
	}
	return c.RenderForm(http.StatusOK, "members/edit_profile", profileForm(m), repEditData{M: m, Options: optionsFor(c.Lang)})
}

func (h *Handlers) repEdit(c *web.Ctx) error {
	id, f, err := posted(c)
	if err != nil {
		return err
	}
	p := &Profile{
		Name:    Names{En: f.Get("name_en"), Hans: f.Get("name_zh_hans"), Hant: f.Get("name_zh_hant")},
		Acronym: f.Get("acronym"), Website: f.Get("website"),
		Description: Names{En: f.Get("description_en"), Hans: f.Get("description_zh_hans"), Hant: f.Get("description_zh_hant")},
	}
	if err := h.Store.UpdateProfile(c.Context(), c.User, id, p); err != nil {
		if code := errs.CodeOf(err); code == errs.Internal || code == errs.NotFound {
			return err
		}
		m, _, merr := h.Store.Managed(c.Context(), c.User, id)
		if merr != nil {
			return merr
		}
		return c.RenderForm(c.Fail(f, err), "members/edit_profile", f, repEditData{M: m, Options: optionsFor(c.Lang)})
	}
	return c.Redirect(fmt.Sprintf("/members/manage/%d?done=saved", id))
}

type repListData struct {
	M               *ManagedMember
	Representatives []Representative
	Invitations     []*Invitation
	Primary         bool  // may remove representatives and hand the role over
	Staff           bool  // the secretariat
	Me              int64 // the signed-in account
	CanInvite       bool
	Notice          string
}

func (h *Handlers) repListPage(c *web.Ctx, status int, f *web.Form, id int64) error {
	m, primary, err := h.Store.Managed(c.Context(), c.User, id)
	if err != nil {
		return err
	}
	reps, err := h.Store.Representatives(c.Context(), id)
	if err != nil {
		return err
	}
	invs, err := h.Store.Invitations(c.Context(), id)
	if err != nil {
		return err
	}
	staff := c.Can(PermManage)
	notice := ""
	if status == http.StatusOK {
		switch c.R.URL.Query().Get("done") {
		case "invited":
			notice = "members.reps.invited"
		case "removed":
			notice = "members.reps.removed"
		case "handed_over":
			notice = "members.reps.handed_over"
		}
	}
	return c.RenderForm(status, "members/representatives", f, repListData{M: m, Representatives: reps, Invitations: invs,
		Primary: primary, Staff: staff, Me: c.User.ID, Notice: notice,
		CanInvite: staff || (m.Kind != Individual && m.Standing != Withdrawn)})
}

func (h *Handlers) repList(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return h.repListPage(c, http.StatusOK, nil, id)
}

// repAct runs a change from the representatives page: back to the page
// with the error on the form, or on to the page with a notice.
func (h *Handlers) repAct(c *web.Ctx, id int64, done string, act func(f *web.Form) error) error {
	f, err := c.Form()
	if err != nil {
		return err
	}
	if err := act(f); err != nil {
		if code := errs.CodeOf(err); code == errs.Internal || code == errs.NotFound {
			return err
		}
		return h.repListPage(c, c.Fail(f, err), f, id)
	}
	return c.Redirect(fmt.Sprintf("/members/manage/%d/representatives?done=%s", id, done))
}

func (h *Handlers) repInvite(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return h.repAct(c, id, "invited", func(f *web.Form) error {
		return h.Store.Invite(c.Context(), c.User, id, f.Get("email"), c.Lang)
	})
}

func userPathID(c *web.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.R.PathValue("user"), 10, 64)
	if err != nil || id <= 0 {
		return 0, web.NotFound()
	}
	return id, nil
}

func (h *Handlers) repRemove(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	uid, err := userPathID(c)
	if err != nil {
		return err
	}
	return h.repAct(c, id, "removed", func(*web.Form) error {
		return h.Store.RemoveRepresentative(c.Context(), c.User, id, uid)
	})
}

func (h *Handlers) repHandOver(c *web.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	uid, err := userPathID(c)
	if err != nil {
		return err
	}
	return h.repAct(c, id, "handed_over", func(*web.Form) error {
		return h.Store.HandOver(c.Context(), c.User, id, uid)
	})
}

type invitationData struct {
	Invitation *Invitation // nil when the token cannot be accepted
	Token      string
	Already    bool   // the signed-in account already represents the member
	LoginURL   string // sign in and come back here
}

func (h *Handlers) invitationView(c *web.Ctx, status int, f *web.Form, token string) error {
	d := invitationData{Token: token,
		LoginURL: "/login?next=" + url.QueryEscape("/members/invitations/accept?token="+url.QueryEscape(token))}
	inv, err := h.Store.InvitationByToken(c.Context(), token)
	switch {
	case errs.CodeOf(err) == errs.Invalid:
		if status == http.StatusOK {
			status = http.StatusNotFound
		}
	case err != nil:
		return err
	default:
		d.Invitation = inv
		if c.User != nil {
			if _, d.Already, err = h.Store.Represents(c.Context(), c.User.ID, inv.MemberID); err != nil {
				return err
			}
		}
	}
	return c.RenderForm(status, "members/invitation", f, d)
}

func (h *Handlers) invitationPage(c *web.Ctx) error {
	return h.invitationView(c, http.StatusOK, nil, c.R.URL.Query().Get("token"))
}

func (h *Handlers) invitationAccept(c *web.Ctx) error {
	f, err := c.Form()
	if err != nil {
		return err
	}
	id, err := h.Store.Accept(c.Context(), c.User, f.Get("token"))
	if err != nil {
		if errs.CodeOf(err) == errs.Internal {
			return err
		}
		return h.invitationView(c, c.Fail(f, err), f, f.Get("token"))
	}
	return c.Redirect(fmt.Sprintf("/members/manage/%d?done=welcome", id))
}
