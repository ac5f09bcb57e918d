package app_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/onramp/onramp/internal/account"
	"github.com/onramp/onramp/internal/app"
	"github.com/onramp/onramp/internal/course"
	"github.com/onramp/onramp/internal/testkit"
)

// walkCourse is the course the whole-course walk goes through: four lessons,
// in every language.
const walkCourse = "keeping-in-touch"

// TestBrowserWalksWholeCourse takes a new learner through a whole course in
// each of the five languages, in Chromium with the service worker: signed in
// with phone and PIN, the language set on the toolbar, every step of every
// lesson by Next, every question answered (the first choice, or the order as
// shown). In the second lesson the line is cut from its middle step to its
// end (the steps come from the service worker's cache, progress waits in the
// queue); on the lesson's done page the line comes back, the queue is sent,
// and the walk goes on online. At the end the course is complete in the
// projections and each lesson has exactly one "completed" statement.
//
// Each language has its own learner, its own browser context and its own
// proxy (so cutting one line cuts no other, and each origin has its own
// service worker); the languages run in parallel.
func TestBrowserWalksWholeCourse(t *testing.T) {
	t.Parallel()
	start := time.Now()
	fx := ownFixture(t)
	c := fx.app.Courses.Course(walkCourse)
	if c == nil || len(c.Lessons) < 3 {
		t.Fatalf("the content has no course %s of at least three lessons", walkCourse)
	}
	place := fx.place["RU-KHM-SUR-LIB1"]
	if place == nil {
		t.Fatal("no demo library RU-KHM-SUR-LIB1")
	}
	for i, lang := range []string{"en", "ru", "uk", "lv", "vi"} {
		for _, l := range c.Lessons {
			if fx.app.Courses.Lesson(c.Slug, l.Slug, lang) == nil {
				t.Fatalf("%s/%s has no %s version", c.Slug, l.Slug, lang)
			}
		}
		phone := fmt.Sprintf("+7000000090%d", i)
		u, err := fx.app.Accounts.CreateUser(t.Context(), account.NewUser{DisplayName: "Walker " + lang, Phone: phone,
			PIN: app.DemoLearnerPIN, PreferredLang: "en", Role: account.Learner, PlaceID: place.ID})
		if err != nil {
			t.Fatalf("learner for %s: %v", lang, err)
		}
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			walkWholeCourse(t, fx, c, lang, u.ID, phone)
		})
	}
	t.Cleanup(func() {
		t.Logf("whole course in five languages: %s", time.Since(start).Round(time.Millisecond))
	})
}

func walkWholeCourse(t *testing.T, fx *fixture, c *course.Course, lang, userID, phone string) {
	start := time.Now()
	cat := fx.app.Catalog
	px := newSwitchProxy(t, fx.srv.URL)
	base := px.srv.URL
	tab := browserTab(t)
	if _, err := chromedp.Call(tab, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	// The tabs run side by side: each behaves as the one in front (no
	// throttling of a background tab's timers and loads).
	if _, err := chromedp.Call(tab, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true}); err != nil {
		t.Fatal(err)
	}
	setLine := func(up bool) {
		t.Helper()
		px.down.Store(!up)
		ctx, cancel := context.WithTimeout(tab, 10*time.Second)
		defer cancel()
		if _, err := chromedp.Call(ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{
			Offline: !up, DownloadThroughput: -1, UploadThroughput: -1}); err != nil {
			t.Fatalf("network state: %v", err)
		}
		waitJS(t, tab, fmt.Sprintf(`navigator.onLine === %t ? "" : "navigator.onLine is " + navigator.onLine`, up))
	}

	testkit.Navigate(t, tab, base+"/login/pin")
	testkit.Fill(t, tab, "#f-phone", phone)
	testkit.Fill(t, tab, "#f-pin", app.DemoLearnerPIN)
	if st := testkit.Submit(t, tab, `main form button[type=submit]`); st != 200 {
		t.Fatalf("sign in: status %d at %s", st, here(t, tab))
	}
	if st := testkit.Submit(t, tab, fmt.Sprintf(`.toolbar button[name=lang][value=%q]`, lang)); st != 200 {
		t.Fatalf("switch language: status %d", st)
	}
	if got := eval[string](t, tab, `document.documentElement.lang`); got != lang {
		t.Fatalf("after choosing %s the page is in %q", lang, got)
	}
	testkit.Navigate(t, tab, base+"/courses/"+c.Slug+"/lessons/"+c.Lessons[0].Slug)

	offlineLesson := 1 // the second lesson: the line is cut in its middle
	steps, answers, refused := 0, 0, int64(0)
	for li, l := range c.Lessons {
		ls := fx.app.Courses.Lesson(c.Slug, l.Slug, lang)
		lessonURL := "/courses/" + c.Slug + "/lessons/" + l.Slug
		name := fmt.Sprintf("%s %s", lang, l.Slug)
		if p := here(t, tab); p != lessonURL {
			t.Fatalf("%s: the walk is at %s, want %s", name, p, lessonURL)
		}
		offlineFrom := -1
		if li == offlineLesson {
			offlineFrom = walkCut(ls)
			// The service worker controls the page and keeps this course, in this language.
			waitJS(t, tab, `(async () => {
				if (!navigator.serviceWorker.controller) return "no service worker controls the page";
				const want = (await (await fetch("/courses/`+c.Slug+`/offline", {cache: "no-store"})).json()).version;
				const kept = await caches.match("/courses/`+c.Slug+`/offline");
				if (!kept) return "the course is not kept yet";
				const got = (await kept.json()).version;
				return got === want ? "" : "kept version " + got + ", now " + want;
			})()`)
		}
		refusedBefore := px.refused.Load()
		offlineSteps := map[int]bool{}
		for i := range ls.Steps {
			offline := offlineFrom >= 0 && i >= offlineFrom
			if offline && i == offlineFrom {
				setLine(false)
			}
			if got := eval[string](t, tab, `(document.getElementById("step") || {dataset: {}}).dataset.step || document.title`); got != fmt.Sprint(i) {
				t.Fatalf("%s: at step %d the page shows %q (%s)", name, i, got, here(t, tab))
			}
			if q := ls.Steps[i].Question; q != nil {
				answerQuestion(t, tab, q)
				answers++
				if offline {
					testkit.Click(t, tab, `form.question button[type=submit]`)
					waitText(t, tab, "#feedback", cat.T(lang, "offline.answer.saved"))
				} else {
					if st := testkit.Submit(t, tab, `form.question button[type=submit]`); st != 200 {
						t.Fatalf("%s: answer step %d: status %d", name, i, st)
					}
					if n := eval[int](t, tab, `document.querySelectorAll("#feedback").length`); n != 1 {
						t.Fatalf("%s: after the answer to step %d no feedback (%s)", name, i, here(t, tab))
					}
				}
			}
			if offline {
				offlineSteps[i] = true
			}
			if st := testkit.Submit(t, tab, `.lesson-nav button[value=next]`); st != 200 {
				t.Fatalf("%s: Next on step %d: status %d (%s)", name, i, st, here(t, tab))
			}
			if offline {
				waitText(t, tab, "#offline-status", cat.N(lang, "offline.status.queued", len(offlineSteps)))
			}
			steps++
		}
		if p := here(t, tab); p != lessonURL+"/done" {
			t.Fatalf("%s: after the last step the browser is at %s", name, p)
		}
		if offlineFrom >= 0 {
			refused = px.refused.Load() - refusedBefore
			if refused == 0 {
				t.Errorf("%s: no request reached the cut line: the pages did not come from the service worker", name)
			}
			setLine(true)
			waitJS(t, tab, `onramp.queue.all().then((a) => a.length ? a.length + " items wait" : "")`)
			waitText(t, tab, "#offline-status", cat.T(lang, "offline.status.saved"))
			// Back online the done page is the server's, with the link onwards.
			testkit.Navigate(t, tab, base+lessonURL+"/done")
		}
		if li == len(c.Lessons)-1 {
			if n := eval[int](t, tab, `document.querySelectorAll("main .notice.ok").length`); n != 1 {
				t.Errorf("%s: the last done page does not say the course is done", name)
			}
			break
		}
		if st := testkit.Submit(t, tab, `main .button-row a.button:not(.secondary)`); st != 200 {
			t.Fatalf("%s: next lesson: status %d", name, st)
		}
	}

	// What is stored: the course complete, every lesson complete, each
	// statement once, one "completed" per lesson.
	ctx := t.Context()
	es, err := fx.app.Progress.Enrolments(ctx, userID)
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, e := range es {
		if e.Course != c.Slug {
			continue
		}
		found = true
		if !e.Completed() || e.LessonsCompleted != len(c.Lessons) {
			t.Errorf("%s: enrolment %+v, want completed with %d lessons", lang, e, len(c.Lessons))
		}
	}
	if !found {
		t.Errorf("%s: no enrolment in %s (%+v)", lang, c.Slug, es)
	}
	lp, err := fx.app.Progress.LessonProgress(ctx, userID, c.Slug)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range c.Lessons {
		ls := fx.app.Courses.Lesson(c.Slug, l.Slug, lang)
		if p, ok := lp[l.Slug]; !ok || !p.Completed() || p.LastStep != len(ls.Steps)-1 || p.Answers < ls.Questions() {
			t.Errorf("%s %s: lesson progress %+v, want completed, last step %d, %d answers", lang, l.Slug, p, len(ls.Steps)-1, ls.Questions())
		}
	}
	db := fx.app.DB().R
	var dups int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT id FROM statements WHERE actor_id = $1
		GROUP BY id HAVING COUNT(*) > 1) d`, userID).Scan(&dups); err != nil {
		t.Fatal(err)
	}
	if dups != 0 {
		t.Errorf("%s: %d statement ids stored more than once", lang, dups)
	}
	for _, l := range c.Lessons {
		counts := verbCounts(t, fx, userID, c.Slug, l.Slug)
		if counts["completed"] != 1 || counts["started"] != 1 {
			t.Errorf("%s %s: %d completed and %d started statements, want 1 each (%v)", lang, l.Slug, counts["completed"], counts["started"], counts)
		}
	}
	var offline int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM statements WHERE actor_id = $1 AND offline`, userID).Scan(&offline); err != nil {
		t.Fatal(err)
	}
	if offline == 0 {
		t.Errorf("%s: no statement marked offline", lang)
	}
	t.Logf("%s: %d lessons, %d steps, %d answers, %d statements sent from the queue (%d requests refused) in %s",
		lang, len(c.Lessons), steps, answers, offline, refused, time.Since(start).Round(time.Millisecond))
}

// walkCut is the step from which the line is cut: the middle, or earlier so
// that at least one question is answered offline.
func walkCut(ls *course.Lesson) int {
	at := len(ls.Steps) / 2
	for i := len(ls.Steps) - 1; i >= 1; i-- {
		if ls.Steps[i].Kind == course.KindQuestion {
			return min(at, i)
		}
	}
	return at
}
