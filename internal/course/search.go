package course

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"slices"
	"strings"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/onramp/onramp/internal/db"
)

// Search finds lessons by the words in them, in every language, on SQLite (FTS5) and on PostgreSQL (tsvector).
//
// The index holds one row per lesson and language: the lesson title, the course title and the plain text of every
// step (Markdown text, question prompts and options, checklist items, image alt texts and captions, video titles
// and transcripts, practice intros), with placeholders filled from the neutral profile XX. A lesson that names a
// country's portal or app through a placeholder also gets, in a fourth low-weight column, the words that the
// other profiles put there, so "VNeID" or "Госуслуги" finds the lessons about the e-ID app or the state portal.
//
// Both engines get text that Go has already folded (see fold), so they match the same words: the engines only
// split on spaces. Index is cheap when nothing changed: it compares a hash of the content with the one stored in
// the index's meta table and writes nothing when they are equal. Search is safe for concurrent use.
type Search struct {
	d   *db.DB
	lib *Library

	rebuilds atomic.Int64 // how many times Index rewrote the index (tests read it)
}

// Hit is one lesson that matches a search.
type Hit struct {
	Course      string // the course slug
	Lesson      string // the lesson slug
	Lang        string // the language of the matching text
	Title       string // the lesson title in Lang
	CourseTitle string // the course title in Lang
	Snippet     string // plain text around the first match in the lesson's text, at most 200 characters
	// Score is higher for a better match. It orders hits within one result; it is not comparable across
	// queries or between SQLite and PostgreSQL.
	Score float64
}

// Limits of the search. A query is cut to maxTerms words of at most maxTermRunes letters each; any text beyond
// that cannot make a query better, only slower.
const (
	searchFormat  = "1" // part of the content hash: change it when the rules of fold, docs or lessonText change
	maxTerms      = 8
	maxTermRunes  = 32
	maxQueryBytes = 4096 // of a query, the most that is read: more than maxTerms words of maxTermRunes letters
	maxSnippet    = 200  // runes, ellipses included
	snippetBefore = 60   // runes of context before the match
	stemMinRunes  = 5    // a shortened stem keeps at least this many letters
	defaultLimit  = 20
	maxLimit      = 100
)

// NewSearch returns the search over lib's lessons, stored in d. Call Index before the first Find.
func NewSearch(d *db.DB, lib *Library) *Search {
	return &Search{d: d, lib: lib}
}

// Index makes the stored index match the library. It compares the content hash with the one the index was built
// from and does nothing else when they are equal, so calling it at every start costs one read; otherwise it
// rewrites the whole index in one transaction (two starting instances do not both rebuild).
// Errors: errs.Internal when the database fails.
func (s *Search) Index(ctx context.Context) error {
	_, err := s.index(ctx)
	return err
}

// index is Index that also says whether it rewrote the index.
func (s *Search) index(ctx context.Context) (bool, error) {
	docs := s.docs()
	hash := docsHash(docs)
	old, err := readSearchHash(ctx, s.d)
	if err != nil {
		return false, fmt.Errorf("course search: read the index state: %w", err)
	}
	if old == hash {
		return false, nil
	}
	foldDocs(docs)
	done, err := writeSearchIndex(ctx, s.d, docs, hash)
	if err != nil {
		return false, fmt.Errorf("course search: build the index: %w", err)
	}
	if done {
		s.rebuilds.Add(1)
	}
	return done, nil
}

// Find returns the lessons that match q, best first: hits in lang first, then hits in other languages for
// lessons that did not match in lang (one hit per lesson). Every word of q must match, as the beginning of a word
// in the lesson; when no lesson has them all, lessons with any of them are returned (see anyTerms). Case and
// accents do not matter (see fold); in Russian, Ukrainian and Latvian a long word also matches other endings
// (see queryTerms).
//
// Any text is a valid q: everything but letters and digits is ignored, so quotes, operators and the like never
// reach the engines as syntax. An empty q, or one with no letter or digit, gives no hits and no error. limit is
// clamped to 1..100 (20 when 0 or less); a lang the library does not have puts no language first. Find returns
// errs.Internal only when the database fails.
func (s *Search) Find(ctx context.Context, q, lang string, limit int) ([]Hit, error) {
	if !slices.Contains(s.lib.langs, lang) {
		lang = "" // no language first; and nothing from outside reaches the SQL unchecked
	}
	terms := queryTerms(q, lang)
	if len(terms) == 0 {
		return nil, nil
	}
	if limit <= 0 {
		limit = defaultLimit
	}
	limit = min(limit, maxLimit)
	rows, err := findSearch(ctx, s.d, terms, true, lang, limit)
	if err == nil && len(rows) == 0 && len(terms) > 1 {
		terms = anyTerms(terms)
		rows, err = findSearch(ctx, s.d, terms, false, lang, limit)
	}
	if err != nil {
		return nil, fmt.Errorf("course search: %w", err)
	}
	hits := make([]Hit, len(rows))
	for i, r := range rows {
		hits[i] = Hit{
			Course: r.course, Lesson: r.lesson, Lang: r.lang, Title: r.title, CourseTitle: r.courseTitle,
			Snippet: snippet(r.body, terms), Score: r.score,
		}
	}
	return hits, nil
}

// searchDoc is one row of the index: the text as shown, and its folded words for the engines.
type searchDoc struct {
	course, lesson, lang     string
	title, courseTitle, body string // as shown; body has one block (paragraph, list item, option...) per line
	others                   string // the blocks other country profiles fill differently, one per line
	fTitle, fCourse, fBody   string // folded words, separated by single spaces
	fNames                   string // folded words of others that the shown text does not have
}

// docs builds the index rows from the library, in a stable order, without their folded words (see foldDocs):
// the content hash is made from the text as shown, so an unchanged start folds nothing.
func (s *Search) docs() []searchDoc {
	lib := s.lib
	neutral := lib.Country(Neutral)
	codes := sortedKeys(lib.countries)
	var out []searchDoc
	for _, c := range lib.courses {
		for _, ref := range c.Lessons {
			for _, lang := range lib.langs {
				l, ok := lib.lessons[lessonKey{c.Slug, ref.Slug, lang}]
				if !ok {
					continue
				}
				l = l.In(Neutral)
				d := searchDoc{
					course: c.Slug, lesson: ref.Slug, lang: lang,
					title:       l.Title,
					courseTitle: Fill(c.Title(lang), neutral, lang),
					body:        lessonText(l),
					others:      otherTexts(lib, c, l, lang, codes),
				}
				out = append(out, d)
			}
		}
	}
	return out
}

// foldDocs fills in the folded words of every row.
func foldDocs(docs []searchDoc) {
	for i := range docs {
		d := &docs[i]
		d.fTitle, d.fCourse, d.fBody = foldText(d.title), foldText(d.courseTitle), foldText(d.body)
		have := map[string]bool{}
		for _, f := range []string{d.fTitle, d.fCourse, d.fBody} {
			for _, w := range strings.Fields(f) {
				have[w] = true
			}
		}
		var extra []string
		eachWord(d.others, func(_, _ int, w string) bool {
			if !have[w] {
				have[w] = true
				extra = append(extra, w)
			}
			return true
		})
		slices.Sort(extra)
		d.fNames = strings.Join(extra, " ")
	}
}

// otherTexts returns the text that other country profiles fill differently in the lesson (or its course
// title), one block per line: the names of the portals, apps and numbers its placeholders stand for. Steps
// without a placeholder are the same in every version and are skipped.
func otherTexts(lib *Library, c *Course, neutral *Lesson, lang string, codes []string) string {
	var out []string
	for _, code := range codes {
		if code == Neutral {
			continue
		}
		if v := neutral.In(code); v != neutral {
			if v.Title != neutral.Title {
				out = append(out, v.Title)
			}
			for i, st := range v.Steps {
				if i < len(neutral.Steps) && sameStep(st, neutral.Steps[i]) {
					continue
				}
				out = append(out, stepBlocks(st)...)
			}
		}
		if t := c.Title(lang); strings.Contains(t, "{{") {
			out = append(out, Fill(t, lib.countries[code], lang))
		}
	}
	return strings.Join(out, "\n")
}

// sameStep reports whether two country versions of a step read the same.
func sameStep(a, b Step) bool {
	switch {
	case a.Image != nil && b.Image != nil:
		return *a.Image == *b.Image
	case a.Video != nil && b.Video != nil:
		return a.Video.Title == b.Video.Title && a.Video.TranscriptHTML == b.Video.TranscriptHTML
	case a.Question != nil && b.Question != nil:
		return a.Question.Prompt == b.Question.Prompt && slices.Equal(a.Question.Items, b.Question.Items) &&
			slices.EqualFunc(a.Question.Options, b.Question.Options, func(x, y Option) bool { return x.Text == y.Text })
	case a.Checklist != nil && b.Checklist != nil:
		return a.Checklist.Title == b.Checklist.Title && slices.Equal(a.Checklist.Items, b.Checklist.Items)
	case a.Practice != nil && b.Practice != nil:
		return a.Practice.Intro == b.Practice.Intro
	}
	return a.Kind == b.Kind && a.HTML == b.HTML
}

// lessonText is the plain text of a lesson's steps, one block per line, whitespace collapsed.
func lessonText(l *Lesson) string {
	var blocks []string
	for _, st := range l.Steps {
		blocks = append(blocks, stepBlocks(st)...)
	}
	return strings.Join(blocks, "\n")
}

// stepBlocks is the plain text of a step: one string per paragraph, list item, option... whitespace collapsed.
func stepBlocks(st Step) []string {
	var blocks []string
	add := func(s string) {
		if s = collapse(s); s != "" {
			blocks = append(blocks, s)
		}
	}
	switch {
	case st.Image != nil:
		add(st.Image.Alt)
		add(st.Image.Caption)
	case st.Video != nil:
		add(st.Video.Title)
		for _, b := range htmlBlocks(st.Video.TranscriptHTML) {
			add(b)
		}
	case st.Question != nil:
		add(st.Question.Prompt)
		for _, o := range st.Question.Options {
			add(o.Text)
		}
		for _, it := range st.Question.Items {
			add(it)
		}
	case st.Checklist != nil:
		add(st.Checklist.Title)
		for _, it := range st.Checklist.Items {
			add(it)
		}
	case st.Practice != nil:
		add(st.Practice.Intro)
	default:
		for _, b := range htmlBlocks(st.HTML) {
			add(b)
		}
	}
	return blocks
}

// htmlBlocks returns the text of HTML that goldmark made, one string per block element (paragraph, list item,
// heading, table cell...). goldmark escapes '<' and '>' in text and attribute values, so every '<' starts a tag.
func htmlBlocks(h string) []string {
	var (
		out []string
		cur strings.Builder
	)
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, html.UnescapeString(cur.String()))
			cur.Reset()
		}
	}
	for h != "" {
		i := strings.IndexByte(h, '<')
		if i < 0 {
			cur.WriteString(h)
			break
		}
		cur.WriteString(h[:i])
		h = h[i:]
		j := strings.IndexByte(h, '>')
		if j < 0 {
			break
		}
		tag := strings.TrimLeft(h[1:j], "/")
		if k := strings.IndexAny(tag, " \t\n/"); k >= 0 {
			tag = tag[:k]
		}
		switch strings.ToLower(tag) {
		case "a", "em", "strong", "code", "del", "span", "b", "i", "s", "sub", "sup", "mark", "kbd":
		default: // a block, or a line break: the text on each side does not run together
			flush()
		}
		h = h[j+1:]
	}
	flush()
	return out
}

// collapse trims s and turns every run of white space in it into one space.
func collapse(s string) string {
	clean := true
	for i := 0; i < len(s) && clean; i++ {
		c := s[i]
		switch {
		case c == ' ':
			clean = i > 0 && i < len(s)-1 && s[i+1] != ' '
		case c < ' ' || c >= utf8.RuneSelf:
			clean = c >= utf8.RuneSelf && !unicode.IsSpace(firstRune(s[i:]))
		}
	}
	if clean {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

// docsHash is the hash the stored index is compared with: of the rules (searchFormat) and of every row's text as
// shown. The folded words follow from the text and the rules, so they need no hashing.
func docsHash(docs []searchDoc) string {
	h := sha256.New()
	h.Write([]byte("course-search " + searchFormat + "\x00"))
	for _, d := range docs {
		for _, f := range []string{d.course, d.lesson, d.lang, d.title, d.courseTitle, d.body, d.others} {
			h.Write([]byte(f))
			h.Write([]byte{0})
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Folding. Both the indexed text and the query go through fold, so both engines compare the same words:
//
//   - Unicode compatibility decomposition (NFKD), then every non-spacing mark is dropped: "ā" -> "a",
//     "ệ" -> "e", "ư" -> "u", "ё" -> "е", "ﬁ" -> "fi", "²" -> "2".
//   - "đ"/"Đ" -> "d": the Vietnamese letter has no decomposition, and people type "d" for it.
//   - "й" and "ї" stay: they are letters of their own in Russian and Ukrainian ("мой" is not "мои"), so their
//     marks are kept. "ё" folds to "е", as most Russian text writes it.
//   - Lower case, in every script.
//
// Words are the runs of letters, digits and combining marks; everything else (punctuation, symbols, emoji,
// apostrophes) separates words, for the text and the query alike.

// fold returns the search form of one word; it may hold spaces when compatibility decomposition splits the word
// ("½" -> "1 2").
func fold(w string) string {
	ascii := true
	for i := 0; i < len(w); i++ {
		if w[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(w)
	}
	if f, ok := foldCyrillic(w); ok {
		return f
	}
	return foldDecomposed(w)
}

// foldDecomposed is fold for any word.
func foldDecomposed(w string) string {
	d := norm.NFKD.String(w)
	var b strings.Builder
	b.Grow(len(d))
	for i := 0; i < len(d); {
		r, n := utf8.DecodeRuneInString(d[i:])
		i += n
		next, nn := utf8.DecodeRuneInString(d[i:])
		switch {
		case (r == 'и' || r == 'И') && next == '\u0306': // й
			b.WriteRune('й')
			i += nn
		case (r == 'і' || r == 'І') && next == '\u0308': // ї
			b.WriteRune('ї')
			i += nn
		case r == 'đ' || r == 'Đ':
			b.WriteByte('d')
		case unicode.Is(unicode.Mn, r):
		case isWordRune(r):
			b.WriteRune(unicode.ToLower(r))
		default:
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// foldCyrillic is fold for the common case of a word of ASCII and Russian or Ukrainian letters, without the cost
// of decomposition; ok is false when w has any other letter.
func foldCyrillic(w string) (string, bool) {
	b := make([]byte, 0, len(w))
	for _, r := range w {
		switch {
		case r < utf8.RuneSelf:
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
		case 'А' <= r && r <= 'Я': // the basic capitals, Й included (its lower case keeps the breve)
			r += 'а' - 'А'
		case 'а' <= r && r <= 'я':
		case r == 'Ё' || r == 'ё':
			r = 'е'
		case r == 'І' || r == 'Є' || r == 'Ї':
			r += 'і' - 'І'
		case r == 'і' || r == 'є' || r == 'ї':
		default:
			return "", false
		}
		b = utf8.AppendRune(b, r)
	}
	return string(b), true
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r) }

// eachWord calls fn with the byte range in s of each word and its folded form (more than once for a word that
// folds into several), until fn returns false.
func eachWord(s string, fn func(start, end int, folded string) bool) {
	start := -1
	emit := func(end int) bool {
		f := fold(s[start:end])
		if !strings.Contains(f, " ") {
			return f == "" || fn(start, end, f)
		}
		for _, w := range strings.Fields(f) {
			if !fn(start, end, w) {
				return false
			}
		}
		return true
	}
	for i, r := range s {
		if isWordRune(r) && r != utf8.RuneError {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			if !emit(i) {
				return
			}
			start = -1
		}
	}
	if start >= 0 {
		emit(len(s))
	}
}

// foldText returns the folded words of s separated by single spaces: what the engines index.
func foldText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	eachWord(s, func(_, _ int, w string) bool {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w)
		return true
	})
	return b.String()
}

// queryTerm is one word of a query: it matches a word that starts with word or, when set, with stem.
type queryTerm struct {
	word, stem string
}

// queryTerms turns what someone typed (its first maxQueryBytes) into at most maxTerms distinct folded words,
// each cut to maxTermRunes letters. Every term matches as a prefix ("телефон" finds "телефона", "телефоном").
//
// Russian, Ukrainian and Latvian change the ends of words, so a prefix is not enough: "телефоны" should find
// "телефоном". A word of more than stemMinRunes letters in one of those languages (a Cyrillic word in any page
// language, a Latin one when the page is Latvian) also matches by a shortened stem: the word less its last two
// letters, but never shorter than stemMinRunes ("телефоны" -> "телефо", "пароли" -> "парол", "paroli" ->
// "parol"). It is no stemmer: it over-matches a little ("телефон" -> "телеф" also finds "телефонуйте"), which
// for a catalogue of lessons is better than missing one. Words with digits are never shortened.
func queryTerms(q, lang string) []queryTerm {
	if len(q) > maxQueryBytes {
		q = q[:maxQueryBytes] // a cut rune becomes a space below
	}
	q = strings.ToValidUTF8(q, " ")
	var out []queryTerm
	eachWord(q, func(_, _ int, w string) bool {
		if utf8.RuneCountInString(w) > maxTermRunes {
			w = string([]rune(w)[:maxTermRunes])
		}
		if slices.ContainsFunc(out, func(t queryTerm) bool { return t.word == w }) {
			return true
		}
		out = append(out, queryTerm{word: w, stem: stem(w, lang)})
		return len(out) < maxTerms
	})
	return out
}

// anyTerms are the terms of a search for lessons with any of them: words of one or two letters ("a", "to", "в")
// would match nearly every lesson and bury the ones with the real words, so they are left out when longer words
// remain.
func anyTerms(terms []queryTerm) []queryTerm {
	long := slices.DeleteFunc(slices.Clone(terms), func(t queryTerm) bool { return utf8.RuneCountInString(t.word) < 3 })
	if len(long) == 0 {
		return terms
	}
	return long
}

// stem returns the shortened stem of w (see queryTerms), or "" when w is matched by its prefix only.
func stem(w, lang string) string {
	n := utf8.RuneCountInString(w)
	if n <= stemMinRunes || strings.ContainsFunc(w, unicode.IsDigit) {
		return ""
	}
	inflected := lang == "ru" || lang == "uk" || lang == "lv" || strings.ContainsFunc(w, func(r rune) bool {
		return unicode.Is(unicode.Cyrillic, r)
	})
	if !inflected {
		return ""
	}
	return string([]rune(w)[:max(stemMinRunes, n-2)])
}

// matches reports whether a folded word matches one of the terms.
func matches(w string, terms []queryTerm) bool {
	for _, t := range terms {
		if strings.HasPrefix(w, t.word) || t.stem != "" && strings.HasPrefix(w, t.stem) {
			return true
		}
	}
	return false
}

// snippet returns plain text from body around the first word that matches a term (the beginning of the body
// when none does, the match being in a title): at most maxSnippet runes, cut at word boundaries, with "…" where
// text was left out. Blocks of the body run on, joined by " · " unless the block ends with punctuation.
func snippet(body string, terms []queryTerm) string {
	text := flatten(body)
	at := 0
	eachWord(text, func(start, _ int, w string) bool {
		if matches(w, terms) {
			at = start
			return false
		}
		return true
	})
	start := at
	for n := 0; start > 0 && n < snippetBefore; n++ {
		_, size := utf8.DecodeLastRuneInString(text[:start])
		start -= size
	}
	if start > 0 { // begin at a word: after the first space in the context
		if i := strings.IndexByte(text[start:at], ' '); i >= 0 {
			start += i + 1
		} else {
			start = at
		}
	}
	end := start
	for n := 0; end < len(text) && n < maxSnippet-3; n++ { // room for "…" and " …"
		_, size := utf8.DecodeRuneInString(text[end:])
		end += size
	}
	if end < len(text) { // end at a word: before the last space in the window
		if i := strings.LastIndexByte(text[start:end], ' '); i > at-start {
			end = start + i
		}
	}
	out := strings.Trim(text[start:end], " ·")
	if start > 0 {
		out = "…" + out
	}
	if end < len(text) {
		if last, _ := utf8.DecodeLastRuneInString(out); unicode.IsPunct(last) {
			out += " "
		}
		out += "…"
	}
	return out
}

// flatten joins the lines of body into running text.
func flatten(body string) string {
	if !strings.Contains(body, "\n") {
		return body
	}
	var b strings.Builder
	b.Grow(len(body) + len(body)/16)
	for i, line := range strings.Split(body, "\n") {
		if i > 0 {
			prev, _ := utf8.DecodeLastRuneInString(b.String())
			if unicode.IsPunct(prev) && prev != ')' && prev != '»' && prev != '"' {
				b.WriteByte(' ')
			} else {
				b.WriteString(" · ")
			}
		}
		b.WriteString(line)
	}
	return b.String()
}
