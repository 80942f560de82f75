package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// cell makes a value safe for spreadsheets: a cell starting with = + - @
// (or a tab/CR) would run as a formula (CSV injection), so it gets a quote.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func pct(f *float64) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(*f*100, 'f', 1, 64)
}

func ts(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// WriteDosesCSV writes the report's doses, one row each, oldest first. Each
// row says what was prescribed for that dose (its regimen version's
// medication and quantity, never the regimen as it is now), whether a
// physician corrected its outcome, and whether an absence excluded it (with
// the reason). Every row repeats the window the file covers (local dates and
// zone), so a row copied elsewhere still says what it belongs to.
func WriteDosesCSV(w io.Writer, r *PatientReport) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"dose_id", "regimen_id", "regimen_version", "medication", "dose_quantity", "dose_unit",
		"scheduled_at_utc", "local_date", "local_time", "state", "on_time", "taken_at_utc", "source", "skip_reason",
		"double_dose", "during_outage", "corrected", "excluded", "excluded_reason", "window_from", "window_to", "time_zone"})
	for _, d := range r.Doses {
		cw.Write(doseRow(d, r))
	}
	cw.Flush()
	return cw.Error()
}

func doseRow(d Dose, r *PatientReport) []string {
	onTime, excluded, why := "", false, ""
	if d.OnTime != nil {
		onTime = strconv.FormatBool(*d.OnTime)
	}
	if a := absenceOf(d, r.Absences); a != nil && d.State != "cancelled" {
		excluded, why = true, a.Text()
	}
	return []string{strconv.FormatInt(d.ID, 10), strconv.FormatInt(d.RegimenID, 10), strconv.Itoa(d.Version),
		cell(d.Medication + " " + d.Strength), strconv.FormatFloat(d.DoseQuantity, 'f', -1, 64), cell(d.DoseUnit),
		d.ScheduledAt.UTC().Format(time.RFC3339), d.LocalDate, d.LocalTime, d.State, onTime, ts(d.TakenAt),
		cell(d.Source), cell(d.SkipReason), strconv.FormatBool(d.DoubleDose), strconv.FormatBool(d.DuringOutage),
		strconv.FormatBool(d.Corrected), strconv.FormatBool(excluded), cell(why), r.Window.From, r.Window.To, cell(r.Window.TimeZone)}
}

// WriteListCSV writes the clinic summary: one row per patient, with the
// local dates of that patient's window and the zone they are in.
func WriteListCSV(w io.Writer, rows []ListRow) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"patient_id", "name", "window_from", "window_to", "time_zone", "scheduled", "taken", "missed", "skipped",
		"taking_adherence_pct", "timing_adherence_pct", "pdc_pct", "pdc_threshold_pct", "previous_taking_adherence_pct",
		"trend", "below_threshold", "drug_holiday_now", "dispenser_offline", "open_critical_escalation"})
	for _, r := range rows {
		cw.Write([]string{strconv.FormatInt(r.PatientID, 10), cell(r.Name), r.WindowFrom, r.WindowTo, cell(r.TimeZone),
			strconv.Itoa(r.Scheduled), strconv.Itoa(r.Taken), strconv.Itoa(r.Missed), strconv.Itoa(r.Skipped),
			pct(r.TakingAdherence), pct(r.TimingAdherence), pct(r.PDC), fmt.Sprintf("%.0f", r.Threshold*100), pct(r.Previous),
			r.Trend, strconv.FormatBool(r.Flags.BelowThreshold), strconv.FormatBool(r.Flags.HolidayNow),
			strconv.FormatBool(r.Flags.DispenserOffline), strconv.FormatBool(r.Flags.CriticalAlert)})
	}
	cw.Flush()
	return cw.Error()
}
