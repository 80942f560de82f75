package admin

import (
	"net/http"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
)

type careTeamRequest struct {
	PhysicianIDs []int64 `json:"physician_ids"`
}

// setCareTeam replaces the patient's care team with the given physicians,
// all of whom must be physicians of the admin's clinic.
func (h *Handler) setCareTeam(c *gin.Context) {
	pt, err := h.clinicPatient(c)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	var req careTeamRequest
	if err := httpx.DecodeJSON(c, &req); err != nil {
		httpx.Fail(c, err)
		return
	}
	if len(req.PhysicianIDs) > MaxListIDs || len(uniq(req.PhysicianIDs)) != len(req.PhysicianIDs) {
		httpx.Fail(c, apperr.Validation(apperr.FieldError{Field: "physician_ids", Message: "must list each physician once, at most 50"}))
		return
	}
	if err := h.requireUsers(c, req.PhysicianIDs, store.RolePhysician); err != nil {
		httpx.Fail(c, err)
		return
	}
	now := h.Clock.Now()
	err = h.DB.WithContext(c).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("patient_id = ?", pt.ID).Delete(&store.CareTeamMember{}).Error; err != nil {
			return err
		}
		for _, id := range req.PhysicianIDs {
			if err := tx.Create(&store.CareTeamMember{PatientID: pt.ID, PhysicianID: id, CreatedAt: now}).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	auth.Audit(c, h.DB, "admin.care_team.set", pt.ID, "patient", pt.ID, auth.OutcomeOK)
	c.JSON(http.StatusOK, gin.H{"patient_id": pt.ID, "physician_ids": req.PhysicianIDs})
}

// requireUsers checks every id is an enabled user with role in the admin's clinic.
func (h *Handler) requireUsers(c *gin.Context, ids []int64, role string) error {
	var n int64
	err := h.DB.WithContext(c).Model(&store.User{}).Where("id IN ? AND role = ? AND clinic_id = ? AND disabled_at IS NULL",
		ids, role, auth.PrincipalOf(c).ClinicID).Count(&n).Error
	if err != nil {
		return err
	}
	if int(n) != len(uniq(ids)) {
		return apperr.Validation(apperr.FieldError{Field: role + "_ids", Message: "must name " + role + "s of your clinic"})
	}
	return nil
}

func uniq(ids []int64) map[int64]bool {
	m := map[int64]bool{}
	for _, id := range ids {
		m[id] = true
	}
	return m
}

type linkRequest struct {
	CaregiverID     int64 `json:"caregiver_id"`
	EscalationOrder int   `json:"escalation_order"`
	// ConsentRecorded makes the link active at once (the patient consented in
	// person); otherwise it waits for the caregiver to accept.
	ConsentRecorded bool `json:"consent_recorded"`
}

func (h *Handler) linkCaregiver(c *gin.Context) {
	pt, err := h.clinicPatient(c)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	var req linkRequest
	if err := httpx.DecodeJSON(c, &req); err != nil {
		httpx.Fail(c, err)
		return
	}
	if req.EscalationOrder < 1 || req.EscalationOrder > 10 {
		httpx.Fail(c, apperr.Validation(apperr.FieldError{Field: "escalation_order", Message: "must be from 1 to 10"}))
		return
	}
	if err := h.requireUsers(c, []int64{req.CaregiverID}, store.RoleCaregiver); err != nil {
		httpx.Fail(c, err)
		return
	}
	now := h.Clock.Now()
	link := store.CareLink{PatientID: pt.ID, CaregiverID: &req.CaregiverID, EscalationOrder: req.EscalationOrder,
		State: store.LinkPending, CreatedAt: now}
	if req.ConsentRecorded {
		link.State, link.AcceptedAt = store.LinkActive, &now
	}
	if err := h.DB.WithContext(c).Create(&link).Error; err != nil {
		httpx.Fail(c, err)
		return
	}
	auth.Audit(c, h.DB, "admin.care_link.create", pt.ID, "care_link", link.ID, auth.OutcomeOK)
	c.JSON(http.StatusCreated, gin.H{"id": link.ID, "patient_id": link.PatientID, "caregiver_id": req.CaregiverID,
		"escalation_order": link.EscalationOrder, "state": link.State})
}
