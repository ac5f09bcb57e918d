package app_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/onramp/onramp/internal/app"
	"github.com/onramp/onramp/internal/course"
	"github.com/onramp/onramp/internal/testkit"
)

// switchProxy stands between the browser and onramp and can cut the line:
// while down it answers nothing (the connection closes), for the page and
// for the service worker alike, as a phone out of coverage sees it.
type switchProxy struct {
	srv     *httptest.Server
	down    atomic.Bool
	refused atomic.Int64
}

func newSwitchProxy(t *testing.T, target string) *switchProxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	p := &switchProxy{}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p.down.Load() {
			p.refused.Add(1)
			panic(http.ErrAbortHandler) // no answer: the connection is dropped
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(p.srv.Close)
	return p
}

// lessonWalk is one lesson gone through in one language: online up to step
// offlineFrom (counted from 0; -1: all online), offline from there on.
type lessonWalk struct {
	lang, course, lesson string
	offlineFrom          int
}

// TestBrowserOffline goes through lessons as the demo learner in Chromium
// with the service worker: the first lesson online; then one lesson in each
// of the five languages, the line cut in the middle. Offline, the steps come
// from the service worker's cache (the proxy refuses every request), answers
// and progress wait in the queue and the status line says how much; when the
// line is back the queue is sent and every record is stored exactly once,
// also when the same queue is sent a second time. Then: signing out offline
// with unsent progress asks first; a queue sent without a session (401)
// waits and says to sign in; items the server can never take (400, 409) are
// dropped and the rest stored; the sign-out button sends before it goes.
func TestBrowserOffline(t *testing.T) {
	t.Parallel()
	start := time.Now()
	fx := ownFixture(t)
	px := newSwitchProxy(t, fx.srv.URL)
	base := px.srv.URL
	tab := browserTab(t)
	if _, err := chromedp.Call(tab, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	var (
		dialogMu sync.Mutex
		dialogs  []string
	)
	if err := chromedp.Listen(tab, func(ev any) {
		if d, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			dialogMu.Lock()
			dialogs = append(dialogs, d.Message)
			dialogMu.Unlock()
			go func() {
				_, _ = chromedp.Call(tab, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
			}()
		}
	}); err != nil {
		t.Fatal(err)
	}
	learner := fx.user[learnerPhone]
	cat := fx.app.Catalog

	testkit.Navigate(t, tab, base+"/login/pin")
	testkit.Fill(t, tab, "#f-phone", learnerPhone)
	testkit.Fill(t, tab, "#f-pin", app.DemoLearnerPIN)
	if st := testkit.Submit(t, tab, `main form button[type=submit]`); st != 200 {
		t.Fatalf("sign in: status %d", st)
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

	walks := pickWalks(t, fx.app.Courses)
	lang := ""
	for _, w := range walks {
		name := fmt.Sprintf("%s %s/%s", w.lang, w.course, w.lesson)
		roundStart := time.Now()
		ls := fx.app.Courses.Lesson(w.course, w.lesson, w.lang)
		lessonURL := "/courses/" + w.course + "/lessons/" + w.lesson
		if lang != w.lang {
			if st := testkit.Submit(t, tab, fmt.Sprintf(`.toolbar button[name=lang][value=%q]`, w.lang)); st != 200 {
				t.Fatalf("%s: switch language: status %d", name, st)
			}
			lang = w.lang
		}
		before := verbCounts(t, fx, learner.ID, w.course, w.lesson)
		lp, err := fx.app.Progress.LessonProgress(t.Context(), learner.ID, w.course)
		if err != nil {
			t.Fatal(err)
		}
		_, begun := lp[w.lesson]
		testkit.Navigate(t, tab, base+lessonURL)
		// The service worker controls the page and keeps this course, in this language.
		waitJS(t, tab, `(async () => {
			if (!navigator.serviceWorker.controller) return "no service worker controls the page";
			const want = (await (await fetch("/courses/`+w.course+`/offline", {cache: "no-store"})).json()).version;
			const kept = await caches.match("/courses/`+w.course+`/offline");
			if (!kept) return "the course is not kept yet";
			const got = (await kept.json()).version;
			return got === want ? "" : "kept version " + got + ", now " + want;
		})()`)

		answers, offlineSteps := 0, map[int]bool{}
		refusedBefore := px.refused.Load()
		for i := range ls.Steps {
			offline := w.offlineFrom >= 0 && i >= w.offlineFrom
			if offline && i == w.offlineFrom {
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
					offlineSteps[i] = true
					waitText(t, tab, "#feedback", cat.T(w.lang, "offline.answer.saved"))
				} else if st := testkit.Submit(t, tab, `form.question button[type=submit]`); st != 200 {
					t.Fatalf("%s: answer step %d: status %d", name, i, st)
				}
			}
			if offline {
				offlineSteps[i] = true
			}
			if st := testkit.Submit(t, tab, `.lesson-nav button[value=next]`); st != 200 {
				t.Fatalf("%s: Next on step %d: status %d (%s)", name, i, st, here(t, tab))
			}
			if offline {
				waitText(t, tab, "#offline-status", cat.N(w.lang, "offline.status.queued", len(offlineSteps)))
			}
		}
		if p := here(t, tab); p != lessonURL+"/done" {
			t.Fatalf("%s: after the last step the browser is at %s", name, p)
		}
		if w.offlineFrom < 0 {
			checkRecords(t, fx, name, learner.ID, w, before, begun, len(ls.Steps), answers, 0)
			t.Logf("%s: %d steps online in %s", name, len(ls.Steps), time.Since(roundStart).Round(time.Millisecond))
			continue
		}
		if n := px.refused.Load() - refusedBefore; n == 0 {
			t.Errorf("%s: no request reached the cut line: the pages did not come from the service worker", name)
		}
		queued := evalAsync[string](t, tab, `onramp.queue.all().then((a) => JSON.stringify(a))`)
		nQueued := evalAsync[int](t, tab, `onramp.queue.all().then((a) => a.length)`)
		setLine(true)
		waitJS(t, tab, `onramp.queue.all().then((a) => a.length ? a.length + " items wait" : "")`)
		waitText(t, tab, "#offline-status", cat.T(w.lang, "offline.status.saved"))
		checkRecords(t, fx, name, learner.ID, w, before, begun, len(ls.Steps), answers, nQueued)

		// The same queue sent again: nothing more is stored.
		total := statementCount(t, fx)
		evalAsync[bool](t, tab, `onramp.queue.add(JSON.parse(`+jsString(queued)+`)).then(() => onramp.queue.flush()).then(() => true)`)
		waitJS(t, tab, `onramp.queue.all().then((a) => a.length ? a.length + " items wait" : "")`)
		if n := statementCount(t, fx); n != total {
			t.Errorf("%s: sending the same %d items again stored %d more statements", name, nQueued, n-total)
		}
		checkRecords(t, fx, name+" (sent again)", learner.ID, w, before, begun, len(ls.Steps), answers, nQueued)
		t.Logf("%s: %d steps, %d offline (%d items queued, %d requests refused), sent once, in %s", name, len(ls.Steps),
			len(ls.Steps)-w.offlineFrom, nQueued, px.refused.Load()-refusedBefore, time.Since(roundStart).Round(time.Millisecond))
	}

	// What the service worker keeps: pages and pictures of /courses/ and the
	// static files, never a page with an answer in it, a sign-in page or an API.
	kept := evalAsync[[]string](t, tab, `(async () => {
		const out = [];
		for (const name of await caches.keys()) {
			for (const r of await (await caches.open(name)).keys()) out.push(new URL(r.url).pathname + new URL(r.url).search);
		}
		return out;
	})()`)
	for _, k := range kept {
		if !strings.HasPrefix(k, "/courses/") && !strings.HasPrefix(k, "/static/") || strings.Contains(k, "answered") {
			t.Errorf("the service worker keeps %s", k)
		}
	}
	t.Logf("the service worker keeps %d files", len(kept))

	// Signing out with unsent progress: offline it asks, and Cancel keeps the
	// person signed in with their queue.
	last := walks[len(walks)-1]
	testkit.Navigate(t, tab, base+"/courses/"+last.course+"/lessons/"+last.lesson)
	setLine(false)
	testkit.Submit(t, tab, `.lesson-nav button[value=next]`)
	testkit.Click(t, tab, `form[action="/logout"] button`)
	want := cat.N(last.lang, "offline.sign_out.confirm", 1)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		dialogMu.Lock()
		n := len(dialogs)
		dialogMu.Unlock()
		if n > 0 || time.Now().After(deadline) {
			break
		}
	}
	dialogMu.Lock()
	if len(dialogs) != 1 || dialogs[0] != want {
		t.Errorf("signing out offline asked %q, want %q", dialogs, want)
	}
	dialogs = nil
	dialogMu.Unlock()
	if n := eval[int](t, tab, `document.querySelectorAll('form[action="/logout"]').length`); n != 1 || !strings.HasPrefix(here(t, tab), "/courses/") {
		t.Fatalf("Cancel did not keep the person on the lesson (%s)", here(t, tab))
	}
	// Back online the queue goes by itself.
	setLine(true)
	waitJS(t, tab, `onramp.queue.all().then((a) => a.length ? a.length + " items wait" : "")`)
	queue := func(items ...string) []string {
		t.Helper()
		return evalAsync[[]string](t, tab, `(() => {
			const items = [`+strings.Join(items, ", ")+`];
			return onramp.queue.add(items).then(() => items.map((i) => i.id));
		})()`)
	}
	record := func(id, verb string) string {
		if id == "" {
			id = "onramp.uuid7()"
		} else {
			id = jsString(id)
		}
		return `((id) => ({id: id, kind: "st", step: "test", st: {id: id, verb: "` + verb + `", object: {course: "` + last.course +
			`", lesson: "` + last.lesson + `", step: 1}, context: {lang: "` + last.lang + `", offline: true}, timestamp: new Date().toISOString()}}))(` + id + `)`
	}
	stored := func(id string) bool {
		var n int
		if err := fx.app.DB().R.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM statements WHERE id = $1 AND actor_id = $2`, id, learner.ID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n == 1
	}

	// The session is gone (401): the item waits and the line says to sign in;
	// with the session back it is sent.
	cookies, err := chromedp.Call(tab, network.GetCookies, network.GetCookiesParams{URLs: []string{base + "/"}})
	if err != nil {
		t.Fatal(err)
	}
	session := ""
	for _, c := range cookies.Cookies {
		if c.Name == "onramp_session" {
			session = c.Value
		}
	}
	setCookie(t, tab, fx, "onramp_session", "")
	ids := queue(record("", "experienced"))
	evalAsync[bool](t, tab, `onramp.queue.flush().then(() => true)`)
	waitText(t, tab, "#offline-status", cat.T(last.lang, "offline.status.sign_in"))
	if n := evalAsync[int](t, tab, `onramp.queue.all().then((a) => a.length)`); n != 1 || stored(ids[0]) {
		t.Errorf("signed out: %d items wait (want 1), stored: %t", n, stored(ids[0]))
	}
	setCookie(t, tab, fx, "onramp_session", session)
	evalAsync[bool](t, tab, `onramp.queue.flush().then(() => true)`)
	waitJS(t, tab, `onramp.queue.all().then((a) => a.length ? a.length + " items wait" : "")`)
	if !stored(ids[0]) {
		t.Error("the item that waited for the session is not stored")
	}

	// A batch with an item the server refuses (400: unknown verb) and one
	// whose id is taken by other content (409): those two are dropped, the
	// rest is stored.
	total := statementCount(t, fx)
	ids = queue(record("", "liked"), record(ids[0], "completed"), record("", "experienced"))
	evalAsync[bool](t, tab, `onramp.queue.flush().then(() => true)`)
	waitJS(t, tab, `onramp.queue.all().then((a) => a.length ? a.length + " items wait" : "")`)
	if n := statementCount(t, fx); n != total+1 || !stored(ids[2]) {
		t.Errorf("a batch with a bad and a clashing item: %d statements stored, want the one good item", n-total)
	}

	// One more item, put in just before signing out, is sent by the sign-out
	// button before it signs out.
	id := queue(record("", "experienced"))[0]
	if st := testkit.Submit(t, tab, `form[action="/logout"] button`); st != 200 || !strings.HasPrefix(here(t, tab), "/login") {
		t.Errorf("sign out: status %d at %s", st, here(t, tab))
	}
	if !stored(id) {
		t.Error("the item queued before signing out is not stored")
	}
	dialogMu.Lock()
	if len(dialogs) > 0 {
		t.Errorf("signing out with everything sent asked %q", dialogs)
	}
	dialogMu.Unlock()
	t.Logf("offline test: %d lessons in %s", len(walks), time.Since(start).Round(time.Millisecond))
}

// pickWalks chooses the lessons: the first two of smartphone-basics in
// English (the first all online), its next three in Russian, Ukrainian and
// Latvian, and in Vietnamese the first lesson of another course, so a second
// course is kept too. The line is cut at the middle step, or earlier so at
// least one question is answered offline.
func pickWalks(t *testing.T, lib *course.Library) []lessonWalk {
	t.Helper()
	cut := func(c, l string) int {
		ls := lib.Lesson(c, l, "en")
		at := len(ls.Steps) / 2
		for i := len(ls.Steps) - 1; i >= 1; i-- {
			if ls.Steps[i].Kind == course.KindQuestion {
				return min(at, i)
			}
		}
		return at
	}
	sb := lib.Course("smartphone-basics")
	if sb == nil || len(sb.Lessons) < 5 {
		t.Fatal("the content has no smartphone-basics course of five lessons")
	}
	walks := []lessonWalk{{"en", sb.Slug, sb.Lessons[0].Slug, -1}}
	for i, lang := range []string{"en", "ru", "uk", "lv"} {
		l := sb.Lessons[i+1].Slug
		walks = append(walks, lessonWalk{lang, sb.Slug, l, cut(sb.Slug, l)})
	}
	for _, c := range lib.Courses() {
		if c.Slug == sb.Slug || len(c.Lessons) == 0 || lib.Lesson(c.Slug, c.Lessons[0].Slug, "vi") == nil {
			continue
		}
		if ls := lib.Lesson(c.Slug, c.Lessons[0].Slug, "en"); ls.Questions() > 0 {
			return append(walks, lessonWalk{"vi", c.Slug, ls.Slug, cut(c.Slug, ls.Slug)})
		}
	}
	t.Fatal("no second course with a question in its first lesson")
	return nil
}

// answerQuestion picks an answer: the first choice, or the order as shown.
func answerQuestion(t *testing.T, tab context.Context, q *course.Question) {
	t.Helper()
	if q.Type != course.QuestionOrder {
		testkit.Click(t, tab, "#f-answer")
		return
	}
	for k := range q.Items {
		id := "#f-answer"
		if k > 0 {
			id += fmt.Sprintf("-%d", k)
		}
		testkit.SetValue(t, tab, id, fmt.Sprint(k+1))
	}
}

// verbCounts counts a person's statements of a lesson by verb.
func verbCounts(t *testing.T, fx *fixture, actor, course, lesson string) map[string]int {
	t.Helper()
	rows, err := fx.app.DB().R.QueryContext(t.Context(), `SELECT verb, COUNT(*) FROM statements
		WHERE actor_id = $1 AND course_slug = $2 AND lesson_slug = $3 GROUP BY verb`, actor, course, lesson)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var v string
		var n int
		if err := rows.Scan(&v, &n); err != nil {
			t.Fatal(err)
		}
		out[v] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func statementCount(t *testing.T, fx *fixture) int {
	t.Helper()
	var n int
	if err := fx.app.DB().R.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM statements`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// checkRecords compares what the lesson left in the database with what the
// walk did: started once (unless begun before), one experienced per step, one
// answered per answer, completed once; offline-marked records as many as
// the queue held; the lesson done in the projections.
func checkRecords(t *testing.T, fx *fixture, name, actor string, w lessonWalk, before map[string]int, begun bool, steps, answers, queued int) {
	t.Helper()
	after := verbCounts(t, fx, actor, w.course, w.lesson)
	started := 1
	if begun {
		started = 0
	}
	for verb, want := range map[string]int{"started": started, "experienced": steps, "answered": answers, "completed": 1} {
		if got := after[verb] - before[verb]; got != want {
			t.Errorf("%s: %d new %q statements, want %d", name, got, verb, want)
		}
	}
	var offline int
	if err := fx.app.DB().R.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM statements
		WHERE actor_id = $1 AND course_slug = $2 AND lesson_slug = $3 AND offline`, actor, w.course, w.lesson).Scan(&offline); err != nil {
		t.Fatal(err)
	}
	if offline != queued {
		t.Errorf("%s: %d statements marked offline, want the %d queued", name, offline, queued)
	}
	lp, err := fx.app.Progress.LessonProgress(t.Context(), actor, w.course)
	if err != nil {
		t.Fatal(err)
	}
	if p := lp[w.lesson]; !p.Completed() || p.Answers < answers || p.LastStep != steps-1 {
		t.Errorf("%s: lesson progress %+v, want completed, %d answers, last step %d", name, p, answers, steps-1)
	}
	es, err := fx.app.Progress.Enrolments(t.Context(), actor)
	if err != nil {
		t.Fatal(err)
	}
	enrolled := false
	for _, e := range es {
		enrolled = enrolled || e.Course == w.course
	}
	if !enrolled {
		t.Errorf("%s: no enrolment in %s", name, w.course)
	}
}

// evalAsync evaluates an expression that may be a promise.
func evalAsync[T any](t *testing.T, tab context.Context, js string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab, 15*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// waitJS evaluates js (a string or a promise of one) until it gives "", for
// up to 20 s; the last answer says what was still missing.
func waitJS(t *testing.T, tab context.Context, js string) {
	t.Helper()
	last := ""
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if last = evalAsync[string](t, tab, js); last == "" {
			return
		}
	}
	t.Fatalf("waited 20 s at %s: %s", here(t, tab), last)
}

// waitText waits until the element's text is want.
func waitText(t *testing.T, tab context.Context, selector, want string) {
	t.Helper()
	waitJS(t, tab, fmt.Sprintf(`(() => { const e = document.querySelector(%s); const s = e ? e.textContent.trim() : "(no element)";
		return s === %s ? "" : %s + " shows " + JSON.stringify(s) + ", want " + %s; })()`, jsString(selector), jsString(want), jsString(selector), jsString(want)))
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x2028 || r == 0x2029:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
