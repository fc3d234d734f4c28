package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/geo"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/training"
)

// demoProgramme is a demo training programme: months is when it starts,
// counted from now (negative: in the past).
type demoProgramme struct {
	slug        string
	title       i18n.Text
	description i18n.Text
	kind        training.Kind
	format      training.Format
	months      int
	weeks       int
	hours       int
	seats       int
	applicants  int
	eligibility training.Eligibility
}

var demoProgrammes = []demoProgramme{
	{slug: "ig-fellowship-a", kind: training.Fellowship, format: training.Hybrid, months: -22, weeks: 10, hours: 60, seats: 55, applicants: 72,
		title:       i18n.Text{En: "Internet governance fellowship", Hans: "互联网治理研修项目", Hant: "網際網路治理研修計畫"},
		description: i18n.Text{En: "Ten weeks on how the internet is governed: its institutions, its policy processes and how to take part in them. Demo content.", Hans: "为期十周，学习互联网治理的机构、政策进程以及参与方式。演示内容。", Hant: "為期十週，學習網際網路治理的機構、政策程序以及參與方式。示範內容。"},
		eligibility: training.Eligibility{Developing: true, AgeMin: 21, AgeMax: 40}},
	{slug: "cyber-skills-smes", kind: training.Skills, format: training.Online, months: -14, weeks: 8, hours: 32, seats: 60, applicants: 76,
		title:       i18n.Text{En: "Cybersecurity skills for small enterprises", Hans: "中小企业网络安全技能", Hant: "中小企業資訊安全技能"},
		description: i18n.Text{En: "Eight online weeks of practical security for small businesses: accounts, backups, phishing, incident response. Demo content.", Hans: "八周线上课程，为小企业讲授实用安全知识：账户、备份、网络钓鱼、事件响应。演示内容。", Hant: "八週線上課程，為小企業講授實用資安知識：帳戶、備份、網路釣魚、事件應變。示範內容。"},
		eligibility: training.Eligibility{Developing: true, StakeholderGroups: []string{"business", "technical_community"}}},
	{slug: "rural-teachers", kind: training.Literacy, format: training.OnSite, months: -5, weeks: 6, hours: 36, seats: 55, applicants: 72,
		title:       i18n.Text{En: "Digital literacy for rural teachers", Hans: "乡村教师数字素养培训", Hant: "鄉村教師數位素養培訓"},
		description: i18n.Text{En: "Six weeks on site for teachers from rural schools: teaching with the devices and connections the school has. Demo content.", Hans: "为乡村学校教师举办的六周线下培训：利用学校现有设备和网络开展教学。演示内容。", Hant: "為鄉村學校教師舉辦的六週實體培訓：利用學校現有設備和網路進行教學。示範內容。"},
		eligibility: training.Eligibility{Developing: true, Countries: []string{"CL", "UY"}}},
	{slug: "youth-leadership", kind: training.Leadership, format: training.Hybrid, months: 3, weeks: 12, hours: 48, seats: 30, applicants: 80,
		title:       i18n.Text{En: "Youth leadership in digital cooperation", Hans: "数字合作青年领导力项目", Hant: "數位合作青年領導力計畫"},
		description: i18n.Text{En: "Twelve weeks for young people who lead digital projects in their communities. Applications are open. Demo content.", Hans: "面向在社区中领导数字项目的青年，为期十二周，现正接受申请。演示内容。", Hant: "面向在社區中領導數位專案的青年，為期十二週，現正接受申請。示範內容。"},
		eligibility: training.Eligibility{Developing: true, AgeMin: 18, AgeMax: 30}},
}

var demoApplicantGiven = []string{"Amina", "Kwame", "Nguyen", "Priya", "Carlos", "Fatima", "Tendai", "Siti", "Juan", "Aisha",
	"Rahul", "Mariam", "Samuel", "Leila", "Tomás", "Grace", "Bilal", "Ana", "Yusuf", "Thandiwe"}

var demoApplicantFamily = []string{"Okafor", "Mensah", "Tran", "Sharma", "Mendoza", "Haidari", "Moyo", "Rahman", "Quispe", "Diallo",
	"Kumar", "Nasser", "Otieno", "Karimi", "Ramírez", "Banda", "Chaudhry", "Silva", "Abdi", "Dlamini"}

// loadTraining loads the programmes: three in the last two years with
// their cohorts, one open for applications; about 300 applicants from
// the developing countries.
func loadTraining(ctx context.Context, d Deps) error {
	if d.Training == nil {
		return nil
	}
	sec := &actor.Actor{Email: "demo", Name: "Demo Secretariat", Roles: []string{auth.RoleSecretariat}}
	realNow := d.DB.Now
	defer func() { d.DB.Now = realNow }()
	now := realNow().UTC().Truncate(24 * time.Hour)
	var countries []string
	for _, c := range geo.Countries() {
		if c.Developing() {
			countries = append(countries, c.Code)
		}
	}
	rng := rand.New(rand.NewPCG(15, 2026))
	n := 0
	for _, dp := range demoProgrammes {
		starts := now.AddDate(0, dp.months, 0)
		opened := starts.AddDate(0, -3, 0)
		d.DB.Now = func() time.Time { return opened }
		p := &training.Programme{Slug: dp.slug, Title: dp.title, Description: dp.description, Kind: dp.kind, Format: dp.format,
			Languages: []string{i18n.En, i18n.ZhHans}, StartsOn: starts.Format(time.DateOnly),
			EndsOn: starts.AddDate(0, 0, 7*dp.weeks).Format(time.DateOnly), Hours: dp.hours, Seats: dp.seats,
			SeatsBy:     map[string]int{"002": dp.seats / 2},
			Eligibility: dp.eligibility,
			Questions: []training.Question{
				{Code: "motivation", Kind: training.QuestionLongText, Label: i18n.Text{En: "Why do you apply?", Hans: "您为什么申请？"}, Required: true},
				{Code: "cv", Kind: training.QuestionLongText, Label: i18n.Text{En: "Your experience (a short CV)", Hans: "您的经历（简历）"}, Required: true},
				{Code: "referee", Kind: training.QuestionText, Label: i18n.Text{En: "A referee's name and address", Hans: "推荐人姓名和联系方式"}},
			},
			Criteria: []training.Criterion{{Code: "motivation", Name: i18n.Text{En: "Motivation", Hans: "动机"}},
				{Code: "impact", Name: i18n.Text{En: "Expected impact at home", Hans: "预期在本地的影响"}}}}
		if err := d.Training.Create(ctx, sec, p); err != nil {
			return err
		}
		if _, err := d.Training.Publish(ctx, sec, p.Slug); err != nil {
			return err
		}
		var apps []*training.Application
		var people []*actor.Actor
		for i := 0; i < dp.applicants; i++ {
			n++
			d.DB.Now = func() time.Time { return opened.Add(time.Duration(i+1) * 3 * time.Hour) }
			name := demoApplicantGiven[rng.IntN(len(demoApplicantGiven))] + " " + demoApplicantFamily[rng.IntN(len(demoApplicantFamily))]
			u, err := d.Users.Create(ctx, fmt.Sprintf("applicant%03d@demo.wuzhen.example", n), name, "")
			if err != nil {
				return err
			}
			a := &training.Application{Country: countries[(n*7+rng.IntN(5))%len(countries)], Gender: training.Genders[rng.IntN(len(training.Genders))],
				BirthYear: starts.Year() - 22 - rng.IntN(8), Group: training.Groups[rng.IntN(len(training.Groups))],
				Answers: map[string]string{"motivation": "To bring what I learn back to my community (demo).", "cv": "Demo applicant."}}
			if len(dp.eligibility.StakeholderGroups) > 0 {
				a.Group = dp.eligibility.StakeholderGroups[rng.IntN(len(dp.eligibility.StakeholderGroups))]
			}
			if err := d.Training.Apply(ctx, u.Principal(), p.Slug, a); err != nil {
				return fmt.Errorf("applicant %d from %s: %w", n, a.Country, err)
			}
			apps = append(apps, a)
			people = append(people, u.Principal())
		}
		if dp.months > 0 {
			continue // still open: no offers yet
		}
		// Offers a month before the start, to be answered in two weeks;
		// a few decline, and the waitlist fills their seats.
		offered := starts.AddDate(0, -1, 0)
		d.DB.Now = func() time.Time { return offered }
		ids := make([]int64, len(apps))
		for i, a := range apps {
			ids[i] = a.ID
		}
		if _, err := d.Training.Offer(ctx, sec, p.Slug, ids[:dp.seats+10], offered.AddDate(0, 0, 14)); err != nil {
			return err
		}
		// Answers two days later (one in nine declines), then the seats
		// the waitlist received three days after that.
		for round, day := range []int{2, 5} {
			d.DB.Now = func() time.Time { return offered.AddDate(0, 0, day) }
			for i, a := range apps {
				got, err := d.Training.Application(ctx, people[i], a.ID)
				if err != nil {
					return err
				}
				if got.Status == training.Offered {
					if _, err := d.Training.Respond(ctx, people[i], a.ID, round == 1 || i%9 != 4); err != nil {
						return err
					}
				}
			}
		}
		// The cohort: a weekly session, attended nine times in ten;
		// certificates to those who completed, a few revoked.
		weeks := min(dp.weeks, 8)
		co, err := d.Training.Cohort(ctx, sec, p.Slug)
		if err != nil {
			return err
		}
		for w := range weeks {
			at := starts.AddDate(0, 0, 7*w).Add(9 * time.Hour)
			x := &training.Session{Title: i18n.Text{En: fmt.Sprintf("Week %d", w+1), Hans: fmt.Sprintf("第%d周", w+1)}, Starts: at, Ends: at.Add(2 * time.Hour)}
			d.DB.Now = func() time.Time { return opened }
			if err := d.Training.AddSession(ctx, sec, p.Slug, x); err != nil {
				return err
			}
			d.DB.Now = func() time.Time { return at.Add(5 * time.Minute) }
			for _, pt := range co.Participants {
				if rng.IntN(10) == 0 {
					continue
				}
				if err := d.Training.Attend(ctx, sec, p.Slug, x.ID, pt.Application.ID); err != nil {
					return err
				}
			}
		}
		if dp.months > -2 {
			continue // the cohort is still meeting: no certificates yet
		}
		d.DB.Now = func() time.Time { return starts.AddDate(0, 0, 7*dp.weeks+3) }
		if _, err := d.Training.Issue(ctx, sec, p.Slug); err != nil {
			return err
		}
		_, certs, err := d.Training.Certificates(ctx, sec, p.Slug)
		if err != nil {
			return err
		}
		for i := 0; i < len(certs) && i < 2; i++ {
			if _, err := d.Training.Revoke(ctx, sec, certs[i*7].Code, "Issued in error: attendance was recorded for the wrong participant (demo)."); err != nil {
				return err
			}
		}
	}
	return nil
}
