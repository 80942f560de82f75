package main

import (
	"strings"
	"testing"
)

// The Firebase web config is all or nothing: a partial one names each
// missing variable; a full one reaches the app at /app/config.json.
func TestFirebaseWebConfig(t *testing.T) {
	t.Parallel()
	get := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	_, errs := LoadConfig(get(map[string]string{"DOSELOOP_FIREBASE_WEB_API_KEY": "k", "DOSELOOP_APP_URL": "ftp://x"}))
	all := ""
	for _, e := range errs {
		all += e.Error() + "\n"
	}
	for _, want := range []string{"DOSELOOP_FIREBASE_WEB_SENDER_ID", "DOSELOOP_FIREBASE_WEB_APP_ID", "DOSELOOP_FIREBASE_WEB_VAPID_KEY", "DOSELOOP_FIREBASE_WEB_PROJECT_ID", "DOSELOOP_APP_URL"} {
		if !strings.Contains(all, want) {
			t.Errorf("partial config: no error names %s:\n%s", want, all)
		}
	}
	b := setup(t, map[string]string{"DOSELOOP_FIREBASE_WEB_API_KEY": "AIza-test", "DOSELOOP_FIREBASE_PROJECT_ID": "clinic-push",
		"DOSELOOP_FIREBASE_WEB_SENDER_ID": "1234", "DOSELOOP_FIREBASE_WEB_APP_ID": "1:1234:web:ab", "DOSELOOP_FIREBASE_WEB_VAPID_KEY": "BPk"})
	body := b.do("GET", "/app/config.json", nil).Body.String()
	for _, want := range []string{`"apiKey":"AIza-test"`, `"projectId":"clinic-push"`, `"messagingSenderId":"1234"`, `"vapidKey":"BPk"`} {
		if !strings.Contains(body, want) {
			t.Errorf("config.json %s lacks %s", body, want)
		}
	}
	if off := setup(t, nil).do("GET", "/app/config.json", nil).Body.String(); off != `{"firebase":null}` {
		t.Errorf("without config: %s", off)
	}
}
