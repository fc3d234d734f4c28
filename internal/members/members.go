// Package members is the organisation's circle of members: applications
// and their review by the secretariat, members with their profiles and
// representatives, the public directory, the world map and the headline
// figures.
package members

import (
	"embed"
	"net/mail"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/geo"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/web"
	"github.com/wuzhen/wuzhen/internal/zh"
)

//go:embed migrations/*.sql
var migrations embed.FS

//go:embed templates/*.html
var templates embed.FS

// Migrations create the members tables.
var Migrations = db.MigrationsIn("members", migrations, "migrations")

// Templates are the members pages.
var Templates = web.Pages("members", templates, "templates")

// Kind says whether a member is an organisation or a person.
type Kind string

// The kinds. Stored, do not rename.
const (
	Organization Kind = "organization"
	Individual   Kind = "individual"
)

// Group is a stakeholder group.
type Group string

// The seven stakeholder groups. Stored, do not rename.
const (
	Government                Group = "government"
	InternationalOrganization Group = "international_organization"
	Business                  Group = "business"
	TechnicalCommunity        Group = "technical_community"
	CivilSociety              Group = "civil_society"
	Academia                  Group = "academia"
	IndividualGroup           Group = "individual"
)

// Groups lists the stakeholder groups in the order forms show them.
var Groups = []Group{Government, InternationalOrganization, Business, TechnicalCommunity, CivilSociety, Academia, IndividualGroup}

// ValidGroup reports whether g is one of the stakeholder groups.
func ValidGroup(g Group) bool {
	for _, x := range Groups {
		if x == g {
			return true
		}
	}
	return false
}

// Status is where an application stands.
type Status string

// The states of an application. Stored, do not rename.
const (
	Draft         Status = "draft"
	Submitted     Status = "submitted"
	InfoRequested Status = "info_requested"
	Approved      Status = "approved"
	Rejected      Status = "rejected"
)

// Statuses lists the application states in the queue's order.
var Statuses = []Status{Submitted, InfoRequested, Draft, Approved, Rejected}

// Standing is where a membership stands.
type Standing string

// The states of a membership. Stored, do not rename.
const (
	Active    Standing = "active"
	Lapsed    Standing = "lapsed"
	Suspended Standing = "suspended"
	Withdrawn Standing = "withdrawn"
)

// Names is a name in the languages it was given in.
type Names = i18n.Text

// key is a name folded for comparison: lower case, Chinese in Simplified.
func fold(s string) string { return strings.ToLower(zh.ToHans(strings.TrimSpace(s))) }

// searchText folds every name and the acronym into one string.
func searchText(n Names, acronym string) string {
	return strings.Join(nonEmpty(fold(n.En), fold(n.Hans), fold(n.Hant), fold(acronym)), " | ")
}

// sortName is the key the directory sorts by.
func sortName(n Names) string { return fold(first(n.En, n.Hans, n.Hant)) }

func first(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Application is a request to become a member.
type Application struct {
	ID            int64      `json:"id"`
	ApplicantID   int64      `json:"-"`
	Kind          Kind       `json:"kind"`
	Name          Names      `json:"name"`
	Acronym       string     `json:"acronym,omitempty"`
	Group         Group      `json:"stakeholder_group"`
	Country       string     `json:"country"`
	Website       string     `json:"website,omitempty"`
	Description   string     `json:"description,omitempty"`
	ContactName   string     `json:"contact_name,omitempty"`
	ContactEmail  string     `json:"contact_email"`
	Motivation    string     `json:"motivation"`
	CharterAgreed bool       `json:"charter_agreed"`
	Status        Status     `json:"status"`
	Reason        string     `json:"reason,omitempty"`
	MemberID      int64      `json:"member_id,omitempty"`
	Created       time.Time  `json:"created_at"`
	Updated       time.Time  `json:"updated_at"`
	Submitted     *time.Time `json:"submitted_at,omitempty"`
	Decided       *time.Time `json:"decided_at,omitempty"`
}

// Editable reports whether the applicant may still change it.
func (a *Application) Editable() bool { return a.Status == Draft || a.Status == InfoRequested }

// Limits on field lengths, in characters.
const (
	maxName        = 200
	maxAcronym     = 20
	maxText        = 5000
	maxContactName = 200
)

// normalize trims every field and lower-cases codes and addresses.
func (a *Application) normalize() {
	for _, p := range []*string{&a.Name.En, &a.Name.Hans, &a.Name.Hant, &a.Acronym, &a.Website, &a.Description, &a.ContactName, &a.Motivation} {
		*p = strings.TrimSpace(*p)
	}
	a.Country = strings.ToUpper(strings.TrimSpace(a.Country))
	a.ContactEmail = strings.ToLower(strings.TrimSpace(a.ContactEmail))
	if a.Website != "" && !strings.Contains(a.Website, "://") {
		a.Website = "https://" + a.Website
	}
}

// validate checks the application; complete asks for every required field
// (on submission), otherwise only the fields given are checked (a draft).
func (a *Application) validate(complete bool) error {
	a.normalize()
	var fe errs.Fields
	if a.Kind != Organization && a.Kind != Individual {
		fe.Add("kind", "members.kind_invalid")
	}
	if complete && a.Name.Empty() {
		fe.Add("name", "members.name_required")
	}
	for field, s := range map[string]string{"name.en": a.Name.En, "name.zh-Hans": a.Name.Hans, "name.zh-Hant": a.Name.Hant} {
		if utf8.RuneCountInString(s) > maxName {
			fe.Add(field, "members.too_long", maxName)
		}
		fe.Line(field, s)
	}
	if utf8.RuneCountInString(a.Acronym) > maxAcronym {
		fe.Add("acronym", "members.too_long", maxAcronym)
	}
	fe.Line("acronym", a.Acronym)
	if a.Group != "" && !ValidGroup(a.Group) || complete && a.Group == "" {
		fe.Add("stakeholder_group", "members.group_invalid")
	}
	if a.Country != "" || complete {
		if _, ok := geo.Lookup(a.Country); !ok {
			fe.Add("country", "members.country_invalid")
		}
	}
	if a.Website != "" && websiteDomain(a.Website) == "" {
		fe.Add("website", "members.website_invalid")
	}
	if utf8.RuneCountInString(a.Description) > maxText {
		fe.Add("description", "members.too_long", maxText)
	}
	if utf8.RuneCountInString(a.ContactName) > maxContactName {
		fe.Add("contact_name", "members.too_long", maxContactName)
	}
	fe.Line("contact_name", a.ContactName)
	if a.ContactEmail != "" || complete {
		if m, err := mail.ParseAddress(a.ContactEmail); err != nil || m.Address != a.ContactEmail {
			fe.Add("contact_email", "members.email_invalid")
		}
	}
	if complete && a.Motivation == "" {
		fe.Add("motivation", "members.motivation_required")
	} else if utf8.RuneCountInString(a.Motivation) > maxText {
		fe.Add("motivation", "members.too_long", maxText)
	}
	if complete && !a.CharterAgreed {
		fe.Add("charter", "members.charter_required")
	}
	return fe.Err()
}

// websiteDomain returns the host of an http(s) URL without "www.", lower
// case, or "" when s is not such a URL.
func websiteDomain(s string) string {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.User != nil || !strings.Contains(u.Hostname(), ".") {
		return ""
	}
	return strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
}

// Member is a member of the organisation.
type Member struct {
	ID           int64
	Kind         Kind
	Name         Names
	Acronym      string
	Group        Group
	Country      string
	Continent    geo.Continent
	Website      string
	Description  Names // the description in each language given
	ContactEmail string
	Standing     Standing
	JoinedOn     string // YYYY-MM-DD
	TermEndsOn   string // YYYY-MM-DD, "" for no end
}

// CountryName returns the member's country in lang.
func (m *Member) CountryName(lang string) string {
	c, _ := geo.Lookup(m.Country)
	return c.Name(lang)
}

// Number is the member number shown on profiles and exports.
func (m *Member) Number() string { return memberNumber(m.ID) }

func memberNumber(id int64) string {
	s := "0000" + itoa(id)
	return "M" + s[len(s)-5:]
}

func itoa(n int64) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	return string(b[i:])
}

// Permissions of this capability, decided in auth's table.
const (
	PermReview = auth.PermMembersReview
	PermManage = auth.PermMembersManage
)
