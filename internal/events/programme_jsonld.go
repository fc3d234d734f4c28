package events

import "fmt"

// schema.org descriptions of the programme, for search engines and
// calendars: a session is an Event within its event (superEvent), its
// people are performers; an event lists its forums and sessions as
// subEvent.

// sessionLD is the schema.org Event of a session.
func sessionLD(x *Session, base, lang string) map[string]any {
	e := x.Event
	ld := map[string]any{
		"@context":  "https://schema.org",
		"@type":     "Event",
		"name":      x.Title.For(lang),
		"startDate": x.StartISO(),
		"endDate":   x.EndISO(),
		"url":       base + x.Path(),
		"superEvent": map[string]any{"@type": "Event", "name": e.Title.For(lang), "url": base + "/events/" + e.Slug,
			"startDate": e.ISO(e.Starts), "endDate": e.ISO(e.Ends)},
	}
	if d := x.Description.For(lang); d != "" {
		ld["description"] = d
	}
	if x.Language != "" {
		ld["inLanguage"] = x.Language
	}
	if e.Status == Cancelled {
		ld["eventStatus"] = "https://schema.org/EventCancelled"
	} else {
		ld["eventStatus"] = "https://schema.org/EventScheduled"
	}
	// The place: the room within the venue, and the event's online link.
	base0 := jsonLD(e, base, lang)
	ld["eventAttendanceMode"] = base0["eventAttendanceMode"]
	if loc, ok := base0["location"]; ok {
		if p, ok := loc.(map[string]any); ok && p["@type"] == "Place" && x.Room != "" {
			room := map[string]any{"@type": "Place", "name": x.Room, "containedInPlace": p}
			ld["location"] = room
		} else if ps, ok := loc.([]map[string]any); ok && x.Room != "" {
			out := make([]map[string]any, len(ps))
			for i, p := range ps {
				out[i] = p
				if p["@type"] == "Place" {
					out[i] = map[string]any{"@type": "Place", "name": x.Room, "containedInPlace": p}
				}
			}
			ld["location"] = out
		} else {
			ld["location"] = loc
		}
	}
	var performers []map[string]any
	for _, a := range x.People {
		performers = append(performers, personRef(a.Person, base, lang))
	}
	if len(performers) > 0 {
		ld["performer"] = performers
	}
	return ld
}

// personRef is a person as a schema.org Person within another thing.
func personRef(p *Person, base, lang string) map[string]any {
	ref := map[string]any{"@type": "Person", "name": p.DisplayName(lang), "url": fmt.Sprintf("%s/speakers/%d", base, p.ID)}
	if p.NameLatin != "" {
		ref["alternateName"] = p.NameLatin
	}
	if org := p.Organization.For(lang); org != "" {
		ref["affiliation"] = map[string]any{"@type": "Organization", "name": org}
	}
	return ref
}

// personLD is the schema.org Person of a speaker's page.
func personLD(p *Person, base, lang string) map[string]any {
	ld := personRef(p, base, lang)
	ld["@context"] = "https://schema.org"
	if b := p.Bio.For(lang); b != "" {
		ld["description"] = b
	}
	if u := p.PhotoURL(); u != "" {
		ld["image"] = base + u
	}
	return ld
}

// withSubEvents adds to an event's schema.org description its forums and
// its own sessions.
func withSubEvents(ld map[string]any, e *Event, children []*Event, sessions []*Session, base, lang string) {
	var subs []map[string]any
	for _, c := range children {
		subs = append(subs, map[string]any{"@type": "Event", "name": c.Title.For(lang), "url": base + "/events/" + c.Slug,
			"startDate": c.ISO(c.Starts), "endDate": c.ISO(c.Ends)})
	}
	for _, x := range sessions {
		if x.EventID == e.ID {
			subs = append(subs, map[string]any{"@type": "Event", "name": x.Title.For(lang), "url": base + x.Path(),
				"startDate": x.StartISO(), "endDate": x.EndISO()})
		}
	}
	if len(subs) > 0 {
		ld["subEvent"] = subs
	}
}
