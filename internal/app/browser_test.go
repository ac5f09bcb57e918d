package app_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/onramp/onramp/internal/app"
	"github.com/onramp/onramp/internal/testkit"
)

// Browser tests: the shared demo onramp in Debian's Chromium (testkit), one
// browser for the binary, a fresh browser context (its own cookies) per test.
// They run in parallel with each other (go test's -parallel, GOMAXPROCS by
// default), after the sequential tests: the crawl has counted the database
// before any of them signs in.

// browserTab opens a tab in a browser context of its own, so cookies set by one
// test never reach another.
func browserTab(t *testing.T) context.Context {
	t.Helper()
	base := suite.browser.Get(t).NewTab(t)
	ctx, cancel := chromedp.NewContext(base, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("browser: new context: %v", err)
	}
	testkit.Zoom(t, ctx, 1)
	return ctx
}

// setCookie puts a cookie of the app's origin into the tab's context; an empty
// value deletes it.
func setCookie(t *testing.T, tab context.Context, fx *fixture, name, value string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab, 10*time.Second)
	defer cancel()
	var err error
	if value == "" {
		_, err = chromedp.Call(ctx, network.DeleteCookies, network.DeleteCookiesParams{Name: name, URL: fx.srv.URL + "/"})
	} else {
		httpOnly := true
		_, err = chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: name, Value: value, URL: fx.srv.URL + "/",
			Path: "/", HTTPOnly: &httpOnly, SameSite: network.CookieSameSiteLax})
	}
	if err != nil {
		t.Fatalf("cookie %s: %v", name, err)
	}
}

// eval runs a JavaScript expression in the tab and returns its value.
func eval[T any](t *testing.T, tab context.Context, js string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// keys types keys (kb.Tab, kb.Enter or text) into whatever has the focus.
func keys(t *testing.T, tab context.Context, s string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab, 10*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.KeyEvent(s)); err != nil {
		t.Fatalf("keys %q: %v", s, err)
	}
}

// here is the tab's current path and query.
func here(t *testing.T, tab context.Context) string {
	t.Helper()
	u, err := url.Parse(eval[string](t, tab, `location.href`))
	if err != nil {
		t.Fatal(err)
	}
	return u.RequestURI()
}

func bodyText(t *testing.T, tab context.Context) string {
	t.Helper()
	return eval[string](t, tab, `document.body.innerText`)
}

// signOutAndGoBack presses the sign-out button, checks where it lands, then
// presses Back: the page it returns to must show nothing of the person.
func signOutAndGoBack(t *testing.T, tab context.Context, name string) {
	t.Helper()
	if st := testkit.Submit(t, tab, `form[action="/logout"] button`); st != 200 {
		t.Errorf("sign out: status %d", st)
	}
	if p := here(t, tab); !strings.HasPrefix(p, "/login") {
		t.Errorf("after sign-out the browser is at %s, want the sign-in page", p)
	}
	if txt := bodyText(t, tab); strings.Contains(txt, name) {
		t.Errorf("the page after sign-out still shows %q", name)
	}
	// A page restored from the back/forward cache fires no load event, so
	// NavigateBack would wait for nothing: bound it, then look at what shows.
	ctx, cancel := context.WithTimeout(tab, 10*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.NavigateBack()); err != nil {
		t.Errorf("Back after sign-out: %v (no page load: restored from the back/forward cache?)", err)
	}
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if eval[string](t, tab, `document.readyState`) == "complete" {
			break
		}
	}
	txt := bodyText(t, tab)
	if strings.Contains(txt, name) {
		t.Errorf("Back after sign-out shows %q on %s:\n%s", name, here(t, tab), txt)
	}
	if n := eval[int](t, tab, `document.querySelectorAll('form[action="/logout"]').length`); n != 0 {
		t.Errorf("Back after sign-out shows a signed-in page (%s)", here(t, tab))
	}
}

// TestBrowserSignIn signs in the three ways a person can, lands on the home
// page with their name, signs out, and finds nothing personal behind Back.
func TestBrowserSignIn(t *testing.T) {
	fx := crawled(t).fx // the crawl counts the database first; the browser tests write
	t.Parallel()

	// landsHome presses the form's button and checks that the person lands on
	// the home page with their name.
	landsHome := func(t *testing.T, tab context.Context, name string) {
		t.Helper()
		if st := testkit.Submit(t, tab, `main form button[type=submit]`); st != 200 {
			t.Fatalf("sign in: status %d", st)
		}
		if p := here(t, tab); p != "/" {
			t.Errorf("signed in at %s, want /", p)
		}
		if h1 := testkit.Text(t, tab, "h1"); !strings.Contains(h1, name) {
			t.Errorf("home h1 %q lacks the name %q", h1, name)
		}
	}

	t.Run("password", func(t *testing.T) {
		tab := browserTab(t)
		testkit.Navigate(t, tab, fx.srv.URL+"/login")
		testkit.Fill(t, tab, "#f-identifier", "trainer@demo.example")
		testkit.Fill(t, tab, "#f-password", app.DemoPassword)
		name := fx.user["trainer@demo.example"].DisplayName
		landsHome(t, tab, name)
		signOutAndGoBack(t, tab, name)
	})

	t.Run("phone and PIN", func(t *testing.T) {
		tab := browserTab(t)
		testkit.Navigate(t, tab, fx.srv.URL+"/login/pin")
		testkit.Fill(t, tab, "#f-phone", learnerPhone)
		testkit.Fill(t, tab, "#f-pin", app.DemoLearnerPIN)
		name := fx.user[learnerPhone].DisplayName
		landsHome(t, tab, name)
		signOutAndGoBack(t, tab, name)
	})

	t.Run("login card", func(t *testing.T) {
		u := fx.user[learnerPhone]
		code, _, err := fx.app.Accounts.IssueLoginCard(t.Context(), u.ID, "") // the code a trainer prints
		if err != nil {
			t.Fatal(err)
		}
		tab := browserTab(t)
		testkit.Navigate(t, tab, fx.srv.URL+"/login/card/"+url.PathEscape(code))
		if v := eval[string](t, tab, `document.querySelector("#f-code").value`); v != code {
			t.Errorf("the card page's code field holds %q, want %q", v, code)
		}
		landsHome(t, tab, u.DisplayName)
		signOutAndGoBack(t, tab, u.DisplayName)
	})
}

// TestBrowserLanguages walks the language switcher through the five languages:
// links for a visitor, buttons (which store the choice) for a signed-in person.
func TestBrowserLanguages(t *testing.T) {
	fx := crawled(t).fx
	t.Parallel()
	langs := []string{"ru", "uk", "lv", "vi", "en"}
	check := func(t *testing.T, tab context.Context, lang, selector, key string, args ...any) {
		t.Helper()
		if got := eval[string](t, tab, `document.documentElement.lang`); got != lang {
			t.Errorf("<html lang=%q>, want %q", got, lang)
		}
		want := fx.app.Catalog.T(lang, key, args...)
		if got := testkit.Text(t, tab, selector); !strings.Contains(got, want) {
			t.Errorf("%s: %s is %q, want %q (%s)", lang, selector, got, want, key)
		}
	}

	t.Run("visitor", func(t *testing.T) {
		tab := browserTab(t)
		testkit.Navigate(t, tab, fx.srv.URL+"/login/pin")
		for _, lang := range langs {
			if st := testkit.Submit(t, tab, fmt.Sprintf(`.toolbar a[hreflang=%q]`, lang)); st != 200 {
				t.Fatalf("switch to %s: status %d", lang, st)
			}
			check(t, tab, lang, "h1", "login.pin.title")
			if p := here(t, tab); !strings.HasPrefix(p, "/login/pin") {
				t.Errorf("switching to %s left the page: now at %s", lang, p)
			}
		}
	})

	t.Run("signed in", func(t *testing.T) {
		tab := browserTab(t)
		u := fx.user["trainer.vn@demo.example"]
		testkit.Navigate(t, tab, fx.srv.URL+"/login")
		testkit.Fill(t, tab, "#f-identifier", u.Email)
		testkit.Fill(t, tab, "#f-password", app.DemoPassword)
		testkit.Submit(t, tab, `main form button[type=submit]`)
		check(t, tab, "vi", "h1", "home.welcome", "Name", u.DisplayName)
		for _, lang := range append(langs[:3:3], "en", "vi") { // ends where it began: vi
			if st := testkit.Submit(t, tab, fmt.Sprintf(`.toolbar button[name=lang][value=%q]`, lang)); st != 200 {
				t.Fatalf("switch to %s: status %d", lang, st)
			}
			check(t, tab, lang, "h1", "home.welcome", "Name", u.DisplayName)
			check(t, tab, lang, "nav.nav", "nav.home")
		}
	})
}

// TestBrowserAccessibility runs axe-core on one page of every kind the crawl
// met (every GET route and the links on its pages, as every role, error pages
// included; see byMain), each with the default display and with larger text
// and high contrast; then it checks the home and sign-in pages, rendered with
// the onramp_display cookie both ways, at 200 % zoom for horizontal scrolling.
//
// The display cookie changes two things in a page: the classes of <html>,
// which switch the stylesheet's larger text and high contrast, and the labels
// of the two toolbar buttons that toggle them. So for the bulk of the pages
// the second axe run sets those classes in the loaded page instead of loading
// it again (axe is the slow part); the zoom pages are rendered by the server
// with the cookie, and must carry exactly those classes.
func TestBrowserAccessibility(t *testing.T) {
	cr := crawled(t)
	fx := cr.fx
	t.Parallel()
	kinds := pageKinds(cr, byMain)
	const largeContrast = "text-large contrast-high" // what onramp_display=large.contrast gives <html>
	for part := range 2 {                            // two tabs side by side
		t.Run(fmt.Sprintf("pages %d of 2", part+1), func(t *testing.T) {
			t.Parallel()
			tab := browserTab(t)
			start := time.Now()
			n := 0
			for i := part; i < len(kinds); i += 2 {
				p := kinds[i]
				signInTab(t, tab, fx, p.Role)
				if st := testkit.Navigate(t, tab, fx.srv.URL+p.Path); st != p.Status {
					t.Errorf("GET %s as %s in the browser: status %d, the crawl had %d", p.Path, p.Role, st, p.Status)
				}
				axe(t, tab, p.Role, "default display")
				eval[bool](t, tab, `document.documentElement.className = "`+largeContrast+`", true`)
				axe(t, tab, p.Role, "larger text and high contrast")
				n++
			}
			t.Logf("axe-core %s: %d page kinds x 2 displays in %s", testkit.AxeVersion, n, time.Since(start).Round(time.Millisecond))
		})
	}
	t.Run("200% zoom", func(t *testing.T) {
		t.Parallel()
		tab := browserTab(t)
		start := time.Now()
		testkit.Zoom200(t, tab)
		n := 0
		for _, display := range []string{"", "large.contrast"} {
			setCookie(t, tab, fx, "onramp_display", display)
			for _, role := range []string{"anonymous", "learner", "trainer"} {
				signInTab(t, tab, fx, role)
				paths := []string{"/"}
				if role == "anonymous" {
					paths = append(paths, "/login", "/login/pin", "/login/card")
				}
				for _, path := range paths {
					testkit.Navigate(t, tab, fx.srv.URL+path)
					want := ""
					if display != "" {
						want = largeContrast
					}
					if cls := eval[string](t, tab, `document.documentElement.className`); cls != want {
						t.Errorf("%s with onramp_display=%q: <html class=%q>, want %q", path, display, cls, want)
					}
					testkit.NoHorizontalScroll(t, tab)
					axe(t, tab, role, "200 % zoom, onramp_display="+display)
					n++
				}
			}
		}
		t.Logf("200 %% zoom: %d pages without horizontal scrolling, axe-clean, in %s", n, time.Since(start).Round(time.Millisecond))
	})
}

// axe runs axe-core on the tab's page and reports each violation with the
// role and display it was seen with.
func axe(t *testing.T, tab context.Context, role, display string) {
	t.Helper()
	vs, err := testkit.RunAxe(tab)
	if err != nil {
		t.Fatalf("%s: %v", here(t, tab), err)
	}
	for _, v := range vs {
		t.Errorf("axe-core %s on %s as %s, %s: %s", testkit.AxeVersion, here(t, tab), role, display, v)
	}
}

// signInTab gives the tab the crawl's session of a role (none for anonymous).
func signInTab(t *testing.T, tab context.Context, fx *fixture, role string) {
	t.Helper()
	session := ""
	if c := fx.login[role]; len(c) > 0 {
		session = c[0].Value
	}
	setCookie(t, tab, fx, "onramp_session", session)
}

// TestBrowserKeyboard signs in with the keyboard alone: Tab from the top
// reaches the skip link first, Enter on it moves the focus to main, and the
// form is filled and sent with keys.
func TestBrowserKeyboard(t *testing.T) {
	fx := crawled(t).fx
	t.Parallel()
	tab := browserTab(t)
	testkit.Navigate(t, tab, fx.srv.URL+"/login")
	active := func() string {
		return eval[string](t, tab, `(e => e ? e.tagName.toLowerCase() + "#" + e.id + "." + e.className : "")(document.activeElement)`)
	}
	keys(t, tab, kb.Tab)
	if a := active(); !strings.Contains(a, "skip-link") {
		t.Fatalf("the first Tab stop is %q, want the skip link", a)
	}
	keys(t, tab, kb.Enter)
	if a := active(); !strings.HasPrefix(a, "main#main") {
		t.Fatalf("after Enter on the skip link the focus is on %q, want main", a)
	}
	keys(t, tab, kb.Tab)
	if a := active(); !strings.HasPrefix(a, "input#f-identifier") {
		t.Fatalf("the first Tab stop in main is %q, want the e-mail field", a)
	}
	keys(t, tab, "trainer@demo.example")
	keys(t, tab, kb.Tab)
	if a := active(); !strings.HasPrefix(a, "input#f-password") {
		t.Fatalf("Tab from the e-mail field goes to %q, want the password", a)
	}
	keys(t, tab, app.DemoPassword)
	ctx, cancel := context.WithTimeout(tab, testkit.ActionTimeout)
	defer cancel()
	res, err := chromedp.RunResponse(ctx, chromedp.KeyEvent(kb.Enter))
	if err != nil {
		t.Fatalf("Enter in the password field: %v", err)
	}
	if res.Status != 200 || here(t, tab) != "/" {
		t.Fatalf("Enter in the password field: status %d at %s, want the home page", res.Status, here(t, tab))
	}
	if name := fx.user["trainer@demo.example"].DisplayName; !strings.Contains(testkit.Text(t, tab, "h1"), name) {
		t.Errorf("signed in with the keyboard, but the home page lacks %q", name)
	}
}

// TestBrowserWrongPIN: a wrong PIN, in Russian, shows the error summary in
// Russian and keeps the phone number typed (never the PIN).
func TestBrowserWrongPIN(t *testing.T) {
	fx := crawled(t).fx
	t.Parallel()
	t.Cleanup(func() { // a right PIN clears the count, so runs with -count=N never lock the account
		if _, err := fx.signIn(roleCase{Name: "learner 2", Role: "learner", Login: learner2Phone, Secret: "314159"}); err != nil {
			t.Error(err)
		}
	})
	tab := browserTab(t)
	testkit.Navigate(t, tab, fx.srv.URL+"/login/pin?lang=ru")
	testkit.Fill(t, tab, "#f-phone", learner2Phone)
	testkit.Fill(t, tab, "#f-pin", "135792")
	if st := testkit.Submit(t, tab, `main form button[type=submit]`); st != 401 {
		t.Errorf("wrong PIN: status %d, want 401", st)
	}
	if got := eval[string](t, tab, `document.documentElement.lang`); got != "ru" {
		t.Errorf("<html lang=%q>, want ru", got)
	}
	summary := testkit.Text(t, tab, ".error-summary")
	for _, key := range []string{"form.error_summary_title", "login.error.pin_invalid"} {
		if want := fx.app.Catalog.T("ru", key); !strings.Contains(summary, want) {
			t.Errorf("error summary %q lacks %q (%s)", summary, want, key)
		}
	}
	if v := eval[string](t, tab, `document.querySelector("#f-phone").value`); v != learner2Phone {
		t.Errorf("phone field holds %q after the error, want %q", v, learner2Phone)
	}
	if v := eval[string](t, tab, `document.querySelector("#f-pin").value`); v != "" {
		t.Errorf("PIN field holds %q after the error, want it empty", v)
	}
	testkit.Axe(t, tab)
}
