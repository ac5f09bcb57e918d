package account

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

func TestNormalizePhone(t *testing.T) {
	for _, c := range []struct {
		in, cc, want string
	}{
		{"+7 (912) 345-67-89", "", "+79123456789"},
		{"+79123456789", "", "+79123456789"},
		{"8 912 345 67 89", "7", "+79123456789"},
		{"7 912 345 67 89", "7", "+79123456789"},
		{"8 (912) 345-67-89", "", ""}, // national without a calling code
		{"00371 2123 4567", "", "+37121234567"},
		{"2123 4567", "371", "+37121234567"},
		{"07700 900123", "44", "+447700900123"},
		{"+44 7700 900123", "44", "+447700900123"},
		{"0912 345 678", "84", "+84912345678"},
		{"050 123 4567", "380", "+380501234567"},
		{"+380.50.123.45.67", "", "+380501234567"},
		{"+44 (0)20 7946 0000", "", "+442079460000"},
		{"+44 20 (0)7946 0000", "", "+442079460000"}, // odd, but the same rule
		{"  +1 202-555-0143  ", "", "+12025550143"},
		{"＋７ ９１２ ３４５ ６７ ８９", "", ""}, // fullwidth plus is not a plus
		{"+７９１２３４５６７８９", "", "+79123456789"},
		{"+7\u00a0912\u00a0345\u00a06789", "", "+79123456789"},
		{"", "7", ""},
		{"+", "", ""},
		{"+123", "", ""},
		{"+1234567890123456", "", ""},
		{"+0123456789", "", ""},
		{"+7 912 345 67 89 ext 2", "", ""},
		{"+7 912 345+67 89", "", ""},
		{"phone", "7", ""},
		{"12345678", "x", ""},
		{"12345678", "0", ""},
		{strings.Repeat("1", 70), "7", ""},
	} {
		got, ok := NormalizePhone(c.in, c.cc)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("NormalizePhone(%q, %q) = %q, %v; want %q", c.in, c.cc, got, ok, c.want)
		}
	}
}

func TestNormalizeEmail(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Anna.Ivanova@Library.example.org", "anna.ivanova@library.example.org"},
		{"  trainer+class3@example.lv ", "trainer+class3@example.lv"},
		{"пользователь@пример.рф", "пользователь@пример.рф"},
		{"nguyen@thu-vien.vn", "nguyen@thu-vien.vn"},
		{"", ""},
		{"anna", ""},
		{"anna@", ""},
		{"@example.org", ""},
		{"anna@example", ""},
		{"anna@@example.org", ""},
		{"an na@example.org", ""},
		{"anna@example..org", ""},
		{"anna@-example.org", ""},
		{".anna@example.org", ""},
		{"an..na@example.org", ""},
		{"\"anna\"@example.org", ""},
		{"anna@exa_mple.org", ""},
		{"Anna <anna@example.org>", ""},
		{"anna\x00@example.org", ""},
		{strings.Repeat("a", 65) + "@example.org", ""},
	} {
		got, ok := NormalizeEmail(c.in)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", c.in, got, ok, c.want)
		}
	}
}

func TestNormalizeCardCode(t *testing.T) {
	const want = "0123456789AB"
	for _, in := range []string{
		"0123-4567-89AB",
		"0123456789ab",
		"o123-4567-89ab", // O for 0
		"0I23-4567-89AB", // I for 1
		"0l23 4567 89Ab", // l for 1, spaces
		"  0123 - 4567 - 89ab ",
		"О123-4567-89АВ", // Cyrillic О, А, В
		"０１２３－４５６７－８９ＡＢ", // fullwidth
		"0123–4567–89AB", // en dashes
	} {
		got, ok := NormalizeCardCode(in)
		if !ok || got != want {
			t.Errorf("NormalizeCardCode(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if got, _ := NormalizeCardCode("uuuu-uuuu-uuuu"); got != "VVVVVVVVVVVV" {
		t.Errorf("U should read as V, got %q", got)
	}
	for _, in := range []string{"", "0123-4567-89A", "0123-4567-89ABC", "0123-4567-89A*", "0123_4567_89AB",
		"ЖЖЖЖ-ЖЖЖЖ-ЖЖЖЖ", strings.Repeat("0", 70)} {
		if got, ok := NormalizeCardCode(in); ok {
			t.Errorf("NormalizeCardCode(%q) = %q, want refusal", in, got)
		}
	}
	if FormatCardCode(want) != "0123-4567-89AB" || FormatCardCode("abc") != "abc" {
		t.Error("FormatCardCode")
	}
}

func TestNewCardCode(t *testing.T) {
	code, err := newCardCode(bytes.NewReader([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 + 32}))
	if err != nil || code != "0123456789AB" {
		t.Fatalf("newCardCode = %q, %v", code, err)
	}
	if _, err := newCardCode(bytes.NewReader(nil)); err == nil {
		t.Fatal("no randomness, no error")
	}
}

func TestFoldAndCleanText(t *testing.T) {
	for in, want := range map[string]string{
		"Ёжик":     "ежик",
		"Hà Nội":   "ha noi",
		"Đặng":     "dang",
		"Jānis":    "janis",
		"ANNA":     "anna",
		"Іван":     "іван",
		"Ø":        "ø",
		"façade":   "facade",
		"Straße":   "straße",
		"Thư viện": "thu vien",
	} {
		if got := fold(in); got != want {
			t.Errorf("fold(%q) = %q, want %q", in, got, want)
		}
	}
	if got := cleanText("  Anna\x00 \t Ivanova\n\xff "); got != "Anna Ivanova" {
		t.Errorf("cleanText = %q", got)
	}
}

var (
	phoneShape = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)
	codeShape  = regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{12}$`)
)

func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{
		"+7 (912) 345-67-89", "8 912 345 67 89", "00371 2123 4567", "2123 4567", "07700 900123",
		"+44 7700 900123", "0912 345 678", "050 123 4567", "+380.50.123.45.67", "+1 202-555-0143",
		"+７９１２３４５６７８９", "+7\u00a0912\u00a0345\u00a06789", "", "+", "+123", "+1234567890123456",
		"+0123456789", "+7 912 345 67 89 ext 2", "+7 912 345+67 89", "phone", "00", "0", "8",
		"++79123456789", "(((", "\xff\xfe", "+7/912/345/67/89",
	} {
		for _, cc := range []string{"", "7", "44", "371"} {
			f.Add(s, cc)
		}
	}
	f.Fuzz(func(t *testing.T, in, cc string) {
		got, ok := NormalizePhone(in, cc)
		if !ok {
			if got != "" {
				t.Fatalf("refused %q but returned %q", in, got)
			}
			return
		}
		if !phoneShape.MatchString(got) {
			t.Fatalf("NormalizePhone(%q, %q) = %q: not +digits", in, cc, got)
		}
		for _, cc2 := range []string{"", cc, "7"} {
			if again, ok := NormalizePhone(got, cc2); !ok || again != got {
				t.Fatalf("not a fixed point: %q -> %q -> %q, %v", in, got, again, ok)
			}
		}
	})
}

func FuzzNormalizeCardCode(f *testing.F) {
	for _, s := range []string{
		"0123-4567-89AB", "0123456789ab", "o123-4567-89ab", "0I23-4567-89AB", "0l23 4567 89Ab",
		"О123-4567-89АВ", "０１２３－４５６７－８９ＡＢ", "0123–4567–89AB", "uuuu-uuuu-uuuu", "",
		"0123-4567-89A", "0123-4567-89ABC", "0123-4567-89A*", "0123_4567_89AB", "ЖЖЖЖ-ЖЖЖЖ-ЖЖЖЖ",
		"ZZZZ-ZZZZ-ZZZZ", "----", "\xff\xfe\xfd", "ＡＢＣＤ ＥＦＧＨ ＪＫＭＮ", "abcd\tefgh\njkmn",
		"іііі-іііі-іііі", "https://example.org/login/card/0123-4567-89AB",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, ok := NormalizeCardCode(in)
		if !ok {
			if got != "" {
				t.Fatalf("refused %q but returned %q", in, got)
			}
			return
		}
		if !codeShape.MatchString(got) {
			t.Fatalf("NormalizeCardCode(%q) = %q: not 12 Crockford symbols", in, got)
		}
		for _, form := range []string{got, FormatCardCode(got), strings.ToLower(FormatCardCode(got))} {
			if again, ok := NormalizeCardCode(form); !ok || again != got {
				t.Fatalf("%q -> %q, but %q -> %q, %v", in, got, form, again, ok)
			}
		}
	})
}
