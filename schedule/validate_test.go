package schedule_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/schedule"
	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"gorm.io/gorm"
)

func TestValidateTiming(t *testing.T) {
	t.Parallel()
	cases := []struct {
		json     string
		asNeeded bool
		field    string // "" = valid
	}{
		{`{"timeOfDay":["08:00","20:00"],"dayOfWeek":["mon","wed"]}`, false, ""},
		{`{"timeOfDay":["08:00:30"]}`, false, ""},
		{`{"frequency":1,"period":8,"periodUnit":"h"}`, false, ""},
		{`{"frequency":1,"period":2,"periodUnit":"d"}`, false, ""},
		{`{"frequency":1,"period":1,"periodUnit":"wk"}`, false, ""},
		{`{"maxDosePerPeriod":{"count":4,"period":1,"periodUnit":"d"}}`, true, ""},
		{`{}`, true, ""},
		{`{"timeOfDay":["08:00"],"frequency":1,"period":8,"periodUnit":"h"}`, false, "timing"},
		{`{}`, false, "timing"},
		{`{"timeOfDay":["24:00"]}`, false, "timing.timeOfDay[0]"},
		{`{"timeOfDay":["8:00"]}`, false, "timing.timeOfDay[0]"},
		{`{"timeOfDay":["08:00","08:00"]}`, false, "timing.timeOfDay[1]"},
		{`{"timeOfDay":["08:00"],"dayOfWeek":["monday"]}`, false, "timing.dayOfWeek[0]"},
		{`{"dayOfWeek":["mon"]}`, false, "timing"},
		{`{"frequency":1,"period":8}`, false, "timing.periodUnit"},
		{`{"frequency":1,"period":-8,"periodUnit":"h"}`, false, "timing.period"},
		{`{"frequency":1,"period":8,"periodUnit":"min"}`, false, "timing.periodUnit"},
		{`{"frequency":100,"period":1,"periodUnit":"h"}`, false, "timing.frequency"},
		{`{"frequency":8,"period":1,"periodUnit":"h"}`, false, "timing.frequency"},
		{`{"timeOfDay":["08:00"],"maxDosePerPeriod":{"count":4,"period":1,"periodUnit":"d"}}`, false, "timing.maxDosePerPeriod"},
		{`{"timeOfDay":["08:00"]}`, true, "timing"},
		{`{"maxDosePerPeriod":{"count":0,"period":1,"periodUnit":"d"}}`, true, "timing.maxDosePerPeriod.count"},
		{`{"maxDosePerPeriod":{"count":4,"period":1,"periodUnit":"s"}}`, true, "timing.maxDosePerPeriod.periodUnit"},
		{`{"timeOfDay":["08:00"],"boundsPeriod":{"start":"2026-01-02T00:00:00Z","end":"2026-01-01T00:00:00Z"}}`, false, "timing.boundsPeriod.end"},
		{`{"timeOfDay":["08:00"],"boundsPeriod":{"end":"2026-01-01T00:00:00Z"}}`, false, "timing.boundsPeriod.start"},
		{`{"timeOfDay":["08:00"],"when":["MORN"]}`, false, "timing"},
	}
	for _, c := range cases {
		_, err := schedule.ParseAndValidate([]byte(c.json), c.asNeeded)
		if c.field == "" {
			if err != nil {
				t.Errorf("%s (prn=%v): unexpected error %v", c.json, c.asNeeded, err)
			}
			continue
		}
		var e *apperr.Error
		if err == nil || !apperr.Is(err, apperr.Invalid) {
			t.Errorf("%s (prn=%v): want an Invalid error on %s, got %v", c.json, c.asNeeded, c.field, err)
			continue
		}
		e = err.(*apperr.Error)
		found := false
		for _, f := range e.Fields {
			found = found || f.Field == c.field
		}
		if !found {
			t.Errorf("%s: want field %s, got %+v", c.json, c.field, e.Fields)
		}
	}
}

func TestPRNAllowed(t *testing.T) {
	t.Parallel()
	limit := &schedule.Ratio{Count: 4, Period: 1, PeriodUnit: "d"}
	day := utc("2026-03-08T00:00:00Z")
	h := func(n float64) time.Time { return day.Add(time.Duration(n * float64(time.Hour))) }
	cases := []struct {
		name  string
		limit *schedule.Ratio
		taken []time.Time
		at    time.Time
		ok    bool
		next  time.Time
	}{
		{"no limit", nil, []time.Time{h(0), h(1), h(2), h(3), h(4)}, h(5), true, time.Time{}},
		{"three of four", limit, []time.Time{h(0), h(4), h(8)}, h(12), true, time.Time{}},
		{"fifth in 24 h refused until the first leaves the window", limit, []time.Time{h(0), h(4), h(8), h(12)}, h(16), false, h(24)},
		{"rolling: exactly 24 h after the first is allowed", limit, []time.Time{h(0), h(4), h(8), h(12)}, h(24), true, time.Time{}},
		{"later doses do not count", limit, []time.Time{h(0), h(4), h(8), h(30)}, h(12), true, time.Time{}},
		{"every 6 h at most 1", &schedule.Ratio{Count: 1, Period: 6, PeriodUnit: "h"}, []time.Time{h(1)}, h(5), false, h(7)},
	}
	for _, c := range cases {
		ok, next := schedule.PRNAllowed(c.limit, c.taken, c.at)
		if ok != c.ok || !next.Equal(c.next) {
			t.Errorf("%s: got ok=%v next=%v, want ok=%v next=%v", c.name, ok, next, c.ok, c.next)
		}
	}
}

func TestValidatePolicy(t *testing.T) {
	t.Parallel()
	for raw, bad := range map[string]string{
		``: "",
		`{"steps":[{"after_min":10,"notify":"patient"},{"after_min":20,"notify":"caregiver","order":1}]}`: "",
		`{"steps":[{"after_min":20,"notify":"patient"},{"after_min":10,"notify":"patient"}]}`:             "after_min",
		`{"steps":[{"after_min":20,"notify":"caregiver"}]}`:                                               "order",
		`{"steps":[{"after_min":20,"notify":"neighbour"}]}`:                                               "notify",
		`{"steps":[{"after":20}]}`: "escalation_policy",
		`{"steps":[{"after_min":5,"notify":"patient","channels":["push","webhook"]}]}`: "",
		`{"steps":[{"after_min":5,"notify":"patient","channels":["pigeon"]}]}`:         "channels[0]",
	} {
		_, err := schedule.ParsePolicy(raw)
		if (err == nil) != (bad == "") || (err != nil && !strings.Contains(err.Error()+fieldsOf(err), bad)) {
			t.Errorf("%s: got %v, want problem with %q", raw, err, bad)
		}
	}
}

func fieldsOf(err error) string {
	e, ok := err.(*apperr.Error)
	if !ok {
		return ""
	}
	var s []string
	for _, f := range e.Fields {
		s = append(s, f.Field)
	}
	return strings.Join(s, ",")
}

// FuzzTiming: any input (boundsPeriod dates included) either fails
// validation cleanly or expands a week into doses ordered by instant with
// distinct identities (nominal date, slot), without panicking.
func FuzzTiming(f *testing.F) {
	for _, s := range []string{`{"timeOfDay":["08:00","20:00"],"dayOfWeek":["mon"]}`, `{"frequency":3,"period":1,"periodUnit":"d"}`,
		`{"frequency":1,"period":2,"periodUnit":"wk"}`, `{"maxDosePerPeriod":{"count":4,"period":1,"periodUnit":"d"}}`, `{"period":1e308}`,
		`{"frequency":2,"period":1,"periodUnit":"d"}`, `{"timeOfDay":["02:00","02:30"],"boundsPeriod":{"start":"2026-13-45T99:00:00Z"}}`,
		`{"timeOfDay":["08:00"],"boundsPeriod":{"start":"2026-03-01T00:00:00Z","end":"x","extra":1}}`} {
		f.Add(s, false)
	}
	loc, _ := schedule.LoadZone("Australia/Lord_Howe")
	f.Fuzz(func(t *testing.T, raw string, prn bool) {
		tm, err := schedule.ParseAndValidate([]byte(raw), prn)
		if err != nil {
			if !apperr.Is(err, apperr.Invalid) {
				t.Fatalf("non-validation error %v", err)
			}
			return
		}
		from := utc("2026-04-01T00:00:00Z")
		s := schedule.Span{Timing: tm, Anchor: from.Add(-100 * time.Hour), Home: loc, Zone: loc, Label: loc}
		got := schedule.Expand(s, from, from.Add(7*24*time.Hour))
		seen := map[string]bool{}
		for i := range got {
			if i > 0 && got[i].At.Before(got[i-1].At) {
				t.Fatalf("not ordered at %d: %v", i, got)
			}
			id := got[i].NominalDate + "/" + strconv.Itoa(got[i].Slot)
			if seen[id] {
				t.Fatalf("identity %s twice: %v", id, got)
			}
			seen[id] = true
		}
	})
}

// FuzzPolicy: a stored or submitted escalation policy either is rejected as
// Invalid or has steps in time order with known recipients.
func FuzzPolicy(f *testing.F) {
	f.Add(`{"steps":[{"after_min":15,"notify":"patient"},{"after_min":30,"notify":"caregiver","order":1}]}`)
	f.Add(`{"steps":[{"after_min":-1,"notify":"physician","critical_only":true}]}`)
	f.Fuzz(func(t *testing.T, raw string) {
		p, err := schedule.ParsePolicy(raw)
		if err != nil {
			if !apperr.Is(err, apperr.Invalid) {
				t.Fatalf("non-validation error %v", err)
			}
			return
		}
		for i, s := range p.Steps {
			if (i > 0 && s.AfterMin < p.Steps[i-1].AfterMin) || (s.Notify == schedule.NotifyCaregiver && s.Order < 1) {
				t.Fatalf("accepted a bad policy %+v", p)
			}
		}
	})
}

// TestMalformedBoundsDateIsAFieldError: a date that does not parse inside a
// regimen is a field error naming it, not malformed JSON.
func TestMalformedBoundsDateIsAFieldError(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		b := setupAPI(t, db, "bad")
		base := fmt.Sprintf("/v1/patients/%d/regimens", b.w.Patient.ID)
		body := fmt.Sprintf(`{"medication_id":%d,"timing":{"timeOfDay":["08:00"],"boundsPeriod":{"start":"2026-13-45T99:00:00Z","end":"soon"}}}`, b.w.Medication.ID)
		status, got := b.do(t, b.w.Physician, "POST", base, body)
		errs, _ := got["errors"].([]any)
		if status != 400 || got["reason"] == "malformed_json" || len(errs) != 2 ||
			errs[0].(map[string]any)["field"] != "timing.boundsPeriod.start" || errs[1].(map[string]any)["field"] != "timing.boundsPeriod.end" {
			t.Fatalf("%d %v", status, got)
		}
		var n int64
		db.Model(&store.Regimen{}).Where("patient_id = ?", b.w.Patient.ID).Count(&n)
		if n != 1 {
			t.Fatalf("%d regimens after a refused create", n)
		}
	})
}
