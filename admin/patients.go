package admin

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
	"gorm.io/gorm"
)

type createPatientRequest struct {
	Name         string `json:"name"`
	BirthDate    string `json:"birth_date"`
	TimeZone     string `json:"time_zone"`
	TravelPolicy string `json:"travel_policy"`
	// Email, when set, also creates the patient's login.
	Email  string `json:"email"`
	Locale string `json:"locale"`
}

func (r *createPatientRequest) Validate() error {
	var f []apperr.FieldError
	if strings.TrimSpace(r.Name) == "" || utf8.RuneCountInString(r.Name) > MaxNameLen || !cleanText(r.Name) {
		f = append(f, apperr.FieldError{Field: "name", Message: "is required: up to 200 characters of text"})
	}
	if len(r.Email) > 254 {
		f = append(f, apperr.FieldError{Field: "email", Message: "must be an email address of at most 254 characters"})
	}
	if r.BirthDate != "" {
		if _, err := time.Parse("2006-01-02", r.BirthDate); err != nil {
			f = append(f, apperr.FieldError{Field: "birth_date", Message: "must be a date like 1950-12-31"})
		}
	}
	if _, err := time.LoadLocation(r.TimeZone); err != nil || r.TimeZone == "" || r.TimeZone == "Local" {
		f = append(f, apperr.FieldError{Field: "time_zone", Message: "must be an IANA time zone such as Europe/Madrid"})
	}
	if r.TravelPolicy == "" {
		r.TravelPolicy = "home"
	} else if r.TravelPolicy != "home" && r.TravelPolicy != "local" {
		f = append(f, apperr.FieldError{Field: "travel_policy", Message: "must be home or local"})
	}
	if len(f) > 0 {
		return apperr.Validation(f...)
	}
	return nil
}

type patientView struct {
	ID           int64  `json:"id"`
	Name         string `json:"name"`
	BirthDate    string `json:"birth_date,omitempty"`
	TimeZone     string `json:"time_zone"`
	TravelPolicy string `json:"travel_policy"`
	UserID       *int64 `json:"user_id,omitempty"`
}

func viewPatient(p store.Patient) patientView {
	return patientView{ID: p.ID, Name: p.Name, BirthDate: p.BirthDate, TimeZone: p.TimeZone, TravelPolicy: p.TravelPolicy, UserID: p.UserID}
}

func (h *Handler) listPatients(c *gin.Context) {
	page, err := httpx.ParsePage(c)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	after, _ := strconv.ParseInt(page.Cursor, 10, 64)
	var pts []store.Patient
	err = h.DB.WithContext(c).Where("clinic_id = ? AND id > ?", auth.PrincipalOf(c).ClinicID, after).
		Order("id").Limit(page.Limit + 1).Find(&pts).Error
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	out := httpx.List[patientView]{Items: []patientView{}}
	pts, out.NextCursor = httpx.Trim(pts, page, func(p store.Patient) string { return strconv.FormatInt(p.ID, 10) })
	for _, p := range pts {
		out.Items = append(out.Items, viewPatient(p))
	}
	auth.Audit(c, h.DB, "admin.patients.list", 0, "patient", 0, auth.OutcomeOK)
	c.JSON(http.StatusOK, out)
}

func (h *Handler) createPatient(c *gin.Context) {
	var req createPatientRequest
	if err := httpx.DecodeJSON(c, &req); err != nil {
		httpx.Fail(c, err)
		return
	}
	now := h.Clock.Now()
	pt := store.Patient{ClinicID: auth.PrincipalOf(c).ClinicID, Name: strings.TrimSpace(req.Name), BirthDate: req.BirthDate,
		TimeZone: req.TimeZone, HomeTimeZone: req.TimeZone, TravelPolicy: req.TravelPolicy, CreatedAt: now, UpdatedAt: now}
	var generated string
	err := h.DB.WithContext(c).Transaction(func(tx *gorm.DB) error {
		if req.Email != "" {
			u, pw, err := h.insertUser(c, tx, createUserRequest{Email: req.Email, Name: req.Name, Role: store.RolePatient, Locale: orEn(req.Locale)})
			if err != nil {
				return err
			}
			pt.UserID, generated = &u.ID, pw
		}
		return tx.Create(&pt).Error
	})
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	auth.Audit(c, h.DB, "admin.patient.create", pt.ID, "patient", pt.ID, auth.OutcomeOK)
	c.JSON(http.StatusCreated, gin.H{"patient": viewPatient(pt), "one_time_password": generated})
}

func orEn(locale string) string {
	if locale == "" {
		return "en"
	}
	return locale
}

// clinicPatient loads a patient of the admin's clinic or answers 404.
func (h *Handler) clinicPatient(c *gin.Context) (*store.Patient, error) {
	id, err := idParam(c, "id")
	if err != nil {
		return nil, err
	}
	pt, err := auth.LoadPatient(c, h.DB, auth.PrincipalOf(c), id)
	if apperr.Is(err, apperr.NotFound) {
		// Filed under the targeted patient's clinic, so it sees the attempt.
		auth.Audit(c, h.DB, "admin.patient.access", id, "patient", id, auth.OutcomeDenied)
	}
	return pt, err
}

func idParam(c *gin.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.E(apperr.NotFound, "no such %s", strings.TrimSuffix(name, "id"))
	}
	return id, nil
}
