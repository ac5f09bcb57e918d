package web_test

import (
	"crypto/rand"
	"log/slog"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/onramp/onramp/internal/account"
	"github.com/onramp/onramp/internal/db"
	"github.com/onramp/onramp/internal/i18n"
	"github.com/onramp/onramp/internal/place"
	"github.com/onramp/onramp/internal/progress"
	"github.com/onramp/onramp/internal/testkit"
	"github.com/onramp/onramp/internal/web"
)

// env is a real server over a real database with a small place tree and one
// account per role. Places by code:
//
//	C (country)
//	└─ R (region)
//	   ├─ M1 (municipality) ── V1 (library), V2 (social institution)
//	   └─ M2 (municipality) ── W2 (ward) ── V3 (care home)
//
// Users by name (password "correct horse 1" for staff; learners sign in by PIN):
// admin@C, manager@R, analyst@R, outreach@M1, caseworker@M1, coordinator@V1,
// trainer@V1, trainer3@V3, learner1@V1 (+70000000101 / PIN 405060),
// learner3@V3 (+70000000103 / PIN 405061).
type env struct {
	S        *web.Server
	DB       *db.DB
	Accounts *account.Service
	Places   *place.Service
	Progress *progress.Service
	Place    map[string]string       // code -> id
	User     map[string]account.User // name -> user
	Now      time.Time
}

const staffPassword = "correct horse 1"

func newEnv(t testing.TB) *env {
	t.Helper()
	d := testkit.OpenSQLite(t)
	return newEnvOn(t, d)
}

func newEnvOn(t testing.TB, d *db.DB) *env {
	t.Helper()
	ctx := t.Context()
	e := &env{DB: d, Place: map[string]string{}, User: map[string]account.User{}, Now: time.Now()}
	newID := func() string { return uuid.Must(uuid.NewV7()).String() }
	e.Places = place.NewService(d, time.Now, newID)
	e.Accounts = account.NewService(d, time.Now, newID, rand.Reader)
	cat, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	tree := []struct {
		code, parent string
		kind         place.Kind
		venue        place.VenueKind
	}{
		{"C", "", place.KindCountry, ""},
		{"R", "C", place.KindRegion, ""},
		{"M1", "R", place.KindMunicipality, ""},
		{"M2", "R", place.KindMunicipality, ""},
		{"W2", "M2", place.KindWard, ""},
		{"V1", "M1", place.KindVenue, place.VenueLibrary},
		{"V2", "M1", place.KindVenue, place.VenueSocialInstitution},
		{"V3", "W2", place.KindVenue, place.VenueCareHome},
	}
	for _, n := range tree {
		p, err := e.Places.CreatePlace(ctx, place.NewPlace{ParentID: e.Place[n.parent], Kind: n.kind, VenueKind: n.venue,
			Code: n.code, Names: map[string]string{"en": "Place " + n.code, "ru": "Место " + n.code}})
		if err != nil {
			t.Fatalf("place %s: %v", n.code, err)
		}
		e.Place[n.code] = p.ID
	}
	staff := []struct {
		name string
		role account.Role
		at   string
	}{
		{"admin", account.Admin, "C"}, {"manager", account.Manager, "R"}, {"analyst", account.Analyst, "R"},
		{"outreach", account.Outreach, "M1"}, {"caseworker", account.Caseworker, "M1"},
		{"coordinator", account.Coordinator, "V1"}, {"trainer", account.Trainer, "V1"}, {"trainer3", account.Trainer, "V3"},
	}
	for _, s := range staff {
		u, err := e.Accounts.CreateUser(ctx, account.NewUser{DisplayName: "Staff " + s.name, Email: s.name + "@test.example",
			Password: staffPassword, PreferredLang: "en", Role: s.role, PlaceID: e.Place[s.at]})
		if err != nil {
			t.Fatalf("user %s: %v", s.name, err)
		}
		e.User[s.name] = u
	}
	learners := []struct{ name, phone, pin, at string }{
		{"learner1", "+70000000101", "405060", "V1"},
		{"learner3", "+70000000103", "405061", "V3"},
	}
	for _, l := range learners {
		u, err := e.Accounts.CreateUser(ctx, account.NewUser{DisplayName: "Learner " + l.name, Phone: l.phone, PIN: l.pin,
			PreferredLang: "en", Role: account.Learner, PlaceID: e.Place[l.at]})
		if err != nil {
			t.Fatalf("learner %s: %v", l.name, err)
		}
		e.User[l.name] = u
	}
	batch := db.NewBatcher(d, 64, 0)
	t.Cleanup(batch.Close)
	e.Progress = progress.NewService(d, batch, testLessons{}, time.Now)
	e.S, err = web.New(web.Deps{
		Log: slog.New(slog.DiscardHandler), DB: d, Translator: cat, Accounts: e.Accounts, Places: e.Places, Progress: e.Progress,
		Sessions: account.NewSessionStore(d, time.Now),
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// login signs a staff member in by password (learners by PIN) and returns the
// session cookie.
func (e *env) login(t testing.TB, name string) []*http.Cookie {
	t.Helper()
	sc := testkit.Scenario{Method: "POST", URL: "/login", Header: sameOrigin(),
		Form: url.Values{"identifier": {name + "@test.example"}, "password": {staffPassword}}}
	if u := e.User[name]; u.Phone != "" {
		pins := map[string]string{"learner1": "405060", "learner3": "405061"}
		sc.URL = "/login/pin"
		sc.Form = url.Values{"phone": {u.Phone}, "pin": {pins[name]}}
	}
	res, body := testkit.Do(t, e.S, sc)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login %s: status %d\n%s", name, res.StatusCode, body)
	}
	var out []*http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "onramp_session" {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		t.Fatalf("login %s: no session cookie", name)
	}
	return out
}

// sameOrigin marks a request as coming from our own pages (what a browser sends).
func sameOrigin() http.Header { return http.Header{"Sec-Fetch-Site": {"same-origin"}} }

// testLessons is a one-course curriculum for the statement intake.
type testLessons struct{}

func (testLessons) LessonCount(course string) (int, bool) { return 2, course == "phone" }
func (testLessons) HasLesson(course, lesson string) bool {
	return course == "phone" && (lesson == "a" || lesson == "b")
}
