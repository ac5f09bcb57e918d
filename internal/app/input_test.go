package app_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/onramp/onramp/internal/testkit"
)

// pageForm is a form found on a page: where it goes and its fields.
type pageForm struct {
	Method, Action string
	Multipart      bool
	Fields         []formField
	From           string // the page it was found on, for messages
}

type formField struct {
	Name, Type, Value string // Value: a hidden field's value
}

// key names a form by what it sends, to test each once per role.
func (f pageForm) key() string {
	names := make([]string, len(f.Fields))
	for i, fl := range f.Fields {
		names[i] = fl.Name
	}
	sort.Strings(names)
	return f.Method + " " + routeShape(f.Action) + " " + strings.Join(names, ",")
}

// routeShape hides the IDs in a path, so the same form of two places is one.
func routeShape(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if len(s) >= 32 && strings.Count(s, "-") == 4 {
			segs[i] = "{id}"
		}
	}
	return strings.Join(segs, "/")
}

// formsOf lists the forms of an HTML page.
func formsOf(doc, from string) []pageForm {
	var out []pageForm
	var cur *pageForm
	z := html.NewTokenizer(strings.NewReader(doc))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return out
		}
		tok := z.Token()
		attr := func(k string) string {
			for _, a := range tok.Attr {
				if a.Key == k {
					return a.Val
				}
			}
			return ""
		}
		switch {
		case tt == html.EndTagToken && tok.Data == "form" && cur != nil:
			out = append(out, *cur)
			cur = nil
		case tt == html.EndTagToken || cur == nil && tok.Data != "form":
		case tok.Data == "form":
			m := strings.ToUpper(attr("method"))
			if m == "" {
				m = http.MethodGet
			}
			cur = &pageForm{Method: m, Action: attr("action"), Multipart: attr("enctype") == "multipart/form-data", From: from}
		case tok.Data == "input" || tok.Data == "select" || tok.Data == "textarea" || tok.Data == "button":
			name := attr("name")
			if name == "" || slices.ContainsFunc(cur.Fields, func(f formField) bool { return f.Name == name }) {
				continue
			}
			typ := attr("type")
			if tok.Data != "input" {
				typ = tok.Data
			}
			cur.Fields = append(cur.Fields, formField{Name: name, Type: typ, Value: attr("value")})
		}
	}
}

// badValue is what a careless or hostile person sends. A browser sends only
// valid UTF-8 and strips line breaks from one-line fields; crafted requests
// send anything.
type badValue struct {
	Name, Value string
	Crafted     bool // no browser sends it
}

func badValues() []badValue {
	return []badValue{
		{"empty", "", false},
		{"blank", "   ", false},
		{"long", strings.Repeat("Щ", 20000), false},
		{"markup", `<script>alert("onramp")</script>"'&<b>`, false},
		{"number", "-99999999999999999999999e309", false},
		{"unicode", "\u202eΩ😀\u200b", false},
		{"formula", `=HYPERLINK("http://attacker.invalid","x")`, false},
		{"traverse", "../../../../etc/passwd", false},
		{"bad-utf8", "\xff\xfe\x00bad\x01", true},
		{"line-breaks", "a\r\nb\tc", true},
	}
}

// TestBadInputIsAnsweredCleanly finds every form on every page the roles can
// reach (a GET search form or a POST form) and sends it with bad values in
// every field but the hidden ones: each answer must be a page, not a server
// error, with anything echoed escaped, and a form the page offered is never
// refused (401/403) for what was typed. The answers with error summaries (one
// per markup skeleton) then go through the HTML checker. It runs on its own onramp:
// some of these posts work and write.
func TestBadInputIsAnsweredCleanly(t *testing.T) {
	start := time.Now()
	fx := ownFixture(t)
	fx.signInAll(t)
	forms := map[string]pageForm{} // by role + key
	var order []string
	for _, role := range []string{"anonymous", "learner", "trainer", "coordinator", "manager", "admin"} {
		rc := fx.role(role)
		for _, rt := range routesOf(fx.app) {
			if rt.Method != http.MethodGet {
				continue
			}
			path, _, err := fillPath(rt, rc.In)
			if err != nil {
				continue // the matrix reports it
			}
			res, err := fx.do(http.MethodGet, path, nil, fx.login[role], nil)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") || res.Status != http.StatusOK {
				continue
			}
			for _, f := range formsOf(res.Body, path) {
				if f.Action == "/logout" {
					continue // ends the session the rest of the run needs
				}
				k := role + " " + f.key()
				if _, ok := forms[k]; !ok {
					forms[k] = f
					order = append(order, k)
				}
			}
		}
	}
	if len(forms) == 0 {
		t.Fatal("no form found on any page")
	}
	docs := map[string][]byte{}
	seen := map[string]bool{}
	sent := 0
	for _, k := range order {
		f := forms[k]
		role, _, _ := strings.Cut(k, " ")
		for _, bv := range badValues() {
			vname := bv.Name
			res, err := fx.submit(f, bv.Value, fx.login[role])
			if err != nil {
				t.Fatalf("%s: %v", k, err)
			}
			sent++
			where := fmt.Sprintf("%s %s (form of %s as %s) with %s values", f.Method, f.Action, f.From, role, vname)
			if res.Status >= 500 {
				t.Errorf("%s: status %d", where, res.Status)
			}
			if strings.Contains(res.Body, `<script>alert("onramp")`) {
				t.Errorf("%s: the page echoes markup unescaped", where)
			}
			if res.Status == http.StatusForbidden || res.Status == http.StatusUnauthorized && !strings.HasPrefix(f.Action, "/login") {
				t.Errorf("%s: status %d for a form the page offered", where, res.Status)
			}
			// The HTML checker sees what a browser can send; crafted bytes
			// are echoed as sent (html/template escapes markup, not encoding).
			if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") && res.Status >= 400 && !bv.Crafted {
				if sk := skeleton(res.Body); !seen[sk] {
					seen[sk] = true
					docs[fmt.Sprintf("%s %d as %s (%s)", routeShape(f.Action), res.Status, role, vname)] = []byte(res.Body)
				}
			}
			if sessionEnded(res) {
				t.Fatalf("%s: ended the session", where)
			}
		}
	}
	t.Logf("%d forms x %d kinds of bad value = %d submissions in %s; %d answer kinds to check",
		len(forms), len(badValues()), sent, time.Since(start).Round(time.Millisecond), len(docs))
	testkit.CheckHTML(t, docs)
}

// submit sends a form with value in every field a person types into; hidden
// fields keep their value, a checkbox is ticked.
func (fx *fixture) submit(f pageForm, value string, cookies []*http.Cookie) (response, error) {
	vals := url.Values{}
	for _, fl := range f.Fields {
		switch fl.Type {
		case "hidden":
			vals.Set(fl.Name, fl.Value)
		case "checkbox", "radio", "submit", "button":
			if fl.Value == "" {
				vals.Set(fl.Name, "on")
			} else {
				vals.Set(fl.Name, fl.Value)
			}
		default:
			vals.Set(fl.Name, value)
		}
	}
	action := f.Action
	if action == "" {
		action = f.From
	}
	if f.Method == http.MethodGet {
		u, err := url.Parse(action)
		if err != nil {
			return response{}, err
		}
		u.RawQuery = vals.Encode()
		return fx.do(http.MethodGet, u.RequestURI(), nil, cookies, nil)
	}
	if !f.Multipart {
		return fx.do(f.Method, action, vals, cookies, sameOrigin())
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, fl := range f.Fields {
		if fl.Type == "file" {
			w, err := mw.CreateFormFile(fl.Name, "bad.csv")
			if err != nil {
				return response{}, err
			}
			fmt.Fprintf(w, "code,kind,parent_code,name_en\n%s,venue,%s,%s\n", value, value, value)
			continue
		}
		if err := mw.WriteField(fl.Name, vals.Get(fl.Name)); err != nil {
			return response{}, err
		}
	}
	if err := mw.Close(); err != nil {
		return response{}, err
	}
	req, err := http.NewRequest(f.Method, fx.srv.URL+action, &body)
	if err != nil {
		return response{}, err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for _, c := range cookies {
		req.AddCookie(c)
	}
	res, err := fx.client.Do(req)
	if err != nil {
		return response{}, err
	}
	defer res.Body.Close()
	var b bytes.Buffer
	if _, err := b.ReadFrom(res.Body); err != nil {
		return response{}, err
	}
	return response{Status: res.StatusCode, Header: res.Header, Body: b.String()}, nil
}
