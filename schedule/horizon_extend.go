package schedule

import (
	"context"
	"log/slog"
	"time"

	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// extendPageSize is how many regimens one transaction of ExtendHorizons
// expands (≈ 8,000 doses for a typical mix over 48 h).
const extendPageSize = 2000

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
			Order("r.id").Limit(extendPageSize).Scan(&page).Error
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

// extendPage expands a page of regimens in a few statements, whatever its
// size: the first versions of unversioned regimens (firstVersions), the
// doses with their history (insertDoses), and one UPDATE of the regimens.
// A regimen that cannot be expanded is logged and skipped (no version, its
// horizon stays where it was).
func extendPage(tx *gorm.DB, page []regimenWithPatient, now, to time.Time) error {
	spans := make(map[int64]Span, len(page))
	var fresh []*store.Regimen
	for i := range page {
		r := &page[i]
		pt := store.Patient{ID: r.PatientID, TimeZone: r.TimeZone, HomeTimeZone: r.HomeTimeZone, TravelPolicy: r.TravelPolicy}
		s, err := SpanOf(&r.Regimen, &pt)
		if err != nil {
			slog.Warn("schedule: regimen cannot be expanded", "regimen_id", r.ID, "err", err)
			continue
		}
		spans[r.ID] = s
		if r.CurrentVersionID == nil {
			fresh = append(fresh, &r.Regimen)
		}
	}
	if err := firstVersions(tx, fresh, now); err != nil {
		return err
	}
	var rows []doseRow
	ids := make([]int64, 0, len(spans))
	for i := range page {
		r := &page[i]
		s, ok := spans[r.ID]
		if !ok {
			continue
		}
		for _, o := range Expand(s, extendFrom(r.ExpandedUntil, now), to) {
			rows = append(rows, doseRow{PatientID: r.PatientID, RegimenID: r.ID, VersionID: *r.CurrentVersionID, Occurrence: o})
		}
		ids = append(ids, r.ID)
	}
	if err := insertDoses(tx, rows, now); err != nil {
		return err
	}
	return markExtended(tx, ids, fresh, to)
}

// extendFrom is where a regimen's extension starts: its old horizon, but
// no more than backfillLimit back (and now for a regimen never expanded).
func extendFrom(expandedUntil *time.Time, now time.Time) time.Time {
	if expandedUntil == nil {
		return now
	}
	return maxTime(*expandedUntil, now.Add(-backfillLimit))
}

// markExtended moves the horizon of the regimens ids to to and points the
// freshly versioned ones at their new version, in one UPDATE.
func markExtended(tx *gorm.DB, ids []int64, fresh []*store.Regimen, to time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	set, args := "expanded_until = ?", []any{to}
	if len(fresh) > 0 {
		c := store.NewCaseByID(store.IsPostgres(tx))
		for _, r := range fresh {
			c.When(r.ID, *r.CurrentVersionID, "bigint")
		}
		set += ", current_version_id = COALESCE(" + c.SQL() + ", current_version_id)"
		args = append(args, c.Args...)
	}
	return tx.Exec("UPDATE regimens SET "+set+" WHERE id IN ?", append(args, ids)...).Error
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
