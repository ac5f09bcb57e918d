package course

import (
	"bytes"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// renderer turns lesson Markdown into HTML: CommonMark, raw HTML dropped (goldmark's default), dangerous link
// schemes dropped, headings never above h3 (the page owns h1 and h2), and rel="noopener" on every link.
type renderer struct {
	md goldmark.Markdown
}

func newRenderer() *renderer { return &renderer{md: goldmark.New()} }

// mdNotes are what a writer should hear about a piece of Markdown.
type mdNotes struct {
	rawHTML  bool     // raw HTML, which is not shown
	images   bool     // a Markdown image, which has no place for alt text rules or media checks
	badLinks []string // links whose scheme is not https, mailto or tel
}

// RenderMarkdown renders Markdown as lessons are rendered and returns safe HTML: no raw HTML, no script
// links, headings from h3 down. It builds a renderer on every call; lessons are rendered once at Load.
func RenderMarkdown(md string) string {
	html, _ := newRenderer().render(md)
	return html
}

func (r *renderer) render(src string) (string, mdNotes) {
	var notes mdNotes
	source := []byte(src)
	doc := r.md.Parser().Parse(text.NewReader(source))
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			if n.Level < 3 {
				n.Level = 3
			}
		case *ast.Link:
			n.SetAttributeString("rel", []byte("noopener"))
			if !allowedLink(string(n.Destination)) {
				notes.badLinks = append(notes.badLinks, string(n.Destination))
			}
		case *ast.AutoLink:
			n.SetAttributeString("rel", []byte("noopener"))
			if url := string(n.URL(source)); n.AutoLinkType == ast.AutoLinkURL && !allowedLink(url) {
				notes.badLinks = append(notes.badLinks, url)
			}
		case *ast.Image:
			notes.images = true
		case *ast.HTMLBlock, *ast.RawHTML:
			notes.rawHTML = true
		}
		return ast.WalkContinue, nil
	})
	var b bytes.Buffer
	if err := r.md.Renderer().Render(&b, source, doc); err != nil {
		return "", notes // a bytes.Buffer does not fail; keep the page empty rather than half-written
	}
	return b.String(), notes
}

// allowedLink accepts https, mailto and tel links and links without a scheme (inside the site).
func allowedLink(dest string) bool {
	d := strings.TrimSpace(dest)
	i := strings.IndexByte(d, ':')
	if i <= 0 {
		return true
	}
	for _, c := range d[:i] {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.') {
			return true // the colon is not a scheme's: a path such as ./a:b
		}
	}
	switch strings.ToLower(d[:i]) {
	case "https", "mailto", "tel":
		return true
	}
	return false
}
