package testkit_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/onramp/onramp/internal/testkit"
)

const validDoc = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Valid</title><link rel="stylesheet" href="/s.css"></head>
<body><main><h1>Valid</h1><p id="a">One</p><p id="b">Two</p></main></body>
</html>`

// invalidDoc has a duplicate id on line 4 and a stray end tag on line 5.
const invalidDoc = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Invalid</title></head>
<body><main><h1>Invalid</h1><p id="a">One</p><p id="a">Two</p>
</div></main></body>
</html>`

func TestValidateHTML(t *testing.T) {
	docs := map[string][]byte{
		"GET /learners/new": []byte(validDoc),
		"GET /broken":       []byte(invalidDoc),
		"café.html":         []byte(strings.Replace(validDoc, "Valid</h1>", "Café ✓</h1>", 1)),
	}
	errs, err := testkit.ValidateHTML(docs) // one JVM for all three
	if err != nil {
		var ue *testkit.UnavailableError
		if errors.As(err, &ue) {
			testkit.SkipOrFail(t, ue.Error())
		}
		t.Fatal(err)
	}
	var dup, stray bool
	for _, e := range errs {
		if e.Doc != "GET /broken" {
			t.Errorf("error in a valid document: %s", e)
			continue
		}
		switch {
		case strings.Contains(e.Message, "Duplicate ID") && e.Line == 4:
			dup = true
		case strings.Contains(e.Message, "Stray end tag") && e.Line == 5:
			stray = true
		}
	}
	if !dup || !stray {
		t.Errorf("want a duplicate id on line 4 and a stray end tag on line 5; got %q", errs)
	}

	// The wrapper reports each error as doc:line:col: message.
	rec := &reportRecorder{TB: t}
	testkit.CheckHTML(rec, map[string][]byte{"GET /broken": []byte(invalidDoc)})
	if len(rec.errs) != 1 || !strings.Contains(rec.errs[0], "GET /broken:4:") || !strings.Contains(rec.errs[0], "GET /broken:5:") {
		t.Errorf("CheckHTML reported %q", rec.errs)
	}
	rec = &reportRecorder{TB: t}
	testkit.CheckHTML(rec, map[string][]byte{"ok": []byte(validDoc)})
	if len(rec.errs) != 0 {
		t.Errorf("CheckHTML failed a valid document: %q", rec.errs)
	}
}

func TestFindVNUMissing(t *testing.T) {
	t.Setenv(testkit.VNUJarEnv, "/nonexistent/vnu.jar")
	_, err := testkit.ValidateHTML(map[string][]byte{"x": []byte(validDoc)})
	var ue *testkit.UnavailableError
	if !errors.As(err, &ue) {
		t.Fatalf("ValidateHTML with a missing $%s: %v, want *UnavailableError", testkit.VNUJarEnv, err)
	}
}
