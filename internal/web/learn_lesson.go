package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"github.com/onramp/onramp/internal/course"
)

// lessonView is one step of a lesson: the lesson player's page.
type lessonView struct {
	Page
	Form        *form
	CourseSlug  string
	CourseTitle string
	LessonSlug  string
	Title       string
	ContentLang string // the lesson's language when it is not the page's (a missing translation)
	Step        int    // counted from 1, as the page shows it
	Index       int    // counted from 0, as learning records count
	Total       int
	Last        bool
	Kind        string
	Text        template.HTML
	Image       *imageView
	Video       *videoView
	Question    *questionView
	Checklist   *checklistView
	Practice    *course.Practice
	StepURL     string // where the step's forms post
	LessonURL   string // the lesson without a step
	CourseURL   string
	BackURL     string // for visitors: the step before (or the course)
	NextURL     string // for visitors: the step after (or the done page)
	LoginURL    string
}

type imageView struct {
	Src, Alt, Caption string
	Width, Height     int
}

type videoView struct {
	Src, URL, Title string
	Transcript      template.HTML
}

type checklistView struct {
	Title string
	Items []checkItem
}

type checkItem struct{ ID, Text string }

// findLesson resolves the course and lesson named in the URL, in lang and
// filled for the country; nil when either does not exist.
func (l *learn) findLesson(r *http.Request, lang string, country *course.Country) (*course.Course, *course.Lesson) {
	lib := l.deps.Courses
	if lib == nil {
		return nil, nil
	}
	c := lib.Course(r.PathValue("slug"))
	if c == nil {
		return nil, nil
	}
	ls := lib.Lesson(c.Slug, r.PathValue("lesson"), lang)
	if ls == nil {
		return nil, nil
	}
	return c, ls.In(country.Code)
}

// stepNumber reads a step number counted from 1; "" is the first step.
func stepNumber(s string, total int) (int, bool) {
	if s == "" {
		s = "1"
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > total {
		return 0, false
	}
	return n, true
}

// lessonPage shows one step. It only reads: an answer in the query (after the
// POST that recorded it, or from a visitor's form, which records nothing) is
// graded to show its feedback.
func (l *learn) lessonPage(w http.ResponseWriter, r *http.Request) {
	pg := l.page(r)
	if l.deps.Courses == nil {
		l.renderError(w, r, http.StatusNotFound, "learn.error.no_lesson")
		return
	}
	country := l.country(r.Context(), who(r))
	c, ls := l.findLesson(r, pg.Lang, country)
	if c == nil {
		l.renderError(w, r, http.StatusNotFound, "learn.error.no_lesson")
		return
	}
	q := r.URL.Query()
	n, ok := stepNumber(q.Get("step"), len(ls.Steps))
	if !ok {
		l.renderError(w, r, http.StatusNotFound, "learn.error.no_step")
		return
	}
	v := l.playerView(pg, c, ls, country, n, newForm())
	status := http.StatusOK
	if v.Question != nil && q.Get("answered") != "" {
		for k, vs := range q {
			v.Form.Values[k] = vs
		}
		v.Question.keep(v.Form)
		if answer, ok := v.Question.read(v.Form); ok {
			v.Question.show(answer)
		} else {
			status = http.StatusUnprocessableEntity
		}
	}
	l.render(w, r, status, "learn/lesson", v)
}

// playerView builds the page of step n (counted from 1) of a lesson.
func (l *learn) playerView(pg Page, c *course.Course, ls *course.Lesson, country *course.Country, n int, f *form) lessonView {
	// The display and language switches come back to this very step.
	pg.Path = lessonURL(c.Slug, ls.Slug, n)
	st := ls.Steps[n-1]
	v := lessonView{
		Page: pg, Form: f,
		CourseSlug: c.Slug, CourseTitle: course.Fill(c.Title(pg.Lang), country, pg.Lang),
		LessonSlug: ls.Slug, Title: ls.Title,
		Step: n, Index: n - 1, Total: len(ls.Steps), Last: n == len(ls.Steps), Kind: st.Kind,
		LessonURL: lessonURL(c.Slug, ls.Slug, 1),
		CourseURL: "/courses/" + c.Slug,
	}
	if ls.Lang != pg.Lang {
		v.ContentLang = ls.Lang
	}
	v.StepURL = v.LessonURL + "/steps/" + strconv.Itoa(n)
	v.LoginURL = "/login?next=" + url.QueryEscape(pg.Path)
	v.BackURL = v.CourseURL
	if n > 1 {
		v.BackURL = lessonURL(c.Slug, ls.Slug, n-1)
	}
	v.NextURL = v.LessonURL + "/done"
	if !v.Last {
		v.NextURL = lessonURL(c.Slug, ls.Slug, n+1)
	}
	media := func(name string) string { return "/courses/" + c.Slug + "/media/" + url.PathEscape(name) }
	switch {
	case st.Image != nil:
		sz := l.sizeOf(c, st.Image.Src)
		v.Image = &imageView{Src: media(st.Image.Src), Alt: st.Image.Alt, Caption: st.Image.Caption, Width: sz.W, Height: sz.H}
	case st.Video != nil:
		v.Video = &videoView{URL: st.Video.URL, Title: st.Video.Title,
			Transcript: template.HTML(st.Video.TranscriptHTML)} // #nosec G203 -- rendered by the course package, raw HTML off
		if st.Video.Src != "" {
			v.Video.Src = media(st.Video.Src)
		}
	case st.Question != nil:
		v.Question = newQuestionView(pg, st.Question, c.Slug, ls.Slug, n-1)
	case st.Checklist != nil:
		cl := &checklistView{Title: st.Checklist.Title}
		if cl.Title == "" {
			cl.Title = pg.T("learn.player.checklist_title")
		}
		for i, it := range st.Checklist.Items {
			cl.Items = append(cl.Items, checkItem{ID: "check-" + strconv.Itoa(i), Text: it})
		}
		v.Checklist = cl
	case st.Practice != nil:
		v.Practice = st.Practice
	default:
		v.Kind = course.KindText
		v.Text = template.HTML(st.HTML) // #nosec G203 -- rendered by the course package, raw HTML off
	}
	return v
}

type doneView struct {
	Page
	CourseSlug  string
	CourseTitle string
	Title       string
	NextURL     string
	NextTitle   string
	Done        int // lessons of the course done; signed-in people only
	Total       int
	CourseDone  bool
}

// lessonDone is the page after the last step: well done, and where to go next.
func (l *learn) lessonDone(w http.ResponseWriter, r *http.Request) {
	pg := l.page(r)
	if l.deps.Courses == nil {
		l.renderError(w, r, http.StatusNotFound, "learn.error.no_lesson")
		return
	}
	p := who(r)
	country := l.country(r.Context(), p)
	c, ls := l.findLesson(r, pg.Lang, country)
	if c == nil {
		l.renderError(w, r, http.StatusNotFound, "learn.error.no_lesson")
		return
	}
	v := doneView{Page: pg, CourseSlug: c.Slug, CourseTitle: course.Fill(c.Title(pg.Lang), country, pg.Lang),
		Title: ls.Title, Total: len(c.Lessons)}
	for i, ref := range c.Lessons {
		if ref.Slug == ls.Slug && i+1 < len(c.Lessons) {
			next := c.Lessons[i+1].Slug
			v.NextURL = lessonURL(c.Slug, next, 1)
			if nl := l.deps.Courses.Lesson(c.Slug, next, pg.Lang); nl != nil {
				v.NextTitle = nl.In(country.Code).Title
			}
		}
	}
	if p != nil && l.deps.Progress != nil {
		lp, err := l.deps.Progress.LessonProgress(r.Context(), p.User.ID, c.Slug)
		if err != nil {
			l.fail(w, r, err)
			return
		}
		for _, ref := range c.Lessons {
			if st, ok := lp[ref.Slug]; ok && st.Completed() {
				v.Done++
			}
		}
		v.CourseDone = v.Done == v.Total
	}
	l.render(w, r, http.StatusOK, "learn/done", v)
}
