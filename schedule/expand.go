package schedule

import (
	"sort"
	"time"
)

// Occurrence is one scheduled dose: its identity within a regimen version
// (nominal local date and slot), the instant (UTC) it falls on and the
// wall-clock date and time a patient sees for it.
type Occurrence struct {
	At          time.Time
	LocalDate   string // YYYY-MM-DD label in the patient's current zone
	LocalTime   string // HH:MM label
	NominalDate string // YYYY-MM-DD: the schedule's local date the slot belongs to
	Slot        int    // index of the slot on that date (see package doc)
}

// slotAt is an instant with its identity, before labelling.
type slotAt struct {
	at   time.Time
	date time.Time // civil date (midnight UTC)
	slot int
}

// Span is what expansion needs to know about one regimen.
type Span struct {
	Timing Timing
	Anchor time.Time      // regimens.starts_at: nothing before it; intervals count from it
	End    *time.Time     // first instant no longer covered (ends_at or stopped_at)
	Home   *time.Location // zone the regimen was written in (anchor wall clock)
	Zone   *time.Location // zone whose wall clock the times follow (home or current, per travel policy)
	Label  *time.Location // zone local_date/local_time are written in (the patient's current zone)
}

// Expand lists s's doses with from <= At < to, in order of instant then
// slot, one per (nominal date, slot): two slots that resolve to one instant
// (a DST gap) are two doses. As-needed regimens have none. DST rules (see
// package doc): a wall-clock time that does not exist moves forward by the
// gap, one that occurs twice fires once at its first occurrence, hour
// intervals keep elapsed time, day-based frequencies keep wall-clock slots.
func Expand(s Span, from, to time.Time) []Occurrence {
	if from.Before(s.Anchor) {
		from = s.Anchor
	}
	if s.End != nil && s.End.Before(to) {
		to = *s.End
	}
	if !from.Before(to) {
		return nil
	}
	var at []slotAt
	switch {
	case len(s.Timing.TimeOfDay) > 0:
		at = s.timesOfDay(from, to)
	case s.Timing.Frequency > 0 && s.Timing.calendarDays() > 0:
		at = s.everyNDays(from, to, s.Timing.calendarDays())
	case s.Timing.Frequency > 0 && s.Timing.PeriodUnit != "h":
		at = s.perCycle(from, to)
	case s.Timing.Frequency > 0:
		at = s.everyInterval(from, to, s.Timing.interval())
	}
	return s.label(at)
}

// timesOfDay: slot i is the i-th timeOfDay in clock order.
func (s Span) timesOfDay(from, to time.Time) []slotAt {
	var secs []int
	for _, v := range s.Timing.TimeOfDay {
		if sec, ok := parseClock(v); ok {
			secs = append(secs, sec)
		}
	}
	sort.Ints(secs)
	days := map[time.Weekday]bool{}
	for _, d := range s.Timing.DayOfWeek {
		days[weekdays[d]] = true
	}
	var out []slotAt
	first, last := civil(from.In(s.Zone)).AddDate(0, 0, -1), civil(to.In(s.Zone)).AddDate(0, 0, 1)
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		if len(days) > 0 && !days[d.Weekday()] {
			continue
		}
		for i, sec := range secs {
			if t := resolveLocal(d, sec, s.Zone); !t.Before(from) && t.Before(to) {
				out = append(out, slotAt{t, d, i})
			}
		}
	}
	return out
}

// everyNDays keeps the anchor's wall-clock time (read in the home zone) on
// every n-th local date, so "every other day at 08:00" stays at 08:00 across DST.
func (s Span) everyNDays(from, to time.Time, n int) []slotAt {
	a := s.Anchor.In(s.Home)
	anchorDay := civil(a)
	sec := a.Hour()*3600 + a.Minute()*60 + a.Second()
	k := int(civil(from.In(s.Zone)).Sub(anchorDay)/(24*time.Hour))/n - 1
	if k < 0 {
		k = 0
	}
	var out []slotAt
	for ; ; k++ {
		day := anchorDay.AddDate(0, 0, k*n)
		t := resolveLocal(day, sec, s.Zone)
		if !t.Before(to) {
			return out
		}
		if !t.Before(from) {
			out = append(out, slotAt{t, day, 0})
		}
	}
}

// everyInterval counts elapsed time from the anchor: 8-hourly stays 8 hours
// apart across DST. The k-th dose since the anchor is slot k of the home
// zone's date it falls on (its instant never moves, so neither does that).
func (s Span) everyInterval(from, to time.Time, iv time.Duration) []slotAt {
	k := int64(0)
	if d := from.Sub(s.Anchor); d > 0 {
		k = int64((d + iv - 1) / iv)
	}
	var out []slotAt
	for t := s.Anchor.Add(time.Duration(k) * iv); t.Before(to); t, k = t.Add(iv), k+1 {
		out = append(out, slotAt{t, civil(t.In(s.Home)), int(k)})
	}
	return out
}

func (s Span) label(at []slotAt) []Occurrence {
	sort.Slice(at, func(i, j int) bool {
		if !at[i].at.Equal(at[j].at) {
			return at[i].at.Before(at[j].at)
		}
		if !at[i].date.Equal(at[j].date) {
			return at[i].date.Before(at[j].date)
		}
		return at[i].slot < at[j].slot
	})
	out := make([]Occurrence, 0, len(at))
	for _, a := range at {
		l := a.at.In(s.Label)
		out = append(out, Occurrence{At: a.at.UTC(), LocalDate: l.Format("2006-01-02"), LocalTime: l.Format("15:04"),
			NominalDate: a.date.Format("2006-01-02"), Slot: a.slot})
	}
	return out
}

// civil is t's local calendar date as midnight UTC, for date arithmetic.
func civil(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// resolveLocal turns a local date (midnight UTC, see civil) plus seconds
// after local midnight into an instant in loc. Go's time.Date leaves the
// choice for skipped and repeated wall times unspecified, so the rules are
// applied here: of the offsets in force around that day, a candidate is
// valid when loc agrees with its offset; the earliest valid one wins (fall
// back fires at the first occurrence); with none valid the time is in a
// gap and is read with the offset before the gap, which lands it later by
// exactly the gap (spring forward).
func resolveLocal(day time.Time, sec int, loc *time.Location) time.Time {
	naive := day.Add(time.Duration(sec) * time.Second)
	_, before := naive.Add(-36 * time.Hour).In(loc).Zone()
	_, after := naive.Add(36 * time.Hour).In(loc).Zone()
	var best time.Time
	for _, off := range []int{before, after} {
		c := naive.Add(-time.Duration(off) * time.Second)
		if _, o := c.In(loc).Zone(); o == off && (best.IsZero() || c.Before(best)) {
			best = c
		}
	}
	if !best.IsZero() {
		return best.UTC()
	}
	return naive.Add(-time.Duration(before) * time.Second).UTC()
}
