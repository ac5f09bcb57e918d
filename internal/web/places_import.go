package web

import (
	"bytes"
	"cmp"
	"errors"
	"io"
	"net/http"
	"slices"

	"github.com/onramp/onramp/internal/errs"
	"github.com/onramp/onramp/internal/place"
)

// importMaxBytes caps an uploaded file: about 100,000 places, more than a
// region has. Bigger trees go in with "onramp import places FILE".
const (
	importMaxBytes = 10 << 20
	importMaxMB    = importMaxBytes >> 20
	// importSlack is room for the multipart framing around the file.
	importSlack = 64 << 10
	fieldFile   = "file"
)

type placeImportView struct {
	Page
	Form *form
	// Done: the file was imported; Rows, Created, Updated and Unchanged say what it did.
	Done                              bool
	Rows, Created, Updated, Unchanged int
	// Problems is the row-by-row report of a refused file; BadRows counts the
	// rows with problems.
	Problems []importProblem
	BadRows  int
	MaxMB    int
}

// importProblem is one line of the report.
type importProblem struct {
	Row    int    // 0: the whole file
	Column string // "": the whole row
	Key    string
	Args   map[string]any
}

func (s *Server) placeImportPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "places/import", placeImportView{Page: s.page(r), Form: newForm(), MaxMB: importMaxMB})
}

// placeImport reads the uploaded CSV and imports it all or nothing. The file's
// content goes nowhere but the import: not to the log, not to disk.
func (s *Server) placeImport(w http.ResponseWriter, r *http.Request) {
	p := who(r)
	f := newForm()
	v := placeImportView{Form: f, MaxMB: importMaxMB}
	show := func(status int) {
		v.Page = s.page(r)
		s.render(w, r, status, "places/import", v)
	}
	data, status := readUpload(w, r, f)
	if status != 0 {
		show(status)
		return
	}
	ctx := r.Context()
	refs, fileErrs := place.ScanImport(data)
	if len(fileErrs) > 0 {
		v.setProblems(fileErrs, len(fileErrs))
		show(http.StatusUnprocessableEntity)
		return
	}
	scopeErrs, err := s.importScopeErrors(ctx, p, refs)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(scopeErrs) > 0 {
		v.setProblems(scopeErrs, 0)
		show(http.StatusUnprocessableEntity)
		return
	}
	rep, err := s.deps.Places.Import(ctx, bytes.NewReader(data))
	if err != nil {
		if errs.CodeOf(err) != errs.Invalid {
			s.fail(w, r, err)
			return
		}
		v.setProblems(rep.Errors, rep.BadRows)
		show(http.StatusUnprocessableEntity)
		return
	}
	v.Done, v.Rows, v.Created, v.Updated, v.Unchanged = true, rep.Rows, rep.Created, rep.Updated, rep.Unchanged
	show(http.StatusOK)
}

// readUpload reads the file field of a multipart form within importMaxBytes.
// It returns a status other than 0, with the problem on f, when there is no
// usable file.
func readUpload(w http.ResponseWriter, r *http.Request, f *form) ([]byte, int) {
	r.Body = http.MaxBytesReader(w, r.Body, importMaxBytes+importSlack)
	tooLarge := func() ([]byte, int) {
		f.Error, f.Args = "error.too_large", map[string]any{"MaxMB": importMaxMB}
		return nil, http.StatusRequestEntityTooLarge
	}
	mr, err := r.MultipartReader()
	if err != nil {
		f.Fail(fieldFile, "place.import.no_file", nil)
		return nil, http.StatusBadRequest
	}
	for {
		part, err := mr.NextPart()
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &mbe):
			return tooLarge()
		case err == io.EOF:
			f.Fail(fieldFile, "place.import.no_file", nil)
			return nil, http.StatusUnprocessableEntity
		case err != nil:
			f.Error = "error.invalid"
			return nil, http.StatusBadRequest
		}
		if part.FormName() != fieldFile {
			continue
		}
		data, err := io.ReadAll(io.LimitReader(part, importMaxBytes+1))
		switch {
		case errors.As(err, &mbe) || len(data) > importMaxBytes:
			return tooLarge()
		case err != nil:
			f.Error = "error.invalid"
			return nil, http.StatusBadRequest
		case len(bytes.TrimSpace(data)) == 0:
			f.Fail(fieldFile, "place.import.no_file", nil)
			return nil, http.StatusUnprocessableEntity
		}
		return data, 0
	}
}

// setProblems puts a refused file's errors in the view, by row, at most
// place.MaxReportErrors of them as Import does. badRows 0 counts them here.
func (v *placeImportView) setProblems(es []place.RowError, badRows int) {
	es = slices.Clone(es)
	slices.SortStableFunc(es, func(a, b place.RowError) int { return cmp.Compare(a.Row, b.Row) })
	if badRows == 0 {
		rows := map[int]bool{}
		for _, e := range es {
			rows[e.Row] = true
		}
		badRows = len(rows)
	}
	if len(es) > place.MaxReportErrors {
		es = append(es[:place.MaxReportErrors:place.MaxReportErrors], place.RowError{Key: "place.import.error.too_many_errors",
			Args: map[string]any{"shown": place.MaxReportErrors, "bad_rows": badRows}})
	}
	v.BadRows = badRows
	for _, e := range es {
		v.Problems = append(v.Problems, importProblem{Row: e.Row, Column: e.Column, Key: e.Key, Args: e.Args})
	}
}
