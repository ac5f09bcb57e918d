package course

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

func TestValidTreeHasNoProblem(t *testing.T) {
	lib := mustLoad(t, validTree())
	for _, p := range lib.Validate() {
		t.Errorf("unexpected problem: %s", p)
	}
	if n := len(lib.Courses()); n != 2 {
		t.Fatalf("%d courses, want 2", n)
	}
}

// TestEveryProblemIsReported breaks the valid tree one rule at a time and proves Validate names the file
// (and the line where there is one) with a message that says what is wrong.
func TestEveryProblemIsReported(t *testing.T) {
	const one = "courses/phone/en/one.md"
	set := func(file, data string) func(fstest.MapFS) {
		return func(m fstest.MapFS) { m[file] = &fstest.MapFile{Data: []byte(data)} }
	}
	del := func(file string) func(fstest.MapFS) { return func(m fstest.MapFS) { delete(m, file) } }
	replace := func(file, old, new string) func(fstest.MapFS) {
		return func(m fstest.MapFS) {
			s := string(m[file].Data)
			if !strings.Contains(s, old) {
				panic("test setup: " + file + " lacks " + old)
			}
			m[file] = &fstest.MapFile{Data: []byte(strings.Replace(s, old, new, 1))}
		}
	}
	all := func(fs ...func(fstest.MapFS)) func(fstest.MapFS) {
		return func(m fstest.MapFS) {
			for _, f := range fs {
				f(m)
			}
		}
	}
	tests := []struct {
		name   string
		change func(fstest.MapFS)
		file   string // the problem's file
		line   int    // its line, or 0 to not check
		what   string // a part of the message
	}{
		{"course index missing in a language", del("courses/phone/vi/index.md"), "courses/phone/vi/index.md", 0, "missing: the course's title"},
		{"whole language missing", all(del("courses/second/lv/index.md"), del("courses/second/lv/only.md")), "courses/second/lv", 0, "no lv version"},
		{"lesson missing in a language", del("courses/phone/lv/two.md"), "courses/phone/lv/two.md", 0, "has no lv version"},
		{"listed lesson without files", replace("courses/phone/course.yaml", "  - two\n", "  - two\n  - three\n"), "courses/phone/ru/three.md", 0, "listed in course.yaml but has no ru version"},
		{"lesson file not listed", set("courses/phone/en/extra.md", lessonTwo), "courses/phone/en/extra.md", 0, "not listed in course.yaml"},
		{"slug does not match directory", replace("courses/phone/course.yaml", "slug: phone", "slug: telephone"), "courses/phone/course.yaml", 0, "does not match the directory name"},
		{"bad course directory name", set("courses/Phone_Basics/course.yaml", "slug: Phone_Basics\n"), "courses/Phone_Basics", 0, "not a slug"},
		{"course.yaml missing", set("courses/empty/en/index.md", "---\ntitle: x\nsummary: y\n---\n"), "courses/empty/course.yaml", 0, "missing"},
		{"course.yaml does not parse", set("courses/second/course.yaml", "slug: second\nlessons: [only\n"), "courses/second/course.yaml", 0, "does not parse"},
		{"unknown level", replace("courses/phone/course.yaml", "level: foundation", "level: expert"), "courses/phone/course.yaml", 0, `level "expert"`},
		{"unknown DigComp id in course", replace("courses/phone/course.yaml", `"4.1"`, `"4.7"`), "courses/phone/course.yaml", 0, `"4.7" is not a DigComp`},
		{"unknown DigComp id in lesson", replace(one, `["5.1"]`, `["6.1"]`), one, 1, `"6.1" is not a DigComp`},
		{"unknown country in course", replace("courses/phone/course.yaml", "countries: []", "countries: [DE]"), "courses/phone/course.yaml", 0, `"DE" has no profile`},
		{"front matter does not parse", replace(one, "minutes: 5", "minutes: [5"), one, 0, "front matter: the YAML does not parse"},
		{"front matter missing", set(one, "Just text.\n"), one, 1, "no front matter"},
		{"title missing", replace(one, "title: One en {{portal}}\n", ""), one, 1, "title is missing"},
		{"unknown front matter field", replace(one, "minutes: 5", "minutes: 5\nduration: 5"), one, 4, `unknown field "duration"`},
		{"step YAML does not parse, with its line", replace(one, "alt: A phone.", "alt: [A phone."), one, 0, "image: the YAML does not parse"},
		{"unknown field in a step, with its line", replace(one, "    correct: true\n    feedback: Yes.\n  - text: That", "    corect: true\n    feedback: Yes.\n  - text: That"), one, 34, `unknown field "corect"`},
		{"unknown step kind", replace(one, "```checklist", "```todo"), one, 42, `unknown step kind "todo"`},
		{"step block not alone", replace(one, "Open **{{portal}}**", "Open **{{portal}}**\n\n```question\ntype: single\n```\n"), one, 10, "must be a step of its own"},
		{"unterminated fence", set(one, "---\ntitle: T\nminutes: 1\n---\n```question\ntype: truefalse\n"), one, 5, "never closed"},
		{"empty step", replace(one, "+++\n\n```image", "+++\n\n+++\n\n```image"), one, 0, "empty step"},
		{"trailing +++", set(one, lessonTwo+"\n+++\n"), one, 0, "ends with +++"},
		{"image src not in media", replace(one, "src: phone.svg", "src: tablet.svg"), one, 13, `"tablet.svg" is not in courses/phone/media/`},
		{"image src with a path", replace(one, "src: phone.svg", "src: ../phone.svg"), one, 13, "without a path"},
		{"video src not in media", replace(one, "src: clip.mp4", "src: other.mp4"), one, 0, `"other.mp4" is not in`},
		{"video url not https", replace(one, "src: clip.mp4", "url: http://example.org/v"), one, 0, "https://"},
		{"image without alt", replace(one, "alt: A phone.\n", ""), one, 12, "alt is missing"},
		{"video without transcript", replace(one, "transcript: |\n  Someone presses the button.\n", ""), one, 0, "transcript is missing"},
		{"question without a correct answer", replace(one, "    correct: true\n    feedback: Yes.\n  - text: That", "    feedback: Yes.\n  - text: That"), one, 0, "no option is marked correct"},
		{"single with two correct", replace(one, "  - text: That one\n", "  - text: That one\n    correct: true\n"), one, 0, "exactly one correct option"},
		{"option without feedback", replace(one, "    feedback: Not this one.\n", ""), one, 0, "option 2 has no feedback"},
		{"question without type", replace(one, "type: single\n", ""), one, 0, "type is missing"},
		{"unknown question type", replace(one, "type: single", "type: essay"), one, 0, `unknown type "essay"`},
		{"truefalse without answer", replace(one, "answer: false\n", ""), one, 0, "answer is missing"},
		{"truefalse with options", replace(one, "answer: false\n", "answer: false\noptions:\n  - text: x\n"), one, 0, "options does not belong"},
		{"order with one item", replace(one, "  - Second\n", ""), one, 0, "at least 2 items"},
		{"order without feedback", replace(one, "items:\n  - First\n  - Second\nfeedback_correct: Right.\n", "items:\n  - First\n  - Second\n"), one, 0, "feedback_correct is missing"},
		{"checklist without items", replace(one, "items:\n  - Press the button\n", ""), one, 0, "items is missing"},
		{"practice without scenario", replace(one, "scenario: portal-login\n", ""), one, 0, "scenario is missing"},
		{"Markdown in a plain field", replace(one, "prompt: Which {{portal}}?", "prompt: Which **{{portal}}**?"), one, 0, "plain text"},
		{"lesson without a question", set("courses/phone/ru/two.md", "---\ntitle: Two\nminutes: 3\n---\nSome text.\n"), "courses/phone/ru/two.md", 0, "has no question"},
		{"lesson without steps", set("courses/phone/ru/two.md", "---\ntitle: Two\nminutes: 3\n---\n"), "courses/phone/ru/two.md", 0, "no steps"},
		{"unknown placeholder", replace(one, "Open **{{portal}}**", "Open **{{portl}}**"), one, 8, "unknown placeholder {{portl}}"},
		{"placeholder defined in one profile only",
			all(replace("countries/RU.yaml", "  messenger: The messenger\n", "  messenger: The messenger\n  bus: Bus 7\n"), replace(one, "Some", "Some"), replace(one, "# Big heading", "# Take {{bus}}")),
			one, 6, "unknown placeholder {{bus}}"},
		{"unknown placeholder in an index", replace("courses/phone/uk/index.md", "About {{portal}}", "About {{nope}}"), "courses/phone/uk/index.md", 3, "{{nope}}"},
		{"profile missing a placeholder", replace("countries/RU.yaml", "  tax_app: The tax app\n", ""), "countries/RU.yaml", 0, "tax_app is missing"},
		{"profile missing a language", replace("countries/RU.yaml", "    vi: Gosuslugi-vi\n", ""), "countries/RU.yaml", 0, "portal: missing in vi"},
		{"profile name missing a language", replace("countries/XX.yaml", "  lv: Name XX lv\n", ""), "countries/XX.yaml", 0, "name: missing in lv"},
		{"profile code does not match", replace("countries/RU.yaml", "code: RU", "code: RUS"), "countries/RU.yaml", 0, "does not match the file name"},
		{"profile bad domain", replace("countries/RU.yaml", "[example.org]", "[https://example.org]"), "countries/RU.yaml", 0, "not a lower-case domain"},
		{"profile portal_domain not official", replace("countries/RU.yaml", "portal_domain: example.org", "portal_domain: example.com"), "countries/RU.yaml", 0, "not one of official_domains"},
		{"profile without emergency number", replace("countries/RU.yaml", "emergency_number: \"112\"\n", ""), "countries/RU.yaml", 0, "emergency_number: missing"},
		{"neutral profile missing", del("countries/XX.yaml"), "countries/XX.yaml", 0, "neutral country profile XX is missing"},
		{"translation with other steps", replace("courses/phone/ru/two.md", "Some text.\n\n+++\n", "Some text.\n\n+++\n\nMore text.\n\n+++\n"), "courses/phone/ru/two.md", 0, "has 3 steps, the English lesson has 2"},
		{"translation with another answer", replace("courses/phone/uk/two.md", "answer: true", "answer: false"), "courses/phone/uk/two.md", 9, "answer differs"},
		{"translation with other competences", replace("courses/phone/lv/one.md", `["5.1"]`, `["5.2"]`), "courses/phone/lv/one.md", 1, "competences differ"},
		{"raw HTML", replace(one, "# Big heading", "<script>alert(1)</script>"), one, 0, "raw HTML is not shown"},
		{"Markdown image", replace(one, "# Big heading", "![x](phone.svg)"), one, 0, "use an image step"},
		{"javascript link", replace(one, "https://example.org/help", "javascript:alert(1)"), one, 0, `link "javascript:alert(1)"`},
		{"unknown directory in a course", set("courses/phone/de/index.md", "x"), "courses/phone/de", 0, "unknown directory"},
		{"media in a language directory", set("courses/phone/en/pic.png", "x"), "courses/phone/en/pic.png", 0, "unexpected file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := validTree()
			tt.change(m)
			lib, err := Load(m)
			if err != nil {
				t.Fatalf("Load failed on a broken file: %v", err)
			}
			probs := lib.Validate()
			found := slices.ContainsFunc(probs, func(p Problem) bool {
				return p.File == tt.file && strings.Contains(p.What, tt.what) && (tt.line == 0 || p.Line == tt.line)
			})
			if !found {
				t.Errorf("want a problem in %s line %d containing %q; got:", tt.file, tt.line, tt.what)
				for _, p := range probs {
					t.Errorf("  %s", p)
				}
			}
			for _, p := range probs {
				if s := p.String(); strings.Contains(s, "\n") || !strings.HasPrefix(s, p.File) {
					t.Errorf("badly formed: %q", s)
				}
			}
		})
	}
}

// TestBrokenLessonStillServes: a lesson with a broken step keeps its other steps, and the site keeps the
// course.
func TestBrokenLessonStillServes(t *testing.T) {
	m := validTree()
	m["courses/phone/ru/one.md"].Data = []byte(strings.Replace(lessonOne, "alt: A phone.", "alt: [A phone.", 1))
	lib := mustLoad(t, m)
	if len(lib.Validate()) == 0 {
		t.Fatal("no problem reported")
	}
	ls := lib.Lesson("phone", "one", "ru")
	if ls == nil || ls.Lang != "ru" {
		t.Fatalf("broken lesson dropped: %+v", ls)
	}
	en := lib.Lesson("phone", "one", "en")
	if len(ls.Steps) != len(en.Steps)-1 {
		t.Errorf("ru has %d steps, want en's %d minus the broken one", len(ls.Steps), len(en.Steps))
	}
}

func TestLookups(t *testing.T) {
	m := validTree()
	delete(m, "courses/phone/vi/two.md")
	for _, l := range langs() {
		delete(m, "courses/second/"+l+"/only.md")
	}
	lib := mustLoad(t, m)

	cs := lib.Courses()
	if len(cs) != 2 || cs[0].Slug != "second" || cs[1].Slug != "phone" {
		t.Fatalf("courses not by order: %v", cs)
	}
	cs[0] = nil // the caller's copy
	if lib.Courses()[0] == nil {
		t.Fatal("Courses shares its slice")
	}
	c := lib.Course("phone")
	if c == nil || c.Title("ru") != "Phone ru" || c.Title("xx") != "Phone en" || c.Summary("lv") != "About {{portal}}." {
		t.Fatalf("course: %+v", c)
	}
	if lib.Course("nope") != nil {
		t.Error("unknown course is not nil")
	}
	if got := []string{c.Lessons[0].Slug, c.Lessons[1].Slug}; !slices.Equal(got, []string{"one", "two"}) {
		t.Errorf("lessons %v", got)
	}
	if c.Lessons[0].Minutes != 5 || !slices.Equal(c.Lessons[0].Competences, []string{"5.1"}) ||
		!slices.Equal(c.Lessons[1].Competences, []string{"5.1", "4.1"}) || c.Lessons[0].Titles["uk"] != "One uk {{portal}}" {
		t.Errorf("lesson refs: %+v", c.Lessons)
	}
	if !c.AppliesTo("RU") || !slices.Equal(c.Media(), []string{"clip.mp4", "phone.svg"}) {
		t.Error("AppliesTo or Media")
	}

	// The language asked for, then English.
	if ls := lib.Lesson("phone", "one", "uk"); ls == nil || ls.Lang != "uk" || ls.Title != "One uk your portal-uk" {
		t.Errorf("uk lesson: %+v", ls)
	}
	if ls := lib.Lesson("phone", "two", "vi"); ls == nil || ls.Lang != "en" || len(ls.Steps) != 2 {
		t.Errorf("missing vi does not fall back to en: %+v", ls)
	}
	// A listed lesson with no file at all is a title-only lesson, never nil.
	if ls := lib.Lesson("second", "only", "ru"); ls == nil || ls.Title != "only" || len(ls.Steps) != 0 {
		t.Errorf("listed lesson without files: %+v", ls)
	}
	if lib.Lesson("phone", "nope", "en") != nil || lib.Lesson("nope", "one", "en") != nil {
		t.Error("unlisted lesson is not nil")
	}

	// Steps of every kind, in order.
	ls := lib.Lesson("phone", "one", "en")
	var kinds []string
	for _, s := range ls.Steps {
		kinds = append(kinds, s.Kind)
	}
	want := []string{KindText, KindImage, KindVideo, KindQuestion, KindChecklist, KindPractice, KindQuestion, KindQuestion, KindQuestion}
	if !slices.Equal(kinds, want) {
		t.Fatalf("kinds %v, want %v", kinds, want)
	}
	if ls.Questions() != 4 {
		t.Errorf("Questions() = %d", ls.Questions())
	}
	if s := ls.Steps[0]; s.Line != 6 || !strings.Contains(s.HTML, "<h3>Big heading</h3>") {
		t.Errorf("text step: line %d html %q", s.Line, s.HTML)
	}
	if v := ls.Steps[2].Video; v.Src != "clip.mp4" || v.TranscriptHTML != "<p>Someone presses the button.</p>\n" {
		t.Errorf("video: %+v", v)
	}
	if q := ls.Steps[7].Question; q.Answer == nil || *q.Answer || q.FeedbackWrong != "Not quite." {
		t.Errorf("truefalse: %+v", q)
	}

	// Profiles.
	if lib.Country("RU").Code != "RU" || lib.Country("ZZ").Code != Neutral || len(lib.Countries()) != 2 {
		t.Error("Country look-ups")
	}
	if v, ok := lib.Country("RU").Value("portal", "lv"); !ok || v != "Gosuslugi-lv" {
		t.Errorf("RU portal lv = %q", v)
	}
	if v, _ := lib.Country("RU").Value("messenger", "vi"); v != "The messenger" {
		t.Errorf("a single string is every language's: %q", v)
	}
	if v, _ := lib.Country("RU").Value("emergency_number", "uk"); v != "112" {
		t.Errorf("emergency_number placeholder: %q", v)
	}
	if lib.Country("RU").NameIn("ru") != "Name RU ru" {
		t.Error("NameIn")
	}
	if !slices.Equal(lib.Languages(), langs()) {
		t.Errorf("languages %v", lib.Languages())
	}
}

func TestPlaceholdersPerCountryAndLanguage(t *testing.T) {
	lib := mustLoad(t, validTree())
	for _, tt := range []struct{ country, lang, want string }{
		{"RU", "ru", "Gosuslugi-ru"},
		{"RU", "vi", "Gosuslugi-vi"},
		{"XX", "uk", "your portal-uk"},
		{"ZZ", "lv", "your portal-lv"}, // unknown: the neutral profile
		{"", "en", "your portal-en"},
	} {
		ls := lib.Lesson("phone", "one", tt.lang).In(tt.country)
		if !strings.Contains(ls.Steps[0].HTML, "<strong>"+tt.want+"</strong>") {
			t.Errorf("%s/%s text: %q", tt.country, tt.lang, ls.Steps[0].HTML)
		}
		if !strings.HasSuffix(ls.Title, tt.want) || ls.Steps[3].Question.Prompt != "Which "+tt.want+"?" {
			t.Errorf("%s/%s: title %q prompt %q", tt.country, tt.lang, ls.Title, ls.Steps[3].Question.Prompt)
		}
		if got := lib.Course("phone").Intro(tt.lang, tt.country); got != "<p>Learn about <strong>"+tt.want+"</strong>.</p>\n" {
			t.Errorf("%s/%s intro: %q", tt.country, tt.lang, got)
		}
	}
	// Every version shares the variants, so In works from any of them.
	if lib.Lesson("phone", "one", "ru").In("RU").In("XX").Country != "XX" {
		t.Error("In from a variant")
	}
	// A lesson without placeholders is one shared value.
	if a, b := lib.Lesson("phone", "two", "en").In("RU"), lib.Lesson("phone", "two", "en").In("XX"); a != b || a.Country != "" {
		t.Error("lesson without placeholders is not shared")
	}
	// Fill: plain text; unknown names stay visible.
	ru := lib.Country("RU")
	if got := Fill("{{portal}} / {{ tax_app }} / {{nope}} / {{portal", ru, "ru"); got != "Gosuslugi-ru / The tax app / {{nope}} / {{portal" {
		t.Errorf("Fill: %q", got)
	}
	if Fill("{{portal}}", nil, "en") != "{{portal}}" {
		t.Error("Fill with no country")
	}
}

// TestPlaceholderValueIsPlainText: a value full of Markdown and HTML comes out as the same text, escaped.
func TestPlaceholderValueIsPlainText(t *testing.T) {
	m := validTree()
	m["countries/RU.yaml"].Data = []byte(strings.Replace(country("RU", "x", ""), "  portal:\n", "  portal: \"*A* [b](javascript:x) <script>_c_ & `d` #e\"\n  unused:\n", 1))
	lib := mustLoad(t, m)
	html := lib.Lesson("phone", "one", "en").In("RU").Steps[0].HTML
	want := "<strong>*A* [b](javascript:x) &lt;script&gt;_c_ &amp; `d` #e</strong>"
	if !strings.Contains(html, want) {
		t.Errorf("got %q\nwant it to contain %q", html, want)
	}
}

func TestPackReplacesAndAdds(t *testing.T) {
	pack := fstest.MapFS{
		"countries/LV.yaml":           {Data: []byte(country("LV", "Latvija.lv", ""))},
		"courses/phone/course.yaml":   {Data: []byte("slug: phone\norder: 9\nlevel: advanced\nminutes: 5\ncompetences: [\"1.2\"]\nlessons: [solo]\n")},
		"courses/mine/course.yaml":    {Data: []byte("slug: mine\norder: 3\nlevel: foundation\nminutes: 5\ncompetences: [\"1.2\"]\nlessons: [solo]\n")},
		"courses/mine/en/index.md":    {Data: []byte("---\ntitle: Mine\nsummary: S.\n---\n")},
		"courses/mine/en/solo.md":     {Data: []byte(lessonTwo + "\n+++\n")}, // one problem, in the pack
		"courses/phone/en/index.md":   {Data: []byte("---\ntitle: Operator's phone\nsummary: S.\n---\n")},
		"courses/phone/en/solo.md":    {Data: []byte(lessonTwo)},
		"courses/phone/media/new.svg": {Data: []byte("<svg/>")},
	}
	for _, l := range langs()[1:] {
		for _, c := range []string{"phone", "mine"} {
			pack["courses/"+c+"/"+l+"/index.md"] = &fstest.MapFile{Data: []byte("---\ntitle: T\nsummary: S.\n---\n")}
			pack["courses/"+c+"/"+l+"/solo.md"] = &fstest.MapFile{Data: []byte(lessonTwo)}
		}
	}
	lib := mustLoad(t, validTree(), pack)
	c := lib.Course("phone")
	if c.Title("en") != "Operator's phone" || c.Order != 9 || len(c.Lessons) != 1 || !slices.Equal(c.Media(), []string{"new.svg"}) {
		t.Errorf("pack did not replace the course whole: %+v", c)
	}
	if lib.Lesson("phone", "one", "en") != nil {
		t.Error("the built-in lesson survived its course's replacement")
	}
	if lib.Course("mine") == nil || lib.Course("second") == nil || lib.Country("LV").Code != "LV" {
		t.Error("pack course or country missing, or the built-in course gone")
	}
	probs := lib.Validate()
	if len(probs) != 1 || probs[0].Pack != 1 || probs[0].File != "courses/mine/en/solo.md" || !strings.HasPrefix(probs[0].String(), "pack 1: courses/mine/en/solo.md:") {
		t.Errorf("problems: %v", probs)
	}
	f, err := c.OpenMedia("new.svg")
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	for _, bad := range []string{"phone.svg", "../course.yaml", "", "media/new.svg"} {
		if _, err := c.OpenMedia(bad); err == nil {
			t.Errorf("OpenMedia(%q) succeeded", bad)
		}
	}
}

func TestUnreadableTreeFailsLoad(t *testing.T) {
	if _, err := Load(os.DirFS(filepath.Join(t.TempDir(), "missing"))); err == nil {
		t.Error("Load of a missing directory succeeded")
	}
	if _, err := Load(validTree(), nil); err == nil {
		t.Error("Load of a nil pack succeeded")
	}
	// An empty tree loads, and says what is missing.
	lib, err := Load(fstest.MapFS{})
	if err != nil || len(lib.Courses()) != 0 || len(lib.Validate()) != 2 || lib.Validate()[0].File != "." {
		t.Errorf("empty tree: %v %v", err, lib.Validate())
	}
}

func TestNFCAndLineEnds(t *testing.T) {
	m := validTree()
	// "ệ" decomposed (e + combining dot below + combining circumflex), CRLF line ends and a BOM.
	decomposed := "Vi\u0065\u0323\u0302t"
	src := "\ufeff" + strings.ReplaceAll(strings.Replace(lessonTwo, "Some text.", decomposed, 1), "\n", "\r\n")
	m["courses/phone/vi/two.md"] = &fstest.MapFile{Data: []byte(src)}
	lib := mustLoad(t, m)
	for _, p := range lib.Validate() {
		t.Errorf("problem: %s", p)
	}
	if html := lib.Lesson("phone", "two", "vi").Steps[0].HTML; html != "<p>Việt</p>\n" {
		t.Errorf("not NFC: %q", html)
	}
}

func TestMarkdownSafety(t *testing.T) {
	for _, tt := range []struct{ in, want, not string }{
		{"# Title", "<h3>Title</h3>", "<h1"},
		{"## Sub", "<h3>Sub</h3>", "<h2"},
		{"Title\n=====", "<h3>Title</h3>", "<h1"},
		{"#### Deep", "<h4>Deep</h4>", ""},
		{"[a](https://example.org)", `<a href="https://example.org" rel="noopener">a</a>`, ""},
		{"<https://example.org>", `rel="noopener"`, ""},
		{"<script>alert(1)</script>", "", "<script"},
		{"<img src=x onerror=alert(1)>", "", "<img"},
		{"[x](javascript:alert(1))", `<a href="" rel="noopener">x</a>`, "javascript:"},
		{"[x](JaVaScRiPt:alert(1))", "", "alert(1)\""},
		{"[x](javas&#99;ript:alert(1))", "", "ript:alert"},
		{"![x](data:text/html;base64,PHNjcmlwdD4=)", "", "data:text"},
		{"<a href=\"javascript:x\" onclick=\"y\">z</a>", "", "onclick"},
		{"```\n<script>\n```", "&lt;script&gt;", "<script"},
		{"**bold** and *it*", "<strong>bold</strong> and <em>it</em>", ""},
	} {
		got := RenderMarkdown(tt.in)
		if tt.want != "" && !strings.Contains(got, tt.want) {
			t.Errorf("%q -> %q, want %q", tt.in, got, tt.want)
		}
		if tt.not != "" && strings.Contains(strings.ToLower(got), strings.ToLower(tt.not)) {
			t.Errorf("%q -> %q holds %q", tt.in, got, tt.not)
		}
		if why := unsafeHTML(got); why != "" {
			t.Errorf("%q -> %q: %s", tt.in, got, why)
		}
	}
}

func TestGrade(t *testing.T) {
	yes, no := true, false
	single := &Question{Type: QuestionSingle, Options: []Option{{Text: "a"}, {Text: "b", Correct: true}}}
	multi := &Question{Type: QuestionMultiple, Options: []Option{{Correct: true}, {}, {Correct: true}}}
	tf := &Question{Type: QuestionTrueFalse, Answer: &no}
	tfYes := &Question{Type: QuestionTrueFalse, Answer: &yes}
	order := &Question{Type: QuestionOrder, Items: []string{"a", "b", "c"}}
	for _, tt := range []struct {
		q      *Question
		answer []int
		want   bool
	}{
		{single, []int{1}, true}, {single, []int{0}, false}, {single, nil, false}, {single, []int{1, 1}, false}, {single, []int{5}, false},
		{multi, []int{2, 0}, true}, {multi, []int{0}, false}, {multi, []int{0, 1, 2}, false},
		{tf, []int{0}, true}, {tf, []int{1}, false}, {tfYes, []int{1}, true}, {tfYes, []int{2}, false}, {tf, nil, false},
		{order, []int{0, 1, 2}, true}, {order, []int{1, 0, 2}, false}, {order, []int{0, 1}, false}, {order, []int{0, 0, 2}, false}, {order, []int{-1, 1, 2}, false},
		{&Question{Type: "essay"}, []int{0}, false},
	} {
		if got := tt.q.Grade(tt.answer); got != tt.want {
			t.Errorf("%s %v: %v, want %v", tt.q.Type, tt.answer, got, tt.want)
		}
	}
}

func TestCompetenceTable(t *testing.T) {
	cs := Competences()
	if len(cs) != 21 || cs[0].ID != "1.1" || cs[20].ID != "5.4" {
		t.Fatalf("table: %d entries", len(cs))
	}
	for _, id := range []string{"2.6", "3.4", "4.4"} {
		if !KnownCompetence(id) {
			t.Errorf("%s unknown", id)
		}
	}
	for _, id := range []string{"", "0.1", "2.7", "5.5", "6.1", "1"} {
		if KnownCompetence(id) {
			t.Errorf("%q known", id)
		}
	}
}
