// Package baseline holds the bare servers that onramp's budgets are measured against
// (DESIGN.md §5): a stdlib net/http + html/template page, and the same page behind a
// group-committing SQLite writer. They deliberately use none of onramp's own packages:
// they are the bare minimum a Go developer would write, the yardstick.
package baseline

import (
	"bytes"
	_ "embed"
	"html/template"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"
)

//go:embed page.html
var pageHTML string

// PageData is the view model the page is rendered from on every request.
type PageData struct {
	Lang       string
	SiteName   string
	Programme  string
	Path       string
	Course     string
	CourseSlug string
	User       User
	Languages  []Language
	Nav        []NavItem
	Lesson     *Lesson
	Step       int
	Steps      int
	PrevStep   int
	NextStep   int
	Attempt    int
	Outline    []StepLink
	BankPhone  string
	Helpline   string
	Now        time.Time
	RequestID  string
}

// User is the signed-in person shown in the header.
type User struct{ Name, Venue string }

// Language is one entry of the language picker.
type Language struct {
	Code, Name string
	Selected   bool
}

// NavItem is one link of the main navigation.
type NavItem struct {
	Href, Label string
	Current     bool
}

// StepLink is one entry of the lesson's outline, with this learner's state.
type StepLink struct {
	Number        int
	Title         string
	Done, Current bool
}

// Lesson is the fixed content of the lesson the page shows.
type Lesson struct {
	Title, Lead, Warning, Question string
	Minutes                        int
	StepTitles                     []string
	Sections                       []Section
	Options                        []Option
}

// Section is one headed part of a lesson.
type Section struct {
	Heading    string
	Paragraphs []string
	Tips       []string
}

// Option is one answer of the lesson's question.
type Option struct{ Value, Label string }

// Page renders the lesson-like page. The template is parsed once, in NewPage.
type Page struct {
	tmpl   *template.Template
	lesson *Lesson
	reqs   atomic.Uint64
}

// NewPage parses the page template.
func NewPage() (*Page, error) {
	t, err := template.New("page").Parse(pageHTML)
	if err != nil {
		return nil, err
	}
	return &Page{tmpl: t, lesson: sampleLesson()}, nil
}

// Data builds the view model for one request.
func (p *Page) Data(r *http.Request) *PageData {
	steps := len(p.lesson.StepTitles)
	step, err := strconv.Atoi(r.URL.Query().Get("step"))
	if err != nil || step < 1 || step > steps {
		step = 2
	}
	lang := r.URL.Query().Get("lang")
	if lang == "" {
		lang = "en"
	}
	langs := []Language{{Code: "en", Name: "English"}, {Code: "ru", Name: "Русский"}, {Code: "uk", Name: "Українська"}, {Code: "lv", Name: "Latviešu"}, {Code: "vi", Name: "Tiếng Việt"}}
	for i := range langs {
		langs[i].Selected = langs[i].Code == lang
	}
	outline := make([]StepLink, len(p.lesson.StepTitles))
	for i, title := range p.lesson.StepTitles {
		outline[i] = StepLink{Number: i + 1, Title: title, Done: i+1 < step, Current: i+1 == step}
	}
	n := p.reqs.Add(1)
	return &PageData{
		Lang:       lang,
		SiteName:   "onramp",
		Programme:  "Digital skills for everyday life, Riverside libraries 2026",
		Path:       "/courses/safe-banking/lessons/spot-a-fake-message",
		Course:     "Safe online banking",
		CourseSlug: "safe-banking",
		User:       User{Name: "Maria Petrova", Venue: "Riverside Central Library"},
		Languages:  langs,
		Nav: []NavItem{
			{Href: "/", Label: "Home"},
			{Href: "/courses", Label: "Courses", Current: true},
			{Href: "/practice", Label: "Practice"},
			{Href: "/scam", Label: "Is this a scam?"},
			{Href: "/certificates", Label: "My certificates"},
			{Href: "/help", Label: "Help"},
		},
		Lesson:    p.lesson,
		Step:      step,
		Steps:     steps,
		PrevStep:  step - 1,
		NextStep:  min(step+1, steps),
		Attempt:   int(n%3) + 1,
		Outline:   outline,
		BankPhone: "0800 123 4567",
		Helpline:  "0800 765 4321",
		Now:       time.Now(),
		RequestID: strconv.FormatUint(n, 36),
	}
}

// Render writes the page for d into a buffer and then to w, with a Content-Length.
func (p *Page) Render(w http.ResponseWriter, d *PageData) {
	var buf bytes.Buffer
	buf.Grow(10 << 10)
	if err := p.tmpl.Execute(&buf, d); err != nil {
		http.Error(w, "render failed", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	_, _ = w.Write(buf.Bytes())
}

// ServeHTTP renders the page.
func (p *Page) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.Render(w, p.Data(r))
}

func sampleLesson() *Lesson {
	return &Lesson{
		Title:   "Spot a fake message from your bank",
		Lead:    "Criminals send text messages and e-mails that look as if they come from your bank. In this step you learn the three signs that give most of them away, and what to do when one arrives.",
		Minutes: 8,
		StepTitles: []string{
			"What a fake message looks like",
			"Spot a fake message from your bank",
			"Check a link without opening it",
			"Practice: a message about a blocked card",
			"What to do if you already answered",
			"Quiz: real or fake?",
		},
		Warning: "Your bank will never ask you for your PIN, your full password or a code from a text message. Anyone who asks for one of these is not your bank, however real the message looks.",
		Sections: []Section{
			{
				Heading: "Why these messages work",
				Paragraphs: []string{
					"A fake message tries to make you act before you think. It says that your account is blocked, that a payment is waiting, or that someone has just tried to take your money. The fear is the point: a frightened person taps the link.",
					"The message often uses the bank's real name, its logo and even the real first digits of your card number, which anyone can find out. None of that proves the message is genuine.",
				},
			},
			{
				Heading: "Three signs to look for",
				Paragraphs: []string{
					"Look at the sender and at the link before you look at anything else. A link that goes to an address you do not know, or one that only looks like your bank's, is the strongest sign of all.",
				},
				Tips: []string{
					"It is urgent: \"within 24 hours\", \"today only\", \"your account will be closed\".",
					"It asks for something secret: a PIN, a password, a code the bank just sent you.",
					"The link goes somewhere other than your bank's own web address, often with an extra word or a changed letter.",
				},
			},
			{
				Heading: "What to do instead",
				Paragraphs: []string{
					"Do not tap the link and do not reply. Open your banking app the way you always do, or call the number printed on your card, and ask whether the message is real. It costs you two minutes and it cannot cost you your savings.",
					"If you have already typed something in, call your bank straight away: the sooner they know, the more they can stop. Then tell your trainer, so that others in your class can learn from it too — there is no shame in being targeted.",
				},
			},
		},
		Question: "A text message says your card is blocked and asks you to confirm your PIN at a link. What do you do?",
		Options: []Option{
			{Value: "a", Label: "Tap the link and type the PIN quickly, before the card is closed"},
			{Value: "b", Label: "Reply to the message and ask whether it is real"},
			{Value: "c", Label: "Ignore the link and call the number on the back of my card"},
			{Value: "d", Label: "Forward the message to a friend to ask what they think"},
		},
	}
}
