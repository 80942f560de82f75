package main

import (
	"strings"

	webapp "github.com/doseloop/doseloop/app"
)

// firebaseWeb is the web app's Firebase config (a short name for Config).
type firebaseWeb = webapp.FirebaseWeb

// loadAppConfig reads the web app's Firebase config. The four
// DOSELOOP_FIREBASE_WEB_* values come from the Firebase console (project
// settings → your web app, and Cloud Messaging → Web Push certificates);
// they are public by design (every browser receives them). All or none:
// with none, the app works and says that push is off. DOSELOOP_APP_URL
// defaults to DOSELOOP_PUBLIC_URL + "/app/".
func loadAppConfig(e *env, projectID, publicURL string) (*webapp.FirebaseWeb, string) {
	fw := &webapp.FirebaseWeb{
		APIKey:            e.str("FIREBASE_WEB_API_KEY", ""),
		ProjectID:         e.str("FIREBASE_WEB_PROJECT_ID", projectID),
		MessagingSenderID: e.str("FIREBASE_WEB_SENDER_ID", ""),
		AppID:             e.str("FIREBASE_WEB_APP_ID", ""),
		VAPIDKey:          e.str("FIREBASE_WEB_VAPID_KEY", ""),
	}
	def := ""
	if publicURL != "" {
		def = publicURL + "/app/"
	}
	appURL := e.str("APP_URL", def)
	if appURL != "" && !strings.HasPrefix(appURL, "https://") && !strings.HasPrefix(appURL, "http://") {
		e.fail("APP_URL", "must be an https:// URL such as https://clinic.example/app/")
	}
	set := map[string]string{"FIREBASE_WEB_API_KEY": fw.APIKey, "FIREBASE_WEB_SENDER_ID": fw.MessagingSenderID,
		"FIREBASE_WEB_APP_ID": fw.AppID, "FIREBASE_WEB_VAPID_KEY": fw.VAPIDKey}
	n := 0
	for _, v := range set {
		if v != "" {
			n++
		}
	}
	if n == 0 {
		return nil, appURL
	}
	for _, name := range []string{"FIREBASE_WEB_API_KEY", "FIREBASE_WEB_SENDER_ID", "FIREBASE_WEB_APP_ID", "FIREBASE_WEB_VAPID_KEY"} {
		if set[name] == "" {
			e.fail(name, "must be set with the other DOSELOOP_FIREBASE_WEB_* values (or unset them all to turn web push off)")
		}
	}
	if fw.ProjectID == "" {
		e.fail("FIREBASE_WEB_PROJECT_ID", "must be set (or DOSELOOP_FIREBASE_PROJECT_ID) when web push is configured")
	}
	return fw, appURL
}
