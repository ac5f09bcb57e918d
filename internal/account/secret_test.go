package account

import (
	"crypto/rand"
	"strings"
	"testing"
	"time"
)

// TestHashProductionParams checks the default cost once: the PHC string, a
// right and a wrong secret, and that a hash at the current cost needs no rehash.
func TestHashProductionParams(t *testing.T) {
	p := defaultParams()
	start := time.Now()
	h, err := hashSecret(p, rand.Reader, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("argon2id m=19456,t=2,p=1: %v per hash", time.Since(start))
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q does not carry the production parameters", h)
	}
	parts := strings.Split(h, "$")
	if len(parts[4]) != 22 || len(parts[5]) != 43 { // 16 and 32 bytes, unpadded base64
		t.Fatalf("salt or key has the wrong length: %q", h)
	}
	ok, rehash, err := verifySecret(h, "correct horse battery", p)
	if err != nil || !ok || rehash {
		t.Fatalf("verify right secret: ok=%v rehash=%v err=%v", ok, rehash, err)
	}
	ok, _, err = verifySecret(h, "correct horse battery!", p)
	if err != nil || ok {
		t.Fatalf("verify wrong secret: ok=%v err=%v", ok, err)
	}
	h2, _ := hashSecret(p, rand.Reader, "correct horse battery")
	if h2 == h {
		t.Fatal("two hashes of one secret are equal: the salt is not random")
	}
}

func TestVerifyOtherParamsNeedsRehash(t *testing.T) {
	old := cheapParams()
	h, err := hashSecret(old, rand.Reader, "258025")
	if err != nil {
		t.Fatal(err)
	}
	ok, rehash, err := verifySecret(h, "258025", defaultParams())
	if err != nil || !ok || !rehash {
		t.Fatalf("ok=%v rehash=%v err=%v; want a match that needs a rehash", ok, rehash, err)
	}
	ok, rehash, err = verifySecret(h, "258025", old)
	if err != nil || !ok || rehash {
		t.Fatalf("same params: ok=%v rehash=%v err=%v", ok, rehash, err)
	}
}

func TestParsePHCRejects(t *testing.T) {
	good, _ := hashSecret(cheapParams(), rand.Reader, "x")
	parts := strings.Split(good, "$")
	salt, key := parts[4], parts[5]
	for _, s := range []string{
		"",
		"plain",
		"$argon2i$v=19$m=64,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=16$m=64,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1,p=1,x=2$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=0,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1,p=0$" + salt + "$" + key,
		"$argon2id$v=19$m=4,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=99999999,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=99,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key + "$",
		"$argon2id$v=19$m=64,t=1,p=1$!!$" + key,
		"$argon2id$v=19$m=64,t=1,p=1$" + salt + "$AAAA",
		"$argon2id$v=19$m=-1,t=1,p=1$" + salt + "$" + key,
	} {
		if _, _, err := verifySecret(s, "x", cheapParams()); err == nil {
			t.Errorf("verifySecret accepted %q", s)
		}
	}
	if ok, _, err := verifySecret(good, "x", cheapParams()); err != nil || !ok {
		t.Fatalf("good hash refused: %v", err)
	}
}

func TestValidatePIN(t *testing.T) {
	for _, c := range []struct {
		pin, want string
	}{
		{"", "form.required"},
		{"12345", "form.pin_format"},
		{"1234567", "form.pin_format"},
		{"12a456", "form.pin_format"},
		{"１２３４５６", "form.pin_format"}, // fullwidth digits are not ASCII
		{" 58231", "form.pin_format"},
		// one digit
		{"000000", "form.pin_common"}, {"111111", "form.pin_common"}, {"666666", "form.pin_common"},
		{"999999", "form.pin_common"},
		// runs
		{"123456", "form.pin_common"}, {"234567", "form.pin_common"}, {"012345", "form.pin_common"},
		{"456789", "form.pin_common"}, {"654321", "form.pin_common"}, {"987654", "form.pin_common"},
		{"543210", "form.pin_common"},
		// repeated pairs and triples
		{"121212", "form.pin_common"}, {"101010", "form.pin_common"}, {"123123", "form.pin_common"},
		{"520520", "form.pin_common"}, {"007007", "form.pin_common"},
		// doubled digits, mirrors
		{"112233", "form.pin_common"}, {"998877", "form.pin_common"}, {"123321", "form.pin_common"},
		{"100001", "form.pin_common"},
		// listed
		{"159753", "form.pin_common"}, {"147258", "form.pin_common"}, {"789456", "form.pin_common"},
		{"102030", "form.pin_common"}, {"696969", "form.pin_common"}, {"111222", "form.pin_common"},
		{"258369", "form.pin_common"}, {"741852", "form.pin_common"},
		// fine
		{"582031", ""}, {"907316", ""}, {"258025", ""}, {"310786", ""}, {"123457" + "", "form.pin_common"},
		{"864209", ""}, {"135792", ""},
	} {
		err := ValidatePIN(c.pin)
		if c.want == "" {
			if err != nil {
				t.Errorf("ValidatePIN(%q) = %v, want nil", c.pin, err)
			}
			continue
		}
		wantField(t, err, "pin", c.want)
	}
}

// TestCommonPINShare keeps the rules from growing into refusing a real share of
// the PIN space, which would push people to write PINs down.
func TestCommonPINShare(t *testing.T) {
	var n int
	var b [6]byte
	for i := range 1000000 {
		v := i
		for j := 5; j >= 0; j-- {
			b[j] = byte('0' + v%10)
			v /= 10
		}
		if commonPIN(string(b[:])) {
			n++
		}
	}
	t.Logf("%d of 1,000,000 PINs are refused as common", n)
	if n > 5000 {
		t.Fatalf("%d PINs refused; the rules refuse too many", n)
	}
}

func TestValidatePassword(t *testing.T) {
	for _, c := range []struct {
		pw, want string
	}{
		{"", "form.required"},
		{"short", "form.password_short"},
		{"123456789", "form.password_short"},
		{"пароль12", "form.password_short"}, // 8 characters, 14 bytes
		{"1234567890", "form.password_common"},
		{"Password123", "form.password_common"},
		{"QWERTYUIOP", "form.password_common"},
		{"йцукенгшщз", "form.password_common"},
		{"aaaaaaaaaaaa", "form.password_common"},
		{"ЖЖЖЖЖЖЖЖЖЖ", "form.password_common"},
		{"onramp-demo", ""}, // the demo password: 11 characters, must pass
		{"correct horse", ""},
		{"библиотека-2026", ""},
		{"Thư viện số 12", ""},
	} {
		err := ValidatePassword(c.pw)
		if c.want == "" {
			if err != nil {
				t.Errorf("ValidatePassword(%q) = %v, want nil", c.pw, err)
			}
			continue
		}
		wantField(t, err, "password", c.want)
	}
}
