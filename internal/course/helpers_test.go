package course

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
)

func langs() []string { return []string{"en", "ru", "uk", "lv", "vi"} }

// country makes a complete profile; extra is appended to its placeholders block.
func country(code, portal, extra string) string {
	var b strings.Builder
	b.WriteString("code: " + code + "\nname:\n")
	for _, l := range langs() {
		b.WriteString("  " + l + ": Name " + code + " " + l + "\n")
	}
	b.WriteString("official_domains: [example.org]\nemergency_number: \"112\"\nbank_fraud_advice:\n")
	for _, l := range langs() {
		b.WriteString("  " + l + ": Call the bank (" + l + ").\n")
	}
	b.WriteString("placeholders:\n  portal:\n")
	for _, l := range langs() {
		b.WriteString("    " + l + ": " + portal + "-" + l + "\n")
	}
	b.WriteString("  portal_domain: example.org\n  id_app: The ID app\n  signature: The signature\n" +
		"  health_service: The health app\n  tax_app: The tax app\n  messenger: The messenger\n")
	b.WriteString(extra)
	return b.String()
}

// lessonOne has a step of every kind. Line numbers matter to TestProblemLines.
const lessonOne = `---
title: One {{portal}}
minutes: 5
competences: ["5.1"]
---
# Big heading

Open **{{portal}}** and [read more](https://example.org/help).

+++

` + "```image" + `
src: phone.svg
alt: A phone.
caption: The phone.
` + "```" + `

+++

` + "```video" + `
src: clip.mp4
title: A clip
transcript: |
  Someone presses the button.
` + "```" + `

+++

` + "```question" + `
type: single
prompt: Which {{portal}}?
options:
  - text: This one
    correct: true
    feedback: Yes.
  - text: That one
    feedback: Not this one.
` + "```" + `

+++

` + "```checklist" + `
title: Do it
items:
  - Press the button
` + "```" + `

+++

` + "```practice" + `
scenario: portal-login
intro: Try signing in.
` + "```" + `

+++

` + "```question" + `
type: multiple
prompt: Which are safe?
options:
  - text: A
    correct: true
    feedback: Yes.
  - text: B
    correct: true
    feedback: Yes.
  - text: C
    feedback: No.
` + "```" + `

+++

` + "```question" + `
type: truefalse
prompt: The bank asks for codes.
answer: false
feedback_correct: Right.
feedback_wrong: Not quite.
` + "```" + `

+++

` + "```question" + `
type: order
prompt: Put in order.
items:
  - First
  - Second
feedback_correct: Right.
feedback_wrong: Not quite.
` + "```" + `
`

const lessonTwo = `---
title: Two
minutes: 3
---
Some text.

+++

` + "```question" + `
type: truefalse
prompt: True?
answer: true
feedback_correct: Right.
feedback_wrong: Not quite.
` + "```" + `
`

// validTree is a small content tree with no problem: profiles XX and RU, one course of two lessons in every
// language, and its media.
func validTree() fstest.MapFS {
	m := fstest.MapFS{
		"countries/XX.yaml":               {Data: []byte(country("XX", "your portal", ""))},
		"countries/RU.yaml":               {Data: []byte(country("RU", "Gosuslugi", ""))},
		"courses/phone/course.yaml":       {Data: []byte("slug: phone\norder: 2\nlevel: foundation\nminutes: 20\ncompetences: [\"5.1\", \"4.1\"]\ncountries: []\nlessons:\n  - one\n  - two\n")},
		"courses/phone/media/phone.svg":   {Data: []byte("<svg xmlns='http://www.w3.org/2000/svg'/>")},
		"courses/phone/media/clip.mp4":    {Data: []byte("mp4")},
		"courses/second/course.yaml":      {Data: []byte("slug: second\norder: 1\nlevel: intermediate\nminutes: 5\ncompetences: [\"1.1\"]\nlessons: [only]\n")},
		"courses/README.md":               {Data: []byte("not a course")},
		"courses/phone/.hidden/notes.txt": {Data: []byte("ignored")},
	}
	for _, l := range langs() {
		m["courses/phone/"+l+"/index.md"] = &fstest.MapFile{Data: []byte("---\ntitle: Phone " + l + "\nsummary: About {{portal}}.\n---\nLearn about **{{portal}}**.\n")}
		m["courses/phone/"+l+"/one.md"] = &fstest.MapFile{Data: []byte(strings.Replace(lessonOne, "title: One", "title: One "+l, 1))}
		m["courses/phone/"+l+"/two.md"] = &fstest.MapFile{Data: []byte(lessonTwo)}
		m["courses/second/"+l+"/index.md"] = &fstest.MapFile{Data: []byte("---\ntitle: Second " + l + "\nsummary: S.\n---\n")}
		m["courses/second/"+l+"/only.md"] = &fstest.MapFile{Data: []byte(lessonTwo)}
	}
	return m
}

func mustLoad(t *testing.T, fsys fstest.MapFS, extra ...fstest.MapFS) *Library {
	t.Helper()
	var packs []fs.FS
	for _, e := range extra {
		packs = append(packs, e)
	}
	lib, err := Load(fsys, packs...)
	if err != nil {
		t.Fatal(err)
	}
	return lib
}
