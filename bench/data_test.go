package main

import (
	"testing"
	"time"

	"github.com/wuzhen/wuzhen/internal/geo"
	"github.com/wuzhen/wuzhen/internal/members"
)

func TestGeneratorMix(t *testing.T) {
	today := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	g := newGenerator(1, today)
	const n = 10000
	countries, groups, continents := map[string]int{}, map[members.Group]int{}, map[geo.Continent]bool{}
	var en, hans, hant, several, individuals int
	years := map[string]bool{}
	oldest := today
	for i := range n {
		m := g.member(i)
		if m.Name.Empty() {
			t.Fatalf("member %d has no name", i)
		}
		c, ok := geo.Lookup(m.Country)
		if !ok || c.Continent == "" {
			t.Fatalf("member %d: country %q", i, m.Country)
		}
		countries[m.Country]++
		continents[c.Continent] = true
		groups[m.Group]++
		if (m.Kind == members.Individual) != (m.Group == members.IndividualGroup) {
			t.Fatalf("member %d: kind %s, group %s", i, m.Kind, m.Group)
		}
		if m.Kind == members.Individual {
			individuals++
		}
		langs := 0
		for _, s := range []string{m.Name.En, m.Name.Hans, m.Name.Hant} {
			if s != "" {
				langs++
			}
		}
		switch {
		case langs > 1:
			several++
		case m.Name.En != "":
			en++
		case m.Name.Hans != "":
			hans++
		default:
			hant++
		}
		joined, err := time.Parse(time.DateOnly, m.JoinedOn)
		if err != nil || joined.After(today) {
			t.Fatalf("member %d joined %q", i, m.JoinedOn)
		}
		if joined.Before(oldest) {
			oldest = joined
		}
		years[m.JoinedOn[:4]] = true
		if m.TermEndsOn <= today.Format(time.DateOnly) {
			t.Fatalf("member %d: term ends %s, before today", i, m.TermEndsOn)
		}
	}
	if len(countries) < 150 {
		t.Errorf("%d countries, want 150 or more", len(countries))
	}
	if len(continents) != 6 {
		t.Errorf("%d continents", len(continents))
	}
	for _, grp := range members.Groups {
		if groups[grp] == 0 {
			t.Errorf("no member in group %s", grp)
		}
	}
	for name, k := range map[string]int{"English only": en, "Simplified only": hans, "Traditional only": hant, "several languages": several} {
		if k < n/50 {
			t.Errorf("%d names %s, want a real share", k, name)
		}
	}
	if len(years) < 8 || today.Sub(oldest) < 7*365*24*time.Hour {
		t.Errorf("joined over %v years, oldest %s", len(years), oldest.Format(time.DateOnly))
	}

	// The same seed and day give the same members.
	a, b := newGenerator(7, today), newGenerator(7, today)
	for i := range 50 {
		if x, y := a.member(i), b.member(i); *x != *y {
			t.Fatalf("member %d differs: %+v vs %+v", i, x, y)
		}
	}
}

func TestPickProfiles(t *testing.T) {
	g := newGenerator(1, time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC))
	list := make([]*members.Member, 2000)
	for i := range list {
		list[i] = g.member(i)
		list[i].ID = int64(i + 1)
	}
	picks := pickProfiles(list)
	if len(picks) != 5 {
		t.Fatalf("picks = %v, want 5", picks)
	}
	seen := map[int64]bool{}
	for _, id := range picks {
		if seen[id] {
			t.Errorf("%d picked twice", id)
		}
		seen[id] = true
	}
}

func TestAcronymOf(t *testing.T) {
	for in, want := range map[string]string{
		"Lanchuan Internet Exchange":             "LIE",
		"Institute of Data, University of Kenya": "IDUK",
		"abc":                                    "",
	} {
		if got := acronymOf(in); got != want {
			t.Errorf("acronymOf(%q) = %q, want %q", in, got, want)
		}
	}
}
