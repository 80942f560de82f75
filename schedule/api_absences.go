package schedule

import (
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
)

// maxAbsence bounds one recorded absence.
const maxAbsence = 366 * 24 * time.Hour

// absenceRequest is the body of POST .../absences.
type absenceRequest struct {
	Kind     string `json:"kind"`
	StartsAt string `json:"starts_at"`
	EndsAt   string `json:"ends_at"`
	Reason   string `json:"reason"`
	start    time.Time
	end      time.Time
}

// Validate checks the absence before any transaction.
func (r *absenceRequest) Validate() error {
	var v fieldErrs
	if r.Kind != store.AbsenceAway && r.Kind != store.AbsenceHospitalised {
		v.add("kind", "must be away or hospitalised")
	}
	if s := parseInstant(&v, "starts_at", &r.StartsAt); s != nil {
		r.start = s.UTC().Truncate(time.Microsecond)
	}
	if e := parseInstant(&v, "ends_at", &r.EndsAt); e != nil {
		r.end = e.UTC().Truncate(time.Microsecond)
	}
	if !r.start.IsZero() && !r.end.IsZero() && (!r.end.After(r.start) || r.end.Sub(r.start) > maxAbsence) {
		v.add("ends_at", "must be after starts_at, at most 366 days later")
	}
	r.Reason = strings.TrimSpace(r.Reason)
	if r.Reason == "" || utf8.RuneCountInString(r.Reason) > 500 || !utf8.ValidString(r.Reason) || strings.ContainsRune(r.Reason, 0) {
		v.add("reason", "is required, at most 500 characters")
	}
	return v.err()
}

// AbsenceView is an absence as the API shows it.
type AbsenceView struct {
	ID        int64      `json:"id"`
	PatientID int64      `json:"patient_id"`
	Kind      string     `json:"kind"`
	StartsAt  time.Time  `json:"starts_at"`
	EndsAt    time.Time  `json:"ends_at"`
	Reason    string     `json:"reason"`
	CreatedBy *int64     `json:"created_by"`
	CreatedAt *time.Time `json:"created_at"`
}

func absenceView(a *store.PatientAbsence) AbsenceView {
	return AbsenceView{ID: a.ID, PatientID: a.PatientID, Kind: a.Kind, StartsAt: a.StartsAt, EndsAt: a.EndsAt,
		Reason: a.Reason, CreatedBy: a.CreatedBy, CreatedAt: a.CreatedAt}
}

func (a *API) patientAbsences(c *gin.Context) {
	if pt, ok := a.patient(c, "absence.list"); ok {
		a.listAbsences(c, pt)
	}
}

func (a *API) addPatientAbsence(c *gin.Context) {
	if pt, ok := a.patient(c, "absence.create"); ok {
		a.addAbsence(c, pt)
	}
}

func (a *API) myAbsences(c *gin.Context) {
	if pt, ok := a.own(c); ok {
		a.listAbsences(c, pt)
	}
}

func (a *API) addMyAbsence(c *gin.Context) {
	if pt, ok := a.own(c); ok {
		a.addAbsence(c, pt)
	}
}

// own loads the calling patient's record.
func (a *API) own(c *gin.Context) (*store.Patient, bool) {
	pt, err := auth.OwnPatient(c.Request.Context(), a.DB, auth.PrincipalOf(c))
	if err != nil {
		httpx.Fail(c, err)
		return nil, false
	}
	return pt, true
}

// listAbsences answers pt's absences, newest first, a page at a time.
func (a *API) listAbsences(c *gin.Context, pt *store.Patient) {
	page, err := httpx.ParsePage(c)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	q := a.DB.WithContext(c.Request.Context()).Where("patient_id = ?", pt.ID)
	if page.Cursor != "" {
		before, err := strconv.ParseInt(page.Cursor, 10, 64)
		if err != nil {
			httpx.Fail(c, apperr.Validation(apperr.FieldError{Field: "cursor", Message: "is not a cursor this API gave out"}))
			return
		}
		q = q.Where("id < ?", before)
	}
	var rows []store.PatientAbsence
	if err := q.Order("id DESC").Limit(page.Limit + 1).Find(&rows).Error; err != nil {
		httpx.Fail(c, err)
		return
	}
	out := httpx.List[AbsenceView]{Items: []AbsenceView{}}
	rows, out.NextCursor = httpx.Trim(rows, page, func(l store.PatientAbsence) string { return itoa(l.ID) })
	for i := range rows {
		out.Items = append(out.Items, absenceView(&rows[i]))
	}
	auth.Audit(c, a.DB, "absence.list", pt.ID, "patient", pt.ID, auth.OutcomeOK)
	c.JSON(http.StatusOK, out)
}
