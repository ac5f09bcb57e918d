package web

import (
	"net/http"

	"github.com/onramp/onramp/internal/errs"
	"github.com/onramp/onramp/internal/progress"
)

// stepPost is every button of the lesson player (POST-redirect-GET, no
// JavaScript needed):
//
//	action=back    to the step before (or the course page); records nothing
//	action=next    records "experienced" for the step left ("started" too when
//	               the first step is left and the lesson has no record yet);
//	               leaving the last step also records "completed" and shows
//	               the done page
//	action=answer  grades the answer, records "answered" and shows the same
//	               step with the feedback; an answer the page could not have
//	               sent is 422 with a message, and nothing is recorded
func (l *learn) stepPost(w http.ResponseWriter, r *http.Request) {
	p := who(r)
	pg := l.page(r)
	if l.deps.Courses == nil || l.deps.Progress == nil {
		l.renderError(w, r, http.StatusNotFound, "learn.error.no_lesson")
		return
	}
	country := l.country(r.Context(), p)
	c, ls := l.findLesson(r, pg.Lang, country)
	if c == nil {
		l.renderError(w, r, http.StatusNotFound, "learn.error.no_lesson")
		return
	}
	n, ok := stepNumber(r.PathValue("n"), len(ls.Steps))
	if !ok {
		l.renderError(w, r, http.StatusNotFound, "learn.error.no_step")
		return
	}
	f := parseForm(w, r)
	v := l.playerView(pg, c, ls, country, n, f)
	if f.Error != "" {
		l.render(w, r, http.StatusUnprocessableEntity, "learn/lesson", v)
		return
	}
	idx := n - 1
	switch f.Get("action") {
	case "back":
		if n == 1 {
			http.Redirect(w, r, v.CourseURL, http.StatusSeeOther)
			return
		}
		http.Redirect(w, r, lessonURL(c.Slug, ls.Slug, n-1), http.StatusSeeOther)
	case "next":
		var verbs []progress.Verb
		if n == 1 {
			lp, err := l.deps.Progress.LessonProgress(r.Context(), p.User.ID, c.Slug)
			if err != nil {
				l.fail(w, r, err)
				return
			}
			if _, seen := lp[ls.Slug]; !seen {
				verbs = append(verbs, progress.Started)
			}
		}
		verbs = append(verbs, progress.Experienced)
		if v.Last {
			verbs = append(verbs, progress.Completed)
		}
		sts := make([]progress.Statement, 0, len(verbs))
		for _, verb := range verbs {
			var step *int
			if verb == progress.Experienced {
				step = &idx
			}
			st, err := l.newStatement(verb, c.Slug, ls.Slug, step, pg.Lang)
			if err != nil {
				l.fail(w, r, err)
				return
			}
			sts = append(sts, st)
		}
		if err := l.record(r.Context(), p, sts); err != nil {
			l.fail(w, r, err)
			return
		}
		http.Redirect(w, r, v.NextURL, http.StatusSeeOther)
	case "answer":
		if v.Question == nil {
			f.Error = "learn.answer.not_a_question"
			l.render(w, r, http.StatusUnprocessableEntity, "learn/lesson", v)
			return
		}
		v.Question.keep(f)
		answer, ok := v.Question.read(f)
		if !ok {
			l.render(w, r, http.StatusUnprocessableEntity, "learn/lesson", v)
			return
		}
		right := v.Question.q.Grade(answer)
		st, err := l.newStatement(progress.Answered, c.Slug, ls.Slug, &idx, pg.Lang)
		if err != nil {
			l.fail(w, r, err)
			return
		}
		st.Result = &progress.Result{Success: &right, Response: response(answer)}
		ownID := useClientID(&st, f, l.deps.Now()) // offline.go
		// A form sent again under its own id is recorded already: the first answer stands.
		if err := l.record(r.Context(), p, []progress.Statement{st}); err != nil && !(ownID && errs.Is(err, errs.Conflict)) {
			l.fail(w, r, err)
			return
		}
		target := v.LessonURL + "?" + answerQuery(n, f, v.Question).Encode() + "#feedback"
		http.Redirect(w, r, target, http.StatusSeeOther)
	default:
		f.Error = "learn.error.bad_action"
		l.render(w, r, http.StatusUnprocessableEntity, "learn/lesson", v)
	}
}
