package documents

import (
	"context"
)

// EndorsementsOf returns the endorsements of the version with row id
// versionID: the tally (count, by stakeholder group, by continent) that
// GET /api/v1/documents/{slug} answers, and the endorsing members the
// public page lists. Anyone may call it; it reveals only what the public
// page shows.
//
// This is the hook of the endorsements work (item 4 of issue 11): until it
// lands, no version has endorsements. That work replaces this function's
// body (or this file); nothing else in the package needs to change.
func (s *Store) EndorsementsOf(ctx context.Context, versionID int64) (Endorsements, error) {
	return Endorsements{ByStakeholderGroup: map[string]int{}, ByContinent: map[string]int{}}, nil
}
