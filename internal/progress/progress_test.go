package progress_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/onramp/onramp/internal/db"
	"github.com/onramp/onramp/internal/errs"
	"github.com/onramp/onramp/internal/progress"
	"github.com/onramp/onramp/internal/testkit"
)

// curriculum is a two-course stand-in for the course library.
type curriculum map[string][]string

func (c curriculum) LessonCount(course string) (int, bool) { l, ok := c[course]; return len(l), ok }
func (c curriculum) HasLesson(course, lesson string) bool {
	for _, l := range c[course] {
		if l == lesson {
			return true
		}
	}
	return false
}

var cur = curriculum{"phone": {"a", "b", "c"}, "safe": {"x", "y"}}

func newSvc(t *testing.T, d *db.DB) *progress.Service {
	b := db.NewBatcher(d, 64, 0)
	t.Cleanup(b.Close)
	return progress.NewService(d, b, cur, func() time.Time { return time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC) })
}

func st(id string, verb progress.Verb, course, lesson string, step int, at time.Time) progress.Statement {
	s := progress.Statement{ID: id, Verb: verb, Object: progress.Object{Course: course, Lesson: lesson}, Timestamp: at,
		Context: progress.Context{Lang: "ru"}}
	if step >= 0 {
		s.Object.Step = &step
	}
	if verb == progress.Answered {
		ok := step%2 == 0
		s.Result = &progress.Result{Success: &ok, Response: "1"}
	}
	return s
}

func newID() string { return uuid.Must(uuid.NewV7()).String() }

func TestRecordDuplicatesAndConflicts(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s := newSvc(t, d)
		actor := progress.Actor{UserID: "u1", PlaceID: "venue1"}
		at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
		batch := []progress.Statement{
			st(newID(), progress.Started, "phone", "a", -1, at),
			st(newID(), progress.Answered, "phone", "a", 2, at.Add(time.Minute)),
			st(newID(), progress.Completed, "phone", "a", -1, at.Add(2*time.Minute)),
		}
		rec, err := s.Record(ctx, actor, batch)
		if err != nil || rec.Stored != 3 {
			t.Fatalf("first: %+v %v", rec, err)
		}
		rec, err = s.Record(ctx, actor, batch)
		if err != nil || rec.Stored != 0 || rec.Duplicates != 3 {
			t.Fatalf("again: %+v %v", rec, err)
		}
		// Same id, other content: the whole batch is refused and nothing of it stored.
		changed := batch[1]
		changed.Result = &progress.Result{Success: new(bool), Response: "3"}
		fresh := st(newID(), progress.Started, "safe", "x", -1, at)
		_, err = s.Record(ctx, actor, []progress.Statement{fresh, changed})
		if !errs.Is(err, errs.Conflict) {
			t.Fatalf("want conflict, got %v", err)
		}
		var n int
		if err := d.R.QueryRowContext(ctx, `SELECT count(*) FROM statements WHERE id = $1`, fresh.ID).Scan(&n); err != nil || n != 0 {
			t.Fatalf("a refused batch must store nothing: n=%d err=%v", n, err)
		}
		// Another person reusing an id is a conflict too, never a silent duplicate.
		if _, err := s.Record(ctx, progress.Actor{UserID: "u2", PlaceID: "venue1"}, batch[:1]); !errs.Is(err, errs.Conflict) {
			t.Fatalf("id of another actor: %v", err)
		}
		en, err := s.Enrolments(ctx, "u1")
		if err != nil || len(en) != 1 || en[0].LessonsCompleted != 1 || en[0].Completed() {
			t.Fatalf("enrolments: %+v %v", en, err)
		}
	})
}

func TestRecordRefusesBadStatements(t *testing.T) {
	d := testkit.OpenSQLite(t)
	s := newSvc(t, d)
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	bad := []progress.Statement{
		st("not-a-uuid", progress.Started, "phone", "a", -1, at),
		st(newID(), "jumped", "phone", "a", -1, at),
		st(newID(), progress.Started, "nope", "a", -1, at),
		st(newID(), progress.Started, "phone", "zz", -1, at),
		st(newID(), progress.Started, "phone", "a", -1, time.Time{}),
		{ID: newID(), Verb: progress.Answered, Object: progress.Object{Course: "phone", Lesson: "a"}, Timestamp: at},
		st(newID(), progress.Started, "phone", "a", 5000, at),
	}
	_, err := s.Record(t.Context(), progress.Actor{UserID: "u"}, bad)
	var e *errs.Error
	if !errs.Is(err, errs.Invalid) || !asErr(err, &e) {
		t.Fatalf("got %v", err)
	}
	items := e.Args["Items"].([]progress.ItemError)
	if len(items) != len(bad) {
		t.Fatalf("want every statement reported, got %v", items)
	}
	if _, err := s.Record(t.Context(), progress.Actor{UserID: "u"}, nil); !errs.Is(err, errs.Invalid) {
		t.Fatal("empty batch accepted")
	}
}

func asErr(err error, e **errs.Error) bool {
	x, ok := err.(*errs.Error)
	if ok {
		*e = x
	}
	return ok
}

// TestOrderDoesNotMatter sends the same learners' records in many random
// orders, split into random batches with random repeats, and checks the
// projections and rollups come out identical every time.
func TestOrderDoesNotMatter(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d0 *db.DB) {
		base := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
		var all []struct {
			actor progress.Actor
			st    progress.Statement
		}
		for u := range 4 {
			actor := progress.Actor{UserID: fmt.Sprintf("u%d", u), PlaceID: fmt.Sprintf("v%d", u%2)}
			at := base.Add(time.Duration(u) * 26 * time.Hour)
			for _, c := range []string{"phone", "safe"} {
				for li, l := range cur[c] {
					if u == 3 && li > 0 {
						break // one learner does not finish
					}
					for _, verb := range []progress.Verb{progress.Started, progress.Answered, progress.Completed} {
						at = at.Add(7 * time.Hour)
						all = append(all, struct {
							actor progress.Actor
							st    progress.Statement
						}{actor, st(newID(), verb, c, l, li*2, at)})
					}
				}
			}
			// A lesson completed twice (two devices): the earlier one counts.
			all = append(all, struct {
				actor progress.Actor
				st    progress.Statement
			}{actor, st(newID(), progress.Completed, "phone", "a", -1, base.Add(-48*time.Hour))})
		}
		var want string
		rounds := 12
		if d0.Dialect == db.Postgres {
			rounds = 2
		}
		for round := range rounds {
			d := d0
			if round > 0 {
				if d0.Dialect == db.Postgres {
					d = testkit.OpenPostgres(t)
				} else {
					d = testkit.OpenSQLite(t)
				}
			}
			s := newSvc(t, d)
			rng := rand.New(rand.NewPCG(uint64(round), 7))
			order := rng.Perm(len(all))
			i := 0
			for i < len(order) {
				n := 1 + rng.IntN(6)
				byActor := map[progress.Actor][]progress.Statement{}
				for _, k := range order[i:min(i+n, len(order))] {
					byActor[all[k].actor] = append(byActor[all[k].actor], all[k].st)
				}
				for a, b := range byActor {
					if _, err := s.Record(t.Context(), a, b); err != nil {
						t.Fatal(err)
					}
					if rng.IntN(3) == 0 { // the same batch again
						if rec, err := s.Record(t.Context(), a, b); err != nil || rec.Stored != 0 {
							t.Fatalf("resend: %+v %v", rec, err)
						}
					}
				}
				i += n
			}
			got := snapshot(t, d)
			if round == 0 {
				want = got
				if !strings.Contains(want, "courses_completed=1") {
					t.Fatalf("no course completion in the snapshot:\n%s", want)
				}
				continue
			}
			if got != want {
				t.Fatalf("round %d differs:\n%s\n--- want ---\n%s", round, got, want)
			}
		}
	})
}

// snapshot prints the projections and the rollup in a stable order.
func snapshot(t *testing.T, d *db.DB) string {
	t.Helper()
	var lines []string
	q := func(query string, n int) {
		rows, err := d.R.QueryContext(context.Background(), query)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, n)
			ptrs := make([]any, n)
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for i, v := range vals {
				if bs, ok := v.([]byte); ok {
					v = string(bs)
				}
				fmt.Fprintf(&b, "%s=%v ", cols[i], v)
			}
			lines = append(lines, b.String())
		}
	}
	q(`SELECT actor_id, course_slug, started_at, last_at, last_lesson, lessons_completed, completed_at FROM enrolments`, 7)
	q(`SELECT actor_id, course_slug, lesson_slug, last_step, last_at, answers, correct, completed_at FROM lesson_progress`, 8)
	q(`SELECT place_id, course_slug, day, learners_started, lessons_completed, courses_completed, answers, answers_correct, statements
		FROM progress_daily WHERE learners_started <> 0 OR lessons_completed <> 0 OR courses_completed <> 0 OR statements <> 0`, 9)
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func TestParseBatch(t *testing.T) {
	good := `[{"id":"0195f3c2-7a6b-7cde-8f01-23456789abcd","verb":"started","object":{"course":"phone","lesson":"a"},"context":{"lang":"ru"},"timestamp":"2026-11-20T10:00:00Z"}]`
	sts, err := progress.ParseBatch(strings.NewReader(good))
	if err != nil || len(sts) != 1 {
		t.Fatal(sts, err)
	}
	single := good[1 : len(good)-1]
	if sts, err := progress.ParseBatch(strings.NewReader(single)); err != nil || len(sts) != 1 {
		t.Fatal("a single object must be a batch of one", err)
	}
	for _, bad := range []string{``, `[`, `{"id":1}`, `[{"unknown":1}]`, good + `x`, strings.Repeat(" ", progress.MaxBatchBytes+2)} {
		if _, err := progress.ParseBatch(strings.NewReader(bad)); !errs.Is(err, errs.Invalid) {
			t.Errorf("%.40q: %v", bad, err)
		}
	}
	var many []progress.Statement
	for range progress.MaxBatch + 1 {
		many = append(many, st(newID(), progress.Started, "phone", "a", -1, time.Now()))
	}
	b, _ := json.Marshal(many)
	if _, err := progress.ParseBatch(bytes.NewReader(b)); !errs.Is(err, errs.Invalid) {
		t.Error("too many statements accepted")
	}
}

func FuzzParseBatch(f *testing.F) {
	seeds := []string{
		`[]`, `{}`, `[{}]`, `null`, `[null]`, `"x"`, `[1,2]`,
		`[{"id":"0195f3c2-7a6b-7cde-8f01-23456789abcd","verb":"started","object":{"course":"phone","lesson":"a"},"timestamp":"2026-11-20T10:00:00Z"}]`,
		`{"id":"0195f3c2-7a6b-7cde-8f01-23456789abcd","verb":"answered","object":{"course":"phone","lesson":"a","step":2},"result":{"success":true,"response":"1"},"timestamp":"2026-11-20T10:00:00Z"}`,
		`[{"id":"x","verb":"completed","object":{"course":"phone","lesson":"a","step":-1},"timestamp":"1999-01-01T00:00:00Z"}]`,
		`[{"timestamp":"not a time"}]`, `[{"object":{"step":1e309}}]`, `[{"result":{"response":"\u0000\ud800"}}]`,
		`[{"context":{"lang":"вьет","offline":true}}]`, `[` + strings.Repeat(`{},`, 100) + `{}]`,
		"\xef\xbb\xbf[]", `[{"id":"0195f3c2-7a6b-7cde-8f01-23456789abcd"}] trailing`, `[[[[[[]]]]]]`,
		`[{"verb":"started","verb":"completed"}]`, `[{"object":{"course":"a/../b","lesson":"<script>"}}]`,
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		sts, err := progress.ParseBatch(strings.NewReader(in))
		if err != nil && !errs.Is(err, errs.Invalid) {
			t.Fatalf("a parse error must be Invalid: %v", err)
		}
		if err == nil && len(sts) > progress.MaxBatch {
			t.Fatal("limit not enforced")
		}
	})
}
