package main

import (
	"net/http"
	"strings"
	"testing"
)

// A Spanish-speaking patient gets the app in Spanish; with the clinic's
// Firebase web config the app offers notifications and the bundled
// Firebase SDK loads under the app's CSP; when the session is ended
// elsewhere (sign-out on another device, account disabled), the next screen
// returns to sign-in and says why.
func TestAppBrowserSpanishAndSessionEnd(t *testing.T) {
	ab := newAppBrowser(t, map[string]string{"DOSELOOP_FIREBASE_WEB_API_KEY": "AIzaSyTest-Key-Only-For-Tests-000000000", "DOSELOOP_FIREBASE_WEB_PROJECT_ID": "doseloop-test",
		"DOSELOOP_FIREBASE_WEB_SENDER_ID": "123456789012", "DOSELOOP_FIREBASE_WEB_APP_ID": "1:123456789012:web:0123456789abcdef", "DOSELOOP_FIREBASE_WEB_VAPID_KEY": "BTestVapidKey"})
	ab.signIn("carlos.ramirez@demo.doseloop.local", "#/today")
	ab.until("Spanish", `document.documentElement.lang === 'es' && document.querySelector('main h1').textContent === 'Medicación de hoy'`)
	txt := js[string](ab, `document.body.innerText`)
	for _, want := range []string{"Horas en America/Chicago", "Tomada", "Omitir", "Posponer 15 min", "Historial", "Ajustes"} {
		if !strings.Contains(txt, want) {
			t.Errorf("Spanish Today lacks %q:\n%s", want, txt)
		}
	}
	ab.check("patient-today-es")

	ab.goTo("#/settings", `document.querySelector('#push-enable')?.textContent === 'Activar notificaciones'`)
	ab.check("patient-settings-push-es")
	sdk := `fetch('/app/config.json').then(r => r.json()).then(async c => {
	  const fb = await import('/app/vendor/firebase.js');
	  const app = fb.initializeApp(c.firebase);
	  return (await fb.isSupported()) && !!fb.getMessaging(app) && typeof fb.getToken === 'function';
	})`
	if !js[bool](ab, sdk) {
		t.Error("the bundled Firebase SDK does not load or says messaging is unsupported")
	}

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
