package web

import (
	"fmt"
	"html/template"
	"time"

	"github.com/doseloop/doseloop/report"
)

var funcs = template.FuncMap{
	"pct":      pct,
	"add":      func(a, b int) int { return a + b },
	"arrow":    arrow,
	"trendTxt": trendText,
	"when":     when,
	"timing":   report.DescribeTiming,
	"hours":    func(min int) string { return fmt.Sprintf("%.1f h", float64(min)/60) },
	"thr":      func(f float64) string { return fmt.Sprintf("%.0f%%", f*100) },
}

// pct renders a ratio as a percentage; "–" when nothing was due.
func pct(f *float64) string {
	if f == nil {
		return "–"
	}
	return fmt.Sprintf("%.0f%%", *f*100)
}

func arrow(trend string) string {
	return map[string]string{"up": "↑", "down": "↓", "flat": "→"}[trend]
}

func trendText(trend string) string {
	return map[string]string{"up": "improving", "down": "worsening", "flat": "steady", "": "no previous data"}[trend]
}

// when renders an instant in a zone ("" for none).
func when(t *time.Time, zone string) string {
	if t == nil {
		return ""
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		loc = time.UTC
	}
	return t.In(loc).Format("2006-01-02 15:04 MST")
}
