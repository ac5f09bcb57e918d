package account

import (
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/onramp/onramp/internal/errs"
)

// argonParams are the argon2id cost parameters. They are written into every hash
// (PHC string format), so raising them later needs no migration: old hashes still
// verify and are re-hashed at the next successful login.
type argonParams struct {
	memory  uint32 // KiB
	time    uint32
	threads uint8
	saltLen uint32
	keyLen  uint32
}

// defaultParams is the production cost: 19 MiB, two passes, one lane (the OWASP
// minimum for argon2id), about 30-40 ms on one core. Tests use cheaper
// parameters through Service.params, and test these once.
func defaultParams() argonParams {
	return argonParams{memory: 19 * 1024, time: 2, threads: 1, saltLen: 16, keyLen: 32}
}

// Bounds for parameters read back from a stored hash. The hashes are ours, but a
// damaged or hand-edited row must not make one login take gigabytes.
const (
	maxMemoryKiB = 1 << 20 // 1 GiB
	maxTime      = 16
	maxThreads   = 16
	minKeyLen    = 16
	maxKeyLen    = 64
)

// hashSecret derives an argon2id hash of secret with a fresh salt from random and
// returns it in PHC string format:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash> (unpadded standard base64).
func hashSecret(p argonParams, random io.Reader, secret string) (string, error) {
	salt := make([]byte, p.saltLen)
	if _, err := io.ReadFull(random, salt); err != nil {
		return "", fmt.Errorf("account: salt: %w", err)
	}
	key := argon2.IDKey([]byte(secret), salt, p.time, p.memory, p.threads, p.keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.memory, p.time, p.threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// verifySecret reports whether secret matches the PHC-encoded hash, using the
// parameters written in the hash, and whether the hash should be replaced because
// its parameters differ from want. The comparison takes constant time. An error
// means the stored hash cannot be read.
func verifySecret(encoded, secret string, want argonParams) (ok, needsRehash bool, err error) {
	p, salt, key, err := parsePHC(encoded)
	if err != nil {
		return false, false, err
	}
	got := argon2.IDKey([]byte(secret), salt, p.time, p.memory, p.threads, uint32(len(key)))
	ok = subtle.ConstantTimeCompare(got, key) == 1
	needsRehash = p.memory != want.memory || p.time != want.time || p.threads != want.threads ||
		uint32(len(salt)) != want.saltLen || uint32(len(key)) != want.keyLen
	return ok, needsRehash, nil
}

// burnSecret spends the time one verification takes without a stored hash, so an
// unknown identifier answers as slowly as a wrong secret.
func burnSecret(p argonParams, secret string) {
	var salt [16]byte
	_ = argon2.IDKey([]byte(secret), salt[:], p.time, p.memory, p.threads, p.keyLen)
}

var errBadHash = errors.New("account: unreadable secret hash")

func parsePHC(s string) (p argonParams, salt, key []byte, err error) {
	parts := strings.Split(s, "$")
	// "", "argon2id", "v=19", "m=..,t=..,p=..", salt, key
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, errBadHash
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, errBadHash
	}
	var seen int
	for kv := range strings.SplitSeq(parts[3], ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return p, nil, nil, errBadHash
		}
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return p, nil, nil, errBadHash
		}
		switch k {
		case "m":
			p.memory, seen = uint32(n), seen|1
		case "t":
			p.time, seen = uint32(n), seen|2
		case "p":
			if n > maxThreads {
				return p, nil, nil, errBadHash
			}
			p.threads, seen = uint8(n), seen|4
		default:
			return p, nil, nil, errBadHash
		}
	}
	if seen != 7 || p.time < 1 || p.time > maxTime || p.threads < 1 ||
		p.memory < 8*uint32(p.threads) || p.memory > maxMemoryKiB {
		return p, nil, nil, errBadHash
	}
	salt, err = base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return p, nil, nil, errBadHash
	}
	key, err = base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(key) < minKeyLen || len(key) > maxKeyLen {
		return p, nil, nil, errBadHash
	}
	p.saltLen, p.keyLen = uint32(len(salt)), uint32(len(key))
	return p, salt, key, nil
}

// MinPasswordLen is the shortest password accepted, in characters.
const MinPasswordLen = 10

// ValidatePassword checks a new password: at least MinPasswordLen characters and
// not one of the most common passwords (compared case-insensitively). The demo
// password "onramp-demo" passes. It returns nil or an errs.Invalid with field
// "password": form.required, form.password_short or form.password_common.
func ValidatePassword(pw string) error {
	f := errs.FieldErrors{}
	if key := passwordProblem(pw); key != "" {
		f.Add("password", key)
	}
	return f.Err()
}

func passwordProblem(pw string) string {
	switch {
	case pw == "":
		return "form.required"
	case utf8.RuneCountInString(pw) < MinPasswordLen:
		return "form.password_short"
	case commonPassword(pw):
		return "form.password_common"
	}
	return ""
}

// commonPassword reports whether pw is in the short list of the passwords that
// top the public breach lists and are at least 10 characters long (shorter ones
// fail on length already), or is one character repeated.
func commonPassword(pw string) bool {
	l := strings.ToLower(pw)
	if r, _ := utf8.DecodeRuneInString(l); strings.Count(l, string(r)) == utf8.RuneCountInString(l) {
		return true
	}
	switch l {
	case "1234567890", "0123456789", "0987654321", "9876543210", "12345678910", "123456789a", "a123456789",
		"1234567890a", "123123123123", "1q2w3e4r5t", "1q2w3e4r5t6y", "1qaz2wsx3edc", "zaq12wsxcde3",
		"qwertyuiop", "qwertyuiop123", "qwerty1234", "qwerty12345", "qwerty123456", "asdfghjkl1",
		"asdfghjkl123", "qazwsxedcrfv", "qazwsxedc123", "1qazxsw23edc", "password12", "password123",
		"password1234", "passw0rd123", "p@ssw0rd123", "iloveyou12", "iloveyou123", "welcome123",
		"letmein123", "changeme123", "administrator", "admin12345", "admin123456", "abcdefghij",
		"abc1234567", "abcd123456", "football123", "sunshine123", "princess123", "1234qwerty",
		"йцукенгшщз", "йцукенгшщзх", "qwertzuiop", "azertyuiop", "onramp1234", "onramp12345":
		return true
	}
	return false
}

// PIN rules. A PIN is exactly six ASCII digits. It is refused as common when it
// is one of:
//   - one digit six times (000000, 777777);
//   - a run of consecutive digits up or down (012345, 123456, 987654, 543210);
//   - a pair or a triple repeated (121212, 101010, 123123, 520520);
//   - three doubled digits (112233, 998877, 001122);
//   - a mirrored half (123321, 100001);
//   - one of the listed PINs that top published PIN-frequency studies (keypad
//     shapes such as 159753, 147258, 789456, and the rest of commonPINs).
//
// Dates (DDMMYY) are not refused: that would refuse a fifth of all PINs and push
// people to write the PIN down.

// ValidatePIN checks a new PIN and returns nil or an errs.Invalid with field
// "pin": form.required, form.pin_format or form.pin_common.
func ValidatePIN(pin string) error {
	f := errs.FieldErrors{}
	if key := pinProblem(pin); key != "" {
		f.Add("pin", key)
	}
	return f.Err()
}

func pinProblem(pin string) string {
	switch {
	case pin == "":
		return "form.required"
	case !pinFormat(pin):
		return "form.pin_format"
	case commonPIN(pin):
		return "form.pin_common"
	}
	return ""
}

func pinFormat(pin string) bool {
	if len(pin) != 6 {
		return false
	}
	for i := 0; i < len(pin); i++ {
		if pin[i] < '0' || pin[i] > '9' {
			return false
		}
	}
	return true
}

// commonPIN applies the PIN rules above to a well-formed PIN.
func commonPIN(p string) bool {
	up, down := true, true
	for i := 1; i < 6; i++ {
		up = up && p[i] == p[i-1]+1
		down = down && p[i] == p[i-1]-1
	}
	switch {
	case up || down:
		return true
	case p[0] == p[2] && p[2] == p[4] && p[1] == p[3] && p[3] == p[5]: // ababab, incl. aaaaaa
		return true
	case p[:3] == p[3:]: // abcabc
		return true
	case p[0] == p[1] && p[2] == p[3] && p[4] == p[5]: // aabbcc
		return true
	case p[0] == p[5] && p[1] == p[4] && p[2] == p[3]: // abccba
		return true
	}
	return commonPINs(p)
}

// commonPINs lists frequent PINs that the patterns above do not already catch.
func commonPINs(p string) bool {
	switch p {
	case "159753", "357951", "951753", "753159", "159357", "147258", "258369", "369258", "741852",
		"852963", "963852", "147852", "258456", "789456", "654987", "321654", "456123",
		"123654", "123789", "789123", "987321", "741963", "369147", "102030", "100200", "010203",
		"135790", "135791", "142536", "147369", "111222", "112211", "121314", "131415",
		"123457", "124578", "198700", "199000", "200000", "100000", "888999", "111000", "696969",
		"222333", "101112", "123455", "123465":
		return true
	}
	return false
}
