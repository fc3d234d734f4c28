package calls

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/zh"
)

// Personal is the calls part of a person's data (auth.PersonalData): the
// submissions they wrote or co-wrote and the reviews assigned to them.
type Personal struct{ Store *Store }

// Area implements auth.PersonalData.
func (Personal) Area() string { return "calls" }

// personalExport is what the calls capability holds about a person.
type personalExport struct {
	Submissions []*Submission `json:"submissions"`
	Reviews     []QueueItem   `json:"reviews"`
}

// Export implements auth.PersonalData.
func (p Personal) Export(ctx context.Context, u *actor.Actor) (any, error) {
	mine, err := p.Store.Mine(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	out := personalExport{Submissions: []*Submission{}, Reviews: []QueueItem{}}
	for _, m := range mine {
		out.Submissions = append(out.Submissions, m.Submission)
	}
	reviews, err := p.Store.MyReviews(ctx, u.ID, "en")
	if err != nil {
		return nil, err
	}
	out.Reviews = append(out.Reviews, reviews...)
	return out, nil
}

// Summary implements auth.PersonalData: submissions, then reviews.
func (p Personal) Summary(ctx context.Context, u *actor.Actor, lang string) ([]auth.Item, error) {
	mine, err := p.Store.Mine(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	var out []auth.Item
	for _, m := range mine {
		out = append(out, auth.Item{Kind: auth.ItemSubmission, Title: zh.ForLang(lang, m.Title.For(lang)),
			Status: "calls.status." + string(m.Status), Path: fmt.Sprintf("/submissions/%d", m.ID),
			AdminPath: fmt.Sprintf("/admin/submissions/%d", m.ID)})
	}
	reviews, err := p.Store.MyReviews(ctx, u.ID, lang)
	if err != nil {
		return nil, err
	}
	for _, r := range reviews {
		out = append(out, auth.Item{Kind: auth.ItemReview, Title: zh.ForLang(lang, r.Title),
			Status: "calls.review_status." + string(r.Status), Path: fmt.Sprintf("/reviews/%d", r.ID)})
	}
	return out, nil
}

// Erase implements auth.PersonalData: draft submissions go; submitted
// ones stay (they are the organisations' cases, ranked and perhaps
// published) with the person's author entry emptied; reviewer entries are
// emptied likewise, their reviews kept for the rankings; a proposal's
// speaker entries no longer name them.
func (p Personal) Erase(ctx context.Context, tx *db.Tx, u *actor.Actor) error {
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{"-- calls.Erase drafts\nDELETE FROM call_submissions WHERE submitter_id = ? AND status = 'draft'", []any{u.ID}},
		{`-- calls.Erase authors
			UPDATE call_authors SET email = 'deleted-' || id || '@author.invalid', name = '', organization = '', user_id = NULL, token_hash = NULL
			WHERE user_id = ? OR email = ?`, []any{u.ID, u.Email}},
		{`-- calls.Erase reviewers
			UPDATE call_reviewers SET email = 'deleted-' || id || '@reviewer.invalid', name = '', organization = '', user_id = NULL, token_hash = NULL
			WHERE user_id = ? OR email = ?`, []any{u.ID, u.Email}},
	} {
		if _, err := tx.Exec(ctx, q.sql, q.args...); err != nil {
			return err
		}
	}
	if u.Name == "" {
		return nil
	}
	// Speakers are kept as JSON: the person's name as a whole value.
	name, _ := json.Marshal(u.Name)
	_, err := tx.Exec(ctx, `-- calls.Erase speakers
		UPDATE call_submissions SET speakers = REPLACE(speakers, ?, '""') WHERE submitter_id = ? AND speakers LIKE ?`,
		string(name), u.ID, "%"+string(name)+"%")
	return err
}
