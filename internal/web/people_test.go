package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/skip2/go-qrcode"

	"github.com/onramp/onramp/internal/account"
	"github.com/onramp/onramp/internal/testkit"
)

// post sends a same-origin form as the person behind cookies.
func post(t *testing.T, e *env, c []*http.Cookie, u string, form url.Values) (*http.Response, string) {
	t.Helper()
	return testkit.Do(t, e.S, testkit.Scenario{Method: "POST", URL: u, Header: sameOrigin(), Cookies: c, Form: form})
}

func sessionCookies(t *testing.T, res *http.Response) []*http.Cookie {
	t.Helper()
	var out []*http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "onramp_session" {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		t.Fatal("no session cookie")
	}
	return out
}

var cardCodeRE = regexp.MustCompile(`id="card-code">([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})<`)

// findOne returns the only user matching q at a place.
func (e *env) findOne(t *testing.T, placeCode, q string) account.User {
	t.Helper()
	us, err := e.Accounts.FindUsers(t.Context(), account.Filter{PlaceIDs: []string{e.Place[placeCode]}, Query: q})
	if err != nil || len(us) != 1 {
		t.Fatalf("find %q at %s: %v %v", q, placeCode, us, err)
	}
	return us[0]
}

func (e *env) hasGrant(t *testing.T, userID string, role account.Role, placeCode string) bool {
	t.Helper()
	gs, err := e.Accounts.GrantsOf(t.Context(), userID)
	if err != nil {
		t.Fatal(err)
	}
	return slices.ContainsFunc(gs, func(g account.Grant) bool { return g.Role == role && g.PlaceID == e.Place[placeCode] })
}

// TestAssistedSignUpPrintCardAndSignIn is the trainer's 30 seconds: a person
// with no e-mail and no phone, a printed card, and the person signing in with it.
func TestAssistedSignUpPrintCardAndSignIn(t *testing.T) {
	e := newEnv(t)
	c := e.login(t, "trainer")
	v1 := e.Place["V1"]
	testkit.Run(t, e.S, []testkit.Scenario{
		{Name: "sign-up form", URL: "/places/" + v1 + "/people/new", Cookies: c, WantStatus: 200,
			WantIn: []string{`name="display_name"`, `name="assisted"`, `name="preferred_lang"`, `<option value="en" lang="en" selected>`, "novalidate"},
			// A trainer signs up learners only: no role, e-mail or password fields.
			WantNotIn: []string{`name="role"`, `name="password"`, `name="email"`}},
	})
	res, body := post(t, e, c, "/places/"+v1+"/people", url.Values{"display_name": {"Anna Assisted"}, "assisted": {"on"}, "preferred_lang": {"ru"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-up: %d\n%s", res.StatusCode, body)
	}
	u := e.findOne(t, "V1", "Anna Assisted")
	if !u.Assisted || u.Phone != "" || u.Email != "" || u.HasPIN || u.PreferredLang != "ru" || u.CreatedBy != e.User["trainer"].ID {
		t.Fatalf("stored user: %+v", u)
	}
	if !e.hasGrant(t, u.ID, account.Learner, "V1") {
		t.Fatal("no learner grant at V1")
	}
	if loc := res.Header.Get("Location"); loc != "/people/"+u.ID {
		t.Fatalf("redirect to %q", loc)
	}
	testkit.Run(t, e.S, []testkit.Scenario{
		{Name: "person page offers a card at once", URL: "/people/" + u.ID, Cookies: c, WantStatus: 200,
			WantIn: []string{"Anna Assisted", "The person is signed up.", "Print a login card now", `action="/people/` + u.ID + `/cards"`,
				"No way to sign in yet", "Learner", "Place V1", "Русский"},
			WantHeader: map[string]string{"Cache-Control": "no-store"}},
	})

	// GET never makes a card.
	res, _ = testkit.Do(t, e.S, testkit.Scenario{URL: "/people/" + u.ID + "/cards", Cookies: c})
	if cs, _ := e.Accounts.LoginCardsOf(t.Context(), u.ID); res.StatusCode == http.StatusOK || len(cs) != 0 {
		t.Errorf("GET cards: %d, %d cards", res.StatusCode, len(cs))
	}

	res, body = testkit.Do(t, e.S, testkit.Scenario{Method: "POST", URL: "/people/" + u.ID + "/cards", Cookies: c,
		Header: http.Header{"Sec-Fetch-Site": {"same-origin"}, "X-Forwarded-Proto": {"https"}}})
	if res.StatusCode != http.StatusOK || res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("card: %d %q\n%s", res.StatusCode, res.Header.Get("Cache-Control"), body)
	}
	m := cardCodeRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no code on the card page:\n%s", body)
	}
	code := m[1]
	for _, want := range []string{`class="login-card"`, `role="img"`, `aria-label="QR code for signing in with this card"`,
		"<title>QR code for signing in with this card</title>", "Anna Assisted", "https://example.com/login/card",
		"Keep this card safe", `lang="ru"`, "Храните эту карточку", "use your browser&#39;s Print command"} {
		if !strings.Contains(body, want) {
			t.Errorf("card page lacks %q", want)
		}
	}
	for _, bad := range []string{"<script>", "onclick", "window.print", "style="} {
		if strings.Contains(body, bad) {
			t.Errorf("card page has %q", bad)
		}
	}
	// The QR code holds the card's sign-in address at the host asked, over https.
	qr, err := qrcode.New("https://example.com/login/card/"+code, qrcode.Medium)
	if err != nil {
		t.Fatal(err)
	}
	bm := qr.Bitmap()
	if !strings.Contains(body, fmt.Sprintf(`viewBox="0 0 %d %d"`, len(bm), len(bm))) {
		t.Errorf("viewBox does not fit a %d-module code", len(bm))
	}
	var rects []string
	for y, row := range bm {
		for x := 0; x < len(row); x++ {
			if row[x] && (x == 0 || !row[x-1]) {
				w := 0
				for x+w < len(row) && row[x+w] {
					w++
				}
				rects = append(rects, fmt.Sprintf(`<rect x="%d" y="%d" width="%d" height="1"/>`, x, y, w))
			}
		}
	}
	if !strings.Contains(body, `<g fill="#000">`+strings.Join(rects, "")+`</g>`) {
		t.Error("the QR code drawn is not the code of the card's address")
	}

	// The learner signs in with the card and lands on home.
	res, body = post(t, e, nil, "/login/card", url.Values{"code": {code}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		t.Fatalf("card sign-in: %d %q\n%s", res.StatusCode, res.Header.Get("Location"), body)
	}
	lc := sessionCookies(t, res)
	testkit.Run(t, e.S, []testkit.Scenario{
		{Name: "learner home", URL: "/", Cookies: lc, WantStatus: 200, WantIn: []string{"Anna Assisted"}},
		{Name: "learner may not open people pages", URL: "/people/" + u.ID, Cookies: lc, WantStatus: 403},
		{Name: "nor anyone else's", URL: "/people/" + e.User["learner1"].ID, Cookies: lc, WantStatus: 403, WantNotIn: []string{"Learner learner1"}},
		{Name: "nor a place's people", URL: "/places/" + v1 + "/people", Cookies: lc, WantStatus: 403},
		{Name: "the card page showed the code once: the person page does not", URL: "/people/" + u.ID, Cookies: c, WantStatus: 200,
			WantIn: []string{"Login card", "Works", "Block this card"}, WantNotIn: []string{code}},
	})

	// The trainer blocks the card: it no longer signs in.
	cards, err := e.Accounts.LoginCardsOf(t.Context(), u.ID)
	if err != nil || len(cards) != 1 {
		t.Fatalf("cards: %v %v", cards, err)
	}
	res, _ = post(t, e, c, "/people/"+u.ID+"/cards/"+cards[0].ID+"/revoke", url.Values{})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: %d", res.StatusCode)
	}
	res, _ = post(t, e, nil, "/login/card", url.Values{"code": {code}})
	if res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("revoked card sign-in: %d, want 401", res.StatusCode)
	}
	testkit.Run(t, e.S, []testkit.Scenario{
		{Name: "blocked card listed", URL: "/people/" + u.ID, Cookies: c, WantStatus: 200,
			WantIn: []string{"The card is blocked", "Blocked on "}},
	})
}

func TestSignUpFormErrorsAndStaff(t *testing.T) {
	e := newEnv(t)
	tc := e.login(t, "trainer")
	v1 := "/places/" + e.Place["V1"] + "/people"
	testkit.Run(t, e.S, []testkit.Scenario{
		{Name: "no name; phone kept", Method: "POST", URL: v1, Header: sameOrigin(), Cookies: tc,
			Form:       url.Values{"display_name": {""}, "phone": {"+70000000555"}},
			WantStatus: 422, WantIn: []string{`class="error-summary"`, `href="#f-display_name"`, "Please fill this in.", `value="&#43;70000000555"`}},
		{Name: "PIN without phone", Method: "POST", URL: v1, Header: sameOrigin(), Cookies: tc,
			Form:       url.Values{"display_name": {"Boris"}, "pin": {"582914"}, "pin_repeat": {"582914"}, "assisted": {"on"}},
			WantStatus: 422, WantIn: []string{"A PIN works only with a phone number", `value="Boris"`}, WantNotIn: []string{"582914"}},
		{Name: "PINs differ", Method: "POST", URL: v1, Header: sameOrigin(), Cookies: tc,
			Form:       url.Values{"display_name": {"Boris"}, "phone": {"+70000000556"}, "pin": {"582914"}, "pin_repeat": {"582915"}},
			WantStatus: 422, WantIn: []string{"The two PINs are not the same"}, WantNotIn: []string{"582914", "582915"}},
		{Name: "common PIN", Method: "POST", URL: v1, Header: sameOrigin(), Cookies: tc,
			Form:       url.Values{"display_name": {"Boris"}, "phone": {"+70000000556"}, "pin": {"147258"}, "pin_repeat": {"147258"}},
			WantStatus: 422, WantIn: []string{"This PIN is too easy to guess"}, WantNotIn: []string{"147258"}},
		{Name: "neither phone nor assisted", Method: "POST", URL: v1, Header: sameOrigin(), Cookies: tc,
			Form:       url.Values{"display_name": {"Boris"}},
			WantStatus: 422, WantIn: []string{"Add a phone number, or tick the box", `href="#f-phone"`}},
		{Name: "phone taken", Method: "POST", URL: v1, Header: sameOrigin(), Cookies: tc,
			Form:       url.Values{"display_name": {"Boris"}, "phone": {"+70000000101"}},
			WantStatus: 422, WantIn: []string{"Another account already uses this phone number."}},
		{Name: "bad phone", Method: "POST", URL: v1, Header: sameOrigin(), Cookies: tc,
			Form:       url.Values{"display_name": {"Boris"}, "phone": {"call me maybe"}},
			WantStatus: 422, WantIn: []string{"This does not look like a phone number", `value="call me maybe"`}},
		{Name: "unknown language", Method: "POST", URL: v1, Header: sameOrigin(), Cookies: tc,
			Form:       url.Values{"display_name": {"Boris"}, "assisted": {"on"}, "preferred_lang": {"xx"}},
			WantStatus: 422, WantIn: []string{"Please choose one of the options."}},
		{Name: "name too long", Method: "POST", URL: v1, Header: sameOrigin(), Cookies: tc,
			Form:       url.Values{"display_name": {strings.Repeat("я", 201)}, "assisted": {"on"}},
			WantStatus: 422, WantIn: []string{"no more than 200 characters"}, WantNotIn: []string{"no value"}},
		{Name: "form in Russian defaults the language to Russian", URL: v1 + "/new?lang=ru", Cookies: tc, WantStatus: 200,
			WantIn: []string{`<option value="ru" lang="ru" selected>`}},
	})

	// A phone without a PIN is allowed: the person will use a card (or get a PIN later).
	res, body := post(t, e, tc, v1, url.Values{"display_name": {"Vera Phone"}, "phone": {"+70000000557"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("phone, no PIN: %d\n%s", res.StatusCode, body)
	}
	if u := e.findOne(t, "V1", "Vera Phone"); u.HasPIN || u.Phone != "+70000000557" || u.Assisted {
		t.Fatalf("stored: %+v", u)
	}
	// Phone and PIN: the learner signs in alone.
	res, _ = post(t, e, tc, v1, url.Values{"display_name": {"Gleb Pin"}, "phone": {"+70000000558"}, "pin": {"582914"}, "pin_repeat": {"582914"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("phone and PIN: %d", res.StatusCode)
	}
	res, _ = post(t, e, nil, "/login/pin", url.Values{"phone": {"+70000000558"}, "pin": {"582914"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("new learner PIN sign-in: %d", res.StatusCode)
	}
	// A trainer's form has no role: asking for one changes nothing.
	res, _ = post(t, e, tc, v1, url.Values{"display_name": {"Sneaky"}, "assisted": {"on"}, "role": {"admin"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("trainer with role field: %d", res.StatusCode)
	}
	if u := e.findOne(t, "V1", "Sneaky"); e.hasGrant(t, u.ID, account.Admin, "V1") || !e.hasGrant(t, u.ID, account.Learner, "V1") {
		t.Fatal("a trainer's sign-up must make a learner, whatever is posted")
	}

	// A coordinator signs up staff: roles limited to what a coordinator may give.
	cc := e.login(t, "coordinator")
	testkit.Run(t, e.S, []testkit.Scenario{
		{Name: "coordinator's form", URL: v1 + "/new", Cookies: cc, WantStatus: 200,
			WantIn:    []string{`name="role"`, `<option value="learner"`, `<option value="trainer"`, `name="email"`, `name="password"`},
			WantNotIn: []string{`<option value="manager"`, `<option value="coordinator"`, `<option value="admin"`}},
		{Name: "staff without password", Method: "POST", URL: v1, Header: sameOrigin(), Cookies: cc,
			Form:       url.Values{"display_name": {"Tanya"}, "role": {"trainer"}, "email": {"tanya@test.example"}},
			WantStatus: 422, WantIn: []string{`href="#f-password"`, `value="tanya@test.example"`}},
		{Name: "staff with a short password", Method: "POST", URL: v1, Header: sameOrigin(), Cookies: cc,
			Form:       url.Values{"display_name": {"Tanya"}, "role": {"trainer"}, "email": {"tanya@test.example"}, "password": {"short1"}},
			WantStatus: 422, WantIn: []string{"at least 10 characters"}, WantNotIn: []string{"short1", "no value"}},
		{Name: "staff with neither e-mail nor phone", Method: "POST", URL: v1, Header: sameOrigin(), Cookies: cc,
			Form:       url.Values{"display_name": {"Tanya"}, "role": {"trainer"}, "password": {"a fine password"}},
			WantStatus: 422, WantIn: []string{"Staff need an e-mail address or a phone number"}},
		{Name: "a role the coordinator may not give", Method: "POST", URL: v1, Header: sameOrigin(), Cookies: cc,
			Form:       url.Values{"display_name": {"Tanya"}, "role": {"manager"}, "email": {"tanya@test.example"}, "password": {"a fine password"}},
			WantStatus: 422, WantIn: []string{"Please choose one of the options."}},
	})
	res, body = post(t, e, cc, v1, url.Values{"display_name": {"Tanya Trainer"}, "role": {"trainer"}, "email": {"tanya@test.example"}, "password": {"a fine password"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("coordinator signs up a trainer: %d\n%s", res.StatusCode, body)
	}
	u := e.findOne(t, "V1", "Tanya")
	if !e.hasGrant(t, u.ID, account.Trainer, "V1") || !u.HasPassword {
		t.Fatalf("trainer not made: %+v", u)
	}
	if _, err := e.Accounts.AuthenticatePassword(t.Context(), "tanya@test.example", "a fine password"); err != nil {
		t.Fatalf("new trainer cannot sign in: %v", err)
	}

	// Out of scope and out of role.
	testkit.Run(t, e.S, []testkit.Scenario{
		{Name: "trainer: another venue's form", URL: "/places/" + e.Place["V3"] + "/people/new", Cookies: tc, WantStatus: 404, WantNotIn: []string{"Place V3"}},
		{Name: "trainer: another venue's sign-up", Method: "POST", URL: "/places/" + e.Place["V3"] + "/people", Header: sameOrigin(), Cookies: tc,
			Form: url.Values{"display_name": {"Elsewhere"}, "assisted": {"on"}}, WantStatus: 404},
		{Name: "no such place", URL: "/places/nope/people/new", Cookies: tc, WantStatus: 404},
		{Name: "analyst: form", URL: v1 + "/new", Cookies: e.login(t, "analyst"), WantStatus: 403},
	})
}

func TestPeopleList(t *testing.T) {
	e := newEnv(t)
	tc := e.login(t, "trainer")
	v1 := "/places/" + e.Place["V1"] + "/people"
	testkit.Run(t, e.S, []testkit.Scenario{
		{Name: "trainer: own venue", URL: v1, Cookies: tc, WantStatus: 200,
			WantIn:    []string{"People at Place V1", "Learner learner1", "Staff trainer", "Staff coordinator", "Phone and PIN", "E-mail and password", `<caption>`, `scope="col"`, `href="` + v1 + `/new"`},
			WantNotIn: []string{"Learner learner3", "Staff trainer3", "$argon2id", "405060"}},
		{Name: "filter by role", URL: v1 + "?role=learner", Cookies: tc, WantStatus: 200,
			WantIn: []string{"Learner learner1", `<option value="learner" selected>`}, WantNotIn: []string{"Staff coordinator"}},
		{Name: "search", URL: v1 + "?q=coord", Cookies: tc, WantStatus: 200,
			WantIn: []string{"Staff coordinator", `value="coord"`}, WantNotIn: []string{"Learner learner1"}},
		{Name: "nobody found", URL: v1 + "?q=zzzz", Cookies: tc, WantStatus: 200, WantIn: []string{"Nobody found."}},
		{Name: "unknown role filters nothing", URL: v1 + "?role=wizard&page=-3", Cookies: tc, WantStatus: 200, WantIn: []string{"Learner learner1"}},
		{Name: "trainer: another venue", URL: "/places/" + e.Place["V3"] + "/people", Cookies: tc, WantStatus: 404,
			WantNotIn: []string{"Place V3", "learner3"}},
		{Name: "trainer: the municipality above", URL: "/places/" + e.Place["M1"] + "/people", Cookies: tc, WantStatus: 404},
		{Name: "manager: the region, staff only", URL: "/places/" + e.Place["R"] + "/people", Cookies: e.login(t, "manager"), WantStatus: 200,
			WantIn: []string{"Staff trainer3"}, WantNotIn: []string{"Learner learner1", "Learner learner3"}},
		{Name: "analyst: forbidden", URL: "/places/" + e.Place["R"] + "/people", Cookies: e.login(t, "analyst"), WantStatus: 403},
		{Name: "outreach: forbidden", URL: "/places/" + e.Place["M1"] + "/people", Cookies: e.login(t, "outreach"), WantStatus: 403},
		{Name: "not signed in", URL: v1, WantStatus: 303},
	})

	// Paging: 50 to a page.
	for i := range 52 {
		if _, err := e.Accounts.CreateUser(t.Context(), account.NewUser{DisplayName: fmt.Sprintf("Zz Paged %02d", i), Assisted: true,
			Role: account.Learner, PlaceID: e.Place["V1"]}); err != nil {
			t.Fatal(err)
		}
	}
	testkit.Run(t, e.S, []testkit.Scenario{
		{Name: "first page", URL: v1 + "?q=Zz", Cookies: tc, WantStatus: 200,
			WantIn: []string{"Zz Paged 00", "Zz Paged 49", `href="` + v1 + `?page=2&amp;q=Zz"`}, WantNotIn: []string{"Zz Paged 50", "Previous page"}},
		{Name: "second page", URL: v1 + "?q=Zz&page=2", Cookies: tc, WantStatus: 200,
			WantIn: []string{"Zz Paged 50", "Zz Paged 51", "Previous page"}, WantNotIn: []string{"Zz Paged 49", "Next page"}},
	})
}

func TestPersonPageScope(t *testing.T) {
	e := newEnv(t)
	tc := e.login(t, "trainer")
	l1, l3 := e.User["learner1"], e.User["learner3"]
	// learner3 has a card, to try revoking it through another person's URL.
	_, card3, err := e.Accounts.IssueLoginCard(t.Context(), l3.ID, e.User["trainer3"].ID)
	if err != nil {
		t.Fatal(err)
	}
	testkit.Run(t, e.S, []testkit.Scenario{
		{Name: "trainer: own learner", URL: "/people/" + l1.ID, Cookies: tc, WantStatus: 200,
			WantIn:    []string{"Learner learner1", "&#43;70000000101", "Phone and PIN", "Set a new PIN", `name="pin_repeat"`, "Make a new card", "No login card yet."},
			WantNotIn: []string{"$argon2id", "405060", "Give a role"}},
		{Name: "trainer: a colleague is visible", URL: "/people/" + e.User["coordinator"].ID, Cookies: tc, WantStatus: 200,
			WantIn:    []string{"Staff coordinator", "Venue coordinator"},
			WantNotIn: []string{"Set a new PIN", "Make a new card"}},
		{Name: "trainer: another venue's learner", URL: "/people/" + l3.ID, Cookies: tc, WantStatus: 404,
			WantNotIn: []string{"learner3", "70000000103", "Place V3"}},
		{Name: "trainer: another venue's PIN", Method: "POST", URL: "/people/" + l3.ID + "/pin", Header: sameOrigin(), Cookies: tc,
			Form: url.Values{"pin": {"582914"}, "pin_repeat": {"582914"}}, WantStatus: 404, WantNotIn: []string{"learner3"}},
		{Name: "trainer: another venue's card", Method: "POST", URL: "/people/" + l3.ID + "/cards", Header: sameOrigin(), Cookies: tc,
			WantStatus: 404, WantNotIn: []string{"card-code"}},
		{Name: "trainer: another venue's card revoked", Method: "POST", URL: "/people/" + l3.ID + "/cards/" + card3.ID + "/revoke", Header: sameOrigin(), Cookies: tc,
			WantStatus: 404},
		{Name: "trainer: another's card through own learner's URL", Method: "POST", URL: "/people/" + l1.ID + "/cards/" + card3.ID + "/revoke", Header: sameOrigin(), Cookies: tc,
			WantStatus: 404},
		// A trainer must not take over a coordinator's or an administrator's account.
		{Name: "trainer: coordinator's PIN", Method: "POST", URL: "/people/" + e.User["coordinator"].ID + "/pin", Header: sameOrigin(), Cookies: tc,
			Form: url.Values{"pin": {"582914"}, "pin_repeat": {"582914"}}, WantStatus: 403},
		{Name: "trainer: coordinator's card", Method: "POST", URL: "/people/" + e.User["coordinator"].ID + "/cards", Header: sameOrigin(), Cookies: tc,
			WantStatus: 403, WantNotIn: []string{"card-code"}},
		{Name: "no such person", URL: "/people/0190a000-0000-7000-8000-000000000000", Cookies: tc, WantStatus: 404},
		// A coordinator manages the venue's trainers (PIN included), but a card is a learner's way in.
		{Name: "coordinator: a trainer's page", URL: "/people/" + e.User["trainer"].ID, Cookies: e.login(t, "coordinator"), WantStatus: 200,
			WantIn: []string{"Set a new PIN"}, WantNotIn: []string{"Make a new card", "Print a login card now"}},
		{Name: "coordinator: a card for a trainer", Method: "POST", URL: "/people/" + e.User["trainer"].ID + "/cards", Header: sameOrigin(),
			Cookies: e.login(t, "coordinator"), WantStatus: 403, WantIn: []string{"Login cards are for learners."}, WantNotIn: []string{"card-code"}},
		{Name: "manager does not see learners' records", URL: "/people/" + l3.ID, Cookies: e.login(t, "manager"), WantStatus: 404,
			WantNotIn: []string{"Learner learner3"}},
		{Name: "manager sees staff by manage_staff", URL: "/people/" + e.User["trainer3"].ID, Cookies: e.login(t, "manager"), WantStatus: 200,
			WantIn: []string{"Staff trainer3", "Give a role"}, WantNotIn: []string{"Set a new PIN", "Make a new card"}},
	})
	if cs, _ := e.Accounts.LoginCardsOf(t.Context(), l3.ID); len(cs) != 1 || cs[0].Revoked() {
		t.Fatalf("learner3's cards changed: %+v", cs)
	}
	if cs, _ := e.Accounts.LoginCardsOf(t.Context(), e.User["coordinator"].ID); len(cs) != 0 {
		t.Fatal("a card was made for the coordinator")
	}
	if _, err := e.Accounts.AuthenticatePIN(t.Context(), "+70000000103", "405061"); err != nil {
		t.Fatalf("learner3's PIN changed: %v", err)
	}
}

func TestPINReset(t *testing.T) {
	e := newEnv(t)
	tc := e.login(t, "trainer")
	l1 := e.User["learner1"]
	pin := "/people/" + l1.ID + "/pin"
	testkit.Run(t, e.S, []testkit.Scenario{
		{Name: "common PIN refused", Method: "POST", URL: pin, Header: sameOrigin(), Cookies: tc,
			Form:       url.Values{"pin": {"147258"}, "pin_repeat": {"147258"}},
			WantStatus: 422, WantIn: []string{"This PIN is too easy to guess", `href="#f-pin"`, "Learner learner1"},
			WantNotIn: []string{"147258", "405060", "$argon2id"}},
		{Name: "not 6 digits", Method: "POST", URL: pin, Header: sameOrigin(), Cookies: tc,
			Form: url.Values{"pin": {"12ab"}, "pin_repeat": {"12ab"}}, WantStatus: 422, WantIn: []string{"The PIN must be 6 digits."}, WantNotIn: []string{"12ab"}},
		{Name: "empty", Method: "POST", URL: pin, Header: sameOrigin(), Cookies: tc,
			Form: url.Values{}, WantStatus: 422, WantIn: []string{"Please fill this in."}},
		{Name: "repeat differs", Method: "POST", URL: pin, Header: sameOrigin(), Cookies: tc,
			Form: url.Values{"pin": {"582914"}, "pin_repeat": {"582941"}}, WantStatus: 422, WantIn: []string{"The two PINs are not the same", `href="#f-pin_repeat"`},
			WantNotIn: []string{"582914", "582941"}},
	})
	if _, err := e.Accounts.AuthenticatePIN(t.Context(), l1.Phone, "405060"); err != nil {
		t.Fatalf("a refused PIN changed the PIN: %v", err)
	}
	res, _ := post(t, e, tc, pin, url.Values{"pin": {"582914"}, "pin_repeat": {"582914"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/people/"+l1.ID {
		t.Fatalf("good PIN: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	testkit.Run(t, e.S, []testkit.Scenario{
		{Name: "confirmation", URL: "/people/" + l1.ID, Cookies: tc, WantStatus: 200, WantIn: []string{"The new PIN is set."}},
	})
	res, _ = post(t, e, nil, "/login/pin", url.Values{"phone": {l1.Phone}, "pin": {"582914"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("learner with the new PIN: %d", res.StatusCode)
	}
	res, _ = post(t, e, nil, "/login/pin", url.Values{"phone": {l1.Phone}, "pin": {"405060"}})
	if res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("old PIN still works: %d", res.StatusCode)
	}

	// No phone: no PIN.
	u, err := e.Accounts.CreateUser(t.Context(), account.NewUser{DisplayName: "Card Only", Assisted: true, Role: account.Learner, PlaceID: e.Place["V1"]})
	if err != nil {
		t.Fatal(err)
	}
	testkit.Run(t, e.S, []testkit.Scenario{
		{Name: "page says why there is no PIN", URL: "/people/" + u.ID, Cookies: tc, WantStatus: 200,
			WantIn: []string{"This person has no phone number."}, WantNotIn: []string{`name="pin_repeat"`}},
		{Name: "PIN without phone refused", Method: "POST", URL: "/people/" + u.ID + "/pin", Header: sameOrigin(), Cookies: tc,
			Form: url.Values{"pin": {"582914"}, "pin_repeat": {"582914"}}, WantStatus: 422, WantIn: []string{"This person has no phone number."}},
	})
}

func TestGrants(t *testing.T) {
	e := newEnv(t)
	cc := e.login(t, "coordinator")
	l1 := e.User["learner1"]
	grants := "/people/" + l1.ID + "/grants"
	testkit.Run(t, e.S, []testkit.Scenario{
		{Name: "coordinator's role choices", URL: "/people/" + l1.ID, Cookies: cc, WantStatus: 200,
			WantIn:    []string{"Give a role", `<option value="trainer"`, `name="place"`},
			WantNotIn: []string{`<option value="manager"`, `<option value="admin"`}},
		{Name: "coordinator cannot grant manager", Method: "POST", URL: grants, Header: sameOrigin(), Cookies: cc,
			Form: url.Values{"role": {"manager"}, "place": {"V1"}}, WantStatus: 403},
		{Name: "coordinator cannot grant at another venue", Method: "POST", URL: grants, Header: sameOrigin(), Cookies: cc,
			Form:       url.Values{"role": {"trainer"}, "place": {"V3"}},
			WantStatus: 422, WantIn: []string{"We could not find this code among the places you look after.", `value="V3"`}},
		{Name: "unknown place", Method: "POST", URL: grants, Header: sameOrigin(), Cookies: cc,
			Form:       url.Values{"role": {"trainer"}, "place": {"NOPE"}},
			WantStatus: 422, WantIn: []string{"We could not find this code among the places you look after."}},
		{Name: "no place", Method: "POST", URL: grants, Header: sameOrigin(), Cookies: cc,
			Form: url.Values{"role": {"trainer"}}, WantStatus: 422, WantIn: []string{`href="#f-place"`}},
		{Name: "bad role", Method: "POST", URL: grants, Header: sameOrigin(), Cookies: cc,
			Form: url.Values{"role": {"wizard"}, "place": {"V1"}}, WantStatus: 422, WantIn: []string{"Please choose one of the options."}},
		{Name: "trainer may not grant", Method: "POST", URL: grants, Header: sameOrigin(), Cookies: e.login(t, "trainer"),
			Form: url.Values{"role": {"learner"}, "place": {"V1"}}, WantStatus: 403},
		{Name: "coordinator: another venue's person", Method: "POST", URL: "/people/" + e.User["learner3"].ID + "/grants", Header: sameOrigin(), Cookies: cc,
			Form: url.Values{"role": {"trainer"}, "place": {"V1"}}, WantStatus: 404},
	})
	if e.hasGrant(t, l1.ID, account.Manager, "V1") || e.hasGrant(t, l1.ID, account.Trainer, "V3") {
		t.Fatal("a refused grant was stored")
	}
	res, body := post(t, e, cc, grants, url.Values{"role": {"trainer"}, "place": {"V1"}})
	if res.StatusCode != http.StatusSeeOther || !e.hasGrant(t, l1.ID, account.Trainer, "V1") {
		t.Fatalf("grant trainer: %d\n%s", res.StatusCode, body)
	}
	testkit.Run(t, e.S, []testkit.Scenario{
		{Name: "page shows the role and a way to take it back", URL: "/people/" + l1.ID, Cookies: cc, WantStatus: 200,
			WantIn: []string{"The role is given.", "Trainer", "Take away"}},
		{Name: "granted twice", Method: "POST", URL: grants, Header: sameOrigin(), Cookies: cc,
			Form: url.Values{"role": {"trainer"}, "place": {e.Place["V1"]}}, WantStatus: 422, WantIn: []string{"already has this role here"}},
		{Name: "coordinator cannot revoke what they could not give", Method: "POST", URL: "/people/" + e.User["coordinator"].ID + "/grants/revoke",
			Header: sameOrigin(), Cookies: cc, Form: url.Values{"role": {"coordinator"}, "place": {e.Place["V1"]}}, WantStatus: 403},
		{Name: "revoking a role not held", Method: "POST", URL: grants + "/revoke", Header: sameOrigin(), Cookies: cc,
			Form: url.Values{"role": {"manager"}, "place": {e.Place["V1"]}}, WantStatus: 404},
	})
	res, _ = post(t, e, cc, grants+"/revoke", url.Values{"role": {"trainer"}, "place": {e.Place["V1"]}})
	if res.StatusCode != http.StatusSeeOther || e.hasGrant(t, l1.ID, account.Trainer, "V1") {
		t.Fatalf("revoke trainer: %d", res.StatusCode)
	}
	// A manager gives a member of staff a coordinator role in the region, but not
	// manager; a learner's record stays closed to a manager (they see learners
	// only through reports), so it cannot be promoted from there.
	mc := e.login(t, "manager")
	tg := "/people/" + e.User["trainer3"].ID + "/grants"
	res, _ = post(t, e, mc, tg, url.Values{"role": {"coordinator"}, "place": {"V3"}})
	if res.StatusCode != http.StatusSeeOther || !e.hasGrant(t, e.User["trainer3"].ID, account.Coordinator, "V3") {
		t.Fatalf("manager grants coordinator: %d", res.StatusCode)
	}
	res, _ = post(t, e, mc, tg, url.Values{"role": {"manager"}, "place": {"V3"}})
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("manager grants manager: %d", res.StatusCode)
	}
	if res, _ = post(t, e, mc, grants, url.Values{"role": {"coordinator"}, "place": {"V1"}}); res.StatusCode != http.StatusNotFound {
		t.Fatalf("manager on a learner's record: %d, want 404", res.StatusCode)
	}
	// Taking away the last role a coordinator can see sends them back to the list.
	res, _ = post(t, e, cc, "/people/"+e.User["trainer"].ID+"/grants/revoke", url.Values{"role": {"trainer"}, "place": {e.Place["V1"]}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/places/"+e.Place["V1"]+"/people" {
		t.Fatalf("last role: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
}

// TestAnalystMayNotWrite: the analyst is read-only, and learners are kept to
// their own data: every POST here answers 403.
func TestAnalystMayNotWrite(t *testing.T) {
	e := newEnv(t)
	l1 := e.User["learner1"]
	_, card, err := e.Accounts.IssueLoginCard(t.Context(), l1.ID, e.User["trainer"].ID)
	if err != nil {
		t.Fatal(err)
	}
	posts := []struct {
		url  string
		form url.Values
	}{
		{"/places/" + e.Place["V1"] + "/people", url.Values{"display_name": {"X"}, "assisted": {"on"}}},
		{"/people/" + l1.ID + "/pin", url.Values{"pin": {"582914"}, "pin_repeat": {"582914"}}},
		{"/people/" + l1.ID + "/cards", url.Values{}},
		{"/people/" + l1.ID + "/cards/" + card.ID + "/revoke", url.Values{}},
		{"/people/" + l1.ID + "/grants", url.Values{"role": {"learner"}, "place": {"V1"}}},
		{"/people/" + l1.ID + "/grants/revoke", url.Values{"role": {"learner"}, "place": {e.Place["V1"]}}},
	}
	for _, who := range []string{"analyst", "learner1"} {
		c := e.login(t, who)
		for _, p := range posts {
			if res, _ := post(t, e, c, p.url, p.form); res.StatusCode != http.StatusForbidden {
				t.Errorf("%s POST %s: %d, want 403", who, p.url, res.StatusCode)
			}
		}
		for _, u := range []string{"/people/" + l1.ID, "/places/" + e.Place["R"] + "/people", "/places/" + e.Place["V1"] + "/people/new"} {
			if res, _ := testkit.Do(t, e.S, testkit.Scenario{URL: u, Cookies: c}); res.StatusCode != http.StatusForbidden {
				t.Errorf("%s GET %s: %d, want 403", who, u, res.StatusCode)
			}
		}
	}
	if cs, _ := e.Accounts.LoginCardsOf(t.Context(), l1.ID); len(cs) != 1 || cs[0].Revoked() {
		t.Fatalf("cards changed: %+v", cs)
	}
	// Not signed in: POSTs are 401, never a change.
	if res, _ := post(t, e, nil, "/people/"+l1.ID+"/cards", url.Values{}); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("anonymous card: %d", res.StatusCode)
	}
}

// TestPeoplePagesValidAndAccessible runs the HTML checker and axe-core on every
// page of this area, the ones only a POST shows included (a form with its
// errors, the printable card), which a crawl of GET routes never meets.
func TestPeoplePagesValidAndAccessible(t *testing.T) {
	e := newEnv(t)
	tc, cc := e.login(t, "trainer"), e.login(t, "coordinator")
	l1 := e.User["learner1"]
	v1 := "/places/" + e.Place["V1"] + "/people"
	assisted, err := e.Accounts.CreateUser(t.Context(), account.NewUser{DisplayName: "Olga Assisted", Assisted: true,
		PreferredLang: "uk", Role: account.Learner, PlaceID: e.Place["V1"]})
	if err != nil {
		t.Fatal(err)
	}
	pages := []testkit.Scenario{
		{Name: "list", URL: v1, Cookies: tc},
		{Name: "sign-up", URL: v1 + "/new", Cookies: tc},
		{Name: "sign-up with errors", Method: "POST", URL: v1, Header: sameOrigin(), Cookies: tc, Form: url.Values{"pin": {"1"}}},
		{Name: "staff sign-up with errors", Method: "POST", URL: v1, Header: sameOrigin(), Cookies: cc, Form: url.Values{"role": {"trainer"}}},
		{Name: "person", URL: "/people/" + l1.ID, Cookies: cc},
		{Name: "assisted person", URL: "/people/" + assisted.ID, Cookies: tc},
		{Name: "PIN with errors", Method: "POST", URL: "/people/" + l1.ID + "/pin", Header: sameOrigin(), Cookies: tc, Form: url.Values{"pin": {"147258"}}},
		{Name: "role with errors", Method: "POST", URL: "/people/" + l1.ID + "/grants", Header: sameOrigin(), Cookies: cc, Form: url.Values{"role": {"trainer"}, "place": {"NOPE"}}},
		{Name: "card", Method: "POST", URL: "/people/" + assisted.ID + "/cards", Header: sameOrigin(), Cookies: tc},
	}
	docs := map[string][]byte{}
	for _, sc := range pages {
		res, body := testkit.Do(t, e.S, sc)
		if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("%s: status %d", sc.Name, res.StatusCode)
		}
		docs[sc.Name] = []byte(body)
	}
	testkit.CheckHTML(t, docs)

	// The same pages in a browser, as the trainer and the coordinator use them.
	srv := httptest.NewServer(e.S)
	t.Cleanup(srv.Close)
	tab := testkit.NewBrowser(t).NewTab(t)
	signIn := func(name string) {
		testkit.Navigate(t, tab, srv.URL+"/login")
		testkit.Fill(t, tab, "#f-identifier", name+"@test.example")
		testkit.Fill(t, tab, "#f-password", staffPassword)
		if st := testkit.Submit(t, tab, `main form button[type=submit]`); st != http.StatusOK {
			t.Fatalf("sign in %s in the browser: %d", name, st)
		}
	}
	axe := func(what string) {
		t.Helper()
		axeMain(t, tab, what)
	}
	signIn("trainer")
	testkit.Navigate(t, tab, srv.URL+v1)
	axe("list")
	testkit.Navigate(t, tab, srv.URL+v1+"/new")
	axe("sign-up")
	if st := testkit.Submit(t, tab, `main form button[type=submit]`); st != http.StatusUnprocessableEntity {
		t.Fatalf("empty sign-up: %d", st)
	}
	axe("sign-up with errors")
	testkit.Fill(t, tab, "#f-display_name", "Pavel Browser")
	testkit.Click(t, tab, "#f-assisted")
	if st := testkit.Submit(t, tab, `main form button[type=submit]`); st != http.StatusOK {
		t.Fatalf("sign-up: %d", st)
	}
	axe("new person")
	if st := testkit.Submit(t, tab, `.notice form button[type=submit]`); st != http.StatusOK {
		t.Fatalf("print a card now: %d", st)
	}
	axe("card")
	if dir := os.Getenv("ONRAMP_SCREENSHOTS"); dir != "" {
		_ = os.WriteFile(dir+"/people-card.png", testkit.Screenshot(t, tab), 0o600)
	}
	testkit.Navigate(t, tab, srv.URL+"/people/"+l1.ID)
	testkit.Fill(t, tab, "#f-pin", "147258")
	testkit.Fill(t, tab, "#f-pin_repeat", "147258")
	if st := testkit.Submit(t, tab, `form[action$="/pin"] button[type=submit]`); st != http.StatusUnprocessableEntity {
		t.Fatalf("common PIN: %d", st)
	}
	axe("PIN with errors")

	if st := testkit.Submit(t, tab, `form[action="/logout"] button`); st != http.StatusOK {
		t.Fatalf("sign out: %d", st)
	}
	signIn("coordinator")
	testkit.Navigate(t, tab, srv.URL+v1+"/new")
	axe("staff sign-up")
	testkit.Navigate(t, tab, srv.URL+"/people/"+l1.ID)
	axe("person with a role form")
	testkit.Fill(t, tab, "#f-place", "NOPE")
	if st := testkit.Submit(t, tab, `form[action$="/grants"] button[type=submit]`); st != http.StatusUnprocessableEntity {
		t.Fatalf("unknown place: %d", st)
	}
	axe("role with errors")
}

// axeMain runs axe-core on the tab and fails on any violation in this area's
// content. The header's sign-out button belongs to the shared layout, which the
// whole-site browser test checks; it is left to that test.
func axeMain(t *testing.T, tab context.Context, what string) {
	t.Helper()
	vs, err := testkit.RunAxe(tab)
	if err != nil {
		t.Fatalf("axe on %s: %v", what, err)
	}
	for _, v := range vs {
		v.Targets = slices.DeleteFunc(v.Targets, func(s string) bool { return strings.HasPrefix(s, `form[action="/logout"]`) })
		if len(v.Targets) > 0 {
			t.Errorf("axe-core on %s: %s", what, v)
		}
	}
}
