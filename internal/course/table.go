package course

import "slices"

// Competence is one of the 21 competences of DigComp 2.2, the EU framework a course reports progress on.
type Competence struct {
	ID   string // "1.1" ... "5.4"
	Area string // the area's name, English
	Name string // the competence's name, English
}

// Competences returns the DigComp 2.2 competences in framework order; the slice is new on every call.
func Competences() []Competence {
	const (
		info    = "Information and data literacy"
		comm    = "Communication and collaboration"
		create  = "Digital content creation"
		safety  = "Safety"
		problem = "Problem solving"
	)
	return []Competence{
		{"1.1", info, "Browsing, searching and filtering data, information and digital content"},
		{"1.2", info, "Evaluating data, information and digital content"},
		{"1.3", info, "Managing data, information and digital content"},
		{"2.1", comm, "Interacting through digital technologies"},
		{"2.2", comm, "Sharing through digital technologies"},
		{"2.3", comm, "Engaging in citizenship through digital technologies"},
		{"2.4", comm, "Collaborating through digital technologies"},
		{"2.5", comm, "Netiquette"},
		{"2.6", comm, "Managing digital identity"},
		{"3.1", create, "Developing digital content"},
		{"3.2", create, "Integrating and re-elaborating digital content"},
		{"3.3", create, "Copyright and licences"},
		{"3.4", create, "Programming"},
		{"4.1", safety, "Protecting devices"},
		{"4.2", safety, "Protecting personal data and privacy"},
		{"4.3", safety, "Protecting health and well-being"},
		{"4.4", safety, "Protecting the environment"},
		{"5.1", problem, "Solving technical problems"},
		{"5.2", problem, "Identifying needs and technological responses"},
		{"5.3", problem, "Creatively using digital technologies"},
		{"5.4", problem, "Identifying digital competence gaps"},
	}
}

// KnownCompetence reports whether id is a DigComp 2.2 competence id.
func KnownCompetence(id string) bool {
	return slices.ContainsFunc(Competences(), func(c Competence) bool { return c.ID == id })
}

// Levels returns the DigComp proficiency bands a course may name, lowest first.
func Levels() []string { return []string{"foundation", "intermediate", "advanced"} }

// The step kinds of a lesson. A text step is plain Markdown; the others are fenced YAML blocks whose info
// string is the kind.
const (
	KindText      = "text"
	KindImage     = "image"
	KindVideo     = "video"
	KindQuestion  = "question"
	KindChecklist = "checklist"
	KindPractice  = "practice"
)

// blockKinds are the kinds written as a fenced block.
func blockKinds() []string {
	return []string{KindImage, KindVideo, KindQuestion, KindChecklist, KindPractice}
}

// The question types.
const (
	QuestionSingle    = "single"    // one correct option
	QuestionMultiple  = "multiple"  // one or more correct options
	QuestionTrueFalse = "truefalse" // a statement that is true or false
	QuestionOrder     = "order"     // items to put in order
)

// Placeholders returns the {{placeholder}} names every country profile must define, in the order of
// docs/CONTENT.md. emergency_number and bank_fraud_advice are top-level fields of a profile; the others sit under
// "placeholders:". A profile may define more names; a lesson may use such a name only when every profile
// defines it.
func Placeholders() []string {
	return []string{
		"portal", "portal_domain", "id_app", "signature", "health_service", "tax_app",
		"emergency_number", "bank_fraud_advice", "messenger",
	}
}

// Neutral is the code of the country profile used when no other applies.
const Neutral = "XX"

// fallbackLang is the language a missing translation falls back to: the source language of all content.
const fallbackLang = "en"

// media file extensions by step kind.
func imageExts() []string { return []string{".svg", ".png", ".jpg", ".jpeg", ".webp"} }
func videoExts() []string { return []string{".mp4", ".webm"} }
