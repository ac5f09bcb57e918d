package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestList(t *testing.T) {
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"run", "--list", "--repo", t.TempDir()}, &out, &errb); err != nil {
		t.Fatal(err, errb.String())
	}
	for _, name := range []string{"bare-page ", "bare-page-write ", "onramp-healthz ", "onramp-home ", "onramp-lesson ", "onramp-statements ", "page-weight "} {
		if !strings.Contains(out.String(), name) {
			t.Errorf("--list lacks %q:\n%s", name, out.String())
		}
	}
}

func TestBadArguments(t *testing.T) {
	for _, args := range [][]string{
		{"nope"},
		{"run", "--only", "nope", "--repo", "."},
		{"run", "--duration", "0s"},
		{"serve-baseline", "--addr", "0.0.0.0:0"},
		{"serve-baseline", "--kind", "nope"},
	} {
		var out, errb bytes.Buffer
		if err := run(context.Background(), args, &out, &errb); err == nil {
			t.Errorf("run %q succeeded", args)
		}
	}
}
