// Package course owns the learning content: courses, their lessons in every language, the steps of a lesson
// (Markdown text, images, videos, questions, checklists, practice tasks) and the country profiles whose names
// fill a lesson's {{placeholders}}. The format is docs/CONTENT.md.
//
// Load reads the built-in tree (package content) and any operator content packs into a Library, renders every
// lesson's Markdown once for every country profile, and records each problem it meets instead of failing, so one
// bad file cannot take the site down. Validate lists those problems; "onramp content validate" and a test of the
// embedded tree print them. A Library is read-only after Load and safe for concurrent use.
//
// The package returns HTML as plain strings made by goldmark with raw HTML disabled; the web layer marks them
// safe. It imports neither net/http nor html/template.
package course
