package progress

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/onramp/onramp/internal/errs"
)

// Verb is what a learner did. The set is small on purpose; Export maps each to
// its xAPI verb IRI.
type Verb string

// The verbs.
const (
	Started     Verb = "started"     // opened a lesson
	Experienced Verb = "experienced" // reached a step
	Answered    Verb = "answered"    // answered a question step (result.success)
	Completed   Verb = "completed"   // finished a lesson
)

// Verbs lists every verb.
func Verbs() []Verb { return []Verb{Started, Experienced, Answered, Completed} }

// IRI is the xAPI verb identifier of v.
func (v Verb) IRI() string {
	switch v {
	case Started:
		return "http://adlnet.gov/expapi/verbs/launched"
	case Experienced:
		return "http://adlnet.gov/expapi/verbs/experienced"
	case Answered:
		return "http://adlnet.gov/expapi/verbs/answered"
	case Completed:
		return "http://adlnet.gov/expapi/verbs/completed"
	}
	return ""
}

// Object is what the statement is about: exactly one of a lesson (Course and
// Lesson, or one step of it), a practice scenario run (Scenario, or one step of
// it) and a scam-drill item (Drill).
type Object struct {
	Course   string `json:"course,omitempty"`
	Lesson   string `json:"lesson,omitempty"`
	Step     *int   `json:"step,omitempty"`
	Scenario string `json:"scenario,omitempty"`
	Drill    string `json:"drill,omitempty"`
}

// The kinds of object a statement can be about.
const (
	KindLesson   = "lesson"
	KindScenario = "scenario"
	KindDrill    = "drill"
)

// Kind says what o is about: KindLesson, KindScenario or KindDrill; "" when o
// names none or more than one.
func (o Object) Kind() string {
	lesson := o.Course != "" || o.Lesson != ""
	switch {
	case lesson && o.Scenario == "" && o.Drill == "":
		return KindLesson
	case !lesson && o.Scenario != "" && o.Drill == "":
		return KindScenario
	case !lesson && o.Scenario == "" && o.Drill != "":
		return KindDrill
	}
	return ""
}

// activity is the id stored for a scenario or drill object ("" for a lesson).
func (o Object) activity() string {
	switch o.Kind() {
	case KindScenario:
		return o.Scenario
	case KindDrill:
		return o.Drill
	}
	return ""
}

// Result is the outcome, for answers and for a finished practice run (Tries:
// the actions taken in the run, Hints: the hints shown).
type Result struct {
	Success  *bool  `json:"success,omitempty"`
	Response string `json:"response,omitempty"`
	Tries    *int   `json:"tries,omitempty"`
	Hints    *int   `json:"hints,omitempty"`
}

// Context says how the statement was made.
type Context struct {
	Lang    string `json:"lang,omitempty"`
	Offline bool   `json:"offline,omitempty"`
}

// Statement is one learning record as the client sends it. The actor is not
// part of it: the intake takes the signed-in person, whatever a client claims.
type Statement struct {
	ID        string    `json:"id"`
	Verb      Verb      `json:"verb"`
	Object    Object    `json:"object"`
	Result    *Result   `json:"result,omitempty"`
	Context   Context   `json:"context"`
	Timestamp time.Time `json:"timestamp"`
}

// Limits of one batch.
const (
	MaxBatch       = 500     // statements
	MaxBatchBytes  = 1 << 20 // bytes of JSON
	maxResponseLen = 1000
	maxSlugLen     = 100
	maxCount       = 10000 // tries or hints of one run
)

// IsID reports whether s is a statement id the intake accepts: a UUID in its
// canonical lower-case form only, so one id has one spelling.
func IsID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
				return false
			}
		}
	}
	return true
}

func isSlug(s string) bool {
	if s == "" || len(s) > maxSlugLen || s[0] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// ParseBatch reads a JSON array of statements (a single object is accepted as a
// batch of one). Unknown fields are refused so a client bug shows at once.
// Errors: errs.Invalid (progress.error.bad_json, progress.error.too_many,
// progress.error.too_large).
func ParseBatch(r io.Reader) ([]Statement, error) {
	body, err := io.ReadAll(io.LimitReader(r, MaxBatchBytes+1))
	if err != nil {
		return nil, errs.E(errs.Invalid, "progress.error.bad_json", err)
	}
	if len(body) > MaxBatchBytes {
		return nil, errs.E(errs.Invalid, "progress.error.too_large", nil)
	}
	body = bytes.TrimSpace(body)
	if len(body) > 0 && body[0] == '{' {
		body = append(append([]byte{'['}, body...), ']')
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	var sts []Statement
	if err := dec.Decode(&sts); err != nil {
		return nil, errs.E(errs.Invalid, "progress.error.bad_json", err)
	}
	if dec.More() {
		return nil, errs.E(errs.Invalid, "progress.error.bad_json", errors.New("trailing data"))
	}
	if len(sts) > MaxBatch {
		return nil, &errs.Error{Code: errs.Invalid, Key: "progress.error.too_many", Args: map[string]any{"Max": MaxBatch}}
	}
	return sts, nil
}

// Lessons is what the intake needs to know of the curriculum.
type Lessons interface {
	// LessonCount is the number of lessons of a course, false if no such course.
	LessonCount(course string) (int, bool)
	// HasLesson reports whether the course has that lesson.
	HasLesson(course, lesson string) bool
}

// Activities is what the intake needs to know of the other things a learner
// does: practice scenarios and scam-drill items. The app wires it; without it
// (nil) scenario and drill statements are refused.
type Activities interface {
	// HasScenario reports whether a practice scenario with that id exists.
	HasScenario(id string) bool
	// HasDrillItem reports whether a scam-drill item with that id exists.
	HasDrillItem(id string) bool
}

// validate checks one statement against the rules and the curriculum; it
// returns an i18n key for the first problem, or "".
func (st *Statement) validate(lessons Lessons, acts Activities, now time.Time) string {
	kind := st.Object.Kind()
	switch {
	case !IsID(st.ID):
		return "progress.error.bad_id"
	case st.Verb.IRI() == "":
		return "progress.error.bad_verb"
	case kind == "":
		return "progress.error.bad_object"
	case kind == KindLesson && (!isSlug(st.Object.Course) || !isSlug(st.Object.Lesson)):
		return "progress.error.bad_object"
	case kind != KindLesson && !isSlug(st.Object.activity()):
		return "progress.error.bad_object"
	case kind == KindDrill && st.Object.Step != nil:
		return "progress.error.bad_object"
	case st.Object.Step != nil && (*st.Object.Step < 0 || *st.Object.Step > 1000):
		return "progress.error.bad_object"
	case st.Timestamp.IsZero() || st.Timestamp.Year() < 2020:
		return "progress.error.bad_time"
	case st.Result != nil && (len(st.Result.Response) > maxResponseLen || !utf8.ValidString(st.Result.Response)):
		return "progress.error.bad_result"
	case st.Result != nil && (badCount(st.Result.Tries) || badCount(st.Result.Hints)):
		return "progress.error.bad_result"
	case st.Verb == Answered && (st.Result == nil || st.Result.Success == nil || (kind != KindDrill && st.Object.Step == nil)):
		return "progress.error.bad_result"
	case len(st.Context.Lang) > 8:
		return "progress.error.bad_object"
	}
	switch kind {
	case KindLesson:
		if lessons != nil && !lessons.HasLesson(st.Object.Course, st.Object.Lesson) {
			return "progress.error.unknown_lesson"
		}
	case KindScenario:
		if acts == nil || !acts.HasScenario(st.Object.Scenario) {
			return "progress.error.unknown_activity"
		}
	case KindDrill:
		if acts == nil || !acts.HasDrillItem(st.Object.Drill) {
			return "progress.error.unknown_activity"
		}
	}
	// A phone with a wrong clock must not put records in the future.
	if st.Timestamp.After(now.Add(5 * time.Minute)) {
		st.Timestamp = now
	}
	st.Timestamp = st.Timestamp.UTC().Truncate(time.Millisecond)
	return ""
}

// hash identifies the content of a statement, so a repeat can be told from a
// different statement reusing an id. json.Marshal of the struct is canonical:
// fields in declaration order, no insignificant whitespace.
func (st Statement) hash() string {
	b, _ := json.Marshal(st)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

func badCount(n *int) bool { return n != nil && (*n < 0 || *n > maxCount) }

func (st Statement) step() int {
	if st.Object.Step == nil {
		return -1
	}
	return *st.Object.Step
}

func (st Statement) success() any {
	if st.Result == nil || st.Result.Success == nil {
		return nil
	}
	if *st.Result.Success {
		return 1
	}
	return 0
}

func (st Statement) tries() any {
	if st.Result == nil || st.Result.Tries == nil {
		return nil
	}
	return *st.Result.Tries
}

func (st Statement) hints() any {
	if st.Result == nil || st.Result.Hints == nil {
		return nil
	}
	return *st.Result.Hints
}

func (st Statement) response() string {
	if st.Result == nil {
		return ""
	}
	return st.Result.Response
}

// ItemError is a problem with one statement of a batch.
type ItemError struct {
	Index int    `json:"index"`
	ID    string `json:"id"`
	Key   string `json:"error"`
}

func (e ItemError) String() string { return strconv.Itoa(e.Index) + " " + e.ID + ": " + e.Key }

func itemsErr(items []ItemError) error {
	return &errs.Error{Code: errs.Invalid, Key: "progress.error.invalid_batch",
		Args: map[string]any{"Items": items}, Err: fmt.Errorf("%d invalid statements", len(items))}
}
