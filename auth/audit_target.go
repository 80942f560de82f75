package auth

import (
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
)

// Tables whose rows belong to a patient, for TargetPatient.
const (
	TableDoses  = "dose_instances"
	TableAlerts = "alerts"
	TableLinks  = "care_links"
)

// TargetPatient returns the patient a dose, alert or care link belongs to,
// looked up outside the caller's scope, so that a refused attempt is audited
// under the patient (and clinic) it was aimed at. The answer goes only into
// the audit row, never to the caller; 0 when the object does not exist.
func TargetPatient(c *gin.Context, db *gorm.DB, table string, id int64) int64 {
	var pid int64
	db.WithContext(c.Request.Context()).Raw("SELECT patient_id FROM "+table+" WHERE id = ?", id).Scan(&pid)
	return pid
}
