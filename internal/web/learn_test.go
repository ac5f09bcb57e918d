package web_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/onramp/onramp/content"
	"github.com/onramp/onramp/internal/account"
	"github.com/onramp/onramp/internal/course"
	"github.com/onramp/onramp/internal/db"
	"github.com/onramp/onramp/internal/i18n"
	"github.com/onramp/onramp/internal/place"
	"github.com/onramp/onramp/internal/progress"
	"github.com/onramp/onramp/internal/testkit"
	"github.com/onramp/onramp/internal/web"
)

// lnEnv is newEnv with a course library: the server is built again with
// Courses set, and the statement intake checks records against that library.
func lnEnv(t *testing.T, lib *course.Library) *env {
	t.Helper()
	e := newEnv(t)
	batch := db.NewBatcher(e.DB, 64, 0)
	t.Cleanup(batch.Close)
	e.Progress = progress.NewService(e.DB, batch, lnCurriculum{lib}, time.Now)
	cat, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	e.S, err = web.New(web.Deps{
		Log: slog.New(slog.DiscardHandler), DB: e.DB, Translator: cat, Accounts: e.Accounts, Places: e.Places,
		Progress: e.Progress, Courses: lib, Sessions: account.NewSessionStore(e.DB, time.Now),
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// lnCurriculum answers the intake's questions from a library (as app does).
type lnCurriculum struct{ lib *course.Library }

func (c lnCurriculum) LessonCount(slug string) (int, bool) {
	if co := c.lib.Course(slug); co != nil {
		return len(co.Lessons), true
	}
	return 0, false
}

func (c lnCurriculum) HasLesson(slug, lesson string) bool {
	return c.lib.Lesson(slug, lesson, "en") != nil
}

func lnLangs() []string { return []string{"en", "ru", "uk", "lv", "vi"} }

// lnCountry is a complete country profile whose portal is called portal.
func lnCountry(code, portal string) string {
	var b strings.Builder
	b.WriteString("code: " + code + "\nname:\n")
	for _, l := range lnLangs() {
		b.WriteString("  " + l + ": Land " + code + "\n")
	}
	b.WriteString("official_domains: [example.org]\nemergency_number: \"112\"\nbank_fraud_advice: Call the bank.\n")
	b.WriteString("placeholders:\n  portal: " + portal + "\n  portal_domain: example.org\n  id_app: The ID app\n" +
		"  signature: The signature\n  health_service: The health app\n  tax_app: The tax app\n  messenger: The messenger\n")
	return b.String()
}

// lnLessonOne has a step of every kind, in this order:
// 1 text, 2 image, 3 video, 4 single, 5 checklist, 6 practice, 7 multiple, 8 truefalse, 9 order.
const lnLessonOne = "---\ntitle: One {{portal}}\nminutes: 5\ncompetences: [\"5.1\"]\n---\n" +
	"Open **{{portal}}** and look.\n\n+++\n\n" +
	"```image\nsrc: phone.svg\nalt: A phone with a big button.\ncaption: The phone seen from the front.\n```\n\n+++\n\n" +
	"```video\nsrc: clip.mp4\ntitle: A short clip\ntranscript: |\n  Someone presses the power button.\n```\n\n+++\n\n" +
	"```question\ntype: single\nprompt: Which button turns the phone on?\noptions:\n" +
	"  - text: The volume button\n    feedback: That one changes the sound.\n" +
	"  - text: The power button\n    correct: true\n    feedback: Yes, hold it down.\n```\n\n+++\n\n" +
	"```checklist\ntitle: Do it yourself\nitems:\n  - Press the button\n  - Swipe up\n```\n\n+++\n\n" +
	"```practice\nscenario: portal-login\nintro: Try signing in to the portal.\n```\n\n+++\n\n" +
	"```question\ntype: multiple\nprompt: Which are safe?\noptions:\n" +
	"  - text: Alpha\n    correct: true\n    feedback: Alpha is safe.\n" +
	"  - text: Beta\n    correct: true\n    feedback: Beta is safe.\n" +
	"  - text: Gamma\n    feedback: Gamma is a trap.\n```\n\n+++\n\n" +
	"```question\ntype: truefalse\nprompt: The bank asks for your codes.\nanswer: false\n" +
	"feedback_correct: Right, a bank never does.\nfeedback_wrong: No, a bank never asks.\n```\n\n+++\n\n" +
	"```question\ntype: order\nprompt: Put these in order.\nitems:\n  - First thing\n  - Second thing\n  - Third thing\n" +
	"feedback_correct: Good order.\nfeedback_wrong: Not this order.\n```\n"

const lnLessonShort = "---\ntitle: Short lesson\nminutes: 2\n---\nSome text.\n\n+++\n\n" +
	"```question\ntype: truefalse\nprompt: Is this true?\nanswer: true\nfeedback_correct: Yes.\nfeedback_wrong: No.\n```\n"

// lnTree is a small content tree: profiles XX and RU; "phone" (two lessons,
// every step kind) for everyone, "russia" for RU only, "second" for everyone.
func lnTree() fstest.MapFS {
	m := fstest.MapFS{
		"countries/XX.yaml":             {Data: []byte(lnCountry("XX", "the state portal"))},
		"countries/RU.yaml":             {Data: []byte(lnCountry("RU", "Gosuslugi"))},
		"courses/phone/course.yaml":     {Data: []byte("slug: phone\norder: 1\nlevel: foundation\nminutes: 20\ncompetences: [\"5.1\", \"4.1\"]\nlessons:\n  - one\n  - two\n")},
		"courses/phone/media/phone.svg": {Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 240 320"><script>alert(1)</script><rect width="10" height="10"/></svg>`)},
		"courses/phone/media/clip.mp4":  {Data: []byte("not really a video")},
		"courses/russia/course.yaml":    {Data: []byte("slug: russia\norder: 2\nlevel: intermediate\nminutes: 5\ncompetences: [\"2.3\"]\ncountries: [RU]\nlessons: [only]\n")},
		"courses/second/course.yaml":    {Data: []byte("slug: second\norder: 3\nlevel: advanced\nminutes: 5\ncompetences: [\"1.1\"]\nlessons: [only]\n")},
	}
	for _, l := range lnLangs() {
		title, one := "Phone basics "+l, strings.Replace(lnLessonOne, "title: One", "title: One "+l, 1)
		if l == "ru" {
			title, one = "Основы телефона", strings.Replace(lnLessonOne, "title: One", "title: Первый урок", 1)
		}
		m["courses/phone/"+l+"/index.md"] = &fstest.MapFile{Data: []byte("---\ntitle: " + title + "\nsummary: All about {{portal}}.\n---\nLearn about **{{portal}}**.\n")}
		m["courses/phone/"+l+"/one.md"] = &fstest.MapFile{Data: []byte(one)}
		m["courses/phone/"+l+"/two.md"] = &fstest.MapFile{Data: []byte(lnLessonShort)}
		m["courses/russia/"+l+"/index.md"] = &fstest.MapFile{Data: []byte("---\ntitle: Only in Russia " + l + "\nsummary: R.\n---\n")}
		m["courses/russia/"+l+"/only.md"] = &fstest.MapFile{Data: []byte(lnLessonShort)}
		m["courses/second/"+l+"/index.md"] = &fstest.MapFile{Data: []byte("---\ntitle: Second course " + l + "\nsummary: S.\n---\n")}
		m["courses/second/"+l+"/only.md"] = &fstest.MapFile{Data: []byte(lnLessonShort)}
	}
	return m
}

func lnLibrary(t *testing.T) *course.Library {
	t.Helper()
	lib, err := course.Load(lnTree())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range lib.Validate() {
		t.Errorf("test content: %s", p)
	}
	return lib
}

// lnRawKey finds an i18n key shown as it is: a message missing from the catalog.
var lnRawKey = regexp.MustCompile(`\b(learn\.[a-z_]+\.[a-z0-9_]+|(home|form|nav|minutes)\.[a-z_]+)\b`)

func lnNoRawKeys(t *testing.T, path, body string) {
	t.Helper()
	if i := strings.Index(body, "<main"); i >= 0 {
		body = body[i:]
	}
	if k := lnRawKey.FindString(body); k != "" {
		t.Errorf("GET %s shows the key %q instead of its text", path, k)
	}
}

// lnStatements counts the stored learning records.
func lnStatements(t *testing.T, e *env) int {
	t.Helper()
	var n int
	if err := e.DB.R.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM statements`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func lnPost(t *testing.T, e *env, c []*http.Cookie, path string, form url.Values) (*http.Response, string) {
	t.Helper()
	return testkit.Do(t, e.S, testkit.Scenario{Method: "POST", URL: path, Header: sameOrigin(), Cookies: c, Form: form})
}

// lnGo posts and expects a redirect to want; it returns the Location.
func lnGo(t *testing.T, e *env, c []*http.Cookie, path string, form url.Values, want string) string {
	t.Helper()
	res, body := lnPost(t, e, c, path, form)
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, want) {
		t.Fatalf("POST %s %v: status %d to %q, want 303 to %s…\n%s", path, form, res.StatusCode, loc, want, body)
	}
	return loc
}

// lnLearner adds a learner at a venue of a new country place (code) and signs
// them in by PIN.
func lnLearner(t *testing.T, e *env, country, phone string) []*http.Cookie {
	t.Helper()
	ctx := t.Context()
	c, err := e.Places.CreatePlace(ctx, place.NewPlace{Kind: place.KindCountry, Code: country, Names: map[string]string{"en": "Land " + country}})
	if err != nil {
		t.Fatal(err)
	}
	parent := c.ID
	for _, k := range []place.Kind{place.KindRegion, place.KindMunicipality} {
		p, err := e.Places.CreatePlace(ctx, place.NewPlace{ParentID: parent, Kind: k, Code: country + "-" + string(k),
			Names: map[string]string{"en": string(k) + " " + country}})
		if err != nil {
			t.Fatal(err)
		}
		parent = p.ID
	}
	v, err := e.Places.CreatePlace(ctx, place.NewPlace{ParentID: parent, Kind: place.KindVenue, VenueKind: place.VenueLibrary,
		Code: country + "-LIB", Names: map[string]string{"en": "Library " + country}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Accounts.CreateUser(ctx, account.NewUser{DisplayName: "Learner " + country, Phone: phone, PIN: "583920",
		PreferredLang: "en", Role: account.Learner, PlaceID: v.ID}); err != nil {
		t.Fatal(err)
	}
	res, body := testkit.Do(t, e.S, testkit.Scenario{Method: "POST", URL: "/login/pin", Header: sameOrigin(),
		Form: url.Values{"phone": {phone}, "pin": {"583920"}}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in %s: %d\n%s", phone, res.StatusCode, body)
	}
	var out []*http.Cookie
	for _, ck := range res.Cookies() {
		if ck.Name == "onramp_session" {
			out = append(out, ck)
		}
	}
	return out
}

func TestLearnPages(t *testing.T) {
	e := lnEnv(t, lnLibrary(t))
	c := e.login(t, "learner1")
	lesson := "/courses/phone/lessons/one"
	testkit.Run(t, e.S, []testkit.Scenario{
		{Name: "catalogue for a visitor", URL: "/courses", WantStatus: 200,
			WantIn:    []string{"<h1>Courses</h1>", `href="/courses/phone"`, "Phone basics en", "All about the state portal.", "2 lessons", "20 minutes", "For beginners", `href="/courses/second"`, "sign in"},
			WantNotIn: []string{"Only in Russia", "Not started yet"}},
		{Name: "catalogue in Russian", URL: "/courses?lang=ru", WantStatus: 200,
			WantIn: []string{`<html lang="ru"`, "<h1>Курсы</h1>", "Основы телефона", "2 урока", "20 минут"}},
		{Name: "catalogue for a learner", URL: "/courses", Cookies: c, WantStatus: 200,
			WantIn: []string{"Not started yet"}, WantHeader: map[string]string{"Cache-Control": "no-store"}},
		{Name: "nav has courses", URL: "/", WantIn: []string{`<a href="/courses">Courses</a>`}},
		{Name: "course page", URL: "/courses/phone", Cookies: c, WantStatus: 200,
			WantIn: []string{"<h1>Phone basics en</h1>", "Learn about <strong>the state portal</strong>", "One en the state portal", "Short lesson",
				"Start the course", `href="/courses/phone/lessons/one"`, "5.1 Solving technical problems", "4.1 Protecting devices", "Not started"}},
		{Name: "course page in Russian", URL: "/courses/phone?lang=ru", Cookies: c, WantStatus: 200,
			WantIn: []string{"<h1>Основы телефона</h1>", "Первый урок", "Начать курс", "Решение технических проблем"}},
		{Name: "unknown course", URL: "/courses/nope", WantStatus: 404, WantIn: []string{"could not find this course"}},
		{Name: "text step", URL: lesson, Cookies: c, WantStatus: 200,
			WantIn: []string{"<h1>One en the state portal</h1>", `<section id="step"`, `data-course="phone"`, `data-lesson="one"`, `data-step="0"`,
				"Step 1 of 9", `<progress class="step-progress" max="9" value="1"`, "Open <strong>the state portal</strong>",
				`id="read-aloud"`, `<div class="read-aloud" hidden>`, `src="/static/learn.js?v=`, `action="/courses/phone/lessons/one/steps/1"`,
				`value="next"`, "Back to the course"},
			WantNotIn: []string{"sign in to save", `value="back"`}},
		{Name: "text step in Russian", URL: lesson + "?lang=ru", Cookies: c, WantStatus: 200,
			WantIn: []string{`<html lang="ru"`, "Шаг 1 из 9", "Прочитать вслух", "Далее"}},
		{Name: "image step", URL: lesson + "?step=2", Cookies: c, WantStatus: 200,
			WantIn: []string{`name="back" value="/courses/phone/lessons/one?step=2"`, `<img src="/courses/phone/media/phone.svg" alt="A phone with a big button." width="240" height="320">`,
				"<figcaption>The phone seen from the front.</figcaption>", `value="back"`}},
		{Name: "video step", URL: lesson + "?step=3", Cookies: c, WantStatus: 200,
			WantIn: []string{`<video controls preload="none" src="/courses/phone/media/clip.mp4"`, "<details", "Someone presses the power button."}},
		{Name: "single question", URL: lesson + "?step=4", Cookies: c, WantStatus: 200,
			WantIn: []string{"<fieldset", "<legend>Which button turns the phone on?</legend>", `type="radio" id="f-answer" name="answer" value="0"`,
				`value="answer"`, "Check my answer"},
			WantNotIn: []string{"Yes, hold it down."}},
		{Name: "checklist step", URL: lesson + "?step=5", Cookies: c, WantStatus: 200,
			WantIn: []string{"Do it yourself", `type="checkbox" id="check-0"`, "Swipe up"}},
		{Name: "practice step", URL: lesson + "?step=6", Cookies: c, WantStatus: 200,
			WantIn: []string{`href="/practice/portal-login"`, "Try signing in to the portal."}},
		{Name: "multiple question", URL: lesson + "?step=7", Cookies: c, WantStatus: 200,
			WantIn: []string{`type="checkbox" id="f-answer" name="answer" value="0"`, "Choose every answer that is right"}},
		{Name: "truefalse question", URL: lesson + "?step=8", Cookies: c, WantStatus: 200,
			WantIn: []string{`value="1"`, ">True</label>", ">False</label>"}},
		{Name: "order question", URL: lesson + "?step=9", Cookies: c, WantStatus: 200,
			WantIn: []string{`<select id="f-answer" name="pos-0">`, `name="pos-2"`, "Choose a number", "Finish the lesson"}},
		{Name: "step 0", URL: lesson + "?step=0", WantStatus: 404, WantIn: []string{"no such step"}},
		{Name: "step past the end", URL: lesson + "?step=10", WantStatus: 404},
		{Name: "step not a number", URL: lesson + "?step=two", WantStatus: 404},
		{Name: "unknown lesson", URL: "/courses/phone/lessons/nope", WantStatus: 404, WantIn: []string{"could not find this lesson"}},
		{Name: "lesson of an unknown course", URL: "/courses/nope/lessons/one", WantStatus: 404},
		{Name: "lesson for a visitor", URL: lesson + "?step=2", WantStatus: 200,
			WantIn:    []string{"To save your progress, sign in.", `href="/login?next=%2Fcourses%2Fphone%2Flessons%2Fone%3Fstep%3D2"`, `href="/courses/phone/lessons/one?step=3"`, `href="/courses/phone/lessons/one"`},
			WantNotIn: []string{`method="post" action="/courses/phone/lessons/one/steps`}},
		{Name: "visitor question form reads only", URL: lesson + "?step=4", WantStatus: 200,
			WantIn: []string{`method="get" action="/courses/phone/lessons/one#feedback"`, `name="answered" value="1"`}},
		{Name: "done page", URL: lesson + "/done", Cookies: c, WantStatus: 200,
			WantIn: []string{"Well done!", "One en the state portal", `href="/courses/phone/lessons/two"`, "Next lesson: Short lesson", "0 of 2 lessons done"}},
		{Name: "done page of the last lesson", URL: "/courses/phone/lessons/two/done", WantStatus: 200,
			WantIn: []string{"Well done!", `href="/courses"`}},
		{Name: "svg with its own policy", URL: "/courses/phone/media/phone.svg", WantStatus: 200, WantIn: []string{"<svg"},
			WantHeader: map[string]string{"Content-Type": "image/svg+xml", "Cache-Control": "public, max-age=86400",
				"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox"}},
		{Name: "svg for a signed-in person is cached too", URL: "/courses/phone/media/phone.svg", Cookies: c, WantStatus: 200,
			WantHeader: map[string]string{"Cache-Control": "public, max-age=86400"}},
		{Name: "video file", URL: "/courses/phone/media/clip.mp4", WantStatus: 200, WantHeader: map[string]string{"Content-Type": "video/mp4"}},
		{Name: "unknown media", URL: "/courses/phone/media/nope.svg", WantStatus: 404},
		{Name: "media of an unknown course", URL: "/courses/nope/media/phone.svg", WantStatus: 404},
		{Name: "media path escape", URL: "/courses/phone/media/..%2Fcourse.yaml", WantStatus: 404},
		{Name: "media of another type", URL: "/courses/phone/media/phone.txt", WantStatus: 404},
	})
	res, _ := testkit.Do(t, e.S, testkit.Scenario{URL: "/courses/phone/media/phone.svg"})
	if csp := res.Header.Get("Content-Security-Policy"); strings.Contains(csp, "script-src") || !strings.Contains(csp, "sandbox") {
		t.Errorf("svg CSP %q", csp)
	}
}

// TestLearnLessonWithoutJavaScript goes through a whole lesson by POSTs, as a
// browser without JavaScript does, and checks what is recorded.
func TestLearnLessonWithoutJavaScript(t *testing.T) {
	lib := lnLibrary(t)
	e := lnEnv(t, lib)
	c := e.login(t, "learner1")
	ctx := t.Context()
	uid := e.User["learner1"].ID
	lesson := "/courses/phone/lessons/one"
	step := func(n int) string { return fmt.Sprintf("%s/steps/%d", lesson, n) }
	next := url.Values{"action": {"next"}}
	get := func(path string, want ...string) string {
		t.Helper()
		path, _, _ = strings.Cut(path, "#") // a browser keeps the fragment to itself
		res, body := testkit.Do(t, e.S, testkit.Scenario{URL: path, Cookies: c})
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d\n%s", path, res.StatusCode, body)
		}
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Errorf("GET %s: no %q", path, w)
			}
		}
		lnNoRawKeys(t, path, body)
		return body
	}

	// Step 1 -> 2 records started and experienced(0).
	lnGo(t, e, c, step(1), next, lesson+"?step=2")
	if n := lnStatements(t, e); n != 2 {
		t.Fatalf("after leaving step 1: %d statements, want 2 (started, experienced)", n)
	}
	// Back records nothing.
	lnGo(t, e, c, step(2), url.Values{"action": {"back"}}, lesson)
	lnGo(t, e, c, step(1), url.Values{"action": {"back"}}, "/courses/phone")
	// Leaving step 1 again is not a second start.
	lnGo(t, e, c, step(1), next, lesson+"?step=2")
	if n := lnStatements(t, e); n != 3 {
		t.Fatalf("after leaving step 1 again: %d statements, want 3", n)
	}
	lnGo(t, e, c, step(2), next, lesson+"?step=3")
	lnGo(t, e, c, step(3), next, lesson+"?step=4")

	// A wrong answer, then the right one: each recorded, each with its feedback.
	loc := lnGo(t, e, c, step(4), url.Values{"action": {"answer"}, "answer": {"0"}}, lesson+"?")
	if !strings.HasSuffix(loc, "#feedback") || !strings.Contains(loc, "answered=1") {
		t.Errorf("answer redirect %q", loc)
	}
	get(loc, "Not quite", "<strong>The volume button</strong>", "not right.", "That one changes the sound.", `value="0" checked`, "Check again")
	loc = lnGo(t, e, c, step(4), url.Values{"action": {"answer"}, "answer": {"1"}}, lesson+"?")
	body := get(loc, "Right!", "a right answer.", "Yes, hold it down.", `value="1" checked`)
	if strings.Contains(body, "That one changes the sound.") {
		t.Error("feedback of an option not chosen is shown")
	}
	lp, err := e.Progress.LessonProgress(ctx, uid, "phone")
	if err != nil {
		t.Fatal(err)
	}
	if got := lp["one"]; got.Answers != 2 || got.Correct != 1 || got.LastStep != 3 {
		t.Errorf("lesson progress after two answers: %+v", got)
	}
	for n := 4; n <= 6; n++ {
		lnGo(t, e, c, step(n), next, fmt.Sprintf("%s?step=%d", lesson, n+1))
	}
	// Multiple: half right shows "there is more"; all right is right.
	loc = lnGo(t, e, c, step(7), url.Values{"action": {"answer"}, "answer": {"0"}}, lesson+"?")
	get(loc, "Not quite", "Alpha is safe.", "there is more")
	loc = lnGo(t, e, c, step(7), url.Values{"action": {"answer"}, "answer": {"1", "0"}}, lesson+"?")
	get(loc, "Right!", "Alpha is safe.", "Beta is safe.")
	// True or false.
	loc = lnGo(t, e, c, step(8), url.Values{"action": {"answer"}, "answer": {"1"}}, lesson+"?")
	get(loc, "Not quite", "No, a bank never asks.")
	loc = lnGo(t, e, c, step(8), url.Values{"action": {"answer"}, "answer": {"0"}}, lesson+"?")
	get(loc, "Right!", "Right, a bank never does.")
	// Order: read the shuffled lines off the page and number them.
	page := get(lesson+"?step=9", "Put these in order.")
	right := url.Values{"action": {"answer"}}
	wrong := url.Values{"action": {"answer"}}
	items := []string{"First thing", "Second thing", "Third thing"}
	shown := regexp.MustCompile(`<label for="[^"]+">([^<]+)</label>\s*<select id="[^"]+" name="pos-(\d)">`).FindAllStringSubmatch(page, -1)
	if len(shown) != 3 {
		t.Fatalf("order question shows %d lines", len(shown))
	}
	inOrder := true
	for k, m := range shown {
		pos := slices.Index(items, m[1]) + 1
		right.Set("pos-"+m[2], fmt.Sprint(pos))
		wrong.Set("pos-"+m[2], fmt.Sprint(k+1))
		inOrder = inOrder && pos == k+1
	}
	if inOrder {
		t.Error("order question shows the lines in the right order")
	}
	loc = lnGo(t, e, c, step(9), wrong, lesson+"?")
	get(loc, "Not quite", "Not this order.")
	loc = lnGo(t, e, c, step(9), right, lesson+"?")
	get(loc, "Right!", "Good order.", " selected>")

	// Finishing: experienced + completed, then the done page.
	lnGo(t, e, c, step(9), next, lesson+"/done")
	get(lesson+"/done", "Well done!", "1 of 2 lessons done", "Next lesson: Short lesson")
	lp, err = e.Progress.LessonProgress(ctx, uid, "phone")
	if err != nil {
		t.Fatal(err)
	}
	if got := lp["one"]; !got.Completed() || got.LastStep != 8 || got.Answers != 8 || got.Correct != 4 {
		t.Errorf("lesson progress at the end: %+v", got)
	}
	es, err := e.Progress.Enrolments(ctx, uid)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 1 || es[0].Course != "phone" || es[0].LessonsCompleted != 1 || es[0].Completed() || es[0].PlaceID != e.Place["V1"] {
		t.Errorf("enrolments: %+v", es)
	}
	// started + 9 experienced (step 1 twice, back in between) + 8 answers + completed.
	if n := lnStatements(t, e); n != 18 {
		t.Errorf("%d statements, want 18", n)
	}

	// The pages read the projections.
	get("/courses", "1 of 2 lessons done")
	get("/courses/phone", "Done", "Not started", "Continue where you left off", `href="/courses/phone/lessons/two"`)
	home := get("/", "Continue where you left off", `href="/courses/phone/lessons/two"`, "My courses", "Phone basics en", "Suggested next", "Second course en")
	if strings.Contains(home, "Only in Russia") {
		t.Error("home suggests a course of another country")
	}

	// The short lesson, to the end of the course.
	lnGo(t, e, c, "/courses/phone/lessons/two/steps/1", next, "/courses/phone/lessons/two?step=2")
	lnGo(t, e, c, "/courses/phone/lessons/two/steps/2", next, "/courses/phone/lessons/two/done")
	get("/courses/phone/lessons/two/done", "You have finished every lesson of “Phone basics en”")
	es, _ = e.Progress.Enrolments(ctx, uid)
	if len(es) != 1 || !es[0].Completed() {
		t.Errorf("enrolment after the last lesson: %+v", es)
	}
	get("/courses", "Finished")
	if home := get("/"); strings.Contains(home, "Continue where you left off") {
		t.Error("home offers to continue a finished course")
	}
}

// TestLearnResumesMidLesson: home and course page lead to the step after the
// one left last.
func TestLearnResumesMidLesson(t *testing.T) {
	e := lnEnv(t, lnLibrary(t))
	c := e.login(t, "learner1")
	for n := 1; n <= 3; n++ {
		lnGo(t, e, c, fmt.Sprintf("/courses/phone/lessons/one/steps/%d", n), url.Values{"action": {"next"}}, "/courses/phone/lessons/one")
	}
	testkit.Run(t, e.S, []testkit.Scenario{
		{Name: "home", URL: "/", Cookies: c, WantIn: []string{`href="/courses/phone/lessons/one?step=4"`, "One en the state portal", "Step 4 of 9"}},
		{Name: "course", URL: "/courses/phone", Cookies: c, WantIn: []string{`href="/courses/phone/lessons/one?step=4"`, "Continue where you left off", "Started"}},
	})
}

func TestLearnGETNeverWrites(t *testing.T) {
	e := lnEnv(t, lnLibrary(t))
	c := e.login(t, "learner1")
	lnGo(t, e, c, "/courses/phone/lessons/one/steps/1", url.Values{"action": {"next"}}, "/courses/phone/lessons/one?step=2")
	before := lnStatements(t, e)
	lesson := "/courses/phone/lessons/one"
	for _, cookies := range [][]*http.Cookie{c, nil} {
		for _, path := range []string{"/", "/courses", "/courses/phone", lesson, lesson + "?step=4", lesson + "?step=9",
			lesson + "?step=4&answered=1&answer=1", lesson + "?step=4&answered=1&answer=9", lesson + "/done",
			"/courses/phone/lessons/two/done", "/courses/phone/media/phone.svg"} {
			res, _ := testkit.Do(t, e.S, testkit.Scenario{URL: path, Cookies: cookies})
			if res.StatusCode >= 500 {
				t.Errorf("GET %s: %d", path, res.StatusCode)
			}
		}
	}
	if after := lnStatements(t, e); after != before {
		t.Errorf("GET requests changed the statements: %d -> %d", before, after)
	}
	es, _ := e.Progress.Enrolments(t.Context(), e.User["learner1"].ID)
	if len(es) != 1 {
		t.Errorf("enrolments %+v", es)
	}
}

// TestLearnBadInput: whatever is posted, the answer is a 422 with a message
// (or a 404 for a step that does not exist), never a 500, and nothing is stored.
func TestLearnBadInput(t *testing.T) {
	e := lnEnv(t, lnLibrary(t))
	c := e.login(t, "learner1")
	lesson := "/courses/phone/lessons/one"
	answer := func(n int, kv ...string) testkit.Scenario {
		f := url.Values{"action": {"answer"}}
		for i := 0; i+1 < len(kv); i += 2 {
			f.Add(kv[i], kv[i+1])
		}
		return testkit.Scenario{Method: "POST", URL: fmt.Sprintf("%s/steps/%d", lesson, n), Header: sameOrigin(), Cookies: c, Form: f}
	}
	with := func(sc testkit.Scenario, name string, status int, want ...string) testkit.Scenario {
		sc.Name, sc.WantStatus, sc.WantIn = name, status, want
		return sc
	}
	testkit.Run(t, e.S, []testkit.Scenario{
		with(answer(4), "no option", 422, "Please choose an answer.", `class="error-summary"`, `href="#f-answer"`, `aria-describedby="e-answer"`),
		with(answer(4, "answer", "7"), "index out of range", 422, "Please choose one of the options."),
		with(answer(4, "answer", "-1"), "negative index", 422, "Please choose one of the options."),
		with(answer(4, "answer", "abc"), "not a number", 422, "Please choose one of the options."),
		with(answer(4, "answer", "0", "answer", "1"), "two answers to a single question", 422),
		with(answer(7, "answer", "0", "answer", "0"), "the same option twice", 422),
		with(answer(7, "answer", "0", "answer", "1", "answer", "2", "answer", "0"), "more answers than options", 422),
		with(answer(8, "answer", "2"), "truefalse out of range", 422),
		with(answer(9, "pos-0", "1", "pos-1", "1", "pos-2", "2"), "order with a repeat", 422, "Each number can be used only once", `selected>1</option>`),
		with(answer(9, "pos-0", "1", "pos-1", "2"), "order with a line missing", 422, "Please give every line a number."),
		with(answer(9, "pos-0", "1", "pos-1", "2", "pos-2", "4"), "order out of range", 422),
		with(answer(1, "answer", "0"), "answer on a text step", 422, "There is no question on this step"),
		{Name: "no action", Method: "POST", URL: lesson + "/steps/1", Header: sameOrigin(), Cookies: c, Form: url.Values{}, WantStatus: 422,
			WantIn: []string{"Something on the page did not work"}},
		{Name: "unknown action", Method: "POST", URL: lesson + "/steps/1", Header: sameOrigin(), Cookies: c,
			Form: url.Values{"action": {"jump"}}, WantStatus: 422},
		{Name: "huge form", Method: "POST", URL: lesson + "/steps/4", Header: sameOrigin(), Cookies: c,
			Form: url.Values{"action": {"answer"}, "answer": {strings.Repeat("1", 70<<10)}}, WantStatus: 422, WantIn: []string{"error-summary"}},
		{Name: "step 0", Method: "POST", URL: lesson + "/steps/0", Header: sameOrigin(), Cookies: c, Form: url.Values{"action": {"next"}}, WantStatus: 404},
		{Name: "step past the end", Method: "POST", URL: lesson + "/steps/10", Header: sameOrigin(), Cookies: c, Form: url.Values{"action": {"next"}}, WantStatus: 404},
		{Name: "step not a number", Method: "POST", URL: lesson + "/steps/x", Header: sameOrigin(), Cookies: c, Form: url.Values{"action": {"next"}}, WantStatus: 404},
		{Name: "unknown lesson", Method: "POST", URL: "/courses/phone/lessons/nope/steps/1", Header: sameOrigin(), Cookies: c, Form: url.Values{"action": {"next"}}, WantStatus: 404},
		{Name: "unknown course", Method: "POST", URL: "/courses/nope/lessons/one/steps/1", Header: sameOrigin(), Cookies: c, Form: url.Values{"action": {"next"}}, WantStatus: 404},
		{Name: "visitor answer with garbage", URL: lesson + "?step=4&answered=1&answer=99", WantStatus: 422, WantIn: []string{"Please choose one of the options."}},
		{Name: "visitor answer", URL: lesson + "?step=4&answered=1&answer=1", WantStatus: 200, WantIn: []string{"Right!", "Yes, hold it down."}},
		{Name: "cross-site post", Method: "POST", URL: lesson + "/steps/1", Header: http.Header{"Sec-Fetch-Site": {"cross-site"}}, Cookies: c,
			Form: url.Values{"action": {"next"}}, WantStatus: 403},
	})
	if n := lnStatements(t, e); n != 0 {
		t.Errorf("bad input stored %d statements", n)
	}
}

// TestLearnNeedsSignIn: a visitor's POST is refused with the sign-in message
// (the sign-in page is one link away; home then leads back to the step).
func TestLearnNeedsSignIn(t *testing.T) {
	e := lnEnv(t, lnLibrary(t))
	testkit.Run(t, e.S, []testkit.Scenario{
		{Name: "visitor next", Method: "POST", URL: "/courses/phone/lessons/one/steps/1", Header: sameOrigin(),
			Form: url.Values{"action": {"next"}}, WantStatus: 401, WantIn: []string{"Please sign in"}},
		{Name: "visitor answer", Method: "POST", URL: "/courses/phone/lessons/one/steps/4", Header: sameOrigin(),
			Form: url.Values{"action": {"answer"}, "answer": {"1"}}, WantStatus: 401},
	})
	if n := lnStatements(t, e); n != 0 {
		t.Errorf("a visitor's POST stored %d statements", n)
	}
}

// TestLearnCountryProfile: a learner in a country with a profile gets its
// names and its courses; staff see the Learn link.
func TestLearnCountryProfile(t *testing.T) {
	e := lnEnv(t, lnLibrary(t))
	ru := lnLearner(t, e, "RU", "+70000000199")
	learner1 := e.login(t, "learner1")
	trainer := e.login(t, "trainer")
	testkit.Run(t, e.S, []testkit.Scenario{
		{Name: "RU catalogue", URL: "/courses", Cookies: ru, WantIn: []string{"All about Gosuslugi.", "Only in Russia en"}},
		{Name: "RU lesson", URL: "/courses/phone/lessons/one", Cookies: ru, WantIn: []string{"One en Gosuslugi", "Open <strong>Gosuslugi</strong>"}},
		{Name: "RU home suggests the first course", URL: "/", Cookies: ru, WantIn: []string{"Start here", "Phone basics en"}},
		{Name: "neutral catalogue", URL: "/courses", Cookies: learner1, WantIn: []string{"the state portal"}, WantNotIn: []string{"Gosuslugi", "Only in Russia"}},
		{Name: "staff home", URL: "/", Cookies: trainer, WantIn: []string{"Place V1", `href="/courses"`, "Trainers learn too"}},
	})
	// Staff learn too: a trainer's record counts for their venue.
	lnGo(t, e, trainer, "/courses/phone/lessons/one/steps/1", url.Values{"action": {"next"}}, "/courses/phone/lessons/one?step=2")
	es, err := e.Progress.Enrolments(t.Context(), e.User["trainer"].ID)
	if err != nil || len(es) != 1 || es[0].PlaceID != e.Place["V1"] {
		t.Fatalf("trainer's enrolments: %+v %v", es, err)
	}
	testkit.Run(t, e.S, []testkit.Scenario{
		{Name: "staff home continues", URL: "/", Cookies: trainer, WantIn: []string{`href="/courses/phone/lessons/one?step=2"`, "Continue “Phone basics en”"}},
	})
}

// TestLearnEmbeddedContent is the guard that the real content and the
// templates agree: every step of every lesson of every course, the course
// pages, the catalogue and the done pages render in every language for every
// country profile, with every placeholder filled.
func TestLearnEmbeddedContent(t *testing.T) {
	lib, err := course.Load(content.FS())
	if err != nil {
		t.Fatal(err)
	}
	e := lnEnv(t, lib)
	profiles := map[string][]*http.Cookie{}
	for i, c := range lib.Countries() {
		if c.Code == course.Neutral {
			profiles[c.Code] = e.login(t, "learner1") // learner1's country has no profile: the neutral one
			continue
		}
		profiles[c.Code] = lnLearner(t, e, c.Code, fmt.Sprintf("+7000000030%d", i))
	}
	var pages atomic.Int64
	t.Run("profiles", func(t *testing.T) {
		for code, cookies := range profiles {
			t.Run(code, func(t *testing.T) {
				t.Parallel()
				for _, lang := range lib.Languages() {
					check := func(path string) {
						t.Helper()
						sep := "?"
						if strings.Contains(path, "?") {
							sep = "&"
						}
						res, body := testkit.Do(t, e.S, testkit.Scenario{URL: path + sep + "lang=" + lang, Cookies: cookies})
						pages.Add(1)
						if res.StatusCode != http.StatusOK {
							t.Errorf("%s GET %s: status %d", lang, path, res.StatusCode)
							return
						}
						if !strings.Contains(body, `<html lang="`+lang+`"`) {
							t.Errorf("%s GET %s: not in %s", lang, path, lang)
						}
						if strings.Contains(body, "{{") {
							t.Errorf("%s GET %s: a placeholder is left unfilled", lang, path)
						}
						lnNoRawKeys(t, path, body)
					}
					check("/courses")
					for _, c := range lib.Courses() {
						if !c.AppliesTo(code) {
							continue
						}
						check("/courses/" + c.Slug)
						for _, ref := range c.Lessons {
							ls := lib.Lesson(c.Slug, ref.Slug, lang).In(code)
							for n := 1; n <= len(ls.Steps); n++ {
								check(fmt.Sprintf("/courses/%s/lessons/%s?step=%d", c.Slug, ref.Slug, n))
							}
							check(fmt.Sprintf("/courses/%s/lessons/%s/done", c.Slug, ref.Slug))
						}
					}
				}
			})
		}
	})
	if len(profiles) < 6 || pages.Load() < 1000 {
		t.Errorf("%d profiles, %d pages: the loop missed content", len(profiles), pages.Load())
	}
	t.Logf("%d pages in %d languages for %d country profiles", pages.Load(), len(lib.Languages()), len(profiles))
}

// TestLearnHTMLIsValid runs the Nu Html Checker over every kind of step, the
// states of a question (answered right and wrong, refused with an error) and
// the other learning pages, for a learner and a visitor.
func TestLearnHTMLIsValid(t *testing.T) {
	e := lnEnv(t, lnLibrary(t))
	c := e.login(t, "learner1")
	docs := map[string][]byte{}
	lesson := "/courses/phone/lessons/one"
	paths := []string{"/", "/courses", "/courses/phone", lesson + "/done", lesson + "?step=4&answered=1&answer=0",
		lesson + "?step=7&answered=1&answer=0&answer=1", lesson + "?step=9&answered=1&pos-0=1&pos-1=2&pos-2=3",
		lesson + "?step=4&answered=1"}
	for n := 1; n <= 9; n++ {
		paths = append(paths, fmt.Sprintf("%s?step=%d", lesson, n))
	}
	for _, who := range []struct {
		name    string
		cookies []*http.Cookie
	}{{"learner", c}, {"visitor", nil}} {
		for _, p := range paths {
			res, body := testkit.Do(t, e.S, testkit.Scenario{URL: p, Cookies: who.cookies})
			if res.StatusCode >= 500 {
				t.Fatalf("GET %s: %d", p, res.StatusCode)
			}
			docs[who.name+" "+p] = []byte(body)
		}
	}
	_, body := lnPost(t, e, c, lesson+"/steps/9", url.Values{"action": {"answer"}, "pos-0": {"1"}, "pos-1": {"1"}})
	docs["learner refused order answer"] = []byte(body)
	testkit.CheckHTML(t, docs)
}

// lnFakeSpeech stands in for the browser's speech synthesis (headless
// Chromium has no voices): one Russian voice; what is spoken is kept in
// window.spoken.
const lnFakeSpeech = `(function () {
  window.spoken = [];
  var fake = {
    getVoices: function () { return [{lang: "ru-RU", name: "Test RU", localService: true}]; },
    speak: function (u) { window.spoken.push({text: u.text, lang: u.lang, voice: u.voice && u.voice.name}); },
    cancel: function () { window.cancelled = (window.cancelled || 0) + 1; },
    addEventListener: function () {}
  };
  Object.defineProperty(window, "speechSynthesis", {value: fake, configurable: true});
  window.SpeechSynthesisUtterance = function (text) { this.text = text; this.addEventListener = function () {}; };
})();`

// TestLearnReadAloud: the button shows only where a voice speaks the page's
// language, and reads the step in that language.
func TestLearnReadAloud(t *testing.T) {
	e := lnEnv(t, lnLibrary(t))
	srv := httptest.NewServer(e.S)
	t.Cleanup(srv.Close)
	tab := testkit.NewBrowser(t).NewTab(t)
	ctx, cancel := context.WithTimeout(tab, time.Minute)
	defer cancel()
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: lnFakeSpeech}); err != nil {
		t.Fatal(err)
	}
	eval := func(js string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return v
	}
	shown := `String(!document.querySelector(".read-aloud").hidden)`

	testkit.Navigate(t, ctx, srv.URL+"/courses/phone/lessons/one?lang=vi")
	if got := eval(shown); got != "false" {
		t.Error("read aloud offered in Vietnamese with only a Russian voice")
	}
	testkit.Navigate(t, ctx, srv.URL+"/courses/phone/lessons/one?step=4&lang=ru")
	if got := eval(shown); got != "true" {
		t.Fatal("read aloud not offered in Russian with a Russian voice")
	}
	testkit.Click(t, ctx, "#read-aloud")
	spoken := eval(`JSON.stringify(window.spoken)`)
	if !strings.Contains(spoken, "Which button turns the phone on?") || !strings.Contains(spoken, "The power button") ||
		!strings.Contains(spoken, `"lang":"ru-RU"`) || !strings.Contains(spoken, `"voice":"Test RU"`) {
		t.Errorf("spoken: %s", spoken)
	}
	if strings.Contains(spoken, "Шаг 4") {
		t.Errorf("the step counter is read too: %s", spoken)
	}
	if got := eval(`document.getElementById("read-aloud").textContent`); got != "Остановить чтение" {
		t.Errorf("button while reading: %q", got)
	}
	testkit.Click(t, ctx, "#read-aloud")
	if got := eval(`document.getElementById("read-aloud").textContent + " " + window.cancelled`); !strings.HasPrefix(got, "Прочитать вслух ") {
		t.Errorf("button after stopping: %q", got)
	}
	// An order question is read without its number lists.
	testkit.Navigate(t, ctx, srv.URL+"/courses/phone/lessons/one?step=9&lang=ru")
	testkit.Click(t, ctx, "#read-aloud")
	spoken = eval(`JSON.stringify(window.spoken)`)
	if !strings.Contains(spoken, "First thing") || strings.Contains(spoken, "Выберите номер") {
		t.Errorf("order question spoken: %s", spoken)
	}
}

// TestLearnFitsSmallScreens: on a 320 px wide screen, with normal and with
// larger text and high contrast, no learning page scrolls sideways, the
// lesson buttons are at least 48 px high, and axe finds nothing.
func TestLearnFitsSmallScreens(t *testing.T) {
	e := lnEnv(t, lnLibrary(t))
	c := e.login(t, "learner1")
	srv := httptest.NewServer(e.S)
	t.Cleanup(srv.Close)
	tab := testkit.NewBrowser(t).NewTab(t)
	ctx, cancel := context.WithTimeout(tab, 3*time.Minute)
	defer cancel()
	httpOnly := true
	setCookie := func(name, value string) {
		t.Helper()
		if _, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: name, Value: value, URL: srv.URL + "/",
			Path: "/", HTTPOnly: &httpOnly}); err != nil {
			t.Fatal(err)
		}
	}
	setCookie(c[0].Name, c[0].Value)
	lesson := "/courses/phone/lessons/one"
	paths := []string{"/", "/courses", "/courses/phone", lesson + "/done", lesson + "?step=4&answered=1&answer=0",
		lesson + "?step=7&answered=1&answer=0"}
	for n := 1; n <= 9; n++ {
		paths = append(paths, fmt.Sprintf("%s?step=%d", lesson, n))
	}
	testkit.Zoom(t, ctx, float64(testkit.ViewportWidth)/320)
	for _, display := range []string{"", "large.contrast"} {
		setCookie("onramp_display", display)
		for _, p := range paths {
			testkit.Navigate(t, ctx, srv.URL+p)
			testkit.NoHorizontalScroll(t, ctx)
			if strings.Contains(p, "?step=") {
				small, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`Math.min.apply(null, Array.prototype.map.call(
					document.querySelectorAll(".lesson-nav button, .lesson-nav .button"), function (b) { return b.getBoundingClientRect().height; }))`))
				if err != nil || small < 48 {
					t.Errorf("%s (%q): lesson buttons %v px high, want >= 48 (%v)", p, display, small, err)
				}
			}
			if display != "" {
				testkit.Axe(t, ctx)
			}
		}
	}
}
