package place

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/onramp/onramp/internal/db"
	"github.com/onramp/onramp/internal/errs"
)

// Service is the place hierarchy: reads go to the reader pool, every change runs
// in one write transaction.
type Service struct {
	db    *db.DB
	now   func() time.Time
	newID func() string
}

// NewService builds a Service. now and newID are injected so tests control time
// and identifiers; nil gives time.Now and NewID.
func NewService(d *db.DB, now func() time.Time, newID func() string) *Service {
	if now == nil {
		now = time.Now
	}
	if newID == nil {
		newID = NewID
	}
	return &Service{db: d, now: now, newID: newID}
}

// NewID returns a new UUIDv7 in text form, the identifier of every record.
func NewID() string { return uuid.Must(uuid.NewV7()).String() }

func (s *Service) stamp() time.Time {
	// Stored timestamps have microsecond precision; truncating here makes what a
	// method returns equal what a later read gives.
	return s.now().UTC().Truncate(time.Microsecond)
}

func codeTaken(code string, cause error) error {
	return &errs.Error{
		Code:   errs.Conflict,
		Key:    keyCodeTaken,
		Args:   map[string]any{"code": code},
		Fields: map[string]string{FieldCode: keyCodeTaken},
		Err:    cause,
	}
}

// FindPlaceByID returns the place with its names.
// Errors: NotFound, Internal.
func (s *Service) FindPlaceByID(ctx context.Context, id string) (*Place, error) {
	return getPlace(ctx, s.db.R, id)
}

// FindPlaceByCode returns the place with the operator's code (compared after
// NFC normalisation and trimming).
// Errors: NotFound, Internal.
func (s *Service) FindPlaceByCode(ctx context.Context, code string) (*Place, error) {
	return getPlaceByCode(ctx, s.db.R, cleanText(code))
}

// FindPlaces returns one page of the places matching f, ordered by depth then
// code, and how many match in all.
// Errors: Internal.
func (s *Service) FindPlaces(ctx context.Context, f Filter) ([]*Place, int, error) {
	ps, n, err := findPlaces(ctx, s.db.R, f)
	if err != nil {
		return nil, 0, errs.Wrap(err, "place: find places")
	}
	return ps, n, nil
}

// Children returns the places directly under id, by code (none for a leaf).
// Errors: NotFound (no place id), Internal.
func (s *Service) Children(ctx context.Context, id string) ([]*Place, error) {
	ps, err := listChildren(ctx, s.db.R, id)
	if err != nil {
		return nil, errs.Wrap(err, "place: children of %s", id)
	}
	if len(ps) == 0 {
		if err := s.mustExist(ctx, id); err != nil {
			return nil, err
		}
		return []*Place{}, nil
	}
	return ps, nil
}

// Ancestors returns the path from the root country down to id, the place itself
// last — a breadcrumb.
// Errors: NotFound, Internal.
func (s *Service) Ancestors(ctx context.Context, id string) ([]*Place, error) {
	ps, err := listAncestors(ctx, s.db.R, id)
	if err != nil {
		return nil, errs.Wrap(err, "place: ancestors of %s", id)
	}
	if len(ps) == 0 {
		return nil, notFound(fmt.Errorf("place %q", id))
	}
	return ps, nil
}

// IsWithin reports whether placeID lies in the subtree of any of rootIDs, a root
// itself included. Every authorisation by place scope asks this, so it is one
// lookup in the closure index. An unknown place, or no roots, gives false.
// Errors: Internal.
func (s *Service) IsWithin(ctx context.Context, placeID string, rootIDs ...string) (bool, error) {
	if placeID == "" || len(rootIDs) == 0 {
		return false, nil
	}
	ok, err := isWithin(ctx, s.db.R, placeID, rootIDs)
	if err != nil {
		return false, errs.Wrap(err, "place: is %s within %v", placeID, rootIDs)
	}
	return ok, nil
}

// SubtreeIDs returns id and the IDs of every place under it, shallowest first.
// Errors: NotFound, Internal.
func (s *Service) SubtreeIDs(ctx context.Context, id string) ([]string, error) {
	ids, err := subtreeIDs(ctx, s.db.R, id)
	if err != nil {
		return nil, errs.Wrap(err, "place: subtree of %s", id)
	}
	if len(ids) == 0 {
		return nil, notFound(fmt.Errorf("place %q", id))
	}
	return ids, nil
}

// Population returns the adult population of the area id, the denominator of
// coverage figures, by this rule: an area's own AdultPopulation when it is set;
// otherwise the sum of its child areas' Population, by the same rule all the way
// down (0 when no figure is known anywhere below). Venues never add to an area's
// figure — a care home's residents already live in its ward — but a venue asked
// directly gives its own figure, or 0.
// Errors: NotFound, Internal.
func (s *Service) Population(ctx context.Context, id string) (int64, error) {
	n, err := population(ctx, s.db.R, id)
	if err != nil {
		return 0, errs.Wrap(err, "place: population of %s", id)
	}
	if n == 0 {
		if err := s.mustExist(ctx, id); err != nil {
			return 0, err
		}
	}
	return n, nil
}

func (s *Service) mustExist(ctx context.Context, id string) error {
	ok, err := placeExists(ctx, s.db.R, id)
	if err != nil {
		return errs.Wrap(err, "place: exists %s", id)
	}
	if !ok {
		return notFound(fmt.Errorf("place %q", id))
	}
	return nil
}

// CreatePlace adds a place under np.ParentID (none for a country).
// Errors: Invalid (field errors: form.required, form.too_long, form.invalid_number,
// place.error.bad_parent, place.error.bad_kind, place.error.bad_venue_kind,
// place.error.bad_lang, place.error.bad_text), Conflict (place.error.code_taken,
// also set on the code field), Internal.
func (s *Service) CreatePlace(ctx context.Context, np NewPlace) (*Place, error) {
	fe := errs.FieldErrors{}
	code := cleanText(np.Code)
	if k := checkCode(code); k != "" {
		fe.Add(FieldCode, k)
	}
	if !np.Kind.Valid() {
		fe.Add(FieldKind, keyBadKind)
	}
	checkVenueKind(fe, np.Kind, np.VenueKind)
	if k := checkPopulation(np.AdultPopulation); k != "" {
		fe.Add(FieldPopulation, k)
	}
	names := cleanNames(np.Names, fe)
	for lang, n := range names {
		if n == "" {
			delete(names, lang)
		}
	}
	if len(names) == 0 && !hasNameError(fe) {
		fe.Add(FieldNames, keyRequired)
	}
	switch {
	case np.Kind == KindCountry && np.ParentID != "":
		fe.Add(FieldParent, keyBadParent)
	case np.Kind.Valid() && np.Kind != KindCountry && np.ParentID == "":
		fe.Add(FieldParent, keyRequired)
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	now := s.stamp()
	p := &Place{
		ID:              s.newID(),
		ParentID:        np.ParentID,
		Kind:            np.Kind,
		VenueKind:       np.VenueKind,
		Code:            code,
		Names:           names,
		AdultPopulation: clonePop(np.AdultPopulation),
		CreatedAt:       now,
		UpdatedAt:       now,
	}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if p.ParentID != "" {
			parent, err := getPlace(ctx, tx, p.ParentID)
			if errs.Is(err, errs.NotFound) {
				fe.Add(FieldParent, keyBadParent)
				return fe.Err()
			}
			if err != nil {
				return err
			}
			if !CanParent(parent.Kind, p.Kind) {
				fe.Add(FieldParent, keyBadParent)
				return fe.Err()
			}
			p.Depth = parent.Depth + 1
		}
		if other, err := codeTakenBy(ctx, tx, code); err != nil {
			return err
		} else if other != "" {
			return codeTaken(code, fmt.Errorf("code %q is place %s", code, other))
		}
		if err := insertPlace(ctx, tx, p); err != nil {
			if db.IsUniqueViolation(err) {
				return codeTaken(code, err)
			}
			return err
		}
		return nil
	})
	if err != nil {
		return nil, errs.Wrap(err, "place: create %q", code)
	}
	return p, nil
}

func hasNameError(fe errs.FieldErrors) bool {
	for f := range fe {
		if strings.HasPrefix(f, "name_") {
			return true
		}
	}
	return false
}

func checkVenueKind(fe errs.FieldErrors, k Kind, vk VenueKind) {
	switch {
	case k == KindVenue && vk == "":
		fe.Add(FieldVenueKind, keyRequired)
	case k == KindVenue && !vk.Valid():
		fe.Add(FieldVenueKind, keyBadVenueKind)
	case k != KindVenue && vk != "":
		fe.Add(FieldVenueKind, keyBadVenueKind)
	}
}

func clonePop(p *int64) *int64 {
	if p == nil {
		return nil
	}
	n := *p
	return &n
}

// RenamePlace sets the place's name in lang; an empty name removes that
// language, unless it is the last name.
// Errors: NotFound, Invalid (field "name_"+lang: form.too_long, place.error.bad_lang,
// place.error.bad_text; field "names": form.required), Internal.
func (s *Service) RenamePlace(ctx context.Context, id, lang, name string) error {
	_, err := s.UpdatePlace(ctx, id, Update{Names: map[string]string{lang: name}})
	return err
}

// UpdatePlace changes the code, venue kind, adult population or names of a place
// and returns it as stored. The kind and parent are not changed here: MovePlace
// moves.
// Errors: NotFound, Invalid (field errors: form.required, form.too_long,
// form.invalid_number, place.error.bad_venue_kind, place.error.bad_lang,
// place.error.bad_text), Conflict (place.error.code_taken), Internal.
func (s *Service) UpdatePlace(ctx context.Context, id string, u Update) (*Place, error) {
	var p *Place
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if p, err = getPlace(ctx, tx, id); err != nil {
			return err
		}
		fe := errs.FieldErrors{}
		oldCode := p.Code
		if u.Code != nil {
			p.Code = cleanText(*u.Code)
			if k := checkCode(p.Code); k != "" {
				fe.Add(FieldCode, k)
			}
		}
		if u.VenueKind != nil {
			p.VenueKind = *u.VenueKind
			checkVenueKind(fe, p.Kind, p.VenueKind)
		}
		switch {
		case u.ClearAdultPopulation:
			p.AdultPopulation = nil
		case u.AdultPopulation != nil:
			if k := checkPopulation(u.AdultPopulation); k != "" {
				fe.Add(FieldPopulation, k)
			}
			p.AdultPopulation = clonePop(u.AdultPopulation)
		}
		names := cleanNames(u.Names, fe)
		for lang, n := range names {
			if n == "" {
				delete(p.Names, lang)
			} else {
				p.Names[lang] = n
			}
		}
		if len(p.Names) == 0 {
			fe.Add(FieldNames, keyRequired)
		}
		if err := fe.Err(); err != nil {
			return err
		}
		if p.Code != oldCode {
			if other, err := codeTakenBy(ctx, tx, p.Code); err != nil {
				return err
			} else if other != "" && other != p.ID {
				return codeTaken(p.Code, fmt.Errorf("code %q is place %s", p.Code, other))
			}
		}
		p.UpdatedAt = s.stamp()
		if err := updatePlaceRow(ctx, tx, p); err != nil {
			if db.IsUniqueViolation(err) {
				return codeTaken(p.Code, err)
			}
			return err
		}
		for lang, n := range names {
			if n == "" {
				err = deleteName(ctx, tx, p.ID, lang)
			} else {
				err = upsertName(ctx, tx, p.ID, lang, n)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, errs.Wrap(err, "place: update %s", id)
	}
	return p, nil
}

// MovePlace hangs the place, with everything under it, under newParentID ("" only
// for a country), rewriting the closure rows of the whole subtree in one
// transaction. Moving to the current parent changes nothing.
// Errors: NotFound (no place id), Invalid (field "parent_id": place.error.cycle when
// newParentID is the place or under it, place.error.bad_parent when it does not
// exist or the kind rule forbids it), Internal.
func (s *Service) MovePlace(ctx context.Context, id, newParentID string) error {
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		p, err := getPlace(ctx, tx, id)
		if err != nil {
			return err
		}
		if p.ParentID == newParentID {
			return nil
		}
		fe := errs.FieldErrors{}
		newDepth := 0
		if newParentID == "" {
			if !CanParent("", p.Kind) {
				fe.Add(FieldParent, keyBadParent)
				return fe.Err()
			}
		} else {
			inside, err := isDescendant(ctx, tx, id, newParentID)
			if err != nil {
				return err
			}
			if inside {
				fe.Add(FieldParent, keyCycle)
				return fe.Err()
			}
			parent, err := getPlace(ctx, tx, newParentID)
			if errs.Is(err, errs.NotFound) {
				fe.Add(FieldParent, keyBadParent)
				return fe.Err()
			}
			if err != nil {
				return err
			}
			if !CanParent(parent.Kind, p.Kind) {
				fe.Add(FieldParent, keyBadParent)
				return fe.Err()
			}
			newDepth = parent.Depth + 1
		}
		return moveSubtree(ctx, tx, id, newParentID, newDepth, db.FormatTime(s.stamp()))
	})
	return errs.Wrap(err, "place: move %s under %q", id, newParentID)
}

// DeletePlace removes a place that has nothing under it.
// Errors: NotFound, Conflict (place.error.has_children; place.error.in_use when
// other records still point at it), Internal.
func (s *Service) DeletePlace(ctx context.Context, id string) error {
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		ok, err := placeExists(ctx, tx, id)
		if err != nil {
			return err
		}
		if !ok {
			return notFound(fmt.Errorf("place %q", id))
		}
		kids, err := hasChildren(ctx, tx, id)
		if err != nil {
			return err
		}
		if kids {
			return errs.E(errs.Conflict, keyHasChildren, fmt.Errorf("place %s has children", id))
		}
		if err := deleteLeaf(ctx, tx, id); err != nil {
			if db.IsForeignKeyViolation(err) {
				return errs.E(errs.Conflict, keyInUse, err)
			}
			return err
		}
		return nil
	})
	return errs.Wrap(err, "place: delete %s", id)
}
