package course

import (
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/onramp/onramp/internal/errs"
)

// Course is one course of the catalogue, as its course.yaml and <lang>/index.md files describe it.
type Course struct {
	Slug        string   // the directory name: lower-case letters, digits and hyphens
	Order       int      // place in the catalogue, lowest first
	Level       string   // DigComp band: foundation, intermediate or advanced
	Minutes     int      // the whole course, roughly
	Competences []string // DigComp 2.2 ids
	Countries   []string // profile codes it applies to; empty means every country
	Lessons     []LessonRef
	Titles      map[string]string // language -> title, as written (may hold {{placeholders}}: see Fill)
	Summaries   map[string]string // language -> one-sentence summary, as written

	intro map[string]variants // language -> the index.md body rendered per country
	src   fs.FS               // the tree the course came from
	dir   string              // courses/<slug> in src
	media []string            // file names in media/, sorted
}

// LessonRef is a lesson as the course lists it.
type LessonRef struct {
	Slug        string
	Titles      map[string]string // language -> title, as written
	Minutes     int               // from the English file
	Competences []string          // from the English file, or the course's
}

// variants holds one rendering per country profile code; "" holds the rendering shared by every country when
// the text has no placeholder.
type variants map[string]string

func (v variants) get(country string) string {
	if s, ok := v[country]; ok {
		return s
	}
	if s, ok := v[Neutral]; ok {
		return s
	}
	return v[""]
}

// Title returns the course title in lang, or in English when lang has none. It may hold placeholders: pass it
// through Fill with the learner's country.
func (c *Course) Title(lang string) string { return pick(c.Titles, lang) }

// Summary returns the one-sentence summary in lang, or in English; pass it through Fill like Title.
func (c *Course) Summary(lang string) string { return pick(c.Summaries, lang) }

// Intro returns the course page text (the body of <lang>/index.md) as HTML, filled for the country profile
// code (the neutral one for an unknown code) and rendered at load. The HTML is safe to put in a page as is.
func (c *Course) Intro(lang, country string) string {
	v, ok := c.intro[lang]
	if !ok {
		v = c.intro[fallbackLang]
	}
	return v.get(country)
}

// AppliesTo reports whether the course is meant for learners in the country: true when its Countries list is
// empty or names the code.
func (c *Course) AppliesTo(country string) bool {
	return len(c.Countries) == 0 || slices.Contains(c.Countries, country)
}

// Media returns the names of the course's media files, sorted; the slice is new on every call.
func (c *Course) Media() []string { return slices.Clone(c.media) }

// OpenMedia opens one file of the course's media/ directory (an image or a video a step names).
// It returns errs.NotFound for a name the course does not have, including any name with a path in it.
func (c *Course) OpenMedia(name string) (fs.File, error) {
	if _, ok := slices.BinarySearch(c.media, name); !ok || strings.ContainsAny(name, `/\`) {
		return nil, errs.E(errs.NotFound, "course.media.not_found", fs.ErrNotExist)
	}
	return c.src.Open(path.Join(c.dir, "media", name))
}

// Lesson is one lesson in one language, filled for one country profile and rendered. Every Lesson a Library
// returns is read-only and shared: never change it.
type Lesson struct {
	CourseSlug  string
	Slug        string
	Lang        string // the language of the text; English when the asked-for language was missing
	Country     string // the profile code the placeholders were filled from; "" when the lesson has none
	Title       string
	Minutes     int
	Competences []string // the lesson's, or the course's when the lesson names none
	Steps       []Step

	variants map[string]*Lesson // every country's version of this lesson-language, shared by them all
}

// In returns the lesson filled from the country profile code (the neutral profile for an unknown code). All
// versions are made at load, so In costs one map look-up.
func (l *Lesson) In(country string) *Lesson {
	if v, ok := l.variants[country]; ok {
		return v
	}
	if v, ok := l.variants[Neutral]; ok {
		return v
	}
	return l
}

// Questions counts the lesson's question steps.
func (l *Lesson) Questions() int {
	n := 0
	for _, s := range l.Steps {
		if s.Kind == KindQuestion {
			n++
		}
	}
	return n
}

// Step is one screen of a lesson. Kind says which of the pointers is set: none for text.
type Step struct {
	Kind     string // KindText, KindImage, KindVideo, KindQuestion, KindChecklist or KindPractice
	Line     int    // where the step starts in its file
	Markdown string // text steps: the Markdown, filled
	HTML     string // text steps: the Markdown rendered to safe HTML (no raw HTML, headings h3 and below)

	Image     *Image
	Video     *Video
	Question  *Question
	Checklist *Checklist
	Practice  *Practice

	srcLine int // the line of an image's or video's src, for messages
}

// Image is a picture from the course's media/ directory. All text fields are plain text.
type Image struct {
	Src     string `yaml:"src"`     // a file name in media/
	Alt     string `yaml:"alt"`     // what the picture shows, for people who cannot see it
	Caption string `yaml:"caption"` // optional
}

// Video is a short video from media/ (Src) or an https address (URL), always with a transcript.
type Video struct {
	Src            string `yaml:"src"`
	URL            string `yaml:"url"`
	Title          string `yaml:"title"`
	Transcript     string `yaml:"transcript"` // plain text as written
	TranscriptHTML string `yaml:"-"`          // the transcript rendered as Markdown (paragraphs, lists)
}

// Question is a check of understanding. Every text field is plain text; the page escapes it.
type Question struct {
	Type            string   `yaml:"type"` // QuestionSingle, QuestionMultiple, QuestionTrueFalse or QuestionOrder
	Prompt          string   `yaml:"prompt"`
	Options         []Option `yaml:"options"`          // single and multiple
	Answer          *bool    `yaml:"answer"`           // truefalse
	FeedbackCorrect string   `yaml:"feedback_correct"` // truefalse and order
	FeedbackWrong   string   `yaml:"feedback_wrong"`   // truefalse and order
	Items           []string `yaml:"items"`            // order: in the right order (the page shuffles them)
}

// Option is one answer of a single or multiple question.
type Option struct {
	Text     string `yaml:"text"`
	Correct  bool   `yaml:"correct"`
	Feedback string `yaml:"feedback"` // shown when the option is chosen
}

// Grade reports whether an answer is right. The answer is, by type: single and multiple, the indexes of the
// chosen options in any order; truefalse, [1] for true and [0] for false; order, the indexes of Items in the
// order the learner put them. Anything malformed (an index out of range, a repeat) is wrong.
func (q *Question) Grade(answer []int) bool {
	switch q.Type {
	case QuestionSingle, QuestionMultiple:
		picked := make([]bool, len(q.Options))
		for _, i := range answer {
			if i < 0 || i >= len(q.Options) || picked[i] {
				return false
			}
			picked[i] = true
		}
		for i, o := range q.Options {
			if picked[i] != o.Correct {
				return false
			}
		}
		return len(answer) > 0
	case QuestionTrueFalse:
		return q.Answer != nil && len(answer) == 1 && (answer[0] == 1) == *q.Answer && (answer[0] == 0 || answer[0] == 1)
	case QuestionOrder:
		if len(answer) != len(q.Items) || len(answer) == 0 {
			return false
		}
		for i, a := range answer {
			// Two items may read the same; the order is right when the texts are in order.
			if a < 0 || a >= len(q.Items) || q.Items[a] != q.Items[i] {
				return false
			}
		}
		seen := make([]bool, len(q.Items))
		for _, a := range answer {
			if seen[a] {
				return false
			}
			seen[a] = true
		}
		return true
	}
	return false
}

// Checklist is a list of short things to do on one's own device.
type Checklist struct {
	Title string   `yaml:"title"`
	Items []string `yaml:"items"`
}

// Practice sends the learner to a simulator scenario.
type Practice struct {
	Scenario string `yaml:"scenario"` // a practice scenario id
	Intro    string `yaml:"intro"`    // one sentence
}

// pick returns m[lang], or m["en"] when lang has none.
func pick(m map[string]string, lang string) string {
	if s, ok := m[lang]; ok {
		return s
	}
	return m[fallbackLang]
}
