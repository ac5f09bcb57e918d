package web

import (
	"errors"
	"net/http"

	"github.com/onramp/onramp/internal/account"
	"github.com/onramp/onramp/internal/errs"
	"github.com/onramp/onramp/internal/place"
)

// moveSelectMax is the most places the move form lists in a select; with more
// (a city of many wards) it asks for the new parent's code instead, which the
// people who run the tree know from their own registers.
const moveSelectMax = 300

// Form fields of the move form: a select of places, or a code.
const (
	fieldMoveParent = place.FieldParent
	fieldMoveCode   = "parent_code"
)

type placeMoveView struct {
	Page
	Form    *form
	ID      string
	Name    string
	KindKey string
	Parent  string // name of the current parent
	Groups  []optionGroup
	ByCode  bool // too many places for a select: a code field instead
}

// optionGroup is an <optgroup>: the candidate parents of one kind.
type optionGroup struct {
	LabelKey string
	Options  []option
}

// placeMovePage shows where the place can go: places of a kind that may hold
// it, within the person's scope.
func (s *Server) placeMovePage(w http.ResponseWriter, r *http.Request) {
	p, pl, path := s.managedPlace(w, r)
	if pl == nil {
		return
	}
	if pl.Kind == place.KindCountry {
		s.renderError(w, r, http.StatusBadRequest, "place.move.country")
		return
	}
	f := newForm()
	f.Values.Set(fieldMoveParent, pl.ParentID)
	if len(path) > 1 {
		f.Values.Set(fieldMoveCode, path[len(path)-2].Code)
	}
	s.renderPlaceMove(w, r, http.StatusOK, f, p, pl, path, false)
}

// placeMove hangs the place, with everything in it, under the chosen parent.
func (s *Server) placeMove(w http.ResponseWriter, r *http.Request) {
	p, pl, path := s.managedPlace(w, r)
	if pl == nil {
		return
	}
	if pl.Kind == place.KindCountry {
		s.renderError(w, r, http.StatusBadRequest, "place.move.country")
		return
	}
	f := parseForm(w, r)
	if f.Error != "" {
		s.renderError(w, r, http.StatusBadRequest, "error.invalid")
		return
	}
	ctx := r.Context()
	field, target := fieldMoveParent, f.Get(fieldMoveParent)
	_, byCode := f.Values[fieldMoveCode]
	if byCode {
		field = fieldMoveCode
		target = ""
		if code := f.Get(fieldMoveCode); code == "" {
			f.Fail(field, "form.required", nil)
		} else if np, err := s.deps.Places.FindPlaceByCode(ctx, code); err == nil {
			target = np.ID
		} else if !errs.Is(err, errs.NotFound) {
			s.fail(w, r, err)
			return
		}
		if target == "" && !f.HasErrors() {
			f.Fail(field, "place.move.unknown_code", nil)
		}
	} else if target == "" {
		f.Fail(field, "form.required", nil)
	}
	if !f.HasErrors() {
		// The new parent must be in the person's scope too; one outside it is
		// answered like a code that does not exist.
		ok, err := s.allowedAt(ctx, p, account.ActManagePlaces, target)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if !ok {
			key := "place.error.bad_parent"
			if field == fieldMoveCode {
				key = "place.move.unknown_code"
			}
			f.Fail(field, key, nil)
		}
	}
	if !f.HasErrors() {
		err := s.deps.Places.MovePlace(ctx, pl.ID, target)
		var e *errs.Error
		switch {
		case err == nil:
			s.flash(r, "place.move.done")
			http.Redirect(w, r, "/places/"+pl.ID, http.StatusSeeOther)
			return
		case errors.As(err, &e) && e.Code == errs.Invalid && e.Fields[place.FieldParent] != "":
			f.Fail(field, e.Fields[place.FieldParent], nil)
		case !f.absorb(err, []string{field}):
			s.fail(w, r, err)
			return
		}
	}
	s.renderPlaceMove(w, r, http.StatusUnprocessableEntity, f, p, pl, path, byCode)
}

// renderPlaceMove shows the move form: a select of the candidate parents, or a
// code field when byCode is set or there are too many of them.
func (s *Server) renderPlaceMove(w http.ResponseWriter, r *http.Request, status int, f *form, p *principal,
	pl *place.Place, path []*place.Place, byCode bool) {
	ctx := r.Context()
	v := placeMoveView{Page: s.page(r), Form: f, ID: pl.ID, KindKey: kindKey(pl.Kind)}
	v.Name = pl.Name(v.Lang)
	if len(path) > 1 {
		v.Parent = path[len(path)-2].Name(v.Lang)
	}
	count := 0
	if !byCode {
		roots, err := s.placeRoots(ctx, p.Grants, account.ActManagePlaces)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, k := range place.ParentKinds(pl.Kind) {
			g := optionGroup{LabelKey: kindKey(k)}
			for _, rt := range roots {
				ps, n, err := s.deps.Places.FindPlaces(ctx, place.Filter{Under: rt.ID, Kind: k, Limit: moveSelectMax + 1})
				if err != nil {
					s.fail(w, r, err)
					return
				}
				count += n
				for _, c := range ps {
					g.Options = append(g.Options, option{Value: c.ID, Text: c.Name(v.Lang) + " (" + c.Code + ")",
						Selected: c.ID == f.Value(fieldMoveParent)})
				}
			}
			if len(g.Options) > 0 {
				v.Groups = append(v.Groups, g)
			}
		}
	}
	v.ByCode = byCode || count > moveSelectMax
	if v.ByCode {
		v.Groups = nil
	}
	s.render(w, r, status, "places/move", v)
}
