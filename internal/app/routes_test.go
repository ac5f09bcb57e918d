package app_test

import (
	"fmt"
	"html"
	"net/url"
	"slices"
	"strings"

	"github.com/onramp/onramp/internal/account"
	"github.com/onramp/onramp/internal/app"
	"github.com/onramp/onramp/internal/web"
)

// How the tests of this package reach every route: a route's path wildcards
// are filled from the objects of a target (a place, a person, a card, a
// course) by the resolver below, keyed on the wildcard's name and the path
// before it. A route with a wildcard or a subtree pattern the resolver does not
// know fails the matrix and the crawl: a new route is added here (and, if its
// rule is richer than its Access, to routeRules in authz_test.go) when it is
// added to the route table.

// routeSpec is a line of the route table, its pattern split into method and path.
type routeSpec struct {
	web.Route
	Method string // GET, POST, ...; GET when the pattern names none
	Path   string
}

func routesOf(a *app.App) []routeSpec {
	var out []routeSpec
	for _, r := range a.Routes() {
		m, p, ok := strings.Cut(r.Pattern, " ")
		if !ok {
			m, p = "GET", r.Pattern
		}
		out = append(out, routeSpec{Route: r, Method: m, Path: strings.TrimSpace(p)})
	}
	return out
}

// filler fills one wildcard: the first whose name matches and whose prefix
// starts the path before the wildcard wins, so put specific prefixes first.
// A scoped wildcard names an object that belongs to a place (a place, a
// person, a card): the route then gets an out-of-scope cell too.
type filler struct {
	prefix, name string
	scoped       bool
	value        func(objects) string
}

func fillers() []filler {
	placeID := func(tg objects) string { return tg.Place.ID }
	personID := func(tg objects) string { return tg.Person.ID }
	cardID := func(tg objects) string { return tg.Card.ID }
	return []filler{
		{"/places/", "id", true, placeID},
		{"/people/", "id", true, personID},
		{"/", "cardID", true, cardID},
		{"/", "placeID", true, placeID},
		{"/", "personID", true, personID},
		{"/", "userID", true, personID},
		{"/login/card/", "code", false, func(tg objects) string { return tg.Card.Code }},
		{"/courses/", "slug", false, func(tg objects) string { return tg.Course.Slug }},
		{"/courses/", "lesson", false, func(tg objects) string { return tg.Course.Lesson }},
		{"/courses/", "n", false, func(objects) string { return "1" }},
		{"/courses/", "file", false, func(tg objects) string { return tg.Course.Media }},
	}
}

// subtrees are the patterns that match a whole subtree, with the path asked for.
func subtrees() map[string]string {
	return map[string]string{
		"GET /static/": "/static/app.css",
	}
}

// fillPath returns the path a request for rt aimed at tg goes to, and whether
// the path names an object of the target (a scope then applies).
func fillPath(rt routeSpec, tg objects) (path string, aimed bool, err error) {
	if strings.HasSuffix(rt.Path, "/") && rt.Path != "/" && !strings.HasSuffix(rt.Path, "{$}") {
		p, ok := subtrees()[rt.Pattern]
		if !ok {
			return "", false, fmt.Errorf("route %q is missing from the authorisation matrix: a subtree pattern the test does not know (add it to subtrees in routes_test.go)", rt.Pattern)
		}
		return p, false, nil
	}
	segs := strings.Split(rt.Path, "/")
	for i, s := range segs {
		if s == "{$}" {
			segs[i] = ""
			continue
		}
		if !strings.HasPrefix(s, "{") || !strings.HasSuffix(s, "}") {
			continue
		}
		name := strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(s, "{"), "}"), "...")
		before := strings.Join(segs[:i], "/") + "/"
		found := false
		for _, f := range fillers() {
			if f.name == name && strings.HasPrefix(before, f.prefix) {
				v := f.value(tg)
				if v == "" {
					return "", false, fmt.Errorf("route %q: the target has no value for {%s}", rt.Pattern, name)
				}
				segs[i] = url.PathEscape(v)
				found, aimed = true, aimed || f.scoped
				break
			}
		}
		if !found {
			return "", false, fmt.Errorf("route %q is missing from the authorisation matrix: no resolver for wildcard {%s} after %q (add one to fillers in routes_test.go)", rt.Pattern, name, before)
		}
	}
	return strings.Join(segs, "/"), aimed, nil
}

// hasWildcard reports whether the route's path has a wildcard of the given name.
func (rt routeSpec) hasWildcard(name string) bool {
	return strings.Contains(rt.Path, "{"+name+"}") || strings.Contains(rt.Path, "{"+name+"...}")
}

// secrets are the strings of a target that must not reach a person it is out
// of scope for: the place's names in every language and its ID, the person's
// name and ID, the card's ID.
func (tg objects) secrets() []string {
	var out []string
	if tg.Place != nil {
		out = append(out, tg.Place.ID)
		for _, n := range tg.Place.Names {
			out = append(out, n)
		}
	}
	if tg.Person.ID != "" {
		out = append(out, tg.Person.ID, tg.Person.DisplayName)
	}
	if tg.Card.ID != "" {
		out = append(out, tg.Card.ID)
	}
	return slices.DeleteFunc(out, func(s string) bool { return s == "" })
}

// leaks returns the secrets found in body. The path that was asked for is taken
// out first: a page that echoes the requester's own URL (the language switcher,
// the "back" field of the display settings) tells nothing new.
func leaks(body, path string, secrets []string) []string {
	for _, p := range []string{path, url.QueryEscape(path), html.EscapeString(path)} {
		if p != "" && p != "/" {
			body = strings.ReplaceAll(body, p, "")
		}
	}
	var found []string
	for _, s := range secrets {
		if strings.Contains(body, s) || strings.Contains(body, html.EscapeString(s)) {
			found = append(found, s)
		}
	}
	return found
}

// accessRule reads a route's Access: public and ops routes are open to all;
// the others need a session and, for act:<action> and any:<a>|<b>, a role that
// may do the action (one of them) somewhere.
type accessRule struct {
	open    bool             // public or ops
	actions []account.Action // any of them; none: any signed-in person
}

func parseAccess(a web.Access) (accessRule, error) {
	s := string(a)
	switch {
	case a == web.Public || a == web.Ops:
		return accessRule{open: true}, nil
	case a == web.SignedIn:
		return accessRule{}, nil
	}
	var names []string
	if act, ok := strings.CutPrefix(s, "act:"); ok {
		names = []string{act}
	} else if acts, ok := strings.CutPrefix(s, "any:"); ok {
		names = strings.Split(acts, "|")
	} else {
		return accessRule{}, fmt.Errorf("unknown Access %q", a)
	}
	var r accessRule
	for _, n := range names {
		if !slices.Contains(account.Actions(), account.Action(n)) {
			return accessRule{}, fmt.Errorf("Access %q names an unknown action %q", a, n)
		}
		r.actions = append(r.actions, account.Action(n))
	}
	return r, nil
}

// allows reports whether role r may use a route of this rule somewhere.
func (ar accessRule) allows(r account.Role) bool {
	if ar.open {
		return true
	}
	if r == "" {
		return false
	}
	if len(ar.actions) == 0 {
		return true
	}
	return slices.ContainsFunc(ar.actions, r.Can)
}
