package web

import (
	"context"
	"strconv"
	"time"

	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// openAlert is one open escalation with what it has done so far.
type openAlert struct {
	ID                   int64
	Kind                 string
	Critical             bool
	OpenedAt             time.Time
	NextStep             int
	NextAt               *time.Time
	PatientID            int64
	PatientName, Zone    string
	LocalDate, LocalTime string
	Medication, Serial   string
	Delivered, Pending   int
	Failed               int
}

// attentionLimit bounds each list; the oldest come first, so nothing old hides.
const attentionLimit = 200

// openAlerts lists the open alerts of the patients p may see, oldest first.
func openAlerts(ctx context.Context, db *gorm.DB, p auth.Principal) ([]openAlert, error) {
	var out []openAlert
	err := db.WithContext(ctx).Table("alerts a").
		Select(`a.id, a.kind, a.critical, a.opened_at, a.next_step, a.next_at, p.id AS patient_id, p.name AS patient_name,
			p.time_zone AS zone, COALESCE(d.local_date, '') AS local_date, COALESCE(d.local_time, '') AS local_time,
			COALESCE(m.name, '') AS medication, COALESCE(x.serial, '') AS serial,
			(SELECT COUNT(*) FROM notifications n WHERE n.alert_id = a.id AND n.state = 'sent') AS delivered,
			(SELECT COUNT(*) FROM notifications n WHERE n.alert_id = a.id AND n.state IN ('pending', 'sending')) AS pending,
			(SELECT COUNT(*) FROM notifications n WHERE n.alert_id = a.id AND n.state = 'dead') AS failed`).
		Joins("JOIN patients p ON p.id = a.patient_id").
		Joins("LEFT JOIN dose_instances d ON d.id = a.dose_id").
		Joins("LEFT JOIN regimens r ON r.id = d.regimen_id").
		Joins("LEFT JOIN medications m ON m.id = r.medication_id").
		Joins("LEFT JOIN dispensers x ON x.id = a.dispenser_id").
		Where("a.closed_at IS NULL AND a.patient_id IN (?)", auth.VisiblePatients(db, p)).
		Order("a.opened_at, a.id").Limit(attentionLimit).Scan(&out).Error
	return out, err
}

// openAlertCount is the navigation's badge: open alerts p may see.
func openAlertCount(ctx context.Context, db *gorm.DB, p auth.Principal) (int64, error) {
	var n int64
	err := db.WithContext(ctx).Model(&store.Alert{}).
		Where("closed_at IS NULL AND patient_id IN (?)", auth.VisiblePatients(db, p)).Count(&n).Error
	return n, err
}

// deviceRow is a dispenser that needs attention: offline, or low on supply.
type deviceRow struct {
	Serial      string
	PatientID   int64
	PatientName string
	Zone        string
	Since       time.Time
	LastSeenAt  *time.Time
	Compartment *int
	Quantity    *float64
}

// offlineDispensers lists open outages of visible patients' dispensers, longest first.
func offlineDispensers(ctx context.Context, db *gorm.DB, p auth.Principal) ([]deviceRow, error) {
	var out []deviceRow
	err := db.WithContext(ctx).Table("dispenser_outages o").
		Select("x.serial, p.id AS patient_id, p.name AS patient_name, p.time_zone AS zone, o.started_at AS since, x.last_seen_at").
		Joins("JOIN dispensers x ON x.id = o.dispenser_id").Joins("JOIN patients p ON p.id = o.patient_id").
		Where("o.ended_at IS NULL AND x.revoked_at IS NULL AND o.patient_id IN (?)", auth.VisiblePatients(db, p)).
		Order("o.started_at, x.serial").Limit(attentionLimit).Scan(&out).Error
	return out, err
}

// lowSupplyWindow is how far back a refill_low report still counts.
const lowSupplyWindow = 7 * 24 * time.Hour

// lowSupply lists the latest refill_low report per dispenser compartment in
// the last week, for visible patients' dispensers.
func lowSupply(ctx context.Context, db *gorm.DB, p auth.Principal, now time.Time) ([]deviceRow, error) {
	var rows []deviceRow
	err := db.WithContext(ctx).Table("dose_events e").
		Select("x.serial, p.id AS patient_id, p.name AS patient_name, p.time_zone AS zone, e.occurred_at AS since, e.compartment, e.quantity").
		Joins("JOIN dispensers x ON x.id = e.dispenser_id").Joins("JOIN patients p ON p.id = x.patient_id").
		Where("e.type = ? AND e.occurred_at >= ? AND x.revoked_at IS NULL AND x.patient_id IN (?)",
			store.EventRefillLow, now.Add(-lowSupplyWindow), auth.VisiblePatients(db, p)).
		Order("e.occurred_at DESC").Limit(attentionLimit).Scan(&rows).Error
	seen := map[string]bool{}
	out := rows[:0]
	for _, r := range rows {
		key := r.Serial
		if r.Compartment != nil {
			key += "/" + strconv.Itoa(*r.Compartment)
		}
		if !seen[key] {
			seen[key] = true
			out = append(out, r)
		}
	}
	return out, err
}
