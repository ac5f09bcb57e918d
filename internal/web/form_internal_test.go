package web

import "testing"

func TestCleanInput(t *testing.T) {
	tests := map[string]string{
		"Анна":           "Анна",
		"a\x00b\x07c":    "abc",
		"line1\r\nline2": "line1\r\nline2",
		"bad\xffutf8":    "bad\uFFFDutf8",
		"c1\u0085x":      "c1x",
		"tab\there":      "tab\there",
		"Nguyễn":         "Nguyễn",
	}
	for in, want := range tests {
		if got := cleanInput(in); got != want {
			t.Errorf("cleanInput(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLocalPath(t *testing.T) {
	tests := map[string]string{
		"/courses?x=1":          "/courses?x=1",
		"":                      "/",
		"//evil.example/x":      "/",
		"/\\evil.example":       "/",
		"https://evil.example/": "/",
		"javascript:alert(1)":   "/",
		"/a\r\nSet-Cookie: x":   "/",
	}
	for in, want := range tests {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}
