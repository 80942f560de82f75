package notify_test

import (
	"testing"

	"github.com/doseloop/doseloop/notify"
	"github.com/doseloop/doseloop/store"
)

func TestRender(t *testing.T) {
	t.Parallel()
	p := store.OutboxPayload{Template: "dose_reminder", Medication: "Metformin 500 mg", LocalTime: "08:00", PatientName: "Pat"}
	miss := store.OutboxPayload{Template: "missed_dose_caregiver", Medication: "Metformin", LocalTime: "20:30", PatientName: "Pat"}
	off := store.OutboxPayload{Template: "device_offline", PatientName: "Pat", Serial: "DL-0042"}
	cases := []struct {
		p       store.OutboxPayload
		locale  string
		private bool
		title   string
		body    string
	}{
		{p, "en", true, "Medication reminder", "Time for your 8:00 medication"},
		{p, "en", false, "Medication reminder", "Time for your 8:00 Metformin 500 mg"},
		{p, "es", true, "Recordatorio de medicación", "Es hora de su medicación de las 8:00"},
		{p, "es-MX", false, "Recordatorio de medicación", "Es hora de su Metformin 500 mg de las 8:00"},
		{p, "fr", true, "Medication reminder", "Time for your 8:00 medication"},
		{miss, "en", true, "Missed dose alert", "Pat missed the 20:30 dose"},
		{miss, "en", false, "Missed dose alert", "Pat missed Metformin at 20:30"},
		{miss, "es", false, "Alerta de dosis omitida", "Pat no tomó Metformin de las 20:30"},
		{off, "en", false, "Dispenser offline", "Pat's dispenser DL-0042 is offline"},
		{store.OutboxPayload{Template: "something_new"}, "es", false, "DoseLoop", "Tiene una nueva notificación"},
	}
	for _, c := range cases {
		got := notify.Render(c.p, c.locale, c.private)
		if got.Title != c.title || got.Body != c.body {
			t.Errorf("Render(%s, %s, private=%v) = %+v, want %q / %q", c.p.Template, c.locale, c.private, got, c.title, c.body)
		}
	}
}
