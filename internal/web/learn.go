package web

import (
	"context"
	"net/http"
	"strconv"
	"sync"

	"github.com/google/uuid"

	"github.com/onramp/onramp/internal/account"
	"github.com/onramp/onramp/internal/course"
	"github.com/onramp/onramp/internal/progress"
)

// learnRoutes are what a learner comes for: the catalogue, a course, the lesson
// player one step per page, and the course's pictures.
//
// Reading is open to visitors (they may look before they sign up); every
// record of learning is a POST that needs the learn action, which every role
// holds. Step numbers in URLs count from 1 ("Step 3 of 7" is ?step=3 and
// /steps/3); learning records count steps from 0 (Object.Step = 2 there).
func (s *Server) learnRoutes() []Route {
	l := &learn{Server: s}
	return []Route{
		{"GET /courses", http.HandlerFunc(l.catalogue), Public},
		{"GET /courses/{slug}", http.HandlerFunc(l.coursePage), Public},
		{"GET /courses/{slug}/lessons/{lesson}", http.HandlerFunc(l.lessonPage), Public},
		{"GET /courses/{slug}/lessons/{lesson}/done", http.HandlerFunc(l.lessonDone), Public},
		{"POST /courses/{slug}/lessons/{lesson}/steps/{n}", http.HandlerFunc(l.stepPost), Needs(account.ActLearn)},
		{"GET /courses/{slug}/media/{file}", http.HandlerFunc(l.media), Public},
	}
}

// learn holds the learning pages and what they keep between requests: the
// sizes of pictures, read once, so an image step reserves its space on a
// slow phone before the picture arrives.
type learn struct {
	*Server
	sizes sync.Map // "slug/file" -> imageSize
}

// country is the country profile whose names fill the lessons for p: the
// country at the root of their learner place; the neutral profile for a
// visitor, or when the place cannot be read (the page still works).
func (s *Server) country(ctx context.Context, p *principal) *course.Country {
	lib := s.deps.Courses
	if p == nil || s.deps.Places == nil {
		return lib.Country(course.Neutral)
	}
	placeID := learnerPlace(p.Grants)
	if placeID == "" {
		return lib.Country(course.Neutral)
	}
	scope, err := s.scopeOf(ctx, placeID)
	if err != nil || len(scope) == 0 {
		if err != nil {
			s.log.Warn("learner country", "err", err)
		}
		return lib.Country(course.Neutral)
	}
	if code, ok := s.rootCodes.get(scope[0]); ok {
		return lib.Country(code)
	}
	root, err := s.deps.Places.FindPlaceByID(ctx, scope[0])
	if err != nil {
		s.log.Warn("learner country", "err", err)
		return lib.Country(course.Neutral)
	}
	s.rootCodes.put(scope[0], root.Code)
	return lib.Country(root.Code)
}

// courseCard is a course as lists show it.
type courseCard struct {
	Slug        string
	Title       string
	Summary     string
	Minutes     int
	LevelKey    string
	Lessons     int
	Started     bool // the signed-in person has an enrolment
	Done        bool // every lesson done
	LessonsDone int
}

func cardOf(c *course.Course, country *course.Country, lang string) courseCard {
	return courseCard{
		Slug:     c.Slug,
		Title:    course.Fill(c.Title(lang), country, lang),
		Summary:  course.Fill(c.Summary(lang), country, lang),
		Minutes:  c.Minutes,
		LevelKey: "learn.level." + c.Level,
		Lessons:  len(c.Lessons),
	}
}

// withEnrolment adds a person's progress to a card.
func (cc courseCard) withEnrolment(e progress.Enrolment) courseCard {
	cc.Started = true
	cc.Done = e.Completed()
	cc.LessonsDone = min(e.LessonsCompleted, cc.Lessons)
	return cc
}

// lessonURL is the address of a step of a lesson (step counts from 1).
func lessonURL(courseSlug, lesson string, step int) string {
	u := "/courses/" + courseSlug + "/lessons/" + lesson
	if step > 1 {
		u += "?step=" + strconv.Itoa(step)
	}
	return u
}

// resumeAt is where a person goes on in a course: the unfinished lesson they
// worked in last, at the step after the furthest one they left; else the first
// lesson not done, from its start. ok is false when every lesson is done.
func (s *Server) resumeAt(c *course.Course, lp map[string]progress.LessonProgress, lang string) (lesson string, step int, ok bool) {
	var latest progress.LessonProgress
	for _, ref := range c.Lessons {
		if p, seen := lp[ref.Slug]; seen && !p.Completed() && (latest.Lesson == "" || p.LastAt.After(latest.LastAt)) {
			latest = p
		}
	}
	if latest.Lesson != "" {
		step = latest.LastStep + 2 // LastStep counts from 0 and was left: the next one, counted from 1
		if ls := s.deps.Courses.Lesson(c.Slug, latest.Lesson, lang); ls != nil {
			step = min(step, max(len(ls.Steps), 1))
		}
		return latest.Lesson, step, true
	}
	for _, ref := range c.Lessons {
		if p, seen := lp[ref.Slug]; !seen || !p.Completed() {
			return ref.Slug, 1, true
		}
	}
	return "", 0, false
}

// newStatement makes one learning record of the signed-in person's; the actor
// is added by Record. Steps count from 0; nil for the lesson as a whole.
func (s *Server) newStatement(verb progress.Verb, courseSlug, lesson string, step *int, lang string) (progress.Statement, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return progress.Statement{}, err
	}
	return progress.Statement{
		ID: id.String(), Verb: verb,
		Object:    progress.Object{Course: courseSlug, Lesson: lesson, Step: step},
		Context:   progress.Context{Lang: lang},
		Timestamp: s.deps.Now(),
	}, nil
}

// record stores statements for the signed-in person, counted for their
// learner place.
func (s *Server) record(ctx context.Context, p *principal, sts []progress.Statement) error {
	_, err := s.deps.Progress.Record(ctx, progress.Actor{UserID: p.User.ID, PlaceID: learnerPlace(p.Grants)}, sts)
	return err
}

// competenceView is a DigComp competence with its name in the page language.
type competenceView struct {
	ID      string
	NameKey string
}

// competenceViews lists a course's competences in framework order.
func competenceViews(ids []string) []competenceView {
	var out []competenceView
	for _, c := range course.Competences() {
		for _, id := range ids {
			if id == c.ID {
				out = append(out, competenceView{ID: c.ID, NameKey: competenceKey(c.ID)})
				break
			}
		}
	}
	return out
}

// competenceKey is the i18n key of a competence's name: "1.1" -> learn.competence.c1_1.
func competenceKey(id string) string {
	b := []byte("learn.competence.c" + id)
	for i := len("learn.competence.c"); i < len(b); i++ {
		if b[i] == '.' {
			b[i] = '_'
		}
	}
	return string(b)
}
