package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/onramp/onramp/internal/i18n"
	"github.com/onramp/onramp/internal/testkit"
)

// TestOfflineServiceWorker: /sw.js is a script for the whole site, asked
// again on every update check, with its cache version filled in.
func TestOfflineServiceWorker(t *testing.T) {
	e := lnEnv(t, lnLibrary(t))
	for _, c := range [][]*http.Cookie{nil, e.login(t, "learner1")} {
		res, body := testkit.Do(t, e.S, testkit.Scenario{URL: "/sw.js", Cookies: c})
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET /sw.js: %d", res.StatusCode)
		}
		for k, want := range map[string]string{
			"Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "no-cache", "Service-Worker-Allowed": "/",
			"X-Content-Type-Options": "nosniff",
		} {
			if got := res.Header.Get(k); got != want {
				t.Errorf("GET /sw.js: %s %q, want %q", k, got, want)
			}
		}
		if !strings.Contains(res.Header.Get("Content-Security-Policy"), "script-src 'self'") {
			t.Errorf("GET /sw.js: CSP %q", res.Header.Get("Content-Security-Policy"))
		}
		if strings.Contains(body, "__ONRAMP_SW_VERSION__") || !strings.Contains(body, `const VERSION = "`) {
			t.Errorf("the version is not filled in:\n%.300s", body)
		}
		etag := res.Header.Get("ETag")
		if etag == "" || !strings.Contains(body, strings.Trim(etag, `"`)) {
			t.Errorf("ETag %q is not the script's version", etag)
		}
		again, _ := testkit.Do(t, e.S, testkit.Scenario{URL: "/sw.js", Cookies: c, Header: http.Header{"If-None-Match": {etag}}})
		if again.StatusCode != http.StatusNotModified {
			t.Errorf("GET /sw.js with If-None-Match: %d, want 304", again.StatusCode)
		}
	}
	if res, _ := testkit.Do(t, e.S, testkit.Scenario{Method: "POST", URL: "/sw.js", Header: sameOrigin()}); res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /sw.js: %d, want 405", res.StatusCode)
	}
}

type offlineList struct {
	Version string   `json:"version"`
	URLs    []string `json:"urls"`
}

func getOfflineList(t *testing.T, e *env, path string, c []*http.Cookie, h http.Header) offlineList {
	t.Helper()
	res, body := testkit.Do(t, e.S, testkit.Scenario{URL: path, Cookies: c, Header: h})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", path, res.StatusCode, body)
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("GET %s: Content-Type %q", path, ct)
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("GET %s: Cache-Control %q, want no-store (the version is the person's)", path, cc)
	}
	var l offlineList
	if err := json.Unmarshal([]byte(body), &l); err != nil {
		t.Fatalf("GET %s: %v\n%s", path, err, body)
	}
	return l
}

// TestOfflineCourseList: the list names every step of every lesson as the
// player addresses it, the done pages and the pictures (no video), every
// address answers 200 through the server, and the version moves with what
// the pages would show.
func TestOfflineCourseList(t *testing.T) {
	e := lnEnv(t, lnLibrary(t))
	c := e.login(t, "learner1")
	l := getOfflineList(t, e, "/courses/phone/offline", c, nil)
	want := []string{"/courses/phone", "/courses/phone/lessons/one", "/courses/phone/lessons/one/done",
		"/courses/phone/lessons/two", "/courses/phone/lessons/two?step=2", "/courses/phone/lessons/two/done",
		"/courses/phone/media/phone.svg"}
	for n := 2; n <= 9; n++ {
		want = append(want, fmt.Sprintf("/courses/phone/lessons/one?step=%d", n))
	}
	got := map[string]bool{}
	for _, u := range l.URLs {
		got[u] = true
		if !strings.HasPrefix(u, "/courses/") && !strings.HasPrefix(u, "/static/") {
			t.Errorf("%s is outside /courses/ and /static/", u)
		}
		if strings.Contains(u, "clip.mp4") {
			t.Errorf("a video is in the list: %s", u)
		}
		for _, who := range [][]*http.Cookie{c, nil} {
			res, _ := testkit.Do(t, e.S, testkit.Scenario{URL: u, Cookies: who})
			if res.StatusCode != http.StatusOK {
				t.Errorf("GET %s (signed in: %t): %d", u, who != nil, res.StatusCode)
			}
		}
	}
	for _, u := range want {
		if !got[u] {
			t.Errorf("the list lacks %s", u)
		}
	}
	if len(l.URLs) != len(want) {
		t.Errorf("%d addresses, want %d: %q", len(l.URLs), len(want), l.URLs)
	}
	if len(l.Version) != 16 {
		t.Errorf("version %q", l.Version)
	}

	// The version: the same for the same person and language; another for
	// another language, display, person or visitor.
	if again := getOfflineList(t, e, "/courses/phone/offline", c, nil); again.Version != l.Version {
		t.Errorf("version moved between two requests: %s, %s", l.Version, again.Version)
	}
	versions := map[string]string{"learner1 en": l.Version}
	add := func(name string, v offlineList) {
		t.Helper()
		for other, ver := range versions {
			if ver == v.Version {
				t.Errorf("%s has the version of %s", name, other)
			}
		}
		versions[name] = v.Version
	}
	add("learner1 ru", getOfflineList(t, e, "/courses/phone/offline?lang=ru", c, nil))
	add("learner1 larger text", getOfflineList(t, e, "/courses/phone/offline", append([]*http.Cookie{{Name: "onramp_display", Value: "large"}}, c...), nil))
	add("learner3", getOfflineList(t, e, "/courses/phone/offline", e.login(t, "learner3"), nil))
	add("visitor", getOfflineList(t, e, "/courses/phone/offline", nil, nil))
	add("second course", getOfflineList(t, e, "/courses/second/offline", c, nil))

	testkit.Run(t, e.S, []testkit.Scenario{
		{Name: "unknown course", URL: "/courses/nope/offline", WantStatus: 404, WantIn: []string{`"error":"learn.error.no_course"`},
			WantHeader: map[string]string{"Content-Type": "application/json"}},
		{Name: "POST is not a route", Method: "POST", URL: "/courses/phone/offline", Header: sameOrigin(), WantStatus: 405},
	})
}

// TestOfflinePagesCarryTheTexts: a signed-in learner's lesson page hands the
// status texts to the scripts as data- attributes (no inline script), with
// the number of each plural sample exactly once, so app.js can put another
// number in its place; the course and done pages name the course; a
// visitor gets no texts and no sid field.
func TestOfflinePagesCarryTheTexts(t *testing.T) {
	e := lnEnv(t, lnLibrary(t))
	c := e.login(t, "learner1")
	cat, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range lnLangs() {
		_, body := testkit.Do(t, e.S, testkit.Scenario{URL: "/courses/phone/lessons/one?step=4&lang=" + lang, Cookies: c})
		if strings.Contains(body, "<script>") || strings.Contains(body, "<script >") {
			t.Errorf("%s: an inline script", lang)
		}
		for _, w := range []string{`id="offline-status" role="status" aria-live="polite" data-course="phone" data-user="Learner learner1"`,
			`name="sid" value=""`, `data-saved="` + cat.T(lang, "offline.answer.saved") + `"`} {
			if !strings.Contains(body, w) {
				t.Errorf("%s: the lesson page lacks %q", lang, w)
			}
		}
		for _, key := range []string{"offline.status.queued", "offline.status.waiting", "offline.sign_out.confirm"} {
			for _, n := range []int{0, 1, 2, 5} {
				text := cat.N(lang, key, n)
				if strings.Count(text, fmt.Sprint(n)) != 1 {
					t.Errorf("%s %s for %d: the number is not there exactly once: %q", lang, key, n, text)
				}
				name := strings.TrimPrefix(strings.TrimPrefix(key, "offline.status."), "offline.sign_out.")
				if !strings.Contains(body, fmt.Sprintf(`data-%s-%d="%s"`, name, n, text)) {
					t.Errorf("%s: the lesson page lacks the %s text for %d", lang, key, n)
				}
			}
		}
	}
	for _, path := range []string{"/courses/phone", "/courses/phone/lessons/one/done"} {
		testkit.Run(t, e.S, []testkit.Scenario{{Name: path, URL: path, Cookies: c, WantStatus: 200,
			WantIn: []string{`id="offline-status" role="status" aria-live="polite" data-course="phone" data-user="Learner learner1"`, `src="/static/learn.js?v=`}}})
	}
	testkit.Run(t, e.S, []testkit.Scenario{{Name: "visitor", URL: "/courses/phone/lessons/one?step=4", WantStatus: 200,
		WantIn:    []string{`id="offline-status" role="status" aria-live="polite" data-course="phone"></div>`},
		WantNotIn: []string{"data-user", `name="sid"`, "data-queued-1", "data-saved"}}})
}

// TestOfflineAnswerSentTwice: an answer form carries its own statement id
// (sid); sent twice — a retry from the offline queue — it is recorded once,
// at the time the id was made, marked offline when the form says so; the
// second sending is answered as the first. Without a valid sid every sending
// is a new answer, as before.
func TestOfflineAnswerSentTwice(t *testing.T) {
	e := lnEnv(t, lnLibrary(t))
	c := e.login(t, "learner1")
	step := "/courses/phone/lessons/one/steps/4"
	made := time.Now().Add(-3 * time.Hour).Truncate(time.Millisecond)
	sid := v7At(t, made)
	form := url.Values{"action": {"answer"}, "answer": {"1"}, "sid": {sid}, "offline": {"1"}}
	loc := lnGo(t, e, c, step, form, "/courses/phone/lessons/one?")
	if again := lnGo(t, e, c, step, form, "/courses/phone/lessons/one?"); again != loc {
		t.Errorf("the second sending goes to %s, the first to %s", again, loc)
	}
	if n := lnStatements(t, e); n != 1 {
		t.Fatalf("%d statements after the same form twice, want 1", n)
	}
	var (
		gotID, ts string
		offline   bool
		success   int
	)
	if err := e.DB.R.QueryRowContext(t.Context(), `SELECT id, ts, offline, success FROM statements`).Scan(&gotID, &ts, &offline, &success); err != nil {
		t.Fatal(err)
	}
	if gotID != sid || !offline || success != 1 {
		t.Errorf("stored id %s offline %t success %d, want %s, true, 1", gotID, offline, success, sid)
	}
	if !strings.HasPrefix(ts, made.UTC().Format("2006-01-02T15:04:05.000")) {
		t.Errorf("stored time %s, want the id's %s", ts, made.UTC().Format(time.RFC3339Nano))
	}
	lp, err := e.Progress.LessonProgress(t.Context(), e.User["learner1"].ID, "phone")
	if err != nil {
		t.Fatal(err)
	}
	if p := lp["one"]; p.Answers != 1 || p.Correct != 1 {
		t.Errorf("lesson progress: %d answers, %d right; want 1, 1", p.Answers, p.Correct)
	}

	// The same id with another answer: the first one stands, nothing more is stored.
	lnGo(t, e, c, step, url.Values{"action": {"answer"}, "answer": {"0"}, "sid": {sid}}, "/courses/phone/lessons/one?")
	// An id of the future (a wrong clock) is used, with the time of the server.
	future := v7At(t, time.Now().Add(24*time.Hour))
	lnGo(t, e, c, step, url.Values{"action": {"answer"}, "answer": {"0"}, "sid": {future}}, "/courses/phone/lessons/one?")
	lnGo(t, e, c, step, url.Values{"action": {"answer"}, "answer": {"0"}, "sid": {future}}, "/courses/phone/lessons/one?")
	if n := lnStatements(t, e); n != 2 {
		t.Fatalf("%d statements, want 2", n)
	}
	// Not a lower-case UUID: the server makes the id, so each sending counts.
	for _, bad := range []string{"", "not-a-uuid", strings.ToUpper(v7At(t, made))} {
		lnGo(t, e, c, step, url.Values{"action": {"answer"}, "answer": {"1"}, "sid": {bad}}, "/courses/phone/lessons/one?")
	}
	if n := lnStatements(t, e); n != 5 {
		t.Errorf("%d statements, want 5", n)
	}
	// A sid lets no bad answer through: a wrong form is still 422.
	res, _ := lnPost(t, e, c, step, url.Values{"action": {"answer"}, "answer": {"9"}, "sid": {v7At(t, made)}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("bad answer with a sid: %d, want 422", res.StatusCode)
	}
	// Another person sending the same id changes nothing of the first person's record.
	lnGo(t, e, e.login(t, "learner3"), step, url.Values{"action": {"answer"}, "answer": {"0"}, "sid": {sid}}, "/courses/phone/lessons/one?")
	var actor string
	if err := e.DB.R.QueryRowContext(t.Context(), `SELECT actor_id FROM statements WHERE id = $1`, sid).Scan(&actor); err != nil || actor != e.User["learner1"].ID {
		t.Errorf("the statement %s now belongs to %s (%v)", sid, actor, err)
	}
	if n := lnStatements(t, e); n != 5 {
		t.Errorf("%d statements, want 5", n)
	}
}

// v7At makes a UUIDv7 of the given time.
func v7At(t *testing.T, at time.Time) string {
	t.Helper()
	u, err := uuid.NewV7()
	if err != nil {
		t.Fatal(err)
	}
	ms := at.UnixMilli()
	for i := 5; i >= 0; i-- {
		u[i] = byte(ms)
		ms >>= 8
	}
	return u.String()
}
