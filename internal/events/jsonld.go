package events

// jsonLD is the schema.org Event description of an event, for search
// engines and calendars (rendered by html/template as JSON in a
// <script type="application/ld+json">, which no browser executes).
func jsonLD(e *Event, base, lang string) map[string]any {
	ld := map[string]any{
		"@context":   "https://schema.org",
		"@type":      "Event",
		"name":       e.Title.For(lang),
		"startDate":  e.ISO(e.Starts),
		"endDate":    e.ISO(e.Ends),
		"url":        base + "/events/" + e.Slug,
		"inLanguage": lang,
	}
	if d := e.Theme.For(lang); d != "" {
		ld["description"] = d
	}
	switch {
	case e.Status == Cancelled:
		ld["eventStatus"] = "https://schema.org/EventCancelled"
	default:
		ld["eventStatus"] = "https://schema.org/EventScheduled"
	}
	var places []map[string]any
	if e.Venue != "" {
		p := map[string]any{"@type": "Place", "name": e.Venue}
		if e.Country != "" {
			p["address"] = map[string]any{"@type": "PostalAddress", "addressCountry": e.Country}
		}
		places = append(places, p)
	}
	if e.OnlineURL != "" {
		places = append(places, map[string]any{"@type": "VirtualLocation", "url": e.OnlineURL})
	}
	switch {
	case e.Hybrid():
		ld["eventAttendanceMode"] = "https://schema.org/MixedEventAttendanceMode"
	case e.OnlineURL != "":
		ld["eventAttendanceMode"] = "https://schema.org/OnlineEventAttendanceMode"
	default:
		ld["eventAttendanceMode"] = "https://schema.org/OfflineEventAttendanceMode"
	}
	if len(places) == 1 {
		ld["location"] = places[0]
	} else if len(places) > 1 {
		ld["location"] = places
	}
	return ld
}
