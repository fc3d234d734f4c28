// Package config reads the settings shared by every subcommand from flags,
// falling back to WUZHEN_* environment variables, then to defaults.
package config

import (
	"flag"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Config is the process's configuration.
type Config struct {
	Addr     string // listen address (serve)
	Data     string // data folder
	DB       string // database URL: sqlite:PATH or postgres://…
	Demo     bool   // load demo content into an empty database (serve)
	BaseURL  string // public address for links in mail; default from Addr
	SMTPURL  string // smtp://user:pass@host:587, smtps://…, smtp+insecure://…; empty keeps mail in the outbox
	MailFrom string // sender address
	LogJSON  bool   // logs as JSON lines instead of text
	// TrustedProxies are CIDR prefixes of reverse proxies whose
	// X-Forwarded-For header names the client.
	TrustedProxies []netip.Prefix
	proxies        string
	// Timeouts of the HTTP server (serve) against slow and idle clients:
	// the request's headers must arrive within ReadHeaderTimeout and the
	// whole request within ReadTimeout of its start, the answer must be
	// written within WriteTimeout, and a kept-alive connection is closed
	// after IdleTimeout without a request.
	ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout time.Duration
}

// The server's timeouts unless configured.
const (
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultReadTimeout       = 60 * time.Second
	DefaultWriteTimeout      = 60 * time.Second
	DefaultIdleTimeout       = 120 * time.Second
)

// Register defines the shared flags on fs and returns the Config they fill.
// Call Resolve after fs.Parse.
func Register(fs *flag.FlagSet) *Config {
	c := &Config{}
	fs.StringVar(&c.Data, "data", "", "data folder (env WUZHEN_DATA; default ./data)")
	fs.StringVar(&c.DB, "db", "", "database URL: sqlite:PATH or postgres://… (env WUZHEN_DB; default SQLite in the data folder)")
	return c
}

// RegisterServe defines the flags of the server on top of Register's.
func RegisterServe(fs *flag.FlagSet) *Config {
	c := Register(fs)
	fs.StringVar(&c.Addr, "addr", "", "listen address (env WUZHEN_ADDR; default 127.0.0.1:8080)")
	fs.BoolVar(&c.Demo, "demo", false, "load demo content into an empty database (env WUZHEN_DEMO=1)")
	fs.StringVar(&c.BaseURL, "base-url", "", "public address of the site, for links in mail (env WUZHEN_BASE_URL)")
	fs.StringVar(&c.SMTPURL, "smtp", "", "SMTP server URL; empty keeps mail in the outbox (env WUZHEN_SMTP)")
	fs.StringVar(&c.MailFrom, "mail-from", "", "sender address of mail (env WUZHEN_MAIL_FROM)")
	fs.BoolVar(&c.LogJSON, "log-json", false, "write logs as JSON lines (env WUZHEN_LOG_JSON=1)")
	fs.StringVar(&c.proxies, "trusted-proxies", "", "comma-separated CIDR prefixes of reverse proxies whose X-Forwarded-For names the client (env WUZHEN_TRUSTED_PROXIES)")
	fs.DurationVar(&c.ReadHeaderTimeout, "read-header-timeout", 0, "time a client has to send a request's headers (env WUZHEN_READ_HEADER_TIMEOUT; default 10s)")
	fs.DurationVar(&c.ReadTimeout, "read-timeout", 0, "time a client has to send a whole request, body included (env WUZHEN_READ_TIMEOUT; default 60s)")
	fs.DurationVar(&c.WriteTimeout, "write-timeout", 0, "time to write an answer (env WUZHEN_WRITE_TIMEOUT; default 60s)")
	fs.DurationVar(&c.IdleTimeout, "idle-timeout", 0, "time a kept-alive connection may wait for its next request (env WUZHEN_IDLE_TIMEOUT; default 120s)")
	return c
}

// Resolve fills what flags left empty from the environment and defaults.
func (c *Config) Resolve() error {
	env := func(dst *string, name, def string) {
		if *dst == "" {
			*dst = os.Getenv(name)
		}
		if *dst == "" {
			*dst = def
		}
	}
	env(&c.Data, "WUZHEN_DATA", "data")
	env(&c.DB, "WUZHEN_DB", "")
	env(&c.Addr, "WUZHEN_ADDR", "127.0.0.1:8080")
	env(&c.SMTPURL, "WUZHEN_SMTP", "")
	env(&c.MailFrom, "WUZHEN_MAIL_FROM", "")
	env(&c.BaseURL, "WUZHEN_BASE_URL", "")
	if os.Getenv("WUZHEN_DEMO") == "1" {
		c.Demo = true
	}
	if os.Getenv("WUZHEN_LOG_JSON") == "1" {
		c.LogJSON = true
	}
	if c.DB == "" {
		c.DB = "sqlite:" + filepath.Join(c.Data, "wuzhen.db")
	}
	env(&c.proxies, "WUZHEN_TRUSTED_PROXIES", "")
	for _, s := range strings.Split(c.proxies, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		if !strings.Contains(s, "/") {
			s += map[bool]string{true: "/128", false: "/32"}[strings.Contains(s, ":")]
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return fmt.Errorf("config: trusted proxy %q: %w", s, err)
		}
		c.TrustedProxies = append(c.TrustedProxies, p.Masked())
	}
	for _, t := range []struct {
		dst *time.Duration
		env string
		def time.Duration
	}{
		{&c.ReadHeaderTimeout, "WUZHEN_READ_HEADER_TIMEOUT", DefaultReadHeaderTimeout},
		{&c.ReadTimeout, "WUZHEN_READ_TIMEOUT", DefaultReadTimeout},
		{&c.WriteTimeout, "WUZHEN_WRITE_TIMEOUT", DefaultWriteTimeout},
		{&c.IdleTimeout, "WUZHEN_IDLE_TIMEOUT", DefaultIdleTimeout},
	} {
		if *t.dst == 0 {
			if s := os.Getenv(t.env); s != "" {
				d, err := time.ParseDuration(s)
				if err != nil {
					return fmt.Errorf("config: %s: %w", t.env, err)
				}
				*t.dst = d
			}
		}
		if *t.dst < 0 {
			return fmt.Errorf("config: %s must not be negative", t.env)
		}
		if *t.dst == 0 {
			*t.dst = t.def
		}
	}
	if !strings.HasPrefix(c.DB, "sqlite:") && !strings.HasPrefix(c.DB, "postgres://") && !strings.HasPrefix(c.DB, "postgresql://") {
		return fmt.Errorf("config: database URL must start with sqlite: or postgres:// (got %q)", redact(c.DB))
	}
	if c.BaseURL == "" {
		c.BaseURL = "http://" + LocalAddr(c.Addr)
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if c.MailFrom == "" {
		c.MailFrom = "wuzhen@localhost"
	}
	return nil
}

// redact hides a password in a URL for messages.
func redact(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		if j := strings.LastIndex(u, "@"); j > i {
			return u[:i+3] + "…@" + u[j+1:]
		}
	}
	return u
}

// LocalAddr turns a listen address into one a browser on this machine can
// open: an empty or wildcard host becomes localhost.
func LocalAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}
