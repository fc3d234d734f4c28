// Package demo loads demo content into an empty database: a fictional
// organisation, clearly labelled as demo, and staff accounts whose
// credentials are returned for printing. Each capability adds its own demo
// content here as it lands.
package demo

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"

	"github.com/wuzhen/wuzhen/internal/actor"
	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/calls"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/documents"
	"github.com/wuzhen/wuzhen/internal/events"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/members"
	"github.com/wuzhen/wuzhen/internal/site"
	"github.com/wuzhen/wuzhen/internal/training"
)

// Credential is a demo account and its password.
type Credential struct {
	Role, Email, Password string
}

// Deps are the stores the loader fills.
type Deps struct {
	DB      *db.DB
	Users   *auth.Store
	Site    *site.Store
	Members *members.Store
	Events  *events.Store
	Calls   *calls.Store
	// Documents may be nil: no demo documents then (nor consultations,
	// endorsements and votes, consultation.go).
	Documents *documents.Store
	// Training: programmes for developing countries (training.go).
	Training *training.Store
}

// Load fills an empty database with demo content and returns the demo
// accounts. It does nothing (and returns loaded false) when the database
// already has accounts, so that it never touches real data.
func Load(ctx context.Context, d Deps) (creds []Credential, loaded bool, err error) {
	n, err := d.Users.Count(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("demo: %w", err)
	}
	if n > 0 {
		return nil, false, nil
	}
	for _, a := range []struct{ role, email, name string }{
		{auth.RoleAdmin, "admin@demo.wuzhen.example", "Demo Administrator"},
		{auth.RoleSecretariat, "secretariat@demo.wuzhen.example", "Demo Secretariat"},
		{auth.RoleCheckIn, "checkin@demo.wuzhen.example", "Demo Check-in Desk"},
	} {
		pw := password()
		if _, err := d.Users.Create(ctx, a.email, a.name, pw, a.role); err != nil {
			return nil, false, fmt.Errorf("demo: %w", err)
		}
		creds = append(creds, Credential{Role: a.role, Email: a.email, Password: pw})
	}
	err = d.DB.Tx(ctx, func(tx *db.Tx) error {
		return d.Site.Save(ctx, tx, "demo", profiles...)
	})
	if err != nil {
		return nil, false, fmt.Errorf("demo: %w", err)
	}
	if err := loadMembers(ctx, d); err != nil {
		return nil, false, fmt.Errorf("demo: %w", err)
	}
	sec, err := d.Users.ByEmail(ctx, "secretariat@demo.wuzhen.example")
	if err != nil {
		return nil, false, fmt.Errorf("demo: %w", err)
	}
	if err := loadEvents(ctx, d.Events, &actor.Actor{ID: sec.ID, Email: sec.Email, Name: sec.Name}); err != nil {
		return nil, false, fmt.Errorf("demo: events: %w", err)
	}
	if err := loadCalls(ctx, d); err != nil {
		return nil, false, fmt.Errorf("demo: calls: %w", err)
	}
	if err := loadDocuments(ctx, d); err != nil {
		return nil, false, fmt.Errorf("demo: documents: %w", err)
	}
	// After the documents demo: consultation, endorsements and a vote.
	reps, err := loadConsultation(ctx, d)
	if err != nil {
		return nil, false, fmt.Errorf("demo: consultation: %w", err)
	}
	creds = append(creds, reps...)
	if err := loadTraining(ctx, d); err != nil {
		return nil, false, fmt.Errorf("demo: training: %w", err)
	}
	return creds, true, nil
}

func password() string {
	b := make([]byte, 12)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// profiles describe a fictional organisation modelled on the World
// Internet Conference; every text says it is a demo.
var profiles = []site.Profile{
	{Lang: i18n.En, Demo: true,
		Name:    "Global Internet Cooperation Forum (demo)",
		Tagline: "Building a community with a shared future in cyberspace: a fictional organisation for trying out Wuzhen.",
		About: "The Global Internet Cooperation Forum is a fictional international organisation, loaded as demo content so that you can try the platform. " +
			"Its members are governments, international organisations, businesses, technical communities, civil society, academia and individuals from many countries and regions.\n\n" +
			"Every year it holds a summit under one theme, with forums on topics such as 5G, IPv6, cloud computing and artificial intelligence; it runs calls for practice cases, publishes outcome documents, and trains people from developing countries in digital skills."},
	{Lang: i18n.ZhHans, Demo: true,
		Name:    "全球互联网合作论坛（演示）",
		Tagline: "携手构建网络空间命运共同体：一个用于试用乌镇平台的虚构组织。",
		About: "全球互联网合作论坛是一个虚构的国际组织，作为演示内容载入，供您试用本平台。" +
			"其会员包括来自多个国家和地区的政府、国际组织、企业、技术社群、民间团体、学术机构和个人。\n\n" +
			"论坛每年围绕同一主题举办峰会，并就5G、IPv6、云计算和人工智能等议题举办分论坛；征集实践案例，发布成果文件，并为发展中国家培训数字技能人才。"},
}
