package dispenser

import (
	"errors"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
)

// reprovision gives a revoked serial of the admin's clinic a new key (want
// holds the new provisioning). The row, and so its events and outages, is
// kept: the history of the serial stays whole. Only the device status that
// belonged to the old hardware (last_seq) starts again. A serial that is
// live, or belongs to another clinic, is 409 serial_taken.
func (s *Service) reprovision(c *gin.Context, want *store.Dispenser) error {
	taken := apperr.E(apperr.Conflict, "a dispenser with serial %s is already provisioned", want.Serial).WithReason("serial_taken")
	db := s.DB.WithContext(c.Request.Context())
	var d store.Dispenser
	err := db.Where("serial = ? AND clinic_id = ?", want.Serial, want.ClinicID).Take(&d).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return taken
	} else if err != nil {
		return err
	}
	upd := map[string]any{"public_key": want.PublicKey, "next_public_key": "", "revoked_at": nil, "model": want.Model,
		"patient_id": want.PatientID, "heartbeat_interval_s": want.HeartbeatIntervalS, "last_seq": 0, "updated_at": want.UpdatedAt}
	res := db.Model(&store.Dispenser{}).Where("id = ? AND revoked_at IS NOT NULL", d.ID).Updates(upd)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return taken
	}
	return db.Take(want, d.ID).Error
}
