package web

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/onramp/onramp/internal/account"
	"github.com/onramp/onramp/internal/errs"
	"github.com/onramp/onramp/internal/progress"
)

// statementsPost takes a batch of learning records from the lesson player or
// from a phone's offline queue: 200 with what was stored, 400 with the problem
// of each bad statement, 409 with the ids that clash with stored statements
// (nothing of such a batch is stored; the client drops those ids and sends the
// rest again).
func (s *Server) statementsPost(w http.ResponseWriter, r *http.Request) {
	p := who(r)
	sts, err := progress.ParseBatch(http.MaxBytesReader(w, r.Body, progress.MaxBatchBytes+1))
	if err != nil {
		s.apiError(w, r, http.StatusBadRequest, err)
		return
	}
	rec, err := s.deps.Progress.Record(r.Context(), progress.Actor{UserID: p.User.ID, PlaceID: learnerPlace(p.Grants)}, sts)
	if err != nil {
		status := http.StatusInternalServerError
		switch errs.CodeOf(err) {
		case errs.Invalid:
			status = http.StatusBadRequest
		case errs.Conflict:
			status = http.StatusConflict
		}
		s.apiError(w, r, status, err)
		return
	}
	writeJSON(w, http.StatusOK, rec)
}

// learnerPlace is the place a person's learning counts for: their venue as a
// learner, else the place of their first role.
func learnerPlace(gs account.Grants) string {
	for _, g := range gs {
		if g.Role == account.Learner {
			return g.PlaceID
		}
	}
	if len(gs) > 0 {
		return gs[0].PlaceID
	}
	return ""
}

// apiError answers a JSON client: the error key, the message in the person's
// language, and the details a client can act on (bad items, conflicting ids).
func (s *Server) apiError(w http.ResponseWriter, r *http.Request, status int, err error) {
	body := map[string]any{}
	key := errs.KeyOf(err)
	if status == http.StatusInternalServerError {
		s.log.Error("api request failed", "request_id", RequestID(r.Context()), "route", routeOf(r), "err", err)
		key = "error.internal"
	}
	body["error"] = key
	var e *errs.Error
	if errors.As(err, &e) && status != http.StatusInternalServerError {
		if items, ok := e.Args["Items"]; ok {
			body["items"] = items
		}
		if ids, ok := e.Args["IDs"]; ok {
			body["ids"] = ids
		}
		body["message"] = s.tr().T(langOf(r), key, e.Args)
	} else {
		body["message"] = s.tr().T(langOf(r), key)
	}
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
