package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/wuzhen/wuzhen/internal/config"
	"github.com/wuzhen/wuzhen/internal/demo"
	"github.com/wuzhen/wuzhen/internal/errs"
	"github.com/wuzhen/wuzhen/internal/i18n"
	"github.com/wuzhen/wuzhen/internal/mail"
	"github.com/wuzhen/wuzhen/internal/site"
)

func serve(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	cfg := config.RegisterServe(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := cfg.Resolve(); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	a, err := open(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.close()
	srv, err := a.handler()
	if err != nil {
		return err
	}
	var creds []demo.Credential
	demoLoaded := false
	if cfg.Demo {
		if creds, demoLoaded, err = demo.Load(ctx, a.demoDeps()); err != nil {
			return err
		}
		if demoLoaded {
			// The demo's mail goes to made-up addresses: keep it in the
			// outbox, unsent and unlogged, and say so in one line; with
			// the reminders that the first maintenance makes for it.
			a.maintainOnce(ctx)
			n, err := mail.KeepQueued(ctx, a.db)
			if err != nil {
				return err
			}
			a.log.Info("demo: mail made by the demo is kept in the outbox, not sent or logged", "messages", n, "outbox", "/admin/outbox")
		}
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	hs := httpServer(cfg, srv)
	workCtx, stopWork := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := a.worker().Run(workCtx); err != nil && !errors.Is(err, context.Canceled) {
			a.log.Error("jobs stopped", "err", err)
		}
	}()
	wg.Add(1)
	go func() {
		defer wg.Done()
		a.maintain(workCtx, time.Hour)
	}()
	serveErr := make(chan error, 2)
	go func() { serveErr <- hs.Serve(ln) }()
	var ms *http.Server
	if cfg.MetricsAddr != "" {
		mln, err := net.Listen("tcp", cfg.MetricsAddr)
		if err != nil {
			hs.Close()
			stopWork()
			wg.Wait()
			return fmt.Errorf("metrics address: %w", err)
		}
		ms = httpServer(cfg, srv.MetricsHandler())
		go func() { serveErr <- ms.Serve(mln) }()
		fmt.Printf("Metrics are served at http://%s/metrics, to anyone who reaches that address.\n", mln.Addr())
	}

	wg.Add(1)
	go func() {
		defer wg.Done()
		a.site.Watch(workCtx, func(err error) { a.log.Error("refresh the organisation's settings", "err", err) })
	}()

	a.log.Info("listening", "addr", ln.Addr().String(), "db", string(a.db.Dialect()), "data", cfg.Data)
	if pending, err := a.site.SetupPending(ctx); err != nil {
		a.log.Error("first run", "err", err)
	} else if pending {
		a.log.Info(site.SetupLog(cfg.BaseURL, a.setupCode))
	}
	// The last lines: with which accounts, and what to open (the very
	// last line, which scripts and tests read).
	switch {
	case demoLoaded:
		fmt.Println("Demo accounts (shown once, keep them):")
		for _, c := range creds {
			fmt.Printf("  %-14s %-36s password: %s\n", c.Role, c.Email, c.Password)
		}
	case cfg.Demo:
		fmt.Println("Demo content not loaded: the database already has accounts.")
	}
	fmt.Printf("Wuzhen is running at http://%s/ (database: %s). Press Ctrl+C to stop.\n", ln.Addr(), a.db.Dialect())

	select {
	case err = <-serveErr:
	case <-ctx.Done():
		stop() // a second Ctrl+C ends the process at once
		a.log.Info("shutting down")
		sctx, cancel := context.WithTimeout(context.Background(), 25*time.Second)
		err = hs.Shutdown(sctx)
		if ms != nil {
			ms.Shutdown(sctx)
		}
		cancel()
		if err != nil {
			a.log.Error("requests did not finish in time", "err", err)
			hs.Close()
		}
	}
	if ms != nil {
		ms.Close()
	}
	hs.Close()
	stopWork()
	wg.Wait()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	a.log.Info("stopped")
	return err
}

// httpServer is the HTTP server of serve, with its limits against slow,
// idle and greedy clients.
func httpServer(cfg *config.Config, h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		ReadTimeout:       cfg.ReadTimeout,
		WriteTimeout:      cfg.WriteTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
	}
}

func migrate(args []string) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	cfg := config.Register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := cfg.Resolve(); err != nil {
		return err
	}
	a, err := open(context.Background(), cfg)
	if err != nil {
		return err
	}
	defer a.close()
	fmt.Printf("Database is up to date (%s).\n", a.db.Dialect())
	return nil
}

func userCreate(args []string) error {
	fs := flag.NewFlagSet("user create", flag.ContinueOnError)
	cfg := config.Register(fs)
	email := fs.String("email", "", "email address (required)")
	name := fs.String("name", "", "full name (required)")
	role := fs.String("role", "", "role: admin or secretariat (optional)")
	stdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := cfg.Resolve(); err != nil {
		return err
	}
	if *email == "" || *name == "" {
		return fmt.Errorf("user create: --email and --name are required")
	}
	var password string
	if *stdin {
		line, err := bufio.NewReader(os.Stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		password = strings.TrimRight(line, "\r\n")
	}
	var roles []string
	if *role != "" {
		roles = []string{*role}
	}
	a, err := open(context.Background(), cfg)
	if err != nil {
		return err
	}
	defer a.close()
	u, err := a.users.Create(context.Background(), *email, *name, password, roles...)
	if err != nil {
		return explain(err)
	}
	fmt.Printf("Created account %d: %s (%s)", u.ID, u.Email, u.Name)
	if len(roles) > 0 {
		fmt.Printf(", role %s", strings.Join(roles, ", "))
	}
	fmt.Println()
	if password == "" {
		fmt.Println("No password set: use \"Forgot your password?\" on the sign-in page to set one.")
	}
	return nil
}

func tokenCreate(args []string) error {
	fs := flag.NewFlagSet("token create", flag.ContinueOnError)
	cfg := config.Register(fs)
	email := fs.String("email", "", "email address of the account (required)")
	label := fs.String("name", "", "a label for the token")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := cfg.Resolve(); err != nil {
		return err
	}
	if *email == "" {
		return fmt.Errorf("token create: --email is required")
	}
	a, err := open(context.Background(), cfg)
	if err != nil {
		return err
	}
	defer a.close()
	tok, err := a.users.CreateToken(context.Background(), *email, *label)
	if err != nil {
		return explain(err)
	}
	fmt.Println("Personal API token (shown once; send it as \"Authorization: Bearer TOKEN\"):")
	fmt.Println(tok)
	return nil
}

// explain says an error for the terminal, in English.
func explain(err error) error {
	e, ok := errs.As(err)
	if !ok {
		return err
	}
	p := i18n.For(i18n.En)
	var parts []string
	for _, f := range e.Fields {
		parts = append(parts, "--"+f.Name+": "+p.T(f.Key, f.Args...))
	}
	if len(parts) == 0 {
		return errors.New(p.T(e.Key))
	}
	return errors.New(strings.Join(parts, "; "))
}
