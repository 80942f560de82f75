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
	"at":       func(t time.Time, zone string) string { return when(&t, zone) },
	"timing":   report.DescribeTiming,
	"hours":    func(min int) string { return fmt.Sprintf("%.1f h", float64(min)/60) },
	"thr":      func(f float64) string { return fmt.Sprintf("%.0f%%", f*100) },
	"day":      func(t time.Time, zone string) string { return t.In(loadZone(zone)).Format(time.DateOnly) },
	"lastDay": func(t *time.Time, zone string) string {
		return t.In(loadZone(zone)).AddDate(0, 0, -1).Format(time.DateOnly)
	},
	"fieldErr": fieldErr,
	"ptr":      func(t time.Time) *time.Time { return &t },
	"deref":    func(f *float64) float64 { return *f },
	"deref64":  func(n *int64) int64 { return *n },
	"inp":      inp,
}

func loadZone(name string) *time.Location {
	if loc, err := time.LoadLocation(name); err == nil {
		return loc
	}
	return time.UTC
}

// formField is one labelled input of a form, with its error if any.
type formField struct {
	ID, Label, Value, Mode, Hint, Msg string
}

func inp(errs map[string]string, id, label, value, mode, hint string) formField {
	return formField{ID: id, Label: label, Value: value, Mode: mode, Hint: hint, Msg: errs[id]}
}

// fieldErr is the error of one field, or nil.
func fieldErr(errs map[string]string, id string) *formField {
	if msg := errs[id]; msg != "" {
		return &formField{ID: id, Msg: msg}
	}
	return nil
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
