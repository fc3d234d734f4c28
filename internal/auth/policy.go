package auth

import "github.com/wuzhen/wuzhen/internal/web"

// Roles held by accounts. Stored, do not rename.
const (
	RoleAdmin       = "admin"
	RoleSecretariat = "secretariat"
	RoleCheckIn     = "checkin" // staff at the venue's check-in desk
)

// Roles lists the roles an account can be given.
var Roles = []string{RoleAdmin, RoleSecretariat, RoleCheckIn}

// Permissions of the platform. Capabilities add theirs to the table below.
const (
	PermAdmin       = web.PermAdmin // open the admin area
	PermOutbox      = "mail.outbox" // read the outbox
	PermAudit       = "audit.read"  // read the audit log
	PermManageUsers = "users.manage"
	PermMailLinks   = "mail.links"    // see sign-in links in the outbox
	PermMetrics     = web.PermMetrics // read /metrics with an API token on the site's address

	PermMembersReview = "members.review" // review applications, decide, see the queue
	PermMembersManage = "members.manage" // change memberships, export

	PermEventsManage  = "events.manage"  // events, categories, registrations, statistics
	PermEventsCheckIn = "events.checkin" // check people in at the venue

	PermCallsManage = "calls.manage" // run calls: set up, screen, reviewers, assign, rank, decide, publish results

	PermDocumentsManage = "documents.manage" // draft outcome documents: create, save, name and publish versions
	PermSettings        = "site.settings"    // the organisation's settings (web and API)
	// Training: trainers hold no role; their scope is per programme
	// (training's programme_trainers), checked by the training store.
	PermTrainingManage     = "training.manage"     // run programmes: intake, offers, sessions, attendance, certificates
	PermTrainingAttendance = "training.attendance" // record attendance at any programme's session (the check-in desk)
)

// grants is the one place where permissions are decided: which roles hold
// each permission. Later capabilities extend it (member representative,
// reviewer, trainer, check-in staff).
var grants = map[string][]string{
	PermAdmin:       {RoleAdmin, RoleSecretariat},
	PermOutbox:      {RoleAdmin, RoleSecretariat},
	PermAudit:       {RoleAdmin},
	PermManageUsers: {RoleAdmin},
	PermMailLinks:   {RoleAdmin},
	PermMetrics:     {RoleAdmin},

	PermMembersReview: {RoleAdmin, RoleSecretariat},
	PermMembersManage: {RoleAdmin, RoleSecretariat},

	PermEventsManage:  {RoleAdmin, RoleSecretariat},
	PermEventsCheckIn: {RoleAdmin, RoleSecretariat, RoleCheckIn},

	PermCallsManage: {RoleAdmin, RoleSecretariat},

	PermDocumentsManage:    {RoleAdmin, RoleSecretariat},
	PermSettings:           {RoleAdmin},
	PermTrainingManage:     {RoleAdmin, RoleSecretariat},
	PermTrainingAttendance: {RoleAdmin, RoleSecretariat, RoleCheckIn},
}

// Can reports whether p holds permission perm. An unknown permission is
// held by nobody.
func Can(p *web.Principal, perm string) bool {
	if p == nil {
		return false
	}
	for _, role := range grants[perm] {
		if p.HasRole(role) {
			return true
		}
	}
	return false
}

// Permissions lists every permission, for the authorisation test.
func Permissions() []string {
	out := make([]string, 0, len(grants))
	for p := range grants {
		out = append(out, p)
	}
	return out
}
