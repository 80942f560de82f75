package report

import (
	"net/http"
	"strconv"
	"time"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/clock"
	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
)

// API serves the report endpoints.
type API struct {
	DB    *gorm.DB
	Clock clock.Clock
	// PublicURL is DOSELOOP_PUBLIC_URL, the base of FHIR fullUrls ("" =
	// urn:uuid). Never the request's Host header, which the client controls.
	PublicURL string
}

// Register mounts, behind auth (the Required middleware), for care-team
// physicians and clinic admins only (patients and caregivers have the mobile
// API; everyone else gets 403 wrong_role, audited when a patient is named):
//
//	GET /v1/patients/:id/adherence   ?period=7d|30d|90d or ?from=&to= (dates in the patient's zone)
//	GET /v1/adherence                the caller's whole patient list (?period, ?q, ?sort)
//	GET /v1/patients/:id/doses.csv   the patient's doses in the period
//	GET /v1/clinic/adherence.csv     the list as CSV
//	GET /v1/patients/:id/fhir        FHIR R4 Bundle (collection)
func (a *API) Register(r gin.IRouter, required gin.HandlerFunc) {
	g := r.Group("/v1", required)
	g.GET("/patients/:id/adherence", a.staffOnly("report.adherence"), a.handleAdherence)
	g.GET("/patients/:id/doses.csv", a.staffOnly("report.doses_csv"), a.handleDosesCSV)
	g.GET("/patients/:id/fhir", a.staffOnly("report.fhir"), a.handleFHIR)
	staff := g.Group("", auth.RequireRole(StaffRoles...))
	staff.GET("/adherence", a.handleList)
	staff.GET("/clinic/adherence.csv", a.handleListCSV)
}

// patientReport loads the :id patient (404 if foreign) and its report, and audits.
func (a *API) patientReport(c *gin.Context, action string) (*store.Patient, *PatientReport, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		httpx.Fail(c, auth.ErrPatientNotFound)
		return nil, nil, false
	}
	pt, err := auth.LoadPatient(c.Request.Context(), a.DB, auth.PrincipalOf(c), id)
	if err != nil {
		auth.Audit(c, a.DB, action, id, "patient", id, auth.OutcomeDenied)
		httpx.Fail(c, err)
		return nil, nil, false
	}
	p, err := ParseWindow(c.Query("period"), c.Query("from"), c.Query("to"), PatientZone(pt), a.Clock.Now())
	if err != nil {
		httpx.Fail(c, err)
		return nil, nil, false
	}
	rep, err := Load(c.Request.Context(), a.DB, pt, p)
	if err != nil {
		httpx.Fail(c, err)
		return nil, nil, false
	}
	auth.Audit(c, a.DB, action, pt.ID, "patient", pt.ID, auth.OutcomeOK)
	return pt, rep, true
}

func (a *API) handleAdherence(c *gin.Context) {
	if _, rep, ok := a.patientReport(c, "report.adherence"); ok {
		c.Header("Cache-Control", "private, no-store")
		c.JSON(http.StatusOK, rep)
	}
}

func (a *API) handleDosesCSV(c *gin.Context) {
	if pt, rep, ok := a.patientReport(c, "report.doses_csv"); ok {
		w := rep.Window
		c.Header("X-DoseLoop-Window", w.From+"/"+w.To+" "+w.TimeZone)
		name := "patient-" + strconv.FormatInt(pt.ID, 10) + "-doses-" + w.From + "-to-" + w.To + ".csv"
		writeCSV(c, name, func(c *gin.Context) error { return WriteDosesCSV(c.Writer, rep) })
	}
}

func (a *API) handleFHIR(c *gin.Context) {
	if pt, rep, ok := a.patientReport(c, "report.fhir"); ok {
		c.Header("Cache-Control", "private, no-store")
		c.Header("Content-Type", "application/fhir+json; charset=utf-8")
		c.JSON(http.StatusOK, FHIRBundle(pt, rep, FHIROptions{PublicURL: a.PublicURL, Now: a.Clock.Now()}))
		c.Writer.Header().Set("Content-Type", "application/fhir+json; charset=utf-8")
	}
}

// listWindow describes the list's window: each row has its own local dates.
type listWindow struct {
	Days       int       `json:"days"`
	AsOf       time.Time `json:"as_of"`
	Definition string    `json:"definition"`
}

// list parses the list options and runs the list query.
func (a *API) list(c *gin.Context, action string) ([]ListRow, listWindow, bool) {
	now := a.Clock.Now()
	days, err := parsePreset(c.Query("period"))
	if err == nil && (c.Query("from") != "" || c.Query("to") != "") {
		err = apperr.Validation(apperr.FieldError{Field: "from", Message: "the patient list takes period=7d|30d|90d only"})
	}
	win := listWindow{Days: days, AsOf: now.UTC(), Definition: WindowDefinition}
	sort := c.DefaultQuery("sort", "worst")
	if err == nil && sort != "worst" && sort != "best" && sort != "name" && sort != "trend" {
		err = apperr.Validation(apperr.FieldError{Field: "sort", Message: "must be worst, best, name or trend"})
	}
	var rows []ListRow
	if err == nil {
		rows, err = List(c.Request.Context(), a.DB, auth.PrincipalOf(c), days, now, ListOptions{Search: c.Query("q"), Sort: sort})
	}
	if err != nil {
		httpx.Fail(c, err)
		return nil, win, false
	}
	auth.Audit(c, a.DB, action, 0, "patient_list", 0, auth.OutcomeOK)
	return rows, win, true
}

func (a *API) handleList(c *gin.Context) {
	if rows, w, ok := a.list(c, "report.list"); ok {
		c.Header("Cache-Control", "private, no-store")
		c.JSON(http.StatusOK, gin.H{"window": w, "items": rows})
	}
}

func (a *API) handleListCSV(c *gin.Context) {
	if rows, _, ok := a.list(c, "report.list_csv"); ok {
		writeCSV(c, "clinic-adherence.csv", func(w *gin.Context) error { return WriteListCSV(w.Writer, rows) })
	}
}

func writeCSV(c *gin.Context, name string, write func(*gin.Context) error) {
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Header("Cache-Control", "private, no-store")
	c.Status(http.StatusOK)
	_ = write(c) // the status is sent; a broken connection is all that can fail here
}
