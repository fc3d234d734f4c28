package documents

import (
	"context"
	"fmt"
	"time"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/db"
)

// Personal is the documents part of a person's data (auth.PersonalData):
// their comments, replies and amendments in consultations, and the
// endorsements and ballots they gave for a member.
type Personal struct{ Store *Store }

// Area implements auth.PersonalData.
func (Personal) Area() string { return "documents" }

// personalComment is one of a person's comments, as the download gives it.
type personalComment struct {
	ID           int64     `json:"id"`
	Document     string    `json:"document"`
	Version      int       `json:"version"`
	Paragraph    int       `json:"paragraph"`
	Name         string    `json:"name"`
	Organisation string    `json:"organisation"`
	Country      string    `json:"country"`
	Group        string    `json:"stakeholder_group"`
	Body         string    `json:"body"`
	Amendment    *string   `json:"amendment,omitempty"`
	Decision     string    `json:"decision,omitempty"`
	Hidden       bool      `json:"hidden"`
	Created      time.Time `json:"created_at"`
}

// personalAct is an endorsement or a ballot the person gave for a member.
type personalAct struct {
	Member   int64     `json:"member"`
	Document string    `json:"document,omitempty"`
	Version  int       `json:"version,omitempty"`
	Vote     int64     `json:"vote,omitempty"`
	Choice   string    `json:"choice"`
	At       time.Time `json:"at,omitzero"`
}

type personalExport struct {
	Comments     []personalComment `json:"comments"`
	Endorsements []personalAct     `json:"endorsements"`
	Ballots      []personalAct     `json:"ballots"`
}

// Export implements auth.PersonalData.
func (p Personal) Export(ctx context.Context, u *actor.Actor) (any, error) {
	out := personalExport{Comments: []personalComment{}, Endorsements: []personalAct{}, Ballots: []personalAct{}}
	rows, err := p.Store.DB.Query(ctx, `-- documents.Personal.Export comments
		SELECT c.id, d.slug, v.number, c.pid, c.author_name, c.organisation, c.country, c.stakeholder_group, c.body, c.amendment,
			c.decision, c.hidden_at IS NOT NULL, c.created_at
		FROM document_comments c JOIN document_consultations k ON k.id = c.consultation_id
		JOIN document_versions v ON v.id = k.version_id JOIN documents d ON d.id = k.document_id
		WHERE c.user_id = ? ORDER BY c.id`, u.ID)
	if err != nil {
		return nil, fmt.Errorf("documents: personal data: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c personalComment
		if err := rows.Scan(&c.ID, &c.Document, &c.Version, &c.Paragraph, &c.Name, &c.Organisation, &c.Country, &c.Group,
			&c.Body, &c.Amendment, &c.Decision, &c.Hidden, &c.Created); err != nil {
			return nil, fmt.Errorf("documents: personal data: %w", err)
		}
		out.Comments = append(out.Comments, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("documents: personal data: %w", err)
	}
	acts, err := p.Store.DB.Query(ctx, `-- documents.Personal.Export endorsements
		SELECT e.member_id, d.slug, v.number, e.decision, e.created_at FROM document_endorsements e
		JOIN documents d ON d.id = e.document_id JOIN document_versions v ON v.id = e.version_id
		WHERE e.user_id = ? ORDER BY e.id`, u.ID)
	if err != nil {
		return nil, fmt.Errorf("documents: personal data: %w", err)
	}
	defer acts.Close()
	for acts.Next() {
		var a personalAct
		if err := acts.Scan(&a.Member, &a.Document, &a.Version, &a.Choice, &a.At); err != nil {
			return nil, fmt.Errorf("documents: personal data: %w", err)
		}
		out.Endorsements = append(out.Endorsements, a)
	}
	if err := acts.Err(); err != nil {
		return nil, fmt.Errorf("documents: personal data: %w", err)
	}
	ballots, err := p.Store.DB.Query(ctx, `-- documents.Personal.Export ballots
		SELECT member_id, vote_id, choice FROM document_ballots WHERE user_id = ? ORDER BY vote_id`, u.ID)
	if err != nil {
		return nil, fmt.Errorf("documents: personal data: %w", err)
	}
	defer ballots.Close()
	for ballots.Next() {
		var a personalAct
		if err := ballots.Scan(&a.Member, &a.Vote, &a.Choice); err != nil {
			return nil, fmt.Errorf("documents: personal data: %w", err)
		}
		out.Ballots = append(out.Ballots, a)
	}
	return out, ballots.Err()
}

// Summary implements auth.PersonalData: comments have no section of the
// account page.
func (Personal) Summary(context.Context, *actor.Actor, string) ([]auth.Item, error) { return nil, nil }

// Erase implements auth.PersonalData: comments stay in the consultation's
// record without the commenter's name and organisation, and version notes
// that credit the person for an amendment no longer name them. Endorsements
// and ballots are the member's, and name nobody.
func (p Personal) Erase(ctx context.Context, tx *db.Tx, u *actor.Actor) error {
	if _, err := tx.Exec(ctx, `-- documents.Personal.Erase comments
		UPDATE document_comments SET author_name = '', organisation = '' WHERE user_id = ?`, u.ID); err != nil {
		return fmt.Errorf("documents: erase: %w", err)
	}
	if u.Name == "" {
		return nil
	}
	if _, err := tx.Exec(ctx, `-- documents.Personal.Erase credits
		UPDATE document_versions SET note = REPLACE(note, ?, '-') WHERE note LIKE '%' || ? || '%'`, u.Name, u.Name); err != nil {
		return fmt.Errorf("documents: erase: %w", err)
	}
	return nil
}
