package notify

import (
	"strings"

	"github.com/doseloop/doseloop/store"
)

// Text is a rendered notification: what the lock screen shows.
type Text struct {
	Title string `json:"title"`
	Body  string `json:"body"`
}

// template is one message in one language. Public may name the drug;
// Private is what a lock screen shows when the user keeps it private.
type template struct{ Title, Public, Private string }

// Placeholders: {time} local due time ("8:00"), {med} medication,
// {patient} patient name, {serial} dispenser serial.
var catalog = map[string]map[string]template{
	"en": {
		"dose_reminder":         {"Medication reminder", "Time for your {time} {med}", "Time for your {time} medication"},
		"dose_rereminder":       {"Dose not recorded yet", "Your {time} {med} has not been recorded yet", "Your {time} medication has not been recorded yet"},
		"missed_dose_patient":   {"Missed dose", "You missed your {time} {med}", "You missed your {time} medication"},
		"missed_dose_caregiver": {"Missed dose alert", "{patient} missed {med} at {time}", "{patient} missed the {time} dose"},
		"missed_dose_physician": {"Missed dose alert", "{patient} missed {med} at {time}", "{patient} missed the {time} dose"},
		"device_offline":        {"Dispenser offline", "{patient}'s dispenser {serial} is offline", "{patient}'s dispenser is offline"},
		"":                      {"DoseLoop", "You have a new notification", "You have a new notification"},
	},
	"es": {
		"dose_reminder":         {"Recordatorio de medicación", "Es hora de su {med} de las {time}", "Es hora de su medicación de las {time}"},
		"dose_rereminder":       {"Dosis aún no registrada", "Su {med} de las {time} aún no se ha registrado", "Su medicación de las {time} aún no se ha registrado"},
		"missed_dose_patient":   {"Dosis omitida", "No tomó su {med} de las {time}", "No tomó su medicación de las {time}"},
		"missed_dose_caregiver": {"Alerta de dosis omitida", "{patient} no tomó {med} de las {time}", "{patient} no tomó la dosis de las {time}"},
		"missed_dose_physician": {"Alerta de dosis omitida", "{patient} no tomó {med} de las {time}", "{patient} no tomó la dosis de las {time}"},
		"device_offline":        {"Dispensador sin conexión", "El dispensador {serial} de {patient} está sin conexión", "El dispensador de {patient} está sin conexión"},
		"":                      {"DoseLoop", "Tiene una nueva notificación", "Tiene una nueva notificación"},
	},
}

// Locales lists the languages templates exist for.
var Locales = []string{"en", "es"}

// Render builds the text for payload p in locale ("es-MX" uses "es";
// unknown locales fall back to English). private keeps the drug name off
// the lock screen.
func Render(p store.OutboxPayload, locale string, private bool) Text {
	lang, _, _ := strings.Cut(strings.ToLower(locale), "-")
	lang, _, _ = strings.Cut(lang, "_")
	msgs, ok := catalog[lang]
	if !ok {
		msgs = catalog["en"]
	}
	t, ok := msgs[p.Template]
	if !ok {
		t = msgs[""]
	}
	body := t.Public
	if private || (p.Medication == "" && strings.Contains(t.Public, "{med}")) {
		body = t.Private
	}
	r := strings.NewReplacer("{time}", displayTime(p.LocalTime), "{med}", p.Medication,
		"{patient}", p.PatientName, "{serial}", p.Serial)
	return Text{Title: t.Title, Body: r.Replace(body)}
}

// displayTime turns "08:00" into "8:00"; anything else is shown as given.
func displayTime(hhmm string) string {
	if len(hhmm) == 5 && hhmm[0] == '0' && hhmm[2] == ':' {
		return hhmm[1:]
	}
	return hhmm
}
