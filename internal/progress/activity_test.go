package progress_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/onramp/onramp/internal/db"
	"github.com/onramp/onramp/internal/errs"
	"github.com/onramp/onramp/internal/progress"
	"github.com/onramp/onramp/internal/testkit"
)

// activities is a stand-in for the practice scenarios and the drill corpus.
type activities struct{}

func (activities) HasScenario(id string) bool  { return id == "portal-sign-in" }
func (activities) HasDrillItem(id string) bool { return id == "ru-001" }

func intp(n int) *int    { return &n }
func boolp(b bool) *bool { return &b }

func scenarioSt(verb progress.Verb, step *int, res *progress.Result, at time.Time) progress.Statement {
	return progress.Statement{ID: newID(), Verb: verb, Object: progress.Object{Scenario: "portal-sign-in", Step: step},
		Result: res, Timestamp: at, Context: progress.Context{Lang: "lv"}}
}

func TestObjectKind(t *testing.T) {
	for _, c := range []struct {
		o    progress.Object
		want string
	}{
		{progress.Object{Course: "phone", Lesson: "a"}, progress.KindLesson},
		{progress.Object{Scenario: "x"}, progress.KindScenario},
		{progress.Object{Drill: "ru-001"}, progress.KindDrill},
		{progress.Object{}, ""},
		{progress.Object{Course: "phone", Lesson: "a", Scenario: "x"}, ""},
		{progress.Object{Scenario: "x", Drill: "y"}, ""},
		{progress.Object{Lesson: "a", Drill: "y"}, ""},
	} {
		if got := c.o.Kind(); got != c.want {
			t.Errorf("%+v: kind %q, want %q", c.o, got, c.want)
		}
	}
}

// Scenario and drill statements are accepted only when the activity exists,
// and refused as a whole batch otherwise; a service without Activities
// refuses them all.
func TestRecordActivities(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
		actor := progress.Actor{UserID: "u1", PlaceID: "p1"}
		drill := progress.Statement{ID: newID(), Verb: progress.Answered, Object: progress.Object{Drill: "ru-001"},
			Result: &progress.Result{Success: boolp(true), Response: "scam"}, Timestamp: at}

		bare := newSvc(t, d)
		if _, err := bare.Record(ctx, actor, []progress.Statement{drill}); errs.CodeOf(err) != errs.Invalid {
			t.Fatalf("drill statement without Activities: %v, want Invalid", err)
		}

		svc := newSvc(t, d).WithActivities(activities{})
		bad := []progress.Statement{
			{ID: newID(), Verb: progress.Started, Object: progress.Object{Scenario: "no-such"}, Timestamp: at},
			{ID: newID(), Verb: progress.Answered, Object: progress.Object{Drill: "ru-999"},
				Result: &progress.Result{Success: boolp(false)}, Timestamp: at},
			{ID: newID(), Verb: progress.Answered, Object: progress.Object{Drill: "ru-001", Step: intp(1)},
				Result: &progress.Result{Success: boolp(false)}, Timestamp: at},
			{ID: newID(), Verb: progress.Answered, Object: progress.Object{Scenario: "portal-sign-in"},
				Result: &progress.Result{Success: boolp(false)}, Timestamp: at}, // an answer needs its step
			{ID: newID(), Verb: progress.Completed, Object: progress.Object{Scenario: "portal-sign-in"},
				Result: &progress.Result{Tries: intp(-1)}, Timestamp: at},
			{ID: newID(), Verb: progress.Started, Object: progress.Object{Scenario: "portal-sign-in", Course: "phone"}, Timestamp: at},
		}
		for i, s := range bad {
			if _, err := svc.Record(ctx, actor, []progress.Statement{s}); errs.CodeOf(err) != errs.Invalid {
				t.Errorf("bad statement %d: %v, want Invalid", i, err)
			}
		}

		rec, err := svc.Record(ctx, actor, []progress.Statement{
			drill,
			scenarioSt(progress.Started, nil, nil, at),
			scenarioSt(progress.Answered, intp(0), &progress.Result{Success: boolp(true), Response: "tap-portal"}, at.Add(time.Second)),
			scenarioSt(progress.Completed, nil, &progress.Result{Success: boolp(true), Tries: intp(6), Hints: intp(1)}, at.Add(time.Minute)),
		})
		if err != nil || rec.Stored != 4 {
			t.Fatalf("record: %+v, %v", rec, err)
		}
		// Neither kind touches the lesson projections.
		if en, err := svc.Enrolments(ctx, "u1"); err != nil || len(en) != 0 {
			t.Fatalf("enrolments %v, %v; want none", en, err)
		}
		var n int
		if err := d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM statements WHERE kind = 'scenario' AND activity = 'portal-sign-in'
			AND tries IS NULL OR (kind = 'scenario' AND tries = 6 AND hints = 1)`).Scan(&n); err != nil || n != 3 {
			t.Fatalf("scenario statements stored: %d, %v", n, err)
		}
	})
}

// The practice record is the same whatever order the statements of several
// runs arrive in.
func TestPracticeResultOrderIndependent(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		base := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
		var sts []progress.Statement
		for run, tries := range []int{9, 5, 7} {
			at := base.Add(time.Duration(run) * time.Hour)
			sts = append(sts, scenarioSt(progress.Started, nil, nil, at),
				scenarioSt(progress.Completed, nil, &progress.Result{Success: boolp(true), Tries: intp(tries), Hints: intp(0)}, at.Add(time.Minute)))
		}
		sts = append(sts, scenarioSt(progress.Started, nil, nil, base.Add(5*time.Hour))) // a run left half-way
		want := progress.PracticeResult{Scenario: "portal-sign-in", RunsStarted: 4, RunsCompleted: 3, BestTries: 5,
			FirstCompletedAt: base.Add(time.Minute), LastAt: base.Add(5 * time.Hour)}
		rng := rand.New(rand.NewPCG(1, 2))
		for round := range 3 {
			svc := newSvc(t, d).WithActivities(activities{})
			actor := progress.Actor{UserID: "learner-" + string(rune('a'+round))}
			order := rng.Perm(len(sts))
			for _, i := range order {
				s := sts[i]
				s.ID = newID()
				if _, err := svc.Record(ctx, actor, []progress.Statement{s}); err != nil {
					t.Fatal(err)
				}
			}
			got, err := svc.Practice(ctx, actor.UserID)
			if err != nil {
				t.Fatal(err)
			}
			r := got["portal-sign-in"]
			if !r.Completed() || r.RunsStarted != want.RunsStarted || r.RunsCompleted != want.RunsCompleted ||
				r.BestTries != want.BestTries || !r.FirstCompletedAt.Equal(want.FirstCompletedAt) || !r.LastAt.Equal(want.LastAt) {
				t.Errorf("order %v: %+v, want %+v", order, r, want)
			}
		}
	})
}
