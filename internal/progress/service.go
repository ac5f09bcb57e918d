package progress

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/onramp/onramp/internal/db"
	"github.com/onramp/onramp/internal/errs"
)

// Actor is the signed-in person a batch belongs to and the place (their venue)
// their records count for.
type Actor struct {
	UserID  string
	PlaceID string
}

// Enrolment is a person's progress in one course.
type Enrolment struct {
	Course           string
	PlaceID          string
	StartedAt        time.Time
	LastAt           time.Time
	LastLesson       string
	LessonsCompleted int
	CompletedAt      time.Time // zero until every lesson is done
}

// Completed reports whether every lesson of the course is done.
func (e Enrolment) Completed() bool { return !e.CompletedAt.IsZero() }

// LessonProgress is a person's progress in one lesson.
type LessonProgress struct {
	Lesson      string
	LastStep    int
	LastAt      time.Time
	Answers     int
	Correct     int
	CompletedAt time.Time
}

// Completed reports whether the lesson is done.
func (lp LessonProgress) Completed() bool { return !lp.CompletedAt.IsZero() }

// Service takes statements in and answers progress questions.
type Service struct {
	d       *db.DB
	batch   *db.Batcher
	lessons Lessons
	acts    Activities
	now     func() time.Time
}

// NewService builds the service. Writes go through batch (group commit); lessons
// tells which courses and lessons exist.
func NewService(d *db.DB, batch *db.Batcher, lessons Lessons, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{d: d, batch: batch, lessons: lessons, now: now}
}

// WithActivities tells the intake which practice scenarios and scam-drill
// items exist, so their statements are accepted. Call it before the service
// is used; it returns s.
func (s *Service) WithActivities(a Activities) *Service {
	s.acts = a
	return s
}

// Receipt says what became of a batch.
type Receipt struct {
	Stored     int `json:"stored"`
	Duplicates int `json:"duplicates"`
}

// Record stores a batch for actor, all or nothing: a statement sent again with
// the same content is counted as a duplicate and changes nothing; the same id
// with other content refuses the whole batch, which is then stored nowhere.
// The call returns once the batch is committed.
//
// Errors: errs.Invalid (progress.error.invalid_batch with Args["Items"] the
// []ItemError; progress.error.empty); errs.Conflict (progress.error.conflict
// with Args["IDs"] the conflicting ids); errs.Internal.
func (s *Service) Record(ctx context.Context, actor Actor, sts []Statement) (Receipt, error) {
	if len(sts) == 0 {
		return Receipt{}, errs.E(errs.Invalid, "progress.error.empty", nil)
	}
	if len(sts) > MaxBatch {
		return Receipt{}, &errs.Error{Code: errs.Invalid, Key: "progress.error.too_many", Args: map[string]any{"Max": MaxBatch}}
	}
	now := s.now()
	var bad []ItemError
	seen := map[string]int{}
	for i := range sts {
		if key := sts[i].validate(s.lessons, s.acts, now); key != "" {
			bad = append(bad, ItemError{Index: i, ID: sts[i].ID, Key: key})
			continue
		}
		if j, dup := seen[sts[i].ID]; dup && sts[j].hash() != sts[i].hash() {
			bad = append(bad, ItemError{Index: i, ID: sts[i].ID, Key: "progress.error.conflict"})
		}
		seen[sts[i].ID] = i
	}
	if len(bad) > 0 {
		return Receipt{}, itemsErr(bad)
	}
	var rec Receipt
	var conflicts []string
	stored := db.FormatTime(now)
	err := s.batch.Do(ctx, func(tx *sql.Tx) error {
		rec, conflicts = Receipt{}, nil
		for _, st := range sts {
			inserted, same, err := insertStatement(ctx, tx, actor, st, st.hash(), stored)
			if err != nil {
				return err
			}
			if !inserted {
				if !same {
					conflicts = append(conflicts, st.ID)
				} else {
					rec.Duplicates++
				}
				continue
			}
			if err := s.project(ctx, tx, actor, st); err != nil {
				return err
			}
			rec.Stored++
		}
		if len(conflicts) > 0 {
			return errConflictBatch
		}
		return nil
	})
	if errors.Is(err, errConflictBatch) {
		return Receipt{}, &errs.Error{Code: errs.Conflict, Key: "progress.error.conflict", Args: map[string]any{"IDs": conflicts}}
	}
	if err != nil {
		return Receipt{}, errs.Wrap(err, "progress: record")
	}
	return rec, nil
}

var errConflictBatch = errors.New("progress: conflicting statement id")

// project applies one new statement to the projections and the rollup.
func (s *Service) project(ctx context.Context, tx *sql.Tx, actor Actor, st Statement) error {
	switch st.Object.Kind() {
	case KindScenario:
		return touchPractice(ctx, tx, actor, st, db.FormatTime(st.Timestamp))
	case KindDrill:
		return nil // the scam area keeps the drill's own state
	}
	ts := db.FormatTime(st.Timestamp)
	day := st.Timestamp.Format(time.DateOnly)
	course := st.Object.Course
	d := rollupDelta{statements: 1}
	if st.Verb == Answered {
		d.answers = 1
		if *st.Result.Success {
			d.correct = 1
		}
	}
	created, movedFrom, err := touchEnrolment(ctx, tx, actor, st, ts)
	if err != nil {
		return err
	}
	if created {
		d.started = 1
	} else if movedFrom != "" {
		// An earlier statement arrived late: the learner started on an earlier day.
		if err := s.move(ctx, tx, actor.PlaceID, course, movedFrom, day, rollupDelta{started: 1}); err != nil {
			return err
		}
	}
	if err := touchLesson(ctx, tx, actor, st, ts); err != nil {
		return err
	}
	if st.Verb == Completed {
		first, lessonMoved, err := completeLesson(ctx, tx, actor, st, ts)
		if err != nil {
			return err
		}
		if first {
			d.lessons = 1
			if err := countLessonDone(ctx, tx, actor, course); err != nil {
				return err
			}
		} else if lessonMoved != "" {
			if err := s.move(ctx, tx, actor.PlaceID, course, lessonMoved, day, rollupDelta{lessons: 1}); err != nil {
				return err
			}
		}
		if first || lessonMoved != "" {
			total, _ := s.lessons.LessonCount(course)
			before, after, err := courseCompletion(ctx, tx, actor, course, total)
			if err != nil {
				return err
			}
			if before != after {
				if before != "" {
					if err := s.move(ctx, tx, actor.PlaceID, course, before, dayOf(after), rollupDelta{courses: 1}); err != nil {
						return err
					}
				} else if err := bump(ctx, tx, actor.PlaceID, course, dayOf(after), rollupDelta{courses: 1}); err != nil {
					return err
				}
			}
		}
	}
	return bump(ctx, tx, actor.PlaceID, course, day, d)
}

// move takes a count off the day of from and puts it on day.
func (s *Service) move(ctx context.Context, tx *sql.Tx, place, course, from, day string, d rollupDelta) error {
	if dayOf(from) == day {
		return nil
	}
	neg := rollupDelta{started: -d.started, lessons: -d.lessons, courses: -d.courses}
	if err := bump(ctx, tx, place, course, dayOf(from), neg); err != nil {
		return err
	}
	return bump(ctx, tx, place, course, day, d)
}

// dayOf is the date part of a stored timestamp.
func dayOf(ts string) string {
	if len(ts) < 10 {
		return ts
	}
	return ts[:10]
}

// Enrolments lists a person's courses, the most recently used first.
// Errors: errs.Internal.
func (s *Service) Enrolments(ctx context.Context, userID string) ([]Enrolment, error) {
	out, err := findEnrolments(ctx, s.d.R, userID)
	return out, errs.Wrap(err, "progress: enrolments")
}

// LessonProgress gives a person's progress in each lesson of a course they have
// opened, by lesson slug.
// Errors: errs.Internal.
func (s *Service) LessonProgress(ctx context.Context, userID, course string) (map[string]LessonProgress, error) {
	out, err := findLessonProgress(ctx, s.d.R, userID, course)
	return out, errs.Wrap(err, "progress: lesson progress")
}

// PracticeResult is a learner's record of one practice scenario.
type PracticeResult struct {
	Scenario         string
	RunsStarted      int
	RunsCompleted    int
	BestTries        int       // the fewest actions in a finished run; 0 when none finished
	FirstCompletedAt time.Time // zero when no run finished
	LastAt           time.Time
}

// Completed reports whether the learner has finished the scenario at least once.
func (r PracticeResult) Completed() bool { return r.RunsCompleted > 0 }

// Practice returns a learner's practice records by scenario id (an empty map
// when there are none). Errors: errs.Internal.
func (s *Service) Practice(ctx context.Context, userID string) (map[string]PracticeResult, error) {
	out, err := findPractice(ctx, s.d.R, userID)
	return out, errs.Wrap(err, "progress: practice")
}
