package report

import (
	"context"
	"time"

	"github.com/doseloop/doseloop/auth"
	"gorm.io/gorm"
)

// overdueRow is a dose still pending after its due time, with what the
// rollup holds for its day.
type overdueRow struct {
	PatientID   int64
	LocalDate   string
	ScheduledAt time.Time
	GraceMin    int
	DayDue      int // counted doses of the day in the rollup
	DayTaken    int
	DayRecent   int // 1 when one of them was due in the last 72 h
}

// overdueSQL finds them through the partial pending index (due and still
// pending: normally only doses inside their grace, the sweep marks the rest
// within a minute). The grace is the dose's version's, as in Compute.
const overdueSQL = `SELECT d.patient_id, d.local_date, d.scheduled_at, COALESCE(v.grace_min, r.grace_min) AS grace_min,
	COALESCE(a.due, 0) AS day_due, COALESCE(a.taken, 0) AS day_taken,
	CASE WHEN a.last_due_at >= ? THEN 1 ELSE 0 END AS day_recent
FROM dose_instances d
JOIN regimens r ON r.id = d.regimen_id
LEFT JOIN regimen_versions v ON v.id = COALESCE(d.version_id, r.current_version_id)
LEFT JOIN adherence_days a ON a.patient_id = d.patient_id AND a.local_date = d.local_date
WHERE d.state = 'pending' AND d.scheduled_at <= ? AND NOT d.excluded AND NOT r.as_needed AND d.patient_id IN (?)`

// addOverdue counts doses pending past their grace as missed, as Compute
// does: the rollup holds recorded outcomes only, and a list that disagreed
// with the patient's page while the scheduler is behind would mislead.
func addOverdue(ctx context.Context, db *gorm.DB, pr auth.Principal, pts []patientFlagsRow, wins map[string]Window,
	now time.Time, sums map[int64]*bucketRow) error {
	recent := now.Add(-holidayNowWindow)
	var rows []overdueRow
	if err := db.WithContext(ctx).Raw(overdueSQL, recent, now, auth.VisiblePatients(db, pr)).Scan(&rows).Error; err != nil {
		return err
	}
	zones := make(map[int64]string, len(pts))
	for _, p := range pts {
		zones[p.ID] = p.TimeZone
	}
	days := map[overdueDay]*dayChange{}
	for _, o := range rows {
		w, listed := wins[zones[o.PatientID]]
		if !listed || o.ScheduledAt.Add(time.Duration(o.GraceMin)*time.Minute).After(now) ||
			o.LocalDate < w.Previous().From || o.LocalDate > w.To {
			continue
		}
		b := sums[o.PatientID]
		if b == nil {
			b = &bucketRow{PatientID: o.PatientID}
			sums[o.PatientID] = b
		}
		if o.LocalDate < w.From {
			b.PrevDue++
			continue
		}
		b.Due++
		b.Missed++
		dayOf(days, o, b).markRecent(!o.ScheduledAt.Before(recent))
	}
	return nil
}

type overdueDay struct {
	patient int64
	date    string
}

// dayChange turns one day's rollup figures into what they are with its
// overdue doses added: counted, not covered, maybe due in the last 72 h.
type dayChange struct {
	b      *bucketRow
	recent bool
}

func dayOf(days map[overdueDay]*dayChange, o overdueRow, b *bucketRow) *dayChange {
	k := overdueDay{o.PatientID, o.LocalDate}
	if c := days[k]; c != nil {
		return c
	}
	c := &dayChange{b: b, recent: o.DayRecent == 1}
	days[k] = c
	switch {
	case o.DayDue == 0:
		b.Days++ // a day with nothing counted until now
	case o.DayTaken == o.DayDue:
		b.Covered-- // it was covered; a missed dose uncovers it
	}
	return c
}

func (c *dayChange) markRecent(recent bool) {
	if recent && !c.recent {
		c.recent = true
		c.b.RecentDue++
	}
}
