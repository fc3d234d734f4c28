package events

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// calendar writes an RFC 5545 calendar: CRLF line ends, lines folded at 75
// octets without splitting a character, text escaped, times in UTC.
type calendar struct {
	b     strings.Builder
	stamp time.Time
	host  string
}

func newCalendar(name, host string, now time.Time) *calendar {
	c := &calendar{stamp: now.UTC(), host: host}
	c.line("BEGIN:VCALENDAR")
	c.line("VERSION:2.0")
	c.line("PRODID:-//Wuzhen//Events//EN")
	c.line("CALSCALE:GREGORIAN")
	c.line("METHOD:PUBLISH")
	c.prop("X-WR-CALNAME", name)
	return c
}

// refresh asks calendar apps that subscribe to refresh every period (an
// RFC 5545 duration such as PT1H): RFC 7986 REFRESH-INTERVAL and the
// older X-PUBLISHED-TTL. It comes before any event.
func (c *calendar) refresh(period string) {
	c.line("REFRESH-INTERVAL;VALUE=DURATION:" + period)
	c.line("X-PUBLISHED-TTL:" + period)
}

// vevent is one calendar entry.
type vevent struct {
	UID, Summary, Description, Location, URL string
	Start, End                               time.Time
	Cancelled                                bool
}

func (c *calendar) event(v vevent) {
	c.line("BEGIN:VEVENT")
	c.line("UID:" + v.UID + "@" + c.host)
	c.line("DTSTAMP:" + icsTime(c.stamp))
	c.line("DTSTART:" + icsTime(v.Start))
	c.line("DTEND:" + icsTime(v.End))
	c.prop("SUMMARY", v.Summary)
	if v.Description != "" {
		c.prop("DESCRIPTION", v.Description)
	}
	if v.Location != "" {
		c.prop("LOCATION", v.Location)
	}
	if v.URL != "" {
		c.line("URL:" + v.URL)
	}
	if v.Cancelled {
		c.line("STATUS:CANCELLED")
	} else {
		c.line("STATUS:CONFIRMED")
	}
	c.line("END:VEVENT")
}

func (c *calendar) String() string {
	c.line("END:VCALENDAR")
	return c.b.String()
}

func icsTime(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// prop writes a text property, escaped.
func (c *calendar) prop(name, value string) {
	c.line(name + ":" + icsEscape(value))
}

func icsEscape(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\n' || r == 0x7f {
			return -1
		}
		return r
	}, strings.ReplaceAll(s, "\r\n", "\n"))
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\n", `\n`).Replace(s)
}

// line writes one content line, folded: no physical line longer than 75
// octets, continuation lines starting with a space.
func (c *calendar) line(s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		c.b.WriteString(s[:cut])
		c.b.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	c.b.WriteString(s)
	c.b.WriteString("\r\n")
}

// uid is an event's stable calendar identity.
func uid(kind string, id int64) string { return fmt.Sprintf("%s-%d", kind, id) }
