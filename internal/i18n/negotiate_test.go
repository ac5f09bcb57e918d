package i18n

import (
	"strings"
	"testing"
)

func TestNegotiate(t *testing.T) {
	for _, tc := range []struct {
		setting, cookie, accept string
		want                    string
	}{
		// Nothing known.
		{"", "", "", "en"},
		// The person's own setting wins over everything.
		{"lv", "ru", "vi", "lv"},
		{"uk", "", "ru-RU,ru;q=0.9", "uk"},
		// Then the cookie.
		{"", "vi", "ru", "vi"},
		{"de", "ru", "vi", "ru"}, // an unsupported setting is skipped
		{"", "RU", "", "ru"},     // case does not matter
		{"", "uk-UA", "", "uk"},
		{"", " lv ", "", "lv"},
		// Accept-Language, regional variants to their base.
		{"", "", "ru-RU", "ru"},
		{"", "", "vi-VN", "vi"},
		{"", "", "uk-UA", "uk"},
		{"", "", "lv-LV", "lv"},
		{"", "", "en-GB", "en"},
		{"", "", "en_GB", "en"},
		{"", "", "ru_RU", "ru"},
		{"", "", "vi-Latn-VN", "vi"},
		// Typical browser headers.
		{"", "", "ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", "ru"},
		{"", "", "uk,ru;q=0.9,en;q=0.8", "uk"},
		{"", "", "vi-VN,vi;q=0.9,fr-FR;q=0.8,fr;q=0.7,en-US;q=0.6,en;q=0.5", "vi"},
		{"", "", "lv,en-US;q=0.7,en;q=0.3", "lv"},
		{"", "", "en-US,en;q=0.5", "en"},
		// Unsupported languages are passed over, in q order.
		{"", "", "de-DE,de;q=0.9,ru;q=0.8", "ru"},
		{"", "", "fr, lv;q=0.1, uk;q=0.5", "uk"},
		{"", "", "de, fr, it", "en"},
		{"", "", "be-BY,be;q=0.9", "en"}, // Belarusian is not Russian; no guessing
		// q-values order the list; header order breaks ties.
		{"", "", "en;q=0.5, ru;q=0.8", "ru"},
		{"", "", "vi;q=0.5, uk;q=0.5", "vi"},
		{"", "", "lv;q=0.3, ru", "ru"},
		{"", "", "en;q=0.1, vi;q=1.0", "vi"},
		{"", "", "ru;q=1, uk;q=1.000", "ru"},
		// q=0 means "not this language".
		{"", "", "ru;q=0, uk", "uk"},
		{"", "", "ru;q=0.0, vi;q=0.000", "en"},
		// Whitespace and other parameters.
		{"", "", "  ru-RU ; q=0.9 ,  uk ; q = 0.95 ", "uk"},
		{"", "", "ru;level=1;q=0.4, lv;q=0.3", "ru"},
		{"", "", "ru;Q=0.4, lv;q=0.3", "ru"},
		// ISO 639-2 codes are canonicalised.
		{"", "", "rus", "ru"},
		{"", "", "ukr", "uk"},
		{"", "", "lav", "lv"},
		{"", "", "vie", "vi"},
		{"", "eng", "", "en"},
		// Wildcards and garbage.
		{"", "", "*", "en"},
		{"", "", "*;q=0.5, ru", "ru"},
		{"", "", "garbage", "en"},
		{"", "", "ru;q=abc, uk", "uk"},  // malformed q: that entry is dropped
		{"", "", "ru;q=2, lv", "lv"},    // q above 1
		{"", "", "ru;q=-1, lv", "lv"},   // negative q
		{"", "", "ru;q=NaN, lv", "lv"},  // NaN
		{"", "", "ru;q=1e-1, lv", "lv"}, // exponent
		{"", "", "ru;q=Inf, lv", "lv"},  // infinity
		{"", "", ",,,;;;===", "en"},     // punctuation only
		{"", "", "ru;q=, vi", "vi"},     // empty q
		{"", "", ";q=0.9", "en"},        // no tag
		{"", "", "\x00\xff\xfe", "en"},  // binary
		{"", "", "рус, uk", "uk"},       // non-ASCII tag
		{"", "", "x-klingon, vi", "vi"}, // private use
		{"", "", "und, lv", "lv"},       // undetermined must not guess English
		{"", "", "zz, uk", "uk"},        // unknown language
		{"", "", "en-" + strings.Repeat("x", 100), "en"},
		{"", "", strings.Repeat("de,", 5000) + "ru", "en"}, // past the size limit
		{strings.Repeat("a", 1000), "<script>", "'; DROP TABLE", "en"},
		{"", "", "ua", "en"}, // a country code, not a language
	} {
		if got := Negotiate(tc.setting, tc.cookie, tc.accept); got != tc.want {
			t.Errorf("Negotiate(%q, %q, %q) = %q, want %q", short(tc.setting), short(tc.cookie), short(tc.accept), got, tc.want)
		}
	}
}

func short(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

func FuzzNegotiate(f *testing.F) {
	for _, seed := range []struct{ setting, cookie, accept string }{
		{"", "", ""},
		{"ru", "", ""},
		{"", "uk", ""},
		{"", "", "ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7"},
		{"", "", "vi-VN,vi;q=0.9,fr-FR;q=0.8"},
		{"", "", "lv,en-US;q=0.7,en;q=0.3"},
		{"", "", "en-GB"},
		{"", "", "de-DE,de;q=0.9"},
		{"", "", "*"},
		{"", "", "*;q=0.5, uk"},
		{"", "", "ru;q=0, uk"},
		{"", "", "ru;q=abc"},
		{"", "", "ru;q=1e-1, lv"},
		{"", "", ",,,;;;==="},
		{"", "", "\x00\xff\xfe"},
		{"", "", "рус"},
		{"", "", "x-klingon"},
		{"", "", "und"},
		{"", "", "rus, ukr"},
		{"de", "xx", "zh-Hant-TW"},
		{"en_GB", "RU", "  vi ; q = 0.5 "},
		{"", "", "uk-UA-x-private-use-subtags"},
		{"", "", "sr-Latn-RS-u-nu-latn;q=0.3"},
	} {
		f.Add(seed.setting, seed.cookie, seed.accept)
	}
	f.Fuzz(func(t *testing.T, setting, cookie, accept string) {
		got := Negotiate(setting, cookie, accept)
		if !Supported(got) {
			t.Fatalf("Negotiate(%q, %q, %q) = %q, not a supported language", setting, cookie, accept, got)
		}
		if again := Negotiate(setting, cookie, accept); again != got {
			t.Fatalf("not deterministic: %q then %q", got, again)
		}
		// A supported setting always wins.
		if Supported(setting) && got != setting {
			t.Fatalf("setting %q ignored: got %q", setting, got)
		}
		// With no setting and no cookie, the answer comes from the header or is the default.
		if setting == "" && cookie == "" && got != Default {
			if !strings.Contains(strings.ToLower(accept), got) && !strings.Contains(strings.ToLower(accept), got[:1]) {
				t.Fatalf("Negotiate(%q) = %q, which the header does not mention", accept, got)
			}
		}
	})
}

func BenchmarkNegotiate(b *testing.B) {
	for b.Loop() {
		_ = Negotiate("", "", "de-DE,de;q=0.9,ru-RU;q=0.8,ru;q=0.7,en-US;q=0.6,en;q=0.5")
	}
}
