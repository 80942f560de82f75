package web

import (
	"fmt"
	"strings"
	"time"

	"github.com/doseloop/doseloop/report"
)

// trendChart is the weekly taking-adherence line over the last 90 days.
type trendChart struct {
	Width, Height int
	Points        string // SVG polyline points
	Dots          []trendDot
	ThresholdY    int
	Threshold     string
	Summary       string
	Grid          []trendDot // 0, 50, 100 % lines (Y and Label)
	Months        []trendDot // a label under the first week of each month
}

type trendDot struct {
	X, Y  int
	Label string
}

const trendW, trendH, trendLeft, trendTop, trendBottom = 640, 180, 40, 12, 28

// buildTrend groups the report's days into weeks starting on Monday, in the
// patient's zone, and plots doses taken / doses due per week.
func buildTrend(days []report.Day, threshold float64) trendChart {
	type week struct {
		start      string
		due, taken int
	}
	var weeks []week
	for _, d := range days {
		t, err := time.Parse(time.DateOnly, d.Date)
		if err != nil {
			continue
		}
		monday := t.AddDate(0, 0, -((int(t.Weekday()) + 6) % 7)).Format(time.DateOnly)
		if len(weeks) == 0 || weeks[len(weeks)-1].start != monday {
			weeks = append(weeks, week{start: monday})
		}
		weeks[len(weeks)-1].due += d.Due
		weeks[len(weeks)-1].taken += d.Taken
	}
	plotH := trendH - trendTop - trendBottom
	y := func(f float64) int { return trendTop + int(float64(plotH)*(1-f)) }
	c := trendChart{Width: trendW, Height: trendH, ThresholdY: y(threshold), Threshold: fmt.Sprintf("%.0f%%", threshold*100)}
	for _, g := range []float64{0, .5, 1} {
		c.Grid = append(c.Grid, trendDot{Y: y(g), Label: fmt.Sprintf("%.0f%%", g*100)})
	}
	step := float64(trendW-trendLeft-20) / float64(max(len(weeks)-1, 1))
	var pts, words []string
	for i, w := range weeks {
		if w.due == 0 {
			continue
		}
		f := float64(w.taken) / float64(w.due)
		x := trendLeft + 10 + int(step*float64(i))
		label := fmt.Sprintf("week of %s: %.0f%% (%d of %d taken)", w.start, f*100, w.taken, w.due)
		c.Dots = append(c.Dots, trendDot{X: x, Y: y(f), Label: label})
		if i == 0 || w.start[:7] != weeks[i-1].start[:7] {
			c.Months = append(c.Months, trendDot{X: x, Y: trendH - 8, Label: monthDay(w.start)})
		}
		pts = append(pts, fmt.Sprintf("%d,%d", x, y(f)))
		words = append(words, fmt.Sprintf("%s %.0f%%", w.start[5:], f*100))
	}
	c.Points = strings.Join(pts, " ")
	c.Summary = "Weekly taking adherence (doses taken / doses due), oldest first: " + strings.Join(words, ", ") + "."
	if len(words) == 0 {
		c.Summary = "No doses were due in the last 90 days."
	}
	return c
}

func monthDay(date string) string {
	t, _ := time.Parse(time.DateOnly, date)
	return t.Format("Jan 2")
}
