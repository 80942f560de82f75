package web

import (
	"strconv"
	"strings"
	"time"

	"github.com/doseloop/doseloop/schedule"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
)

// regimenForm is the editor's form exactly as typed, so it can be shown
// again whole after an error.
type regimenForm struct {
	MedicationID, Medication string
	Quantity, Unit           string
	Kind                     string // "times", "interval" or "prn"
	Times, Every, MaxPerDay  string
	Days                     map[string]bool
	Window, Grace, LateLimit string
	Critical                 bool
	Start, End, Compartment  string
}

// weekdayNames are the day checkboxes, in the order a week is read.
var weekdayNames = []struct{ Code, Name string }{{"mon", "Mon"}, {"tue", "Tue"}, {"wed", "Wed"}, {"thu", "Thu"},
	{"fri", "Fri"}, {"sat", "Sat"}, {"sun", "Sun"}}

func trimmed(c *gin.Context, name string) string { return strings.TrimSpace(c.PostForm(name)) }

// readForm reads the posted editor form.
func readForm(c *gin.Context) regimenForm {
	f := regimenForm{MedicationID: trimmed(c, "medication_id"), Quantity: trimmed(c, "quantity"), Unit: trimmed(c, "unit"),
		Kind: trimmed(c, "kind"), Times: trimmed(c, "times"), Every: trimmed(c, "every"), MaxPerDay: trimmed(c, "max_per_day"),
		Window: trimmed(c, "window"), Grace: trimmed(c, "grace"), LateLimit: trimmed(c, "late_limit"), Critical: c.PostForm("critical") == "on",
		Start: trimmed(c, "start"), End: trimmed(c, "end"), Compartment: trimmed(c, "compartment"), Days: map[string]bool{}}
	for _, d := range c.PostFormArray("days") {
		f.Days[d] = true
	}
	return f
}

// newForm is an empty prescription: no medication chosen, starting today.
func newForm(zone *time.Location, now time.Time) regimenForm {
	return regimenForm{Quantity: "1", Unit: "tablet", Kind: "times", Window: "60", Grace: "60", LateLimit: "1440", MaxPerDay: "4",
		Start: now.In(zone).Format(time.DateOnly), Days: map[string]bool{}}
}

// formOf shows a saved regimen in the form.
func formOf(r regimenRow, zone *time.Location) regimenForm {
	f := regimenForm{MedicationID: strconv.FormatInt(r.MedicationID, 10), Medication: r.Medication + " " + r.Strength,
		Quantity: strconv.FormatFloat(r.DoseQuantity, 'f', -1, 64), Unit: r.DoseUnit, Kind: "times",
		Window: strconv.Itoa(r.OnTimeWindowMin), Grace: strconv.Itoa(r.GraceMin), Critical: r.Critical, LateLimit: "1440",
		Start: r.StartsAt.In(zone).Format(time.DateOnly), MaxPerDay: "4", Days: map[string]bool{}}
	if r.EndsAt != nil {
		f.End = r.EndsAt.In(zone).AddDate(0, 0, -1).Format(time.DateOnly)
	}
	if r.Compartment != nil {
		f.Compartment = strconv.Itoa(*r.Compartment)
	}
	if r.LateLimitMin > 0 {
		f.LateLimit = strconv.Itoa(r.LateLimitMin)
	}
	t, _ := schedule.ParseTiming([]byte(r.Timing))
	f.Times = strings.Join(t.TimeOfDay, ", ")
	for _, d := range t.DayOfWeek {
		f.Days[d] = true
	}
	switch {
	case r.AsNeeded:
		f.Kind = "prn"
		if t.MaxDosePerPeriod != nil {
			f.MaxPerDay = strconv.Itoa(t.MaxDosePerPeriod.Count)
		}
	case t.Period > 0:
		f.Kind, f.Every = "interval", strconv.FormatFloat(t.Period, 'f', -1, 64)
	}
	return f
}

// regimenOf is what the form asks for, and every problem with it in plain
// language, keyed by the form field it belongs to.
type regimenOf struct {
	Quantity                 float64
	Unit                     string
	AsNeeded, Critical       bool
	Timing                   schedule.Timing
	Window, Grace, LateLimit int
	Start                    time.Time
	End                      *time.Time
	Compartment              *int
	Errors                   map[string]string
}

func (r *regimenOf) bad(field, msg string) {
	if _, ok := r.Errors[field]; !ok {
		r.Errors[field] = msg
	}
}

// number reads a whole number in [lo, hi] from field, or records why not.
func (r *regimenOf) number(field, v, what string, lo, hi int) int {
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		r.bad(field, "Enter "+what+" as a whole number from "+strconv.Itoa(lo)+" to "+strconv.Itoa(hi)+".")
	}
	return n
}

// apply copies what the form asks for onto reg.
func (r *regimenOf) apply(reg *store.Regimen) {
	reg.DoseQuantity, reg.DoseUnit, reg.AsNeeded, reg.Critical = r.Quantity, r.Unit, r.AsNeeded, r.Critical
	reg.Timing, reg.OnTimeWindowMin, reg.GraceMin, reg.Compartment = r.Timing.Encode(), r.Window, r.Grace, r.Compartment
	reg.LateLimitMin = r.LateLimit
	reg.StartsAt, reg.EndsAt = r.Start, r.End
}
