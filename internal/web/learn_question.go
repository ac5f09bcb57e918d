package web

import (
	"hash/fnv"
	"math/rand/v2"
	"net/url"
	"strconv"
	"strings"

	"github.com/onramp/onramp/internal/course"
)

// questionView is a question step as the player shows it: the form, and after
// an answer whether it was right with the feedback of what was chosen.
type questionView struct {
	Type      string
	Prompt    string
	Multiple  bool
	Choices   []choiceView // single, multiple and truefalse
	Items     []orderItem  // order: the items in the shuffled order shown
	Positions []int        // order: 1 … number of items
	Answered  bool
	Right     bool
	Chosen    []chosenView // single and multiple: each chosen option with its feedback
	Message   string       // truefalse and order: the feedback
	Missed    bool         // multiple: all that was chosen is right, but not all that is right

	q    *course.Question
	perm []int // order: perm[k] is the index in Items of the k-th item shown
}

type choiceView struct {
	ID, Value, Text string
	Checked         bool
}

type orderItem struct {
	ID, Name, Text string
	Selected       int // the position chosen, 0 for none
}

type chosenView struct {
	Text, Feedback string
	Right          bool
}

// answerID is the id of the k-th control of the answer: the first one is
// f-answer, which the error summary links to.
func answerID(k int) string {
	if k == 0 {
		return "f-answer"
	}
	return "f-answer-" + strconv.Itoa(k)
}

// newQuestionView prepares a question for the page. The order of an order
// question's items is shuffled the same way every time for the same step, so
// the page reads the same after an answer and nothing in it gives the answer.
func newQuestionView(p Page, q *course.Question, courseSlug, lesson string, index int) *questionView {
	v := &questionView{Type: q.Type, Prompt: q.Prompt, Multiple: q.Type == course.QuestionMultiple, q: q}
	switch q.Type {
	case course.QuestionSingle, course.QuestionMultiple:
		for i, o := range q.Options {
			v.Choices = append(v.Choices, choiceView{ID: answerID(i), Value: strconv.Itoa(i), Text: o.Text})
		}
	case course.QuestionTrueFalse:
		v.Choices = []choiceView{
			{ID: answerID(0), Value: "1", Text: p.T("learn.question.true")},
			{ID: answerID(1), Value: "0", Text: p.T("learn.question.false")},
		}
	case course.QuestionOrder:
		v.perm = orderPerm(courseSlug+"/"+lesson+"/"+strconv.Itoa(index), len(q.Items))
		for k, i := range v.perm {
			v.Items = append(v.Items, orderItem{ID: answerID(k), Name: "pos-" + strconv.Itoa(k), Text: q.Items[i]})
			v.Positions = append(v.Positions, k+1)
		}
	}
	return v
}

// orderPerm is a shuffle of n items seeded by key, never the right order
// itself when there is more than one item.
func orderPerm(key string, n int) []int {
	h := fnv.New64a()
	_, _ = h.Write([]byte(key))
	seed := h.Sum64()
	perm := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)).Perm(n)
	sorted := true
	for i, v := range perm {
		if v != i {
			sorted = false
			break
		}
	}
	if sorted && n > 1 {
		perm = append(perm[1:], perm[0])
	}
	return perm
}

// read takes the answer out of the form fields (answer=index…, or pos-k=N
// for an order question) into the indexes Question.Grade reads. Anything that
// is not a possible answer becomes a form error and gives false: an answer is
// only recorded when it is one the page could have sent.
func (v *questionView) read(f *form) ([]int, bool) {
	q := v.q
	switch q.Type {
	case course.QuestionSingle, course.QuestionMultiple, course.QuestionTrueFalse:
		raw := f.Values["answer"]
		n := len(q.Options)
		if q.Type == course.QuestionTrueFalse {
			n = 2
		}
		if len(raw) == 0 {
			f.Fail("answer", "learn.answer.required", nil)
			return nil, false
		}
		if len(raw) > n || (q.Type != course.QuestionMultiple && len(raw) > 1) {
			f.Fail("answer", "form.invalid_choice", nil)
			return nil, false
		}
		seen := make([]bool, n)
		var out []int
		for _, s := range raw {
			i, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil || i < 0 || i >= n || seen[i] {
				f.Fail("answer", "form.invalid_choice", nil)
				return nil, false
			}
			seen[i] = true
			out = append(out, i)
		}
		return out, true
	case course.QuestionOrder:
		n := len(v.perm)
		out := make([]int, n)
		taken := make([]bool, n)
		for k := range n {
			s := f.Get("pos-" + strconv.Itoa(k))
			if s == "" {
				f.Fail("answer", "learn.answer.order_missing", nil)
				return nil, false
			}
			pos, err := strconv.Atoi(s)
			if err != nil || pos < 1 || pos > n {
				f.Fail("answer", "form.invalid_choice", nil)
				return nil, false
			}
			if taken[pos-1] {
				f.Fail("answer", "learn.answer.order_repeat", nil)
				return nil, false
			}
			taken[pos-1] = true
			out[pos-1] = v.perm[k]
		}
		return out, true
	}
	f.Fail("answer", "form.invalid_choice", nil)
	return nil, false
}

// keep shows what the person chose as chosen again (after an answer, or with
// an error).
func (v *questionView) keep(f *form) {
	chosen := map[string]bool{}
	for _, s := range f.Values["answer"] {
		chosen[s] = true
	}
	for i := range v.Choices {
		v.Choices[i].Checked = chosen[v.Choices[i].Value]
	}
	for k := range v.Items {
		if pos, err := strconv.Atoi(f.Get(v.Items[k].Name)); err == nil && pos >= 1 && pos <= len(v.Items) {
			v.Items[k].Selected = pos
		}
	}
}

// show grades answer and fills in the feedback.
func (v *questionView) show(answer []int) {
	q := v.q
	v.Answered = true
	v.Right = q.Grade(answer)
	switch q.Type {
	case course.QuestionSingle, course.QuestionMultiple:
		allRight := true
		for _, i := range answer {
			o := q.Options[i]
			v.Chosen = append(v.Chosen, chosenView{Text: o.Text, Feedback: o.Feedback, Right: o.Correct})
			allRight = allRight && o.Correct
		}
		v.Missed = !v.Right && allRight && q.Type == course.QuestionMultiple
	default:
		v.Message = q.FeedbackWrong
		if v.Right {
			v.Message = q.FeedbackCorrect
		}
	}
}

// response is how an answer is kept in the learning record: the indexes,
// joined as xAPI joins the choices of an interaction.
func response(answer []int) string {
	s := make([]string, len(answer))
	for i, a := range answer {
		s[i] = strconv.Itoa(a)
	}
	return strings.Join(s, "[,]")
}

// answerQuery is the query of the page that shows an answer's feedback: the
// same fields the form sent, so a reload or Back shows the same.
func answerQuery(step int, f *form, v *questionView) url.Values {
	q := url.Values{"step": {strconv.Itoa(step)}, "answered": {"1"}}
	if v.q.Type == course.QuestionOrder {
		for _, it := range v.Items {
			q.Set(it.Name, f.Get(it.Name))
		}
		return q
	}
	q["answer"] = f.Values["answer"]
	return q
}
