package demo

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/csv"
	"fmt"
	"time"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/members"
)

//go:embed members.csv
var membersCSV []byte

// loadMembers adds the fictional members of members.csv, and applications
// waiting in each state from demo applicants.
func loadMembers(ctx context.Context, d Deps) error {
	rows, err := csv.NewReader(bytes.NewReader(membersCSV)).ReadAll()
	if err != nil {
		return err
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	demo := &actor.Actor{Email: "demo"}
	today := d.DB.Now()
	for i, r := range rows[1:] {
		get := func(k string) string { return r[col[k]] }
		m := &members.Member{
			Kind:         members.Kind(get("kind")),
			Name:         members.Names{En: get("name_en"), Hans: get("name_zh_hans"), Hant: get("name_zh_hant")},
			Acronym:      get("acronym"),
			Group:        members.Group(get("stakeholder_group")),
			Country:      get("country"),
			Website:      get("website"),
			Description:  members.Names{En: get("description_en"), Hans: get("description_zh_hans")},
			ContactEmail: get("contact_email"),
			Standing:     members.Standing(get("status")),
			JoinedOn:     get("joined_on"),
		}
		// Current members' terms end over the coming fifteen months, a few
		// within the month (so that renewal reminders have work); the
		// others' ended a year after they joined.
		if m.Standing == members.Active {
			m.TermEndsOn = today.AddDate(0, 0, 10+(i*37)%450).Format(time.DateOnly)
		}
		if err := d.Members.Add(ctx, demo, m); err != nil {
			return fmt.Errorf("member %q: %w", m.Name.For("en"), err)
		}
	}
	return loadApplications(ctx, d)
}

// demoApplications are applications from demo applicants, each left in
// the state named.
var demoApplications = []struct {
	email, name string
	app         members.Application
	decision    members.Decision
	reason      string
	submit      bool
}{
	{"kofi.mensah@demo.wuzhen.example", "Kofi Mensah", members.Application{Kind: members.Organization,
		Name: members.Names{En: "Volta Digital Commons"}, Group: members.CivilSociety, Country: "GH",
		Website: "https://volta-commons.example.org", ContactEmail: "kofi.mensah@demo.wuzhen.example",
		Motivation: "We run community networks in rural Ghana and want to share what we learn.", CharterAgreed: true}, "", "", true},
	{"zhao.min@demo.wuzhen.example", "赵敏", members.Application{Kind: members.Organization,
		Name: members.Names{Hans: "西部数字乡村研究中心"}, Acronym: "WDRC", Group: members.Academia, Country: "CN",
		Website: "https://wdrc.example.org", ContactEmail: "zhao.min@demo.wuzhen.example",
		Motivation: "我们研究数字技术如何助力乡村发展，希望与各国同行交流。", CharterAgreed: true}, "", "", true},
	{"ana.souza@demo.wuzhen.example", "Ana Souza", members.Application{Kind: members.Individual,
		Name: members.Names{En: "Ana Souza"}, Group: members.IndividualGroup, Country: "BR",
		ContactEmail: "ana.souza@demo.wuzhen.example", Motivation: "I teach cybersecurity to young people in São Paulo.",
		CharterAgreed: true}, members.RequestInfo, "Please tell us about your current affiliation and your work with youth.", true},
	{"lin.yating@demo.wuzhen.example", "林雅婷", members.Application{Kind: members.Organization,
		Name: members.Names{Hant: "港澳數據治理協會"}, Group: members.TechnicalCommunity, Country: "HK",
		ContactEmail: "lin.yating@demo.wuzhen.example"}, "", "", false},
	{"ivan.petrov@demo.wuzhen.example", "Ivan Petrov", members.Application{Kind: members.Organization,
		Name: members.Names{En: "Quick Profit Links Ltd"}, Group: members.Business, Country: "RU",
		ContactEmail: "ivan.petrov@demo.wuzhen.example", Motivation: "Advertising opportunities.", CharterAgreed: true},
		members.Reject, "The organisation's work is not related to internet development or governance.", true},
}

func loadApplications(ctx context.Context, d Deps) error {
	secretariat := &actor.Actor{Email: "demo"}
	for _, a := range demoApplications {
		u, err := d.Users.Create(ctx, a.email, a.name, "")
		if err != nil {
			return err
		}
		app := a.app
		if err := d.Members.Save(ctx, &actor.Actor{ID: u.ID, Email: u.Email}, &app, a.submit); err != nil {
			return fmt.Errorf("application of %s: %w", a.email, err)
		}
		if a.decision != "" {
			if _, err := d.Members.Decide(ctx, secretariat, app.ID, a.decision, a.reason); err != nil {
				return err
			}
		}
	}
	return nil
}
