package calls

// Session proposals: the speakers a proposal names, the rule that it
// names at least three, and the warnings on their balance.

import (
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/geo"
	"github.com/wuzhen/wuzhen/internal/web"
)

// Speaker is a speaker a session proposal names.
type Speaker struct {
	Name         string `json:"name"`
	Organization string `json:"organization,omitempty"`
	Country      string `json:"country,omitempty"`
	Group        string `json:"group,omitempty"`  // one of Groups
	Gender       string `json:"gender,omitempty"` // one of Genders
}

// Genders are the answers to a speaker's gender; the catalog names them
// calls.proposal.gender.CODE. Stored and part of the API, do not rename.
var Genders = []string{"woman", "man", "another", "not_said"}

// MinSpeakers is how many speakers a session proposal names at least
// when it is submitted (a draft may name fewer).
const MinSpeakers = 3

// maxSpeakers is how many a proposal may name.
const maxSpeakers = 20

// The warnings on a proposal's speakers. Part of the API, do not rename;
// the catalog words them calls.proposal.warning.CODE.
const (
	WarnOneGender = "speakers_one_gender"
	WarnOneGroup  = "speakers_one_group"
	WarnOneRegion = "speakers_one_region"
)

// validateSpeakers checks a session proposal's speakers, at
// speakers.N.FIELD, and on submission that there are at least
// MinSpeakers. Other kinds of call name no speakers.
func (s *Submission) validateSpeakers(c *Call, complete bool, fe *errs.Fields) {
	if c.Kind != KindSessionProposal {
		s.Speakers = nil
		return
	}
	var out []Speaker
	for i, sp := range s.Speakers {
		sp = Speaker{Name: strings.TrimSpace(sp.Name), Organization: strings.TrimSpace(sp.Organization),
			Country: strings.ToUpper(strings.TrimSpace(sp.Country)), Group: strings.TrimSpace(sp.Group), Gender: strings.TrimSpace(sp.Gender)}
		if sp == (Speaker{}) {
			continue // an empty row of the form
		}
		out = append(out, sp)
		// Errors are at the index given, which is the form's row.
		at := fmt.Sprintf("speakers.%d.", i)
		if sp.Name == "" {
			fe.Add(at+"name", "calls.proposal.name_required")
		} else if utf8.RuneCountInString(sp.Name) > maxTitle || utf8.RuneCountInString(sp.Organization) > maxTitle {
			fe.Add(at+"name", "calls.too_long", maxTitle)
		}
		if _, ok := geo.Lookup(sp.Country); sp.Country != "" && !ok {
			fe.Add(at+"country", "calls.country_invalid")
		}
		if sp.Group != "" && !contains(Groups, sp.Group) {
			fe.Add(at+"group", "calls.selection.group_invalid")
		}
		if sp.Gender != "" && !contains(Genders, sp.Gender) {
			fe.Add(at+"gender", "calls.proposal.gender_invalid")
		}
	}
	s.Speakers = out
	if len(out) > maxSpeakers {
		fe.Add("speakers", "calls.proposal.speakers_max", maxSpeakers)
	}
	if complete && len(out) < MinSpeakers {
		fe.Add("speakers", "calls.proposal.speakers_min", MinSpeakers)
	}
}

// SpeakerWarnings says whether a proposal's speakers are all of one gender,
// all of one stakeholder group or all from one region (continent): among
// the speakers for whom it is known, when at least two are known and they
// agree. Warnings, not refusals: the proposal is taken.
func SpeakerWarnings(speakers []Speaker) []string {
	same := func(of func(Speaker) string) bool {
		seen, n := "", 0
		for _, sp := range speakers {
			v := of(sp)
			if v == "" {
				continue
			}
			if n > 0 && v != seen {
				return false
			}
			seen, n = v, n+1
		}
		return n >= 2
	}
	var out []string
	if same(func(sp Speaker) string {
		if sp.Gender == "not_said" {
			return ""
		}
		return sp.Gender
	}) {
		out = append(out, WarnOneGender)
	}
	if same(func(sp Speaker) string { return sp.Group }) {
		out = append(out, WarnOneGroup)
	}
	if same(func(sp Speaker) string {
		c, _ := geo.Lookup(sp.Country)
		return string(c.Continent)
	}) {
		out = append(out, WarnOneRegion)
	}
	return out
}

func speakersOrEmpty(s []Speaker) []Speaker {
	if s == nil {
		return []Speaker{}
	}
	return s
}

// speakerRows are the rows of speakers the form offers.
var speakerRows = []Row{{0, 1}, {1, 2}, {2, 3}, {3, 4}, {4, 5}, {5, 6}}

// speakersForm reads the form's speakers: speakers.N.name and so on, the
// names of the API's error paths.
func speakersForm(f *web.Form) []Speaker {
	var out []Speaker
	for _, r := range speakerRows {
		at := fmt.Sprintf("speakers.%d.", r.I)
		out = append(out, Speaker{Name: f.Get(at + "name"), Organization: f.Get(at + "organization"), Country: f.Get(at + "country"),
			Group: f.Get(at + "group"), Gender: f.Get(at + "gender")})
	}
	return out
}

// formOfSpeakers puts speakers in the form's values.
func formOfSpeakers(v url.Values, speakers []Speaker) {
	for i, sp := range speakers {
		at := fmt.Sprintf("speakers.%d.", i)
		v.Set(at+"name", sp.Name)
		v.Set(at+"organization", sp.Organization)
		v.Set(at+"country", sp.Country)
		v.Set(at+"group", sp.Group)
		v.Set(at+"gender", sp.Gender)
	}
}

// blindSpeakers are speakers as a blind reviewer sees them: their country,
// stakeholder group and gender, without names or organisations.
func blindSpeakers(speakers []Speaker) []Speaker {
	var out []Speaker
	for _, sp := range speakers {
		out = append(out, Speaker{Country: sp.Country, Group: sp.Group, Gender: sp.Gender})
	}
	return out
}
