package web

import (
	"html/template"
	"net/http"

	"github.com/onramp/onramp/internal/progress"
)

type courseView struct {
	Page
	Course      courseCard
	Intro       template.HTML // rendered from the course's Markdown at load, raw HTML disabled
	Competences []competenceView
	Lessons     []lessonRow
	GoURL       string // the Start / Continue button; "" when every lesson is done
	GoKey       string
}

// lessonRow is a lesson in the course's list, with the person's state in it.
type lessonRow struct {
	Title     string
	Minutes   int
	URL       string
	StatusKey string // learn.status.done, .doing or .new; "" for a visitor
}

// coursePage shows a course: what it is about, the competences it trains,
// its lessons with the person's progress in each, and where to start or go on.
func (l *learn) coursePage(w http.ResponseWriter, r *http.Request) {
	lib := l.deps.Courses
	if lib == nil || lib.Course(r.PathValue("slug")) == nil {
		l.renderError(w, r, http.StatusNotFound, "learn.error.no_course")
		return
	}
	c := lib.Course(r.PathValue("slug"))
	p := who(r)
	v := courseView{Page: l.page(r)}
	country := l.country(r.Context(), p)
	v.Course = cardOf(c, country, v.Lang)
	v.Intro = template.HTML(c.Intro(v.Lang, country.Code)) // #nosec G203 -- goldmark output with raw HTML off (course package)
	v.Competences = competenceViews(c.Competences)
	lp := map[string]progress.LessonProgress{}
	if p != nil && l.deps.Progress != nil {
		var err error
		if lp, err = l.deps.Progress.LessonProgress(r.Context(), p.User.ID, c.Slug); err != nil {
			l.fail(w, r, err)
			return
		}
	}
	done := 0
	for _, ref := range c.Lessons {
		row := lessonRow{Minutes: ref.Minutes, URL: lessonURL(c.Slug, ref.Slug, 1)}
		if ls := lib.Lesson(c.Slug, ref.Slug, v.Lang); ls != nil {
			row.Title = ls.In(country.Code).Title
		}
		if p != nil {
			switch st, ok := lp[ref.Slug]; {
			case ok && st.Completed():
				row.StatusKey = "learn.status.done"
				done++
			case ok:
				row.StatusKey = "learn.status.doing"
			default:
				row.StatusKey = "learn.status.new"
			}
		}
		v.Lessons = append(v.Lessons, row)
	}
	v.Course.Started = len(lp) > 0
	v.Course.LessonsDone = done
	v.Course.Done = len(c.Lessons) > 0 && done == len(c.Lessons)
	if lesson, step, ok := l.resumeAt(c, lp, v.Lang); ok {
		v.GoURL = lessonURL(c.Slug, lesson, step)
		v.GoKey = "learn.course.start"
		if len(lp) > 0 {
			v.GoKey = "learn.course.continue"
		}
	}
	l.render(w, r, http.StatusOK, "learn/course", v)
}
