package report

import (
	"context"
	"strings"
	"time"

	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

func listPatients(ctx context.Context, db *gorm.DB, pr auth.Principal, from time.Time, search string) ([]patientFlagsRow, error) {
	q := db.WithContext(ctx).Table("patients p").Select(`p.id, p.name, p.time_zone,
		EXISTS (SELECT 1 FROM regimens r JOIN medications m ON m.id = r.medication_id
			WHERE r.patient_id = p.id AND m.antiretroviral AND NOT r.as_needed AND (r.stopped_at IS NULL OR r.stopped_at > ?)) AS arv,
		EXISTS (SELECT 1 FROM dispenser_outages o WHERE o.patient_id = p.id AND o.ended_at IS NULL) AS offline,
		EXISTS (SELECT 1 FROM alerts a WHERE a.patient_id = p.id AND a.closed_at IS NULL AND a.critical) AS critical`, from).
		Where("p.id IN (?)", auth.VisiblePatients(db, pr))
	if s := strings.TrimSpace(search); s != "" {
		q = q.Where("lower(p.name) LIKE ?", "%"+strings.ToLower(escapeLike(s))+"%")
	}
	return scanAll(q.Order("p.name, p.id"), func(r *patientFlagsRow) []any {
		return []any{&r.ID, &r.Name, &r.TimeZone, &r.ARV, &r.Offline, &r.Critical}
	})
}

func escapeLike(s string) string {
	return strings.NewReplacer("%", "", "_", "").Replace(s)
}

// rollupSQL sums the adherence_days rollup (migration 00200: per patient
// and local day, the counted doses of report/doc.go, kept by triggers in the
// transaction that changes a dose) per patient over the window (cur = 1) and
// the window before it (cur = 0, for the trend), for patients who share
// those local dates. Every counted dose is one dose due, so a day is covered
// exactly when all its counted doses were taken (Compute's per-regimen
// rule), and a day's latest due and taken instants decide "holiday now". It
// reads one row per patient-day, not one per dose, and joins nothing: the
// ids come from listPatients, which applied the caller's scope. The counts
// are summed packed (counts_a, counts_b; see the migration) and unpacked here.
const rollupSQL = `
SELECT patient_id, CASE WHEN local_date >= ? THEN 1 ELSE 0 END AS cur, SUM(counts_a), SUM(counts_b),
	CASE WHEN MAX(last_due_at) >= ? THEN 1 ELSE 0 END AS recent_due,
	CASE WHEN MAX(last_taken_at) >= ? THEN 1 ELSE 0 END AS recent_taken
FROM adherence_days
WHERE patient_id IN ? AND local_date >= ? AND local_date <= ?
GROUP BY 1, 2`

// rollupChunk bounds the ids of one query (SQLite allows 32,766 parameters,
// Postgres 65,535): one query per 10,000 patients sharing a window.
const rollupChunk = 10000

// zoneWindows is each listed zone's window (the zone as stored, even one
// that no longer loads and is read as UTC).
func zoneWindows(pts []patientFlagsRow, days int, now time.Time) map[string]Window {
	out := map[string]Window{}
	for _, p := range pts {
		if _, ok := out[p.TimeZone]; !ok {
			out[p.TimeZone] = LastDays(days, PatientZone(&store.Patient{TimeZone: p.TimeZone}), now)
		}
	}
	return out
}

// windowDates are a window's first and last date and the previous window's first.
type windowDates struct{ from, to, prevFrom string }

// byWindow groups the patients' ids by their window's dates: local dates
// differ by at most a day across zones, so there are one to three groups.
func byWindow(pts []patientFlagsRow, wins map[string]Window) map[windowDates][]int64 {
	keys := make(map[string]windowDates, len(wins))
	for tz, w := range wins {
		keys[tz] = windowDates{w.From, w.To, w.Previous().From}
	}
	out := map[windowDates][]int64{}
	for _, p := range pts {
		k := keys[p.TimeZone]
		out[k] = append(out[k], p.ID)
	}
	return out
}

// listBuckets sums the rollup for pts: one query per window group (and per
// rollupChunk patients), each patient's two windows folded into one row.
func listBuckets(ctx context.Context, db *gorm.DB, pts []patientFlagsRow, wins map[string]Window, now time.Time) (map[int64]*bucketRow, error) {
	out := map[int64]*bucketRow{}
	recent := now.Add(-holidayNowWindow)
	for w, ids := range byWindow(pts, wins) {
		for len(ids) > 0 {
			n := min(len(ids), rollupChunk)
			rows, err := scanAll(db.WithContext(ctx).Raw(rollupSQL, w.from, recent, recent, ids[:n], w.prevFrom, w.to), scanPacked)
			if err != nil {
				return nil, err
			}
			fold(out, rows)
			ids = ids[n:]
		}
	}
	return out, nil
}

// packedRow is a row of rollupSQL before unpacking.
type packedRow struct {
	PatientID, Cur, A, B, RecentDue, RecentTaken int64
}

func scanPacked(r *packedRow) []any {
	return []any{&r.PatientID, &r.Cur, &r.A, &r.B, &r.RecentDue, &r.RecentTaken}
}

// unpack splits the packed sums: 16 bits a field, see migration 00200.
func (r packedRow) unpack() bucketRow {
	field := func(v int64, i uint) int { return int(v >> (16 * i) & 0xFFFF) }
	return bucketRow{PatientID: r.PatientID, Cur: int(r.Cur), Due: field(r.A, 0), Taken: field(r.A, 1), OnTime: field(r.A, 2),
		Missed: field(r.A, 3), Skipped: field(r.B, 0), Days: field(r.B, 1), Covered: field(r.B, 2),
		RecentDue: int(r.RecentDue), RecentTaken: int(r.RecentTaken)}
}

// fold merges each patient's window row and previous-window row.
func fold(out map[int64]*bucketRow, rows []packedRow) {
	for _, p := range rows {
		r := p.unpack()
		b := out[r.PatientID]
		if b == nil {
			b = &bucketRow{PatientID: r.PatientID}
			out[r.PatientID] = b
		}
		if r.Cur == 0 {
			b.PrevDue, b.PrevTaken = r.Due, r.Taken
			continue
		}
		r.PrevDue, r.PrevTaken = b.PrevDue, b.PrevTaken
		*b = r
	}
}
