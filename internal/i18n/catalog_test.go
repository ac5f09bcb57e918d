package i18n

import (
	"encoding/json"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"golang.org/x/text/unicode/norm"
)

func mustNew(t testing.TB, extra ...fs.FS) *Catalog {
	t.Helper()
	c, err := New(extra...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func file(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }

// The catalogs shipped in the binary must be complete: this is the test that fails when a translator or a
// developer leaves a key, a plural form or a description out.
func TestEmbeddedCatalogsHaveNoProblems(t *testing.T) {
	c := mustNew(t)
	for _, p := range c.Check() {
		t.Errorf("%s", p)
	}
	var out strings.Builder
	if !c.CheckReport(&out) {
		t.Errorf("CheckReport = false:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "no problems") {
		t.Errorf("CheckReport summary = %q", out.String())
	}
}

func TestEmbeddedCatalogsHaveEveryLanguageAndTheRequiredKeys(t *testing.T) {
	c := mustNew(t)
	if n := len(c.Keys()); n < 120 {
		t.Errorf("only %d keys", n)
	}
	for _, l := range Languages() {
		if got := len(c.msgs[l.Code]); got != len(c.Keys()) {
			t.Errorf("%s has %d keys, en has %d", l.Code, got, len(c.Keys()))
		}
	}
	// Keys that other packages were promised.
	for _, key := range []string{
		"app.name", "layout.sign_out_shared", "nav.scam_checker", "home.welcome", "login.error.locked_minutes",
		"form.error_summary_title", "form.too_long", "role.coordinator", "place.kind.ward",
		"place.venue_kind.hospital_school", "place.import.row_error", "learner.assisted", "card.instructions",
		"people.count", "learners.count", "minutes.count", "error.internal", "error.csrf", "error.too_large",
	} {
		if !c.Has(key) {
			t.Errorf("key %q missing", key)
		}
	}
}

// embeddedCopy returns the embedded catalogs as a MapFS after edit has changed the parsed JSON of one language.
func embeddedCopy(t *testing.T, lang string, edit func(map[string]any)) fstest.MapFS {
	t.Helper()
	out := fstest.MapFS{}
	for _, l := range Languages() {
		buf, err := fs.ReadFile(embedded, "locales/"+l.Code+".json")
		if err != nil {
			t.Fatal(err)
		}
		if l.Code == lang {
			var m map[string]any
			if err := json.Unmarshal(buf, &m); err != nil {
				t.Fatal(err)
			}
			edit(m)
			if buf, err = json.Marshal(m); err != nil {
				t.Fatal(err)
			}
		}
		out[l.Code+".json"] = &fstest.MapFile{Data: buf}
	}
	return out
}

// Proves that the test above would fail: the same check over the embedded files with one key and one plural form
// removed reports exactly those two gaps.
func TestCheckNoticesAGapInTheShippedFiles(t *testing.T) {
	damaged := embeddedCopy(t, "ru", func(m map[string]any) {
		delete(m, "nav.home")
		delete(m["minutes.count"].(map[string]any), "few")
	})
	c, err := load(damaged)
	if err != nil {
		t.Fatal(err)
	}
	want := []Problem{
		{"ru", "minutes.count", `missing plural form "few"`},
		{"ru", "nav.home", WhatMissing},
	}
	if got := c.Check(); !slices.Equal(got, want) {
		t.Errorf("Check() =\n%v\nwant\n%v", got, want)
	}
	damaged = embeddedCopy(t, "en", func(m map[string]any) {
		delete(m["nav.home"].(map[string]any), "description")
	})
	if c, err = load(damaged); err != nil {
		t.Fatal(err)
	}
	if got, want := c.Check(), []Problem{{"en", "nav.home", WhatNoDescription}}; !slices.Equal(got, want) {
		t.Errorf("Check() = %v, want %v", got, want)
	}
}

func TestCheckFindsEveryKindOfProblemInABrokenOverlay(t *testing.T) {
	overlay := fstest.MapFS{
		"en.json": file(`{
			"test.counted":  {"description": "Things.", "one": "{{.Count}} thing", "other": "{{.Count}} things"},
			"test.nodesc":   {"other": "No description"},
			"Test.BadName":  {"description": "Bad key.", "other": "x"},
			"test.greeting": {"description": "Greeting.", "other": "Hello, {{.Name}}"},
			"test.empty":    {"description": "Empty in ru.", "other": "Not empty in en"}
		}`),
		"ru.json": file(`{
			"test.counted":  {"one": "{{.Count}} вещь", "other": "{{.Count}} вещи"},
			"test.greeting": "Привет, {{.Nmae}}",
			"test.empty":    "",
			"test.stray":    "лишний",
			"nav.home":      "Главная {{.Broken"
		}`),
		"lv.json": file(`{"test.counted": {"zero": "nav lietu", "one": "{{.Count}} lieta", "other": "{{.Count}} lietas"}}`),
		"vi.json": file(`{"test.counted": {"other": "{{.Count}} thứ"}}`),
	}
	c := mustNew(t, overlay)
	missing := func(lang string, keys ...string) []Problem {
		var ps []Problem
		for _, k := range keys {
			ps = append(ps, Problem{lang, k, WhatMissing})
		}
		return ps
	}
	var want []Problem
	want = append(want,
		Problem{"en", "Test.BadName", WhatBadKey},
		Problem{"en", "test.nodesc", WhatNoDescription},
		Problem{"ru", "Test.BadName", WhatMissing},
		Problem{"ru", "nav.home", `form "other" is not a valid template: *`},
		Problem{"ru", "test.counted", `missing plural form "few"`},
		Problem{"ru", "test.counted", `missing plural form "many"`},
		Problem{"ru", "test.empty", WhatEmpty},
		Problem{"ru", "test.greeting", "placeholder {{.Name}} is missing (en has it)"},
		Problem{"ru", "test.greeting", "placeholder {{.Nmae}} is not in en"},
		Problem{"ru", "test.nodesc", WhatMissing},
		Problem{"ru", "test.stray", WhatNotInEnglish},
	)
	want = append(want, missing("uk", "Test.BadName", "test.counted", "test.empty", "test.greeting", "test.nodesc")...)
	want = append(want, Problem{"lv", "Test.BadName", WhatMissing},
		Problem{"lv", "test.counted", `plural form "zero" does not show {{.Count}}; in lv it serves more than one number`})
	want = append(want, missing("lv", "test.empty", "test.greeting", "test.nodesc")...)
	want = append(want, Problem{"vi", "Test.BadName", WhatMissing},
		Problem{"vi", "test.counted", `missing plural form "one"`})
	want = append(want, missing("vi", "test.empty", "test.greeting", "test.nodesc")...)

	got := c.Check()
	if len(got) != len(want) {
		t.Errorf("got %d problems, want %d", len(got), len(want))
	}
	for i := range max(len(got), len(want)) {
		var g, w Problem
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		ok := g == w
		if prefix, found := strings.CutSuffix(w.What, "*"); found {
			ok = g.Lang == w.Lang && g.Key == w.Key && strings.HasPrefix(g.What, prefix)
		}
		if !ok {
			t.Errorf("problem %d:\n got  %v\n want %v", i, g, w)
		}
	}

	var out strings.Builder
	if c.CheckReport(&out) {
		t.Error("CheckReport = true for a broken catalog")
	}
	for _, line := range []string{
		`ru test.counted: missing plural form "few"`,
		"en test.nodesc: no description for translators",
		"i18n: 26 problem(s)",
	} {
		if !strings.Contains(out.String(), line+"\n") {
			t.Errorf("report lacks %q:\n%s", line, out.String())
		}
	}

	// At run time the gaps fall back to English rather than showing nothing.
	if got := c.T("ru", "nav.home"); got != "Home" {
		t.Errorf("broken ru template: T = %q, want the English text", got)
	}
	if got := c.T("uk", "test.greeting", "Name", "Olena"); got != "Hello, Olena" {
		t.Errorf("missing uk key: T = %q", got)
	}
	if got := c.T("ru", "test.empty"); got != "Not empty in en" {
		t.Errorf("empty ru text: T = %q", got)
	}
}

func TestProblemString(t *testing.T) {
	for _, tc := range []struct {
		p    Problem
		want string
	}{
		{Problem{"ru", "nav.home", "missing"}, "ru nav.home: missing"},
		{Problem{"lv", "", "no messages at all"}, "lv: no messages at all"},
	} {
		if got := tc.p.String(); got != tc.want {
			t.Errorf("%#v.String() = %q, want %q", tc.p, got, tc.want)
		}
	}
}

func TestMissingKeyReturnsTheKey(t *testing.T) {
	c := mustNew(t)
	for _, lang := range []string{"en", "ru", "uk", "lv", "vi", "", "de", "xx-garbage"} {
		if got := c.T(lang, "no.such.key"); got != "no.such.key" {
			t.Errorf("T(%q, missing) = %q", lang, got)
		}
		if got := c.N(lang, "no.such.key", 3); got != "no.such.key" {
			t.Errorf("N(%q, missing) = %q", lang, got)
		}
	}
	if got := c.T("en", ""); got != "" {
		t.Errorf("T(en, \"\") = %q", got) // the key itself, which here is empty
	}
	var nilCatalog *Catalog
	if got := nilCatalog.T("ru", "nav.home"); got != "nav.home" {
		t.Errorf("nil catalog: T = %q", got)
	}
	if nilCatalog.Check() == nil || nilCatalog.Keys() != nil || nilCatalog.Has("nav.home") {
		t.Error("nil catalog: Check, Keys or Has misbehaves")
	}
}

func TestTranslationsAndArguments(t *testing.T) {
	c := mustNew(t)
	for _, tc := range []struct {
		lang, key string
		args      []any
		want      string
	}{
		{"en", "nav.home", nil, "Home"},
		{"ru", "nav.home", nil, "Главная"},
		{"uk", "nav.home", nil, "Головна"},
		{"lv", "nav.home", nil, "Sākums"},
		{"vi", "nav.home", nil, "Trang chủ"},
		{"de", "nav.home", nil, "Home"}, // unsupported language: English
		{"ru", "home.welcome", []any{"Name", "Анна"}, "Здравствуйте, Анна!"},
		{"en", "home.welcome", []any{map[string]any{"Name": "Bob"}}, "Welcome, Bob"},
		{"en", "home.welcome", []any{map[string]string{"Name": "Bob"}}, "Welcome, Bob"},
		{"en", "home.welcome", []any{"Name", "Bob", "Dangling"}, "Welcome, Bob"},
		{"en", "place.import.row_error", []any{"Row", 7, "Column", "code", "Message", "empty"}, "Row 7, column code: empty"},
		{"lv", "form.too_long", []any{"Max", 100}, "Teksts ir pārāk garš. Lielākais atļautais rakstzīmju skaits: 100."},
		// Text is not HTML-escaped here; html/template does that where it is rendered.
		{"en", "home.welcome", []any{"Name", "<b>"}, "Welcome, <b>"},
	} {
		if got := c.T(tc.lang, tc.key, tc.args...); got != tc.want {
			t.Errorf("T(%q, %q, %v) = %q, want %q", tc.lang, tc.key, tc.args, got, tc.want)
		}
	}
	// N puts Count into the caller's data without changing the caller's map.
	data := map[string]any{"Other": 1}
	if got := c.N("en", "people.count", 3, data); got != "3 people" {
		t.Errorf("N = %q", got)
	}
	if _, ok := data["Count"]; ok {
		t.Error("N changed the caller's map")
	}
}

func TestNeverPanics(t *testing.T) {
	c := mustNew(t, fstest.MapFS{"en.json": file(`{"test.method": {"description": "d", "other": "{{.X.Boom}}"}}`)})
	if got := c.T("en", "test.method", "X", boom{}); got != "test.method" {
		t.Errorf("T with a panicking value = %q", got)
	}
}

type boom struct{}

func (boom) Boom() string { panic("boom") }

func TestOverlayOverridesAndExtends(t *testing.T) {
	overlay := fstest.MapFS{
		"en.json": file(`{"app.name": "Digital Riga", "org.hotline": {"description": "Operator's help line.", "other": "Help: {{.Phone}}"}}`),
		"ru.json": file(`{"app.name": "Цифровая Рига", "org.hotline": "Помощь: {{.Phone}}"}`),
		"uk.json": file(`{"org.hotline": "Допомога: {{.Phone}}"}`),
		"lv.json": file(`{"org.hotline": "Palīdzība: {{.Phone}}"}`),
		"vi.json": file(`{"org.hotline": "Hỗ trợ: {{.Phone}}"}`),
	}
	second := fstest.MapFS{"ru.json": file(`{"app.name": "Рига онлайн"}`)}
	c := mustNew(t, overlay, second)
	for _, tc := range []struct{ lang, key, want string }{
		{"en", "app.name", "Digital Riga"},
		{"ru", "app.name", "Рига онлайн"}, // the later overlay wins
		{"uk", "app.name", "onramp"},      // untouched
		{"lv", "org.hotline", "Palīdzība: 112"},
	} {
		if got := c.T(tc.lang, tc.key, "Phone", "112"); got != tc.want {
			t.Errorf("T(%q, %q) = %q, want %q", tc.lang, tc.key, got, tc.want)
		}
	}
	if !c.Has("org.hotline") || !slices.Contains(c.Keys(), "org.hotline") {
		t.Error("overlay key not in Keys/Has")
	}
	// The override kept the description of the embedded message, so the overlay is still complete.
	if ps := c.Check(); len(ps) != 0 {
		t.Errorf("Check after a complete overlay: %v", ps)
	}
	// The embedded catalog is not changed by an overlay of another Catalog.
	if got := mustNew(t).T("en", "app.name"); got != "onramp" {
		t.Errorf("fresh catalog app.name = %q", got)
	}
}

func TestOverlayTextIsNormalisedToNFC(t *testing.T) {
	composed := "Tiếng Việt — Đăng nhập"
	decomposed := norm.NFD.String(composed)
	if decomposed == composed {
		t.Fatal("test string has no decomposable letters")
	}
	c := mustNew(t, fstest.MapFS{
		"vi.json": file(`{"app.tagline": "` + decomposed + `"}`),
		"en.json": file(`{"app.tagline": {"other": "x", "description": "` + norm.NFD.String("Café") + `"}}`),
	})
	if got := c.T("vi", "app.tagline"); got != composed || !norm.NFC.IsNormalString(got) {
		t.Errorf("T = %q (%d bytes), want NFC %q (%d bytes)", got, len(got), composed, len(composed))
	}
	if got := c.msgs["en"]["app.tagline"].Description; got != "Café" {
		t.Errorf("description not NFC: %q", got)
	}
	// Every shipped string is NFC already, so loading changes nothing a reviewer would see in a diff.
	for _, l := range Languages() {
		buf, _ := fs.ReadFile(embedded, "locales/"+l.Code+".json")
		if !norm.NFC.IsNormal(buf) {
			t.Errorf("locales/%s.json is not NFC", l.Code)
		}
	}
}

func TestNewRejectsBadFiles(t *testing.T) {
	for name, overlay := range map[string]fstest.MapFS{
		"duplicate key":    {"ru.json": file(`{"nav.home": "a", "nav.home": "b"}`)},
		"not JSON":         {"en.json": file(`{"nav.home": `)},
		"not an object":    {"en.json": file(`["nav.home"]`)},
		"unknown language": {"de.json": file(`{"nav.home": "Startseite"}`)},
		"mixed keys":       {"en.json": file(`{"nav.home": {"other": "Home", "stray": {"x": "y"}}}`)},
	} {
		if _, err := New(overlay); err == nil {
			t.Errorf("%s: New succeeded", name)
		} else {
			t.Logf("%s: %v", name, err)
		}
	}
	if _, err := New(fstest.MapFS{"README.txt": file("not a catalog")}); err != nil {
		t.Errorf("an overlay with no catalogs: %v", err)
	}
	if c, err := New(fstest.MapFS{"ru.json": file(" \n")}); err != nil || len(c.Check()) != 0 {
		t.Errorf("an empty overlay file: %v", err)
	}
	// The shipped files are the base: one missing is an error, one empty is a Check problem.
	base := embeddedCopy(t, "", nil)
	delete(base, "lv.json")
	if _, err := load(base); err == nil {
		t.Error("load without lv.json succeeded")
	}
	base["lv.json"] = file("")
	c, err := load(base)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Check(), []Problem{{"lv", "", "no messages at all; is locales/lv.json missing?"}}; !slices.Equal(got, want) {
		t.Errorf("Check with an empty lv.json = %v", got)
	}
}

func TestLanguageTable(t *testing.T) {
	want := map[string]string{"en": "English", "ru": "Русский", "uk": "Українська", "lv": "Latviešu", "vi": "Tiếng Việt"}
	langs := Languages()
	if len(langs) != len(want) || langs[0].Code != Default {
		t.Fatalf("Languages() = %v", langs)
	}
	for _, l := range langs {
		if want[l.Code] != l.NativeName || l.Dir != "ltr" || l.EnglishName == "" {
			t.Errorf("%+v", l)
		}
		if !Supported(l.Code) || PluralForms(l.Code)[len(PluralForms(l.Code))-1] != "other" {
			t.Errorf("%s: Supported or PluralForms wrong", l.Code)
		}
	}
	langs[0].Code = "changed"
	if Languages()[0].Code != Default {
		t.Error("Languages returns shared state")
	}
	for _, code := range []string{"", "EN", "ru-RU", "de", " en"} {
		if Supported(code) {
			t.Errorf("Supported(%q) = true", code)
		}
	}
	if PluralForms("de") != nil {
		t.Error("PluralForms(de) != nil")
	}
	if got := PluralForms("lv"); !slices.Equal(got, []string{"zero", "one", "other"}) {
		t.Errorf("PluralForms(lv) = %v", got)
	}
}

func TestKeysAreSorted(t *testing.T) {
	keys := mustNew(t).Keys()
	if !slices.IsSorted(keys) || len(keys) == 0 {
		t.Error("Keys not sorted")
	}
}

// One Catalog serves every request at once; run with -race to make this test meaningful.
func TestConcurrentUse(t *testing.T) {
	c := mustNew(t)
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			for j := range 200 {
				lang := Languages()[(i+j)%5].Code
				_ = c.T(lang, "home.welcome", "Name", "X")
				_ = c.N(lang, "minutes.count", j)
			}
		})
	}
	wg.Wait()
}

func BenchmarkT(b *testing.B) {
	c := mustNew(b)
	for b.Loop() {
		_ = c.T("ru", "nav.home")
	}
}

func BenchmarkTWithData(b *testing.B) {
	c := mustNew(b)
	for b.Loop() {
		_ = c.T("ru", "home.welcome", "Name", "Анна")
	}
}

func BenchmarkN(b *testing.B) {
	c := mustNew(b)
	for b.Loop() {
		_ = c.N("ru", "minutes.count", 22)
	}
}

func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		if _, err := New(); err != nil {
			b.Fatal(err)
		}
	}
}

func TestAreaFilesAreMergedAndDuplicatesRefused(t *testing.T) {
	base := fstest.MapFS{}
	for _, l := range Languages() {
		base[l.Code+".json"] = file(`{"a.b.c": {"description": "d", "other": "base ` + l.Code + `"}}`)
		base["places."+l.Code+".json"] = file(`{"places.x.y": {"description": "d", "other": "area ` + l.Code + `"}}`)
	}
	c, err := load(base)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.T("ru", "places.x.y"); got != "area ru" {
		t.Fatalf("area file not loaded: %q", got)
	}
	base["dup.en.json"] = file(`{"a.b.c": {"description": "d", "other": "again"}}`)
	if _, err := load(base); err == nil || !strings.Contains(err.Error(), "a.b.c") {
		t.Fatalf("a key in two files must be refused, got %v", err)
	}
}
