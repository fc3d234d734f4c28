package events

import (
	"context"
	"strings"
	"testing"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/db/dbtest"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/members"
)

// TestInvitations: an invitation holds seats out of the category; its
// guests are confirmed even when everyone else is waitlisted, never past
// capacity; revoking gives the unused seats to the waitlist.
func TestInvitations(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		f.event("gala", 3, Manual)
		if _, err := f.s.CreateInvitation(ctx, f.staff, "gala", "delegate", 4, "Ministers"); !fieldsOf(err)["seats"] {
			t.Fatalf("an invitation larger than the free seats: %v", err)
		}
		code, err := f.s.CreateInvitation(ctx, f.staff, "gala", "delegate", 2, "Ministers")
		if err != nil {
			t.Fatal(err)
		}
		// One seat is left for everyone else: approve one, the next waits.
		a, b := f.person("a@example.org", "A"), f.person("b@example.org", "B")
		ra, _ := f.s.Register(ctx, a, "gala", "delegate", answers("FR"))
		rb, _ := f.s.Register(ctx, b, "gala", "delegate", answers("FR"))
		if r, _ := f.s.Decide(ctx, f.staff, ra.ID, true); r.Status != Confirmed {
			t.Fatalf("first approval: %s", r.Status)
		}
		if r, _ := f.s.Decide(ctx, f.staff, rb.ID, true); r.Status != Waitlisted {
			t.Fatalf("second approval past the free seats: %s", r.Status)
		}
		// A guest with the code, typed loosely, skips approval and the waitlist.
		g := f.person("minister@example.org", "Minister")
		rg, err := f.s.RegisterInvited(ctx, g, "gala", "delegate", answers("SN"), " "+strings.ToLower(code)+" ")
		if err != nil || rg.Status != Confirmed {
			t.Fatalf("invited guest: %+v %v", rg, err)
		}
		if _, err := f.s.RegisterInvited(ctx, f.person("x@example.org", "X"), "gala", "delegate", answers("SN"), "WZ-NOPE-NOPE-NOPE"); !fieldsOf(err)["invitation"] {
			t.Fatalf("a wrong code: %v", err)
		}
		invs, _ := f.s.Invitations(ctx, rg.EventID)
		if len(invs) != 1 || invs[0].Used != 1 || invs[0].Remaining() != 1 {
			t.Fatalf("invitations %+v", invs)
		}
		// Revoking gives the unused seat to the first on the waitlist.
		if _, err := f.s.RevokeInvitation(ctx, f.staff, invs[0].ID); err != nil {
			t.Fatal(err)
		}
		if r, _ := f.s.Registration(ctx, rb.ID, b.ID, false); r.Status != Confirmed {
			t.Fatalf("the waitlist did not get the revoked seat: %s", r.Status)
		}
		if _, err := f.s.RegisterInvited(ctx, f.person("y@example.org", "Y"), "gala", "delegate", answers("SN"), code); !fieldsOf(err)["invitation"] {
			t.Fatalf("a revoked code: %v", err)
		}
		st, _ := f.s.Stats(ctx, rg.EventID)
		if st.Confirmed != 3 {
			t.Fatalf("%d confirmed for 3 seats", st.Confirmed)
		}
	})
}

// TestDelegations: a member's representative registers named people up to
// the quota; nobody past it.
func TestDelegations(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		f.s.Members = &members.Store{DB: d}
		m := &members.Member{Kind: members.Organization, Name: members.Names{En: "Kenya ICT Action Network"}, Group: members.CivilSociety, Country: "KE", JoinedOn: "2020-01-01"}
		if err := f.s.Members.Add(ctx, &actor.Actor{Email: "sec@example.org"}, m); err != nil {
			t.Fatal(err)
		}
		f.event("forum", 100, Auto)
		if err := f.s.SetQuota(ctx, f.staff, "forum", 999, "delegate", 2); !fieldsOf(err)["member"] {
			t.Fatalf("quota for no member: %v", err)
		}
		if err := f.s.SetQuota(ctx, f.staff, "forum", m.ID, "delegate", 2); err != nil {
			t.Fatal(err)
		}
		rep := f.person("rep@example.org", "Rep")
		for i, name := range []string{"Grace Mwangi", "Тимур Ахметов"} {
			r, err := f.s.RegisterDelegate(ctx, rep, "forum", m.ID, Delegate{Email: "", Answers: Answers{"name": name, "country": "KE"}})
			if err != nil || r.Status != Confirmed || r.DelegationMemberID != m.ID {
				t.Fatalf("delegate %d: %+v %v", i, r, err)
			}
		}
		_, err := f.s.RegisterDelegate(ctx, rep, "forum", m.ID, Delegate{Answers: Answers{"name": "Third", "country": "KE"}})
		if e, ok := errs.As(err); !ok || e.Code != errs.Conflict || e.Key != "events.quota_reached" {
			t.Fatalf("past the quota: %v", err)
		}
		if err := f.s.SetQuota(ctx, f.staff, "forum", m.ID, "delegate", 1); !fieldsOf(err)["quota"] {
			t.Fatalf("quota below the people registered: %v", err)
		}
		del, people, err := f.s.Delegation(ctx, "forum", m.ID)
		if err != nil || del.Used != 2 || len(people) != 2 || people[1].Name != "Тимур Ахметов" || del.MemberName.En != "Kenya ICT Action Network" {
			t.Fatalf("delegation %+v %v %v", del, people, err)
		}
		_ = i18n.En
	})
}
