package dispenser

import (
	"net/http"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
)

func (s *Service) handleGet(c *gin.Context) {
	d, ok := s.loadOwn(c)
	if !ok {
		return
	}
	v := viewOf(*d)
	if d.PatientID != nil {
		if err := s.DB.WithContext(c.Request.Context()).Model(&store.Regimen{}).
			Select("compartment, id AS regimen_id").Where("patient_id = ? AND compartment IS NOT NULL", *d.PatientID).
			Order("compartment").Scan(&v.Compartments).Error; err != nil {
			httpx.Fail(c, err)
			return
		}
	}
	auth.Audit(c, s.DB, "dispenser.view", deref(d.PatientID), "dispenser", d.ID, auth.OutcomeOK)
	c.JSON(http.StatusOK, v)
}

// handleRevoke revokes a dispenser; its next request is refused. Revoking
// twice keeps the first revocation time.
func (s *Service) handleRevoke(c *gin.Context) {
	d, ok := s.loadOwn(c)
	if !ok {
		return
	}
	if d.RevokedAt == nil {
		now := s.Clock.Now()
		if err := s.DB.WithContext(c.Request.Context()).Model(d).Updates(map[string]any{"revoked_at": now, "updated_at": now}).Error; err != nil {
			httpx.Fail(c, err)
			return
		}
		d.RevokedAt = &now
	}
	auth.Audit(c, s.DB, "dispenser.revoke", deref(d.PatientID), "dispenser", d.ID, auth.OutcomeOK)
	c.JSON(http.StatusOK, viewOf(*d))
}

type assignRequest struct {
	PatientID *int64 `json:"patient_id"` // null unassigns
}

// handleAssign gives the dispenser to a patient of the admin's clinic (or nobody).
func (s *Service) handleAssign(c *gin.Context) {
	d, ok := s.loadOwn(c)
	if !ok {
		return
	}
	var req assignRequest
	if err := httpx.DecodeJSON(c, &req); err != nil {
		httpx.Fail(c, err)
		return
	}
	if req.PatientID != nil {
		if _, err := auth.LoadPatient(c.Request.Context(), s.DB, auth.PrincipalOf(c), *req.PatientID); err != nil {
			httpx.Fail(c, err)
			return
		}
	}
	now := s.Clock.Now()
	if err := s.DB.WithContext(c.Request.Context()).Model(d).Updates(map[string]any{"patient_id": req.PatientID, "updated_at": now}).Error; err != nil {
		httpx.Fail(c, err)
		return
	}
	d.PatientID = req.PatientID
	auth.Audit(c, s.DB, "dispenser.assign", deref(req.PatientID), "dispenser", d.ID, auth.OutcomeOK)
	c.JSON(http.StatusOK, viewOf(*d))
}

type compartmentsRequest struct {
	Compartments []Mapping `json:"compartments"`
}

// Validate requires compartments 1..64, each used once, and each regimen once.
func (r *compartmentsRequest) Validate() error {
	used, regs := map[int]bool{}, map[int64]bool{}
	for _, m := range r.Compartments {
		if m.Compartment < 1 || m.Compartment > 64 || used[m.Compartment] || regs[m.RegimenID] {
			return apperr.Validation(apperr.FieldError{Field: "compartments",
				Message: "each compartment (1 to 64) and each regimen may appear once"})
		}
		used[m.Compartment], regs[m.RegimenID] = true, true
	}
	return nil
}

// handleCompartments replaces the compartment -> regimen mapping of the
// dispenser's patient (regimens.compartment) in one transaction.
func (s *Service) handleCompartments(c *gin.Context) {
	d, ok := s.loadOwn(c)
	if !ok {
		return
	}
	var req compartmentsRequest
	if err := httpx.DecodeJSON(c, &req); err != nil {
		httpx.Fail(c, err)
		return
	}
	if d.PatientID == nil {
		httpx.Fail(c, apperr.E(apperr.Conflict, "assign the dispenser to a patient first").WithReason("unassigned"))
		return
	}
	now := s.Clock.Now()
	err := s.DB.WithContext(c.Request.Context()).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&store.Regimen{}).Where("patient_id = ? AND compartment IS NOT NULL", *d.PatientID).
			Updates(map[string]any{"compartment": nil, "updated_at": now}).Error; err != nil {
			return err
		}
		for _, m := range req.Compartments {
			res := tx.Model(&store.Regimen{}).Where("id = ? AND patient_id = ? AND as_needed = ?", m.RegimenID, *d.PatientID, false).
				Updates(map[string]any{"compartment": m.Compartment, "updated_at": now})
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 0 {
				return apperr.Validation(apperr.FieldError{Field: "compartments",
					Message: "regimen " + itoa(m.RegimenID) + " is not a scheduled regimen of this dispenser's patient"})
			}
		}
		return nil
	})
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	auth.Audit(c, s.DB, "dispenser.compartments", *d.PatientID, "dispenser", d.ID, auth.OutcomeOK)
	c.JSON(http.StatusOK, gin.H{"compartments": req.Compartments})
}
