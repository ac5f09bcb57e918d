package course

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/onramp/onramp/content"
	"github.com/onramp/onramp/internal/db"
	"github.com/onramp/onramp/internal/testkit"
)

// The lesson search, on both engines, over the real embedded content.

func embedded(tb testing.TB) *Library {
	tb.Helper()
	lib, err := Load(content.FS())
	if err != nil {
		tb.Fatal(err)
	}
	return lib
}

// indexed returns a search over the embedded content, built in d.
func indexed(tb testing.TB, d *db.DB) *Search {
	tb.Helper()
	s := NewSearch(d, embedded(tb))
	start := time.Now()
	if err := s.Index(tb.Context()); err != nil {
		tb.Fatal(err)
	}
	tb.Logf("%s: index of %d lesson versions built in %s", d.Dialect, len(s.docs()), time.Since(start).Round(time.Millisecond))
	return s
}

// withWord returns the lessons (course/lesson) in lang whose text, as indexed, has one of the folded words.
func withWord(s *Search, lang string, words ...string) map[string]bool {
	return withWords(s, lang, func(have []string) bool {
		return slices.ContainsFunc(have, func(w string) bool { return slices.Contains(words, w) })
	})
}

// withWords returns the lessons (course/lesson) in lang whose folded words satisfy ok.
func withWords(s *Search, lang string, ok func(words []string) bool) map[string]bool {
	docs := s.docs()
	foldDocs(docs)
	out := map[string]bool{}
	for _, d := range docs {
		if d.lang == lang && ok(strings.Fields(d.fTitle+" "+d.fCourse+" "+d.fBody)) {
			out[d.course+"/"+d.lesson] = true
		}
	}
	return out
}

func find(t *testing.T, s *Search, q, lang string) []Hit {
	t.Helper()
	hits, err := s.Find(t.Context(), q, lang, maxLimit)
	if err != nil {
		t.Fatalf("Find(%q, %s): %v", q, lang, err)
	}
	return hits
}

// hitsIn returns the lessons among hits in lang.
func hitsIn(hits []Hit, lang string) map[string]bool {
	out := map[string]bool{}
	for _, h := range hits {
		if h.Lang == lang {
			out[h.Course+"/"+h.Lesson] = true
		}
	}
	return out
}

// wantAll fails unless every lesson of want is among hits in lang (and want is not empty).
func wantAll(t *testing.T, what string, want, got map[string]bool) {
	t.Helper()
	if len(want) == 0 {
		t.Fatalf("%s: the content has no such lesson; the test needs updating", what)
	}
	for k := range want {
		if !got[k] {
			t.Errorf("%s: lesson %s not found (found %d lessons)", what, k, len(got))
		}
	}
}

func TestSearch(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		s := indexed(t, d)

		t.Run("vietnamese without tone marks, d for đ", func(t *testing.T) {
			hits := find(t, s, "dien thoai", "vi")
			if len(hits) == 0 || hits[0].Lang != "vi" {
				t.Fatalf("want Vietnamese hits first, got %+v", hits)
			}
			wantAll(t, "dien thoai", withWord(s, "vi", "dien"), hitsIn(hits, "vi"))
			if !strings.Contains(strings.ToLower(hits[0].Snippet), "điện thoại") {
				t.Errorf("snippet %q does not show the match as written", hits[0].Snippet)
			}
			// The same with the marks typed, and in capitals.
			if got := find(t, s, "ĐIỆN THOẠI", "vi"); len(got) != len(hits) {
				t.Errorf("with marks: %d hits, without: %d", len(got), len(hits))
			}
		})

		t.Run("latvian without diacritics, other endings", func(t *testing.T) {
			hits := find(t, s, "parole", "lv")
			wantAll(t, "parole", withWord(s, "lv", "paroli", "paroles", "parolem"), hitsIn(hits, "lv"))
			hits = find(t, s, "talrunis", "lv")
			wantAll(t, "talrunis", withWord(s, "lv", "talruna", "talruni", "talrunim"), hitsIn(hits, "lv"))
			if hits[0].Lang != "lv" {
				t.Errorf("first hit in %s", hits[0].Lang)
			}
		})

		t.Run("russian word forms", func(t *testing.T) {
			hits := find(t, s, "телефон", "ru")
			wantAll(t, "телефон", withWord(s, "ru", "телефона", "телефоном"), hitsIn(hits, "ru"))
			hits = find(t, s, "Телефоны", "ru")
			wantAll(t, "телефоны", withWord(s, "ru", "телефоном", "телефона"), hitsIn(hits, "ru"))
			hits = find(t, s, "ёлка телефон", "ru") // ё folds to е; no lesson has both words: any word then
			if len(hits) == 0 {
				t.Error("no hit when only one word matches")
			}
		})

		t.Run("ukrainian", func(t *testing.T) {
			hits := find(t, s, "паролі", "uk")
			wantAll(t, "паролі", withWord(s, "uk", "пароль", "паролем"), hitsIn(hits, "uk"))
			hits = find(t, s, "телефоном", "uk")
			wantAll(t, "телефоном", withWord(s, "uk", "телефону", "телефоні"), hitsIn(hits, "uk"))
		})

		t.Run("english", func(t *testing.T) {
			hits := find(t, s, "video call", "en")
			both := withWords(s, "en", func(words []string) bool {
				return slices.Contains(words, "video") && slices.ContainsFunc(words, func(w string) bool { return strings.HasPrefix(w, "call") })
			})
			wantAll(t, "video call", both, hitsIn(hits, "en"))
			if hits[0].Course != "keeping-in-touch" {
				t.Errorf("best hit for video call: %s/%s", hits[0].Course, hits[0].Lesson)
			}
			hits = find(t, s, "Password", "en")
			if len(hits) == 0 || hits[0].Lang != "en" {
				t.Fatalf("password: %+v", hits)
			}
		})

		t.Run("asked language first, other languages after, one hit per lesson", func(t *testing.T) {
			for _, lang := range []string{"en", "ru", "uk", "lv", "vi"} {
				hits := find(t, s, "112", lang)
				if len(hits) == 0 || hits[0].Lang != lang {
					t.Fatalf("%s: first hit %+v", lang, hits)
				}
				other, seen := false, map[string]bool{}
				for _, h := range hits {
					if h.Lang != lang {
						other = true
					} else if other {
						t.Errorf("%s: a hit in %s comes after hits in other languages", lang, lang)
					}
					if seen[h.Course+"/"+h.Lesson] {
						t.Errorf("%s: lesson %s/%s twice", lang, h.Course, h.Lesson)
					}
					seen[h.Course+"/"+h.Lesson] = true
				}
			}
			// A Russian speaker typing a Latvian word finds the Latvian lessons.
			hits := find(t, s, "paroli", "ru")
			if len(hits) == 0 || hits[0].Lang != "lv" {
				t.Errorf("paroli from a Russian page: %+v", hits)
			}
			// The name of Vietnam's e-ID app is only in the VN profile: the lessons that name the e-ID app
			// through {{id_app}} are found in the asker's language.
			hits = find(t, s, "VNeID", "ru")
			if len(hits) == 0 || hits[0].Lang != "ru" {
				t.Errorf("VNeID from a Russian page: %+v", hits)
			}
		})

		t.Run("hits are well formed", func(t *testing.T) {
			for _, q := range []string{"телефон", "a", "dien thoai", "112", "scam"} {
				hits, err := s.Find(t.Context(), q, "en", 5)
				if err != nil {
					t.Fatal(err)
				}
				if len(hits) > 5 {
					t.Errorf("%q: %d hits over the limit", q, len(hits))
				}
				for _, h := range hits {
					checkHit(t, s, h)
				}
			}
		})

		t.Run("garbage and empty queries", func(t *testing.T) {
			for _, q := range garbage() {
				hits, err := s.Find(t.Context(), q, "ru", 10)
				if err != nil {
					t.Errorf("Find(%.40q): %v", q, err)
				}
				for _, h := range hits {
					checkHit(t, s, h)
				}
			}
			for _, q := range []string{"", "   ", `"*:()`, "\x00", "🙂🙂", "--", "'"} {
				if hits, err := s.Find(t.Context(), q, "en", 10); err != nil || hits != nil {
					t.Errorf("Find(%q) = %v, %v; want no hits, no error", q, hits, err)
				}
			}
		})

		t.Run("index again, unchanged: no writes", func(t *testing.T) {
			ctx := t.Context()
			before := writeMarks(t, d)
			s2 := NewSearch(d, embedded(t)) // a restart: a new library, the same content
			start := time.Now()
			done, err := s2.index(ctx)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: index with unchanged content took %s", d.Dialect, time.Since(start).Round(time.Millisecond))
			if done || s2.rebuilds.Load() != 0 {
				t.Error("the index was rebuilt with unchanged content")
			}
			if after := writeMarks(t, d); after != before {
				t.Errorf("the database changed: %s -> %s", before, after)
			}
		})

		t.Run("changed content: rebuilt", func(t *testing.T) {
			small := NewSearch(d, mustLoad(t, validTree()))
			done, err := small.index(t.Context())
			if err != nil || !done || small.rebuilds.Load() != 1 {
				t.Fatalf("rebuild: done %v, rebuilds %d, err %v", done, small.rebuilds.Load(), err)
			}
			if hits := find(t, small, "dien thoai", "vi"); len(hits) != 0 {
				t.Errorf("the old content is still found: %+v", hits[0])
			}
			// And back, for the subtests that may follow.
			if done, err := s.index(t.Context()); err != nil || !done {
				t.Fatalf("rebuild back: %v %v", done, err)
			}
		})
	})
}

// writeMarks describes the state of the index's rows so that any write shows: SQLite's count of changes made
// by the writer connection, PostgreSQL's transaction ids of the rows.
func writeMarks(t *testing.T, d *db.DB) string {
	t.Helper()
	var q string
	if d.Dialect == db.SQLite {
		q = `SELECT total_changes() || ''`
	} else {
		q = `SELECT (SELECT string_agg(xmin::text, ',' ORDER BY key) FROM course_search_meta) || '/' ||
			(SELECT max(xmin::text::bigint)::text || ':' || count(*)::text FROM course_search_docs)`
	}
	var s string
	if err := d.W.QueryRowContext(t.Context(), q).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

func checkHit(t *testing.T, s *Search, h Hit) {
	t.Helper()
	if s.lib.Lesson(h.Course, h.Lesson, h.Lang) == nil || h.Title == "" || h.CourseTitle == "" {
		t.Errorf("hit %+v: not a lesson of the library", h)
	}
	if n := utf8.RuneCountInString(h.Snippet); n > maxSnippet || n == 0 {
		t.Errorf("hit %s/%s: snippet of %d characters: %q", h.Course, h.Lesson, n, h.Snippet)
	}
	if !utf8.ValidString(h.Snippet) || strings.ContainsAny(h.Snippet, "\n<>") || strings.Contains(h.Snippet, "&amp;") {
		t.Errorf("hit %s/%s: snippet is not plain running text: %q", h.Course, h.Lesson, h.Snippet)
	}
}

// garbage are queries that must never make an error: the engines' syntax, injections, odd text.
func garbage() []string {
	return []string{
		`"`, `""`, `"телефон`, `'`, `''`, `*`, `**`, `a*`, `*a`, `^`, `^a`, `a^b`, `:`, `a:b`, `a:*`, `a:*b`,
		`(`, `)`, `(a`, `a)`, `()`, `{a}`, `[a]`, `-`, `--`, `-- comment`, `;`, `;DROP TABLE course_search_docs;--`,
		`'; DROP TABLE course_search_docs; --`, `" OR 1=1 --`, `AND`, `OR`, `NOT`, `NEAR`, `a AND`, `OR b`,
		`NOT a`, `a NOT b`, `NEAR(a b)`, `NEAR(a b, 2)`, `a NEAR b`, `a OR b AND NOT c`, `title:телефон`,
		`{title}: a`, `- a`, `+a`, `a + b`, `!a`, `a & b`, `a | b`, `a <-> b`, `a <2> b`, `&`, `|`, `!`, `<->`,
		`\`, `\\`, `%`, `_`, `a%b_c`, "\x00", "a\x00b", "\x00\x00телефон\x00", "\xff\xfe", "a\xffb", "\u200b",
		"a\u200bb", "\u0301", "й\u0301", "🙂", "👨‍👩‍👧 звонок", "🙂🙂🙂 телефон 🙂", "ĐIỆN THOẠI", "Đ", "đ", "ё", "Ё",
		"Ї", "ʼ", "aʼb", "м'ясо", "п’ять", "½", "²", "ﬁ", "ǅ", "ß", "İstanbul", "ǰ", "ᾳ", "ا", "中文", "한국어",
		"क्षि", "ー", "ـ", "١٢٣", strings.Repeat("a", 10_000), strings.Repeat("телефон ", 1_300),
		strings.Repeat(`"*:^()'-`, 1_300), strings.Repeat("ệ", 5_000), strings.Repeat("a b ", 2_500),
		"1e5", "0x1F", "1.2.3", "a-b-c", "e-mail", "vneid.gov.vn", "https://example.com/a?b=c#d", "user@example.com",
	}
}

func TestQueryTerms(t *testing.T) {
	cases := []struct {
		q, lang string
		want    []queryTerm
	}{
		{"", "en", nil},
		{`"*:()'--;`, "en", nil},
		{"Điện Thoại", "vi", []queryTerm{{"dien", ""}, {"thoai", ""}}},
		{"телефоны", "en", []queryTerm{{"телефоны", "телефо"}}},
		{"телефоном", "ru", []queryTerm{{"телефоном", "телефон"}}},
		{"пароли", "ru", []queryTerm{{"пароли", "парол"}}},
		{"телефон", "ru", []queryTerm{{"телефон", "телеф"}}},
		{"ёлка", "ru", []queryTerm{{"елка", ""}}},
		{"мой", "ru", []queryTerm{{"мой", ""}}},
		{"Її", "uk", []queryTerm{{"її", ""}}},
		{"paroli", "lv", []queryTerm{{"paroli", "parol"}}},
		{"paroli", "en", []queryTerm{{"paroli", ""}}},
		{"Tālrunis", "lv", []queryTerm{{"talrunis", "talrun"}}},
		{"password", "en", []queryTerm{{"password", ""}}},
		{"covid19 2fa", "ru", []queryTerm{{"covid19", ""}, {"2fa", ""}}},
		{"a a A", "en", []queryTerm{{"a", ""}}},
		{"title:x NEAR(y)", "en", []queryTerm{{"title", ""}, {"x", ""}, {"near", ""}, {"y", ""}}},
		{"1 2 3 4 5 6 7 8 9 10", "en", []queryTerm{{"1", ""}, {"2", ""}, {"3", ""}, {"4", ""}, {"5", ""}, {"6", ""}, {"7", ""}, {"8", ""}}},
		{strings.Repeat("ж", 40), "ru", []queryTerm{{strings.Repeat("ж", 32), strings.Repeat("ж", 30)}}},
		{"½", "en", []queryTerm{{"1", ""}, {"2", ""}}},
	}
	for _, c := range cases {
		if got := queryTerms(c.q, c.lang); !slices.Equal(got, c.want) {
			t.Errorf("queryTerms(%q, %s) = %q, want %q", c.q, c.lang, got, c.want)
		}
	}
}

func TestFold(t *testing.T) {
	cases := map[string]string{
		"Điện thoại, ĐƯỜNG phố!":                       "dien thoai duong pho",
		"Tālrunis ģimenei, ķēde, ļoti, ņemt, šis, žēl": "talrunis gimenei kede loti nemt sis zel",
		"Ёлка, ЙОД, мой, моё":                          "елка йод мой мое",
		"Їжак, її, ґанок, є":                           "їжак її ґанок є",
		"м'ясо п’ять":                                  "м ясо п ять",
		"e-mail: a@b.c 112":                            "e mail a b c 112",
		"ﬁle ² ½ ＶＮｅＩＤ":                                "file 2 1 2 vneid",
		"🙂 -- ;DROP \x00 \xff":                         "drop",
	}
	for in, want := range cases {
		if got := foldText(in); got != want {
			t.Errorf("foldText(%q) = %q, want %q", in, got, want)
		}
	}
	// The fast path for Russian and Ukrainian agrees with decomposition.
	var all []rune
	for r := rune(0x20); r < 0x80; r++ {
		all = append(all, r)
	}
	for r := rune(0x400); r < 0x500; r++ {
		all = append(all, r)
	}
	for _, r := range all {
		if !isWordRune(r) { // fold sees words only
			continue
		}
		w := "Ab" + string(r) + "я"
		if fast, ok := foldCyrillic(w); ok && fast != foldDecomposed(w) {
			t.Errorf("%q: fast %q, decomposed %q", w, fast, foldDecomposed(w))
		}
	}
}

func TestSnippet(t *testing.T) {
	long := strings.Repeat("Слово за словом. ", 30)
	body := "Первый абзац\nВторой абзац.\n" + long + "Здесь ТЕЛЕФОНОМ пользуются. " + long
	terms := queryTerms("телефон", "ru")
	s := snippet(body, terms)
	if !strings.Contains(s, "ТЕЛЕФОНОМ") || !strings.HasPrefix(s, "…") || !strings.HasSuffix(s, "…") {
		t.Errorf("snippet %q", s)
	}
	if n := utf8.RuneCountInString(s); n > maxSnippet {
		t.Errorf("%d characters", n)
	}
	if s := snippet(body, queryTerms("абзац", "ru")); s[:len("Первый")] != "Первый" || !strings.Contains(s, "Первый абзац · Второй абзац. Слово") {
		t.Errorf("blocks: %q", s)
	}
	if s := snippet("Short text.", queryTerms("nothing", "en")); s != "Short text." {
		t.Errorf("no match: %q", s)
	}
	if s := snippet("", terms); s != "" {
		t.Errorf("empty body: %q", s)
	}
}

func TestLessonText(t *testing.T) {
	lib := embedded(t)
	l := lib.Lesson("keeping-in-touch", lib.Course("keeping-in-touch").Lessons[0].Slug, "vi")
	text := lessonText(l)
	if strings.ContainsAny(text, "<>") || strings.Contains(text, "&amp;") || strings.Contains(text, "{{") {
		t.Errorf("lesson text is not plain: %.300q", text)
	}
	for _, st := range l.Steps {
		if st.Question != nil && !strings.Contains(text, st.Question.Prompt) {
			t.Errorf("question prompt %q missing", st.Question.Prompt)
		}
	}
	for in, want := range map[string]string{"a b": "a b", " a  b ": "a b", "a\nb": "a b", "a\u00a0b": "a b", "": "", "ä ö": "ä ö", "ä\tö": "ä ö"} {
		if got := collapse(in); got != want {
			t.Errorf("collapse(%q) = %q, want %q", in, got, want)
		}
	}
	if got := htmlBlocks(`<p>A <strong>b</strong>c &amp; d</p><ul><li>one</li><li>two<br>three</li></ul>`); !slices.Equal(got, []string{"A bc & d", "one", "two", "three"}) {
		t.Errorf("htmlBlocks: %q", got)
	}
}

// FuzzSearchQuery: no query text makes Find fail, on SQLite and (when ONRAMP_TEST_POSTGRES is set) PostgreSQL.
func FuzzSearchQuery(f *testing.F) {
	for _, q := range garbage() {
		f.Add(q, "ru")
	}
	for _, q := range []string{"dien thoai", "телефон", "parole", "video call", "VNeID"} {
		f.Add(q, "vi")
	}
	engines := []*Search{indexed(f, testkit.OpenSQLite(f))}
	if os.Getenv(testkit.PostgresEnv) != "" {
		engines = append(engines, indexed(f, testkit.OpenPostgres(f)))
	}
	f.Fuzz(func(t *testing.T, q, lang string) {
		for _, term := range queryTerms(q, lang) {
			if strings.IndexFunc(term.word+term.stem, func(r rune) bool { return !isWordRune(r) }) >= 0 || term.word == "" {
				t.Fatalf("query %q: a term with a character that is not a letter or digit: %q", q, term)
			}
		}
		for _, s := range engines {
			hits, err := s.Find(t.Context(), q, lang, 10)
			if err != nil {
				t.Fatalf("%s: Find(%q): %v", s.d.Dialect, q, err)
			}
			if len(hits) > 10 {
				t.Fatalf("%d hits", len(hits))
			}
			for _, h := range hits {
				checkHit(t, s, h)
			}
		}
	})
}

// Benchmarks: go test ./internal/course/ -run '^$' -bench Search -benchtime 20x (with ONRAMP_TEST_POSTGRES set
// for the PostgreSQL runs).

func benchEngines(b *testing.B, fn func(b *testing.B, d *db.DB)) {
	b.Run("sqlite", func(b *testing.B) { fn(b, testkit.OpenSQLite(b)) })
	b.Run("postgres", func(b *testing.B) { fn(b, testkit.OpenPostgres(b)) })
}

// BenchmarkSearchIndexBuild is a full build of the index from the content: rows, hash and every write.
func BenchmarkSearchIndexBuild(b *testing.B) {
	lib := embedded(b)
	benchEngines(b, func(b *testing.B, d *db.DB) {
		for i := 0; b.Loop(); i++ {
			s := NewSearch(d, lib)
			docs := s.docs()
			foldDocs(docs)
			if _, err := writeSearchIndex(b.Context(), d, docs, docsHash(docs)+string(rune('a'+i%2))); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkSearchIndexUnchanged is Index at a start where the content did not change.
func BenchmarkSearchIndexUnchanged(b *testing.B) {
	lib := embedded(b)
	benchEngines(b, func(b *testing.B, d *db.DB) {
		s := NewSearch(d, lib)
		if err := s.Index(b.Context()); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if err := s.Index(b.Context()); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkSearchFind is one search of the kind a learner makes.
func BenchmarkSearchFind(b *testing.B) {
	lib := embedded(b)
	queries := []struct{ q, lang string }{{"телефоны", "ru"}, {"dien thoai", "vi"}, {"video call", "en"}, {"parole", "lv"}, {"a", "en"}}
	benchEngines(b, func(b *testing.B, d *db.DB) {
		s := NewSearch(d, lib)
		if err := s.Index(b.Context()); err != nil {
			b.Fatal(err)
		}
		for _, q := range queries {
			b.Run(q.q, func(b *testing.B) {
				for b.Loop() {
					if _, err := s.Find(b.Context(), q.q, q.lang, 20); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	})
}

// Two instances starting at once on one database: one builds the index, the other finds it built.
func TestSearchIndexAtOnce(t *testing.T) {
	lib := embedded(t)
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		a, b := NewSearch(d, lib), NewSearch(d, lib)
		errc := make(chan error, 2)
		for _, s := range []*Search{a, b} {
			go func() { errc <- s.Index(t.Context()) }()
		}
		for range 2 {
			if err := <-errc; err != nil {
				t.Fatal(err)
			}
		}
		if n := a.rebuilds.Load() + b.rebuilds.Load(); n != 1 {
			t.Errorf("%d rebuilds, want 1", n)
		}
		if hits, err := a.Find(t.Context(), "телефон", "ru", 5); err != nil || len(hits) == 0 {
			t.Errorf("Find after the build: %d hits, %v", len(hits), err)
		}
	})
}
