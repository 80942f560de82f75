package dispenser

import (
	"time"

	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// endOutages closes the dispenser's open outage, if any: it is talking again.
// The offline alert itself belongs to the scheduler, which opens the outage.
func endOutages(db *gorm.DB, dispenserID int64, now time.Time) error {
	return db.Model(&store.DispenserOutage{}).Where("dispenser_id = ? AND ended_at IS NULL", dispenserID).
		Update("ended_at", now).Error
}
