package web

import (
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
)

func TestSessionCodecRoundTrip(t *testing.T) {
	deadline := time.Date(2026, 11, 23, 19, 0, 0, 123, time.UTC)
	in := map[string]any{"uid": "0195-user", "seen": int64(1763924400), "shared": true, "flash": "login.signed_out", "n": 3}
	b, err := sessionCodec{}.Encode(deadline, in)
	if err != nil {
		t.Fatal(err)
	}
	d, out, err := sessionCodec{}.Decode(b)
	if err != nil || !d.Equal(deadline) {
		t.Fatalf("deadline %v err %v", d, err)
	}
	if out["uid"] != "0195-user" || out["seen"] != int64(1763924400) || out["shared"] != true || out["flash"] != "login.signed_out" || out["n"] != int64(3) {
		t.Fatalf("values: %#v", out)
	}
	if _, err := (sessionCodec{}).Encode(deadline, map[string]any{"x": 1.5}); err == nil {
		t.Fatal("an unsupported type must be refused, not silently dropped")
	}
	old, err := (scs.GobCodec{}).Encode(deadline, map[string]any{"uid": "u1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, vals, err := (sessionCodec{}).Decode(old); err != nil || vals["uid"] != "u1" {
		t.Fatalf("a gob session from before must still be read: %v %v", vals, err)
	}
	if _, _, err := (sessionCodec{}).Decode([]byte("\x00gob")); err == nil {
		t.Fatal("garbage must not decode")
	}
}
