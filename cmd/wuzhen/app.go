package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/wuzhen/wuzhen/internal/admin"
	"github.com/wuzhen/wuzhen/internal/audit"
	"github.com/wuzhen/wuzhen/internal/auth"
	"github.com/wuzhen/wuzhen/internal/calls"
	"github.com/wuzhen/wuzhen/internal/config"
	"github.com/wuzhen/wuzhen/internal/crypt"
	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/demo"
	"github.com/wuzhen/wuzhen/internal/documents"
	"github.com/wuzhen/wuzhen/internal/events"
	"github.com/wuzhen/wuzhen/internal/jobs"
	"github.com/wuzhen/wuzhen/internal/mail"
	"github.com/wuzhen/wuzhen/internal/members"
	"github.com/wuzhen/wuzhen/internal/pagecache"
	"github.com/wuzhen/wuzhen/internal/search"
	"github.com/wuzhen/wuzhen/internal/site"
	"github.com/wuzhen/wuzhen/internal/training"
	"github.com/wuzhen/wuzhen/internal/web"
)

// migrations lists every package's schema, platform first.
var migrations = []db.Migrations{
	jobs.Migrations, mail.Migrations, audit.Migrations, pagecache.Migrations, search.Migrations, auth.Migrations, site.Migrations,
	members.Migrations, events.Migrations,
	calls.Migrations,
	documents.Migrations, training.Migrations,
}

// pages lists every package's templates.
var pages = []web.PageSource{auth.Templates, site.Templates, admin.Templates, members.Templates, search.Templates, events.Templates,
	calls.Templates, documents.Templates, training.Templates}

// app is every concrete part, wired.
type app struct {
	cfg      *config.Config
	log      *slog.Logger
	db       *db.DB
	users    *auth.Store
	site     *site.Store
	members  *members.Store
	events   *events.Store
	calls    *calls.Store
	docs     *documents.Store
	training *training.Store // programmes for developing countries
	sender   *mail.Sender
	web      *web.Server
	keyMade  bool // open made the secret key file; serve says so
	// setupCode opens /setup from elsewhere than this machine while the
	// install is empty; serve logs it.
	setupCode string
}

func newLogger(cfg *config.Config) *slog.Logger {
	var h slog.Handler
	if cfg.LogJSON {
		h = slog.NewJSONHandler(os.Stderr, nil)
	} else {
		h = slog.NewTextHandler(os.Stderr, nil)
	}
	return slog.New(web.LogHandler{Handler: h})
}

// open opens and migrates the database and builds the stores.
func open(ctx context.Context, cfg *config.Config) (*app, error) {
	a := &app{cfg: cfg, log: newLogger(cfg)}
	d, err := db.Open(ctx, cfg.DB)
	if err != nil {
		return nil, err
	}
	if err := d.Migrate(ctx, migrations...); err != nil {
		d.Close()
		return nil, err
	}
	a.db = d
	a.users = &auth.Store{DB: d, Log: a.log, Params: auth.DefaultParams, BaseURL: cfg.BaseURL}
	a.site = &site.Store{DB: d}
	a.members = &members.Store{DB: d, BaseURL: cfg.BaseURL}
	secret, made, err := cfg.Secret()
	if err != nil {
		d.Close()
		return nil, err
	}
	keys, err := crypt.New(secret)
	if err != nil {
		d.Close()
		return nil, err
	}
	a.keyMade = made
	a.events = &events.Store{DB: d, BaseURL: cfg.BaseURL, Keys: keys, Members: a.members}
	if err := a.events.CheckKey(ctx); err != nil {
		d.Close()
		return nil, err
	}
	a.calls = &calls.Store{DB: d, BaseURL: cfg.BaseURL, IsMember: a.actsForMember}
	a.training = &training.Store{DB: d, Keys: keys, BaseURL: cfg.BaseURL}
	// What each capability holds about a person: for their data download,
	// their account page and the deletion of their account.
	a.docs = &documents.Store{DB: d, Members: a.members}
	a.users.Personal = []auth.PersonalData{members.Personal{Store: a.members}, events.Personal{Store: a.events},
		calls.Personal{Store: a.calls}, documents.Personal{Store: a.docs}, training.Personal{Store: a.training}}
	// The organisation's country names and developing-country rule, for
	// every page, export and command of this process (serve keeps them
	// fresh with site.Store.Watch).
	if err := a.site.Refresh(ctx); err != nil {
		d.Close()
		return nil, err
	}
	return a, nil
}

// handler builds the web server with every route.
func (a *app) handler() (*web.Server, error) {
	mc, err := mail.ParseConfig(a.cfg.SMTPURL, a.cfg.MailFrom)
	if err != nil {
		return nil, err
	}
	a.sender = mail.NewSender(mc, a.db, a.log)
	a.sender.From = a.site.MailFrom // the organisation's settings name the sender
	tpl, err := web.ParseTemplates(pages...)
	if err != nil {
		return nil, err
	}
	srv := web.New(web.Config{
		Logger: a.log, Identity: a.users, Policy: auth.Can, BaseURL: a.cfg.BaseURL,
		Brand: a.site.Brand, DefaultLang: a.site.DefaultLang, Ready: a.db.Ready, Templates: tpl, Now: a.db.Now, Cache: pagecache.New(a.db, 2000),
		TrustedProxies: a.cfg.TrustedProxies,
	})
	a.setupCode = site.SetupCode()
	srv.Handle((&site.Handlers{Store: a.site, Users: a.users, SetupCode: a.setupCode,
		UploadedLogo: members.UploadedLogo}).Routes()...)
	srv.Handle((&auth.Handlers{Store: a.users}).Routes()...)
	srv.Handle((&members.Handlers{Store: a.members}).Routes()...)
	trainingHandlers := &training.Handlers{Store: a.training, Org: a.site.Brand}
	srv.Handle((&events.Handlers{Store: a.events, Org: a.site.Brand, Signatory: a.site.Signatory, Zone: a.site.DefaultZone,
		Verifiers: []events.Verifier{{Match: training.IsCertificateCode, Serve: trainingHandlers.VerifyPage}}}).Routes()...)
	srv.Handle((&search.Handlers{DB: a.db}).Routes()...)
	srv.Handle((&calls.Handlers{Store: a.calls, Org: a.site.Brand}).Routes()...)
	srv.Handle((&documents.Handlers{Store: a.docs, Org: a.site.Brand}).Routes()...)
	srv.Handle(trainingHandlers.Routes()...)
	srv.Handle(signingKeyRoute(a.training.Keys))
	srv.Handle((&admin.Handlers{DB: a.db, Users: a.users, SMTP: mc.SMTPURL != "", Links: []admin.Link{
		{Path: "/admin/applications", Key: "members.queue.title", Perm: members.PermReview},
		{Path: "/admin/members", Key: "members.lifecycle.title", Perm: members.PermManage},
		{Path: "/admin/events", Key: "events.admin.title", Perm: events.PermManage},
		{Path: "/admin/calls", Key: "calls.admin.title", Perm: calls.PermManage},
		{Path: "/admin/training", Key: "training.admin.title", Perm: training.PermManage},
		{Path: "/admin/people", Key: "account.people.title", Perm: auth.PermManageUsers},
		{Path: "/admin/documents", Key: "documents.admin.title", Perm: documents.PermManage},
		{Path: "/admin/consultations", Key: "consultation.admin.title", Perm: documents.PermManage},
		{Path: "/admin/settings", Key: "install.settings.title", Perm: auth.PermSettings},
	}}).Routes()...)
	if a.keyMade {
		a.log.Info("made a new secret key file; back it up apart from the database, and give every instance the same key (WUZHEN_SECRET_KEY)",
			"file", filepath.Join(a.cfg.Data, config.SecretFile))
	}
	a.web = srv
	return srv, nil
}

// signingKeyRoute publishes the platform's Ed25519 public key (PEM), with
// which anyone verifies what the platform signs (certificates) offline.
func signingKeyRoute(keys *crypt.Keys) web.Route {
	pem := crypt.PublicKeyPEM(keys.PublicKey())
	return web.Route{Method: "GET", Path: "/.well-known/wuzhen-signing-key", Access: web.Public, Handle: func(c *web.Ctx) error {
		c.W.Header().Set("Content-Type", "application/x-pem-file")
		c.W.Header().Set("Cache-Control", "public, max-age=3600")
		_, err := c.W.Write(pem)
		return err
	}}
}

// worker builds the background job worker with every job kind.
func (a *app) worker() *jobs.Worker {
	return jobs.NewWorker(a.db, a.log, map[string]jobs.Handler{
		mail.JobKind: a.sender.Handle,
		// A change of country names rebuilds the search documents that hold them.
		site.ReindexJob: func(ctx context.Context, _ json.RawMessage) error {
			_, err := a.reindex(ctx)
			return err
		},
	})
}

// maintain deletes expired sessions and tokens, passport details after
// their events, and old finished jobs, and merges the search index, now
// and then every period, until ctx ends.
func (a *app) maintain(ctx context.Context, period time.Duration) {
	for {
		a.maintainOnce(ctx)
		select {
		case <-ctx.Done():
			return
		case <-time.After(period):
		}
	}
}

// maintainOnce is one pass of maintain; serve runs one before it prints
// its last lines, so that what the pass logs comes before them.
func (a *app) maintainOnce(ctx context.Context) {
	{
		if n, err := a.users.Sweep(ctx); err != nil {
			a.log.Error("sweep accounts", "err", err)
		} else if n > 0 {
			a.log.Info("swept expired sessions and tokens", "rows", n)
		}
		if reminded, lapsed, err := a.members.Lifecycle(ctx, a.db.Now()); err != nil {
			a.log.Error("membership lifecycle", "err", err)
		} else if reminded+lapsed > 0 {
			a.log.Info("membership lifecycle", "reminded", reminded, "lapsed", lapsed)
		}
		if n, err := a.events.PurgeVisas(ctx, a.cfg.VisaRetentionDays); err != nil {
			a.log.Error("purge passport details", "err", err)
		} else if n > 0 {
			a.log.Info("deleted passport details after their events", "letters", n, "retention_days", a.cfg.VisaRetentionDays)
		}
		if n, err := a.events.PurgeFiles(ctx, a.cfg.VisaRetentionDays); err != nil {
			a.log.Error("purge registration files", "err", err)
		} else if n > 0 {
			a.log.Info("deleted registration files after their events", "files", n, "retention_days", a.cfg.VisaRetentionDays)
		}
		if n, err := a.training.Sweep(ctx); err != nil {
			a.log.Error("expire training offers", "err", err)
		} else if n > 0 {
			a.log.Info("expired training offers and filled their seats from the waitlists", "programmes", n)
		}
		if _, err := jobs.Prune(ctx, a.db, 30*24*time.Hour); err != nil {
			a.log.Error("prune jobs", "err", err)
		}
		if steps, err := search.Tidy(ctx, a.db); err != nil {
			a.log.Error("tidy the search index", "err", err)
		} else if steps > 0 {
			a.log.Info("tidied the search index", "steps", steps)
		}
	}
}

func (a *app) close() {
	if a.db != nil {
		a.db.Close()
	}
}

// demoDeps are the stores the demo loader fills.
func (a *app) demoDeps() demo.Deps {
	return demo.Deps{DB: a.db, Users: a.users, Site: a.site, Members: a.members, Events: a.events, Calls: a.calls, Documents: a.docs,
		Training: a.training}
}

// actsForMember reports whether an account represents an active member:
// who may submit to a call for members only.
func (a *app) actsForMember(ctx context.Context, userID int64) (bool, error) {
	list, err := a.members.Represented(ctx, userID)
	if err != nil {
		return false, err
	}
	for _, m := range list {
		if m.Standing == members.Active {
			return true, nil
		}
	}
	return false, nil
}
