package calls

// The stakeholder group of a submission's applicant, and the balance of the
// selection by region, stakeholder group and field.

import (
	"context"
	"net/http"
	"strings"

	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/geo"
	"github.com/wuzhen/wuzhen/internal/web"
)

// Groups are the platform's stakeholder groups, as members names them
// (members.Groups; cmd/wuzhen checks that the two lists agree), in the
// order forms show them; the catalog names them members.group.CODE.
// Stored, do not rename.
var Groups = []string{"government", "international_organization", "business", "technical_community", "civil_society", "academia", "individual"}

// Regions are the five M49 regions, by code; the catalog names them
// calls.selection.region.CODE.
var Regions = []string{"002", "019", "142", "150", "009"}

// Imbalance is a share of the selection that is more than half of it:
// Count of the Of selected cases are in Code of Dimension ("continent",
// "region", "group" or "field").
type Imbalance struct {
	Dimension string `json:"dimension"`
	Code      string `json:"code"`
	Count     int    `json:"count"`
	Of        int    `json:"of"`
}

// imbalances lists each continent, region, stated stakeholder group and
// field holding more than half of b's selected cases.
func imbalances(b *Breakdown) []Imbalance {
	var out []Imbalance
	check := func(dim string, codes []string, m map[string]int) {
		for _, code := range codes {
			if n := m[code]; code != "" && 2*n > b.Selected {
				out = append(out, Imbalance{Dimension: dim, Code: code, Count: n, Of: b.Selected})
			}
		}
	}
	var continents []string
	for _, c := range geo.Continents() {
		continents = append(continents, c.Code())
	}
	check("continent", continents, b.ByContinent)
	check("region", Regions, b.ByRegion)
	check("group", Groups, b.ByGroup)
	check("field", Fields, b.ByField)
	return out
}

// validateMore checks what the submission adds to its title and summary:
// the applicant's stakeholder group (optional) and, for a session
// proposal, its speakers.
func (s *Submission) validateMore(c *Call, complete bool, fe *errs.Fields) {
	s.Group = strings.TrimSpace(s.Group)
	if s.Group != "" && !contains(Groups, s.Group) {
		fe.Add("stakeholder_group", "calls.selection.group_invalid")
	}
	s.validateSpeakers(c, complete, fe)
}

// saveMore writes what validateMore checked, in the transaction of the
// submission's save.
func (s *Store) saveMore(ctx context.Context, tx *db.Tx, sub *Submission) error {
	sub.Warnings = SpeakerWarnings(sub.Speakers)
	_, err := tx.Exec(ctx, "UPDATE call_submissions SET stakeholder_group = ?, speakers = ? WHERE id = ?",
		sub.Group, db.JSON(speakersOrEmpty(sub.Speakers)), sub.ID)
	return err
}

// selectionRow is one line of a breakdown table: a name, the selected and
// the shortlisted cases it has, and whether it holds more than half.
type selectionRow struct {
	Name                string
	Selected, Shortlist int
	MoreThanHalf        bool
}

// selection is the secretariat's view of the selection before it is
// published.
func (h *Handlers) selection(c *web.Ctx) error {
	call, err := h.Store.Call(c.Context(), c.R.PathValue("slug"))
	if err != nil {
		return err
	}
	b, err := h.Store.Selection(c.Context(), call.ID)
	if err != nil {
		return err
	}
	o := optionsFor(c.Lang)
	half := func(n int) bool { return 2*n > b.Selected }
	rows := func(codes []string, name func(string) string, sel, short map[string]int) []selectionRow {
		var out []selectionRow
		for _, code := range codes {
			if sel[code] == 0 && short[code] == 0 {
				continue
			}
			out = append(out, selectionRow{Name: name(code), Selected: sel[code], Shortlist: short[code], MoreThanHalf: code != "" && half(sel[code])})
		}
		return out
	}
	t := c.P.T
	var continents []string
	for _, x := range geo.Continents() {
		continents = append(continents, x.Code())
	}
	continentName := func(code string) string {
		x, _ := geo.ContinentByCode(code)
		return x.Name(c.Lang)
	}
	groupName := func(g string) string {
		if g == "" {
			return t("calls.selection.group_unstated")
		}
		return t("members.group." + g)
	}
	sh := b.Shortlist
	tables := []struct {
		Key  string
		Rows []selectionRow
	}{
		{"calls.selection.by_continent", rows(continents, continentName, b.ByContinent, sh.ByContinent)},
		{"calls.selection.by_region", rows(Regions, func(r string) string { return t("calls.selection.region." + r) }, b.ByRegion, sh.ByRegion)},
		{"calls.selection.by_group", rows(append(append([]string{}, Groups...), ""), groupName, b.ByGroup, sh.ByGroup)},
		{"calls.selection.by_field", rows(call.Fields, func(f string) string { return t("calls.field." + f) }, b.ByField, sh.ByField)},
	}
	var warnings []string
	for _, im := range b.Imbalances {
		var name string
		switch im.Dimension {
		case "continent":
			name = continentName(im.Code)
		case "region":
			name = t("calls.selection.region." + im.Code)
		case "group":
			name = groupName(im.Code)
		default:
			name = t("calls.field." + im.Code)
		}
		warnings = append(warnings, t("calls.selection.warning."+im.Dimension, name, im.Count, im.Of))
	}
	return c.Render(http.StatusOK, "calls/selection", map[string]any{"Call": call, "Breakdown": b, "Tables": tables,
		"Warnings": warnings, "Options": o})
}
