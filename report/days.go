package report

import (
	"sort"
	"time"
)

// dayCount is what one regimen had due and taken on one local day.
type dayCount struct{ due, taken, extra int }

// dayBook collects counted doses per local day and regimen.
type dayBook map[string]map[int64]*dayCount

func newDayBook() dayBook { return dayBook{} }

func (b dayBook) add(d Dose, taken bool) {
	regs := b[d.LocalDate]
	if regs == nil {
		regs = map[int64]*dayCount{}
		b[d.LocalDate] = regs
	}
	c := regs[d.RegimenID]
	if c == nil {
		c = &dayCount{}
		regs[d.RegimenID] = c
	}
	c.due++
	c.taken += b2i(taken)
	c.extra += b2i(d.DoubleDose)
}

// Day is one local calendar day's totals, as the heat-map shows them.
type Day struct {
	Date    string `json:"date"`
	Due     int    `json:"due"`
	Taken   int    `json:"taken"`
	Covered bool   `json:"covered"`
	Correct bool   `json:"correct"`
}

// list returns the days in date order.
func (b dayBook) list() []Day {
	out := make([]Day, 0, len(b))
	for date, regs := range b {
		d := Day{Date: date, Covered: true, Correct: true}
		for _, c := range regs {
			d.Due += c.due
			d.Taken += c.taken
			// A day is covered only when every regimen's doses were taken:
			// an extra dose of one drug does not make up for another.
			if c.taken < c.due {
				d.Covered = false
			}
			if c.taken != c.due || c.extra > 0 {
				d.Correct = false
			}
		}
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Date < out[j].Date })
	return out
}

// fill sets the day-based figures: covered and correct days, holidays.
func (b dayBook) fill(f *Figures) {
	days := b.list()
	f.Days = len(days)
	run, prev := 0, ""
	for _, d := range days {
		f.CoveredDays += b2i(d.Covered)
		f.CorrectDays += b2i(d.Correct)
		if d.Taken == 0 && prev != "" && run > 0 && nextDay(prev) == d.Date {
			run++
		} else if d.Taken == 0 {
			run = 1
		} else {
			run = 0
		}
		if run == holidayDays {
			f.DrugHolidays++
		}
		f.LongestGapDays = max(f.LongestGapDays, run)
		prev = d.Date
	}
}

func nextDay(date string) string {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return ""
	}
	return t.AddDate(0, 0, 1).Format(time.DateOnly)
}

func daysBetween(a, b string) int {
	ta, err1 := time.Parse(time.DateOnly, a)
	tb, err2 := time.Parse(time.DateOnly, b)
	if err1 != nil || err2 != nil {
		return 0
	}
	return int(tb.Sub(ta).Hours()/24 + 0.5)
}

// Days returns the local days of the period with counted doses (what the
// calendar heat-map colours), in date order.
func Days(doses []Dose, in Input) []Day {
	b := newDayBook()
	for _, d := range doses {
		if classify(d, in) == classCounted {
			b.add(d, d.State == "taken")
		}
	}
	return b.list()
}
