package members

import (
	"context"
	"fmt"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/zh"
)

// Personal is the members part of a person's data (auth.PersonalData):
// their applications and the members they represent.
type Personal struct{ Store *Store }

// Area implements auth.PersonalData.
func (Personal) Area() string { return "members" }

// personalExport is what the members capability holds about a person.
type personalExport struct {
	Applications []*Application   `json:"applications"`
	Represents   []personalMember `json:"represents"`
}

type personalMember struct {
	ID       int64    `json:"id"`
	Name     Names    `json:"name"`
	Standing Standing `json:"standing"`
}

// Export implements auth.PersonalData.
func (p Personal) Export(ctx context.Context, u *actor.Actor) (any, error) {
	apps, err := p.Store.Mine(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	reps, err := p.Store.Represented(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	out := personalExport{Applications: apps, Represents: []personalMember{}}
	if out.Applications == nil {
		out.Applications = []*Application{}
	}
	for _, m := range reps {
		out.Represents = append(out.Represents, personalMember{ID: m.ID, Name: m.Name, Standing: m.Standing})
	}
	return out, nil
}

// Summary implements auth.PersonalData: the members the person
// represents, then their applications.
func (p Personal) Summary(ctx context.Context, u *actor.Actor, lang string) ([]auth.Item, error) {
	reps, err := p.Store.Represented(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	var out []auth.Item
	for _, m := range reps {
		out = append(out, auth.Item{Kind: auth.ItemOrganisation, Title: zh.ForLang(lang, m.Name.For(lang)),
			Status: "members.standing." + string(m.Standing), Path: fmt.Sprintf("/members/manage/%d", m.ID),
			AdminPath: fmt.Sprintf("/admin/members/%d", m.ID)})
	}
	apps, err := p.Store.Mine(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	for _, a := range apps {
		out = append(out, auth.Item{Kind: auth.ItemOrganisation, Title: zh.ForLang(lang, a.Name.For(lang)),
			Status: "members.status." + string(a.Status), Path: fmt.Sprintf("/members/applications/%d", a.ID),
			AdminPath: fmt.Sprintf("/admin/applications/%d", a.ID)})
	}
	return out, nil
}

// Erase implements auth.PersonalData: drafts go; decided and pending
// applications stay for the organisation's record without the person's
// contact details (and, for an individual's application, without the
// name); comments stay without the author's name; the person no longer
// represents any member, and invitations and contact addresses naming
// them are emptied.
func (p Personal) Erase(ctx context.Context, tx *db.Tx, u *actor.Actor) error {
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{"-- members.Erase drafts\nDELETE FROM membership_applications WHERE applicant_id = ? AND status = 'draft'", []any{u.ID}},
		{`-- members.Erase individual applications
			UPDATE membership_applications SET name_en = '', name_zh_hans = '', name_zh_hant = '', description = '', motivation = ''
			WHERE applicant_id = ? AND kind = 'individual'`, []any{u.ID}},
		{`-- members.Erase contacts
			UPDATE membership_applications SET contact_name = '', contact_email = '' WHERE applicant_id = ? OR contact_email = ?`,
			[]any{u.ID, u.Email}},
		{"-- members.Erase comments\nUPDATE membership_comments SET author_name = '' WHERE author_id = ?", []any{u.ID}},
		{`-- members.Erase comments naming the applicant
			UPDATE membership_comments SET body = REPLACE(REPLACE(body, ?, '-'), ?, '-')
			WHERE application_id IN (SELECT id FROM membership_applications WHERE applicant_id = ?)`, []any{u.Email, u.Name, u.ID}},
		{`-- members.Erase individual members
			UPDATE members SET name_en = '', name_zh_hans = '', name_zh_hant = '', description_en = '', description_zh_hans = '',
			description_zh_hant = '', search = '', sort_name = '', contact_email = ''
			WHERE kind = 'individual' AND id IN (SELECT member_id FROM member_representatives WHERE user_id = ?)`, []any{u.ID}},
		{"-- members.Erase representatives\nDELETE FROM member_representatives WHERE user_id = ?", []any{u.ID}},
		{"-- members.Erase invitations\nUPDATE member_invitations SET email = '' WHERE email = ?", []any{u.Email}},
		{"-- members.Erase member contacts\nUPDATE members SET contact_email = '' WHERE contact_email = ?", []any{u.Email}},
	} {
		if _, err := tx.Exec(ctx, q.sql, q.args...); err != nil {
			return err
		}
	}
	return nil
}
