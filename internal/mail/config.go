package mail

import (
	"errors"
	"fmt"
	netmail "net/mail"
	"net/url"
	"strconv"
	"strings"
)

// Config says how mail leaves the platform.
//
// SMTPURL names the server:
//
//	smtp://user:pass@host:587        STARTTLS, required (the default port is 587)
//	smtps://user:pass@host:465       implicit TLS (the default port is 465)
//	smtp+insecure://host:25          no TLS, for a relay on the local network
//	                                 (the default port is 25; no credentials)
//
// User and password are optional and percent-encoded. Empty SMTPURL means no
// SMTP: messages are kept in the outbox and logged.
//
// From is the sender, with an optional name ("Wuzhen <noreply@example.org>");
// it is required with SMTP.
type Config struct {
	SMTPURL string
	From    string
}

// ParseConfig checks an SMTP URL and a From address and returns them as a
// Config; main calls it with the operator's settings. A malformed URL, an
// unknown scheme, credentials on smtp+insecure:// or a missing or bad From
// with SMTP is an error naming the problem (the password is never in it).
func ParseConfig(smtpURL, from string) (Config, error) {
	c := Config{SMTPURL: strings.TrimSpace(smtpURL), From: strings.TrimSpace(from)}
	if _, err := c.server(); err != nil {
		return Config{}, err
	}
	return c, nil
}

// server is an SMTP server as a Config names it.
type server struct {
	host      string
	port      int
	implicit  bool // TLS from the first byte (smtps)
	plaintext bool // no TLS at all (smtp+insecure)
	user      string
	pass      string
	from      *netmail.Address
}

// server parses c; it returns nil, nil when c has no SMTP.
func (c Config) server() (*server, error) {
	if c.SMTPURL == "" {
		return nil, nil
	}
	u, err := url.Parse(c.SMTPURL)
	if err != nil {
		// url.Error quotes the URL, password included: say less.
		return nil, errors.New("mail: SMTP URL is not a valid URL (want smtp://user:pass@host:587, smtps://… or smtp+insecure://host:25)")
	}
	s := &server{host: u.Hostname()}
	switch u.Scheme {
	case "smtp":
		s.port = 587
	case "smtps":
		s.port, s.implicit = 465, true
	case "smtp+insecure":
		s.port, s.plaintext = 25, true
	default:
		return nil, fmt.Errorf("mail: SMTP URL scheme %q: want smtp, smtps or smtp+insecure", u.Scheme)
	}
	if s.host == "" || u.Opaque != "" {
		return nil, errors.New("mail: SMTP URL has no host (want scheme://user:pass@host:port)")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("mail: SMTP URL port %q is not a port number", p)
		}
		s.port = n
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return nil, errors.New("mail: SMTP URL takes no path, query or fragment")
	}
	if u.User != nil {
		s.user = u.User.Username()
		s.pass, _ = u.User.Password()
		if s.plaintext && (s.user != "" || s.pass != "") {
			return nil, errors.New("mail: smtp+insecure:// takes no user or password: they would cross the network in clear; use smtp:// (STARTTLS) or smtps://")
		}
		if s.user == "" && s.pass != "" {
			return nil, errors.New("mail: SMTP URL has a password but no user")
		}
	}
	if c.From == "" {
		return nil, errors.New("mail: a From address is required to send over SMTP")
	}
	if s.from, err = netmail.ParseAddress(c.From); err != nil {
		return nil, fmt.Errorf("mail: From address %q: %w", c.From, err)
	}
	return s, nil
}
