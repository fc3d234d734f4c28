package demo

// Demo consultation, endorsements and a vote: a concept paper whose
// consultation closed with about 60 comments and amendments in three
// languages, carried into a final version that a third of the members
// endorsed; and the upcoming annual meeting's resolution, open to comment
// and to the members' vote. Representatives are invited and accept the
// way people do (through the invitation's token); the demo sets the
// database clock back while it writes the past.

import (
	"context"
	"fmt"
	"math/rand/v2"
	"regexp"
	"time"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/documents"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/mail"
	"github.com/wuzhen/wuzhen/internal/members"
)

var inviteToken = regexp.MustCompile(`token=([A-Za-z0-9_-]+)`)

const dataFlowsBody = `# Purpose

This concept paper sets out how members could cooperate on trustworthy data flows across borders.

# Principles

Data should flow across borders with trust, under rules that protect people and respect each country's laws.

Personal data deserves the same protection wherever it is processed.

Rules on data should be transparent, proportionate and open to review.

# Cooperation

Members share practice on data protection, security and interoperable standards.

The organisation convenes an annual dialogue of regulators, companies, technical experts and civil society.

Developing countries receive support to build the capacity to take part.

# Next steps

The secretariat will report on progress at the annual meeting.`

const dataFlowsBodyHans = `# 目的

本概念文件阐述会员如何在可信的跨境数据流动方面开展合作。

# 原则

数据应在信任的基础上跨境流动，遵循保护个人并尊重各国法律的规则。

个人数据无论在何处处理，都应得到同等保护。

数据规则应当透明、适度并可供审议。

# 合作

会员分享数据保护、安全和可互操作标准方面的实践。

本组织每年召集监管机构、企业、技术专家和民间团体开展对话。

为发展中国家提供支持，帮助其建设参与能力。

# 下一步

秘书处将在年会上报告进展。`

const resolutionBody = `# Preamble

The members, meeting at the annual meeting, recall the organisation's initiative of 2015 and its action initiative.

# Resolution

The members adopt the work plan for the coming year.

The members ask the secretariat to publish the outcome documents in every working language within a month.

The members welcome new members from developing countries and ask the secretariat to reduce their fees.

The members agree to review the consultation procedure after two years.`

type demoComment struct {
	lang, text, amendment string
}

// demoComments are the closed consultation's comments, in three
// languages; amendments name the paragraph's new text.
var demoComments = []demoComment{
	{"en", "Please define what \"trust\" means here: trust between governments, or users' trust in services?", ""},
	{"zh-Hans", "建议明确“信任”的含义，是政府之间的信任，还是用户对服务的信任？", ""},
	{"zh-Hant", "建議在此說明「各國法律」是否包括地方法規。", ""},
	{"en", "The paragraph should mention interoperability of legal frameworks.", "Data should flow across borders with trust, under interoperable rules that protect people and respect each country's laws."},
	{"zh-Hans", "个人数据保护应覆盖数据处理的全生命周期。", "Personal data deserves the same protection wherever and whenever it is processed."},
	{"en", "Strongly support this principle.", ""},
	{"zh-Hant", "建議增加對中小企業的說明。", ""},
	{"en", "Transparency alone is not enough; rules should also be predictable.", "Rules on data should be transparent, predictable, proportionate and open to review."},
	{"zh-Hans", "建议写明审议的周期。", ""},
	{"en", "Add cybersecurity incident response to the list of shared practice.", "Members share practice on data protection, security, incident response and interoperable standards."},
	{"zh-Hant", "年度對話應邀請學術界參與。", "The organisation convenes an annual dialogue of regulators, companies, academia, technical experts and civil society."},
	{"en", "Capacity building should come with funding, not only training.", ""},
	{"zh-Hans", "建议在能力建设中加入人才培训的具体目标。", ""},
	{"en", "Could the report be published before the annual meeting, so members can prepare?", ""},
	{"zh-Hant", "贊成本段。", ""},
	{"en", "This paper is a good basis. Thank you to the drafters.", ""},
	{"zh-Hans", "“尊重各国法律”的表述很重要，建议保留。", ""},
	{"en", "The purpose should say who the paper is for.", "This concept paper sets out how members, and the partners they work with, could cooperate on trustworthy data flows across borders."},
	{"zh-Hant", "建議說明資料在「跨境」時由誰負責保護。", ""},
	{"en", "Consider adding a reference to existing regional agreements.", ""},
	{"zh-Hans", "合作部分可以加入数据标准互认。", ""},
	{"en", "Buy cheap followers at example dot com", ""},
	{"en", "Civil society should be named first among the participants, not last.", ""},
	{"zh-Hant", "建議年度對話輪流在不同地區舉辦。", ""},
	{"zh-Hans", "支持为发展中国家提供支持。", ""},
	{"en", "Please add a timeline to the next steps.", "The secretariat will report on progress at each annual meeting for three years."},
	{"zh-Hant", "建議在「下一步」中加入公開徵求意見。", ""},
	{"en", "Good to see proportionality in the text.", ""},
	{"zh-Hans", "建议对“适度”作出解释。", ""},
	{"en", "The paper could say how members will measure progress.", ""},
}

var demoReplies = []demoComment{
	{"en", "Agreed, this would help.", ""},
	{"zh-Hans", "同意以上意见。", ""},
	{"zh-Hant", "同意，並建議補充例子。", ""},
	{"en", "I see it differently: the current wording is clear enough.", ""},
	{"zh-Hans", "这一点在上一版本中已有讨论。", ""},
	{"en", "Our organisation would support this change.", ""},
}

var demoCommenters = []struct{ name, org, country, group string }{
	{"Amina Otieno", "Nairobi Internet Exchange Trust", "KE", "technical_community"},
	{"李伟", "澜川大学网络空间治理研究院", "CN", "academia"},
	{"陳怡君", "臺灣數位人權協會", "TW", "civil_society"},
	{"Carlos Mendes", "Instituto Rede Aberta", "BR", "civil_society"},
	{"Priya Raman", "Bengaluru Cloud Alliance", "IN", "business"},
	{"Jean-Luc Moreau", "Agence du numérique", "FR", "government"},
	{"王芳", "珠江数据合作中心", "CN", "business"},
	{"Fatima Al-Sayed", "Gulf Digital Forum", "AE", "international_organization"},
	{"黃志明", "", "HK", "individual"},
	{"Olga Ivanova", "Volga Network Operators", "RU", "technical_community"},
	{"Kwame Mensah", "Accra Tech Hub", "GH", "business"},
	{"Sofia Rossi", "Università di Torino", "IT", "academia"},
}

// loadConsultation loads the consultation, endorsement and vote demo.
// It returns the credential of a demo representative.
func loadConsultation(ctx context.Context, d Deps) ([]Credential, error) {
	if d.Documents == nil {
		return nil, nil
	}
	secUser, err := d.Users.ByEmail(ctx, "secretariat@demo.wuzhen.example")
	if err != nil {
		return nil, err
	}
	sec := &actor.Actor{ID: secUser.ID, Email: secUser.Email, Name: secUser.Name, Roles: []string{auth.RoleSecretariat}}
	realNow := d.DB.Now
	defer func() { d.DB.Now = realNow }()
	now := realNow().UTC()
	at := func(t time.Time) { d.DB.Now = func() time.Time { return t } }

	// Representatives for the active members, invited and accepted.
	active, _, _, err := d.Members.Memberships(ctx, members.MembershipFilter{Standing: members.Active}, 200, 0)
	if err != nil {
		return nil, err
	}
	var reps []*actor.Actor
	var creds []Credential
	for i, m := range active {
		email := fmt.Sprintf("rep%02d@demo.wuzhen.example", i+1)
		pw := ""
		if i == 0 {
			pw = password()
		}
		u, err := d.Users.Create(ctx, email, "Representative of "+firstName(m.Name), pw)
		if err != nil {
			return nil, err
		}
		if pw != "" {
			creds = append(creds, Credential{Role: "representative", Email: email, Password: pw})
		}
		if err := d.Members.Invite(ctx, sec, m.ID, email, i18n.En); err != nil {
			return nil, fmt.Errorf("invite for %d: %w", m.ID, err)
		}
		msgs, _, err := mail.List(ctx, d.DB, 1, 0)
		if err != nil {
			return nil, err
		}
		if len(msgs) == 0 || msgs[0].To != email {
			return nil, fmt.Errorf("no invitation mail for %s", email)
		}
		tok := inviteToken.FindStringSubmatch(msgs[0].Text)
		if tok == nil {
			return nil, fmt.Errorf("no token in the invitation to %s", email)
		}
		p := u.Principal()
		if _, err := d.Members.Accept(ctx, p, tok[1]); err != nil {
			return nil, fmt.Errorf("accept for %d: %w", m.ID, err)
		}
		reps = append(reps, p)
	}
	var commenters []*actor.Actor
	for i, c := range demoCommenters {
		u, err := d.Users.Create(ctx, fmt.Sprintf("commenter%02d@demo.wuzhen.example", i+1), c.name, "")
		if err != nil {
			return nil, err
		}
		commenters = append(commenters, u.Principal())
	}

	// The concept paper: consulted last year, revised, endorsed.
	year := now.Year()
	slug := fmt.Sprintf("concept-data-flows-%d", year-1)
	opens := now.AddDate(0, -5, 0).Truncate(24 * time.Hour)
	closes := opens.AddDate(0, 1, 0)
	at(opens.Add(-48 * time.Hour))
	if err := d.Documents.CreateDocument(ctx, sec, &documents.Document{Slug: slug, Kind: documents.KindConceptPaper, Year: year - 1,
		Topics: []string{"data", "governance"},
		Title:  documents.Text{En: "Concept paper on trustworthy cross-border data flows", Hans: "关于可信跨境数据流动的概念文件", Hant: "關於可信跨境資料流動的概念文件"},
		Summary: documents.Text{En: "How members could cooperate on data flows with trust. Put to public consultation, revised and endorsed by members.",
			Hans: "会员如何在可信数据流动方面开展合作。经公开征求意见、修订并由会员认可。"}}); err != nil {
		return nil, fmt.Errorf("concept paper: %w", err)
	}
	v1, err := d.Documents.SaveVersion(ctx, sec, slug, documents.VersionInput{Body: dataFlowsBody, Name: "consultation draft"})
	if err != nil {
		return nil, err
	}
	if _, err := d.Documents.Publish(ctx, sec, slug, v1.Number); err != nil {
		return nil, err
	}
	if _, err := d.Documents.OpenConsultation(ctx, sec, slug, documents.ConsultationInput{Version: v1.Number, OpensAt: opens,
		ClosesAt: closes, Timezone: "Asia/Shanghai"}); err != nil {
		return nil, err
	}
	var numbered []documents.Paragraph
	for _, p := range v1.Paragraphs {
		if p.Number > 0 {
			numbered = append(numbered, p)
		}
	}
	rng := rand.New(rand.NewPCG(11, uint64(year)))
	var threads []*documents.Comment
	var amendments []*documents.Comment
	var spam int64
	n := 0
	add := func(who int, in documents.CommentInput) (*documents.Comment, error) {
		n++
		at(opens.Add(time.Duration(n) * 9 * time.Hour))
		c := demoCommenters[who]
		in.Version, in.Organisation, in.Country, in.Group = v1.Number, c.org, c.country, c.group
		return d.Documents.AddComment(ctx, commenters[who], slug, in)
	}
	for i, dc := range demoComments {
		// Amendments go on the paragraph whose text they rewrite.
		p := numbered[i%len(numbered)]
		if dc.amendment != "" {
			for _, q := range numbered {
				if similarStart(q.Text, dc.amendment) {
					p = q
				}
			}
		}
		in := documents.CommentInput{Paragraph: p.ID, Text: dc.text}
		if dc.amendment != "" {
			a := dc.amendment
			in.Amendment = &a
		}
		c, err := add(i%len(demoCommenters), in)
		if err != nil {
			return nil, fmt.Errorf("comment %d: %w", i, err)
		}
		threads = append(threads, c)
		if c.IsAmendment {
			amendments = append(amendments, c)
		}
		if dc.text == "Buy cheap followers at example dot com" {
			spam = c.ID
		}
	}
	for n < 60 {
		parent := threads[rng.IntN(len(threads))]
		if parent.ID == spam {
			continue
		}
		r := demoReplies[n%len(demoReplies)]
		if _, err := add((n*5)%len(demoCommenters), documents.CommentInput{Parent: parent.ID, Text: r.text}); err != nil {
			return nil, fmt.Errorf("reply: %w", err)
		}
	}
	if err := d.Documents.HideComment(ctx, sec, spam, "Advertising"); err != nil {
		return nil, err
	}
	at(closes.Add(24 * time.Hour))
	for i, a := range amendments {
		decision, note := "accept", "Taken into the final version."
		if i%3 == 2 {
			decision, note = "decline", "The paragraph stays general; the point is taken up in the report."
		}
		if _, err := d.Documents.DecideAmendment(ctx, sec, a.ID, decision, note); err != nil {
			return nil, err
		}
	}
	if _, err := d.Documents.AddComment(ctx, sec, slug, documents.CommentInput{Version: v1.Number, Parent: threads[0].ID,
		Text: "Thank you. The final version speaks of trust between all stakeholders."}); err != nil {
		return nil, err
	}
	v2, _, err := d.Documents.CarryAmendments(ctx, sec, slug, v1.Number, "Accepted amendments from the consultation:")
	if err != nil {
		return nil, fmt.Errorf("carry: %w", err)
	}
	if err := d.Documents.NameVersion(ctx, sec, slug, v2.Number, "final", v2.Note); err != nil {
		return nil, err
	}
	if _, err := d.Documents.Publish(ctx, sec, slug, v2.Number); err != nil {
		return nil, err
	}
	zh, err := d.Documents.SaveVersion(ctx, sec, slug, documents.VersionInput{Lang: i18n.ZhHans, Body: dataFlowsBodyHans, Source: v2.Number})
	if err != nil {
		return nil, fmt.Errorf("translation: %w", err)
	}
	if _, err := d.Documents.Publish(ctx, sec, slug, zh.Number); err != nil {
		return nil, err
	}
	if _, err := d.Documents.AskEndorsement(ctx, sec, slug, v2.Number, ""); err != nil {
		return nil, err
	}
	statements := []string{"We endorse this paper and will take part in the annual dialogue.", "",
		"我们认可本文件，并愿分享数据保护实践。", "", "我們認可本文件。", "We support the capacity building commitments."}
	endorsers := len(reps) / 3
	for i := 0; i < endorsers && i < len(reps); i++ {
		at(closes.Add(time.Duration(48+i*20) * time.Hour))
		if _, err := d.Documents.Endorse(ctx, reps[i], slug, documents.EndorseInput{Version: v2.Number, Decision: documents.Endorse,
			Statement: statements[i%len(statements)]}); err != nil {
			return nil, fmt.Errorf("endorse: %w", err)
		}
	}
	if endorsers < len(reps) {
		if _, err := d.Documents.Endorse(ctx, reps[endorsers], slug, documents.EndorseInput{Version: v2.Number, Decision: documents.Decline,
			Statement: "We need more time to consult our own members."}); err != nil {
			return nil, err
		}
	}

	// The upcoming annual meeting's resolution: open to comment and to vote.
	rslug := fmt.Sprintf("annual-meeting-resolution-%d", year)
	at(now.Add(-4 * 24 * time.Hour))
	if err := d.Documents.CreateDocument(ctx, sec, &documents.Document{Slug: rslug, Kind: documents.KindStatement, Year: year,
		Topics: []string{"governance"},
		Title:  documents.Text{En: fmt.Sprintf("Resolution of the %d annual meeting", year), Hans: fmt.Sprintf("%d年年会决议", year), Hant: fmt.Sprintf("%d年年會決議", year)},
		Summary: documents.Text{En: "The draft resolution the members vote on at the annual meeting.",
			Hans: "会员在年会上表决的决议草案。"}}); err != nil {
		return nil, err
	}
	rv, err := d.Documents.SaveVersion(ctx, sec, rslug, documents.VersionInput{Body: resolutionBody, Name: "draft resolution"})
	if err != nil {
		return nil, err
	}
	if _, err := d.Documents.OpenConsultation(ctx, sec, rslug, documents.ConsultationInput{Version: rv.Number,
		OpensAt: now.Add(-3 * 24 * time.Hour), ClosesAt: now.Add(25 * 24 * time.Hour), Timezone: "Asia/Shanghai"}); err != nil {
		return nil, err
	}
	for i, dc := range []demoComment{
		{"en", "The work plan should be annexed to the resolution.", ""},
		{"zh-Hans", "支持降低发展中国家会员的会费。", ""},
		{"zh-Hant", "建議兩年後的檢討也應公開徵求意見。", "The members agree to review the consultation procedure after two years, in a public consultation."},
		{"en", "A month may be too short for every working language.", "The members ask the secretariat to publish the outcome documents in every working language within two months."},
		{"zh-Hans", "建议写明年会的时间和地点。", ""},
	} {
		at(now.Add(time.Duration(-60+i*7) * time.Hour))
		p := rv.Paragraphs[1+(i*2)%(len(rv.Paragraphs)-1)]
		if dc.amendment != "" {
			for _, q := range rv.Paragraphs {
				if similarStart(q.Text, dc.amendment) {
					p = q
				}
			}
		}
		in := documents.CommentInput{Version: rv.Number, Paragraph: p.ID, Text: dc.text, Organisation: demoCommenters[i].org,
			Country: demoCommenters[i].country, Group: demoCommenters[i].group}
		if dc.amendment != "" {
			a := dc.amendment
			in.Amendment = &a
		}
		if _, err := d.Documents.AddComment(ctx, commenters[i], rslug, in); err != nil {
			return nil, err
		}
	}
	at(now.Add(-24 * time.Hour))
	quorum := (len(active) + 1) / 2
	vote, err := d.Documents.CreateVote(ctx, sec, documents.VoteInput{
		Title:    documents.Text{En: fmt.Sprintf("Adoption of the resolution of the %d annual meeting", year), Hans: fmt.Sprintf("通过%d年年会决议", year), Hant: fmt.Sprintf("通過%d年年會決議", year)},
		Document: rslug, Version: rv.Number, OpensAt: now.Add(-24 * time.Hour), ClosesAt: now.Add(14 * 24 * time.Hour),
		Timezone: "Asia/Shanghai", Quorum: quorum})
	if err != nil {
		return nil, fmt.Errorf("vote: %w", err)
	}
	for i := 1; i < len(reps) && i <= 4; i++ {
		if err := d.Documents.Cast(ctx, reps[i], vote.ID, documents.DefaultOptions[(i-1)%3], 0); err != nil {
			return nil, fmt.Errorf("ballot: %w", err)
		}
	}
	return creds, nil
}

func firstName(n members.Names) string {
	for _, s := range []string{n.En, n.Hans, n.Hant} {
		if s != "" {
			return s
		}
	}
	return "a member"
}

// similarStart reports whether two texts begin with the same three words.
func similarStart(a, b string) bool {
	words := func(s string) string {
		sp := 0
		for i, r := range s {
			if r == ' ' {
				if sp++; sp == 3 {
					return s[:i]
				}
			}
		}
		return s
	}
	return words(a) == words(b)
}
