package schedule

import "time"

// perCycle expands "frequency N per period P days (or weeks)" whose doses do
// not fall on whole days (twice a day, three times a week) as wall-clock
// slots: the cycle starts on the anchor's local date (home zone) and repeats
// every P days; slot i of a cycle is at the anchor's wall-clock time plus
// i × (cycle length / N), counted on the wall clock and carried into the
// following days past midnight. So "2 per day" from 02:30 is 02:30 and 14:30
// every day, before and after a clock change (a slot in a spring-forward gap
// moves forward by the gap like any wall-clock time).
func (s Span) perCycle(from, to time.Time) []slotAt {
	a := s.Anchor.In(s.Home)
	anchorDay := civil(a)
	first := a.Hour()*3600 + a.Minute()*60 + a.Second()
	cycleDays := int(s.Timing.Period * float64(unitDur[s.Timing.PeriodUnit]) / float64(24*time.Hour))
	if cycleDays < 1 {
		cycleDays = 1
	}
	step := cycleDays * 86400 / s.Timing.Frequency
	k := int(civil(from.In(s.Zone)).Sub(anchorDay)/(24*time.Hour))/cycleDays - 1
	if k < 0 {
		k = 0
	}
	var out []slotAt
	for ; ; k++ {
		day := anchorDay.AddDate(0, 0, k*cycleDays)
		if resolveLocal(day, first, s.Zone).After(to.Add(24 * time.Hour)) {
			return out
		}
		for i := 0; i < s.Timing.Frequency; i++ {
			sec := first + i*step
			t := resolveLocal(day.AddDate(0, 0, sec/86400), sec%86400, s.Zone)
			if !t.Before(from) && t.Before(to) {
				out = append(out, slotAt{t, day, i})
			}
		}
	}
}
