package documents

// Endorsements: the secretariat asks the member organisations to endorse
// a version (mail to the representatives of every active member); each
// active member speaks once per version, through one of its
// representatives: endorse or decline, with an optional statement. The
// endorsement is tied to the exact version and its content hash; a new
// version needs new endorsements. The unique (version, member) constraint
// decides between two representatives acting at the same instant.

import (
	"context"
	"fmt"
	"slices"
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
	"github.com/wuzhen/wuzhen/internal/members"
	"github.com/wuzhen/wuzhen/internal/pagecache"
)

// The decisions of an endorsement. Stored, do not rename.
const (
	Endorse = "endorse"
	Decline = "decline"
)

const maxStatement = 2000

// Endorsement is one member's word on one version.
type Endorsement struct {
	ID        int64
	VersionID int64
	MemberID  int64
	UserID    int64
	Decision  string
	Statement string
	Member    Text // the member's name then
	Country   string
	Continent string
	Group     string
	Created   time.Time
}

// actingMember returns the active member that account by acts for:
// member, when given, must be one it represents (Forbidden otherwise);
// without, the one active member it represents (Invalid at "member" when
// it represents several). Forbidden when it represents no active member.
func (s *Store) actingMember(ctx context.Context, by *actor.Actor, member int64) (*members.ManagedMember, error) {
	if !by.Signed() {
		return nil, errs.New(errs.Unauthorized, "error.unauthorized")
	}
	if s.Members == nil {
		return nil, errs.New(errs.Forbidden, "consultation.representatives_only")
	}
	list, err := s.Members.Represented(ctx, by.ID)
	if err != nil {
		return nil, err
	}
	list = slices.DeleteFunc(list, func(m *members.ManagedMember) bool { return m.Standing != members.Active })
	switch {
	case len(list) == 0:
		return nil, errs.New(errs.Forbidden, "consultation.representatives_only")
	case member != 0:
		i := slices.IndexFunc(list, func(m *members.ManagedMember) bool { return m.ID == member })
		if i < 0 {
			return nil, errs.New(errs.Forbidden, "consultation.representatives_only")
		}
		return list[i], nil
	case len(list) > 1:
		var fe errs.Fields
		fe.Add("member", "consultation.member_required")
		return nil, fe.Err()
	}
	return list[0], nil
}

// ActiveRepresented returns the active members account userID represents.
func (s *Store) ActiveRepresented(ctx context.Context, userID int64) ([]*members.ManagedMember, error) {
	if s.Members == nil || userID == 0 {
		return nil, nil
	}
	list, err := s.Members.Represented(ctx, userID)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(list, func(m *members.ManagedMember) bool { return m.Standing != members.Active }), nil
}

// EndorsementAsked reports whether the secretariat has asked the members
// to endorse version versionID, and when.
func (s *Store) EndorsementAsked(ctx context.Context, versionID int64) (*time.Time, error) {
	var at time.Time
	err := s.DB.QueryRow(ctx, `-- documents.EndorsementAsked
		SELECT created_at FROM document_endorsement_requests WHERE version_id = ?`, versionID).Scan(&at)
	if db.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("documents: endorsement asked: %w", err)
	}
	return &at, nil
}

// AskEndorsement asks the active member organisations to endorse version
// number of document slug, for the secretariat: the version takes
// endorsements from then on, and every representative of an active member
// is mailed (in their language, through the outbox, in the same
// transaction). Only a source-language version is endorsed (Invalid at
// "version"); asking twice is a Conflict. Audited. It returns the number
// of mails sent.
func (s *Store) AskEndorsement(ctx context.Context, by *actor.Actor, slug string, number int, baseURL string) (int, error) {
	d, v, err := s.Version(ctx, slug, number)
	if err != nil {
		return 0, err
	}
	if v.Lang != d.SourceLang {
		var fe errs.Fields
		fe.Add("version", "consultation.endorse_source_only")
		return 0, fe.Err()
	}
	type recipient struct{ to, lang string }
	var to []recipient
	if s.Members != nil {
		for offset := 0; ; offset += 500 {
			list, _, _, err := s.Members.Memberships(ctx, members.MembershipFilter{Standing: members.Active}, 500, offset)
			if err != nil {
				return 0, err
			}
			for _, m := range list {
				reps, err := s.Members.Representatives(ctx, m.ID)
				if err != nil {
					return 0, err
				}
				for _, r := range reps {
					if r.Email == "" {
						continue
					}
					lang := i18n.En
					if u, err := auth.Lookup(ctx, s.DB, r.UserID); err == nil && slices.Contains(i18n.Langs, u.Locale) {
						lang = u.Locale
					}
					to = append(to, recipient{r.Email, lang})
				}
			}
			if len(list) < 500 {
				break
			}
		}
	}
	link := strings.TrimRight(baseURL, "/") + "/documents/" + d.Slug + "/endorse"
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, `-- documents.AskEndorsement
			INSERT INTO document_endorsement_requests (document_id, version_id, asked_by, recipients, created_at) VALUES (?, ?, ?, ?, ?)`,
			d.ID, v.ID, by.ID, len(to), tx.Now())
		if db.IsUnique(err) {
			return errs.New(errs.Conflict, "consultation.endorse_asked")
		}
		if err != nil {
			return err
		}
		for _, r := range to {
			p := i18n.For(r.lang)
			title := firstOf(d.Title.For(r.lang), d.Slug)
			if _, err := mail.Send(ctx, tx, mail.Message{To: r.to, Subject: p.T("consultation.mail.endorse_subject", title),
				Text: p.T("consultation.mail.endorse_body", title, v.Number, v.Hash, link)}); err != nil {
				return err
			}
		}
		if err := audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "document.endorsement.ask",
			Object: documentObject(d.ID), Details: map[string]any{"version": v.Number, "hash": v.Hash, "recipients": len(to)}}); err != nil {
			return err
		}
		return pagecache.Bump(ctx, tx)
	})
	if err != nil {
		return 0, fmt.Errorf("documents: ask to endorse %s: %w", slug, err)
	}
	return len(to), nil
}

// EndorseInput is a member's word on a version.
type EndorseInput struct {
	Version   int
	Decision  string // endorse or decline
	Statement string
	Member    int64 // the member spoken for; 0 when the account represents one active member
}

// Endorse records the endorsement (or the refusal) of version in.Version
// of document slug by the active member account by represents. NotFound
// without the document (before anything else); Forbidden
// for anyone who does not represent an active member; Invalid at
// "version" (none, or not asked to endorse), "decision", "statement",
// "member"; Conflict when the member has already spoken on the version,
// even when two of its representatives act at the same instant (the
// unique constraint decides). Audited; the public page shows it at once.
func (s *Store) Endorse(ctx context.Context, by *actor.Actor, slug string, in EndorseInput) (*Endorsement, error) {
	if _, err := s.Document(ctx, slug); err != nil {
		return nil, err
	}
	m, err := s.actingMember(ctx, by, in.Member)
	if err != nil {
		return nil, err
	}
	in.Statement = strings.TrimSpace(in.Statement)
	var fe errs.Fields
	if in.Version <= 0 {
		fe.Add("version", "documents.version_required")
	}
	if in.Decision != Endorse && in.Decision != Decline {
		fe.Add("decision", "consultation.endorse_decision_invalid")
	}
	if utf8.RuneCountInString(in.Statement) > maxStatement {
		fe.Add("statement", "documents.too_long", maxStatement)
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	e := &Endorsement{MemberID: m.ID, UserID: by.ID, Decision: in.Decision, Statement: in.Statement, Member: m.Name,
		Country: m.Country, Continent: string(m.Continent), Group: string(m.Group)}
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		d, err := s.document(ctx, tx, "slug = ?", slug)
		if err != nil {
			return err
		}
		var asked int
		if err := tx.QueryRow(ctx, `-- documents.Endorse
			SELECT v.id, (SELECT COUNT(*) FROM document_endorsement_requests r WHERE r.version_id = v.id)
			FROM document_versions v WHERE v.document_id = ? AND v.number = ?`, d.ID, in.Version).Scan(&e.VersionID, &asked); db.IsNotFound(err) {
			var fe errs.Fields
			fe.Add("version", "consultation.version_missing")
			return fe.Err()
		} else if err != nil {
			return err
		}
		if asked == 0 {
			var fe errs.Fields
			fe.Add("version", "consultation.endorse_not_asked")
			return fe.Err()
		}
		e.Created = tx.Now()
		err = tx.QueryRow(ctx, `-- documents.Endorse
			INSERT INTO document_endorsements (document_id, version_id, member_id, user_id, decision, statement, member_name_en,
				member_name_zh_hans, member_name_zh_hant, country, continent, stakeholder_group, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			d.ID, e.VersionID, e.MemberID, e.UserID, e.Decision, e.Statement, e.Member.En, e.Member.Hans, e.Member.Hant, e.Country,
			e.Continent, e.Group, e.Created).Scan(&e.ID)
		if db.IsUnique(err) {
			return errs.New(errs.Conflict, "consultation.endorse_twice")
		}
		if err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Actor: by.Email, Action: "document.endorsement." + e.Decision,
			Object: documentObject(d.ID), Details: map[string]any{"version": in.Version, "member": m.ID}}); err != nil {
			return err
		}
		return pagecache.Bump(ctx, tx)
	})
	if err != nil {
		return nil, fmt.Errorf("documents: endorse %s: %w", slug, err)
	}
	return e, nil
}

const endorsementColumns = `id, version_id, member_id, user_id, decision, statement, member_name_en, member_name_zh_hans,
	member_name_zh_hant, country, continent, stakeholder_group, created_at`

func scanEndorsement(r db.Scanner) (*Endorsement, error) {
	e := &Endorsement{}
	err := r.Scan(&e.ID, &e.VersionID, &e.MemberID, &e.UserID, &e.Decision, &e.Statement, &e.Member.En, &e.Member.Hans,
		&e.Member.Hant, &e.Country, &e.Continent, &e.Group, &e.Created)
	return e, err
}

// EndorsementList returns every word of the members on version versionID,
// endorsements and refusals, in order: for the secretariat and for a
// member's own answer.
func (s *Store) EndorsementList(ctx context.Context, versionID int64) ([]*Endorsement, error) {
	return db.All(ctx, s.DB, "documents: endorsements", scanEndorsement, "-- documents.EndorsementList\nSELECT "+endorsementColumns+
		" FROM document_endorsements WHERE version_id = ? ORDER BY id", versionID)
}

// EndorsementsOf returns the endorsements of the version with row id
// versionID: the tally (count, by stakeholder group, by continent) that
// GET /api/v1/documents/{slug} answers, and the endorsing members the
// public page lists, by name. Refusals are not counted nor listed. Anyone
// may call it; it reveals only what the public page shows.
func (s *Store) EndorsementsOf(ctx context.Context, versionID int64) (Endorsements, error) {
	out := Endorsements{ByStakeholderGroup: map[string]int{}, ByContinent: map[string]int{}}
	list, err := db.All(ctx, s.DB, "documents: endorsements", scanEndorsement, "-- documents.EndorsementsOf\nSELECT "+endorsementColumns+
		" FROM document_endorsements WHERE version_id = ? AND decision = 'endorse' ORDER BY id", versionID)
	if err != nil {
		return out, fmt.Errorf("documents: endorsements of %d: %w", versionID, err)
	}
	for _, e := range list {
		out.Count++
		out.ByStakeholderGroup[e.Group]++
		out.ByContinent[e.Continent]++
		out.Endorsers = append(out.Endorsers, Endorser{Name: e.Member, Country: e.Country, Group: e.Group, Statement: e.Statement})
	}
	slices.SortStableFunc(out.Endorsers, func(a, b Endorser) int {
		return strings.Compare(strings.ToLower(firstOf(a.Name.En, a.Name.Hans, a.Name.Hant)), strings.ToLower(firstOf(b.Name.En, b.Name.Hans, b.Name.Hant)))
	})
	return out, nil
}

// TallyItem is one line of a tally: a stakeholder group's or continent's
// code and its count.
type TallyItem struct {
	Code string
	N    int
}

func tallyOf(m map[string]int) []TallyItem {
	out := make([]TallyItem, 0, len(m))
	for k, n := range m {
		out = append(out, TallyItem{k, n})
	}
	slices.SortFunc(out, func(a, b TallyItem) int {
		if a.N != b.N {
			return b.N - a.N
		}
		return strings.Compare(a.Code, b.Code)
	})
	return out
}

// Groups is the tally by stakeholder group, the largest first.
func (e Endorsements) Groups() []TallyItem { return tallyOf(e.ByStakeholderGroup) }

// Continents is the tally by continent, the largest first.
func (e Endorsements) Continents() []TallyItem { return tallyOf(e.ByContinent) }
