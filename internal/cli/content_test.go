package cli

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onramp/onramp/content"
)

// writePack writes a complete small content tree: the built-in neutral profile and one course of one lesson.
func writePack(t *testing.T, lesson string) string {
	t.Helper()
	dir := t.TempDir()
	xx, err := fs.ReadFile(content.FS(), "countries/XX.yaml")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"countries/XX.yaml":        string(xx),
		"courses/mine/course.yaml": "slug: mine\norder: 1\nlevel: foundation\nminutes: 5\ncompetences: [\"5.1\"]\nlessons: [first]\n",
	}
	for _, l := range []string{"en", "ru", "uk", "lv", "vi"} {
		files["courses/mine/"+l+"/index.md"] = "---\ntitle: Mine\nsummary: About {{portal}}.\n---\n"
		files["courses/mine/"+l+"/first.md"] = lesson
	}
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const goodLesson = "---\ntitle: First\nminutes: 2\n---\nOpen {{portal}}.\n\n+++\n\n```question\ntype: truefalse\nprompt: Is it?\nanswer: true\nfeedback_correct: Yes.\nfeedback_wrong: Not quite.\n```\n"

func TestContentValidate(t *testing.T) {
	good := writePack(t, goodLesson)
	code, out, stderr := run(t, nil, "content", "validate", "--alone", good)
	if code != 0 || !strings.Contains(out, "1 course(s), 1 lesson(s), 5 language(s), 1 country profile(s): 0 problem(s)") {
		t.Fatalf("valid pack: exit %d\n%s%s", code, out, stderr)
	}
	// Flags after the directory work too.
	if code, _, _ := run(t, nil, "content", "validate", good, "--alone"); code != 0 {
		t.Errorf("--alone after DIR: exit %d", code)
	}

	bad := writePack(t, strings.Replace(goodLesson, "answer: true\n", "", 1))
	code, out, stderr = run(t, nil, "content", "validate", "--alone", bad)
	want := filepath.Join(bad, "courses", "mine", "en", "first.md") + ":9: question: answer is missing"
	if code != 1 || !strings.Contains(out, want) || !strings.Contains(out, ": 5 problem(s)") || !strings.Contains(stderr, "5 problem(s)") {
		t.Fatalf("broken pack: exit %d, want a line %q\n%s%s", code, want, out, stderr)
	}

	// A pack over the built-in content: the pack's problems carry the pack's directory.
	code, out, _ = run(t, nil, "content", "validate", bad)
	if code != 1 || !strings.Contains(out, want) {
		t.Errorf("pack over built-in: exit %d\n%s", code, out)
	}

	for _, args := range [][]string{
		{"content"}, {"content", "check"}, {"content", "validate", "--alone"}, {"content", "validate", "a", "b"},
		{"content", "validate", "--nope"},
	} {
		if code, _, _ := run(t, nil, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	if code, _, _ := run(t, nil, "content", "validate", filepath.Join(good, "missing")); code != 1 {
		t.Errorf("missing directory: exit %d, want 1", code)
	}
	if code, out, _ := run(t, nil, "help", "content"); code != 0 || !strings.Contains(out, "--alone") {
		t.Errorf("help content: %d %q", code, out)
	}
}

// TestContentValidateEmbedded runs the command on the built-in tree. Whether that tree is clean is
// internal/course's TestEmbeddedContentIsValid's business; here the command must run and summarise.
func TestContentValidateEmbedded(t *testing.T) {
	code, out, _ := run(t, nil, "content", "validate")
	if code != 0 && code != 1 || !strings.Contains(out, "5 language(s), 6 country profile(s)") {
		t.Fatalf("exit %d\n%s", code, out)
	}
}
