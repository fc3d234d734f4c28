package calls

import (
	"context"
	"slices"
	"testing"

	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/db/dbtest"
	"github.com/wuzhen/wuzhen/internal/errs"
)

// TestProposalSpeakers: a session proposal is submitted with at least
// three speakers (a draft may have fewer), each speaker's fields are
// checked at their place, the speakers are stored, and the warnings on
// their balance come back with the submission.
func TestProposalSpeakers(t *testing.T) {
	dbtest.Each(t, sets, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		c := testCall("forum-sessions-2025")
		c.Kind = KindSessionProposal
		f.publishedCall(c)
		by := f.user("proposer@example.org", "Proposer")
		two := []Speaker{{Name: "Amina Diallo", Country: "SN", Group: "civil_society", Gender: "woman"},
			{Name: "Li Wei", Organization: "Tsinghua", Country: "CN", Group: "academia", Gender: "man"}}

		sub := &Submission{Title: Text{En: "Youth and AI"}, Summary: Text{En: "A panel."}, Field: "governance", Countries: []string{"SN", "CN"}, Speakers: two}
		err := f.s.SaveSubmission(ctx, by, c.Slug, sub, SubmitterInfo{}, true)
		if e, ok := errs.As(err); !ok || !errs.Fields(e.Fields).Has("speakers") || len(e.Fields) != 1 {
			t.Fatalf("two speakers submitted: %v", err)
		}
		if err := f.s.SaveSubmission(ctx, by, c.Slug, sub, SubmitterInfo{}, false); err != nil {
			t.Fatalf("a draft with two speakers: %v", err)
		}
		bad := append(slices.Clone(two), Speaker{Organization: "No name", Country: "XX", Group: "aliens", Gender: "robot"})
		sub.Speakers = bad
		err = f.s.SaveSubmission(ctx, by, c.Slug, sub, SubmitterInfo{}, false)
		e, _ := errs.As(err)
		for _, at := range []string{"speakers.2.name", "speakers.2.country", "speakers.2.group", "speakers.2.gender"} {
			if e == nil || !errs.Fields(e.Fields).Has(at) {
				t.Errorf("no error at %s: %v", at, err)
			}
		}
		sub.Speakers = append(slices.Clone(two), Speaker{Name: "Ana Souza", Country: "BR", Group: "business", Gender: "not_said"})
		if err := f.s.SaveSubmission(ctx, by, c.Slug, sub, SubmitterInfo{}, true); err != nil {
			t.Fatalf("three speakers: %v", err)
		}
		got, _, err := f.s.Submission(ctx, by, sub.ID)
		if err != nil || got.Status != Submitted || len(got.Speakers) != 3 || got.Speakers[1] != two[1] || len(got.Warnings) != 0 {
			t.Fatalf("stored %+v %v", got, err)
		}

		// All men, all academia, all from Asia: three warnings, and the
		// proposal is taken all the same.
		sub.Speakers = []Speaker{{Name: "A", Country: "CN", Group: "academia", Gender: "man"}, {Name: "B", Country: "JP", Group: "academia", Gender: "man"},
			{Name: "C", Country: "IN", Group: "academia", Gender: "man"}}
		if err := f.s.SaveSubmission(ctx, by, c.Slug, sub, SubmitterInfo{}, true); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(sub.Warnings, []string{WarnOneGender, WarnOneGroup, WarnOneRegion}) {
			t.Errorf("warnings on save %v", sub.Warnings)
		}
		got, _, _ = f.s.Submission(ctx, f.sec, sub.ID)
		if !slices.Equal(got.Warnings, []string{WarnOneGender, WarnOneGroup, WarnOneRegion}) {
			t.Errorf("warnings read back %v", got.Warnings)
		}
		// A case call names no speakers.
		f.publishedCall(testCall("cases-2025"))
		cs := validSubmission("governance")
		cs.Speakers = two
		_, cs = f.submit("cases-2025", cs, SubmitterInfo{})
		if got, _, _ := f.s.Submission(ctx, f.sec, cs.ID); len(got.Speakers) != 0 {
			t.Errorf("a case has speakers: %+v", got.Speakers)
		}
	})
}

func TestSpeakerWarnings(t *testing.T) {
	sp := func(gender, group, country string) Speaker {
		return Speaker{Name: "x", Gender: gender, Group: group, Country: country}
	}
	for _, tc := range []struct {
		speakers []Speaker
		want     []string
	}{
		{[]Speaker{sp("woman", "business", "KE"), sp("woman", "academia", "FR"), sp("woman", "government", "BR")}, []string{WarnOneGender}},
		{[]Speaker{sp("woman", "business", "KE"), sp("man", "business", "FR"), sp("another", "business", "BR")}, []string{WarnOneGroup}},
		{[]Speaker{sp("woman", "business", "KE"), sp("man", "academia", "NG"), sp("", "", "ZA")}, []string{WarnOneRegion}},
		// Not said and unknown answers are left out; one known answer says nothing.
		{[]Speaker{sp("man", "", ""), sp("not_said", "", ""), sp("", "", "")}, nil},
		{[]Speaker{sp("man", "business", "CN"), sp("not_said", "academia", "FR"), sp("man", "", "")}, []string{WarnOneGender}},
		{[]Speaker{sp("woman", "business", "KE"), sp("man", "academia", "FR")}, nil},
	} {
		if got := SpeakerWarnings(tc.speakers); !slices.Equal(got, tc.want) {
			t.Errorf("%+v: %v, want %v", tc.speakers, got, tc.want)
		}
	}
}
