package course

import (
	"html"
	"strings"
	"testing"
	"unicode"
)

// unsafeHTML returns why rendered HTML could run script or break the page's heading outline, or "" when it is
// safe: no <script>, no on* attribute, no javascript:, vbscript: or non-image data: address, no <h1> or <h2>.
func unsafeHTML(s string) string {
	lower := strings.ToLower(s)
	if strings.Contains(lower, "<script") {
		return "a <script> tag"
	}
	for i := 0; i < len(s); i++ {
		if s[i] != '<' || i+1 >= len(s) || !isASCIILetter(s[i+1]) {
			continue
		}
		end := strings.IndexByte(s[i:], '>')
		if end < 0 {
			return "an unclosed tag"
		}
		tag := s[i+1 : i+end]
		i += end
		name, attrs := tagParts(tag)
		switch strings.ToLower(name) {
		case "h1", "h2":
			return "an <" + name + "> heading"
		case "script", "iframe", "object", "embed", "style", "form", "input", "svg", "math", "base", "meta", "link":
			return "a <" + name + "> tag"
		}
		for _, a := range attrs {
			n := strings.ToLower(a[0])
			if strings.HasPrefix(n, "on") {
				return "an " + n + " attribute"
			}
			if n == "href" || n == "src" || n == "action" || n == "formaction" || n == "xlink:href" || n == "srcset" {
				v := strings.Map(func(r rune) rune {
					if unicode.IsSpace(r) || unicode.IsControl(r) {
						return -1
					}
					return unicode.ToLower(r)
				}, html.UnescapeString(a[1]))
				if strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "vbscript:") ||
					strings.HasPrefix(v, "data:") && !(n == "src" && (strings.HasPrefix(v, "data:image/png;") ||
						strings.HasPrefix(v, "data:image/gif;") || strings.HasPrefix(v, "data:image/jpeg;") || strings.HasPrefix(v, "data:image/webp;"))) {
					return "a " + n + "=" + v + " address"
				}
			}
		}
	}
	return ""
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// tagParts splits the inside of a start tag into its name and attribute name/value pairs.
func tagParts(tag string) (string, [][2]string) {
	i := 0
	for i < len(tag) && !isSpaceByte(tag[i]) && tag[i] != '/' {
		i++
	}
	name := tag[:i]
	var attrs [][2]string
	for i < len(tag) {
		for i < len(tag) && (isSpaceByte(tag[i]) || tag[i] == '/') {
			i++
		}
		start := i
		for i < len(tag) && !isSpaceByte(tag[i]) && tag[i] != '=' && tag[i] != '/' {
			i++
		}
		an := tag[start:i]
		val := ""
		if i < len(tag) && tag[i] == '=' {
			i++
			if i < len(tag) && (tag[i] == '"' || tag[i] == '\'') {
				q := tag[i]
				j := strings.IndexByte(tag[i+1:], q)
				if j < 0 {
					val, i = tag[i+1:], len(tag)
				} else {
					val, i = tag[i+1:i+1+j], i+2+j
				}
			} else {
				start := i
				for i < len(tag) && !isSpaceByte(tag[i]) {
					i++
				}
				val = tag[start:i]
			}
		}
		if an != "" {
			attrs = append(attrs, [2]string{an, val})
		}
	}
	return name, attrs
}

func isSpaceByte(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

func TestUnsafeHTMLCatches(t *testing.T) {
	for _, bad := range []string{
		"<script>x</script>", "<SCRIPT src=x>", `<a href="javascript:x">`, `<a href=" JaVa&#x53;cript:x">`,
		`<img src="x" onerror="y">`, `<p ONCLICK=x>`, "<h1>x</h1>", "<h2 id=x>", `<img src="data:text/html,x">`,
		`<a href='vbscript:x'>`, "<iframe src=x>",
	} {
		if unsafeHTML(bad) == "" {
			t.Errorf("not caught: %s", bad)
		}
	}
	for _, ok := range []string{
		"<p>onclick=x javascript:alert(1) &lt;script&gt;</p>", `<a href="https://x" rel="noopener">on</a>`,
		`<img src="data:image/png;base64,AA" alt="x">`, "<h3>x</h3>",
	} {
		if why := unsafeHTML(ok); why != "" {
			t.Errorf("%s: %s", ok, why)
		}
	}
}

func lessonSeeds() []string {
	fm := "---\ntitle: T\nminutes: 1\n---\n"
	block := func(kind, body string) string { return fm + "```" + kind + "\n" + body + "```\n" }
	return []string{
		lessonOne,
		lessonTwo,
		fm + "Just **Markdown** with a [link](https://example.org) and {{portal}}.\n",
		block("image", "src: a.svg\nalt: A picture.\ncaption: C\n"),
		block("video", "url: https://example.org/v.mp4\ntitle: V\ntranscript: T\n"),
		block("question", "type: single\nprompt: P\noptions:\n  - text: a\n    correct: true\n    feedback: f\n  - text: b\n    feedback: g\n"),
		block("question", "type: multiple\nprompt: P\noptions:\n  - text: a\n    correct: true\n    feedback: f\n"),
		block("question", "type: truefalse\nprompt: P\nanswer: true\nfeedback_correct: a\nfeedback_wrong: b\n"),
		block("question", "type: order\nprompt: P\nitems: [a, b, c]\nfeedback_correct: a\nfeedback_wrong: b\n"),
		block("checklist", "title: Do it\nitems: [a, b]\n"),
		block("practice", "scenario: bank-transfer\nintro: Try it.\n"),
		block("question", "type: [single\nprompt: {{\n"), // broken YAML
		block("question", "- just\n- a list\n"),          // the wrong shape
		block("question", "a: &a [*a, *a, *a]\nb: *a\n"), // aliases
		block("quiz", "x: 1\n"),                                // unknown kind
		fm + "```question\ntype: single\n",                     // unterminated fence
		fm + "~~~~\n+++\n~~~\n+++\n~~~~\n",                     // +++ inside a fence
		fm + "+++\n+++\n\n+++\n",                               // nothing but separators
		fm + "text\n+++   \n\t+++\n++++\n+++x\n",               // +++ look-alikes
		"+++\n---\ntitle: x\n---\n",                            // separator before front matter
		"---\ntitle: [x\n",                                     // unterminated front matter
		"---\n---\n",                                           // empty front matter
		"\ufeff" + strings.ReplaceAll(lessonTwo, "\n", "\r\n"), // BOM and CRLF
		strings.ReplaceAll(lessonTwo, "\n", "\r"),              // old Mac line ends
		"---\ntitle: Урок про Госуслуги\nminutes: 4\n---\nНажмите **кнопку**.\n\n+++\n\n```question\ntype: truefalse\nprompt: Банк просит код?\nanswer: false\nfeedback_correct: Верно.\nfeedback_wrong: Не совсем.\n```\n",
		"---\ntitle: Bài học\nminutes: 4\n---\nNhấn giữ nút nguồn.\n\nTie\u0302\u0301ng Vie\u0323\u0302t\n",
		fm + strings.Repeat("word *em* [l](https://x) ", 300) + "\n+++\n" + strings.Repeat("x ", 100000), // big steps
		fm + strings.Repeat("+++\n", 5000),                             // many empty steps
		fm + strings.Repeat("[", 20000) + strings.Repeat("]", 20000),   // nesting
		fm + strings.Repeat("> ", 5000) + "deep\n",                     // deep quotes
		fm + "<script>alert(1)</script>\n\n[x](javascript:alert(1))\n", // script
		fm + "{{portal}}{{ portal }}{{{portal}}}{{\n}}{{}}{{" + strings.Repeat("a", 100) + "}}\n",
		fm + "```image\n```\n",
		"\x00\xff\xfe",
	}
}

// FuzzParseLesson: no input makes the lesson parser or the renderer panic, every problem points into the file,
// and no rendered step is unsafe.
func FuzzParseLesson(f *testing.F) {
	for _, s := range lessonSeeds() {
		f.Add([]byte(s))
	}
	c := &Country{Code: "RU", Placeholders: map[string]map[string]string{"portal": {"en": "<b>*P*</b> [x](javascript:y)"}}}
	r := newRenderer()
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > maxFileSize {
			return
		}
		p := &problems{}
		pl := parseLesson(p, "f.md", data)
		lines := strings.Count(normalise(data), "\n") + 1
		for _, pr := range p.list {
			if pr.Line < 0 || pr.Line > lines+1 || pr.File != "f.md" || pr.What == "" || strings.Contains(pr.String(), "\n") {
				t.Fatalf("bad problem %+v (file has %d lines)", pr, lines)
			}
		}
		ld := &loader{lib: &Library{}, r: r}
		for _, s := range ld.renderSteps(p, "f.md", pl.steps, c, "en", true, map[int]string{}) {
			if why := unsafeHTML(s.HTML); why != "" {
				t.Fatalf("step at line %d renders %s: %q", s.Line, why, s.HTML)
			}
			if s.Video != nil {
				if why := unsafeHTML(s.Video.TranscriptHTML); why != "" {
					t.Fatalf("transcript renders %s", why)
				}
			}
		}
	})
}

// FuzzMarkdown: whatever the Markdown, the HTML holds no script, no on* attribute, no javascript: address and
// no h1 or h2.
func FuzzMarkdown(f *testing.F) {
	for _, s := range []string{
		"# h1\n## h2\nTitle\n===\nSub\n---\n",
		"<script>alert(1)</script>", "<SCRIPT>", "<scr<script>ipt>", "<img src=x onerror=alert(1)>",
		"[x](javascript:alert(1))", "[x](JAVASCRIPT:alert(1))", "[x]( javascript:alert(1))", "[x](<javascript:alert(1)>)",
		"[x](java\tscript:alert(1))", "[x](javas&#99;ript:alert(1))", "[x](&#106;avascript:alert(1))",
		"[x][r]\n\n[r]: javascript:alert(1)", "<javascript:alert(1)>", "![x](javascript:alert(1))",
		"![x](data:image/svg+xml;base64,PHN2Zz4=)", "[x](vbscript:msgbox)", "[x](data:text/html,<script>)",
		"[x](https://e.org \"title\" onclick=\"x\")", "<a href=x onclick=y>z</a>", "<div onmouseover=x>y</div>",
		"```\"><script>alert(1)</script>\n```", "`<script>`", "<!-- <script> -->", "<?php ?>", "<![CDATA[<script>]]>",
		"***[x](javascript:1)***", "> [x](javascript:1)", "- [x](javascript:1)", "[<script>](https://x)",
	} {
		f.Add(s)
	}
	r := newRenderer()
	f.Fuzz(func(t *testing.T, md string) {
		if len(md) > maxTextStep {
			return
		}
		out, _ := r.render(md)
		if why := unsafeHTML(out); why != "" {
			t.Fatalf("%q renders %s: %q", md, why, out)
		}
	})
}
