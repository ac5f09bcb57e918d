package account

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// maxInput caps what the normalisers read: anything longer is not a phone number
// or a card code, and the cap keeps fuzzed or hostile input cheap.
const maxInput = 64

// NormalizePhone turns a phone number as people type it into "+" followed by 7 to
// 15 digits (E.164 shape), the form stored and looked up. Spaces, dashes, dots,
// slashes and brackets are dropped, and so is a "(0)" after "+44"; "00" in front
// means international like "+". A number with neither is national: callingCode
// (the country's code without "+", e.g. "44", "7", "371"; "" when the
// installation has none) is put in front after dropping the trunk prefix "0" (and
// "8" for callingCode "7"). It returns false when the input cannot be a phone
// number. The result is a fixed point: normalising it again gives it back.
func NormalizePhone(raw, callingCode string) (string, bool) {
	if len(raw) > maxInput {
		return "", false
	}
	s := strings.TrimSpace(raw)
	plus := strings.HasPrefix(s, "+")
	if plus {
		// "+44 (0)20 ...": the bracketed trunk zero is dialled only at home.
		s = strings.Replace(s[1:], "(0)", "", 1)
	}
	var d []byte
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			d = append(d, byte(r))
		case r >= '０' && r <= '９': // fullwidth digits from East Asian keyboards
			d = append(d, byte(r-'０'+'0'))
		case r == '-' || r == '.' || r == '/' || r == '(' || r == ')' || r == '‐' || r == '–' || unicode.IsSpace(r):
		default:
			return "", false
		}
	}
	digits := string(d)
	switch {
	case plus:
	case strings.HasPrefix(digits, "00"):
		digits = digits[2:]
	default:
		if !validCallingCode(callingCode) || digits == "" {
			return "", false
		}
		switch {
		case callingCode == "7" && len(digits) == 11 && (digits[0] == '8' || digits[0] == '7'):
			// Russia and Kazakhstan: 8 912 345-67-89 and 7 912 345-67-89 both mean +7.
			digits = digits[1:]
		case digits[0] == '0':
			digits = digits[1:]
		}
		digits = callingCode + digits
	}
	if len(digits) < 7 || len(digits) > 15 || digits[0] == '0' {
		return "", false
	}
	return "+" + digits, true
}

func validCallingCode(cc string) bool {
	if len(cc) < 1 || len(cc) > 3 || cc[0] == '0' {
		return false
	}
	for i := 0; i < len(cc); i++ {
		if cc[i] < '0' || cc[i] > '9' {
			return false
		}
	}
	return true
}

// NormalizeEmail trims and lower-cases an e-mail address and checks its shape:
// one "@", a local part of up to 64 bytes without spaces, quotes or brackets, and
// a domain of dot-separated labels (letters in any script, digits, hyphens) with
// at least one dot; at most 254 bytes in all. It returns false otherwise.
func NormalizeEmail(raw string) (string, bool) {
	s := strings.ToLower(strings.TrimSpace(raw))
	if len(s) > 254 || !utf8.ValidString(s) {
		return "", false
	}
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || len(local) > 64 || strings.Contains(domain, "@") {
		return "", false
	}
	if strings.HasPrefix(local, ".") || strings.HasSuffix(local, ".") || strings.Contains(local, "..") {
		return "", false
	}
	for _, r := range local {
		if r <= ' ' || r == 0x7f || strings.ContainsRune(`()<>[]:;,\"`, r) || unicode.IsControl(r) || unicode.IsSpace(r) {
			return "", false
		}
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return "", false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return "", false
		}
		for _, r := range l {
			if r != '-' && !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r) {
				return "", false
			}
		}
	}
	return s, true
}

// crockford is Crockford's base32 alphabet: digits and capitals without I, L, O
// and U, so that a printed code survives being read aloud and typed back.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// cardCodeLen is the number of symbols in a login-card code: 12 x 5 = 60 random
// bits, beyond guessing at any rate a web server answers.
const cardCodeLen = 12

// newCardCode draws a card code, ungrouped, from random.
func newCardCode(random io.Reader) (string, error) {
	var b [cardCodeLen]byte
	if _, err := io.ReadFull(random, b[:]); err != nil {
		return "", fmt.Errorf("account: card code: %w", err)
	}
	for i := range b {
		b[i] = crockford[b[i]&31] // 256 is a multiple of 32: no bias
	}
	return string(b[:]), nil
}

// NormalizeCardCode reads a login-card code as typed or scanned: case does not
// matter; dashes and spaces anywhere are ignored; I and L read as 1, O as 0, U as
// V; Cyrillic letters that look like Latin ones (А В Е К М Н О Р С Т Х) and
// fullwidth forms read as those. It returns the 12 symbols ungrouped, or false
// when the input is not a card code.
func NormalizeCardCode(raw string) (string, bool) {
	if len(raw) > maxInput {
		return "", false
	}
	var b []byte
	for _, r := range raw {
		if r >= '！' && r <= '～' { // fullwidth ASCII
			r -= '！' - '!'
		}
		if r == '-' || r == '‐' || r == '–' || r == '—' || r == '−' || unicode.IsSpace(r) {
			continue
		}
		r = unicode.ToUpper(r)
		switch r {
		case 'I', 'L', 'І': // І: Ukrainian I
			r = '1'
		case 'O', 'О':
			r = '0'
		case 'U':
			r = 'V'
		case 'А':
			r = 'A'
		case 'В':
			r = 'B'
		case 'Е':
			r = 'E'
		case 'К':
			r = 'K'
		case 'М':
			r = 'M'
		case 'Н':
			r = 'H'
		case 'Р':
			r = 'P'
		case 'С':
			r = 'C'
		case 'Т':
			r = 'T'
		case 'Х':
			r = 'X'
		}
		if r >= utf8.RuneSelf || strings.IndexByte(crockford, byte(r)) < 0 {
			return "", false
		}
		b = append(b, byte(r))
		if len(b) > cardCodeLen {
			return "", false
		}
	}
	if len(b) != cardCodeLen {
		return "", false
	}
	return string(b), true
}

// FormatCardCode groups a normalised code for print: XXXX-XXXX-XXXX. Other input
// comes back unchanged.
func FormatCardCode(code string) string {
	if len(code) != cardCodeLen {
		return code
	}
	return code[:4] + "-" + code[4:8] + "-" + code[8:]
}

// cardCodeHash is what login_cards stores: the hex SHA-256 of the normalised
// code.
func cardCodeHash(code string) string {
	h := sha256.Sum256([]byte(code))
	return hex.EncodeToString(h[:])
}

// cleanText makes free text safe to store and show: invalid UTF-8 and control
// characters go (PostgreSQL refuses NUL in TEXT), and runs of white space become
// one space.
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && !unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// fold lower-cases s and strips diacritics, so that "ежик" finds "Ёжик" and
// "ha noi" finds "Hà Nội". The same function folds the stored name and the
// query, so both engines compare the same bytes.
func fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return strings.ReplaceAll(strings.ToLower(out), "đ", "d") // đ is a letter of its own, not d + a mark
}
