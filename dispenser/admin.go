package dispenser

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
)

// View is what admins see of a dispenser.
type View struct {
	Serial             string     `json:"serial"`
	PublicKey          string     `json:"public_key"`
	NextPublicKey      string     `json:"next_public_key,omitempty"`
	Model              string     `json:"model"`
	PatientID          *int64     `json:"patient_id"`
	HeartbeatIntervalS int        `json:"heartbeat_interval_s"`
	RevokedAt          *time.Time `json:"revoked_at"`
	LastSeenAt         *time.Time `json:"last_seen_at"`
	BatteryPct         *int       `json:"battery_pct"`
	Firmware           string     `json:"firmware"`
	SignalDbm          *int       `json:"signal_dbm"`
	LastSeq            int64      `json:"last_seq"`
	CreatedAt          time.Time  `json:"created_at"`
	Compartments       []Mapping  `json:"compartments,omitempty"`
}

// Mapping says which regimen a compartment holds.
type Mapping struct {
	Compartment int   `json:"compartment"`
	RegimenID   int64 `json:"regimen_id"`
}

func viewOf(d store.Dispenser) View {
	return View{Serial: d.Serial, PublicKey: d.PublicKey, NextPublicKey: d.NextPublicKey, Model: d.Model, PatientID: d.PatientID,
		HeartbeatIntervalS: d.HeartbeatIntervalS, RevokedAt: d.RevokedAt, LastSeenAt: d.LastSeenAt,
		BatteryPct: d.BatteryPct, Firmware: d.Firmware, SignalDbm: d.SignalDbm, LastSeq: d.LastSeq, CreatedAt: d.CreatedAt}
}

type provisionRequest struct {
	Serial             string `json:"serial"`
	PublicKey          string `json:"public_key"`
	Model              string `json:"model"`
	PatientID          *int64 `json:"patient_id"`
	HeartbeatIntervalS int    `json:"heartbeat_interval_s"`
}

// Validate checks the serial, key and interval.
func (r *provisionRequest) Validate() error {
	var f []apperr.FieldError
	if !validSerial(r.Serial) {
		f = append(f, apperr.FieldError{Field: "serial", Message: "must be 3 to 64 letters, digits, '.', '_' or '-'"})
	}
	if _, ok := ParsePublicKey(r.PublicKey); !ok {
		f = append(f, badKeyField())
	}
	if msg := textProblem(r.Model, 64); msg != "" {
		f = append(f, apperr.FieldError{Field: "model", Message: msg})
	}
	if r.HeartbeatIntervalS != 0 && (r.HeartbeatIntervalS < 60 || r.HeartbeatIntervalS > 86400) {
		f = append(f, apperr.FieldError{Field: "heartbeat_interval_s", Message: "must be 60 to 86400"})
	}
	if len(f) > 0 {
		return apperr.Validation(f...)
	}
	return nil
}

func (s *Service) handleProvision(c *gin.Context) {
	p := auth.PrincipalOf(c)
	var req provisionRequest
	if err := httpx.DecodeJSON(c, &req); err != nil {
		httpx.Fail(c, err)
		return
	}
	db := s.DB.WithContext(c.Request.Context())
	if req.PatientID != nil {
		if _, err := auth.LoadPatient(c.Request.Context(), s.DB, p, *req.PatientID); err != nil {
			httpx.Fail(c, err)
			return
		}
	}
	if err := s.keyInUse(c.Request.Context(), req.PublicKey, 0); err != nil {
		httpx.Fail(c, err)
		return
	}
	now := s.Clock.Now()
	d := store.Dispenser{ClinicID: p.ClinicID, Serial: req.Serial, PublicKey: req.PublicKey, Model: req.Model,
		PatientID: req.PatientID, HeartbeatIntervalS: req.HeartbeatIntervalS, CreatedAt: now, UpdatedAt: now}
	if d.HeartbeatIntervalS == 0 {
		d.HeartbeatIntervalS = 900
	}
	action := "dispenser.provision"
	err := db.Create(&d).Error
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		action, err = "dispenser.reprovision", s.reprovision(c, &d)
	}
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	auth.Audit(c, s.DB, action, deref(d.PatientID), "dispenser", d.ID, auth.OutcomeOK)
	c.Header("Location", "/v1/dispensers/"+d.Serial)
	c.JSON(http.StatusCreated, viewOf(d))
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// loadOwn loads the dispenser named in the path if it belongs to the admin's
// clinic; any other serial is 404, so other clinics' fleets stay invisible.
func (s *Service) loadOwn(c *gin.Context) (*store.Dispenser, bool) {
	p := auth.PrincipalOf(c)
	var d store.Dispenser
	err := s.DB.WithContext(c.Request.Context()).Where("serial = ? AND clinic_id = ?", c.Param("serial"), p.ClinicID).Take(&d).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		err = apperr.E(apperr.NotFound, "no such dispenser")
	}
	if err != nil {
		httpx.Fail(c, err)
		return nil, false
	}
	return &d, true
}

func (s *Service) handleList(c *gin.Context) {
	p := auth.PrincipalOf(c)
	page, err := httpx.ParsePage(c)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	q := s.DB.WithContext(c.Request.Context()).Where("clinic_id = ?", p.ClinicID).Order("id").Limit(page.Limit + 1)
	if page.Cursor != "" {
		after, err := strconv.ParseInt(page.Cursor, 10, 64)
		if err != nil {
			httpx.Fail(c, apperr.Validation(apperr.FieldError{Field: "cursor", Message: "is not a cursor this API gave out"}))
			return
		}
		q = q.Where("id > ?", after)
	}
	var ds []store.Dispenser
	if err := q.Find(&ds).Error; err != nil {
		httpx.Fail(c, err)
		return
	}
	out := httpx.List[View]{Items: []View{}}
	ds, out.NextCursor = httpx.Trim(ds, page, func(d store.Dispenser) string { return strconv.FormatInt(d.ID, 10) })
	for _, d := range ds {
		out.Items = append(out.Items, viewOf(d))
	}
	auth.Audit(c, s.DB, "dispenser.list", 0, "dispenser", 0, auth.OutcomeOK)
	c.JSON(http.StatusOK, out)
}
