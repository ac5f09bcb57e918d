package i18n

import (
	"fmt"
	"testing"
	"testing/fstest"
)

// formsOverlay gives every language a message whose every CLDR form names itself, so a test sees which form
// go-i18n's rules picked, independent of the wording of the real catalogs.
func formsOverlay() fstest.MapFS {
	const msg = `{"zero": "zero {{.Count}}", "one": "one {{.Count}}", "two": "two {{.Count}}",
		"few": "few {{.Count}}", "many": "many {{.Count}}", "other": "other {{.Count}}"}`
	fsys := fstest.MapFS{
		"en.json": file(`{"test.forms": {"description": "Names its plural form.",` + msg[1:] + `}`),
	}
	for _, code := range []string{"ru", "uk", "lv", "vi"} {
		fsys[code+".json"] = file(`{"test.forms": ` + msg + `}`)
	}
	return fsys
}

func TestPluralFormSelection(t *testing.T) {
	c := mustNew(t, formsOverlay())
	slavic := map[int]string{
		0: "many", 1: "one", 2: "few", 4: "few", 5: "many", 11: "many", 12: "many", 14: "many", 21: "one",
		22: "few", 25: "many", 101: "one", 104: "few", 111: "many", 112: "many", 199: "many", 200: "many",
		201: "one", 211: "many", 222: "few", 1001: "one", 25_000: "many", 1_000_002: "few",
	}
	cases := map[string]map[int]string{
		"en": {0: "other", 1: "one", 2: "other", 11: "other", 21: "other", 101: "other", 201: "other", 1001: "other"},
		"ru": slavic,
		"uk": slavic,
		// lv "zero" is every number ending in 0 or in 11..19, not only 0.
		"lv": {0: "zero", 1: "one", 2: "other", 9: "other", 10: "zero", 11: "zero", 19: "zero", 20: "zero",
			21: "one", 22: "other", 101: "one", 111: "zero", 199: "other", 200: "zero", 201: "one", 211: "zero",
			1000: "zero", 1001: "one"},
		// go-i18n (CLDR as it ships) selects "one" for 0 and 1 in vi; that is why vi must give "one".
		"vi": {0: "one", 1: "one", 2: "other", 5: "other", 21: "other", 100: "other", 200: "other", 1001: "other"},
	}
	for lang, table := range cases {
		for n, form := range table {
			if got, want := c.N(lang, "test.forms", n), fmt.Sprintf("%s %d", form, n); got != want {
				t.Errorf("N(%s, %d) = %q, want %q", lang, n, got, want)
			}
		}
	}
	// Negative counts (a bug upstream) must still give text, never a panic.
	for _, l := range Languages() {
		if got := c.N(l.Code, "test.forms", -3); got == "" || got == "test.forms" {
			t.Errorf("N(%s, -3) = %q", l.Code, got)
		}
	}
}

// The same numbers through the shipped wording, read as a speaker would.
func TestPluralWording(t *testing.T) {
	c := mustNew(t)
	for _, tc := range []struct {
		lang, key string
		n         int
		want      string
	}{
		{"en", "minutes.count", 1, "1 minute"},
		{"en", "minutes.count", 0, "0 minutes"},
		{"en", "people.count", 2, "2 people"},
		{"ru", "minutes.count", 1, "1 минута"},
		{"ru", "minutes.count", 2, "2 минуты"},
		{"ru", "minutes.count", 5, "5 минут"},
		{"ru", "minutes.count", 11, "11 минут"},
		{"ru", "minutes.count", 21, "21 минута"},
		{"ru", "minutes.count", 22, "22 минуты"},
		{"ru", "minutes.count", 25, "25 минут"},
		{"ru", "minutes.count", 111, "111 минут"},
		{"ru", "people.count", 3, "3 человека"},
		{"ru", "login.error.locked_minutes", 15, "Слишком много неудачных попыток. Попробуйте снова через 15 минут."},
		{"ru", "place.import.ok", 21, "Загружено 21 место."},
		{"uk", "minutes.count", 1, "1 хвилина"},
		{"uk", "minutes.count", 3, "3 хвилини"},
		{"uk", "minutes.count", 5, "5 хвилин"},
		{"uk", "minutes.count", 11, "11 хвилин"},
		{"uk", "minutes.count", 21, "21 хвилина"},
		{"uk", "people.count", 12, "12 людей"},
		{"uk", "learners.count", 2, "2 слухачі"},
		{"lv", "minutes.count", 0, "0 minūtes"},
		{"lv", "minutes.count", 1, "1 minūte"},
		{"lv", "minutes.count", 2, "2 minūtes"},
		{"lv", "minutes.count", 10, "10 minūtes"},
		{"lv", "minutes.count", 11, "11 minūtes"},
		{"lv", "minutes.count", 21, "21 minūte"},
		{"lv", "login.error.locked_minutes", 21, "Pārāk daudz nepareizu mēģinājumu. Mēģiniet vēlreiz pēc 21 minūtes."},
		{"lv", "login.error.locked_minutes", 15, "Pārāk daudz nepareizu mēģinājumu. Mēģiniet vēlreiz pēc 15 minūtēm."},
		{"vi", "minutes.count", 0, "0 phút"},
		{"vi", "minutes.count", 1, "1 phút"},
		{"vi", "minutes.count", 7, "7 phút"},
		{"vi", "learners.count", 25, "25 học viên"},
	} {
		if got := c.N(tc.lang, tc.key, tc.n); got != tc.want {
			t.Errorf("N(%s, %s, %d) = %q, want %q", tc.lang, tc.key, tc.n, got, tc.want)
		}
	}
}

func TestPluralExtraArguments(t *testing.T) {
	c := mustNew(t, fstest.MapFS{
		"en.json": file(`{"test.in": {"description": "d", "one": "{{.Count}} learner in {{.Place}}", "other": "{{.Count}} learners in {{.Place}}"}}`),
		"ru.json": file(`{"test.in": {"one": "{{.Count}} учащийся, {{.Place}}", "few": "{{.Count}} учащихся, {{.Place}}", "many": "{{.Count}} учащихся, {{.Place}}", "other": "{{.Count}} учащегося, {{.Place}}"}}`),
	})
	if got := c.N("en", "test.in", 1, "Place", "Riga"); got != "1 learner in Riga" {
		t.Errorf("got %q", got)
	}
	if got := c.N("ru", "test.in", 22, map[string]any{"Place": "Рига", "Count": 999}); got != "22 учащихся, Рига" {
		t.Errorf("got %q (Count from N must win over the caller's)", got)
	}
	// uk lacks the key: English text, chosen by English rules.
	if got := c.N("uk", "test.in", 21, "Place", "Kyiv"); got != "21 learners in Kyiv" {
		t.Errorf("fallback got %q", got)
	}
}
