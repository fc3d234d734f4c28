package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/calls"
	"github.com/wuzhen/wuzhen/internal/i18n"
)

// Demo calls: a practice-case call for each of the last three years whose
// deadline has passed, each with 40 fictional submissions across the five
// fields from more than twenty countries, a reviewer pool, completed
// reviews and 12 selected cases published in the showcase; and one call
// open now.

// casesPerYear and selectedPerYear are the sizes of each year's call.
const (
	casesPerYear    = 40
	selectedPerYear = 12
)

// caseTheme is the core of a fictional case's title.
type caseTheme struct{ en, zh string }

var caseThemes = map[string][]caseTheme{
	"infrastructure": {
		{"Fibre backbone for rural schools", "乡村学校光纤骨干网"}, {"Community networks for mountain villages", "山区村落社区网络"},
		{"A regional internet exchange point", "区域互联网交换中心"}, {"IPv6 migration of public services", "公共服务 IPv6 升级"},
		{"Solar-powered base stations", "太阳能通信基站"}, {"Submarine cable landing for small islands", "小岛屿海底光缆登陆站"},
		{"Shared data centres for universities", "高校共享数据中心"}, {"Satellite links for health clinics", "卫生站卫星通信链路"},
	},
	"cultural_exchange": {
		{"Digital museum of the Silk Road", "丝绸之路数字博物馆"}, {"Online language exchange for students", "学生在线语言交流"},
		{"Short films on shared heritage", "共同遗产主题短视频"}, {"A virtual library of folk music", "民间音乐虚拟图书馆"},
		{"Live-streamed craft workshops", "手工艺直播工作坊"}, {"Youth podcasts across borders", "跨境青年播客"},
		{"Online translation of classic literature", "经典文学在线翻译"}, {"Virtual tours of world heritage sites", "世界遗产虚拟游览"},
	},
	"digital_economy": {
		{"Cross-border e-commerce for farmers", "农户跨境电子商务"}, {"Mobile payments for small traders", "小商户移动支付"},
		{"Digital skills for women entrepreneurs", "女性创业者数字技能"}, {"A logistics platform for fresh produce", "生鲜农产品物流平台"},
		{"Cloud tools for small manufacturers", "中小制造企业云工具"}, {"Online marketplaces for handicrafts", "手工艺品网上市场"},
		{"Digital trade corridors", "数字贸易走廊"}, {"Smart tourism services", "智慧旅游服务"},
	},
	"cybersecurity": {
		{"A joint incident response exercise", "联合网络安全应急演练"}, {"Security training for small businesses", "中小企业安全培训"},
		{"Protecting children online", "儿童网络保护"}, {"A shared threat intelligence platform", "威胁情报共享平台"},
		{"Securing hospital networks", "医院网络安全防护"}, {"Anti-phishing campaigns for the elderly", "老年人防网络钓鱼宣传"},
		{"Cybersecurity curricula for universities", "高校网络安全课程"}, {"Protection of critical infrastructure", "关键信息基础设施保护"},
	},
	"governance": {
		{"A multi-stakeholder dialogue on data rules", "数据规则多利益相关方对话"}, {"Capacity building for internet policy", "互联网政策能力建设"},
		{"Youth voices in internet governance", "互联网治理中的青年声音"}, {"Regional cooperation on AI ethics", "人工智能伦理区域合作"},
		{"Open standards for public data", "公共数据开放标准"}, {"Bridging the digital divide in policy", "弥合数字鸿沟的政策合作"},
		{"A network of internet governance schools", "互联网治理学院网络"}, {"Cross-border data flow pilots", "数据跨境流动试点"},
	},
}

// casePlace is where a fictional case happens: a phrase, the countries,
// and its partner organisations.
type casePlace struct {
	en, zh    string
	countries []string
	partners  []calls.Partner
}

var casePlaces = []casePlace{
	{"in the Mekong basin", "湄公河流域", []string{"VN", "LA", "KH", "TH"}, []calls.Partner{{Name: "Mekong Digital Alliance", Country: "VN"}, {Name: "Vientiane Open Data Lab", Country: "LA"}}},
	{"across East Africa", "东非", []string{"KE", "TZ", "UG", "RW"}, []calls.Partner{{Name: "Nairobi Data Lab", Country: "KE"}, {Name: "Kigali Innovation Hub", Country: "RW"}}},
	{"between China and Central Asia", "中国与中亚之间", []string{"CN", "KZ", "UZ"}, []calls.Partner{{Name: "西部数字乡村研究中心", Country: "CN"}, {Name: "Almaty Tech Park", Country: "KZ"}}},
	{"in the Andes", "安第斯地区", []string{"PE", "BO", "CL"}, []calls.Partner{{Name: "Andes Net", Country: "PE"}, {Name: "La Paz Community Networks", Country: "BO"}}},
	{"in the Pacific islands", "太平洋岛国", []string{"FJ", "WS", "TO", "NZ"}, []calls.Partner{{Name: "Pacific Islands Internet Society", Country: "FJ"}, {Name: "Auckland Digital Trust", Country: "NZ"}}},
	{"between the Gulf and East Asia", "海湾地区与东亚之间", []string{"AE", "SA", "KR"}, []calls.Partner{{Name: "Gulf Digital Forum", Country: "AE"}, {Name: "Seoul Cyber Institute", Country: "KR"}}},
	{"in West Africa", "西非", []string{"NG", "GH", "SN", "CI"}, []calls.Partner{{Name: "Lagos Open Source Hub", Country: "NG"}, {Name: "Volta Digital Commons", Country: "GH"}}},
	{"around the Mediterranean", "地中海沿岸", []string{"EG", "IT", "GR", "TN"}, []calls.Partner{{Name: "Alexandria Digital Heritage", Country: "EG"}, {Name: "Mediterranean Web Network", Country: "IT"}}},
	{"in South Asia", "南亚", []string{"IN", "BD", "NP", "LK"}, []calls.Partner{{Name: "Dhaka Digital Futures", Country: "BD"}, {Name: "Kathmandu Learning Commons", Country: "NP"}}},
	{"between Europe and Africa", "欧洲与非洲之间", []string{"DE", "FR", "MA", "ZA"}, []calls.Partner{{Name: "Berlin Internet Policy Lab", Country: "DE"}, {Name: "Cape Town Data Trust", Country: "ZA"}}},
	{"in the Greater Bay Area and ASEAN", "粤港澳大湾区与东盟", []string{"CN", "HK", "MY", "SG"}, []calls.Partner{{Name: "港澳數據治理協會", Country: "HK"}, {Name: "Singapore Digital Exchange", Country: "SG"}}},
	{"across Latin America", "拉丁美洲", []string{"BR", "MX", "AR", "CO"}, []calls.Partner{{Name: "São Paulo Digital Inclusion", Country: "BR"}, {Name: "Bogotá Civic Tech", Country: "CO"}}},
}

// demoReviewers are the experts of every demo call's pool.
var demoReviewers = []struct {
	email, name, country, org string
	fields                    []string
	langs                     []string
}{
	{"amina.diallo@demo.wuzhen.example", "Amina Diallo", "SN", "Dakar Institute of Technology", []string{"infrastructure", "digital_economy"}, []string{"en"}},
	{"chen.jing@demo.wuzhen.example", "陈静", "CN", "清华大学网络研究院", []string{"governance", "cybersecurity"}, []string{"en", "zh"}},
	{"lucia.fernandez@demo.wuzhen.example", "Lucía Fernández", "AR", "Universidad de Buenos Aires", []string{"cultural_exchange", "governance"}, []string{"en"}},
	{"raj.patel@demo.wuzhen.example", "Raj Patel", "IN", "Bangalore Network Research", []string{"infrastructure", "cybersecurity"}, []string{"en"}},
	{"olga.ivanova@demo.wuzhen.example", "Olga Ivanova", "RU", "Moscow Internet Institute", []string{"cybersecurity", "digital_economy"}, []string{"en"}},
	{"kwame.asante@demo.wuzhen.example", "Kwame Asante", "GH", "Accra Policy Centre", []string{"governance", "digital_economy"}, []string{"en"}},
	{"lin.mei@demo.wuzhen.example", "林美", "TW", "數位文化研究所", []string{"cultural_exchange", "digital_economy"}, []string{"en", "zh"}},
	{"sophie.martin@demo.wuzhen.example", "Sophie Martin", "FR", "Institut du numérique", []string{"governance", "cultural_exchange"}, []string{"en"}},
	{"ahmed.hassan@demo.wuzhen.example", "Ahmed Hassan", "EG", "Cairo Cyber Academy", []string{"cybersecurity", "infrastructure"}, []string{"en"}},
	{"wang.lei@demo.wuzhen.example", "王磊", "CN", "中国互联网发展研究中心", []string{"infrastructure", "digital_economy"}, []string{"en", "zh"}},
	{"maria.santos@demo.wuzhen.example", "Maria Santos", "BR", "Rio Digital Policy Lab", []string{"digital_economy", "cultural_exchange"}, []string{"en"}},
	{"kenji.sato@demo.wuzhen.example", "Kenji Sato", "JP", "Tokyo Internet Forum", []string{"infrastructure", "governance"}, []string{"en"}},
	{"fatima.zahra@demo.wuzhen.example", "Fatima Zahra", "MA", "Rabat Digital School", []string{"cultural_exchange", "cybersecurity"}, []string{"en"}},
	{"john.smith@demo.wuzhen.example", "John Smith", "GB", "London Internet Policy Unit", []string{"governance", "cybersecurity"}, []string{"en"}},
	{"li.na@demo.wuzhen.example", "李娜", "SG", "新加坡数字经济研究所", []string{"digital_economy", "infrastructure"}, []string{"en", "zh"}},
}

var demoCriteria = []calls.Criterion{
	{Code: "impact", Name: i18n.Text{En: "Impact", Hans: "成效"}, Weight: 3, Max: 10},
	{Code: "innovation", Name: i18n.Text{En: "Innovation", Hans: "创新性"}, Weight: 2, Max: 10},
	{Code: "cooperation", Name: i18n.Text{En: "International cooperation", Hans: "国际合作"}, Weight: 2, Max: 10},
	{Code: "replicability", Name: i18n.Text{En: "Replicability", Hans: "可推广性"}, Weight: 1, Max: 10},
}

// demoYears are the years of the closed demo calls: the last three
// whose deadline (30 June) has passed.
func demoYears(now time.Time) []int {
	last := now.Year()
	if now.Before(time.Date(last, 7, 1, 0, 0, 0, 0, time.UTC)) {
		last--
	}
	return []int{last - 2, last - 1, last}
}

// loadCalls fills the demo calls. The deadline is the server's clock, so
// the submissions of past years are made with the store's clock set back
// to a day inside their call (the demo loads before the server serves).
func loadCalls(ctx context.Context, d Deps) error {
	if d.Calls == nil {
		return nil
	}
	sec := &actor.Actor{Email: "demo", Name: "Demo Secretariat", Roles: []string{auth.RoleSecretariat}}
	realNow := d.DB.Now
	defer func() { d.DB.Now = realNow }()
	now := realNow()

	var reviewerAccounts []*actor.Actor
	for _, r := range demoReviewers {
		u, err := d.Users.Create(ctx, r.email, r.name, "")
		if err != nil {
			return err
		}
		reviewerAccounts = append(reviewerAccounts, u.Principal())
	}
	var authors []*actor.Actor
	for i := 0; i < 60; i++ {
		u, err := d.Users.Create(ctx, fmt.Sprintf("author%02d@demo.wuzhen.example", i+1), authorNames[i%len(authorNames)], "")
		if err != nil {
			return err
		}
		authors = append(authors, u.Principal())
	}

	rng := rand.New(rand.NewPCG(7, 2026))
	for yi, year := range demoYears(now) {
		c := &calls.Call{Slug: fmt.Sprintf("cases-%d", year), Kind: calls.KindCase,
			Title:       i18n.Text{En: fmt.Sprintf("Practice cases of international cooperation in cyberspace %d", year), Hans: fmt.Sprintf("%d年网络空间国际合作实践案例征集", year)},
			Description: i18n.Text{En: "Cases of cooperation between partners from at least two countries, in the five fields of the organisation. An international expert committee selects twelve each year.", Hans: "征集来自至少两个国家和地区的合作方开展的实践案例，涵盖本组织的五个领域。国际专家委员会每年评选十二个案例。"},
			OpensAt:     time.Date(year, 3, 1, 1, 0, 0, 0, time.UTC), ClosesAt: time.Date(year, 6, 30, 10, 0, 0, 0, time.UTC),
			Timezone: "Asia/Shanghai", Fields: calls.Fields, ReviewsPerSubmission: 3, Blind: true, Criteria: demoCriteria,
			Languages: []string{i18n.En}}
		if err := d.Calls.CreateCall(ctx, sec, c); err != nil {
			return fmt.Errorf("call %d: %w", year, err)
		}
		if _, err := d.Calls.PublishCall(ctx, sec, c.Slug); err != nil {
			return err
		}
		inside := time.Date(year, 5, 15, 2, 0, 0, 0, time.UTC)
		d.DB.Now = func() time.Time { return inside }
		quality := map[int64]float64{}
		for i := 0; i < casesPerYear; i++ {
			field := calls.Fields[i%len(calls.Fields)]
			themes := caseThemes[field]
			theme := themes[(i/len(calls.Fields)+yi*3)%len(themes)]
			place := casePlaces[(i*7+yi*5)%len(casePlaces)]
			n := 2 + (i+yi)%2
			countries := place.countries[:min(n, len(place.countries))]
			sub := &calls.Submission{
				Title: i18n.Text{En: theme.en + " " + place.en, Hans: place.zh + theme.zh},
				Summary: i18n.Text{
					En: fmt.Sprintf("%s and %s have worked together since %d on %s. The project brings partners from %d countries and regions together, shares its methods openly, and reports what it learns every year.",
						place.partners[0].Name, place.partners[1].Name, year-1-i%3, lowerFirst(theme.en), len(countries)),
					Hans: fmt.Sprintf("自%d年起，%s与%s携手开展“%s”项目。项目汇聚来自%d个国家和地区的合作方，公开分享方法，并逐年总结经验。",
						year-1-i%3, place.partners[0].Name, place.partners[1].Name, theme.zh, len(countries)),
				},
				Field: field, Countries: countries, Partners: place.partners,
			}
			if i%5 == 0 {
				sub.VideoURL = fmt.Sprintf("https://video.example.org/cases/%d/%d", year, i+1)
			}
			by := authors[(i+yi*20)%len(authors)]
			info := calls.SubmitterInfo{Country: place.countries[0], Organization: place.partners[0].Name}
			if err := d.Calls.SaveSubmission(ctx, by, c.Slug, sub, info, true); err != nil {
				return fmt.Errorf("submission %d/%d: %w", year, i, err)
			}
			quality[sub.ID] = 3 + 6*rng.Float64()
		}
		d.DB.Now = realNow
		for _, r := range demoReviewers {
			rv := &calls.Reviewer{Email: r.email, Name: r.name, Country: r.country, Organization: r.org, Fields: r.fields, Languages: r.langs}
			if _, err := d.Calls.AddReviewer(ctx, sec, c.Slug, rv, i18n.En); err != nil {
				return fmt.Errorf("reviewer %s: %w", r.email, err)
			}
		}
		if _, err := d.Calls.Assign(ctx, sec, c.Slug); err != nil {
			return err
		}
		// Each reviewer scores around the case's quality, with a bias of
		// their own (the normalised view corrects for it).
		for ri, p := range reviewerAccounts {
			bias := float64(ri%5-2) * 0.6
			items, err := d.Calls.MyReviews(ctx, p.ID, i18n.En)
			if err != nil {
				return err
			}
			for _, it := range items {
				if it.Status != calls.ReviewAssigned || it.CallSlug != c.Slug {
					continue
				}
				scores := map[string]float64{}
				for _, cr := range demoCriteria {
					v := quality[it.SubmissionID] + bias + rng.NormFloat64()
					scores[cr.Code] = float64(int(max(0, min(10, v))*2+0.5)) / 2
				}
				if err := d.Calls.SaveReview(ctx, p, it.ID, scores, reviewComments[(ri+int(it.ID))%len(reviewComments)], true); err != nil {
					return fmt.Errorf("review %d: %w", it.ID, err)
				}
			}
		}
		if err := decideDemo(ctx, d, sec, c.Slug); err != nil {
			return err
		}
		if _, err := d.Calls.PublishResults(ctx, sec, c.Slug); err != nil {
			return err
		}
	}

	// One call open now, for trying out submission.
	next := demoYears(now)[2] + 1
	// It closes at 18:00 Beijing time sixty days on, as a secretariat sets a deadline.
	bj := time.FixedZone("UTC+8", 8*3600)
	closes := now.In(bj).AddDate(0, 0, 60)
	closes = time.Date(closes.Year(), closes.Month(), closes.Day(), 18, 0, 0, 0, bj)
	open := &calls.Call{Slug: fmt.Sprintf("cases-%d", next), Kind: calls.KindCase,
		Title:       i18n.Text{En: fmt.Sprintf("Practice cases of international cooperation in cyberspace %d", next), Hans: fmt.Sprintf("%d年网络空间国际合作实践案例征集", next)},
		Description: i18n.Text{En: "Submit a case of cooperation between partners from at least two countries. Drafts are saved as you type.", Hans: "欢迎提交来自至少两个国家和地区合作方的实践案例。草稿会在输入时自动保存。"},
		OpensAt:     now.Add(-7 * 24 * time.Hour), ClosesAt: closes, Year: next,
		Timezone: "Asia/Shanghai", Fields: calls.Fields, ReviewsPerSubmission: 3, Blind: true, Criteria: demoCriteria}
	if err := d.Calls.CreateCall(ctx, sec, open); err != nil {
		return err
	}
	_, err := d.Calls.PublishCall(ctx, sec, open.Slug)
	return err
}

// decideDemo selects the best two cases of each field and the best of the
// rest up to selectedPerYear, shortlists the next eight, and rejects the
// others.
func decideDemo(ctx context.Context, d Deps, sec *actor.Actor, slug string) error {
	_, lines, err := d.Calls.Ranking(ctx, slug)
	if err != nil {
		return err
	}
	sort.SliceStable(lines, func(i, j int) bool { return lines[i].WeightedMean > lines[j].WeightedMean })
	decision := map[int64]calls.Decision{}
	perField := map[string]int{}
	selected := 0
	for _, l := range lines {
		if perField[l.Submission.Field] < 2 {
			perField[l.Submission.Field]++
			decision[l.SubmissionID] = calls.Selected
			selected++
		}
	}
	shortlisted := 0
	for _, l := range lines {
		if decision[l.SubmissionID] != "" {
			continue
		}
		switch {
		case selected < selectedPerYear:
			decision[l.SubmissionID] = calls.Selected
			selected++
		case shortlisted < 8:
			decision[l.SubmissionID] = calls.Shortlisted
			shortlisted++
		default:
			decision[l.SubmissionID] = calls.Rejected
		}
	}
	for _, l := range lines {
		if err := d.Calls.Decide(ctx, sec, l.SubmissionID, decision[l.SubmissionID]); err != nil {
			return err
		}
	}
	return nil
}

func lowerFirst(s string) string {
	if s == "" || s[0] < 'A' || s[0] > 'Z' || len(s) > 1 && s[1] >= 'A' && s[1] <= 'Z' {
		return s
	}
	return string(s[0]+'a'-'A') + s[1:]
}

var authorNames = []string{"Grace Wanjiku", "Nguyen Thi Lan", "Carlos Mendoza", "Aisha Bello", "张伟", "Priya Sharma", "Tomás Quispe",
	"Elena Popescu", "Yusuf Karimov", "李明", "Fatou Ndiaye", "Sione Tupou", "Omar Haddad", "Ana Lima", "Hiroshi Tanaka",
	"陳怡君", "Mohammed Al-Farsi", "Nadia Rahman", "Kofi Boateng", "Isabel Rojas"}

var reviewComments = []string{
	"Clear results and a partnership that others could follow.",
	"Good cooperation; the evidence of impact could be stronger.",
	"Innovative, but the plan to scale it up is thin.",
	"A solid project with partners who complement each other well.",
	"合作模式清晰，成效数据可以更充分。",
	"Well documented, with open methods others can reuse.",
}
