// Package actor names who is acting: the one type that every store takes
// for "the person doing this", whether the request came from a page, the
// API or a command. It imports nothing of the project, so that platform
// packages (web, auth) and capability stores share it without a store ever
// importing web.
package actor

import "slices"

// Actor is a signed-in person acting on the platform. The zero ID means
// nobody (a system task); a nil *Actor means an anonymous reader.
type Actor struct {
	ID     int64
	Email  string
	Name   string
	Roles  []string
	Locale string // preferred interface language, "" when unset
}

// HasRole reports whether a holds role. A nil actor holds none.
func (a *Actor) HasRole(role string) bool {
	return a != nil && slices.Contains(a.Roles, role)
}

// Signed reports whether a is a signed-in person.
func (a *Actor) Signed() bool { return a != nil && a.ID != 0 }
