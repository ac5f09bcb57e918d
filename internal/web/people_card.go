package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/skip2/go-qrcode"

	"github.com/onramp/onramp/internal/account"
)

// cardView is the printable login card. It is the answer to the POST that made
// the card, the only time the code exists outside the person's wallet: only its
// hash is stored.
type cardView struct {
	Page
	PersonID string
	Name     string
	Code     string // XXXX-XXXX-XXXX: groups of four, easy to read aloud
	URL      string // what the QR code holds
	LoginURL string // where to type the code by hand
	QR       qrView
	// The instructions in the learner's language when it is not the page's.
	OtherLang         string
	OtherTitle        string
	OtherInstructions string
}

// qrView is a QR code drawn as SVG rectangles, one per run of dark modules in
// a row, on a viewBox of Size modules (the quiet zone included).
type qrView struct {
	Size  int
	Rects []qrRect
}

type qrRect struct{ X, Y, W int }

// personCardIssue makes a new login card (revoking the older ones) and shows
// it for printing.
func (s *Server) personCardIssue(w http.ResponseWriter, r *http.Request) {
	p, pr, ok := s.requirePerson(w, r, account.ActIssueLoginCards)
	if !ok {
		return
	}
	if pr.Grants.IsStaff() {
		// A card is a learner's way in; staff sign in with a password.
		s.renderError(w, r, http.StatusForbidden, "people.card.staff")
		return
	}
	code, _, err := s.deps.Accounts.IssueLoginCard(r.Context(), pr.User.ID, p.User.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	base := baseURL(r)
	v := cardView{Page: s.page(r), PersonID: pr.User.ID, Name: pr.User.DisplayName, Code: code,
		URL: base + "/login/card/" + url.PathEscape(code), LoginURL: base + "/login/card"}
	qr, err := qrcode.New(v.URL, qrcode.Medium)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.QR = qrRects(qr.Bitmap())
	if l := pr.User.PreferredLang; l != "" && l != v.Lang {
		tr := s.tr()
		v.OtherLang = l
		v.OtherTitle = tr.T(l, "card.title")
		v.OtherInstructions = tr.T(l, "card.instructions")
	}
	// The code must not stay in any cache, nor come back with the Back button.
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "people/card", v)
}

// baseURL is the scheme and host the request came to, for the QR code.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
		scheme = "https"
	}
	return (&url.URL{Scheme: scheme, Host: r.Host}).String()
}

// qrRects turns a QR bitmap into rectangles, merging the dark modules of a row.
func qrRects(bm [][]bool) qrView {
	v := qrView{Size: len(bm)}
	for y, row := range bm {
		for x := 0; x < len(row); {
			if !row[x] {
				x++
				continue
			}
			start := x
			for x < len(row) && row[x] {
				x++
			}
			v.Rects = append(v.Rects, qrRect{X: start, Y: y, W: x - start})
		}
	}
	return v
}

// personCardRevoke blocks one of the person's cards (a lost card).
func (s *Server) personCardRevoke(w http.ResponseWriter, r *http.Request) {
	p, pr, ok := s.requirePerson(w, r, account.ActIssueLoginCards)
	if !ok {
		return
	}
	cards, err := s.deps.Accounts.LoginCardsOf(r.Context(), pr.User.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cardID := r.PathValue("cardID")
	if !slices.ContainsFunc(cards, func(c account.LoginCard) bool { return c.ID == cardID }) {
		// Another person's card: the same answer as no card at all.
		s.renderError(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	if err := s.deps.Accounts.RevokeLoginCard(r.Context(), cardID, p.User.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(r, "card.revoked")
	http.Redirect(w, r, "/people/"+url.PathEscape(pr.User.ID), http.StatusSeeOther)
}
