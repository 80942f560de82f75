package schedule

import (
	"context"
	"log/slog"
	"time"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// DefaultHorizon is how far ahead dose instances exist.
const DefaultHorizon = 48 * time.Hour

// backfillLimit bounds how far back an extension fills in doses after the
// scheduler was down: older gaps stay gaps instead of a burst of stale alerts.
const backfillLimit = 24 * time.Hour

// ExpandRegimen writes reg's doses in [from, to) and moves expanded_until to
// to. Idempotent: running it twice writes nothing new.
func ExpandRegimen(tx *gorm.DB, reg *store.Regimen, pt *store.Patient, from, to, now time.Time) error {
	vid, err := SyncVersion(tx, reg, now, nil)
	if err != nil || reg.AsNeeded {
		return err
	}
	s, err := SpanOf(reg, pt)
	if err != nil {
		return err
	}
	var rows []doseRow
	for _, o := range Expand(s, from, to) {
		rows = append(rows, doseRow{PatientID: reg.PatientID, RegimenID: reg.ID, VersionID: vid, Occurrence: o})
	}
	if err := insertDoses(tx, rows, now); err != nil {
		return err
	}
	reg.ExpandedUntil = &to
	return tx.Exec("UPDATE regimens SET expanded_until = ? WHERE id = ?", to, reg.ID).Error
}

// ReexpandPatient re-expands every active regimen of pt (after a time zone
// or travel policy change). Errors: Invalid for an unknown zone.
func ReexpandPatient(tx *gorm.DB, pt *store.Patient, now time.Time, horizon time.Duration) error {
	var regs []store.Regimen
	if err := tx.Where("patient_id = ? AND stopped_at IS NULL AND as_needed = ?", pt.ID, false).Order("id").Find(&regs).Error; err != nil {
		return err
	}
	for i := range regs {
		if err := Reexpand(tx, &regs[i], pt, now, now.Add(horizon)); err != nil {
			return err
		}
	}
	return nil
}

type regimenWithPatient struct {
	store.Regimen
	TimeZone, HomeTimeZone, TravelPolicy string
}

// ExtendHorizons expands every active scheduled regimen whose horizon ends
// before now+horizon, a page of regimens per transaction. It returns how many
// regimens it extended. Safe to run on several replicas at once (inserts are
// idempotent), though the nightly job runs it under a lease.
func ExtendHorizons(ctx context.Context, db *gorm.DB, now time.Time, horizon time.Duration) (int, error) {
	to := now.Add(horizon)
	var lastID int64
	total := 0
	for {
		var page []regimenWithPatient
		err := db.WithContext(ctx).Table("regimens r").
			Select("r.*, p.time_zone, p.home_time_zone, p.travel_policy").
			Joins("JOIN patients p ON p.id = r.patient_id").
			Where("r.id > ? AND r.as_needed = ? AND r.stopped_at IS NULL AND (r.ends_at IS NULL OR r.ends_at > ?)", lastID, false, now).
			Where("(r.expanded_until IS NULL OR r.expanded_until < ?)", to).
			Order("r.id").Limit(2000).Scan(&page).Error
		if err != nil || len(page) == 0 {
			return total, err
		}
		lastID = page[len(page)-1].ID
		if err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error { return extendPage(tx, page, now, to) }); err != nil {
			return total, err
		}
		total += len(page)
	}
}

func extendPage(tx *gorm.DB, page []regimenWithPatient, now, to time.Time) error {
	var rows []doseRow
	ids := make([]int64, 0, len(page))
	for i := range page {
		r := &page[i]
		pt := store.Patient{ID: r.PatientID, TimeZone: r.TimeZone, HomeTimeZone: r.HomeTimeZone, TravelPolicy: r.TravelPolicy}
		s, err := SpanOf(&r.Regimen, &pt)
		if err != nil {
			slog.Warn("schedule: regimen cannot be expanded", "regimen_id", r.ID, "err", err)
			continue
		}
		if r.CurrentVersionID == nil { // written without the API (fixtures, old tools)
			if _, err := SyncVersion(tx, &r.Regimen, now, nil); err != nil {
				return err
			}
		}
		from := now
		if r.ExpandedUntil != nil {
			from = maxTime(*r.ExpandedUntil, now.Add(-backfillLimit))
		}
		for _, o := range Expand(s, from, to) {
			rows = append(rows, doseRow{PatientID: r.PatientID, RegimenID: r.ID, VersionID: *r.CurrentVersionID, Occurrence: o})
		}
		ids = append(ids, r.ID)
	}
	if err := insertDoses(tx, rows, now); err != nil {
		return err
	}
	return tx.Exec("UPDATE regimens SET expanded_until = ? WHERE id IN ?", to, ids).Error
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// ChangeZone records that pt is now in zone (and, if policy is non-empty,
// switches the travel policy: "home" or "local"), then re-expands pt's future
// pending doses: under "home" the instants stay and only their local labels
// change; under "local" they follow the new wall clock. Call it in the
// transaction of the request that reports the change. Errors: Invalid.
func ChangeZone(tx *gorm.DB, pt *store.Patient, zone, policy string, now time.Time, horizon time.Duration) error {
	if _, err := LoadZone(zone); err != nil {
		return err
	}
	if policy != "" && policy != "home" && policy != "local" {
		return apperr.Validation(apperr.FieldError{Field: "travel_policy", Message: "must be home or local"})
	}
	pt.TimeZone, pt.UpdatedAt = zone, now
	if policy != "" {
		pt.TravelPolicy = policy
	}
	if err := tx.Model(&store.Patient{}).Where("id = ?", pt.ID).Updates(map[string]any{
		"time_zone": pt.TimeZone, "travel_policy": pt.TravelPolicy, "updated_at": now}).Error; err != nil {
		return err
	}
	return ReexpandPatient(tx, pt, now, horizon)
}
