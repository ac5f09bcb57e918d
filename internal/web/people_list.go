package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/onramp/onramp/internal/account"
)

// peoplePageSize is how many people one page of the list shows.
const peoplePageSize = 50

type peopleListView struct {
	Page
	PlaceID   string
	PlaceName string
	People    []personRow
	Roles     []roleOption // the role filter
	Query     string
	PageNo    int
	PrevURL   string
	NextURL   string
	CanSignUp bool
}

// personRow is one line of the list: never a secret, only whether one is set.
type personRow struct {
	ID       string
	Name     string
	RoleKeys []string // roles held in this place's subtree
	SignIn   []string // i18n keys
	Disabled bool
}

// peopleList shows the people holding a role somewhere in a place's subtree.
func (s *Server) peopleList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	placeID := r.PathValue("id")
	p, ok := s.requireAt(w, r, placeID, account.ActViewLearners, account.ActManageStaff)
	if !ok {
		return
	}
	pl, err := s.deps.Places.FindPlaceByID(ctx, placeID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sub, err := s.deps.Places.SubtreeIDs(ctx, placeID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	role, _ := account.ParseRole(q.Get("role")) // an unknown role filters nothing
	if !role.Valid() {
		role = ""
	}
	query := strings.TrimSpace(q.Get("q"))
	if utf8.RuneCountInString(query) > 100 {
		query = string([]rune(query)[:100])
	}
	pageNo, _ := strconv.Atoi(q.Get("page"))
	pageNo = min(max(pageNo, 1), 10000)

	users, err := s.deps.Accounts.FindUsers(ctx, account.Filter{PlaceIDs: sub, Role: role, Query: query,
		Limit: peoplePageSize + 1, Offset: (pageNo - 1) * peoplePageSize})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := peopleListView{Page: s.page(r), PlaceID: placeID, Query: query, PageNo: pageNo}
	v.PlaceName = pl.Name(v.Lang)
	more := len(users) > peoplePageSize
	if more {
		users = users[:peoplePageSize]
	}
	in := make(map[string]bool, len(sub))
	for _, id := range sub {
		in[id] = true
	}
	seeLearners, err := s.allowedAt(ctx, p, account.ActViewLearners, placeID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, u := range users {
		gs, err := s.deps.Accounts.GrantsOf(ctx, u.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if !seeLearners && !account.Grants(gs).IsStaff() {
			continue // learners are for those who teach them; see person.visibleTo
		}
		cs, err := s.deps.Accounts.LoginCardsOf(ctx, u.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		row := personRow{ID: u.ID, Name: u.DisplayName, SignIn: signInKeys(u, hasActiveCard(cs)), Disabled: u.Disabled()}
		for _, g := range gs {
			k := "role." + string(g.Role)
			if in[g.PlaceID] && !slices.Contains(row.RoleKeys, k) {
				row.RoleKeys = append(row.RoleKeys, k)
			}
		}
		v.People = append(v.People, row)
	}
	v.Roles = append(v.Roles, roleOption{Value: "", Key: "people.list.all_roles", Selected: role == ""})
	for _, ro := range account.Roles() {
		v.Roles = append(v.Roles, roleOption{Value: string(ro), Key: "role." + string(ro), Selected: ro == role})
	}
	pageURL := func(n int) string {
		vals := url.Values{}
		if role != "" {
			vals.Set("role", string(role))
		}
		if query != "" {
			vals.Set("q", query)
		}
		if n > 1 {
			vals.Set("page", strconv.Itoa(n))
		}
		u := "/places/" + url.PathEscape(placeID) + "/people"
		if len(vals) > 0 {
			u += "?" + vals.Encode()
		}
		return u
	}
	if pageNo > 1 {
		v.PrevURL = pageURL(pageNo - 1)
	}
	if more {
		v.NextURL = pageURL(pageNo + 1)
	}
	for _, a := range []account.Action{account.ActCreateLearners, account.ActManageStaff} {
		if ok, _ := s.allowedAt(ctx, p, a, placeID); ok {
			v.CanSignUp = true
		}
	}
	s.render(w, r, http.StatusOK, "people/list", v)
}
