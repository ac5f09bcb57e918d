package errs

import (
	"errors"
	"fmt"
	"testing"
)

func TestCodeAndKey(t *testing.T) {
	cause := errors.New("disk on fire")
	tests := []struct {
		name     string
		err      error
		wantCode Code
		wantKey  string
	}{
		{"nil", nil, "", "error."},
		{"plain error is internal", cause, Internal, "error.internal"},
		{"own key", E(NotFound, "place.not_found", nil), NotFound, "place.not_found"},
		{"generic key", E(Forbidden, "", nil), Forbidden, "error.forbidden"},
		{"wrapped keeps code", fmt.Errorf("outer: %w", E(Conflict, "", cause)), Conflict, "error.conflict"},
		{"Wrap classifies", Wrap(cause, "saving %s", "x"), Internal, "error.internal"},
		{"Wrap keeps existing code", Wrap(E(Invalid, "form.required", nil), "x"), Invalid, "form.required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CodeOf(tt.err); got != tt.wantCode {
				t.Errorf("CodeOf = %q, want %q", got, tt.wantCode)
			}
			if tt.err != nil {
				if got := KeyOf(tt.err); got != tt.wantKey {
					t.Errorf("KeyOf = %q, want %q", got, tt.wantKey)
				}
			}
		})
	}
	if Wrap(nil, "x") != nil {
		t.Error("Wrap(nil) must be nil")
	}
	if !errors.Is(Wrap(cause, "x"), cause) {
		t.Error("Wrap must keep the cause for errors.Is")
	}
}

func TestFieldErrors(t *testing.T) {
	f := FieldErrors{}
	if f.Err() != nil {
		t.Fatal("no fields must give nil")
	}
	f.Add("pin", "form.pin_format")
	f.Add("pin", "form.pin_common")
	err := f.Err()
	var e *Error
	if !errors.As(err, &e) || e.Code != Invalid || e.Fields["pin"] != "form.pin_format" {
		t.Fatalf("got %#v", err)
	}
}
