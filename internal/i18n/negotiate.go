package i18n

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/text/language"
)

// Limits on outside input. Real browsers send a few hundred bytes at most; the limits keep a hostile header from
// costing more than a normal one.
const (
	maxAcceptLanguage = 4096
	maxTag            = 64
)

// Negotiate picks the language for a request: the person's own setting wins, then the language cookie, then the
// browser's Accept-Language header, then Default. Each value may be a regional variant ("ru-RU", "en_GB") or an
// ISO 639-2 code ("ukr"); it counts when its base language is supported.
//
// Accept-Language is parsed by hand rather than with language.ParseAcceptLanguage, which rejects the whole header
// when one entry is malformed, and rather than with language.Matcher, which may answer with a related language the
// person did not ask for. Entries are tried in order of their q-value (header order breaks ties); q=0 means "not
// this one" and is skipped, as is "*". Any input, however malformed, gives a supported code.
func Negotiate(userSetting, cookie, acceptLanguage string) string {
	if code, ok := baseCode(userSetting); ok {
		return code
	}
	if code, ok := baseCode(cookie); ok {
		return code
	}
	for _, tag := range acceptedTags(acceptLanguage) {
		if code, ok := baseCode(tag); ok {
			return code
		}
	}
	return Default
}

// baseCode maps a language tag to a supported code, or reports false.
func baseCode(tag string) (string, bool) {
	tag = strings.TrimSpace(tag)
	if tag == "" || len(tag) > maxTag {
		return "", false
	}
	// Fast path for what browsers and our own cookie send: "ru", "ru-RU", "ru_RU".
	base := tag
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		base = tag[:i]
	}
	if base = strings.ToLower(base); Supported(base) {
		return base, true
	}
	// Only a three-letter base can still name one of our languages ("rus", "ukr", "lav", "vie", "eng"); the
	// slow path canonicalises those. A tag that does not parse still yields a guessed base with low confidence
	// ("und" guesses English), so only an exact base counts.
	if len(base) != 3 {
		return "", false
	}
	t, err := language.Parse(strings.ReplaceAll(tag, "_", "-"))
	if err != nil {
		return "", false
	}
	b, conf := t.Base()
	if conf != language.Exact || !Supported(b.String()) {
		return "", false
	}
	return b.String(), true
}

// acceptedTags returns the language ranges of an Accept-Language header (RFC 9110, section 12.5.4), best first,
// without those refused by q=0, the wildcard, and entries whose q-value is malformed.
func acceptedTags(header string) []string {
	if len(header) > maxAcceptLanguage {
		header = header[:maxAcceptLanguage]
	}
	type entry struct {
		tag string
		q   float64
	}
	var entries []entry
	for part := range strings.SplitSeq(header, ",") {
		tag, params, _ := strings.Cut(part, ";")
		tag = strings.TrimSpace(tag)
		if tag == "" || tag == "*" {
			continue
		}
		q, ok := qValue(params)
		if !ok || q <= 0 {
			continue
		}
		entries = append(entries, entry{tag, q})
	}
	slices.SortStableFunc(entries, func(a, b entry) int { return cmp.Compare(b.q, a.q) })
	tags := make([]string, len(entries))
	for i, e := range entries {
		tags[i] = e.tag
	}
	return tags
}

// qValue reads the q parameter among an entry's parameters; a missing q means 1. Other parameters are ignored.
func qValue(params string) (float64, bool) {
	q := 1.0
	for p := range strings.SplitSeq(params, ";") {
		name, value, found := strings.Cut(strings.TrimSpace(p), "=")
		if !found || !strings.EqualFold(strings.TrimSpace(name), "q") {
			continue
		}
		value = strings.TrimSpace(value)
		// RFC 9110 allows at most three decimals; a little leniency costs nothing, but "NaN", "Inf", hex and
		// exponents are not q-values.
		if value == "" || len(value) > 8 || strings.ContainsFunc(value, func(r rune) bool {
			return (r < '0' || r > '9') && r != '.'
		}) {
			return 0, false
		}
		v, err := strconv.ParseFloat(value, 64)
		if err != nil || v < 0 || v > 1 {
			return 0, false
		}
		q = v
	}
	return q, true
}
