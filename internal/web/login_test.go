package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/onramp/onramp/internal/testkit"
)

func TestSignInPagesAndErrors(t *testing.T) {
	e := newEnv(t)
	testkit.Run(t, e.S, []testkit.Scenario{
		{Name: "password page", URL: "/login", WantStatus: 200, WantIn: []string{`name="identifier"`, `autocomplete="current-password"`},
			WantHeader: map[string]string{"Cache-Control": "no-store"}},
		{Name: "pin page in Russian", URL: "/login/pin?lang=ru", WantStatus: 200, WantIn: []string{`<html lang="ru"`, `inputmode="numeric"`}},
		{Name: "card page keeps code", URL: "/login/card/ABCD-EFGH-JKMN", WantStatus: 200, WantIn: []string{`value="ABCD-EFGH-JKMN"`}},
		{Name: "empty form: summary and field errors", Method: "POST", URL: "/login", Header: sameOrigin(), Form: url.Values{},
			WantStatus: 422, WantIn: []string{`class="error-summary"`, `href="#f-identifier"`, `aria-invalid="true"`}},
		{Name: "wrong password keeps identifier, not password", Method: "POST", URL: "/login", Header: sameOrigin(),
			Form:       url.Values{"identifier": {"trainer@test.example"}, "password": {"wrong wrong wrong"}},
			WantStatus: 401, WantIn: []string{`value="trainer@test.example"`}, WantNotIn: []string{"wrong wrong wrong"}},
		{Name: "unknown user same answer", Method: "POST", URL: "/login", Header: sameOrigin(),
			Form:       url.Values{"identifier": {"nobody@test.example"}, "password": {"wrong wrong wrong"}},
			WantStatus: 401},
		{Name: "wrong pin in Vietnamese", Method: "POST", URL: "/login/pin?lang=vi", Header: sameOrigin(),
			Form: url.Values{"phone": {"+70000000101"}, "pin": {"000001"}}, WantStatus: 401, WantIn: []string{`lang="vi"`}},
		{Name: "bad card", Method: "POST", URL: "/login/card", Header: sameOrigin(),
			Form: url.Values{"code": {"ZZZZ-ZZZZ-ZZZZ"}}, WantStatus: 401},
		{Name: "cross-site login refused", Method: "POST", URL: "/login", Header: http.Header{"Sec-Fetch-Site": {"cross-site"}},
			Form: url.Values{"identifier": {"trainer@test.example"}, "password": {staffPassword}}, WantStatus: 403},
		{Name: "oversized form", Method: "POST", URL: "/login", Header: sameOrigin(),
			Form: url.Values{"identifier": {strings.Repeat("x", 70<<10)}}, WantStatus: 400},
	})
}

func TestSignInAndOut(t *testing.T) {
	e := newEnv(t)
	c := e.login(t, "trainer")
	testkit.Run(t, e.S, []testkit.Scenario{
		{Name: "home shows the person", URL: "/", Cookies: c, WantStatus: 200, WantIn: []string{"Staff trainer", "Place V1"},
			WantHeader: map[string]string{"Cache-Control": "no-store"}},
	})
	res, _ := testkit.Do(t, e.S, testkit.Scenario{Method: "POST", URL: "/logout", Header: sameOrigin(), Cookies: c})
	if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Clear-Site-Data"), "cookies") {
		t.Fatalf("logout: %d %v", res.StatusCode, res.Header)
	}
	// The old cookie is dead: replaying it shows the anonymous home.
	testkit.Run(t, e.S, []testkit.Scenario{
		{Name: "replayed cookie after logout", URL: "/", Cookies: c, WantStatus: 200, WantNotIn: []string{"Staff trainer"}},
	})
}

func TestSessionFixationAndNext(t *testing.T) {
	e := newEnv(t)
	// A session that existed before sign-in (set by an attacker) must not survive it.
	pre := testkit.Scenario{Method: "POST", URL: "/settings/language", Header: sameOrigin(), Form: url.Values{"lang": {"ru"}, "back": {"/"}}}
	testkit.Do(t, e.S, pre)
	res, _ := testkit.Do(t, e.S, testkit.Scenario{Method: "POST", URL: "/login", Header: sameOrigin(),
		Cookies: []*http.Cookie{{Name: "onramp_session", Value: "attacker-chosen-token"}},
		Form:    url.Values{"identifier": {"trainer@test.example"}, "password": {staffPassword}, "next": {"https://evil.example/"}}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatal(res.StatusCode)
	}
	if loc := res.Header.Get("Location"); loc != "/" {
		t.Errorf("next to another site must be dropped, got %q", loc)
	}
	for _, ck := range res.Cookies() {
		if ck.Name == "onramp_session" && ck.Value == "attacker-chosen-token" {
			t.Fatal("session token not renewed at sign-in")
		}
	}
}

func TestPINLockout(t *testing.T) {
	e := newEnv(t)
	var last int
	for i := 0; i < 7; i++ {
		res, _ := testkit.Do(t, e.S, testkit.Scenario{Method: "POST", URL: "/login/pin", Header: sameOrigin(),
			Form: url.Values{"phone": {"+70000000103"}, "pin": {"000001"}}})
		last = res.StatusCode
	}
	if last != http.StatusTooManyRequests {
		t.Fatalf("after 7 wrong PINs: %d, want 429", last)
	}
	// Even the right PIN is refused while locked.
	res, body := testkit.Do(t, e.S, testkit.Scenario{Method: "POST", URL: "/login/pin", Header: sameOrigin(),
		Form: url.Values{"phone": {"+70000000103"}, "pin": {"405061"}}})
	if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "15") {
		t.Fatalf("right PIN while locked: %d", res.StatusCode)
	}
}

func TestLanguageAndDisplaySettings(t *testing.T) {
	e := newEnv(t)
	res, _ := testkit.Do(t, e.S, testkit.Scenario{URL: "/?lang=uk"})
	var langCookie *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "onramp_lang" {
			langCookie = c
		}
	}
	if langCookie == nil || langCookie.Value != "uk" {
		t.Fatal("?lang must set the language cookie")
	}
	testkit.Run(t, e.S, []testkit.Scenario{
		{Name: "cookie language", URL: "/", Cookies: []*http.Cookie{langCookie}, WantIn: []string{`<html lang="uk"`}},
		{Name: "accept-language", URL: "/", Header: http.Header{"Accept-Language": {"lv-LV,lv;q=0.9,en;q=0.5"}}, WantIn: []string{`<html lang="lv"`}},
		{Name: "garbage lang ignored", URL: "/?lang=xx<script>", WantIn: []string{`<html lang="en"`}},
		{Name: "display", URL: "/", Cookies: []*http.Cookie{{Name: "onramp_display", Value: "large.contrast"}},
			WantIn: []string{`class="text-large contrast-high"`}},
	})
	res, _ = testkit.Do(t, e.S, testkit.Scenario{Method: "POST", URL: "/settings/display", Header: sameOrigin(),
		Form: url.Values{"text": {"large"}, "back": {"//evil.example/x"}}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		t.Fatalf("display: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	// A signed-in person's language becomes their setting.
	c := e.login(t, "trainer")
	res, _ = testkit.Do(t, e.S, testkit.Scenario{Method: "POST", URL: "/settings/language", Header: sameOrigin(), Cookies: c,
		Form: url.Values{"lang": {"vi"}, "back": {"/"}}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatal(res.StatusCode)
	}
	u, err := e.Accounts.FindUserByID(t.Context(), e.User["trainer"].ID)
	if err != nil || u.PreferredLang != "vi" {
		t.Fatalf("setting not saved: %q %v", u.PreferredLang, err)
	}
	testkit.Run(t, e.S, []testkit.Scenario{{Name: "setting wins", URL: "/", Cookies: c, WantIn: []string{`<html lang="vi"`}}})
}
