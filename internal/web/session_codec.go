package web

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/alexedwards/scs/v2"
)

// sessionCodec stores session values as small JSON instead of scs's default gob.
// A gob decoder re-reads type information on every request, which made loading
// the session the dearest part of a signed-in page; onramp keeps only strings,
// booleans and integers in a session, so a tagged JSON object is enough.
type sessionCodec struct{}

type codecValue struct {
	S *string `json:"s,omitempty"`
	B *bool   `json:"b,omitempty"`
	I *int64  `json:"i,omitempty"`
}

type codecData struct {
	Deadline int64                 `json:"d"`
	Values   map[string]codecValue `json:"v"`
}

func (sessionCodec) Encode(deadline time.Time, values map[string]any) ([]byte, error) {
	d := codecData{Deadline: deadline.UnixNano(), Values: make(map[string]codecValue, len(values))}
	for k, v := range values {
		switch x := v.(type) {
		case string:
			d.Values[k] = codecValue{S: &x}
		case bool:
			d.Values[k] = codecValue{B: &x}
		case int64:
			d.Values[k] = codecValue{I: &x}
		case int:
			i := int64(x)
			d.Values[k] = codecValue{I: &i}
		default:
			return nil, fmt.Errorf("session value %q: type %T is not stored", k, v)
		}
	}
	return json.Marshal(d)
}

func (sessionCodec) Decode(b []byte) (time.Time, map[string]any, error) {
	var d codecData
	if err := json.Unmarshal(b, &d); err != nil {
		// A session written by an older onramp (scs's gob) is still read, so an
		// upgrade signs nobody out.
		if dl, vals, gerr := (scs.GobCodec{}).Decode(b); gerr == nil {
			return dl, vals, nil
		}
		return time.Time{}, nil, err
	}
	out := make(map[string]any, len(d.Values))
	for k, v := range d.Values {
		switch {
		case v.S != nil:
			out[k] = *v.S
		case v.B != nil:
			out[k] = *v.B
		case v.I != nil:
			out[k] = *v.I
		}
	}
	return time.Unix(0, d.Deadline), out, nil
}
