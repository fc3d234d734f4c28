// Package config reads the settings shared by every subcommand from flags,
// falling back to WUZHEN_* environment variables, then to defaults.
package config

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is the process's configuration.
type Config struct {
	Addr string // listen address (serve)
	// MetricsAddr is a second listen address serving only /metrics, to
	// anyone who reaches it (serve); empty: no such listener, and /metrics
	// on Addr answers only an admin's API token.
	MetricsAddr string
	Data        string // data folder
	DB          string // database URL: sqlite:PATH or postgres://…
	Demo        bool   // load demo content into an empty database (serve)
	BaseURL     string // public address for links in mail; default from Addr
	SMTPURL     string // smtp://user:pass@host:587, smtps://…, smtp+insecure://…; empty keeps mail in the outbox
	MailFrom    string // sender address
	LogJSON     bool   // logs as JSON lines instead of text
	// SecretKey is the installation's secret (hex or base64, at least 32
	// bytes): it seals passport details and signs badges. Empty: the key
	// file in the data folder, made at first start (see Secret).
	SecretKey string
	// VisaRetentionDays is how many days after an event ends its visa
	// letter requests' passport details are deleted.
	VisaRetentionDays int
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
	fs.StringVar(&c.SecretKey, "secret-key", "", "secret key, hex or base64 of 32+ random bytes, the same for every instance (env WUZHEN_SECRET_KEY; default the file secret.key in the data folder, made at first start)")
	return c
}

// RegisterServe defines the flags of the server on top of Register's.
func RegisterServe(fs *flag.FlagSet) *Config {
	c := Register(fs)
	fs.StringVar(&c.Addr, "addr", "", "listen address (env WUZHEN_ADDR; default 127.0.0.1:8080)")
	fs.StringVar(&c.MetricsAddr, "metrics-addr", "", "listen address serving only /metrics, without sign-in, e.g. 127.0.0.1:9090 (env WUZHEN_METRICS_ADDR; default none: /metrics on --addr needs an admin's API token)")
	fs.BoolVar(&c.Demo, "demo", false, "load demo content into an empty database (env WUZHEN_DEMO=1)")
	fs.StringVar(&c.BaseURL, "base-url", "", "public address of the site, for links in mail (env WUZHEN_BASE_URL)")
	fs.StringVar(&c.SMTPURL, "smtp", "", "SMTP server URL; empty keeps mail in the outbox (env WUZHEN_SMTP)")
	fs.StringVar(&c.MailFrom, "mail-from", "", "sender address of mail (env WUZHEN_MAIL_FROM)")
	fs.BoolVar(&c.LogJSON, "log-json", false, "write logs as JSON lines (env WUZHEN_LOG_JSON=1)")
	fs.IntVar(&c.VisaRetentionDays, "visa-retention-days", 0, "days after an event ends when passport details are deleted (env WUZHEN_VISA_RETENTION_DAYS; default 30)")
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
	env(&c.MetricsAddr, "WUZHEN_METRICS_ADDR", "")
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
	env(&c.SecretKey, "WUZHEN_SECRET_KEY", "")
	if c.VisaRetentionDays == 0 {
		if v := os.Getenv("WUZHEN_VISA_RETENTION_DAYS"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return fmt.Errorf("config: WUZHEN_VISA_RETENTION_DAYS: %w", err)
			}
			c.VisaRetentionDays = n
		}
	}
	if c.VisaRetentionDays == 0 {
		c.VisaRetentionDays = 30
	}
	if c.VisaRetentionDays < 0 || c.VisaRetentionDays > 3650 {
		return fmt.Errorf("config: visa retention must be 1 to 3650 days (got %d)", c.VisaRetentionDays)
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

// SecretFile is the name of the key file in the data folder.
const SecretFile = "secret.key"

// Secret returns the installation's secret: SecretKey when set, else the
// content of the key file in the data folder, which is made (32 random
// bytes, hex, mode 0600) when missing; made reports that it was. A key
// file that others may read is refused. Several instances on PostgreSQL
// must share one secret: give each the same SecretKey.
func (c *Config) Secret() (key []byte, made bool, err error) {
	if c.SecretKey != "" {
		key, err = decodeSecret(c.SecretKey)
		if err != nil {
			return nil, false, fmt.Errorf("config: secret key (--secret-key or WUZHEN_SECRET_KEY): %w", err)
		}
		return key, false, nil
	}
	path := filepath.Join(c.Data, SecretFile)
	for range 2 {
		b, err := os.ReadFile(path)
		if err == nil {
			st, err := os.Stat(path)
			if err != nil {
				return nil, false, err
			}
			if st.Mode().Perm()&0o077 != 0 {
				return nil, false, fmt.Errorf("config: %s may be read by others (mode %04o): chmod 600 it", path, st.Mode().Perm())
			}
			key, err = decodeSecret(strings.TrimSpace(string(b)))
			if err != nil {
				return nil, false, fmt.Errorf("config: %s: %w", path, err)
			}
			return key, made, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, false, fmt.Errorf("config: secret key: %w", err)
		}
		if err := os.MkdirAll(c.Data, 0o700); err != nil {
			return nil, false, fmt.Errorf("config: secret key: %w", err)
		}
		// O_EXCL: of two processes starting together, one makes the file
		// and the other reads it on the next turn.
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, false, fmt.Errorf("config: secret key: %w", err)
		}
		raw := make([]byte, 32)
		rand.Read(raw)
		_, err = f.WriteString(hex.EncodeToString(raw) + "\n")
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(path)
			return nil, false, fmt.Errorf("config: secret key: %w", err)
		}
		made = true
	}
	return nil, false, fmt.Errorf("config: secret key: %s could not be read after it was made", path)
}

// decodeSecret reads a secret written in hex or base64 (standard or URL
// alphabet, padded or not); it must hold at least 32 bytes.
func decodeSecret(s string) ([]byte, error) {
	var b []byte
	var err error
	if len(s)%2 == 0 && strings.Trim(s, "0123456789abcdefABCDEF") == "" {
		b, err = hex.DecodeString(s)
	} else {
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
			if b, err = enc.DecodeString(s); err == nil {
				break
			}
		}
	}
	if err != nil {
		return nil, errors.New("not hex or base64")
	}
	if len(b) < 32 {
		return nil, fmt.Errorf("%d bytes; at least 32 are needed (openssl rand -hex 32)", len(b))
	}
	return b, nil
}
