package course

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/onramp/onramp/internal/i18n"
)

// Library is the loaded content: courses, lessons in every language rendered for every country profile, the
// profiles, and the problems met while loading. It is read-only after Load and safe for concurrent use.
type Library struct {
	courses   []*Course // by Order, then Slug
	bySlug    map[string]*Course
	lessons   map[lessonKey]*Lesson // the neutral-profile version; In gives the others
	countries map[string]*Country
	langs     []string
	problems  []Problem
}

type lessonKey struct{ course, lesson, lang string }

// source is where one course directory or profile file comes from.
type source struct {
	pack int
	fsys fs.FS
	path string
}

// courseFile is the YAML of courses/<slug>/course.yaml.
type courseFile struct {
	Slug        string   `yaml:"slug"`
	Order       int      `yaml:"order"`
	Level       string   `yaml:"level"`
	Minutes     int      `yaml:"minutes"`
	Competences []string `yaml:"competences"`
	Countries   []string `yaml:"countries"`
	Lessons     []string `yaml:"lessons"`
}

// Load reads the content tree fsys (the layout of docs/CONTENT.md: countries/ and courses/) and then each extra
// content pack in order. A pack may add courses and country profiles; a course directory or profile of the same
// name in a later tree replaces the earlier one whole.
//
// A broken file does not fail Load: the Library keeps what it could read, and Validate lists every problem. Load
// returns an error only when a tree, or its countries/ or courses/ directory, cannot be read at all.
func Load(fsys fs.FS, extra ...fs.FS) (*Library, error) {
	lib := &Library{
		bySlug:    map[string]*Course{},
		lessons:   map[lessonKey]*Lesson{},
		countries: map[string]*Country{},
	}
	for _, l := range i18n.Languages() {
		lib.langs = append(lib.langs, l.Code)
	}
	countryFiles := map[string]source{}
	courseDirs := map[string]source{}
	var probs []*problems
	for i, t := range append([]fs.FS{fsys}, extra...) {
		if t == nil {
			return nil, fmt.Errorf("content tree %d is nil", i)
		}
		if _, err := fs.ReadDir(t, "."); err != nil {
			return nil, fmt.Errorf("reading content tree %d: %w", i, err)
		}
		p := &problems{pack: i}
		probs = append(probs, p)
		_, errC := fs.Stat(t, "countries")
		_, errK := fs.Stat(t, "courses")
		if errC != nil && errK != nil {
			p.add(".", 0, "neither countries/ nor courses/ is here: is this a content tree (docs/CONTENT.md)?")
		}
		entries, err := readDirIfAny(t, "countries")
		if err != nil {
			return nil, fmt.Errorf("content tree %d: %w", i, err)
		}
		for _, e := range entries {
			name := e.Name()
			switch {
			case e.IsDir() || strings.HasPrefix(name, "."):
			case strings.HasSuffix(name, ".yaml"):
				countryFiles[strings.TrimSuffix(name, ".yaml")] = source{pack: i, fsys: t, path: "countries/" + name}
			case strings.HasSuffix(name, ".yml"):
				p.add("countries/"+name, 0, "name the file .yaml, not .yml")
			}
		}
		entries, err = readDirIfAny(t, "courses")
		if err != nil {
			return nil, fmt.Errorf("content tree %d: %w", i, err)
		}
		for _, e := range entries {
			if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
				courseDirs[e.Name()] = source{pack: i, fsys: t, path: "courses/" + e.Name()}
			}
		}
	}

	for _, code := range sortedKeys(countryFiles) {
		src := countryFiles[code]
		p := probs[src.pack]
		data, ok := readFile(p, src)
		if !ok {
			continue
		}
		if c := parseCountry(p, src.path, code, data, lib.langs); c != nil {
			lib.countries[c.Code] = c
		}
	}
	if _, ok := lib.countries[Neutral]; !ok {
		probs[0].add("countries/"+Neutral+".yaml", 0, "the neutral country profile XX is missing; it is used wherever no other profile applies")
	}

	ld := &loader{lib: lib, r: newRenderer()}
	for _, slug := range sortedKeys(courseDirs) {
		src := courseDirs[slug]
		ld.loadCourse(probs[src.pack], slug, src)
	}
	ld.checkPlaceholders()

	slices.SortFunc(lib.courses, func(a, b *Course) int {
		return cmp.Or(cmp.Compare(a.Order, b.Order), strings.Compare(a.Slug, b.Slug))
	})
	for _, p := range probs {
		lib.problems = append(lib.problems, p.list...)
	}
	slices.SortStableFunc(lib.problems, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.Pack, b.Pack), strings.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line))
	})
	return lib, nil
}

func readDirIfAny(fsys fs.FS, dir string) ([]fs.DirEntry, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return entries, err
}

func readFile(p *problems, src source) ([]byte, bool) {
	if st, err := fs.Stat(src.fsys, src.path); err == nil && st.Size() > maxFileSize {
		p.add(src.path, 0, "the file is larger than %d KiB; split it", maxFileSize>>10)
		return nil, false
	}
	data, err := fs.ReadFile(src.fsys, src.path)
	if err != nil {
		p.add(src.path, 0, "cannot read the file: %v", err)
		return nil, false
	}
	if len(data) > maxFileSize {
		p.add(src.path, 0, "the file is larger than %d KiB; split it", maxFileSize>>10)
		return nil, false
	}
	return data, true
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// loader carries what the passes over the courses share.
type loader struct {
	lib  *Library
	r    *renderer
	uses []placedUse // every placeholder of every file, checked once all profiles are known
}

type placedUse struct {
	p    *problems
	file string
	use
}

func (ld *loader) addUses(p *problems, file string, uses []use) {
	for _, u := range uses {
		ld.uses = append(ld.uses, placedUse{p: p, file: file, use: u})
	}
}

// loadCourse reads one course directory.
func (ld *loader) loadCourse(p *problems, slug string, src source) {
	lib := ld.lib
	dir := src.path
	if !validSlug(slug) {
		p.add(dir, 0, "the course directory name %q is not a slug: use lower-case letters, digits and hyphens", slug)
		return
	}
	manifest := dir + "/course.yaml"
	if _, err := fs.Stat(src.fsys, manifest); errors.Is(err, fs.ErrNotExist) {
		p.add(manifest, 0, "missing: every course directory has a course.yaml (docs/CONTENT.md)")
		return
	}
	data, ok := readFile(p, source{pack: src.pack, fsys: src.fsys, path: manifest})
	if !ok {
		return
	}
	var cf courseFile
	yp, _ := decodeYAML(normalise(data), &cf, 0, true)
	for _, e := range yp {
		p.add(manifest, e.line, "%s", e.what)
		if e.fatal {
			return
		}
	}
	c := &Course{
		Slug: slug, Order: cf.Order, Level: cf.Level, Minutes: cf.Minutes,
		Competences: cf.Competences, Countries: cf.Countries,
		Titles: map[string]string{}, Summaries: map[string]string{},
		intro: map[string]variants{},
		src:   src.fsys, dir: dir,
	}
	ld.checkManifest(p, manifest, slug, &cf)
	for _, l := range cf.Lessons {
		if validSlug(l) && !slices.ContainsFunc(c.Lessons, func(r LessonRef) bool { return r.Slug == l }) {
			c.Lessons = append(c.Lessons, LessonRef{Slug: l, Titles: map[string]string{}})
		}
	}

	entries, err := fs.ReadDir(src.fsys, dir)
	if err != nil {
		p.add(dir, 0, "cannot read the directory: %v", err)
		return
	}
	langDirs := map[string]bool{}
	for _, e := range entries {
		name := e.Name()
		switch {
		case strings.HasPrefix(name, "."):
		case e.IsDir() && name == "media":
			ld.readMedia(p, c)
		case e.IsDir() && slices.Contains(lib.langs, name):
			langDirs[name] = true
		case e.IsDir():
			p.add(dir+"/"+name, 0, "unknown directory: a course holds media/ and one directory per language (%s)", strings.Join(lib.langs, ", "))
		}
	}

	parsed := map[lessonKey]*parsedLesson{}
	for _, lang := range lib.langs {
		ldir := dir + "/" + lang
		if !langDirs[lang] {
			p.add(ldir, 0, "the course has no %s version: add %s/index.md and every lesson in %s", lang, lang, lang)
			continue
		}
		ld.loadLanguage(p, c, src, lang, parsed)
	}
	ld.checkParity(p, c, parsed)
	ld.checkMedia(p, c, parsed)
	ld.buildLessons(p, c, parsed)
	lib.courses = append(lib.courses, c)
	lib.bySlug[slug] = c
}

func (ld *loader) checkManifest(p *problems, file, slug string, cf *courseFile) {
	if cf.Slug != slug {
		p.add(file, 0, "slug %q does not match the directory name %q", cf.Slug, slug)
	}
	if cf.Order <= 0 {
		p.add(file, 0, "order is missing: the course's place in the catalogue, a whole number from 1")
	}
	if !slices.Contains(Levels(), cf.Level) {
		p.add(file, 0, "level %q: use one of %s", cf.Level, strings.Join(Levels(), ", "))
	}
	if cf.Minutes <= 0 {
		p.add(file, 0, "minutes is missing: how long the whole course takes, roughly")
	}
	if len(cf.Competences) == 0 {
		p.add(file, 0, "competences is missing: the DigComp 2.2 ids the course serves")
	}
	for _, id := range cf.Competences {
		if !KnownCompetence(id) {
			p.add(file, 0, "competences: %q is not a DigComp 2.2 competence id (1.1 ... 5.4)", id)
		}
	}
	for _, code := range cf.Countries {
		if _, ok := ld.lib.countries[code]; !ok {
			p.add(file, 0, "countries: %q has no profile in countries/", code)
		}
	}
	if len(cf.Lessons) == 0 {
		p.add(file, 0, "lessons is missing: list the lesson slugs in order")
	}
	seen := map[string]bool{}
	for _, l := range cf.Lessons {
		switch {
		case !validSlug(l):
			p.add(file, 0, "lessons: %q is not a slug (lower-case letters, digits and hyphens)", l)
		case seen[l]:
			p.add(file, 0, "lessons: %q is listed twice", l)
		}
		seen[l] = true
	}
}

func (ld *loader) readMedia(p *problems, c *Course) {
	mdir := c.dir + "/media"
	entries, err := fs.ReadDir(c.src, mdir)
	if err != nil {
		p.add(mdir, 0, "cannot read the directory: %v", err)
		return
	}
	for _, e := range entries {
		name := e.Name()
		switch {
		case strings.HasPrefix(name, "."):
		case e.IsDir():
			p.add(mdir+"/"+name, 0, "media/ holds files only, no directories")
		case !validMediaName(name):
			p.add(mdir+"/"+name, 0, "a media file name uses letters, digits, '.', '_' and '-' only")
		default:
			c.media = append(c.media, name)
		}
	}
	slices.Sort(c.media)
}

// loadLanguage reads <lang>/index.md and every lesson file of one language.
func (ld *loader) loadLanguage(p *problems, c *Course, src source, lang string, parsed map[lessonKey]*parsedLesson) {
	ldir := c.dir + "/" + lang
	entries, err := fs.ReadDir(src.fsys, ldir)
	if err != nil {
		p.add(ldir, 0, "cannot read the directory: %v", err)
		return
	}
	files := map[string]bool{}
	for _, e := range entries {
		name := e.Name()
		switch {
		case strings.HasPrefix(name, "."):
		case e.IsDir():
			p.add(ldir+"/"+name, 0, "a language directory holds .md files only; images go in the course's media/")
		case name == "index.md":
			files[name] = true
		case strings.HasSuffix(name, ".md"):
			files[name] = true
			slug := strings.TrimSuffix(name, ".md")
			if !slices.ContainsFunc(c.Lessons, func(r LessonRef) bool { return r.Slug == slug }) {
				p.add(ldir+"/"+name, 0, "lesson %q is not listed in course.yaml lessons: add it there, or remove the file", slug)
			}
		default:
			p.add(ldir+"/"+name, 0, "unexpected file: a language directory holds index.md and <lesson>.md files; media go in media/")
		}
	}

	index := ldir + "/index.md"
	if !files["index.md"] {
		p.add(index, 0, "missing: the course's title and summary in %s", lang)
	} else if data, ok := readFile(p, source{fsys: src.fsys, path: index}); ok {
		title, summary, body, uses := parseIndex(p, index, data)
		ld.addUses(p, index, uses)
		if title != "" {
			c.Titles[lang] = title
		}
		if summary != "" {
			c.Summaries[lang] = summary
		}
		if len(body) > maxTextStep {
			p.add(index, 0, "the course text is longer than %d KiB: keep it to a few sentences", maxTextStep>>10)
			body = ""
		}
		c.intro[lang] = ld.renderVariants(p, index, body, lang)
	}

	for i := range c.Lessons {
		ref := &c.Lessons[i]
		file := ldir + "/" + ref.Slug + ".md"
		if !files[ref.Slug+".md"] {
			p.add(file, 0, "missing: lesson %q is listed in course.yaml but has no %s version", ref.Slug, lang)
			continue
		}
		data, ok := readFile(p, source{fsys: src.fsys, path: file})
		if !ok {
			continue
		}
		pl := parseLesson(p, file, data)
		ld.addUses(p, file, pl.uses)
		if pl.title != "" {
			ref.Titles[lang] = pl.title
		}
		parsed[lessonKey{c.Slug, ref.Slug, lang}] = pl
	}
}

// checkParity holds every translation of a lesson to the English steps: the same kinds in the same order, the
// same question shapes and correct answers, the same media. Progress and answers are recorded by step, so a
// translation that drifts would score a learner against another lesson.
func (ld *loader) checkParity(p *problems, c *Course, parsed map[lessonKey]*parsedLesson) {
	for _, ref := range c.Lessons {
		en := parsed[lessonKey{c.Slug, ref.Slug, fallbackLang}]
		if en == nil {
			continue
		}
		for _, lang := range ld.lib.langs {
			tr := parsed[lessonKey{c.Slug, ref.Slug, lang}]
			if lang == fallbackLang || tr == nil {
				continue
			}
			file := c.dir + "/" + lang + "/" + ref.Slug + ".md"
			if !slices.Equal(tr.competences, en.competences) {
				p.add(file, 1, "front matter: competences differ from the English lesson (%s)", strings.Join(en.competences, ", "))
			}
			if len(tr.steps) != len(en.steps) {
				p.add(file, 0, "has %d steps, the English lesson has %d: a translation keeps the same steps in the same order", len(tr.steps), len(en.steps))
			}
			for i := 0; i < len(tr.steps) && i < len(en.steps); i++ {
				if why := stepDiffers(en.steps[i], tr.steps[i]); why != "" {
					p.add(file, tr.steps[i].Line, "step %d: %s", i+1, why)
				}
			}
		}
	}
}

func stepDiffers(en, tr Step) string {
	if en.Kind != tr.Kind {
		return fmt.Sprintf("is %s, but %s in the English lesson", tr.Kind, en.Kind)
	}
	switch {
	case en.Image != nil && tr.Image.Src != en.Image.Src:
		return fmt.Sprintf("shows %q, the English lesson %q", tr.Image.Src, en.Image.Src)
	case en.Video != nil && (tr.Video.Src != en.Video.Src || tr.Video.URL != en.Video.URL):
		return "plays another video than the English lesson"
	case en.Practice != nil && tr.Practice.Scenario != en.Practice.Scenario:
		return fmt.Sprintf("practises %q, the English lesson %q", tr.Practice.Scenario, en.Practice.Scenario)
	case en.Question != nil:
		a, b := en.Question, tr.Question
		switch {
		case a.Type != b.Type:
			return fmt.Sprintf("is a %s question, the English one is %s", b.Type, a.Type)
		case len(a.Options) != len(b.Options):
			return fmt.Sprintf("has %d options, the English question %d", len(b.Options), len(a.Options))
		case len(a.Items) != len(b.Items):
			return fmt.Sprintf("has %d items, the English question %d", len(b.Items), len(a.Items))
		case (a.Answer == nil) != (b.Answer == nil) || a.Answer != nil && *a.Answer != *b.Answer:
			return "the answer differs from the English question"
		}
		for i := range a.Options {
			if a.Options[i].Correct != b.Options[i].Correct {
				return fmt.Sprintf("option %d is marked correct differently from the English question", i+1)
			}
		}
	}
	return ""
}

// checkMedia checks that every image and video a step names is in media/.
func (ld *loader) checkMedia(p *problems, c *Course, parsed map[lessonKey]*parsedLesson) {
	for _, lang := range ld.lib.langs {
		for _, ref := range c.Lessons {
			pl := parsed[lessonKey{c.Slug, ref.Slug, lang}]
			if pl == nil {
				continue
			}
			file := c.dir + "/" + lang + "/" + ref.Slug + ".md"
			for _, s := range pl.steps {
				src := ""
				switch {
				case s.Image != nil:
					src = s.Image.Src
				case s.Video != nil:
					src = s.Video.Src
				}
				if src != "" && validMediaName(src) {
					if _, ok := slices.BinarySearch(c.media, src); !ok {
						p.add(file, cmp.Or(s.srcLine, s.Line), "%s: %q is not in %s/media/", s.Kind, src, c.dir)
					}
				}
			}
		}
	}
}

// buildLessons fills and renders every lesson for every country profile, fills in the lesson references, and
// checks the rule that every lesson asks at least one question.
func (ld *loader) buildLessons(p *problems, c *Course, parsed map[lessonKey]*parsedLesson) {
	for i := range c.Lessons {
		ref := &c.Lessons[i]
		if en := parsed[lessonKey{c.Slug, ref.Slug, fallbackLang}]; en != nil {
			ref.Minutes = en.minutes
			ref.Competences = orList(en.competences, c.Competences)
		} else {
			ref.Competences = c.Competences
		}
		for _, lang := range ld.lib.langs {
			key := lessonKey{c.Slug, ref.Slug, lang}
			pl := parsed[key]
			if pl == nil {
				continue
			}
			file := c.dir + "/" + lang + "/" + ref.Slug + ".md"
			if !slices.ContainsFunc(pl.steps, func(s Step) bool { return s.Kind == KindQuestion }) {
				p.add(file, 0, "the lesson has no question: end it with at least one question step")
			}
			ld.lib.lessons[key] = ld.buildLesson(p, file, c, ref.Slug, lang, pl)
		}
	}
}

// buildLesson makes the country versions of one lesson-language and returns the neutral one.
func (ld *loader) buildLesson(p *problems, file string, c *Course, slug, lang string, pl *parsedLesson) *Lesson {
	base := Lesson{
		CourseSlug: c.Slug, Slug: slug, Lang: lang,
		Title:       cmp.Or(pl.title, slug),
		Minutes:     pl.minutes,
		Competences: orList(pl.competences, c.Competences),
	}
	if len(pl.uses) == 0 || len(ld.lib.countries) == 0 {
		l := base
		l.Steps = ld.renderSteps(p, file, pl.steps, nil, lang, true, nil)
		return &l
	}
	all := map[string]*Lesson{}
	first := true
	shared := map[int]string{} // the HTML of steps without placeholders, made once for every country
	for _, code := range sortedKeys(ld.lib.countries) {
		country := ld.lib.countries[code]
		l := base
		l.Country = code
		l.Title = Fill(l.Title, country, lang)
		// Writers hear about Markdown trouble once, from the neutral (or first) version.
		report := code == Neutral || first && ld.lib.countries[Neutral] == nil
		first = false
		l.Steps = ld.renderSteps(p, file, pl.steps, country, lang, report, shared)
		l.variants = all
		all[code] = &l
	}
	if n, ok := all[Neutral]; ok {
		return n
	}
	return all[sortedKeys(all)[0]]
}

// renderSteps copies the steps with their text filled from the country (nil: as written) and Markdown
// rendered. report asks for the writer's notes on Markdown; shared, when not nil, keeps the HTML of the steps
// that have no placeholder, which every country's version shares (and whose notes come with the first).
func (ld *loader) renderSteps(p *problems, file string, raw []Step, country *Country, lang string, report bool, shared map[int]string) []Step {
	plain := func(s string) string { return Fill(s, country, lang) }
	md := func(s string) string { return fill(s, country, lang, escapeMarkdown) }
	render := func(i, line int, src string) string {
		if shared == nil || strings.Contains(src, "{{") {
			return ld.renderChecked(p, file, line, md(src), report)
		}
		if h, ok := shared[i]; ok {
			return h
		}
		h := ld.renderChecked(p, file, line, src, true)
		shared[i] = h
		return h
	}
	out := make([]Step, len(raw))
	for i, s := range raw {
		switch {
		case s.Image != nil:
			im := *s.Image
			im.Alt, im.Caption = plain(im.Alt), plain(im.Caption)
			s.Image = &im
		case s.Video != nil:
			v := *s.Video
			v.Title = plain(v.Title)
			v.TranscriptHTML = render(i, s.Line, v.Transcript)
			v.Transcript = plain(v.Transcript)
			s.Video = &v
		case s.Question != nil:
			q := *s.Question
			q.Prompt, q.FeedbackCorrect, q.FeedbackWrong = plain(q.Prompt), plain(q.FeedbackCorrect), plain(q.FeedbackWrong)
			q.Options = slices.Clone(q.Options)
			for j := range q.Options {
				q.Options[j].Text, q.Options[j].Feedback = plain(q.Options[j].Text), plain(q.Options[j].Feedback)
			}
			q.Items = slices.Clone(q.Items)
			for j := range q.Items {
				q.Items[j] = plain(q.Items[j])
			}
			s.Question = &q
		case s.Checklist != nil:
			cl := *s.Checklist
			cl.Title = plain(cl.Title)
			cl.Items = slices.Clone(cl.Items)
			for j := range cl.Items {
				cl.Items[j] = plain(cl.Items[j])
			}
			s.Checklist = &cl
		case s.Practice != nil:
			pr := *s.Practice
			pr.Intro = plain(pr.Intro)
			s.Practice = &pr
		default:
			s.HTML = render(i, s.Line, s.Markdown)
			s.Markdown = md(s.Markdown)
		}
		out[i] = s
	}
	return out
}

// renderChecked renders Markdown and, when report is set, tells the writer about what will not show.
func (ld *loader) renderChecked(p *problems, file string, line int, md string, report bool) string {
	html, notes := ld.r.render(md)
	if report {
		if notes.rawHTML {
			p.add(file, line, "raw HTML is not shown: write Markdown only")
		}
		if notes.images {
			p.add(file, line, "a Markdown image: use an image step (with alt) so the picture is checked and described")
		}
		for _, l := range notes.badLinks {
			p.add(file, line, "link %q: use a full https:// address (or mailto:, tel:)", l)
		}
	}
	return html
}

// renderVariants renders a Markdown body for every country profile when it has placeholders, once otherwise.
func (ld *loader) renderVariants(p *problems, file, body, lang string) variants {
	if !strings.Contains(body, "{{") || len(ld.lib.countries) == 0 {
		return variants{"": ld.renderChecked(p, file, 0, body, true)}
	}
	v := variants{}
	for _, code := range sortedKeys(ld.lib.countries) {
		md := fill(body, ld.lib.countries[code], lang, escapeMarkdown)
		v[code] = ld.renderChecked(p, file, 0, md, code == Neutral)
	}
	return v
}

// checkPlaceholders reports every {{name}} that is not defined in every country profile.
func (ld *loader) checkPlaceholders() {
	known := map[string]bool{}
	for _, n := range Placeholders() {
		known[n] = true
	}
	first := true
	common := map[string]bool{}
	for _, c := range ld.lib.countries {
		if first {
			for n := range c.Placeholders {
				common[n] = true
			}
			first = false
			continue
		}
		for n := range common {
			if _, ok := c.Placeholders[n]; !ok {
				delete(common, n)
			}
		}
	}
	for n := range common {
		known[n] = true
	}
	for _, u := range ld.uses {
		if !known[u.name] {
			u.p.add(u.file, u.line, "unknown placeholder {{%s}}: use one of %s, or define it in every country profile", u.name, placeholderList(known))
		}
	}
}

func placeholderList(known map[string]bool) string {
	names := sortedKeys(known)
	for i, n := range names {
		names[i] = "{{" + n + "}}"
	}
	return strings.Join(names, ", ")
}

// Validate returns every problem found while loading, ordered by tree, file and line. An empty result means
// the content follows docs/CONTENT.md.
func (l *Library) Validate() []Problem { return slices.Clone(l.problems) }

// Courses returns every course that loaded, by Order then Slug; the slice is new on every call.
func (l *Library) Courses() []*Course { return slices.Clone(l.courses) }

// Course returns the course with the slug, or nil.
func (l *Library) Course(slug string) *Course { return l.bySlug[slug] }

// Lesson returns a lesson of a course in lang, filled from the neutral profile (call In for the learner's
// country). When lang has no usable version it falls back to English, then to any language (Lang says which),
// and for a listed lesson with no usable file at all to a lesson holding only its title, so a listed lesson
// never gives nil. An unknown course or a lesson the course does not list gives nil.
func (l *Library) Lesson(course, lesson, lang string) *Lesson {
	c := l.bySlug[course]
	if c == nil || !slices.ContainsFunc(c.Lessons, func(r LessonRef) bool { return r.Slug == lesson }) {
		return nil
	}
	for _, try := range append([]string{lang, fallbackLang}, l.langs...) {
		if ls, ok := l.lessons[lessonKey{course, lesson, try}]; ok {
			return ls
		}
	}
	return &Lesson{CourseSlug: course, Slug: lesson, Lang: fallbackLang, Title: lesson, Competences: c.Competences}
}

// Country returns the profile with the code, the neutral profile XX for an unknown code, and an empty XX
// profile when even that is missing; never nil.
func (l *Library) Country(code string) *Country {
	if c, ok := l.countries[code]; ok {
		return c
	}
	if c, ok := l.countries[Neutral]; ok {
		return c
	}
	return &Country{Code: Neutral, Name: map[string]string{}, BankFraudAdvice: map[string]string{}, Placeholders: map[string]map[string]string{}}
}

// Countries returns every profile by code, the neutral one included; the slice is new on every call.
func (l *Library) Countries() []*Country {
	out := make([]*Country, 0, len(l.countries))
	for _, code := range sortedKeys(l.countries) {
		out = append(out, l.countries[code])
	}
	return out
}

// Languages returns the language codes every course is checked in, in the order of i18n.Languages.
func (l *Library) Languages() []string { return slices.Clone(l.langs) }

// orList returns a when it has elements, else b.
func orList(a, b []string) []string {
	if len(a) > 0 {
		return a
	}
	return b
}
