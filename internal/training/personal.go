package training

import (
	"context"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/db"
)

// Personal is the training part of a person's data (auth.PersonalData):
// their applications and certificates.
type Personal struct{ Store *Store }

// Area implements auth.PersonalData.
func (Personal) Area() string { return "training" }

// personalExport is what training holds about a person.
type personalExport struct {
	Applications []ApplicationJSON `json:"applications"`
	Certificates []CheckJSON       `json:"certificates"`
}

// Export implements auth.PersonalData.
func (p Personal) Export(ctx context.Context, u *actor.Actor) (any, error) {
	out := personalExport{Applications: []ApplicationJSON{}, Certificates: []CheckJSON{}}
	apps, err := p.Store.Mine(ctx, u)
	if err != nil {
		return nil, err
	}
	for _, a := range apps {
		out.Applications = append(out.Applications, applicationJSON(a, a.Programme.Slug))
	}
	certs, err := p.Store.MyCertificates(ctx, u)
	if err != nil {
		return nil, err
	}
	for _, c := range certs {
		out.Certificates = append(out.Certificates, CheckJSON{Valid: c.RevokedAt == nil, Code: c.Code, Holder: c.Holder,
			Programme: c.Programme.Title.For("en"), IssuedOn: c.IssuedOn, Revoked: c.RevokedAt != nil, Reason: c.Reason})
	}
	return out, nil
}

// Summary implements auth.PersonalData. The account page has no section
// for training yet (auth.ItemKinds): the applications page lists them.
func (Personal) Summary(context.Context, *actor.Actor, string) ([]auth.Item, error) { return nil, nil }

// Erase implements auth.PersonalData: applications are kept for the
// reach statistics with no name and no answers; certificates are
// withdrawn (their signed PDFs still verify offline, but the server no
// longer knows them); the person teaches and reviews no more.
func (Personal) Erase(ctx context.Context, tx *db.Tx, u *actor.Actor) error {
	for _, q := range []string{
		"-- training.Erase certificates\nDELETE FROM training_certificates WHERE user_id = ?",
		"-- training.Erase applications\nUPDATE training_applications SET name = '', name_native = '', answers = '{}' WHERE user_id = ?",
		"-- training.Erase trainers\nDELETE FROM training_trainers WHERE user_id = ?",
		"-- training.Erase reviewers\nDELETE FROM training_reviewers WHERE user_id = ?",
	} {
		if _, err := tx.Exec(ctx, q, u.ID); err != nil {
			return err
		}
	}
	return nil
}
