package web

import (
	"fmt"
	"time"

	"github.com/doseloop/doseloop/report"
)

// heatCell is one day of the calendar heat-map.
type heatCell struct {
	X, Y         int
	Date         string
	Due, Taken   int
	Fill, Label  string
	Ratio        string
	HasDoses     bool
	WeekdayShort string
}

// heatMap lays out the period's local days as a calendar: one column per
// week, one row per weekday (Monday on top), coloured by taken/due.
type heatMap struct {
	Cells         []heatCell
	Width, Height int
	Cell          int // side of a day's square
	Summary       string
	Months        []heatLabel
	Weekdays      []heatLabel // Mon, Thu and Sun, at their rows
}

type heatLabel struct {
	X, Y int
	Text string
}

// Days are squares big enough to read and hover at any period; the SVG
// shrinks (never grows) to fit its card, so 90 days fit a phone.
const cell, gap, left, top = 24, 4, 34, 20

func buildHeatMap(r *report.PatientReport, zone *time.Location) heatMap {
	byDate := map[string]report.Day{}
	for _, d := range r.Days {
		byDate[d.Date] = d
	}
	first := r.From.In(zone)
	last := r.To.Add(-time.Nanosecond).In(zone)
	start := time.Date(first.Year(), first.Month(), first.Day(), 12, 0, 0, 0, zone)
	offset := (int(start.Weekday()) + 6) % 7 // Monday = 0
	var hm heatMap
	full := 0
	for d, i := start, 0; !d.After(last.Add(12*time.Hour)) && d.Format(time.DateOnly) <= last.Format(time.DateOnly); d, i = d.AddDate(0, 0, 1), i+1 {
		date := d.Format(time.DateOnly)
		pos := i + offset
		c := heatCell{X: left + (pos/7)*(cell+gap), Y: top + (pos%7)*(cell+gap), Date: date, WeekdayShort: d.Weekday().String()[:3]}
		day, ok := byDate[date]
		c.Due, c.Taken, c.HasDoses = day.Due, day.Taken, ok
		c.Fill, c.Label = fillFor(day, ok), labelFor(date, day, ok)
		if ok {
			c.Ratio = fmt.Sprintf("%.2f", float64(day.Taken)/float64(day.Due))
			full += b2i(day.Covered)
		}
		if d.Day() == 1 || i == 0 {
			hm.addMonth(heatLabel{X: c.X, Text: d.Format("Jan")})
		}
		hm.Cells = append(hm.Cells, c)
		hm.Width = c.X + cell + 4
	}
	hm.Height, hm.Cell = top+7*(cell+gap)+4, cell
	for _, row := range []int{0, 3, 6} {
		hm.Weekdays = append(hm.Weekdays, heatLabel{Y: top + row*(cell+gap) + cell*2/3, Text: [...]string{"Mon", "", "", "Thu", "", "", "Sun"}[row]})
	}
	hm.Summary = fmt.Sprintf("%d days with doses due; on %d of them every dose was taken.", len(r.Days), full)
	return hm
}

// monthGap is the room a month label needs (px); a label closer to the one
// before it replaces it, so "Oct" and "Nov" never overlap as "OctNov".
const monthGap = 3 * (cell + gap)

func (hm *heatMap) addMonth(l heatLabel) {
	if n := len(hm.Months); n > 0 && l.X-hm.Months[n-1].X < monthGap {
		hm.Months[n-1] = l
		return
	}
	hm.Months = append(hm.Months, l)
}

// Colours are a colour-blind-safe sequential scale, with the ratio also in
// each cell's title for screen readers and print.
func fillFor(d report.Day, ok bool) string {
	switch {
	case !ok:
		return "#eeeeee"
	case d.Taken >= d.Due:
		return "#1a9850"
	case d.Taken*2 >= d.Due:
		return "#fee08b"
	case d.Taken > 0:
		return "#fc8d59"
	}
	return "#d73027"
}

func labelFor(date string, d report.Day, ok bool) string {
	if !ok {
		return date + ": no doses counted"
	}
	return fmt.Sprintf("%s: %d of %d doses taken", date, d.Taken, d.Due)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// timingBar is one bin of the timing histogram.
type timingBar struct {
	X, Y, W, H int
	Label      string
	Count      int
	Title      string
}

type timingChart struct {
	Bars    []timingBar
	Width   int
	Height  int
	Base    int
	Summary string
}

// timingBins group how long after the due time a dose was taken (minutes).
var timingBins = []struct {
	label    string
	from, to float64
}{{"early", -1e9, -30}, {"±30m", -30, 30}, {"30–60m", 30, 60}, {"1–2h", 60, 120}, {"2–4h", 120, 240}, {">4h", 240, 1e9}}

func buildTiming(doses []report.Dose) timingChart {
	counts := make([]int, len(timingBins))
	total := 0
	for _, d := range doses {
		if d.State != "taken" || d.TakenAt == nil {
			continue
		}
		m := d.TakenAt.Sub(d.ScheduledAt).Minutes()
		for i, b := range timingBins {
			if m >= b.from && m < b.to {
				counts[i]++
				total++
			}
		}
	}
	maxC := 1
	for _, n := range counts {
		maxC = max(maxC, n)
	}
	const barW, barGap, chartH, base = 56, 12, 120, 140
	tc := timingChart{Width: len(timingBins)*(barW+barGap) + 20, Height: base + 24, Base: base}
	for i, b := range timingBins {
		h := counts[i] * chartH / maxC
		tc.Bars = append(tc.Bars, timingBar{X: 10 + i*(barW+barGap), Y: base - h, W: barW, H: h, Label: b.label, Count: counts[i],
			Title: fmt.Sprintf("%s after the due time: %d doses", b.label, counts[i])})
	}
	tc.Summary = fmt.Sprintf("%d doses taken; %d within 30 minutes of the due time.", total, counts[1])
	return tc
}
