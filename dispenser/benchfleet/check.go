package benchfleet

import (
	"context"

	"github.com/doseloop/doseloop/dispenser/sim"
	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// Stats is what the database holds after a run.
type Stats struct {
	Stored     int // dose_events rows of the fleet
	Lost       int // acknowledged events missing from the database
	Duplicates int // events stored more than once, or stored though never sent
	Taken      int // doses recorded by a dispenser
	Double     int // events flagged double_dose
	Unmatched  int // events flagged unmatched
}

// Check reads the fleet's events back and compares them with acked
// (serial -> acknowledged event ids) and sent (serial -> every id posted;
// nil skips the never-sent check).
func Check(ctx context.Context, db *gorm.DB, clinicID int64, acked, sent map[string]sim.IDSet) (*Stats, error) {
	rows, err := db.WithContext(ctx).Raw(`SELECT d.serial, e.device_event_id, e.flag FROM dose_events e
		JOIN dispensers d ON d.id = e.dispenser_id WHERE d.clinic_id = ?`, clinicID).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	s := &Stats{}
	stored := map[string]map[[16]byte]int{}
	for rows.Next() {
		var serial, id, flag string
		if err := rows.Scan(&serial, &id, &flag); err != nil {
			return nil, err
		}
		if stored[serial] == nil {
			stored[serial] = map[[16]byte]int{}
		}
		key := sim.IDKey(id)
		stored[serial][key]++
		s.Stored++
		switch flag {
		case "double_dose":
			s.Double++
		case "unmatched":
			s.Unmatched++
		}
		if stored[serial][key] > 1 || (sent != nil && !sent[serial].Has(id)) {
			s.Duplicates++
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for serial, ids := range acked {
		for key := range ids {
			if stored[serial][key] == 0 {
				s.Lost++
			}
		}
	}
	var taken int64
	err = db.WithContext(ctx).Model(&store.DoseInstance{}).
		Where("source = 'dispenser' AND state = 'taken' AND patient_id IN (SELECT id FROM patients WHERE clinic_id = ?)", clinicID).
		Count(&taken).Error
	s.Taken = int(taken)
	return s, err
}
