package documents

// Votes at the annual meeting: the secretariat opens a vote on a
// resolution or a document version for a period, with options (for,
// against, abstain by default) and a quorum. Each active member casts one
// ballot through a representative and may change it until the close (the
// (vote, member) primary key decides between two representatives acting
// at the same instant). Nothing of the count leaves the store before the
// close: Results refuses, and no page, export, search entry or audit
// entry holds a choice. After the close the results show the turnout and
// whether the quorum was met; who voted what is shown to the secretariat
// only, unless the vote was declared open.

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/audit"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/members"
	"github.com/wuzhen/wuzhen/internal/pagecache"
)

// DefaultOptions are a vote's options when none are given; the catalog
// names them (consultation.vote.option.CODE). Stored, do not rename.
var DefaultOptions = []string{"for", "against", "abstain"}

const (
	maxOptions   = 10
	maxOptionLen = 100
)

// Vote is a vote of the member organisations.
type Vote struct {
	ID            int64
	Title         Text
	DocumentID    int64 // 0 for a resolution without a document
	DocumentSlug  string
	VersionID     int64
	VersionNumber int
	Options       []string
	OpensAt       time.Time
	ClosesAt      time.Time
	Timezone      string
	Quorum        int
	Eligible      int // active members when the vote was created
	Open          bool
	Created       time.Time
}

// State is "upcoming", "open" or "closed" at now.
func (v *Vote) State(now time.Time) string {
	switch {
	case now.Before(v.OpensAt):
		return "upcoming"
	case now.Before(v.ClosesAt):
		return "open"
	}
	return "closed"
}

// Closed reports whether the vote has closed at now.
func (v *Vote) Closed(now time.Time) bool { return !now.Before(v.ClosesAt) }

// Standard reports whether option is one of DefaultOptions (named by the
// catalog) rather than text of the secretariat's.
func Standard(option string) bool { return slices.Contains(DefaultOptions, option) }

// VoteInput is a new vote.
type VoteInput struct {
	Title    Text
	Document string // slug, "" for a resolution of its own
	Version  int    // with Document: the version voted on
	Options  []string
	OpensAt  time.Time
	ClosesAt time.Time
	Timezone string
	Quorum   int
	Open     bool
}

// CreateVote opens a vote, for the secretariat. Invalid at "title",
// "document", "version", "options" (2 to 10 distinct, at most 100
// characters each), "opens_at", "closes_at", "timezone", "quorum" (0 to
// the number of active members). Audited.
func (s *Store) CreateVote(ctx context.Context, by *actor.Actor, in VoteInput) (*Vote, error) {
	trimText(&in.Title)
	if in.Timezone == "" {
		in.Timezone = "UTC"
	}
	if len(in.Options) == 0 {
		in.Options = slices.Clone(DefaultOptions)
	}
	var fe errs.Fields
	if in.Title.Empty() {
		fe.Add("title", "documents.title_required")
	} else if textTooLong(in.Title, maxTitle) {
		fe.Add("title", "documents.too_long", maxTitle)
	}
	lineText(&fe, "title", in.Title)
	opts := make([]string, 0, len(in.Options))
	for _, o := range in.Options {
		o = strings.TrimSpace(o)
		if o == "" || utf8.RuneCountInString(o) > maxOptionLen || slices.Contains(opts, o) || !errs.OneLine(o) {
			fe.Add("options", "consultation.vote.options_invalid", maxOptions, maxOptionLen)
			break
		}
		opts = append(opts, o)
	}
	if len(in.Options) < 2 || len(in.Options) > maxOptions {
		fe.Add("options", "consultation.vote.options_invalid", maxOptions, maxOptionLen)
	}
	if in.OpensAt.IsZero() {
		fe.Add("opens_at", "consultation.time_required")
	}
	if in.ClosesAt.IsZero() {
		fe.Add("closes_at", "consultation.time_required")
	} else if !in.ClosesAt.After(in.OpensAt) {
		fe.Add("closes_at", "consultation.closes_before_opens")
	} else if in.ClosesAt.Sub(in.OpensAt) > maxWindow {
		fe.Add("closes_at", "consultation.window_too_long")
	}
	if !validZone(in.Timezone) {
		fe.Add("timezone", "consultation.timezone_invalid")
	}
	if in.Document == "" && in.Version != 0 {
		fe.Add("document", "consultation.vote.document_required")
	}
	eligible := 0
	if s.Members != nil {
		_, counts, _, err := s.Members.Memberships(ctx, members.MembershipFilter{}, 1, 0)
		if err != nil {
			return nil, err
		}
		eligible = counts[members.Active]
	}
	if in.Quorum < 0 || in.Quorum > eligible {
		fe.Add("quorum", "consultation.vote.quorum_invalid", eligible)
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	v := &Vote{Title: in.Title, Options: opts, OpensAt: in.OpensAt.UTC(), ClosesAt: in.ClosesAt.UTC(), Timezone: in.Timezone,
		Quorum: in.Quorum, Eligible: eligible, Open: in.Open}
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		var docID, verID any
		if in.Document != "" {
			d, err := s.document(ctx, tx, "slug = ?", in.Document)
			if errs.CodeOf(err) == errs.NotFound {
				var fe errs.Fields
				fe.Add("document", "consultation.vote.document_missing")
				return fe.Err()
			}
			if err != nil {
				return err
			}
			v.DocumentID, v.DocumentSlug, docID = d.ID, d.Slug, d.ID
			if in.Version != 0 {
				if err := tx.QueryRow(ctx, `-- documents.CreateVote
					SELECT id FROM document_versions WHERE document_id = ? AND number = ?`, d.ID, in.Version).Scan(&v.VersionID); db.IsNotFound(err) {
					var fe errs.Fields
					fe.Add("version", "consultation.version_missing")
					return fe.Err()
				} else if err != nil {
					return err
				}
				v.VersionNumber, verID = in.Version, v.VersionID
			}
		}
		v.Created = tx.Now()
		if err := tx.QueryRow(ctx, `-- documents.CreateVote
			INSERT INTO document_votes (title_en, title_zh_hans, title_zh_hant, document_id, version_id, options, opens_at, closes_at,
				timezone, quorum, eligible, is_open, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			v.Title.En, v.Title.Hans, v.Title.Hant, docID, verID, db.JSON(v.Options), v.OpensAt, v.ClosesAt, v.Timezone, v.Quorum,
			v.Eligible, v.Open, by.ID, v.Created).Scan(&v.ID); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "document.vote.create",
			Object: voteObject(v.ID), Details: map[string]any{"closes_at": v.ClosesAt, "quorum": v.Quorum, "open": v.Open}}); err != nil {
			return err
		}
		return pagecache.Bump(ctx, tx)
	})
	if err != nil {
		return nil, fmt.Errorf("documents: create vote: %w", err)
	}
	return v, nil
}

func voteObject(id int64) string { return fmt.Sprintf("document_vote:%d", id) }

const voteColumns = `x.id, x.title_en, x.title_zh_hans, x.title_zh_hant, COALESCE(x.document_id, 0), COALESCE(d.slug, ''),
	COALESCE(x.version_id, 0), COALESCE(v.number, 0), x.options, x.opens_at, x.closes_at, x.timezone, x.quorum, x.eligible,
	x.is_open, x.created_at`

const voteFrom = ` FROM document_votes x LEFT JOIN documents d ON d.id = x.document_id LEFT JOIN document_versions v ON v.id = x.version_id`

func scanVote(r db.Scanner) (*Vote, error) {
	v := &Vote{}
	var opts string
	if err := r.Scan(&v.ID, &v.Title.En, &v.Title.Hans, &v.Title.Hant, &v.DocumentID, &v.DocumentSlug, &v.VersionID, &v.VersionNumber,
		&opts, &v.OpensAt, &v.ClosesAt, &v.Timezone, &v.Quorum, &v.Eligible, &v.Open, &v.Created); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(opts), &v.Options); err != nil {
		return nil, fmt.Errorf("documents: options of vote %d: %w", v.ID, err)
	}
	return v, nil
}

func (s *Store) vote(ctx context.Context, q db.Querier, id int64) (*Vote, error) {
	v, err := scanVote(q.QueryRow(ctx, "-- documents.vote\nSELECT "+voteColumns+voteFrom+" WHERE x.id = ?", id))
	if db.IsNotFound(err) {
		return nil, errs.NotFoundError()
	}
	if err != nil {
		return nil, fmt.Errorf("documents: vote %d: %w", id, err)
	}
	return v, nil
}

// Vote returns vote id, without anything of its count. NotFound when
// there is none.
func (s *Store) Vote(ctx context.Context, id int64) (*Vote, error) { return s.vote(ctx, s.DB, id) }

// Votes lists the votes, the latest closing first.
func (s *Store) Votes(ctx context.Context) ([]*Vote, error) {
	return db.All(ctx, s.DB, "documents: votes", scanVote, "-- documents.Votes\nSELECT "+voteColumns+voteFrom+" ORDER BY x.closes_at DESC, x.id DESC")
}

// Cast records the ballot of the active member that account by represents
// (member, when it represents several) on vote id, or replaces the
// member's ballot: one ballot per member, whichever representative casts
// it, even at the same instant. Forbidden for anyone who does not
// represent an active member; NotFound without the vote; Invalid at
// "option", or with consultation.vote.window_closed (window_upcoming)
// naming the window outside it. Audited without the choice, so that the
// audit log tells nothing of the count.
func (s *Store) Cast(ctx context.Context, by *actor.Actor, id int64, option string, member int64) error {
	if _, err := s.Vote(ctx, id); err != nil {
		return err
	}
	m, err := s.actingMember(ctx, by, member)
	if err != nil {
		return err
	}
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		v, err := s.vote(ctx, tx, id)
		if err != nil {
			return err
		}
		if !slices.Contains(v.Options, option) {
			var fe errs.Fields
			fe.Add("option", "consultation.vote.option_invalid")
			return fe.Err()
		}
		now := tx.Now()
		switch v.State(now) {
		case "upcoming":
			return windowError("consultation.vote.window_upcoming", v.OpensAt, v.ClosesAt, v.Timezone)
		case "closed":
			return windowError("consultation.vote.window_closed", v.OpensAt, v.ClosesAt, v.Timezone)
		}
		if _, err := tx.Exec(ctx, `-- documents.Cast
			INSERT INTO document_ballots (vote_id, member_id, user_id, choice, member_name_en, member_name_zh_hans, member_name_zh_hant,
				stakeholder_group, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (vote_id, member_id) DO UPDATE SET user_id = excluded.user_id, choice = excluded.choice,
				updated_at = excluded.updated_at`,
			v.ID, m.ID, by.ID, option, m.Name.En, m.Name.Hans, m.Name.Hant, m.Group, now, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "document.vote.ballot", Object: voteObject(v.ID),
			Details: map[string]any{"member": m.ID}})
	})
	if err != nil {
		return fmt.Errorf("documents: cast on vote %d: %w", id, err)
	}
	return nil
}

// Ballot is one member's ballot.
type Ballot struct {
	MemberID int64
	Member   Text
	Group    string
	Choice   string
	Updated  time.Time
}

func scanBallot(r db.Scanner) (Ballot, error) {
	var b Ballot
	err := r.Scan(&b.MemberID, &b.Member.En, &b.Member.Hans, &b.Member.Hant, &b.Group, &b.Choice, &b.Updated)
	return b, err
}

const ballotColumns = `member_id, member_name_en, member_name_zh_hans, member_name_zh_hant, stakeholder_group, choice, updated_at`

// OwnBallot returns the ballot member memberID has cast on vote id, for
// the member's representatives (who must see what they may change); nil
// when it has cast none. The caller checks that the reader represents
// the member.
func (s *Store) OwnBallot(ctx context.Context, id, memberID int64) (*Ballot, error) {
	b, err := scanBallot(s.DB.QueryRow(ctx, "-- documents.OwnBallot\nSELECT "+ballotColumns+
		" FROM document_ballots WHERE vote_id = ? AND member_id = ?", id, memberID))
	if db.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("documents: own ballot: %w", err)
	}
	return &b, nil
}

// Results is the count of a closed vote.
type Results struct {
	Vote      *Vote
	Counts    map[string]int // by option, every option present
	Cast      int            // members that voted
	Turnout   float64        // Cast / Vote.Eligible, 0 to 1
	QuorumMet bool
	// Ballots is who voted what, by member name: only for the
	// secretariat, or for everyone when the vote is open.
	Ballots []Ballot
}

// Results returns the results of vote id once it has closed by the
// server's clock; before the close, a Conflict
// (consultation.vote.results_after_close naming the close), for everyone,
// the secretariat included. Who voted what comes with them when the vote
// is open or withBallots (the secretariat).
func (s *Store) Results(ctx context.Context, id int64, withBallots bool) (*Results, error) {
	v, err := s.vote(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	if !v.Closed(s.DB.Now()) {
		return nil, errs.Newf(errs.Conflict, "consultation.vote.results_after_close", i18n.At{T: v.ClosesAt, Loc: zoneOf(v.Timezone)})
	}
	list, err := db.All(ctx, s.DB, "documents: ballots", scanBallot, "-- documents.Results\nSELECT "+ballotColumns+
		" FROM document_ballots WHERE vote_id = ? ORDER BY member_name_en, member_name_zh_hans, member_id", id)
	if err != nil {
		return nil, err
	}
	r := &Results{Vote: v, Counts: map[string]int{}, Cast: len(list)}
	for _, o := range v.Options {
		r.Counts[o] = 0
	}
	for _, b := range list {
		r.Counts[b.Choice]++
	}
	if v.Eligible > 0 {
		r.Turnout = float64(r.Cast) / float64(v.Eligible)
	}
	r.QuorumMet = r.Cast >= v.Quorum
	if v.Open || withBallots {
		r.Ballots = list
	}
	return r, nil
}

// CountOf is the count of option, for templates.
func (r *Results) CountOf(option string) int { return r.Counts[option] }

// TurnoutPercent is the turnout in whole percent, for display.
func (r *Results) TurnoutPercent() int { return int(r.Turnout*100 + 0.5) }
