package training

import (
	"errors"
	"slices"
	"strings"

	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/geo"
	"github.com/wuzhen/wuzhen/internal/i18n"
)

// Rule names the eligibility rule a reason is about. Part of the API, do
// not rename.
type Rule string

// The rules.
const (
	RuleCountry Rule = "country"           // not a developing country, and not named
	RuleListed  Rule = "country_list"      // not among the countries named
	RuleAge     Rule = "age"               // outside the age range
	RuleGroup   Rule = "stakeholder_group" // not among the groups named
	RuleMissing Rule = "missing"           // a rule needs a value not given
)

// Applicant is what eligibility is decided on.
type Applicant struct {
	Country   string
	BirthYear int // 0: not given
	Group     string
}

// Reason is why a person is not eligible: the rule and its arguments
// for the message.
type Reason struct {
	Rule  Rule
	Field string // the field of the application it is about
	Key   string // catalogue key of the message
	Args  []any
}

// Message is the reason in p's language.
func (r Reason) Message(p *i18n.Printer) string {
	args := make([]any, len(r.Args))
	for i, a := range r.Args {
		switch v := a.(type) {
		case geo.Country:
			args[i] = v.Name(p.Lang)
		case geo.IncomeGroup:
			args[i] = p.T("training.income." + string(v))
		case groupName:
			args[i] = p.T("members.group." + string(v))
		default:
			args[i] = v
		}
	}
	return p.T(r.Key, args...)
}

type groupName string

// Check decides whether a applies within the programme's rules and
// returns every rule that excludes them (none: eligible). complete says
// whether values a rule needs must be given (an application) or may be
// left out (a question asked before applying, which checks what it is
// told).
func (p *Programme) Check(a Applicant, complete bool) []Reason {
	var out []Reason
	el := p.Eligibility
	code := strings.ToUpper(strings.TrimSpace(a.Country))
	c, known := geo.Lookup(code)
	switch {
	case code == "" && complete:
		out = append(out, Reason{Rule: RuleMissing, Field: "country", Key: "training.eligibility.country_missing"})
	case code == "":
	case !known:
		out = append(out, Reason{Rule: RuleCountry, Field: "country", Key: "training.country_invalid"})
	case slices.Contains(el.Countries, code):
	case el.Developing && !c.Developing():
		income := c.Income
		if income == "" {
			income = "unclassified"
		}
		if len(el.Countries) > 0 {
			out = append(out, Reason{Rule: RuleCountry, Field: "country", Key: "training.eligibility.not_developing_or_listed", Args: []any{c, income}})
		} else {
			out = append(out, Reason{Rule: RuleCountry, Field: "country", Key: "training.eligibility.not_developing", Args: []any{c, income}})
		}
	case !el.Developing && len(el.Countries) > 0:
		out = append(out, Reason{Rule: RuleListed, Field: "country", Key: "training.eligibility.not_listed", Args: []any{c}})
	}
	if el.AgeMin > 0 || el.AgeMax > 0 {
		age := p.Starts().Year() - a.BirthYear
		switch {
		case a.BirthYear == 0 && complete:
			out = append(out, Reason{Rule: RuleMissing, Field: "birth_year", Key: "training.eligibility.birth_year_missing"})
		case a.BirthYear == 0:
		case a.BirthYear < 1900 || age < 0:
			out = append(out, Reason{Rule: RuleAge, Field: "birth_year", Key: "training.birth_year_invalid"})
		case el.AgeMin > 0 && age < el.AgeMin, el.AgeMax > 0 && age > el.AgeMax:
			out = append(out, Reason{Rule: RuleAge, Field: "birth_year", Key: "training.eligibility.age", Args: []any{age, el.AgeMin, ageMax(el.AgeMax)}})
		}
	}
	if len(el.StakeholderGroups) > 0 {
		switch {
		case a.Group == "" && complete:
			out = append(out, Reason{Rule: RuleMissing, Field: "stakeholder_group", Key: "training.eligibility.group_missing"})
		case a.Group == "":
		case !slices.Contains(el.StakeholderGroups, a.Group):
			out = append(out, Reason{Rule: RuleGroup, Field: "stakeholder_group", Key: "training.eligibility.group", Args: []any{groupName(a.Group)}})
		}
	}
	return out
}

func ageMax(n int) int {
	if n == 0 {
		return 120
	}
	return n
}

// IneligibleError refuses an application that a rule excludes. It is an
// Invalid error at the fields of the rules; Detail names them.
type IneligibleError struct {
	Reasons []Reason
}

func (e *IneligibleError) Error() string {
	return "training: not eligible: " + string(e.Reasons[0].Rule)
}

// Unwrap makes it an errs.Invalid error with each reason at its field.
func (e *IneligibleError) Unwrap() error {
	err := &errs.Error{Code: errs.Invalid, Key: "training.eligibility.not_eligible"}
	for _, r := range e.Reasons {
		err.Fields = append(err.Fields, errs.Field{Name: r.Field, Key: "training.rule." + string(r.Rule)})
	}
	return err
}

// Explain turns an IneligibleError into an Invalid error in p's language:
// its detail names every rule that excludes, and each reason comes back
// at its field. Other errors are returned as they are.
func Explain(p *i18n.Printer, err error) error {
	var ie *IneligibleError
	if !errors.As(err, &ie) {
		return err
	}
	msgs := make([]string, len(ie.Reasons))
	out := errs.Newf(errs.Invalid, "training.eligibility.refused", "")
	for i, r := range ie.Reasons {
		msgs[i] = r.Message(p)
		if !errs.Fields(out.Fields).Has(r.Field) {
			out.Fields = append(out.Fields, errs.Field{Name: r.Field, Key: "training.eligibility.reason", Args: []any{msgs[i]}})
		}
	}
	sep := " "
	if p.Lang != i18n.En {
		sep = ""
	}
	out.Args = []any{strings.Join(msgs, sep)}
	return out
}
