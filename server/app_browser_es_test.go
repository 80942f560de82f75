package main

import (
	"net/http"
	"strings"
	"testing"
)

// A Spanish-speaking patient gets the app in Spanish; when the session is
// ended elsewhere (sign-out on another device, account disabled), the next
// screen returns to sign-in and says why.
func TestAppBrowserSpanishAndSessionEnd(t *testing.T) {
	ab := newAppBrowser(t)
	ab.signIn("carlos.ramirez@demo.doseloop.local", "#/today")
	ab.until("Spanish", `document.documentElement.lang === 'es' && document.querySelector('main h1').textContent === 'Medicación de hoy'`)
	txt := js[string](ab, `document.body.innerText`)
	for _, want := range []string{"Horas en America/Chicago", "Tomada", "Omitir", "Posponer 15 min", "Historial", "Ajustes"} {
		if !strings.Contains(txt, want) {
			t.Errorf("Spanish Today lacks %q:\n%s", want, txt)
		}
	}
	ab.check("patient-today-es")

	access := js[string](ab, `import('/app/api.js').then(m => m.session()).then(s => s.access_token)`)
	if w := ab.do(http.MethodPost, "/v1/auth/logout", nil, "Authorization", "Bearer "+access); w.Code/100 != 2 {
		t.Fatalf("logout elsewhere: %d %s", w.Code, w.Body)
	}
	ab.goTo("#/history", `document.querySelector('#login')`)
	if msg := js[string](ab, `document.getElementById('login-err').textContent`); msg != "Su sesión terminó. Inicie sesión de nuevo." {
		t.Errorf("session end message: %q", msg)
	}
	ab.check("sign-in-session-ended-es")
}
