package course_test

import (
	"testing"

	"github.com/onramp/onramp/content"
	"github.com/onramp/onramp/internal/course"
)

// TestEmbeddedContentIsValid is the gate for the content in the binary: every rule of docs/CONTENT.md, and the
// starter curriculum's size: at least 8 courses of at least 4 lessons, each lesson asking at least one
// question, in every language. "onramp content validate" prints the same problems.
func TestEmbeddedContentIsValid(t *testing.T) {
	lib, err := course.Load(content.FS())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range lib.Validate() {
		t.Errorf("content/%s", p)
	}
	courses := lib.Courses()
	if len(courses) < 8 {
		t.Errorf("%d courses; the starter curriculum has at least 8", len(courses))
	}
	for _, c := range courses {
		if len(c.Lessons) < 4 {
			t.Errorf("course %s has %d lessons; want at least 4", c.Slug, len(c.Lessons))
		}
		for _, ref := range c.Lessons {
			for _, lang := range lib.Languages() {
				ls := lib.Lesson(c.Slug, ref.Slug, lang)
				if ls.Lang != lang {
					t.Errorf("course %s lesson %s: no %s version", c.Slug, ref.Slug, lang)
					continue
				}
				if ls.Questions() == 0 {
					t.Errorf("course %s lesson %s (%s): no question", c.Slug, ref.Slug, lang)
				}
			}
		}
	}
	for _, code := range []string{"RU", "VN", "LV", "UA", "UK", course.Neutral} {
		if lib.Country(code).Code != code {
			t.Errorf("country profile %s is missing", code)
		}
	}
}
