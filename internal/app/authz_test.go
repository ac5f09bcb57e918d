package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/onramp/onramp/internal/account"
)

// outcome is what a cell of the authorisation matrix must answer.
type outcome int

const (
	answered  outcome = iota // the route does its work: not 401, 403 or 404 (200, 303, 422, ... are fine)
	toLogin                  // GET: 303 to /login?next=...; anything else: 401
	forbidden                // 403: the person holds the action nowhere
	denied                   // 403 or 404: not for this target
)

func (o outcome) String() string {
	return [...]string{"ok", "login", "403", "403/404"}[o]
}

// scope says which target a cell aims at.
type scope string

const (
	inScope  scope = "in"
	outScope scope = "out"
	// crossed aims at an out-of-scope object under the URL of an in-scope one:
	// the card of an outside person as if it were a card of an inside person.
	crossed scope = "crossed"
)

// routeRule is a route whose rule is richer than its Access. Every route is
// either here or checked by the rule its Access implies (expectFor).
type routeRule struct {
	// expect gives the outcome for a role (never "" here: anonymous is always
	// sent to sign in) and a scope; nil keeps the rule of the Access.
	expect func(r account.Role, sc scope) outcome
	// form is the minimal form a POST sends; nil sends an empty one.
	form func(tg objects) url.Values
	// endsSession marks a route after which the role must sign in again.
	endsSession bool
}

// placeViewers may open place pages: the list and a place (web's
// placeViewActions); no single action covers them, so their Access is
// signed_in and the handlers answer 403 to everyone else.
func placeViewers(r account.Role) bool {
	return r.Can(account.ActManagePlaces) || r.Can(account.ActViewReports) ||
		r.Can(account.ActViewLearners) || r.Can(account.ActManageStaff)
}

// routeRules is the explicit expectation table, by pattern.
func routeRules() map[string]routeRule {
	// grantForm gives the target trainer at its place, revokeForm takes away
	// the learner grant it holds: every role that may manage staff and view
	// learners may do both (Role.CanGrant); grantsFollowCanGrant goes through
	// every role pair.
	grantForm := func(tg objects) url.Values {
		return url.Values{"role": {string(account.Trainer)}, "place": {tg.Place.ID}}
	}
	revokeForm := func(tg objects) url.Values {
		return url.Values{"role": {string(account.Learner)}, "place": {tg.Place.ID}}
	}
	return map[string]routeRule{
		"POST /logout": {endsSession: true},
		"GET /places": {expect: func(r account.Role, _ scope) outcome {
			if !placeViewers(r) {
				return forbidden
			}
			return answered
		}},
		"GET /places/{id}": {expect: func(r account.Role, sc scope) outcome {
			switch {
			case !placeViewers(r):
				return forbidden
			case sc != inScope:
				return denied
			}
			return answered
		}},
		"GET /people/{id}":                {expect: learnerRecord(account.ActViewLearners, account.ActManageStaff)},
		"POST /people/{id}/grants":        {expect: learnerRecord(account.ActManageStaff), form: grantForm},
		"POST /people/{id}/grants/revoke": {expect: learnerRecord(account.ActManageStaff), form: revokeForm},
	}
}

// learnerRecord is the rule of a route about a person when the person aimed at
// is a learner (as in the matrix): a learner's record opens only through
// view_learners (data minimisation: a programme manager, who manages staff,
// sees learners only in reports); anyone else holding the route's actions
// gets 404, as for a person who does not exist.
func learnerRecord(acts ...account.Action) func(account.Role, scope) outcome {
	return func(r account.Role, sc scope) outcome {
		switch {
		case !slices.ContainsFunc(acts, r.Can):
			return forbidden
		case !r.Can(account.ActViewLearners) || sc != inScope:
			return denied
		}
		return answered
	}
}

// expectFor is the outcome of one cell.
func expectFor(rt routeSpec, ar accessRule, aimed bool, rc roleCase, sc scope) outcome {
	if ar.open {
		return answered
	}
	if rc.Role == "" {
		return toLogin
	}
	if rule, ok := routeRules()[rt.Pattern]; ok && rule.expect != nil {
		return rule.expect(rc.Role, sc)
	}
	if !ar.allows(rc.Role) {
		return forbidden
	}
	if aimed && sc != inScope {
		return denied
	}
	return answered
}

// check compares a response with the outcome a cell expects.
func check(res response, want outcome, method string) error {
	if res.Status >= 500 {
		return fmt.Errorf("status %d (server error), want %s", res.Status, want)
	}
	switch want {
	case answered:
		if res.Status == http.StatusUnauthorized || res.Status == http.StatusForbidden || res.Status == http.StatusNotFound {
			return fmt.Errorf("status %d, want the route to answer", res.Status)
		}
		if loc := res.Header.Get("Location"); strings.HasPrefix(loc, "/login?next=") {
			return fmt.Errorf("status %d to %s: sent to sign in, want the route to answer", res.Status, loc)
		}
	case toLogin:
		if method == http.MethodGet {
			if loc := res.Header.Get("Location"); res.Status != http.StatusSeeOther || !strings.HasPrefix(loc, "/login?next=") {
				return fmt.Errorf("status %d, Location %q, want 303 to /login?next=", res.Status, loc)
			}
		} else if res.Status != http.StatusUnauthorized {
			return fmt.Errorf("status %d, want 401", res.Status)
		}
	case forbidden:
		if res.Status != http.StatusForbidden {
			return fmt.Errorf("status %d, want 403", res.Status)
		}
	case denied:
		if res.Status != http.StatusForbidden && res.Status != http.StatusNotFound {
			return fmt.Errorf("status %d, want 403 or 404", res.Status)
		}
	}
	return nil
}

// TestAuthorisationMatrix sends every route of the table as every demo role at a
// target inside the role's scope and one outside it (and, where a route names
// a card, at a card of an outside person under an inside person), and checks
// each answer against the route's Access or its line in routeRules. Out-of-scope
// answers must not carry the outside object's names or IDs. It runs on its own
// onramp: the POST cells write.
func TestAuthorisationMatrix(t *testing.T) {
	start := time.Now()
	fx := ownFixture(t)
	fx.signInAll(t)
	routes := routesOf(fx.app)
	ctx := t.Context()

	type cellKey struct{ route, role string }
	summary := map[cellKey][]string{}
	var cells, gets, posts int
	for _, rt := range routes {
		ar, err := parseAccess(rt.Access)
		if err != nil {
			t.Errorf("route %q is missing from the authorisation matrix: %v", rt.Pattern, err)
			continue
		}
		if _, _, err := fillPath(rt, fx.roles[0].In); err != nil {
			t.Error(err)
			continue
		}
		switch rt.Method {
		case http.MethodGet:
			gets++
		case http.MethodPost:
			posts++
		default:
			t.Errorf("route %q is missing from the authorisation matrix: method %s is not sent by the test", rt.Pattern, rt.Method)
			continue
		}
		rule := routeRules()[rt.Pattern]
		// A route that names no object answers the same whatever the target:
		// one cell per role; the others get in, out (and crossed for cards).
		_, aimedRoute, _ := fillPath(rt, fx.roles[0].In)
		scopes := []scope{inScope}
		if aimedRoute {
			scopes = append(scopes, outScope)
		}
		if rt.hasWildcard("cardID") {
			scopes = append(scopes, crossed)
		}
		for _, rc := range fx.roles {
			for _, sc := range scopes {
				tg := rc.In
				switch sc {
				case outScope:
					tg = rc.Out
				case crossed:
					tg.Card = rc.Out.Card
				}
				// A POST that works changes its target: aim it at a fresh learner
				// of the same venue, so later cells find the demo as it was.
				if rt.Method == http.MethodPost && aimedRoute && sc != outScope && rc.Role != "" && rc.Role != account.Learner {
					u, err := fx.app.Accounts.CreateUser(ctx, account.NewUser{DisplayName: "Fresh Learner", Assisted: true,
						Role: account.Learner, PlaceID: tg.Place.ID})
					if err != nil {
						t.Fatal(err)
					}
					card, err := fx.issueCard(ctx, u)
					if err != nil {
						t.Fatal(err)
					}
					tg.Person = u
					if sc == inScope {
						tg.Card = card
					}
				}
				path, aimed, _ := fillPath(rt, tg)
				want := expectFor(rt, ar, aimed, rc, sc)
				cookies := fx.login[rc.Name]
				if rule.endsSession && rc.Role != "" {
					c, err := fx.signIn(rc) // a session of its own, so the shared one lives on
					if err != nil {
						t.Fatal(err)
					}
					cookies = c
				}
				var form url.Values
				hdr := http.Header{}
				if rt.Method == http.MethodPost {
					form = url.Values{}
					if rule.form != nil {
						form = rule.form(tg)
					}
					hdr = sameOrigin()
				}
				res, err := fx.do(rt.Method, path, form, cookies, hdr)
				if err != nil {
					t.Fatalf("%s %s as %s: %v", rt.Method, path, rc.Name, err)
				}
				cells++
				got := fmt.Sprint(res.Status)
				if err := check(res, want, rt.Method); err != nil {
					t.Errorf("%s as %s, target %s (%s %s): %v", rt.Pattern, rc.Name, sc, rt.Method, path, err)
					got += "!"
				}
				secrets := rc.secrets()
				if found := leaks(res.Body, path, secrets); len(found) > 0 {
					t.Errorf("%s as %s, target %s (%s %s): status %d, the page shows what is out of the role's scope: %q",
						rt.Pattern, rc.Name, sc, rt.Method, path, res.Status, found)
					got += "!leak"
				}
				summary[cellKey{rt.Pattern, rc.Name}] = append(summary[cellKey{rt.Pattern, rc.Name}], got)
				if rc.Role != "" && !rule.endsSession && sessionEnded(res) {
					c, err := fx.signIn(rc)
					if err != nil {
						t.Fatal(err)
					}
					fx.login[rc.Name] = c
				}
			}
		}
	}

	// The summary: one line per route, each role's answers in scope order
	// (in/out[/crossed]); "!" marks a failed cell.
	var b strings.Builder
	fmt.Fprintf(&b, "authorisation matrix: %d routes (%d GET, %d POST) x %d roles x targets in/out of scope (+ crossed for card routes; one cell for routes that name no object) = %d requests in %s\n",
		gets+posts, gets, posts, len(fx.roles), cells, time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(&b, "%-44s", "route \\ role")
	for _, rc := range fx.roles {
		fmt.Fprintf(&b, " %-13s", rc.Name)
	}
	for _, rt := range routes {
		fmt.Fprintf(&b, "\n%-44s", rt.Pattern)
		for _, rc := range fx.roles {
			fmt.Fprintf(&b, " %-13s", strings.Join(summary[cellKey{rt.Pattern, rc.Name}], "/"))
		}
	}
	t.Log(b.String())

	t.Run("grants follow Role.CanGrant", func(t *testing.T) { grantsFollowCanGrant(t, fx) })
}

// grantsFollowCanGrant has every role that may manage staff give every role to
// a fresh member of staff of a venue in its scope, and take it away again: both work
// exactly where Role.CanGrant says so, and are refused (403) elsewhere. (Each
// demo account holds one role, so "not here" is "nowhere": 403, not 422.)
func grantsFollowCanGrant(t *testing.T, fx *fixture) {
	ctx := t.Context()
	venue := fx.place["RU-KHM-SUR-LIB1"].ID
	admin := fx.user["admin@demo.example"]
	var b strings.Builder
	for _, rc := range fx.roles {
		if !rc.Role.Can(account.ActManageStaff) {
			continue
		}
		fmt.Fprintf(&b, "\n%-12s", rc.Name)
		for _, give := range account.Roles() {
			// A member of staff (a learner's record is not for every role that
			// manages staff), who does not hold the role yet.
			holds := account.Analyst
			if give == account.Analyst {
				holds = account.Outreach
			}
			u, err := fx.app.Accounts.CreateUser(ctx, account.NewUser{DisplayName: "Fresh Person", Assisted: true,
				Role: holds, PlaceID: venue})
			if err != nil {
				t.Fatal(err)
			}
			form := url.Values{"role": {string(give)}, "place": {venue}}
			res, err := fx.do(http.MethodPost, "/people/"+u.ID+"/grants", form, fx.login[rc.Name], sameOrigin())
			if err != nil {
				t.Fatal(err)
			}
			want := http.StatusForbidden
			if rc.Role.CanGrant(give) {
				want = http.StatusSeeOther
			}
			if res.Status != want {
				t.Errorf("%s grants %s at a venue in scope: status %d, want %d", rc.Name, give, res.Status, want)
			}
			if res.Status != http.StatusSeeOther {
				// Given by the administrator, so there is a grant to take away.
				if err := fx.app.Accounts.GrantRole(ctx, u.ID, give, venue, admin.ID); err != nil {
					t.Fatalf("grant %s: %v", give, err)
				}
			}
			res2, err := fx.do(http.MethodPost, "/people/"+u.ID+"/grants/revoke", form, fx.login[rc.Name], sameOrigin())
			if err != nil {
				t.Fatal(err)
			}
			if want == http.StatusSeeOther && res2.Status == http.StatusConflict {
				want = http.StatusConflict // the last grant of a person may be kept by a rule of account
			}
			if res2.Status != want {
				t.Errorf("%s revokes %s at a venue in scope: status %d, want %d", rc.Name, give, res2.Status, want)
			}
			fmt.Fprintf(&b, " %s:%d/%d", give, res.Status, res2.Status)
		}
	}
	t.Logf("grant/revoke of each role (status of grant/revoke), by granting role:%s", b.String())
}

// sessionEnded reports whether a response ended the session it came with.
func sessionEnded(res response) bool {
	if res.Header.Get("Clear-Site-Data") != "" {
		return true
	}
	for _, c := range (&http.Response{Header: res.Header}).Cookies() {
		if c.Name == "onramp_session" && (c.MaxAge < 0 || c.Value == "") {
			return true
		}
	}
	return false
}

// TestCrossSitePostsAreRefused sends every POST route as every role from
// another site, with the browser's Sec-Fetch-Site header and with only an
// Origin header: each is refused with 403 before it can change anything.
func TestCrossSitePostsAreRefused(t *testing.T) {
	fx := shared(t)
	fx.signInAll(t)
	before := snapshot(t, fx)
	n := 0
	for _, rt := range routesOf(fx.app) {
		if rt.Method == http.MethodGet || rt.Method == http.MethodHead {
			continue
		}
		for _, rc := range fx.roles {
			path, _, err := fillPath(rt, rc.In)
			if err != nil {
				t.Error(err)
				break
			}
			form := url.Values{}
			if rule := routeRules()[rt.Pattern]; rule.form != nil {
				form = rule.form(rc.In)
			}
			for _, h := range []http.Header{
				{"Sec-Fetch-Site": {"cross-site"}},
				{"Origin": {"http://attacker.invalid"}},
			} {
				res, err := fx.do(rt.Method, path, form, fx.login[rc.Name], h)
				if err != nil {
					t.Fatal(err)
				}
				n++
				if res.Status != http.StatusForbidden {
					t.Errorf("%s as %s with %v: status %d, want 403", rt.Pattern, rc.Name, h, res.Status)
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no POST route in the table")
	}
	if diff := before.diff(snapshot(t, fx), nil); diff != "" {
		t.Errorf("refused cross-site POSTs changed the database:\n%s", diff)
	}
	t.Logf("%d cross-site POSTs refused", n)
}
