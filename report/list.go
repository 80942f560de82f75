package report

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/doseloop/doseloop/auth"
	"gorm.io/gorm"
)

// ListRow is one patient in the physician's list.
type ListRow struct {
	PatientID       int64    `json:"patient_id"`
	Name            string   `json:"name"`
	WindowFrom      string   `json:"window_from"` // first local date, in the patient's zone
	WindowTo        string   `json:"window_to"`   // last local date (today)
	TimeZone        string   `json:"time_zone"`
	Scheduled       int      `json:"scheduled"`
	Taken           int      `json:"taken"`
	Missed          int      `json:"missed"`
	Skipped         int      `json:"skipped"`
	TakingAdherence *float64 `json:"taking_adherence"`
	TimingAdherence *float64 `json:"timing_adherence"`
	PDC             *float64 `json:"pdc"`
	Threshold       float64  `json:"pdc_threshold"`
	Previous        *float64 `json:"previous_taking_adherence"`
	Trend           string   `json:"trend"` // up, down, flat, or "" without a previous period
	Flags           Flags    `json:"flags"`
}

// Flags are what the list highlights.
type Flags struct {
	BelowThreshold   bool `json:"below_threshold"`
	HolidayNow       bool `json:"drug_holiday_now"`
	DispenserOffline bool `json:"dispenser_offline"`
	CriticalAlert    bool `json:"open_critical_escalation"`
}

// TrendStep is the change in taking adherence, against the previous window
// of the same length, that the trend arrow shows: "up" at +5 percentage
// points or more, "down" at -5 or less, "flat" in between, "" when either
// window has no counted dose.
const TrendStep = 0.05

// ListOptions narrow and order the list.
type ListOptions struct {
	Search string // case-insensitive part of the name
	Sort   string // "worst" (default), "best", "name", "trend"
}

type patientFlagsRow struct {
	ID       int64
	Name     string
	TimeZone string
	ARV      bool
	Offline  bool
	Critical bool
}

// bucketRow is a patient's rollup sums: the window's figures, and the
// previous window's due and taken for the trend (Cur tells which window a
// row of rollupSQL sums, before listBuckets folds the two).
type bucketRow struct {
	PatientID   int64
	Cur         int
	Days        int
	Covered     int
	Due         int
	Taken       int
	OnTime      int
	Missed      int
	Skipped     int
	RecentDue   int
	RecentTaken int
	PrevDue     int
	PrevTaken   int
}

// List returns the patients p may see with their figures over the last
// days local calendar days of each patient (today included, see LastDays),
// worst first. It runs three queries whatever the number of patients (one
// more per further 10,000 patients, and up to two more when the patients'
// zones are on different dates).
func List(ctx context.Context, db *gorm.DB, pr auth.Principal, days int, now time.Time, opt ListOptions) ([]ListRow, error) {
	pts, err := listPatients(ctx, db, pr, now.AddDate(0, 0, -days), opt.Search)
	if err != nil {
		return nil, err
	}
	wins := zoneWindows(pts, days, now)
	byPatient, err := listBuckets(ctx, db, pts, wins, now)
	if err != nil {
		return nil, err
	}
	if err := addOverdue(ctx, db, pr, pts, wins, now, byPatient); err != nil {
		return nil, err
	}
	out := make([]ListRow, 0, len(pts))
	for _, pt := range pts {
		var b bucketRow
		if p := byPatient[pt.ID]; p != nil {
			b = *p
		}
		r := makeRow(pt, b)
		r.WindowFrom, r.WindowTo, r.TimeZone = wins[pt.TimeZone].From, wins[pt.TimeZone].To, pt.TimeZone
		out = append(out, r)
	}
	sortRows(out, opt.Sort)
	return out, nil
}

func makeRow(pt patientFlagsRow, c bucketRow) ListRow {
	r := ListRow{PatientID: pt.ID, Name: pt.Name, Scheduled: c.Due, Taken: c.Taken, Missed: c.Missed, Skipped: c.Skipped,
		TakingAdherence: ratio(c.Taken, c.Due), TimingAdherence: ratio(c.OnTime, c.Due), PDC: ratio(c.Covered, c.Days),
		Threshold: ThresholdDefault, Previous: ratio(c.PrevTaken, c.PrevDue)}
	if pt.ARV {
		r.Threshold = ThresholdAntiretroviral
	}
	r.Flags = Flags{BelowThreshold: r.PDC != nil && *r.PDC < r.Threshold-1e-9, HolidayNow: c.RecentDue > 0 && c.RecentTaken == 0,
		DispenserOffline: pt.Offline, CriticalAlert: pt.Critical}
	if r.TakingAdherence != nil && r.Previous != nil {
		switch d := *r.TakingAdherence - *r.Previous; {
		case d >= TrendStep-1e-9:
			r.Trend = "up"
		case d <= -TrendStep+1e-9:
			r.Trend = "down"
		default:
			r.Trend = "flat"
		}
	}
	return r
}

func sortRows(rows []ListRow, by string) {
	// Patients without counted doses sort after everyone with data.
	val := func(r ListRow, nilAs float64) float64 {
		if r.TakingAdherence == nil {
			return nilAs
		}
		return *r.TakingAdherence
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		switch by {
		case "name":
			return strings.ToLower(a.Name) < strings.ToLower(b.Name)
		case "best":
			return val(a, -1) > val(b, -1)
		case "trend":
			return trendRank(a) < trendRank(b)
		}
		return val(a, 2) < val(b, 2)
	})
}

func trendRank(r ListRow) int {
	switch r.Trend {
	case "down":
		return 0
	case "flat":
		return 1
	case "up":
		return 2
	}
	return 3
}
