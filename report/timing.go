package report

import (
	"encoding/json"
	"fmt"
	"strings"
)

// DescribeTiming renders a regimen's timing JSON for people: "daily at
// 08:00, 20:00", "every 8 h", "as needed, at most 4 per 1 d".
func DescribeTiming(raw string) string {
	var t timingRepeat
	if err := json.Unmarshal([]byte(raw), &t); err != nil {
		return raw
	}
	var parts []string
	if len(t.TimeOfDay) > 0 {
		parts = append(parts, "at "+strings.Join(t.TimeOfDay, ", "))
	}
	if t.Frequency > 0 && t.Period > 0 {
		if t.Frequency == 1 {
			parts = append(parts, fmt.Sprintf("every %g %s", t.Period, t.PeriodUnit))
		} else {
			parts = append(parts, fmt.Sprintf("%d times per %g %s", t.Frequency, t.Period, t.PeriodUnit))
		}
	}
	if len(t.DayOfWeek) > 0 {
		parts = append(parts, "on "+strings.Join(t.DayOfWeek, ", "))
	}
	if m := t.MaxDosePerPeriod; m != nil {
		parts = append(parts, fmt.Sprintf("as needed, at most %d per %g %s", m.Count, m.Period, m.PeriodUnit))
	}
	if len(parts) == 0 {
		return "daily"
	}
	return strings.Join(parts, "; ")
}
