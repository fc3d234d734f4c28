package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/events"
	"github.com/wuzhen/wuzhen/internal/geo"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/members"
)

// The programme of the newest summit: about a hundred fictional speakers
// and moderators from many countries, their names in their own scripts
// with Latin spellings, and six sessions in each forum (opening remarks,
// keynotes, a panel, a break, a roundtable or workshop, and a launch), plus
// the summit's own receptions and press events. Everything is written in
// one transaction, so that the demo loads fast.

// forumSessions are the two sessions of each forum (in the order of
// forums) that speak to its topic.
var forumSessions = [][2]i18n.Text{
	{{En: "Building a community with a shared future in cyberspace", Hans: "携手构建网络空间命运共同体"}, {En: "High-level dialogue: the next decade of global internet governance", Hans: "高级别对话：全球互联网治理的下一个十年"}},
	{{En: "Safe, reliable and controllable artificial intelligence", Hans: "安全、可靠、可控的人工智能"}, {En: "Large language models for every language", Hans: "面向所有语言的大语言模型"}},
	{{En: "5G-Advanced and the road to 6G", Hans: "5G-A与6G演进之路"}, {En: "Private 5G networks in factories and ports", Hans: "工厂与港口中的5G专网"}},
	{{En: "IPv6-only networks: lessons from large deployments", Hans: "纯IPv6网络：大规模部署的经验"}, {En: "IPv6 for the Internet of Things", Hans: "面向物联网的IPv6"}},
	{{En: "Open source as a public good", Hans: "开源：一项公共产品"}, {En: "Sovereign and interoperable clouds", Hans: "自主可控与互操作的云"}},
	{{En: "Cross-border data flows and trust", Hans: "数据跨境流动与信任"}, {En: "Data as a factor of production: markets and rules", Hans: "数据要素：市场与规则"}},
	{{En: "Digital trade and the small enterprise", Hans: "数字贸易与中小企业"}, {En: "Digital payments across borders", Hans: "跨境数字支付"}},
	{{En: "Protecting critical information infrastructure", Hans: "关键信息基础设施保护"}, {En: "Incident response across borders", Hans: "跨境网络安全事件响应"}},
	{{En: "International rules for cyberspace", Hans: "网络空间国际规则"}, {En: "Fighting cybercrime together", Hans: "携手打击网络犯罪"}},
	{{En: "Digital heritage and online museums", Hans: "数字遗产与线上博物馆"}, {En: "Translating cultures online", Hans: "网上文化的互译与传播"}},
	{{En: "Young people shaping the digital future", Hans: "青年塑造数字未来"}, {En: "Youth hackathon: apps for the Sustainable Development Goals", Hans: "青年编程马拉松：服务可持续发展目标的应用"}},
	{{En: "Closing the digital skills gap", Hans: "弥合数字技能鸿沟"}, {En: "Training trainers: a toolkit for digital literacy", Hans: "培训培训者：数字素养工具包"}},
	{{En: "Cities that listen: sensors, services and privacy", Hans: "会倾听的城市：传感器、服务与隐私"}, {En: "Digital twins of cities", Hans: "城市数字孪生"}},
	{{En: "Cross-border e-commerce for rural producers", Hans: "面向乡村生产者的跨境电商"}, {En: "Logistics, customs and the parcel economy", Hans: "物流、通关与包裹经济"}},
	{{En: "Subsea cables and satellites: connecting the unconnected", Hans: "海底光缆与卫星：连接未连接者"}, {En: "Internet exchange points in developing regions", Hans: "发展中地区的互联网交换中心"}},
	{{En: "The Digital Silk Road: infrastructure and people", Hans: "数字丝绸之路：基础设施与民心相通"}, {En: "Smart ports along the Digital Silk Road", Hans: "数字丝绸之路沿线的智慧港口"}},
	{{En: "Women leading in technology", Hans: "科技领域的女性领导者"}, {En: "Mentoring the next generation of engineers", Hans: "培养下一代女性工程师"}},
	{{En: "Children's safety online: design, law and families", Hans: "儿童上网安全：设计、法律与家庭"}, {En: "Age-appropriate design of apps", Hans: "适龄的应用设计"}},
	{{En: "Trust in news in the age of generative AI", Hans: "生成式人工智能时代的新闻可信度"}, {En: "Short video and cultural exchange", Hans: "短视频与文化交流"}},
	{{En: "Outcome documents of the summit", Hans: "峰会成果文件"}, {En: "Looking ahead to the next edition", Hans: "展望下届峰会"}},
}

// rooms of the convention centre; the forums that run at the same time
// take different rooms.
var rooms = []string{"Main Hall", "Lotus Hall", "Bridge Hall", "Water Pavilion", "Orchid Room", "Silk Room", "Tea Room"}

// roomsHans are the rooms' names in Chinese.
var roomsHans = map[string]string{"Main Hall": "主会场", "Lotus Hall": "莲花厅", "Bridge Hall": "廊桥厅", "Water Pavilion": "水阁",
	"Orchid Room": "兰厅", "Silk Room": "丝绸厅", "Tea Room": "茶室", "Registration hall": "报到大厅", "Banquet Hall": "宴会厅",
	"Press Centre": "新闻中心"}

// speaker is a fictional person of the demo programme.
type speaker struct {
	name, latin, country string
	group                members.Group
}

var (
	cyrillicSpeakers = []speaker{
		{"Иван Петров", "Ivan Petrov", "RU", members.Government}, {"Ольга Смирнова", "Olga Smirnova", "RU", members.Academia},
		{"Дмитрий Козлов", "Dmitry Kozlov", "RU", members.Business}, {"Наталья Волкова", "Natalya Volkova", "RU", members.TechnicalCommunity},
		{"Сергей Иванов", "Sergei Ivanov", "RU", members.InternationalOrganization}, {"Елена Кузнецова", "Elena Kuznetsova", "RU", members.CivilSociety},
		{"Айгерим Бекова", "Aigerim Bekova", "KZ", members.Government}, {"Нурлан Абдрахманов", "Nurlan Abdrakhmanov", "KZ", members.Business},
		{"Алишер Каримов", "Alisher Karimov", "UZ", members.TechnicalCommunity}, {"Бакыт Осмонов", "Bakyt Osmonov", "KG", members.Academia},
		{"Марина Ковальчук", "Maryna Kovalchuk", "BY", members.CivilSociety}, {"Батбаяр Доржийн", "Batbayar Dorjiin", "MN", members.Government},
		{"Милан Јовановић", "Milan Jovanović", "RS", members.TechnicalCommunity}, {"Стефан Георгиев", "Stefan Georgiev", "BG", members.Business},
	}
	arabicSpeakers = []speaker{
		{"محمد العلي", "Mohammed Al-Ali", "SA", members.Government}, {"فاطمة حسن", "Fatima Hassan", "EG", members.Academia},
		{"أحمد منصور", "Ahmed Mansour", "EG", members.TechnicalCommunity}, {"ليلى الخطيب", "Layla Al-Khatib", "JO", members.CivilSociety},
		{"يوسف بن علي", "Youssef Ben Ali", "TN", members.Business}, {"مريم الهاشمي", "Maryam Al-Hashimi", "AE", members.Government},
		{"خالد العمري", "Khaled Al-Omari", "QA", members.InternationalOrganization}, {"سلمى بنعلي", "Salma Benali", "MA", members.Academia},
		{"عمر الفاروق", "Omar Al-Farouk", "IQ", members.TechnicalCommunity}, {"نور الدين بوزيد", "Noureddine Bouzid", "DZ", members.Business},
		{"هدى السالم", "Huda Al-Salem", "KW", members.CivilSociety}, {"رامي حداد", "Rami Haddad", "LB", members.IndividualGroup},
		{"سعيد البلوشي", "Said Al-Balushi", "OM", members.Government},
	}
	latinSpeakers = []speaker{
		{"Kofi Mensah", "", "GH", members.TechnicalCommunity}, {"Amina Otieno", "", "KE", members.CivilSociety},
		{"Fatou Ndiaye", "", "SN", members.Government}, {"Tendai Moyo", "", "ZW", members.Academia},
		{"Chinedu Okafor", "", "NG", members.Business}, {"Grace Mwangi", "", "KE", members.Business},
		{"Abebe Tesfaye", "", "ET", members.Government}, {"Aïssata Traoré", "", "ML", members.CivilSociety},
		{"Thandiwe Dlamini", "", "ZA", members.Academia}, {"Jean-Pierre Habimana", "", "RW", members.Government},
		{"María García", "", "ES", members.Academia}, {"Carlos López", "", "MX", members.Business},
		{"João Silva", "", "BR", members.TechnicalCommunity}, {"Ana Costa", "", "BR", members.CivilSociety},
		{"Mateo Fernández", "", "AR", members.Government}, {"Valentina Rojas", "", "CL", members.Academia},
		{"Luis Quispe", "", "PE", members.IndividualGroup}, {"Camila Herrera", "", "CO", members.CivilSociety},
		{"Lucas Müller", "", "DE", members.TechnicalCommunity}, {"Sofia Rossi", "", "IT", members.Academia},
		{"Elena Popescu", "", "RO", members.Government}, {"Claire Dubois", "", "FR", members.InternationalOrganization},
		{"Anna Kowalska", "", "PL", members.Business}, {"Lars Nielsen", "", "DK", members.TechnicalCommunity},
		{"James Wilson", "", "GB", members.InternationalOrganization}, {"Sarah Thompson", "", "US", members.Business},
		{"Priya Sharma", "", "IN", members.TechnicalCommunity}, {"Arjun Patel", "", "IN", members.Business},
		{"Nguyễn Thị Lan", "", "VN", members.Government}, {"Siti Rahmawati", "", "ID", members.CivilSociety},
		{"Maria Santos", "", "PH", members.Academia}, {"Somchai Wongsakul", "", "TH", members.Business},
		{"Ahmad Fauzi", "", "MY", members.Government}, {"Kamal Hossain", "", "BD", members.Academia},
		{"Ayesha Khan", "", "PK", members.TechnicalCommunity}, {"Dilnoza Yusupova", "", "UZ", members.IndividualGroup},
		{"Emre Kaya", "", "TR", members.Business}, {"Seini Taufa", "", "TO", members.CivilSociety},
		{"Mere Tuilagi", "", "FJ", members.Government}, {"Aroha Ngata", "", "NZ", members.Academia},
		{"Liam O'Connor", "", "IE", members.TechnicalCommunity}, {"Kwame Boateng", "", "GH", members.InternationalOrganization},
	}
)

// orgKinds make a fictional organisation for a country, by stakeholder
// group: English and Chinese patterns around the country's name.
var orgKinds = map[members.Group][2]string{
	members.Government:                {"Ministry of Digital Affairs, %s", "%s数字事务部"},
	members.InternationalOrganization: {"Regional Digital Cooperation Office for %s", "%s区域数字合作办公室"},
	members.Business:                  {"%s Digital Networks Group", "%s数字网络集团"},
	members.TechnicalCommunity:        {"%s Network Information Centre", "%s网络信息中心"},
	members.CivilSociety:              {"%s Digital Rights Forum", "%s数字权利论坛"},
	members.Academia:                  {"Institute for Cyberspace Studies, %s", "%s网络空间研究院"},
	members.IndividualGroup:           {"Independent researcher, %s", "%s独立研究者"},
}

// topicsEn and topicsZh name what the fictional people work on.
var (
	topicsEn = []string{"internet governance", "network security", "digital inclusion", "data policy", "open source", "AI safety",
		"rural connectivity", "digital trade", "online culture", "internet measurement"}
	topicsZh = []string{"互联网治理", "网络安全", "数字包容", "数据政策", "开源", "人工智能安全", "农村网络连接", "数字贸易", "网络文化",
		"互联网测量"}
)

// demoPeople makes the fictional speakers and moderators: Chinese names
// with their pinyin, then the Cyrillic, Arabic and Latin ones.
func demoPeople(r *rand.Rand) []*events.Person {
	var list []speaker
	seen := map[string]bool{}
	groups := members.Groups
	for len(list) < 32 {
		s, g := surnamesZh[r.IntN(len(surnamesZh))], givenZh[r.IntN(len(givenZh))]
		if seen[s+g] {
			continue
		}
		seen[s+g] = true
		list = append(list, speaker{s + g, pinyinSur[s] + " " + pinyinGiven[g], "CN", groups[len(list)%len(groups)]})
	}
	list = append(list, cyrillicSpeakers...)
	list = append(list, arabicSpeakers...)
	list = append(list, latinSpeakers...)
	out := make([]*events.Person, len(list))
	for i, s := range list {
		c, _ := geo.Lookup(s.country)
		kind := orgKinds[s.group]
		t := r.IntN(len(topicsEn))
		name := s.latin
		if name == "" {
			name = s.name
		}
		p := &events.Person{Name: s.name, NameLatin: s.latin, Country: s.country, Group: s.group,
			Organization: i18n.Text{En: fmt.Sprintf(kind[0], c.Name(i18n.En)), Hans: fmt.Sprintf(kind[1], c.Name(i18n.ZhHans))},
			Bio: i18n.Text{
				En: fmt.Sprintf("%s works on %s at the %s, and has spoken at several editions of the summit. A fictional person, for the demo.",
					name, topicsEn[t], fmt.Sprintf(kind[0], c.Name(i18n.En))),
				Hans: fmt.Sprintf("%s在%s从事%s工作，曾多次在峰会上发言。虚构人物，仅供演示。", s.name,
					fmt.Sprintf(kind[1], c.Name(i18n.ZhHans)), topicsZh[t]),
			}}
		out[i] = p
	}
	return out
}

// loadProgramme adds the programme of the newest summit, whose forums
// already exist and are published.
func loadProgramme(ctx context.Context, s *events.Store, by *actor.Actor, slug string) error {
	summit, err := s.Event(ctx, slug, true)
	if err != nil {
		return err
	}
	forums, _, err := s.List(ctx, events.Filter{ParentID: summit.ID, Staff: true}, 0, 0)
	if err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(2026, 3))
	people := demoPeople(r)
	// pick chooses n different people, none of those in taken.
	pick := func(n int, taken map[*events.Person]bool) []*events.Person {
		var out []*events.Person
		for len(out) < n {
			p := people[r.IntN(len(people))]
			if !taken[p] {
				taken[p] = true
				out = append(out, p)
			}
		}
		return out
	}
	cast := func(moderators, speakers int) []events.Appearance {
		taken := map[*events.Person]bool{}
		var out []events.Appearance
		for _, p := range pick(moderators, taken) {
			out = append(out, events.Appearance{Role: events.Moderator, Person: p})
		}
		for _, p := range pick(speakers, taken) {
			out = append(out, events.Appearance{Role: events.Speaker, Person: p})
		}
		return out
	}
	var sessions []*events.Session
	slots := map[time.Time]int{} // forums already in rooms at a start time
	for i, f := range forums {
		topic := forumSessions[i%len(forumSessions)]
		room := rooms[slots[f.Starts]%len(rooms)]
		slots[f.Starts]++
		lang, interp := "zh", []string{"en"}
		if i%3 == 1 {
			lang, interp = "en", []string{"zh"}
		}
		if i == 0 {
			interp = []string{"en", "ru", "ar", "fr", "es"}
		}
		at := func(min int) time.Time { return f.Starts.Add(time.Duration(min) * time.Minute) }
		second := events.Roundtable
		if i%2 == 1 {
			second = events.Workshop
		}
		add := func(from, to int, format events.Format, title i18n.Text, people []events.Appearance, desc i18n.Text) {
			sessions = append(sessions, &events.Session{EventID: f.ID, Starts: at(from), Ends: at(to), Room: room, RoomHans: roomsHans[room], Format: format,
				Language: lang, Interpretation: interp, Title: title, Description: desc, People: people})
		}
		about := func(t i18n.Text) i18n.Text {
			return i18n.Text{
				En:   fmt.Sprintf("Speakers from governments, business, the technical community, civil society and academia discuss %s. A demo session.", lowerFirst(t.En)),
				Hans: fmt.Sprintf("来自政府、企业、技术社群、民间团体和学术界的嘉宾围绕“%s”展开讨论。演示会议。", t.Hans),
			}
		}
		add(0, 15, events.Ceremony, i18n.Text{En: "Opening remarks", Hans: "开幕致辞"}, cast(1, 2), i18n.Text{})
		add(15, 60, events.Keynote, i18n.Text{En: "Keynote speeches", Hans: "主旨演讲"}, cast(0, 3), i18n.Text{})
		add(60, 120, events.Panel, topic[0], cast(1, 4), about(topic[0]))
		add(120, 135, events.Break, i18n.Text{En: "Tea break", Hans: "茶歇"}, nil, i18n.Text{})
		add(135, 195, second, topic[1], cast(1, 3+i%2), about(topic[1]))
		add(195, 210, events.Launch, i18n.Text{En: "Outcomes and closing", Hans: "成果发布与闭幕"}, cast(0, 2), i18n.Text{})
	}
	// The summit's own: a welcome, a reception, the press.
	day := func(d, h, m int) time.Time {
		t := summit.Starts.In(summit.Location())
		return time.Date(t.Year(), t.Month(), t.Day()+d, h, m, 0, 0, t.Location())
	}
	for _, x := range []struct {
		from, to time.Time
		room     string
		format   events.Format
		title    i18n.Text
		people   []events.Appearance
	}{
		{day(0, 8, 0), day(0, 9, 0), "Registration hall", events.Networking, i18n.Text{En: "Registration and badge collection", Hans: "注册报到与领取证件"}, nil},
		{day(0, 18, 30), day(0, 20, 30), "Banquet Hall", events.Networking, i18n.Text{En: "Welcome reception", Hans: "欢迎晚宴"}, cast(1, 1)},
		{day(1, 17, 0), day(1, 18, 0), "Press Centre", events.Launch, i18n.Text{En: "Press conference: the Light of the Internet awards", Hans: "新闻发布会：世界互联网领先科技成果"}, cast(1, 3)},
		{day(2, 17, 0), day(2, 17, 45), "Main Hall", events.Ceremony, i18n.Text{En: "Closing ceremony", Hans: "闭幕式"}, cast(1, 2)},
	} {
		sessions = append(sessions, &events.Session{EventID: summit.ID, Starts: x.from, Ends: x.to, Room: x.room, RoomHans: roomsHans[x.room], Format: x.format,
			Language: "zh", Interpretation: []string{"en"}, Title: x.title, People: x.people})
	}
	if err := s.ImportProgramme(ctx, by, people, sessions); err != nil {
		return fmt.Errorf("programme: %w", err)
	}
	return nil
}
