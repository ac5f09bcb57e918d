package app_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onramp/onramp/internal/account"
	"github.com/onramp/onramp/internal/app"
	"github.com/onramp/onramp/internal/config"
	"github.com/onramp/onramp/internal/place"
	"github.com/onramp/onramp/internal/testkit"
)

// suite is the one value the tests of this binary share: a demo onramp (built
// once, argon2 hashing of the demo accounts is the slow part), the crawl of its
// GET routes, and one Chromium. TestMain owns it and closes it.
var suite = &sharedSuite{}

type sharedSuite struct {
	demoOnce sync.Once
	demo     *fixture
	demoErr  error

	crawlOnce sync.Once
	crawl     *crawlResult

	browser testkit.SharedBrowser
}

func TestMain(m *testing.M) {
	code := m.Run()
	suite.browser.Close()
	suite.demoOnce.Do(func() {}) // a late first use must not build what nobody closes
	if suite.demo != nil {
		suite.demo.close()
	}
	os.Exit(code)
}

// shared returns the demo onramp the tests share: those that write nothing
// through its routes, and the browser tests, which write only what no other
// test reads (their own sessions, a login card, a language setting).
func shared(t testing.TB) *fixture {
	t.Helper()
	suite.demoOnce.Do(func() {
		dir, err := os.MkdirTemp("", "onramp-app-test-")
		if err != nil {
			suite.demoErr = err
			return
		}
		suite.demo, suite.demoErr = newFixture(context.Background(), dir, true)
	})
	if suite.demoErr != nil {
		t.Fatalf("demo app: %v", suite.demoErr)
	}
	suite.demo.showLogsOnFailure(t)
	return suite.demo
}

// ownFixture builds a demo onramp for one test (one that writes through POST
// routes) and closes it when the test ends.
func ownFixture(t testing.TB) *fixture {
	t.Helper()
	fx, err := newFixture(t.Context(), t.TempDir(), false)
	if err != nil {
		t.Fatalf("demo app: %v", err)
	}
	t.Cleanup(fx.close)
	fx.showLogsOnFailure(t)
	return fx
}

// fixture is a real onramp with the demo deployments, served on 127.0.0.1, plus
// what the tests add: an outside country (so even the administrator, who holds
// both demo countries, has a place out of scope), a learner there, and a login
// card for each person a test aims at.
type fixture struct {
	app    *app.App
	srv    *httptest.Server
	client *http.Client // follows no redirects
	logs   *logBuffer   // what the app logged at warning level and above
	dir    string       // removed by close when the fixture made it
	rmDir  bool

	place map[string]*place.Place   // by code
	user  map[string]account.User   // by e-mail or phone
	card  map[string]loginCard      // by user ID
	roles []roleCase                // anonymous first, then every role
	login map[string][]*http.Cookie // role name -> session cookie, filled by signInAll
}

type loginCard struct{ ID, Code string }

// objects are what fills a route's wildcards: a place, a person and a card of
// that person.
type objects struct {
	Place  *place.Place
	Person account.User
	Card   loginCard
	Course courseRef // content, the same for every target: no scope applies
}

// courseRef names a lesson and a media file of a course of the library.
type courseRef struct{ Slug, Lesson, Media string }

// roleCase is one column of the authorisation matrix: a demo account of a role,
// a target inside the role's scope and one outside it.
type roleCase struct {
	Name    string       // anonymous, learner, trainer, ...
	Role    account.Role // "" for anonymous
	Login   string       // e-mail (password) or phone (PIN)
	Secret  string
	In, Out objects
}

// secrets are what must appear on no page shown to a role's person: the
// out-of-scope target's names and IDs; for a visitor the in-scope ones too;
// for staff who may not view learners, the in-scope learner.
func (rc roleCase) secrets() []string {
	s := rc.Out.secrets()
	if rc.Role == "" {
		s = append(s, rc.In.secrets()...)
	}
	if rc.Role.IsStaff() && !rc.Role.Can(account.ActViewLearners) {
		s = append(s, rc.In.Person.ID, rc.In.Person.DisplayName)
	}
	return s
}

// Demo people the tests aim at.
const (
	learnerPhone  = app.DemoLearnerPhone // Валентина Николаевна, learner at RU-KHM-SUR-LIB1
	learner2Phone = "+70000000002"       // Пётр Сергеевич, the same venue
	careLearner   = "+70000000003"       // Галина Ивановна, RU-KHM-NVR-CARE
	vnLearner     = "+84000000001"       // Trần Văn Minh, VN-DN-HC-NVH
	outsider      = "outsider"           // the learner of the outside country (no phone)
)

func newFixture(ctx context.Context, dir string, rmDir bool) (_ *fixture, err error) {
	cfg := config.Default()
	cfg.Demo = true
	cfg.DataDir = dir
	cfg.Addr = "127.0.0.1:0"
	cfg.ShutdownTimeout = 5 * time.Second
	logs := &logBuffer{}
	a, err := app.New(ctx, cfg, app.Options{Version: "test",
		Log: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		return nil, err
	}
	fx := &fixture{app: a, logs: logs, dir: dir, rmDir: rmDir, place: map[string]*place.Place{}, user: map[string]account.User{},
		card: map[string]loginCard{}, login: map[string][]*http.Cookie{}}
	fx.srv = httptest.NewServer(a.Handler())
	fx.client = &http.Client{
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       30 * time.Second,
	}
	defer func() {
		if err != nil {
			fx.close()
		}
	}()

	// The outside country: nobody in the demo holds a role there.
	n := func(s string) map[string]string {
		return map[string]string{"en": s + " (en)", "ru": s + " (ru)", "uk": s + " (uk)", "lv": s + " (lv)", "vi": s + " (vi)"}
	}
	parent := ""
	for _, np := range []place.NewPlace{
		{Kind: place.KindCountry, Code: "XX", Names: n("Outland")},
		{Kind: place.KindRegion, Code: "XX-R", Names: n("Outland Region")},
		{Kind: place.KindMunicipality, Code: "XX-M", Names: n("Outland Town")},
		{Kind: place.KindVenue, VenueKind: place.VenueLibrary, Code: "XX-LIB", Names: n("Outland Library")},
	} {
		np.ParentID = parent
		p, err := a.Places.CreatePlace(ctx, np)
		if err != nil {
			return nil, fmt.Errorf("outside place %s: %w", np.Code, err)
		}
		parent = p.ID
	}
	for _, code := range []string{"RU", "RU-KHM", "RU-KHM-SUR", "RU-KHM-SUR-LIB1", "RU-KHM-NVR-CARE", "VN", "VN-DN-HC-NVH", "XX", "XX-LIB"} {
		p, err := a.Places.FindPlaceByCode(ctx, code)
		if err != nil {
			return nil, fmt.Errorf("place %s: %w", code, err)
		}
		fx.place[code] = p
	}
	if _, err := a.Accounts.CreateUser(ctx, account.NewUser{DisplayName: "Zoltan Outsider", Assisted: true, PreferredLang: "en",
		Role: account.Learner, PlaceID: fx.place["XX-LIB"].ID}); err != nil {
		return nil, fmt.Errorf("outside learner: %w", err)
	}
	for _, q := range []string{"admin@", "manager@", "coordinator@", "trainer@", "outreach@", "caseworker@", "analyst@", "trainer.vn@"} {
		if err := fx.findUser(ctx, q+"demo.example", q+"demo.example"); err != nil {
			return nil, err
		}
	}
	for _, ph := range []string{learnerPhone, learner2Phone, careLearner, vnLearner} {
		if err := fx.findUser(ctx, ph, strings.TrimPrefix(ph, "+")); err != nil {
			return nil, err
		}
	}
	if err := fx.findUser(ctx, outsider, "Zoltan Outsider"); err != nil {
		return nil, err
	}
	for _, key := range []string{learnerPhone, learner2Phone, careLearner, vnLearner, outsider} {
		if _, err := fx.issueCard(ctx, fx.user[key]); err != nil {
			return nil, err
		}
	}

	var course courseRef
	for _, c := range a.Courses.Courses() {
		if len(c.Lessons) > 0 && len(c.Media()) > 0 {
			course = courseRef{Slug: c.Slug, Lesson: c.Lessons[0].Slug, Media: c.Media()[0]}
			break
		}
	}
	tg := func(placeCode, person string) objects {
		u := fx.user[person]
		return objects{Place: fx.place[placeCode], Person: u, Card: fx.card[u.ID], Course: course}
	}
	in := tg("RU-KHM-SUR-LIB1", learnerPhone)
	staff := func(role account.Role, email string, out objects) roleCase {
		return roleCase{Name: string(role), Role: role, Login: email, Secret: app.DemoPassword, In: in, Out: out}
	}
	fx.roles = []roleCase{
		{Name: "anonymous", In: in, Out: tg("RU-KHM-NVR-CARE", careLearner)},
		{Name: "learner", Role: account.Learner, Login: learnerPhone, Secret: app.DemoLearnerPIN,
			In: in, Out: objects{Place: fx.place["RU-KHM-NVR-CARE"], Person: fx.user[learner2Phone], Card: fx.card[fx.user[learner2Phone].ID], Course: course}},
		staff(account.Trainer, "trainer@demo.example", tg("RU-KHM-NVR-CARE", careLearner)),
		staff(account.Coordinator, "coordinator@demo.example", tg("RU-KHM-NVR-CARE", careLearner)),
		staff(account.Outreach, "outreach@demo.example", tg("RU-KHM-NVR-CARE", careLearner)),
		staff(account.Caseworker, "caseworker@demo.example", tg("RU-KHM-NVR-CARE", careLearner)),
		staff(account.Manager, "manager@demo.example", tg("VN-DN-HC-NVH", vnLearner)),
		staff(account.Analyst, "analyst@demo.example", tg("VN-DN-HC-NVH", vnLearner)),
		staff(account.Admin, "admin@demo.example", tg("XX-LIB", outsider)),
	}
	return fx, nil
}

// logBuffer keeps the app's log lines; a failed test shows those of its time.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// showLogsOnFailure logs, when t fails, what the app logged while t ran.
func (fx *fixture) showLogsOnFailure(t testing.TB) {
	fx.logs.mu.Lock()
	from := fx.logs.buf.Len()
	fx.logs.mu.Unlock()
	t.Cleanup(func() {
		if !t.Failed() {
			return
		}
		fx.logs.mu.Lock()
		defer fx.logs.mu.Unlock()
		if s := fx.logs.buf.String()[from:]; s != "" {
			t.Logf("the app logged (warnings and errors):\n%s", s)
		}
	})
}

// findUser looks a person up by query and files them under key.
func (fx *fixture) findUser(ctx context.Context, key, query string) error {
	us, err := fx.app.Accounts.FindUsers(ctx, account.Filter{AllPlaces: true, Query: query})
	if err != nil {
		return fmt.Errorf("user %s: %w", key, err)
	}
	if len(us) != 1 {
		return fmt.Errorf("user %s: %d matches", key, len(us))
	}
	fx.user[key] = us[0]
	return nil
}

// issueCard gives u a new login card (revoking the older ones) and files it.
func (fx *fixture) issueCard(ctx context.Context, u account.User) (loginCard, error) {
	code, c, err := fx.app.Accounts.IssueLoginCard(ctx, u.ID, "")
	if err != nil {
		return loginCard{}, fmt.Errorf("card for %s: %w", u.DisplayName, err)
	}
	lc := loginCard{ID: c.ID, Code: code}
	fx.card[u.ID] = lc
	return lc, nil
}

func (fx *fixture) close() {
	if fx.srv != nil {
		fx.srv.Close()
	}
	_ = fx.app.Close()
	if fx.rmDir {
		_ = os.RemoveAll(fx.dir)
	}
}

// role returns the matrix column of a role name.
func (fx *fixture) role(name string) roleCase {
	for _, rc := range fx.roles {
		if rc.Name == name {
			return rc
		}
	}
	panic("no role case " + name)
}

// response is one answer of the server, read whole.
type response struct {
	Status int
	Header http.Header
	Body   string
}

// do sends one request. A form is sent as a POST body; the header adds to the
// request's.
func (fx *fixture) do(method, path string, form url.Values, cookies []*http.Cookie, h http.Header) (response, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, fx.srv.URL+path, body)
	if err != nil {
		return response{}, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, vs := range h {
		req.Header[k] = vs
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	res, err := fx.client.Do(req)
	if err != nil {
		return response{}, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return response{}, err
	}
	return response{Status: res.StatusCode, Header: res.Header, Body: string(b)}, nil
}

// sameOrigin is what a browser sends with a form post from our own pages.
func sameOrigin() http.Header { return http.Header{"Sec-Fetch-Site": {"same-origin"}} }

// signIn starts a session for a role case the way its person does (password or
// phone + PIN) and returns the session cookie.
func (fx *fixture) signIn(rc roleCase) ([]*http.Cookie, error) {
	path, form := "/login", url.Values{"identifier": {rc.Login}, "password": {rc.Secret}}
	if rc.Role == account.Learner {
		path, form = "/login/pin", url.Values{"phone": {rc.Login}, "pin": {rc.Secret}}
	}
	req, err := http.NewRequest(http.MethodPost, fx.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := fx.client.Do(req)
	if err != nil {
		return nil, err
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		return nil, fmt.Errorf("sign in as %s: status %d", rc.Name, res.StatusCode)
	}
	for _, c := range res.Cookies() {
		if c.Name == "onramp_session" && c.Value != "" {
			return []*http.Cookie{{Name: c.Name, Value: c.Value}}, nil
		}
	}
	return nil, fmt.Errorf("sign in as %s: no session cookie", rc.Name)
}

// signInAll signs every role in once; the cookies are kept in fx.login.
func (fx *fixture) signInAll(t testing.TB) {
	t.Helper()
	for _, rc := range fx.roles {
		if rc.Role == "" || fx.login[rc.Name] != nil {
			continue
		}
		c, err := fx.signIn(rc)
		if err != nil {
			t.Fatal(err)
		}
		fx.login[rc.Name] = c
	}
}
