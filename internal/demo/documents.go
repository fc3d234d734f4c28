package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/documents"
	"github.com/wuzhen/wuzhen/internal/i18n"
)

// Demo documents: the fictional organisation's history in its outcome
// documents. An initiative (2015) drafted, consulted on and adopted, with
// its Chinese translation; three yearly outlooks (2017 to 2019), one
// drafted in Chinese and translated into English, two whose translations
// are out of date since the source was revised; and an action initiative
// (2020) with a published version and a draft in the works. Each step is
// saved at its own date, so that the version history reads as it would.

// docStep is one save of a demo document: at a date, in a language (""
// for the source language), translating source version source (0 for the
// latest), named, and published or not.
type docStep struct {
	at      time.Time
	lang    string
	body    string
	name    string
	source  int
	publish bool
}

type demoDocument struct {
	doc   documents.Document
	steps []docStep
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 2, 0, 0, 0, time.UTC) }

const initiativeDraftEn = `# Preamble

The internet has become a common space for the life, work and learning of people in every country. Its benefits are not yet shared by all.

Meeting in Wuzhen, the participants of the first summit of the Forum set out the principles that will guide their cooperation.

# Principles

The internet should be governed by all who use and build it: governments, international organisations, businesses, technical communities, civil society, academia and individuals, each in its role.[^1]

Cooperation rests on mutual respect, on dialogue, and on trust built step by step.

Every country's right to choose its own path of internet development should be respected.

# Commitments

The participants commit to:

- connect the unconnected, first of all in the least developed countries;
- share knowledge and practice openly;
- protect the security of networks and the data of people.

[^1]: The stakeholder groups of the Forum are set out in its charter, at [the Forum's site](https://example.org/charter).`

const initiativeFinalEn = `# Preamble

The internet has become a common space for the life, work and learning of people in every country. Its benefits are not yet shared by all.

Meeting in Wuzhen in December 2015, the participants of the first summit of the Forum set out the principles that will guide their cooperation.

# Principles

The internet should be governed by all who use and build it: governments, international organisations, businesses, technical communities, civil society, academia and individuals, each in its role.[^1]

Cooperation rests on mutual respect, on dialogue, and on trust built step by step, among partners large and small.

Every country's right to choose its own path of internet development should be respected.

Cultural diversity online is a strength: content in every language deserves a place on the network.

# Commitments

The participants commit to:

- connect the unconnected, first of all in the least developed countries;
- share knowledge and practice openly;
- protect the security of networks and the data of people;
- meet again every year to take stock.

[^1]: The stakeholder groups of the Forum are set out in its charter, at [the Forum's site](https://example.org/charter).`

const initiativeFinalHans = `# 序言

互联网已成为各国人民生活、工作和学习的共同空间，但其红利尚未惠及所有人。

2015年12月，论坛首届峰会的与会各方齐聚乌镇，提出指导彼此合作的原则。

# 原则

互联网应由所有使用和建设它的各方共同治理：政府、国际组织、企业、技术社群、民间团体、学术界和个人，各尽其责。[^1]

合作建立在相互尊重、对话以及大小伙伴之间逐步建立的信任之上。

应尊重各国自主选择互联网发展道路的权利。

网上文化多样性是一种力量：各种语言的内容都应在网络上占有一席之地。

# 承诺

与会各方承诺：

- 让尚未联网的人们接入互联网，首先是最不发达国家；
- 开放地分享知识与实践；
- 保护网络安全和个人数据；
- 每年再次相聚，总结进展。

[^1]: 论坛的利益相关方群体载于其章程，见[论坛网站](https://example.org/charter)。`

const outlook2017En = `# The year in review

In 2017, more than half of the world's people were online for the first time. Growth came mostly from mobile networks in Asia and Africa.

# Trends

Cloud computing moved from large firms to small ones: a shop or a clinic can now rent what only a bank could build ten years ago.

Artificial intelligence entered daily services, from translation to the diagnosis of crops.

# Outlook

The Forum expects the next years to be decided by three questions:

1. who connects the last half of humanity, and at what cost;
2. how data crosses borders under rules that people trust;
3. how small countries take part in setting the standards of tomorrow.`

const outlook2017Hans = `# 年度回顾

2017年，全球半数以上人口首次接入互联网，增长主要来自亚洲和非洲的移动网络。

# 趋势

云计算从大企业走向中小企业：十年前只有银行才能建设的系统，如今一家商店或诊所就可以租用。

人工智能进入日常服务，从翻译到农作物病害诊断。

# 展望

论坛认为，未来几年取决于三个问题：

1. 谁来连接另一半人类，成本几何；
2. 数据如何在人们信任的规则下跨境流动；
3. 小国如何参与制定未来的标准。`

const outlook2018HansV1 = `# 总体判断

2018年，数字经济成为全球经济增长的重要引擎，各国更加重视网络空间的规则与合作。

# 主要进展

5G标准第一阶段冻结，多个国家开始商用试验。

跨境电子商务带动中小企业走向世界市场。

# 面临的挑战

网络攻击事件数量上升，关键信息基础设施保护亟待加强。

数字鸿沟依然存在，农村和偏远地区的接入质量有待提高。`

const outlook2018HansV2 = `# 总体判断

2018年，数字经济成为全球经济增长的重要引擎，各国更加重视网络空间的规则与合作。

# 主要进展

5G标准第一阶段冻结，多个国家和地区开始商用试验和网络建设。

跨境电子商务带动中小企业走向世界市场。

# 面临的挑战

网络攻击事件数量上升，勒索软件尤为突出，关键信息基础设施保护亟待加强。

数字鸿沟依然存在，农村和偏远地区的接入质量有待提高。

各方应加强能力建设合作，特别是面向发展中国家的人才培训。`

const outlook2018EnV1 = `# Overall assessment

In 2018 the digital economy became a main engine of global growth, and countries paid more attention to the rules of cyberspace and to cooperation.

# Main developments

The first phase of the 5G standard was frozen, and several countries began commercial trials.

Cross-border e-commerce brought small and medium enterprises to world markets.

# Challenges

Cyber attacks grew in number; the protection of critical information infrastructure must be strengthened.

The digital divide remains: access in rural and remote areas needs to improve.`

const outlook2019EnV1 = `# Introduction

The third outlook of the Forum looks at a year of rapid change in networks, platforms and rules.

# Connectivity

Mobile broadband reached most towns of the world, but one person in two in the least developed countries was still offline.

# Trust and security

Many countries adopted data protection laws. The Forum welcomes rules that protect people while letting data serve development.

# Recommendations

Members should work together on shared training programmes for the people who run networks.`

const outlook2019EnV2 = `# Introduction

The third outlook of the Forum looks at a year of rapid change in networks, platforms and rules.

# Connectivity

Satellite constellations and community networks opened new ways to reach villages that cables never will.

Mobile broadband reached most towns of the world, but one person in two in the least developed countries was still offline in 2019.

# Trust and security

Many countries adopted data protection laws. The Forum welcomes rules that protect people while letting data serve development.

# Recommendations

Members should work together on shared training programmes for the people who run networks, and publish what they learn.`

const outlook2019HantV1 = `# 前言

論壇第三份展望報告回顧了網路、平台和規則快速變化的一年。

# 連通

行動寬頻已覆蓋世界大多數城鎮，但最不發達國家仍有一半人口未能上網。

# 信任與安全

許多國家通過了資料保護法。論壇歡迎既能保護個人、又能讓資料服務於發展的規則。

# 建議

會員應攜手為營運網路的人員開展共同的培訓計畫。`

const actionV1En = `# Purpose

This action initiative turns the principles of 2015 into work that members can do together from 2020 to 2025.

# Actions

1. Connect 1,000 schools in partner countries by 2025.
2. Train 10,000 network engineers and public servants.
3. Publish an open catalogue of practice cases each year.

# Follow-up

The secretariat reports on progress at every annual meeting.`

const actionV2En = `# Purpose

This action initiative turns the principles of 2015 into work that members can do together from 2020 to 2025, a time when the pandemic has shown how much every society depends on networks.

# Actions

1. Connect 1,000 schools in partner countries by 2025.
2. Train 10,000 network engineers and public servants, half of them women.
3. Publish an open catalogue of practice cases each year.

Members may join any action and propose new ones to the secretariat.

# Follow-up

The secretariat reports on progress at every annual meeting, with figures for each action.`

const actionV2Hans = `# 目的

本行动倡议将2015年提出的原则转化为会员在2020年至2025年间可以共同开展的工作。新冠疫情表明，每个社会都高度依赖网络。

# 行动

1. 到2025年为伙伴国家的1000所学校接入网络。
2. 培训10000名网络工程师和公务人员，其中半数为女性。
3. 每年发布开放的实践案例目录。

会员可以参加任何一项行动，并可向秘书处提出新的行动。

# 后续工作

秘书处在每届年会上报告进展，并提供每项行动的数据。`

const actionV3En = `# Purpose

This action initiative turns the principles of 2015 into work that members can do together from 2020 to 2025, a time when the pandemic has shown how much every society depends on networks.

# Actions

1. Connect 1,000 schools in partner countries by 2025.
2. Train 10,000 network engineers and public servants, half of them women.
3. Publish an open catalogue of practice cases each year.
4. Support small island states in planning resilient connectivity.

Members may join any action and propose new ones to the secretariat.

# Follow-up

The secretariat reports on progress at every annual meeting, with figures for each action, and publishes a mid-term review in 2023.`

var demoDocuments = []demoDocument{
	{doc: documents.Document{Slug: "wuzhen-initiative-2015", Kind: documents.KindInitiative, Year: 2015, Topics: []string{"governance", "inclusion"},
		Title:   i18n.Text{En: "Wuzhen Initiative", Hans: "乌镇倡议"},
		Summary: i18n.Text{En: "The principles of cooperation adopted at the Forum's first summit: an internet governed by all, in mutual respect, for everyone.", Hans: "论坛首届峰会通过的合作原则：互联网由各方共治、相互尊重、惠及所有人。"}},
		steps: []docStep{
			{at: day(2015, 10, 12), body: initiativeDraftEn, name: "Consultation draft"},
			{at: day(2015, 12, 18), body: initiativeFinalEn, name: "Final", publish: true},
			{at: day(2016, 1, 20), lang: i18n.ZhHans, body: initiativeFinalHans, name: "定稿中文本", publish: true},
		}},
	{doc: documents.Document{Slug: "world-internet-outlook-2017", Kind: documents.KindOutlook, Year: 2017, Topics: []string{"infrastructure", "ai", "digital_economy"},
		Title:   i18n.Text{En: "World Internet Outlook 2017", Hans: "世界互联网发展展望2017"},
		Summary: i18n.Text{En: "Half of humanity online, cloud computing for small firms, and three questions for the years ahead.", Hans: "半数人类接入互联网、云计算走向中小企业，以及未来几年的三个问题。"}},
		steps: []docStep{
			{at: day(2017, 12, 4), body: outlook2017En, name: "Final", publish: true},
			{at: day(2017, 12, 20), lang: i18n.ZhHans, body: outlook2017Hans, publish: true},
		}},
	{doc: documents.Document{Slug: "world-internet-outlook-2018", Kind: documents.KindOutlook, Year: 2018, Topics: []string{"digital_economy", "cybersecurity"},
		SourceLang: i18n.ZhHans,
		Title:      i18n.Text{En: "World Internet Outlook 2018", Hans: "世界互联网发展展望2018"},
		Summary:    i18n.Text{En: "The digital economy as an engine of growth; 5G trials; rising cyber attacks and the digital divide.", Hans: "数字经济成为增长引擎；5G商用试验；网络攻击增多与数字鸿沟。"}},
		steps: []docStep{
			{at: day(2018, 11, 7), body: outlook2018HansV1, name: "定稿", publish: true},
			{at: day(2018, 11, 30), lang: i18n.En, body: outlook2018EnV1, publish: true},
			{at: day(2019, 2, 15), body: outlook2018HansV2, name: "修订稿", publish: true},
		}},
	{doc: documents.Document{Slug: "world-internet-outlook-2019", Kind: documents.KindOutlook, Year: 2019, Topics: []string{"infrastructure", "data"},
		Title:   i18n.Text{En: "World Internet Outlook 2019", Hant: "世界網際網路發展展望2019"},
		Summary: i18n.Text{En: "Satellites and community networks, data protection laws, and shared training for the people who run networks.", Hant: "衛星與社區網路、資料保護立法，以及網路營運人員的共同培訓。"}},
		steps: []docStep{
			{at: day(2019, 10, 1), body: outlook2019EnV1, name: "Consultation draft", publish: true},
			{at: day(2019, 10, 20), lang: i18n.ZhHant, body: outlook2019HantV1, publish: true},
			{at: day(2019, 11, 22), body: outlook2019EnV2, name: "Final", publish: true},
		}},
	{doc: documents.Document{Slug: "action-initiative-2020", Kind: documents.KindActionPlan, Year: 2020, Topics: []string{"inclusion", "infrastructure", "cultural_exchange"},
		Title:   i18n.Text{En: "Action Initiative 2020–2025", Hans: "2020—2025年行动倡议"},
		Summary: i18n.Text{En: "Schools connected, engineers trained and practice cases published: the work members do together until 2025.", Hans: "学校联网、工程师培训和实践案例发布：会员到2025年共同开展的工作。"}},
		steps: []docStep{
			{at: day(2020, 9, 1), body: actionV1En, name: "Consultation draft"},
			{at: day(2020, 11, 24), body: actionV2En, name: "Final", publish: true},
			{at: day(2020, 12, 10), lang: i18n.ZhHans, body: actionV2Hans, publish: true},
			{at: day(2021, 3, 2), body: actionV3En, name: "Revision in progress"},
		}},
}

// loadDocuments saves the demo documents step by step, each at its date.
func loadDocuments(ctx context.Context, d Deps) error {
	if d.Documents == nil {
		return nil
	}
	sec := &actor.Actor{Email: "demo", Name: "Demo Secretariat", Roles: []string{auth.RoleSecretariat}}
	realNow := d.DB.Now
	defer func() { d.DB.Now = realNow }()
	for _, dd := range demoDocuments {
		doc := dd.doc
		d.DB.Now = func() time.Time { return dd.steps[0].at.Add(-24 * time.Hour) }
		if err := d.Documents.CreateDocument(ctx, sec, &doc); err != nil {
			return fmt.Errorf("%s: %w", doc.Slug, err)
		}
		for _, st := range dd.steps {
			at := st.at
			d.DB.Now = func() time.Time { return at }
			v, err := d.Documents.SaveVersion(ctx, sec, doc.Slug, documents.VersionInput{Lang: st.lang, Body: st.body, Name: st.name, Source: st.source})
			if err != nil {
				return fmt.Errorf("%s: %w", doc.Slug, err)
			}
			if st.publish {
				d.DB.Now = func() time.Time { return at.Add(3 * time.Hour) }
				if _, err := d.Documents.Publish(ctx, sec, doc.Slug, v.Number); err != nil {
					return fmt.Errorf("%s: %w", doc.Slug, err)
				}
			}
		}
	}
	return nil
}
