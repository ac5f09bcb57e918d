package progress

import (
	"context"
	"database/sql"
	"errors"

	"github.com/onramp/onramp/internal/db"
)

// The SQL of the progress area. Statements are inserted with ON CONFLICT DO
// NOTHING; the projections are updated so that the final state does not depend
// on the order statements arrive in (offline batches come late and shuffled).

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// insertStatement stores st; inserted is false when the id exists already, and
// then sameContent says whether the stored statement has the same content.
func insertStatement(ctx context.Context, tx queryer, actor Actor, st Statement, hash, stored string) (inserted, sameContent bool, err error) {
	var id string
	err = tx.QueryRowContext(ctx, `INSERT INTO statements
		(id, actor_id, place_id, verb, course_slug, lesson_slug, step, success, response, lang, offline, ts, stored_at, hash,
		 kind, activity, tries, hints)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
		ON CONFLICT (id) DO NOTHING RETURNING id`,
		st.ID, actor.UserID, actor.PlaceID, string(st.Verb), st.Object.Course, st.Object.Lesson, st.step(), st.success(),
		st.response(), st.Context.Lang, st.Context.Offline, db.FormatTime(st.Timestamp), stored, hash,
		st.Object.Kind(), st.Object.activity(), st.tries(), st.hints()).Scan(&id)
	if err == nil {
		return true, false, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return false, false, err
	}
	var oldHash, oldActor string
	if err := tx.QueryRowContext(ctx, `SELECT hash, actor_id FROM statements WHERE id = $1`, st.ID).Scan(&oldHash, &oldActor); err != nil {
		return false, false, err
	}
	return false, oldHash == hash && oldActor == actor.UserID, nil
}

// touchEnrolment records activity on a course. created reports a new
// enrolment; movedFrom is the old start time when this statement moved the start
// earlier (a late offline batch), so the rollup can move its count.
func touchEnrolment(ctx context.Context, tx queryer, actor Actor, st Statement, ts string) (created bool, movedFrom string, err error) {
	var got string
	err = tx.QueryRowContext(ctx, `INSERT INTO enrolments (actor_id, course_slug, place_id, started_at, last_at, last_lesson)
		VALUES ($1, $2, $3, $4, $4, $5) ON CONFLICT (actor_id, course_slug) DO NOTHING RETURNING actor_id`,
		actor.UserID, st.Object.Course, actor.PlaceID, ts, st.Object.Lesson).Scan(&got)
	if err == nil {
		return true, "", nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return false, "", err
	}
	var started, place string
	if err := tx.QueryRowContext(ctx, `SELECT started_at, place_id FROM enrolments WHERE actor_id = $1 AND course_slug = $2`,
		actor.UserID, st.Object.Course).Scan(&started, &place); err != nil {
		return false, "", err
	}
	// last_lesson follows the latest statement; ties go to the larger lesson
	// slug so the result does not depend on arrival order.
	_, err = tx.ExecContext(ctx, `UPDATE enrolments SET
		started_at  = CASE WHEN $3 < started_at THEN $3 ELSE started_at END,
		last_lesson = CASE WHEN $3 > last_at OR ($3 = last_at AND $4 > last_lesson) THEN $4 ELSE last_lesson END,
		last_at     = CASE WHEN $3 > last_at THEN $3 ELSE last_at END
		WHERE actor_id = $1 AND course_slug = $2`, actor.UserID, st.Object.Course, ts, st.Object.Lesson)
	if err != nil {
		return false, "", err
	}
	if ts < started {
		return false, started, nil
	}
	return false, "", nil
}

// touchLesson records activity on a lesson: the furthest step, answers.
func touchLesson(ctx context.Context, tx queryer, actor Actor, st Statement, ts string) error {
	answers, correct := 0, 0
	if st.Verb == Answered {
		answers = 1
		if st.Result.Success != nil && *st.Result.Success {
			correct = 1
		}
	}
	step := max(st.step(), 0)
	_, err := tx.ExecContext(ctx, `INSERT INTO lesson_progress (actor_id, course_slug, lesson_slug, last_step, last_at, answers, correct)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (actor_id, course_slug, lesson_slug) DO UPDATE SET
			last_step = CASE WHEN excluded.last_step > lesson_progress.last_step THEN excluded.last_step ELSE lesson_progress.last_step END,
			last_at   = CASE WHEN excluded.last_at > lesson_progress.last_at THEN excluded.last_at ELSE lesson_progress.last_at END,
			answers   = lesson_progress.answers + excluded.answers,
			correct   = lesson_progress.correct + excluded.correct`,
		actor.UserID, st.Object.Course, st.Object.Lesson, step, ts, answers, correct)
	return err
}

// completeLesson marks a lesson done. first reports whether it was not done
// before; movedFrom is the old completion time when a late-arriving earlier
// completion moved it back.
func completeLesson(ctx context.Context, tx queryer, actor Actor, st Statement, ts string) (first bool, movedFrom string, err error) {
	var old sql.NullString
	if err := tx.QueryRowContext(ctx, `SELECT completed_at FROM lesson_progress
		WHERE actor_id = $1 AND course_slug = $2 AND lesson_slug = $3`,
		actor.UserID, st.Object.Course, st.Object.Lesson).Scan(&old); err != nil {
		return false, "", err
	}
	if old.Valid && old.String <= ts {
		return false, "", nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE lesson_progress SET completed_at = $4
		WHERE actor_id = $1 AND course_slug = $2 AND lesson_slug = $3`,
		actor.UserID, st.Object.Course, st.Object.Lesson, ts); err != nil {
		return false, "", err
	}
	if old.Valid {
		return false, old.String, nil
	}
	return true, "", nil
}

// countLessonDone adds one finished lesson to the enrolment.
func countLessonDone(ctx context.Context, tx queryer, actor Actor, course string) error {
	_, err := tx.ExecContext(ctx, `UPDATE enrolments SET lessons_completed = lessons_completed + 1
		WHERE actor_id = $1 AND course_slug = $2`, actor.UserID, course)
	return err
}

// courseCompletion sets the course's completion time to the latest completion
// of its lessons once all total lessons are done (so it does not depend on the
// order completions arrive in). It returns the old and new times ("" = not
// complete).
func courseCompletion(ctx context.Context, tx queryer, actor Actor, course string, total int) (before, after string, err error) {
	var done int
	var completed sql.NullString
	if err := tx.QueryRowContext(ctx, `SELECT lessons_completed, completed_at FROM enrolments WHERE actor_id = $1 AND course_slug = $2`,
		actor.UserID, course).Scan(&done, &completed); err != nil {
		return "", "", err
	}
	before = completed.String
	if done < total {
		return before, before, nil
	}
	var latest string
	if err := tx.QueryRowContext(ctx, `SELECT MAX(completed_at) FROM lesson_progress
		WHERE actor_id = $1 AND course_slug = $2 AND completed_at IS NOT NULL`, actor.UserID, course).Scan(&latest); err != nil {
		return "", "", err
	}
	if latest == before {
		return before, before, nil
	}
	_, err = tx.ExecContext(ctx, `UPDATE enrolments SET completed_at = $3 WHERE actor_id = $1 AND course_slug = $2`,
		actor.UserID, course, latest)
	return before, latest, err
}

// bump adds to the daily rollup of a place and course.
func bump(ctx context.Context, tx queryer, place, course, day string, d rollupDelta) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO progress_daily
		(place_id, course_slug, day, learners_started, lessons_completed, courses_completed, answers, answers_correct, statements)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (place_id, course_slug, day) DO UPDATE SET
			learners_started  = progress_daily.learners_started + excluded.learners_started,
			lessons_completed = progress_daily.lessons_completed + excluded.lessons_completed,
			courses_completed = progress_daily.courses_completed + excluded.courses_completed,
			answers           = progress_daily.answers + excluded.answers,
			answers_correct   = progress_daily.answers_correct + excluded.answers_correct,
			statements        = progress_daily.statements + excluded.statements`,
		place, course, day, d.started, d.lessons, d.courses, d.answers, d.correct, d.statements)
	return err
}

type rollupDelta struct{ started, lessons, courses, answers, correct, statements int }

func findEnrolments(ctx context.Context, q queryer, actorID string) ([]Enrolment, error) {
	rows, err := q.QueryContext(ctx, `SELECT course_slug, place_id, started_at, last_at, last_lesson, lessons_completed, completed_at
		FROM enrolments WHERE actor_id = $1 ORDER BY last_at DESC`, actorID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Enrolment
	for rows.Next() {
		var e Enrolment
		var started, last string
		var completed sql.NullString
		if err := rows.Scan(&e.Course, &e.PlaceID, &started, &last, &e.LastLesson, &e.LessonsCompleted, &completed); err != nil {
			return nil, err
		}
		e.StartedAt, _ = db.ParseTime(started)
		e.LastAt, _ = db.ParseTime(last)
		if completed.Valid {
			e.CompletedAt, _ = db.ParseTime(completed.String)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func findLessonProgress(ctx context.Context, q queryer, actorID, course string) (map[string]LessonProgress, error) {
	rows, err := q.QueryContext(ctx, `SELECT lesson_slug, last_step, last_at, answers, correct, completed_at
		FROM lesson_progress WHERE actor_id = $1 AND course_slug = $2`, actorID, course)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]LessonProgress{}
	for rows.Next() {
		var lp LessonProgress
		var last string
		var completed sql.NullString
		if err := rows.Scan(&lp.Lesson, &lp.LastStep, &last, &lp.Answers, &lp.Correct, &completed); err != nil {
			return nil, err
		}
		lp.LastAt, _ = db.ParseTime(last)
		if completed.Valid {
			lp.CompletedAt, _ = db.ParseTime(completed.String)
		}
		out[lp.Lesson] = lp
	}
	return out, rows.Err()
}

// touchPractice updates the learner's record of one practice scenario: runs
// started and finished, the fewest tries of a finished run and the first time
// one was finished. Counts, MIN and MAX do not depend on the order statements
// arrive in.
func touchPractice(ctx context.Context, tx queryer, actor Actor, st Statement, ts string) error {
	var started, completed int
	var best any
	var first any
	switch st.Verb {
	case Started:
		started = 1
	case Completed:
		completed = 1
		best = st.tries()
		first = ts
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO practice_results
		(actor_id, scenario, place_id, runs_started, runs_completed, best_tries, first_completed_at, last_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (actor_id, scenario) DO UPDATE SET
		  runs_started = practice_results.runs_started + excluded.runs_started,
		  runs_completed = practice_results.runs_completed + excluded.runs_completed,
		  best_tries = CASE
		    WHEN excluded.best_tries IS NULL THEN practice_results.best_tries
		    WHEN practice_results.best_tries IS NULL OR excluded.best_tries < practice_results.best_tries THEN excluded.best_tries
		    ELSE practice_results.best_tries END,
		  first_completed_at = CASE
		    WHEN excluded.first_completed_at IS NULL THEN practice_results.first_completed_at
		    WHEN practice_results.first_completed_at IS NULL OR excluded.first_completed_at < practice_results.first_completed_at
		      THEN excluded.first_completed_at
		    ELSE practice_results.first_completed_at END,
		  last_at = CASE WHEN excluded.last_at > practice_results.last_at THEN excluded.last_at ELSE practice_results.last_at END`,
		actor.UserID, st.Object.Scenario, actor.PlaceID, started, completed, best, first, ts)
	return err
}

// findPractice reads a learner's practice records, by scenario id.
func findPractice(ctx context.Context, q queryer, actorID string) (map[string]PracticeResult, error) {
	rows, err := q.QueryContext(ctx, `SELECT scenario, runs_started, runs_completed, best_tries, first_completed_at, last_at
		FROM practice_results WHERE actor_id = $1`, actorID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]PracticeResult{}
	for rows.Next() {
		var r PracticeResult
		var best sql.NullInt64
		var first sql.NullString
		var last string
		if err := rows.Scan(&r.Scenario, &r.RunsStarted, &r.RunsCompleted, &best, &first, &last); err != nil {
			return nil, err
		}
		r.BestTries = int(best.Int64)
		if first.Valid {
			if r.FirstCompletedAt, err = db.ParseTime(first.String); err != nil {
				return nil, err
			}
		}
		if r.LastAt, err = db.ParseTime(last); err != nil {
			return nil, err
		}
		out[r.Scenario] = r
	}
	return out, rows.Err()
}
