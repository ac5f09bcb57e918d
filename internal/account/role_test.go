package account

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

func TestCapabilityTable(t *testing.T) {
	if len(capabilities()) != len(Actions()) {
		t.Fatalf("%d actions in the table, %d in Actions()", len(capabilities()), len(Actions()))
	}
	for _, a := range Actions() {
		roles := RolesFor(a)
		if len(roles) == 0 {
			t.Errorf("action %s: no role may do it", a)
		}
		for _, r := range roles {
			if !r.Valid() {
				t.Errorf("action %s: unknown role %q", a, r)
			}
		}
		// Everything but case files is the administrator's.
		if want := a != ActHandleReferrals; Admin.Can(a) != want {
			t.Errorf("admin.Can(%s) = %v, want %v", a, !want, want)
		}
	}
	// The analyst only reads.
	for _, a := range Actions() {
		if Analyst.Can(a) && !slices.Contains([]Action{ActLearn, ActViewReports, ActExport}, a) {
			t.Errorf("analyst may %s; the analyst is read-only", a)
		}
	}
	// The brief's fixed points.
	for _, c := range []struct {
		r    Role
		a    Action
		want bool
	}{
		{Admin, ActManagePlaces, true}, {Manager, ActManagePlaces, false},
		{Trainer, ActCreateLearners, true}, {Coordinator, ActCreateLearners, true},
		{Outreach, ActCreateLearners, false}, {Learner, ActCreateLearners, false},
		{Trainer, ActResetPIN, true}, {Caseworker, ActResetPIN, false},
		{Manager, ActViewReports, true}, {Analyst, ActViewReports, true}, {Coordinator, ActViewReports, true},
		{Trainer, ActViewReports, false}, {Learner, ActLearn, true}, {Learner, ActTeach, false},
		{Role("boss"), ActLearn, false}, {Admin, Action("fly"), false},
	} {
		if got := c.r.Can(c.a); got != c.want {
			t.Errorf("%s.Can(%s) = %v, want %v", c.r, c.a, got, c.want)
		}
	}
}

func TestCanGrant(t *testing.T) {
	rank := map[Role]int{Learner: 0, Trainer: 1, Outreach: 1, Caseworker: 1, Analyst: 1, Coordinator: 2, Manager: 3, Admin: 4}
	for _, r := range Roles() {
		for _, target := range Roles() {
			if r.CanGrant(target) && r != Admin && rank[target] >= rank[r] {
				t.Errorf("%s may grant %s, which is not below it", r, target)
			}
		}
	}
	if !Trainer.CanGrant(Learner) || Trainer.CanGrant(Trainer) || !Manager.CanGrant(Coordinator) ||
		Manager.CanGrant(Manager) || !Admin.CanGrant(Admin) || Analyst.CanGrant(Learner) || Learner.CanGrant(Learner) {
		t.Fatal("CanGrant disagrees with its documented table")
	}
}

func TestRoles(t *testing.T) {
	if len(Roles()) != 8 {
		t.Fatalf("%d roles", len(Roles()))
	}
	for _, r := range Roles() {
		if got, ok := ParseRole(string(r)); !ok || got != r {
			t.Errorf("ParseRole(%q) = %q, %v", r, got, ok)
		}
		if r.IsStaff() == (r == Learner) {
			t.Errorf("%s.IsStaff() = %v", r, r.IsStaff())
		}
	}
	if _, ok := ParseRole("Admin"); ok {
		t.Error("ParseRole is case-sensitive")
	}
	if Role("").IsStaff() || Role("x").Valid() {
		t.Error("unknown roles count as roles")
	}
}

func TestGrantsScope(t *testing.T) {
	// region R > municipality M > venues A, B; a trainer on A, a coordinator on M.
	gs := Grants{
		{UserID: "u", Role: Trainer, PlaceID: "A"},
		{UserID: "u", Role: Coordinator, PlaceID: "M"},
	}
	scopeA := []string{"A", "M", "R"}
	scopeB := []string{"B", "M", "R"}
	scopeM := []string{"M", "R"}
	scopeR := []string{"R"}
	for _, c := range []struct {
		a     Action
		scope []string
		want  bool
	}{
		{ActTeach, scopeA, true},
		{ActTeach, scopeB, true},          // the coordinator on M reaches B
		{ActManageClasses, scopeA, true},  // through M
		{ActManageClasses, scopeR, false}, // above M
		{ActViewReports, scopeM, true},
		{ActManagePlaces, scopeA, false},
		{ActTeach, nil, false},
	} {
		if got := gs.Allows(c.a, c.scope); got != c.want {
			t.Errorf("Allows(%s, %v) = %v, want %v", c.a, c.scope, got, c.want)
		}
	}
	trainerOnly := Grants{{Role: Trainer, PlaceID: "A"}}
	if trainerOnly.Allows(ActTeach, scopeB) {
		t.Error("a trainer of venue A reaches venue B")
	}
	if !trainerOnly.AllowsGrant(Learner, scopeA) || trainerOnly.AllowsGrant(Learner, scopeB) ||
		trainerOnly.AllowsGrant(Trainer, scopeA) {
		t.Error("AllowsGrant ignores role or scope")
	}
	if got := gs.PlacesFor(ActTeach); !slices.Equal(got, []string{"A", "M"}) {
		t.Errorf("PlacesFor(teach) = %v", got)
	}
	if got := gs.PlacesFor(ActManagePlaces); got != nil {
		t.Errorf("PlacesFor(manage_places) = %v", got)
	}
	learner := Grants{{Role: Learner, PlaceID: "A"}}
	if !learner.OnlyLearner() || learner.IsStaff() || gs.OnlyLearner() || !gs.IsStaff() || (Grants{}).OnlyLearner() {
		t.Error("OnlyLearner / IsStaff wrong")
	}
	if !gs.Has(Coordinator) || gs.Has(Admin) {
		t.Error("Has wrong")
	}
}

// TestCapabilityTableDocumented keeps the table in the comment on capabilities
// equal to the map.
func TestCapabilityTableDocumented(t *testing.T) {
	var b strings.Builder
	b.WriteString("//\taction            ")
	for _, r := range Roles() {
		b.WriteString(" " + string(r))
	}
	b.WriteString("\n")
	for _, a := range Actions() {
		line := fmt.Sprintf("//\t%-18s", a)
		for _, r := range Roles() {
			mark := " "
			if r.Can(a) {
				mark = "x"
			}
			w := len(r) + 1
			line += strings.Repeat(" ", w/2) + mark + strings.Repeat(" ", w-w/2-1)
		}
		b.WriteString(strings.TrimRight(line, " ") + "\n")
	}
	src, err := os.ReadFile("role.go")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(src), b.String()) {
		t.Fatalf("the table in role.go differs from the map; it should read:\n%s", b.String())
	}
}
