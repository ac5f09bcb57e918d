package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/onramp/onramp/internal/testkit"
)

func TestStatementsAPI(t *testing.T) {
	e := newEnv(t)
	c := e.login(t, "learner1")
	batch := `[{"id":"0195f3c2-7a6b-7cde-8f01-23456789abc1","verb":"started","object":{"course":"phone","lesson":"a"},"timestamp":"2026-11-20T10:00:00Z"},
	{"id":"0195f3c2-7a6b-7cde-8f01-23456789abc2","verb":"completed","object":{"course":"phone","lesson":"a"},"context":{"offline":true},"timestamp":"2026-11-20T10:05:00Z"}]`
	post := func(body string, cookies bool) (int, map[string]any) {
		sc := testkit.Scenario{Method: "POST", URL: "/api/statements", Body: body,
			Header: http.Header{"Content-Type": {"application/json"}, "Sec-Fetch-Site": {"same-origin"}}}
		if cookies {
			sc.Cookies = c
		}
		res, b := testkit.Do(t, e.S, sc)
		var m map[string]any
		if err := json.Unmarshal([]byte(b), &m); err != nil {
			t.Fatalf("not JSON (%d): %s", res.StatusCode, b)
		}
		return res.StatusCode, m
	}
	if st, m := post(batch, true); st != 200 || m["stored"] != float64(2) {
		t.Fatalf("first: %d %v", st, m)
	}
	if st, m := post(batch, true); st != 200 || m["stored"] != float64(0) || m["duplicates"] != float64(2) {
		t.Fatalf("again: %d %v", st, m)
	}
	changed := strings.Replace(batch, `"verb":"completed"`, `"verb":"experienced"`, 1)
	if st, m := post(changed, true); st != 409 || !strings.Contains(toJSON(m["ids"]), "abc2") {
		t.Fatalf("conflict: %d %v", st, m)
	}
	if st, m := post(`[{"id":"nope","verb":"started","object":{"course":"phone","lesson":"a"},"timestamp":"2026-11-20T10:00:00Z"}]`, true); st != 400 || m["items"] == nil || m["message"] == "" {
		t.Fatalf("invalid: %d %v", st, m)
	}
	if st, _ := post(`{not json`, true); st != 400 {
		t.Fatalf("bad json: %d", st)
	}
	if st, m := post(batch, false); st != 401 || m["error"] != "error.unauthenticated" {
		t.Fatalf("anonymous: %d %v", st, m)
	}
	en, err := e.Progress.Enrolments(t.Context(), e.User["learner1"].ID)
	if err != nil || len(en) != 1 || en[0].LessonsCompleted != 1 || en[0].PlaceID != e.Place["V1"] {
		t.Fatalf("projection: %+v %v", en, err)
	}
}

func toJSON(v any) string { b, _ := json.Marshal(v); return string(b) }
