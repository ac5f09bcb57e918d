package course

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
	"golang.org/x/text/unicode/norm"
)

// Size limits. Lessons are short, and Markdown rendering can take time that grows faster than the text on
// pathological input (thousands of nested brackets), so one operator's file cannot stall the start-up.
const (
	maxFileSize   = 256 << 10 // a lesson, index or profile file; a bigger one is reported and skipped
	maxTextStep   = 8 << 10   // the Markdown of one text step (or an index body)
	maxTranscript = 16 << 10  // a video's transcript
)

// Problem is one thing wrong in the content: a file that does not parse, a rule of docs/CONTENT.md broken, a
// translation missing.
type Problem struct {
	Pack int    // the tree: 0 is the first given to Load (the built-in content), n the nth extra pack
	File string // slash path inside that tree, such as courses/staying-safe/ru/passwords.md
	Line int    // 1-based; 0 when the problem is with the whole file
	What string // what is wrong, in words a content writer understands
}

// String gives the problem as one line: "file:line: what", with "pack N: " in front for an extra pack.
func (p Problem) String() string {
	var b strings.Builder
	if p.Pack > 0 {
		fmt.Fprintf(&b, "pack %d: ", p.Pack)
	}
	b.WriteString(p.File)
	if p.Line > 0 {
		b.WriteString(":" + strconv.Itoa(p.Line))
	}
	b.WriteString(": ")
	b.WriteString(strings.Join(strings.Fields(p.What), " "))
	return b.String()
}

// problems collects the problems of one tree.
type problems struct {
	pack int
	list []Problem
}

func (p *problems) add(file string, line int, format string, args ...any) {
	p.list = append(p.list, Problem{Pack: p.pack, File: file, Line: line, What: fmt.Sprintf(format, args...)})
}

// normalise makes text NFC, drops a byte-order mark and turns CRLF and CR line ends into LF.
func normalise(data []byte) string {
	s := norm.NFC.String(string(data))
	s = strings.TrimPrefix(s, "\ufeff")
	if strings.Contains(s, "\r") {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	return s
}

type yamlProblem struct {
	line  int
	what  string
	fatal bool // the YAML did not parse; nothing was decoded
}

// decodeYAML decodes src into v and returns what went wrong, with lines counted from the file: offset is the
// number of file lines before src's first line. With strict, a field v does not have is a problem. It also
// returns the parsed document, nil when src does not parse.
func decodeYAML(src string, v any, offset int, strict bool) ([]yamlProblem, *yaml.Node) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		line, msg := yamlLine(strings.TrimPrefix(err.Error(), "yaml: "))
		if line > 0 {
			line += offset
		}
		return []yamlProblem{{line: line, what: "the YAML does not parse: " + msg, fatal: true}}, nil
	}
	if doc.Kind == 0 {
		return nil, &doc // empty
	}
	var out []yamlProblem
	if strict {
		unknownFields(&doc, reflect.TypeOf(v), offset, &out)
	}
	err := doc.Decode(v)
	var te *yaml.TypeError
	switch {
	case err == nil:
	case errors.As(err, &te):
		for _, e := range te.Errors {
			line, msg := yamlLine(e)
			if line > 0 {
				line += offset
			}
			out = append(out, yamlProblem{line: line, what: readableYAML(msg)})
		}
	default:
		line, msg := yamlLine(strings.TrimPrefix(err.Error(), "yaml: "))
		if line > 0 {
			line += offset
		}
		out = append(out, yamlProblem{line: line, what: "the YAML cannot be used: " + msg, fatal: true})
	}
	return out, &doc
}

// unknownFields reports every mapping key that has no field in the struct type t (by yaml tag), recursively
// through structs, pointers and slices. Types with their own UnmarshalYAML are left to themselves.
func unknownFields(n *yaml.Node, t reflect.Type, offset int, out *[]yamlProblem) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(reflect.TypeFor[yaml.Unmarshaler]()) {
		return
	}
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			unknownFields(c, t, offset, out)
		}
	case yaml.MappingNode:
		if t.Kind() != reflect.Struct {
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			f, ok := fieldByTag(t, k.Value)
			if !ok {
				if k.Value != "<<" {
					*out = append(*out, yamlProblem{line: k.Line + offset,
						what: fmt.Sprintf("unknown field %q (check the spelling; docs/CONTENT.md lists the fields)", k.Value)})
				}
				continue
			}
			unknownFields(n.Content[i+1], f.Type, offset, out)
		}
	case yaml.SequenceNode:
		if t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
			for _, c := range n.Content {
				unknownFields(c, t.Elem(), offset, out)
			}
		}
	}
}

// fieldByTag finds the struct field the YAML key name decodes into.
func fieldByTag(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if tag == "-" || !f.IsExported() {
			continue
		}
		if tag == "" {
			tag = strings.ToLower(f.Name)
		}
		if tag == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// yamlLine splits "line 3: msg" into 3 and msg.
func yamlLine(s string) (int, string) {
	rest, ok := strings.CutPrefix(s, "line ")
	if !ok {
		return 0, s
	}
	num, msg, ok := strings.Cut(rest, ": ")
	n, err := strconv.Atoi(num)
	if !ok || err != nil {
		return 0, s
	}
	return n, msg
}

// readableYAML rewrites the decoder's wording for a content writer.
func readableYAML(msg string) string {
	if rest, ok := strings.CutPrefix(msg, "field "); ok {
		if name, _, ok := strings.Cut(rest, " not found in type "); ok {
			return fmt.Sprintf("unknown field %q (check the spelling; docs/CONTENT.md lists the fields)", name)
		}
	}
	if strings.Contains(msg, "already set in map") {
		return "a field is given twice: " + msg
	}
	return "wrong kind of value: " + msg
}

// frontMatter splits "---\nYAML\n---\nbody". fmStart is the file line of the first YAML line and bodyStart
// that of the first body line. ok is false when the file does not start with front matter or never closes it.
func frontMatter(s string) (fm string, fmStart int, body string, bodyStart int, ok bool) {
	first, rest, found := strings.Cut(s, "\n")
	if strings.TrimRight(first, " \t") != "---" || !found {
		return "", 0, s, 1, false
	}
	line := 2
	pos := 0
	for pos <= len(rest) {
		end := strings.IndexByte(rest[pos:], '\n')
		var l string
		if end < 0 {
			l = rest[pos:]
		} else {
			l = rest[pos : pos+end]
		}
		if strings.TrimRight(l, " \t") == "---" {
			after := ""
			if end >= 0 {
				after = rest[pos+end+1:]
			}
			return rest[:pos], 2, after, line + 1, true
		}
		if end < 0 {
			break
		}
		pos += end + 1
		line++
	}
	return "", 0, s, 1, false
}

// lessonFront is a lesson's front matter.
type lessonFront struct {
	Title       string    `yaml:"title"`
	Minutes     int       `yaml:"minutes"`
	Competences *[]string `yaml:"competences"`
}

// indexFront is a course's <lang>/index.md front matter.
type indexFront struct {
	Title   string `yaml:"title"`
	Summary string `yaml:"summary"`
}

// use is one {{placeholder}} in a file.
type use struct {
	name string
	line int
}

// parsedLesson is a lesson file as written: placeholders unfilled, Markdown not rendered.
type parsedLesson struct {
	title       string
	minutes     int
	competences []string // nil when the front matter names none
	steps       []Step
	uses        []use
}

// placeholderUses lists the placeholders of text with their file lines (text starts at file line 1).
func placeholderUses(text string) []use {
	var out []use
	line, pos := 1, 0
	scanPlaceholders(text, func(start, _ int, name string) {
		line += strings.Count(text[pos:start], "\n")
		pos = start
		out = append(out, use{name: name, line: line})
	})
	return out
}

// parseIndex reads a course's <lang>/index.md.
func parseIndex(p *problems, file string, data []byte) (title, summary, body string, uses []use) {
	text := normalise(data)
	uses = placeholderUses(text)
	fm, fmStart, body, _, ok := frontMatter(text)
	if !ok {
		p.add(file, 1, "no front matter: the file starts with a line ---, then title: and summary:, then a line ---")
		return "", "", text, uses
	}
	var f indexFront
	yp, _ := decodeYAML(fm, &f, fmStart-1, true)
	for _, e := range yp {
		p.add(file, e.line, "front matter: %s", e.what)
	}
	title, summary = strings.TrimSpace(f.Title), strings.TrimSpace(f.Summary)
	if title == "" {
		p.add(file, 1, "front matter: title is missing")
	}
	if summary == "" {
		p.add(file, 1, "front matter: summary is missing")
	}
	return title, summary, strings.TrimSpace(body), uses
}

// parseLesson reads one lesson file. It keeps every step it could read; the problems say what it could not.
func parseLesson(p *problems, file string, data []byte) *parsedLesson {
	text := normalise(data)
	pl := &parsedLesson{uses: placeholderUses(text)}
	fm, fmStart, body, bodyStart, ok := frontMatter(text)
	if !ok {
		p.add(file, 1, "no front matter: the file starts with a line ---, then title:, minutes: and competences:, then a line ---")
	} else {
		var f lessonFront
		yp, _ := decodeYAML(fm, &f, fmStart-1, true)
		for _, e := range yp {
			p.add(file, e.line, "front matter: %s", e.what)
		}
		pl.title = strings.TrimSpace(f.Title)
		pl.minutes = f.Minutes
		if pl.title == "" {
			p.add(file, 1, "front matter: title is missing")
		}
		if f.Minutes <= 0 {
			p.add(file, 1, "front matter: minutes is missing (a whole number above 0)")
		}
		if f.Competences != nil {
			pl.competences = *f.Competences
			if len(pl.competences) == 0 {
				p.add(file, 1, "front matter: competences is empty; leave it out to use the course's")
			}
			for _, id := range pl.competences {
				if !KnownCompetence(id) {
					p.add(file, 1, "front matter: %q is not a DigComp 2.2 competence id (1.1 ... 5.4)", id)
				}
			}
		}
	}
	for _, c := range splitSteps(p, file, body, bodyStart) {
		if s, ok := parseStep(p, file, c); ok {
			pl.steps = append(pl.steps, s)
		}
	}
	if len(pl.steps) == 0 {
		p.add(file, bodyStart, "the lesson has no steps")
	}
	return pl
}

// chunk is the text between two +++ lines.
type chunk struct {
	line  int // file line of lines[0]
	lines []string
}

// fence describes an open fenced block.
type fence struct {
	ch   byte
	n    int
	info string
	line int
}

// openFence reports whether line opens a fenced code block (``` or ~~~, indented at most three spaces).
func openFence(line string) (fence, bool) {
	s := strings.TrimLeft(line, " ")
	if len(line)-len(s) > 3 || len(s) < 3 || (s[0] != '`' && s[0] != '~') {
		return fence{}, false
	}
	n := 0
	for n < len(s) && s[n] == s[0] {
		n++
	}
	if n < 3 {
		return fence{}, false
	}
	info := strings.TrimSpace(s[n:])
	if s[0] == '`' && strings.Contains(info, "`") {
		return fence{}, false
	}
	return fence{ch: s[0], n: n, info: info}, true
}

// closes reports whether line closes the fence f.
func (f fence) closes(line string) bool {
	s := strings.TrimLeft(line, " ")
	if len(line)-len(s) > 3 {
		return false
	}
	n := 0
	for n < len(s) && s[n] == f.ch {
		n++
	}
	return n >= f.n && strings.TrimSpace(s[n:]) == ""
}

// word is the first word of an info string: the step kind.
func (f fence) word() string {
	w, _, _ := strings.Cut(f.info, " ")
	return strings.ToLower(w)
}

// splitSteps cuts a lesson body at lines holding only +++, except inside fenced blocks.
func splitSteps(p *problems, file, body string, bodyStart int) []chunk {
	lines := strings.Split(body, "\n")
	var (
		out  []chunk
		cur  = chunk{line: bodyStart}
		open *fence
	)
	flush := func(next int) {
		out = append(out, cur)
		cur = chunk{line: next}
	}
	for i, l := range lines {
		n := bodyStart + i
		if open != nil {
			if open.closes(l) {
				open = nil
			}
			cur.lines = append(cur.lines, l)
			continue
		}
		if strings.TrimSpace(l) == "+++" {
			flush(n + 1)
			continue
		}
		if f, ok := openFence(l); ok {
			f.line = n
			open = &f
		}
		cur.lines = append(cur.lines, l)
	}
	if open != nil {
		p.add(file, open.line, "the block opened here with %s is never closed", strings.Repeat(string(open.ch), open.n))
	}
	flush(0)
	// Trim blank lines at both ends of every chunk; report empty ones except a trailing empty chunk after
	// the last step's own text (a file that ends in a newline).
	var steps []chunk
	for i, c := range out {
		for len(c.lines) > 0 && strings.TrimSpace(c.lines[0]) == "" {
			c.lines = c.lines[1:]
			c.line++
		}
		for len(c.lines) > 0 && strings.TrimSpace(c.lines[len(c.lines)-1]) == "" {
			c.lines = c.lines[:len(c.lines)-1]
		}
		if len(c.lines) == 0 {
			if len(out) > 1 {
				where := c.line
				if i == len(out)-1 {
					p.add(file, bodyStart+len(lines)-1, "the lesson ends with +++: remove it, or add the step that should follow")
					continue
				}
				p.add(file, where, "an empty step: two +++ lines with nothing between them")
			}
			continue
		}
		steps = append(steps, c)
	}
	return steps
}

// parseStep reads one chunk as a text step or a fenced step block. ok is false when nothing usable came out.
func parseStep(p *problems, file string, c chunk) (Step, bool) {
	if f, ok := openFence(c.lines[0]); ok && f.word() != "" {
		last := len(c.lines) - 1
		closeAt := -1
		for i := 1; i <= last; i++ {
			if f.closes(c.lines[i]) {
				closeAt = i
				break
			}
		}
		if closeAt == last {
			kind := f.word()
			if !slices.Contains(blockKinds(), kind) {
				p.add(file, c.line, "unknown step kind %q; the kinds are %s (or plain Markdown text)", kind, strings.Join(blockKinds(), ", "))
				return Step{}, false
			}
			return parseBlock(p, file, kind, strings.Join(c.lines[1:last], "\n"), c.line)
		}
	}
	// Markdown text. A step block inside it means a missing +++.
	var open *fence
	for i, l := range c.lines {
		if open != nil {
			if open.closes(l) {
				open = nil
			}
			continue
		}
		if f, ok := openFence(l); ok {
			if slices.Contains(blockKinds(), f.word()) {
				p.add(file, c.line+i, "a %s block must be a step of its own: put a line +++ before and after it", f.word())
			}
			open = &f
		}
	}
	md := strings.Join(c.lines, "\n")
	if len(md) > maxTextStep {
		p.add(file, c.line, "the step is longer than %d KiB: one idea per step, split it with +++", maxTextStep>>10)
		return Step{}, false
	}
	return Step{Kind: KindText, Line: c.line, Markdown: md}, true
}

// parseBlock decodes the YAML of a fenced step whose opening fence is on file line at, and checks the rules
// that need no other file.
func parseBlock(p *problems, file, kind, src string, at int) (Step, bool) {
	s := Step{Kind: kind, Line: at}
	var target any
	switch kind {
	case KindImage:
		s.Image = &Image{}
		target = s.Image
	case KindVideo:
		s.Video = &Video{}
		target = s.Video
	case KindQuestion:
		s.Question = &Question{}
		target = s.Question
	case KindChecklist:
		s.Checklist = &Checklist{}
		target = s.Checklist
	case KindPractice:
		s.Practice = &Practice{}
		target = s.Practice
	}
	if strings.TrimSpace(src) == "" {
		p.add(file, at, "the %s block is empty", kind)
		return Step{}, false
	}
	yp, doc := decodeYAML(src, target, at, true)
	for _, e := range yp {
		if e.line == 0 {
			e.line = at
		}
		p.add(file, e.line, "%s: %s", kind, e.what)
		if e.fatal {
			return Step{}, false
		}
	}
	lines := fieldLines(doc, at)
	// lineOf gives the file line of a top-level field, or the fence's when the field is absent.
	lineOf := func(field string) int {
		if l, ok := lines[field]; ok {
			return l
		}
		return at
	}
	plainAt := func(line int, field, v string) {
		if strings.Contains(v, "**") || strings.Contains(v, "](") {
			p.add(file, line, "%s: %s is plain text; Markdown (** or links) is shown as typed", kind, field)
		}
	}
	plain := func(field, v string) { plainAt(lineOf(field), field, v) }
	addAt := func(field string, format string, args ...any) { p.add(file, lineOf(field), kind+": "+format, args...) }
	add := func(format string, args ...any) { p.add(file, at, kind+": "+format, args...) }
	switch kind {
	case KindImage:
		im := s.Image
		im.Src, im.Alt, im.Caption = strings.TrimSpace(im.Src), strings.TrimSpace(im.Alt), strings.TrimSpace(im.Caption)
		s.srcLine = lineOf("src")
		if im.Src == "" {
			add("src is missing (a file name in the course's media/)")
		} else if !validMediaName(im.Src) {
			addAt("src", "src %q must be a file name in the course's media/ directory, without a path", im.Src)
		} else if !hasExt(im.Src, imageExts()) {
			addAt("src", "src %q: use an image file (%s)", im.Src, strings.Join(imageExts(), ", "))
		}
		if im.Alt == "" {
			add("alt is missing: say in words what the picture shows")
		}
		plain("alt", im.Alt)
		plain("caption", im.Caption)
	case KindVideo:
		v := s.Video
		v.Src, v.URL, v.Title, v.Transcript = strings.TrimSpace(v.Src), strings.TrimSpace(v.URL), strings.TrimSpace(v.Title), strings.TrimSpace(v.Transcript)
		s.srcLine = lineOf("src")
		switch {
		case v.Src == "" && v.URL == "":
			add("give src (a file in media/) or url (https://...)")
		case v.Src != "" && v.URL != "":
			add("give src or url, not both")
		case v.Src != "" && !validMediaName(v.Src):
			addAt("src", "src %q must be a file name in the course's media/ directory, without a path", v.Src)
		case v.Src != "" && !hasExt(v.Src, videoExts()):
			addAt("src", "src %q: use a video file (%s)", v.Src, strings.Join(videoExts(), ", "))
		case v.URL != "" && !validHTTPS(v.URL):
			addAt("url", "url %q must be a full https:// address", v.URL)
		}
		if v.Title == "" {
			add("title is missing")
		}
		if len(v.Transcript) > maxTranscript {
			addAt("transcript", "transcript is longer than %d KiB: use a shorter video", maxTranscript>>10)
			return Step{}, false
		}
		if v.Transcript == "" {
			add("transcript is missing: write what is said and shown, for people who cannot hear or see the video")
		}
		plain("title", v.Title)
	case KindQuestion:
		checkQuestion(s.Question, lines, add, addAt, plain, plainAt)
	case KindChecklist:
		cl := s.Checklist
		cl.Title = strings.TrimSpace(cl.Title)
		if len(cl.Items) == 0 {
			add("items is missing: list the things to do")
		}
		for i, it := range cl.Items {
			cl.Items[i] = strings.TrimSpace(it)
			if cl.Items[i] == "" {
				addAt(itemKey("items", i), "item %d is empty", i+1)
			}
			plainAt(lineOf(itemKey("items", i)), "an item", it)
		}
		plain("title", cl.Title)
	case KindPractice:
		pr := s.Practice
		pr.Scenario, pr.Intro = strings.TrimSpace(pr.Scenario), strings.TrimSpace(pr.Intro)
		if pr.Scenario == "" {
			add("scenario is missing (a practice scenario id)")
		} else if !validSlug(pr.Scenario) {
			addAt("scenario", "scenario %q: an id is lower-case letters, digits and hyphens", pr.Scenario)
		}
		if pr.Intro == "" {
			add("intro is missing: one sentence saying what the learner will practise")
		}
		plain("intro", pr.Intro)
	}
	return s, true
}

// itemKey names the i-th element of a list field for fieldLines: "options.2".
func itemKey(field string, i int) string { return field + "." + strconv.Itoa(i) }

// fieldLines maps each top-level field of a YAML document's mapping, and each element of a top-level list ("options.0"),
// to its file line; offset is the number of file lines before src.
func fieldLines(doc *yaml.Node, offset int) map[string]int {
	if doc == nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil
	}
	m := doc.Content[0]
	out := map[string]int{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		out[k.Value] = k.Line + offset
		if v.Kind == yaml.SequenceNode {
			for j, e := range v.Content {
				out[itemKey(k.Value, j)] = e.Line + offset
			}
		}
	}
	return out
}

// checkQuestion applies the rules of each question type.
func checkQuestion(q *Question, lines map[string]int, add func(string, ...any), addAt func(string, string, ...any),
	plain func(string, string), plainAt func(int, string, string)) {
	lineOf := func(field string) int {
		if l, ok := lines[field]; ok {
			return l
		}
		return lines["type"]
	}
	q.Type, q.Prompt = strings.TrimSpace(q.Type), strings.TrimSpace(q.Prompt)
	q.FeedbackCorrect, q.FeedbackWrong = strings.TrimSpace(q.FeedbackCorrect), strings.TrimSpace(q.FeedbackWrong)
	if q.Prompt == "" {
		add("prompt is missing")
	}
	plain("prompt", q.Prompt)
	feedbacks := func() {
		if q.FeedbackCorrect == "" {
			add("feedback_correct is missing")
		}
		if q.FeedbackWrong == "" {
			add("feedback_wrong is missing")
		}
		plain("feedback_correct", q.FeedbackCorrect)
		plain("feedback_wrong", q.FeedbackWrong)
	}
	notFor := func(field string, set bool) {
		if set {
			addAt(field, "%s does not belong to a %s question", field, q.Type)
		}
	}
	switch q.Type {
	case QuestionSingle, QuestionMultiple:
		notFor("answer", q.Answer != nil)
		notFor("items", len(q.Items) > 0)
		notFor("feedback_correct", q.FeedbackCorrect != "")
		notFor("feedback_wrong", q.FeedbackWrong != "")
		if len(q.Options) < 2 {
			addAt("options", "give at least 2 options")
		}
		correct := 0
		for i := range q.Options {
			o := &q.Options[i]
			o.Text, o.Feedback = strings.TrimSpace(o.Text), strings.TrimSpace(o.Feedback)
			if o.Correct {
				correct++
			}
			at := itemKey("options", i)
			if o.Text == "" {
				addAt(at, "option %d has no text", i+1)
			}
			if o.Feedback == "" {
				addAt(at, "option %d has no feedback: say why it is right, or kindly why not", i+1)
			}
			plainAt(lineOf(at), fmt.Sprintf("option %d", i+1), o.Text)
			plainAt(lineOf(at), fmt.Sprintf("the feedback of option %d", i+1), o.Feedback)
		}
		switch {
		case correct == 0:
			addAt("options", "no option is marked correct: true")
		case q.Type == QuestionSingle && correct > 1:
			addAt("options", "a single question has exactly one correct option, this one has %d (use type: multiple)", correct)
		}
	case QuestionTrueFalse:
		notFor("options", len(q.Options) > 0)
		notFor("items", len(q.Items) > 0)
		if q.Answer == nil {
			add("answer is missing: true or false")
		}
		feedbacks()
	case QuestionOrder:
		notFor("options", len(q.Options) > 0)
		notFor("answer", q.Answer != nil)
		if len(q.Items) < 2 {
			addAt("items", "give at least 2 items, in the right order")
		}
		for i, it := range q.Items {
			q.Items[i] = strings.TrimSpace(it)
			if q.Items[i] == "" {
				addAt(itemKey("items", i), "item %d is empty", i+1)
			}
			plainAt(lineOf(itemKey("items", i)), fmt.Sprintf("item %d", i+1), it)
		}
		feedbacks()
	case "":
		add("type is missing: single, multiple, truefalse or order")
	default:
		addAt("type", "unknown type %q: use single, multiple, truefalse or order", q.Type)
	}
}

// validSlug: lower-case letters, digits and single hyphens, starting with a letter or digit.
func validSlug(s string) bool {
	if s == "" || len(s) > 80 || s[0] == '-' || s[len(s)-1] == '-' || strings.Contains(s, "--") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// validMediaName: a plain file name of letters, digits, '.', '_' and '-', not starting with '.' or '_'.
func validMediaName(s string) bool {
	if s == "" || len(s) > 120 || s[0] == '.' || s[0] == '_' || s[0] == '-' || strings.Contains(s, "..") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

func hasExt(name string, exts []string) bool {
	lower := strings.ToLower(name)
	return slices.ContainsFunc(exts, func(e string) bool { return strings.HasSuffix(lower, e) })
}

func validHTTPS(u string) bool {
	rest, ok := strings.CutPrefix(u, "https://")
	return ok && rest != "" && rest[0] != '/' && !strings.ContainsAny(u, " \t\n\"<>")
}
