package documents

// The endorsements the public page and GET /api/v1/documents/{slug} show
// come from Store.EndorsementsOf, in endorsements.go (the hook that lived
// here until the endorsements work landed).
