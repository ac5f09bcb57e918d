package web

import (
	"context"
)

// learningHome is the learning part of the home page: where to go on, the
// person's courses, and a course to take next.
type learningHome struct {
	Continue  *continueCard // the unfinished course used last; nil when there is none
	Mine      []courseCard  // the person's courses, the most recently used first
	Suggested *courseCard   // the first course, in catalogue order, not started yet
}

// continueCard leads straight to the step where the person stopped.
type continueCard struct {
	CourseTitle string
	LessonTitle string
	URL         string
	Step, Total int
}

// learningHome reads the person's enrolments (kept up to date as records
// arrive) and, for the course to go on with, its lesson progress: two queries.
func (s *Server) learningHome(ctx context.Context, p *principal, lang string) (learningHome, error) {
	var h learningHome
	lib := s.deps.Courses
	if lib == nil || s.deps.Progress == nil || p == nil {
		return h, nil
	}
	es, err := s.deps.Progress.Enrolments(ctx, p.User.ID)
	if err != nil {
		return h, err
	}
	country := s.country(ctx, p)
	started := map[string]bool{}
	for _, e := range es {
		started[e.Course] = true
		c := lib.Course(e.Course)
		if c == nil {
			continue // a course an operator took away: its records stay, the page skips it
		}
		h.Mine = append(h.Mine, cardOf(c, country, lang).withEnrolment(e))
		if h.Continue != nil || e.Completed() {
			continue
		}
		lp, err := s.deps.Progress.LessonProgress(ctx, p.User.ID, c.Slug)
		if err != nil {
			return h, err
		}
		lesson, step, ok := s.resumeAt(c, lp, lang)
		if !ok {
			continue
		}
		cc := &continueCard{CourseTitle: h.Mine[len(h.Mine)-1].Title, URL: lessonURL(c.Slug, lesson, step), Step: step}
		if ls := lib.Lesson(c.Slug, lesson, lang); ls != nil {
			ls = ls.In(country.Code)
			cc.LessonTitle, cc.Total = ls.Title, len(ls.Steps)
		}
		h.Continue = cc
	}
	for _, c := range lib.Courses() {
		if !started[c.Slug] && c.AppliesTo(country.Code) {
			cc := cardOf(c, country, lang)
			h.Suggested = &cc
			break
		}
	}
	return h, nil
}
