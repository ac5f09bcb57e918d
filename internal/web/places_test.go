package web_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/onramp/onramp/internal/account"
	"github.com/onramp/onramp/internal/errs"
	"github.com/onramp/onramp/internal/place"
	"github.com/onramp/onramp/internal/testkit"
)

// plAddStaff adds a member of staff with role at the place with code at, who
// can then sign in with e.login(t, name).
func plAddStaff(t *testing.T, e *env, name string, role account.Role, at string) {
	t.Helper()
	u, err := e.Accounts.CreateUser(t.Context(), account.NewUser{DisplayName: "Staff " + name, Email: name + "@test.example",
		Password: staffPassword, PreferredLang: "en", Role: role, PlaceID: e.Place[at]})
	if err != nil {
		t.Fatal(err)
	}
	e.User[name] = u
}

// plUpload builds a multipart body with content as the file field.
func plUpload(t testing.TB, content string) (string, http.Header) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, err := mw.CreateFormFile("file", "places.csv")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write([]byte(content)); err != nil {
		t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	h := sameOrigin()
	h.Set("Content-Type", mw.FormDataContentType())
	return b.String(), h
}

func (e *env) plByCode(t *testing.T, code string) *place.Place {
	t.Helper()
	p, err := e.Places.FindPlaceByCode(t.Context(), code)
	if err != nil {
		t.Fatalf("place %s: %v", code, err)
	}
	return p
}

func (e *env) plMissing(t *testing.T, code string) {
	t.Helper()
	if _, err := e.Places.FindPlaceByCode(t.Context(), code); !errs.Is(err, errs.NotFound) {
		t.Errorf("place %s: want none, got err %v", code, err)
	}
}

func TestPlaceList(t *testing.T) {
	e := newEnv(t)
	admin, manager, trainer, trainer3 := e.login(t, "admin"), e.login(t, "manager"), e.login(t, "trainer"), e.login(t, "trainer3")
	for i := range 55 {
		if _, err := e.Places.CreatePlace(t.Context(), place.NewPlace{ParentID: e.Place["M1"], Kind: place.KindVenue,
			VenueKind: place.VenueSchool, Code: fmt.Sprintf("BULK-%02d", i), Names: map[string]string{"en": fmt.Sprintf("Bulk school %02d", i)}}); err != nil {
			t.Fatal(err)
		}
	}
	testkit.Run(t, e.S, []testkit.Scenario{
		{Name: "admin sees the country, its region, import and add-a-country links", URL: "/places", Cookies: admin, WantStatus: 200,
			WantIn: []string{"<h1>Places</h1>", `href="/places/` + e.Place["C"] + `"`, "Place R", `href="/places/import"`, `href="/places/new"`}},
		{Name: "manager sees the region and the municipalities, no admin links", URL: "/places", Cookies: manager, WantStatus: 200,
			WantIn: []string{"Place R", "Place M1", "Place M2"}, WantNotIn: []string{"Place C<", `href="/places/import"`, `href="/places/new"`}},
		{Name: "trainer sees the venue only", URL: "/places", Cookies: trainer, WantStatus: 200,
			WantIn: []string{"Place V1", "There are no places here yet."}, WantNotIn: []string{"Place V2", "Place M1"}},
		{Name: "search within scope", URL: "/places?q=v3", Cookies: manager, WantStatus: 200,
			WantIn: []string{"Place V3", "Place W2", `value="v3"`}, WantNotIn: []string{"Place V1<"}},
		{Name: "search by another language's name", URL: "/places?q=%D0%BC%D0%B5%D1%81%D1%82%D0%BE+m2", Cookies: manager, WantStatus: 200,
			WantIn: []string{"Place M2"}},
		{Name: "search outside scope finds nothing", URL: "/places?q=V1", Cookies: trainer3, WantStatus: 200,
			WantIn: []string{"No place matches your search."}, WantNotIn: []string{"Place V1"}},
		{Name: "paging, first page", URL: "/places?q=bulk", Cookies: manager, WantStatus: 200,
			WantIn:    []string{"55 places", "Page 1 of 2", "Bulk school 00", "Bulk school 49", `href="/places?page=2&amp;q=bulk"`},
			WantNotIn: []string{"Bulk school 50", "Previous page"}},
		{Name: "paging, second page", URL: "/places?q=bulk&page=2", Cookies: manager, WantStatus: 200,
			WantIn: []string{"Page 2 of 2", "Bulk school 50", "Bulk school 54", `href="/places?q=bulk"`}, WantNotIn: []string{"Bulk school 49", "Next page"}},
		{Name: "Russian", URL: "/places?lang=ru", Cookies: manager, WantStatus: 200, WantIn: []string{"Место M1", "Ваши места"}},
		{Name: "learner gets 403", URL: "/places", Cookies: e.login(t, "learner1"), WantStatus: 403},
		{Name: "outreach (no place action) gets 403", URL: "/places", Cookies: e.login(t, "outreach"), WantStatus: 403},
		{Name: "signed out goes to sign-in", URL: "/places", WantStatus: 303},
	})
}

func TestPlaceShow(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	n := int64(1234567)
	if _, err := e.Places.UpdatePlace(ctx, e.Place["W2"], place.Update{AdultPopulation: &n}); err != nil {
		t.Fatal(err)
	}
	admin, manager, trainer := e.login(t, "admin"), e.login(t, "manager"), e.login(t, "trainer")
	m2 := "/places/" + e.Place["M2"]
	testkit.Run(t, e.S, []testkit.Scenario{
		{Name: "manager: breadcrumbs link only what is in scope", URL: m2, Cookies: manager, WantStatus: 200,
			WantIn: []string{"<h1>Place M2</h1>", "<li>Place C</li>", `<a href="/places/` + e.Place["R"] + `">Place R</a>`,
				"Место M2", "Municipality", "Place W2", "1,234,567", "sum of the areas below"},
			WantNotIn: []string{"/edit", "/move", "/places/new"}},
		{Name: "ward with its own figure", URL: "/places/" + e.Place["W2"], Cookies: manager, WantStatus: 200,
			WantIn: []string{"1,234,567", "Care home"}, WantNotIn: []string{"sum of the areas below"}},
		{Name: "population unknown", URL: "/places/" + e.Place["M1"], Cookies: manager, WantStatus: 200,
			WantIn: []string{"Not known", "Library", "Social care centre"}},
		{Name: "admin gets the action links", URL: m2, Cookies: admin, WantStatus: 200,
			WantIn: []string{`href="/places/` + e.Place["M2"] + `/edit"`, `href="/places/` + e.Place["M2"] + `/move"`,
				`href="/places/new?parent=` + e.Place["M2"] + `"`, `<a href="/places/` + e.Place["C"] + `">Place C</a>`}},
		{Name: "country cannot be moved", URL: "/places/" + e.Place["C"], Cookies: admin, WantStatus: 200,
			WantNotIn: []string{"/move"}},
		{Name: "venue: no children table, no add link", URL: "/places/" + e.Place["V1"], Cookies: admin, WantStatus: 200,
			WantNotIn: []string{"Places inside", "/places/new"}},
		{Name: "Russian grouping", URL: m2 + "?lang=ru", Cookies: manager, WantStatus: 200, WantIn: []string{"1\u00a0234\u00a0567", "Место M2"}},
		{Name: "trainer: own venue", URL: "/places/" + e.Place["V1"], Cookies: trainer, WantStatus: 200,
			WantIn: []string{"Place V1"}},
		{Name: "trainer: another venue is 404 and leaks nothing", URL: "/places/" + e.Place["V2"], Cookies: trainer, WantStatus: 404,
			WantNotIn: []string{"Place V2", "V2<"}},
		{Name: "trainer: the municipality above is 404", URL: "/places/" + e.Place["M1"], Cookies: trainer, WantStatus: 404,
			WantNotIn: []string{"Place M1"}},
		{Name: "no such place", URL: "/places/0190d6a0-0000-7000-8000-000000000000", Cookies: admin, WantStatus: 404},
		{Name: "learner gets 403", URL: "/places/" + e.Place["V1"], Cookies: e.login(t, "learner1"), WantStatus: 403},
	})
}

func TestPlaceCreate(t *testing.T) {
	e := newEnv(t)
	plAddStaff(t, e, "admin2", account.Admin, "M2")
	admin, admin2 := e.login(t, "admin"), e.login(t, "admin2")
	m1 := e.Place["M1"]
	form := func(kv ...string) url.Values {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	testkit.Run(t, e.S, []testkit.Scenario{
		{Name: "form under a municipality offers ward and venue", URL: "/places/new?parent=" + m1, Cookies: admin, WantStatus: 200,
			WantIn:    []string{`<option value="ward"`, `<option value="venue"`, `id="f-venue_kind"`, "Only for venues", `lang="ru"`, "Place M1"},
			WantNotIn: []string{`<option value="region"`, `<option value="country"`}},
		{Name: "country form", URL: "/places/new", Cookies: admin, WantStatus: 200,
			WantIn: []string{"Add a country", `<option value="country"`}},
		{Name: "nothing inside a venue", URL: "/places/new?parent=" + e.Place["V1"], Cookies: admin, WantStatus: 400,
			WantIn: []string{"A venue cannot contain other places."}},
		{Name: "manager may not manage places", URL: "/places/new?parent=" + m1, Cookies: e.login(t, "manager"), WantStatus: 403},
		{Name: "manager may not post", Method: "POST", URL: "/places", Cookies: e.login(t, "manager"), Header: sameOrigin(),
			Form: form("parent_id", m1, "kind", "ward", "code", "NOPE", "name_en", "Nope"), WantStatus: 403},
		{Name: "admin of a municipality: another municipality is 404", URL: "/places/new?parent=" + m1, Cookies: admin2, WantStatus: 404,
			WantNotIn: []string{"Place M1"}},
		{Name: "admin of a municipality may not add a country", URL: "/places/new", Cookies: admin2, WantStatus: 403},
		{Name: "admin of a municipality: post under another is 404", Method: "POST", URL: "/places", Cookies: admin2, Header: sameOrigin(),
			Form: form("parent_id", m1, "kind", "ward", "code", "SNEAKY", "name_en", "Sneaky"), WantStatus: 404},
		{Name: "admin of a municipality: country post refused", Method: "POST", URL: "/places", Cookies: admin2, Header: sameOrigin(),
			Form: form("kind", "country", "code", "SNEAKY2", "name_en", "Sneaky"), WantStatus: 403},
		{Name: "empty form", Method: "POST", URL: "/places", Cookies: admin, Header: sameOrigin(), Form: form("parent_id", m1),
			WantStatus: 422, WantIn: []string{`class="error-summary"`, `href="#f-kind"`, `href="#f-names"`, `href="#f-code"`, `aria-invalid="true"`}},
		{Name: "bad population keeps what was typed", Method: "POST", URL: "/places", Cookies: admin, Header: sameOrigin(),
			Form:       form("parent_id", m1, "kind", "ward", "code", "W-NEW", "name_ru", "Новый район", "adult_population", "12.5k"),
			WantStatus: 422, WantIn: []string{"Please enter a number", `value="12.5k"`, `value="W-NEW"`, `value="Новый район"`}},
		{Name: "venue needs a venue kind", Method: "POST", URL: "/places", Cookies: admin, Header: sameOrigin(),
			Form:       form("parent_id", m1, "kind", "venue", "code", "V-NEW", "name_en", "New venue"),
			WantStatus: 422, WantIn: []string{`href="#f-venue_kind"`, `value="V-NEW"`}},
		{Name: "kind not allowed under the parent", Method: "POST", URL: "/places", Cookies: admin, Header: sameOrigin(),
			Form:       form("parent_id", m1, "kind", "region", "code", "R-NEW", "name_en", "New"),
			WantStatus: 422, WantIn: []string{"Please choose the type of place from the list."}},
		{Name: "code taken", Method: "POST", URL: "/places", Cookies: admin, Header: sameOrigin(),
			Form:       form("parent_id", m1, "kind", "ward", "code", "V1", "name_en", "Dup"),
			WantStatus: 422, WantIn: []string{"Another place already has this code.", `value="Dup"`}},
		{Name: "in Russian", Method: "POST", URL: "/places?lang=ru", Cookies: admin, Header: sameOrigin(), Form: form("parent_id", m1),
			WantStatus: 422, WantIn: []string{"Название на каждом языке"}},
	})
	e.plMissing(t, "W-NEW")
	e.plMissing(t, "SNEAKY")
	e.plMissing(t, "SNEAKY2")

	// Success: a venue under M1, the venue kind kept, the population read with spaces.
	res, _ := testkit.Do(t, e.S, testkit.Scenario{Method: "POST", URL: "/places", Cookies: admin, Header: sameOrigin(),
		Form: form("parent_id", m1, "kind", "venue", "venue_kind", "library", "code", "V-NEW", "name_en", "New library",
			"name_lv", "Jaunā bibliotēka", "adult_population", "1 200")})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", res.StatusCode)
	}
	p := e.plByCode(t, "V-NEW")
	if p.ParentID != m1 || p.VenueKind != place.VenueLibrary || p.Names["lv"] != "Jaunā bibliotēka" ||
		p.AdultPopulation == nil || *p.AdultPopulation != 1200 {
		t.Fatalf("created %+v", p)
	}
	if loc := res.Header.Get("Location"); loc != "/places/"+p.ID {
		t.Errorf("redirect to %q", loc)
	}
	testkit.Run(t, e.S, []testkit.Scenario{{Name: "confirmation", URL: "/places/" + p.ID, Cookies: admin, WantStatus: 200,
		WantIn: []string{"The place has been saved.", "New library"}}})

	// A venue kind sent with an area (the select is always on the form) is dropped.
	res, _ = testkit.Do(t, e.S, testkit.Scenario{Method: "POST", URL: "/places", Cookies: admin, Header: sameOrigin(),
		Form: form("parent_id", m1, "kind", "ward", "venue_kind", "school", "code", "W-NEW", "name_en", "New ward")})
	if res.StatusCode != http.StatusSeeOther || e.plByCode(t, "W-NEW").VenueKind != "" {
		t.Fatalf("ward with a stray venue kind: %d", res.StatusCode)
	}

	// The country admin may add a country.
	res, _ = testkit.Do(t, e.S, testkit.Scenario{Method: "POST", URL: "/places", Cookies: admin, Header: sameOrigin(),
		Form: form("kind", "country", "code", "C2", "name_en", "Second country")})
	if res.StatusCode != http.StatusSeeOther || e.plByCode(t, "C2").Kind != place.KindCountry {
		t.Fatalf("country: %d", res.StatusCode)
	}
}

func TestPlaceEdit(t *testing.T) {
	e := newEnv(t)
	plAddStaff(t, e, "admin2", account.Admin, "M2")
	admin, admin2 := e.login(t, "admin"), e.login(t, "admin2")
	v1 := "/places/" + e.Place["V1"]
	all := func(kv ...string) url.Values {
		v := url.Values{"code": {"V1"}, "venue_kind": {"library"}, "name_en": {"Place V1"}, "name_ru": {"Место V1"},
			"name_uk": {""}, "name_lv": {""}, "name_vi": {""}, "adult_population": {""}}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	testkit.Run(t, e.S, []testkit.Scenario{
		{Name: "form shows what is stored", URL: v1 + "/edit", Cookies: admin, WantStatus: 200,
			WantIn: []string{`value="Place V1"`, `value="Место V1"`, `value="V1"`, `<option value="library" selected>`}},
		{Name: "area form has no venue kind", URL: "/places/" + e.Place["M1"] + "/edit", Cookies: admin, WantStatus: 200,
			WantNotIn: []string{`id="f-venue_kind"`}},
		{Name: "manager gets 403", URL: v1 + "/edit", Cookies: e.login(t, "manager"), WantStatus: 403},
		{Name: "out of scope: 404, nothing leaked", URL: v1 + "/edit", Cookies: admin2, WantStatus: 404, WantNotIn: []string{"Place V1", "Место"}},
		{Name: "out of scope post: 404", Method: "POST", URL: v1, Cookies: admin2, Header: sameOrigin(),
			Form: all("name_en", "Hijacked"), WantStatus: 404},
		{Name: "no name left", Method: "POST", URL: v1, Cookies: admin, Header: sameOrigin(),
			Form: all("name_en", "", "name_ru", ""), WantStatus: 422, WantIn: []string{`href="#f-names"`, `value="V1"`}},
		{Name: "empty code and a bad number", Method: "POST", URL: v1, Cookies: admin, Header: sameOrigin(),
			Form:       all("code", "", "adult_population", "lots", "name_en", "Typed name"),
			WantStatus: 422, WantIn: []string{`href="#f-code"`, `href="#f-adult_population"`, `value="lots"`, `value="Typed name"`}},
		{Name: "code of another place", Method: "POST", URL: v1, Cookies: admin, Header: sameOrigin(),
			Form: all("code", "V2"), WantStatus: 422, WantIn: []string{"Another place already has this code."}},
		{Name: "name too long", Method: "POST", URL: v1, Cookies: admin, Header: sameOrigin(),
			Form: all("name_vi", strings.Repeat("ừ", 201)), WantStatus: 422, WantIn: []string{`href="#f-name_vi"`}},
	})
	if p := e.plByCode(t, "V1"); p.Names["en"] != "Place V1" {
		t.Fatalf("a refused edit changed the place: %+v", p.Names)
	}
	res, _ := testkit.Do(t, e.S, testkit.Scenario{Method: "POST", URL: v1, Cookies: admin, Header: sameOrigin(),
		Form: all("code", "V1-NEW", "name_en", "Central library", "name_ru", "", "name_lv", "Centrālā bibliotēka",
			"venue_kind", "community_centre", "adult_population", "300")})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", res.StatusCode)
	}
	p := e.plByCode(t, "V1-NEW")
	if p.Names["en"] != "Central library" || p.Names["lv"] != "Centrālā bibliotēka" || p.Names["ru"] != "" ||
		p.VenueKind != place.VenueCommunityCentre || p.AdultPopulation == nil || *p.AdultPopulation != 300 {
		t.Fatalf("saved %+v %v", p, p.Names)
	}
	// An empty population forgets the figure.
	res, _ = testkit.Do(t, e.S, testkit.Scenario{Method: "POST", URL: v1, Cookies: admin, Header: sameOrigin(),
		Form: all("code", "V1-NEW", "name_en", "Central library", "venue_kind", "community_centre")})
	if res.StatusCode != http.StatusSeeOther || e.plByCode(t, "V1-NEW").AdultPopulation != nil {
		t.Fatalf("clear population: %d", res.StatusCode)
	}
}

func TestPlaceMove(t *testing.T) {
	e := newEnv(t)
	plAddStaff(t, e, "admin2", account.Admin, "M2")
	plAddStaff(t, e, "admin3", account.Admin, "W2")
	admin, admin2, admin3 := e.login(t, "admin"), e.login(t, "admin2"), e.login(t, "admin3")
	v1 := "/places/" + e.Place["V1"] + "/move"
	testkit.Run(t, e.S, []testkit.Scenario{
		{Name: "choices are municipalities and wards", URL: v1, Cookies: admin, WantStatus: 200,
			WantIn: []string{`<optgroup label="Municipality">`, `<optgroup label="Ward">`, "Place M2 (M2)", "Place W2 (W2)",
				`<option value="` + e.Place["M1"] + `" selected>`}, WantNotIn: []string{"Place R (R)", "Place V2"}},
		{Name: "admin of M2 sees only M2's choices", URL: "/places/" + e.Place["V3"] + "/move", Cookies: admin2, WantStatus: 200,
			WantIn: []string{"Place W2 (W2)", "Place M2 (M2)"}, WantNotIn: []string{"Place M1"}},
		{Name: "nowhere to go within the scope", URL: "/places/" + e.Place["W2"] + "/move", Cookies: admin3, WantStatus: 200,
			WantIn: []string{"there is no other place this one could be part of"}, WantNotIn: []string{"<select", "Place M1"}},
		{Name: "a country cannot move", URL: "/places/" + e.Place["C"] + "/move", Cookies: admin, WantStatus: 400},
		{Name: "manager gets 403", URL: v1, Cookies: e.login(t, "manager"), WantStatus: 403},
		{Name: "out of scope: 404", URL: v1, Cookies: admin2, WantStatus: 404, WantNotIn: []string{"Place V1"}},
		{Name: "nothing chosen", Method: "POST", URL: v1, Cookies: admin, Header: sameOrigin(), Form: url.Values{"parent_id": {""}},
			WantStatus: 422, WantIn: []string{`href="#f-parent_id"`}},
		{Name: "kind rule", Method: "POST", URL: v1, Cookies: admin, Header: sameOrigin(), Form: url.Values{"parent_id": {e.Place["R"]}},
			WantStatus: 422, WantIn: []string{"This place cannot be part of the place you chose."}},
		{Name: "into itself", Method: "POST", URL: "/places/" + e.Place["M2"] + "/move", Cookies: admin, Header: sameOrigin(),
			Form: url.Values{"parent_id": {e.Place["W2"]}}, WantStatus: 422, WantIn: []string{"A place cannot be part of itself"}},
		{Name: "admin of M2 cannot move V3 out of M2", Method: "POST", URL: "/places/" + e.Place["V3"] + "/move", Cookies: admin2,
			Header: sameOrigin(), Form: url.Values{"parent_id": {e.Place["M1"]}}, WantStatus: 422,
			WantIn: []string{"This place cannot be part of the place you chose."}},
		{Name: "by code: unknown", Method: "POST", URL: v1, Cookies: admin, Header: sameOrigin(), Form: url.Values{"parent_code": {"NOPE"}},
			WantStatus: 422, WantIn: []string{"None of the places you manage has this code.", `value="NOPE"`}},
		{Name: "by code: out of scope answers the same", Method: "POST", URL: "/places/" + e.Place["V3"] + "/move", Cookies: admin2,
			Header: sameOrigin(), Form: url.Values{"parent_code": {"M1"}}, WantStatus: 422,
			WantIn: []string{"None of the places you manage has this code."}},
		{Name: "Russian", Method: "POST", URL: v1 + "?lang=ru", Cookies: admin, Header: sameOrigin(), Form: url.Values{"parent_id": {e.Place["R"]}},
			WantStatus: 422, WantIn: []string{"Перенести"}},
	})
	if e.plByCode(t, "V3").ParentID != e.Place["W2"] || e.plByCode(t, "V1").ParentID != e.Place["M1"] {
		t.Fatal("a refused move moved a place")
	}
	res, _ := testkit.Do(t, e.S, testkit.Scenario{Method: "POST", URL: v1, Cookies: admin, Header: sameOrigin(),
		Form: url.Values{"parent_id": {e.Place["W2"]}}})
	if res.StatusCode != http.StatusSeeOther || e.plByCode(t, "V1").ParentID != e.Place["W2"] {
		t.Fatalf("move: %d", res.StatusCode)
	}
	res, _ = testkit.Do(t, e.S, testkit.Scenario{Method: "POST", URL: v1, Cookies: admin, Header: sameOrigin(),
		Form: url.Values{"parent_code": {"M1"}}})
	if res.StatusCode != http.StatusSeeOther || e.plByCode(t, "V1").ParentID != e.Place["M1"] {
		t.Fatalf("move by code: %d", res.StatusCode)
	}
	testkit.Run(t, e.S, []testkit.Scenario{{Name: "confirmation", URL: "/places/" + e.Place["V1"], Cookies: admin, WantStatus: 200,
		WantIn: []string{"The place has been moved."}}})
}

func TestPlaceImport(t *testing.T) {
	e := newEnv(t)
	plAddStaff(t, e, "admin2", account.Admin, "M2")
	admin, admin2 := e.login(t, "admin"), e.login(t, "admin2")
	good, goodH := plUpload(t, "code,parent_code,kind,venue_kind,adult_population,name_en,name_ru\n"+
		"W9,M1,ward,,2 500,North ward,Северный район\n"+
		"V9,W9,venue,library,,North library,\n")
	bad, badH := plUpload(t, "code;parent_code;kind;venue_kind;name_en\n"+
		"W8;M1;ward;;Fine ward\n"+
		"V8;NOWHERE;venue;library;Lost venue\n"+
		"V7;W8;venue;castle;Castle\n")
	empty, emptyH := plUpload(t, "")
	blank, blankH := plUpload(t, "\xef\xbb\xbf") // a byte-order mark and nothing else
	testkit.Run(t, e.S, []testkit.Scenario{
		{Name: "page", URL: "/places/import", Cookies: admin, WantStatus: 200,
			WantIn: []string{`enctype="multipart/form-data"`, `type="file"`, "name_en", "10 MB"}},
		{Name: "manager gets 403", URL: "/places/import", Cookies: e.login(t, "manager"), WantStatus: 403},
		{Name: "manager may not post", Method: "POST", URL: "/places/import", Cookies: e.login(t, "manager"), Header: goodH, Body: good,
			WantStatus: 403},
		{Name: "bad rows in Russian: report, nothing imported", Method: "POST", URL: "/places/import?lang=ru", Cookies: admin,
			Header: badH, Body: bad, WantStatus: 422,
			WantIn: []string{"2 строки с ошибками, поэтому ничего не загружено.", "<th scope=\"col\" class=\"num\">Строка</th>",
				"<td class=\"num\">3</td>", "<code>parent_code</code>", "NOWHERE", "<td class=\"num\">4</td>", "<code>venue_kind</code>", "castle"}},
		{Name: "no file", Method: "POST", URL: "/places/import", Cookies: admin, Header: emptyH, Body: empty,
			WantStatus: 422, WantIn: []string{"Please choose a CSV file to send.", `href="#f-file"`}},
		{Name: "not multipart", Method: "POST", URL: "/places/import", Cookies: admin, Header: sameOrigin(), Form: url.Values{"file": {"x"}},
			WantStatus: 400, WantIn: []string{"Please choose a CSV file to send."}},
		{Name: "not UTF-8", Method: "POST", URL: "/places/import", Cookies: admin, Header: goodH,
			Body:       strings.Replace(good, "Северный", "\xff\xfe", 1),
			WantStatus: 422, WantIn: []string{"CSV UTF-8", "<td class=\"num\">2</td>", "Whole row"}},
		{Name: "empty header", Method: "POST", URL: "/places/import", Cookies: admin, Header: blankH, Body: blank,
			WantStatus: 422, WantIn: []string{"Whole file", "The file is empty."}},
	})
	e.plMissing(t, "W8")
	e.plMissing(t, "V8")

	testkit.Run(t, e.S, []testkit.Scenario{
		{Name: "good file", Method: "POST", URL: "/places/import", Cookies: admin, Header: goodH, Body: good, WantStatus: 200,
			WantIn: []string{"2 places imported.", "New places: 2. Changed: 0."}},
		{Name: "same file again changes nothing", Method: "POST", URL: "/places/import", Cookies: admin, Header: goodH, Body: good,
			WantStatus: 200, WantIn: []string{"2 places imported.", "Already up to date: 2."}},
	})
	w9, v9 := e.plByCode(t, "W9"), e.plByCode(t, "V9")
	if w9.ParentID != e.Place["M1"] || w9.Names["ru"] != "Северный район" || w9.AdultPopulation == nil || *w9.AdultPopulation != 2500 ||
		v9.ParentID != w9.ID || v9.VenueKind != place.VenueLibrary {
		t.Fatalf("imported %+v %+v", w9, v9)
	}

	// Scope: the administrator of M2 may import under M2 only.
	outside, outsideH := plUpload(t, "code,parent_code,kind,venue_kind,name_en\n"+
		"W2B,M2,ward,,Fine\n"+
		"V6,M1,venue,school,Under someone else's municipality\n"+
		"V1,W2,venue,library,Taking over V1\n"+
		"C9,,country,,New country\n")
	inside, insideH := plUpload(t, "code,parent_code,kind,venue_kind,name_en\nW2B,M2,ward,,Fine\nV3,W2B,venue,care_home,Moved care home\n")
	testkit.Run(t, e.S, []testkit.Scenario{
		{Name: "outside the scope: refused, row by row", Method: "POST", URL: "/places/import", Cookies: admin2, Header: outsideH, Body: outside,
			WantStatus: 422, WantIn: []string{"3 rows have problems; nothing was imported.",
				"There is no place with the code “M1”", "The code “V1” belongs to a place you do not manage", "You cannot add a country."}},
		{Name: "inside the scope", Method: "POST", URL: "/places/import", Cookies: admin2, Header: insideH, Body: inside, WantStatus: 200,
			WantIn: []string{"2 places imported.", "New places: 1. Changed: 1."}},
	})
	e.plMissing(t, "V6")
	e.plMissing(t, "C9")
	if e.plByCode(t, "V1").ParentID != e.Place["M1"] || e.plByCode(t, "V3").ParentID != e.plByCode(t, "W2B").ID {
		t.Fatal("scope not kept")
	}
}

func TestPlaceImportTooLarge(t *testing.T) {
	e := newEnv(t)
	admin := e.login(t, "admin")
	row := "Vx,M1,venue,library,A venue with a long name to fill the file quickly\n"
	body, h := plUpload(t, "code,parent_code,kind,venue_kind,name_en\n"+strings.Repeat(row, (11<<20)/len(row)))
	testkit.Run(t, e.S, []testkit.Scenario{
		{Name: "over 10 MB", Method: "POST", URL: "/places/import", Cookies: admin, Header: h, Body: body, WantStatus: 413,
			WantIn: []string{"The file is too big. The largest file you can send is 10 MB."}},
		{Name: "over 10 MB, in Latvian", Method: "POST", URL: "/places/import?lang=lv", Cookies: admin, Header: h, Body: body, WantStatus: 413,
			WantIn: []string{"Fails ir pārāk liels", "10 MB"}},
	})
	e.plMissing(t, "Vx")
}

// TestPlacePagesAccessible checks every place page, its error states included,
// with the HTML checker and, in Chromium, with axe-core (0 violations), and
// that the place page and the list reflow at 200 % zoom.
func TestPlacePagesAccessible(t *testing.T) {
	e := newEnv(t)
	admin := e.login(t, "admin")
	id := func(code string) string { return e.Place[code] }
	bad, badH := plUpload(t, "code,parent_code,kind,name_en\nW8,NOWHERE,ward,Lost\n")
	docs := map[string][]byte{}
	for name, sc := range map[string]testkit.Scenario{
		"list":          {URL: "/places"},
		"search":        {URL: "/places?q=place"},
		"show":          {URL: "/places/" + id("M2")},
		"show venue":    {URL: "/places/" + id("V1")},
		"new":           {URL: "/places/new?parent=" + id("M1")},
		"new country":   {URL: "/places/new"},
		"new errors":    {Method: "POST", URL: "/places", Header: sameOrigin(), Form: url.Values{"parent_id": {id("M1")}, "adult_population": {"x"}}},
		"edit":          {URL: "/places/" + id("V1") + "/edit"},
		"edit errors":   {Method: "POST", URL: "/places/" + id("V1"), Header: sameOrigin(), Form: url.Values{"code": {""}}},
		"move":          {URL: "/places/" + id("V1") + "/move"},
		"move errors":   {Method: "POST", URL: "/places/" + id("V1") + "/move", Header: sameOrigin(), Form: url.Values{"parent_id": {id("R")}}},
		"move by code":  {Method: "POST", URL: "/places/" + id("V1") + "/move", Header: sameOrigin(), Form: url.Values{"parent_code": {"NOPE"}}},
		"import":        {URL: "/places/import"},
		"import report": {Method: "POST", URL: "/places/import", Header: badH, Body: bad},
	} {
		sc.Cookies = admin
		_, body := testkit.Do(t, e.S, sc)
		docs[name] = []byte(body)
	}
	testkit.CheckHTML(t, docs)

	srv := httptest.NewServer(e.S)
	t.Cleanup(srv.Close)
	tab := testkit.NewBrowser(t).NewTab(t)
	testkit.Navigate(t, tab, srv.URL+"/login")
	testkit.Fill(t, tab, "#f-identifier", "admin@test.example")
	testkit.Fill(t, tab, "#f-password", staffPassword)
	if got := testkit.Submit(t, tab, "main button[type=submit]"); got != 200 {
		t.Fatalf("sign in: %d", got)
	}
	for _, u := range []string{"/places", "/places?q=place", "/places/" + id("M2"), "/places/" + id("V1"),
		"/places/new?parent=" + id("M1"), "/places/new", "/places/" + id("V1") + "/edit", "/places/" + id("V1") + "/move", "/places/import"} {
		testkit.AxeAt(t, tab, srv.URL+u)
	}
	for _, u := range []string{"/places", "/places/" + id("M2")} {
		testkit.Navigate(t, tab, srv.URL+u)
		testkit.Zoom200(t, tab)
		testkit.NoHorizontalScroll(t, tab)
		testkit.Zoom(t, tab, 1)
	}
	// Error states, reached the way a person reaches them.
	testkit.Navigate(t, tab, srv.URL+"/places/new?parent="+id("M1"))
	if got := testkit.Submit(t, tab, "main button[type=submit]"); got != 422 {
		t.Fatalf("empty new form: %d", got)
	}
	testkit.Axe(t, tab)
	testkit.Navigate(t, tab, srv.URL+"/places/import")
	file := filepath.Join(t.TempDir(), "places.csv")
	if err := os.WriteFile(file, []byte("code,parent_code,kind,name_en\nW8,NOWHERE,ward,Lost\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(tab, chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{file})); err != nil {
		t.Fatal(err)
	}
	if got := testkit.Submit(t, tab, "main button[type=submit]"); got != 422 {
		t.Fatalf("import with a bad row: %d", got)
	}
	testkit.Axe(t, tab)
}
