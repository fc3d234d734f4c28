package documents

import (
	"context"
)

// Handlers serve the documents pages and API.
type Handlers struct {
	Store *Store
	// Org returns the organisation's name in a language, for the PDF and
	// the feed; nil gives the platform's name.
	Org func(ctx context.Context, lang string) string
}
