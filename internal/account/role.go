package account

import (
	"slices"
	"time"
)

// Role is what a person does in a programme. A role is granted on a place and
// reaches that place's whole subtree (a trainer on a municipality is a trainer at
// every venue in it).
type Role string

// The roles. A trainer is also a digital ambassador, librarian or volunteer: the
// job is the same, the title is the programme's.
const (
	Learner     Role = "learner"
	Trainer     Role = "trainer"
	Coordinator Role = "coordinator" // venue coordinator: library director, head of a social institution
	Outreach    Role = "outreach"    // door-to-door team member
	Caseworker  Role = "caseworker"  // case worker in a partner agency
	Manager     Role = "manager"     // programme manager: ministry, council, ward committee
	Analyst     Role = "analyst"     // read-only reports and exports
	Admin       Role = "admin"
)

// Roles lists every role, learner first, in the order a form shows them.
func Roles() []Role {
	return []Role{Learner, Trainer, Coordinator, Outreach, Caseworker, Manager, Analyst, Admin}
}

// ParseRole returns the role named s, and false when there is none.
func ParseRole(s string) (Role, bool) {
	r := Role(s)
	return r, r.Valid()
}

// Valid reports whether r is one of the roles.
func (r Role) Valid() bool { return slices.Contains(Roles(), r) }

// IsStaff reports whether r is a staff role: any role but learner.
func (r Role) IsStaff() bool { return r.Valid() && r != Learner }

// Action is something a role may be allowed to do. The web layer asks
// Grants.Allows(action, scope) before every object access; the place scope comes
// from the place package.
type Action string

// The actions. Each names a family of pages, not one page.
const (
	ActLearn            Action = "learn"             // take courses, practise, check a message for scams
	ActTeach            Action = "teach"             // run classes, record attendance, see who is stuck
	ActViewLearners     Action = "view_learners"     // read learner profiles and progress
	ActCreateLearners   Action = "create_learners"   // sign a person up, assisted accounts included
	ActResetPIN         Action = "reset_pin"         // set a learner's PIN
	ActIssueLoginCards  Action = "issue_login_cards" // print and revoke login cards
	ActManageClasses    Action = "manage_classes"    // classes, timetable, trainers of a venue
	ActManageDevices    Action = "manage_devices"    // donated computers and their state
	ActManageStaff      Action = "manage_staff"      // staff accounts and role grants (see Role.CanGrant)
	ActManagePlaces     Action = "manage_places"     // the place tree, populations
	ActManageProgrammes Action = "manage_programmes" // programmes, partners, targets, action plan
	ActViewReports      Action = "view_reports"      // dashboards and rollups
	ActExport           Action = "export"            // CSV / XLSX exports
	ActSurvey           Action = "survey"            // household digital-divide survey, visits
	ActRefer            Action = "refer"             // refer a need to a partner agency
	ActHandleReferrals  Action = "handle_referrals"  // case files: needs, referrals received, notes
)

// capabilities is the capability table: which roles may do what. It is read,
// never written.
//
//	action             learner trainer coordinator outreach caseworker manager analyst admin
//	learn                 x       x         x         x         x         x       x      x
//	teach                         x         x                                            x
//	view_learners                 x         x                                            x
//	create_learners               x         x                                            x
//	reset_pin                     x         x                                            x
//	issue_login_cards             x         x                                            x
//	manage_classes                          x                                            x
//	manage_devices                          x                                            x
//	manage_staff                            x                             x              x
//	manage_places                                                                        x
//	manage_programmes                                                     x              x
//	view_reports                            x                             x       x      x
//	export                                                                x       x      x
//	survey                                            x                                  x
//	refer                         x         x         x         x                        x
//	handle_referrals                                            x
//
// Decisions behind it:
//   - Everyone may learn: trainers are trained too (the cascade).
//   - Programme managers see people only through reports; reading learner
//     records is for the people who teach them (data minimisation).
//   - The analyst is read-only: reports and exports, nothing that writes.
//   - The administrator may do everything except read case files
//     (handle_referrals): those are need-to-know. An administrator who needs them
//     grants themself the caseworker role, which leaves a trace in grants.
//   - Who may grant which role is narrower than manage_staff; see Role.CanGrant.
func capabilities() map[Action][]Role {
	return map[Action][]Role{
		ActLearn:            {Learner, Trainer, Coordinator, Outreach, Caseworker, Manager, Analyst, Admin},
		ActTeach:            {Trainer, Coordinator, Admin},
		ActViewLearners:     {Trainer, Coordinator, Admin},
		ActCreateLearners:   {Trainer, Coordinator, Admin},
		ActResetPIN:         {Trainer, Coordinator, Admin},
		ActIssueLoginCards:  {Trainer, Coordinator, Admin},
		ActManageClasses:    {Coordinator, Admin},
		ActManageDevices:    {Coordinator, Admin},
		ActManageStaff:      {Coordinator, Manager, Admin},
		ActManagePlaces:     {Admin},
		ActManageProgrammes: {Manager, Admin},
		ActViewReports:      {Coordinator, Manager, Analyst, Admin},
		ActExport:           {Manager, Analyst, Admin},
		ActSurvey:           {Outreach, Admin},
		ActRefer:            {Trainer, Coordinator, Outreach, Caseworker, Admin},
		ActHandleReferrals:  {Caseworker},
	}
}

// grantable says which roles each role may grant (at a place within its own
// scope):
//
//	admin        any role
//	manager      coordinator, trainer, outreach, caseworker, analyst, learner (not manager, not admin)
//	coordinator  trainer, learner (the venue's own team and learners)
//	trainer      learner (signing a person up is granting learner on the venue)
//	others       none
//
// Nobody below admin can grant a role equal to or above their own, so a role
// cannot spread itself.
func grantable() map[Role][]Role {
	return map[Role][]Role{
		Admin:       {Learner, Trainer, Coordinator, Outreach, Caseworker, Manager, Analyst, Admin},
		Manager:     {Learner, Trainer, Coordinator, Outreach, Caseworker, Analyst},
		Coordinator: {Learner, Trainer},
		Trainer:     {Learner},
	}
}

// Actions lists every action, in the order of the capability table.
func Actions() []Action {
	return []Action{ActLearn, ActTeach, ActViewLearners, ActCreateLearners, ActResetPIN, ActIssueLoginCards,
		ActManageClasses, ActManageDevices, ActManageStaff, ActManagePlaces, ActManageProgrammes,
		ActViewReports, ActExport, ActSurvey, ActRefer, ActHandleReferrals}
}

// Can reports whether role r may do a (at the places its grant reaches).
func (r Role) Can(a Action) bool { return slices.Contains(capabilities()[a], r) }

// CanGrant reports whether role r may grant role target (at a place within its
// own scope).
func (r Role) CanGrant(target Role) bool { return slices.Contains(grantable()[r], target) }

// RolesFor lists the roles that may do a. The slice is a copy.
func RolesFor(a Action) []Role { return slices.Clone(capabilities()[a]) }

// Grant is a role held on a place.
type Grant struct {
	UserID    string
	Role      Role
	PlaceID   string
	GrantedBy string // "" for the first administrator
	GrantedAt time.Time
}

// Grants is everything one person holds. The web layer combines it with the
// place tree: a scope is the target place's ID followed by its ancestors' IDs
// (in any order), which the place package computes.
type Grants []Grant

// IsStaff reports whether any grant is a staff role.
func (gs Grants) IsStaff() bool {
	return slices.ContainsFunc(gs, func(g Grant) bool { return g.Role.IsStaff() })
}

// Has reports whether the person holds role r anywhere.
func (gs Grants) Has(r Role) bool {
	return slices.ContainsFunc(gs, func(g Grant) bool { return g.Role == r })
}

// OnlyLearner reports whether the person holds grants and all of them are
// learner grants: the web layer keeps such sessions to the person's own data and
// to the learners' idle time-out.
func (gs Grants) OnlyLearner() bool { return len(gs) > 0 && !gs.IsStaff() }

// Allows reports whether some grant lets the person do a at the place whose scope
// (the place and its ancestors) is given. An empty scope allows nothing.
func (gs Grants) Allows(a Action, scope []string) bool {
	for _, g := range gs {
		if g.Role.Can(a) && slices.Contains(scope, g.PlaceID) {
			return true
		}
	}
	return false
}

// AllowsGrant reports whether the person may grant role target at the place
// whose scope is given.
func (gs Grants) AllowsGrant(target Role, scope []string) bool {
	for _, g := range gs {
		if g.Role.CanGrant(target) && slices.Contains(scope, g.PlaceID) {
			return true
		}
	}
	return false
}

// PlacesFor returns the places (each reaching its subtree) where the person may
// do a, without duplicates, in grant order. List pages expand them to their
// subtrees through the place package and pass the result as Filter.PlaceIDs.
func (gs Grants) PlacesFor(a Action) []string {
	var out []string
	for _, g := range gs {
		if g.Role.Can(a) && !slices.Contains(out, g.PlaceID) {
			out = append(out, g.PlaceID)
		}
	}
	return out
}
