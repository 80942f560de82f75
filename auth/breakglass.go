package auth

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
)

// BreakGlassView is one emergency access as the API shows it.
type BreakGlassView struct {
	ID          int64     `json:"id"`
	PatientID   int64     `json:"patient_id"`
	PhysicianID int64     `json:"physician_id"`
	Reason      string    `json:"reason"`
	OpenedAt    time.Time `json:"opened_at"`
	ExpiresAt   time.Time `json:"expires_at"`
	Active      bool      `json:"active"`
}

// ViewBreakGlass returns the API face of b at now.
func ViewBreakGlass(b store.BreakGlass, now time.Time) BreakGlassView {
	return BreakGlassView{ID: b.ID, PatientID: b.PatientID, PhysicianID: b.PhysicianID, Reason: b.Reason,
		OpenedAt: b.OpenedAt, ExpiresAt: b.ExpiresAt, Active: b.EndedAt == nil && now.Before(b.ExpiresAt)}
}

type breakGlassRequest struct {
	Reason string `json:"reason"`
}

func (r *breakGlassRequest) Validate() error {
	n := utf8.RuneCountInString(strings.TrimSpace(r.Reason))
	if n < 10 || n > 1000 || !utf8.ValidString(r.Reason) || strings.ContainsRune(r.Reason, 0) {
		return apperr.Validation(apperr.FieldError{Field: "reason", Message: "must say why, in 10 to 1000 characters"})
	}
	return nil
}

// RegisterBreakGlass mounts emergency access for physicians:
// POST /v1/patients/:id/break-glass opens it (a written reason, for
// BreakGlassTTL), POST /v1/break-glass/:bid/end closes it early.
func (s *Service) RegisterBreakGlass(r gin.IRouter) {
	r.POST("/v1/patients/:id/break-glass", s.Required(), RequireRole(store.RolePhysician), s.openBreakGlass)
	r.POST("/v1/break-glass/:bid/end", s.Required(), RequireRole(store.RolePhysician), s.endBreakGlass)
}

func (s *Service) openBreakGlass(c *gin.Context) {
	p := PrincipalOf(c)
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	var pt store.Patient
	if err == nil {
		err = s.DB.WithContext(c).Where("id = ? AND clinic_id = ?", id, p.ClinicID).Take(&pt).Error
	}
	if err != nil {
		Audit(c, s.DB, "break_glass.open", id, "patient", id, OutcomeDenied)
		httpx.Fail(c, ErrPatientNotFound)
		return
	}
	var req breakGlassRequest
	if err := httpx.DecodeJSON(c, &req); err != nil {
		httpx.Fail(c, err)
		return
	}
	now := s.Clock.Now()
	bg := store.BreakGlass{ClinicID: p.ClinicID, PatientID: pt.ID, PhysicianID: p.UserID, Reason: strings.TrimSpace(req.Reason),
		OpenedAt: now, ExpiresAt: now.Add(s.BreakGlassTTL)}
	if err := s.DB.WithContext(c).Create(&bg).Error; err != nil {
		httpx.Fail(c, err)
		return
	}
	Audit(c, s.DB, "break_glass.open", pt.ID, "break_glass", bg.ID, OutcomeOK)
	c.JSON(http.StatusCreated, ViewBreakGlass(bg, now))
}

func (s *Service) endBreakGlass(c *gin.Context) {
	p := PrincipalOf(c)
	id, _ := strconv.ParseInt(c.Param("bid"), 10, 64)
	var bg store.BreakGlass
	err := s.DB.WithContext(c).Where("id = ? AND physician_id = ?", id, p.UserID).Take(&bg).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		Audit(c, s.DB, "break_glass.end", 0, "break_glass", id, OutcomeDenied)
		httpx.Fail(c, apperr.E(apperr.NotFound, "no such emergency access"))
		return
	} else if err != nil {
		httpx.Fail(c, err)
		return
	}
	now := s.Clock.Now()
	if bg.EndedAt == nil {
		s.DB.WithContext(c).Model(&bg).Update("ended_at", now)
		bg.EndedAt = &now
	}
	Audit(c, s.DB, "break_glass.end", bg.PatientID, "break_glass", bg.ID, OutcomeOK)
	c.JSON(http.StatusOK, ViewBreakGlass(bg, now))
}
