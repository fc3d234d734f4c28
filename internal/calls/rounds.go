package calls

import (
	"context"
	"time"

	"github.com/wuzhen/wuzhen/internal/db"
	"github.com/wuzhen/wuzhen/internal/web"
)

// RoundEntry is a submission's place in a call's second round.
type RoundEntry struct{}

// roundMaterialWindow checks that sub may get round-2 material at now.
func (s *Store) roundMaterialWindow(ctx context.Context, tx *db.Tx, c *Call, sub *Submission, now time.Time) error {
	return attachmentError("calls.round.invalid")
}

func (h *Handlers) roundRoutes() []web.Route { return nil }

func (h *Handlers) roundOf(c *web.Ctx, sub *Submission) *RoundEntry { return nil }
