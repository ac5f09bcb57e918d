package web

import (
	"net/http"

	"github.com/onramp/onramp/internal/progress"
)

type catalogueView struct {
	Page
	Courses []courseCard
}

// catalogue lists the courses meant for the person's country, in catalogue
// order, with a signed-in person's progress in each (one query: the
// enrolments, which are kept up to date as records arrive).
func (l *learn) catalogue(w http.ResponseWriter, r *http.Request) {
	v := catalogueView{Page: l.page(r)}
	lib := l.deps.Courses
	if lib == nil {
		l.render(w, r, http.StatusOK, "learn/catalogue", v)
		return
	}
	p := who(r)
	country := l.country(r.Context(), p)
	mine := map[string]progress.Enrolment{}
	if p != nil && l.deps.Progress != nil {
		es, err := l.deps.Progress.Enrolments(r.Context(), p.User.ID)
		if err != nil {
			l.fail(w, r, err)
			return
		}
		for _, e := range es {
			mine[e.Course] = e
		}
	}
	for _, c := range lib.Courses() {
		if !c.AppliesTo(country.Code) {
			continue
		}
		cc := cardOf(c, country, v.Lang)
		if e, ok := mine[c.Slug]; ok {
			cc = cc.withEnrolment(e)
		}
		v.Courses = append(v.Courses, cc)
	}
	l.render(w, r, http.StatusOK, "learn/catalogue", v)
}
