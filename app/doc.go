// Package app is the patient and caregiver web app: an installable
// progressive web app served by the same binary at /app/.
//
// The source in src/ is plain modern JavaScript (ES modules, no build step
// for the app code) and is embedded as is; the only built file is
// src/vendor/firebase.js, the Firebase JS SDK bundled with esbuild's Go API
// by `go generate ./app` (`npm ci --ignore-scripts` in app/ first) and committed, with a test
// that fails when it is out of date. No Node runs at run time.
//
//	src/index.html, main.js    shell, sign-in, hash routes (#/today, #/dose/42, #/alerts/9 …)
//	src/patient.js             Today (Taken / Skip with reason / Snooze, as-needed doses), history, caregivers, dispenser
//	src/caregiver.js           patients at a glance, a patient's day, alerts inbox, invitations
//	src/settings.js, push.js   preferences; web push via the Firebase SDK (token → POST /v1/me/push-tokens, platform web)
//	src/api.js, kv.js          API client (tokens in IndexedDB, refresh on 401), offline action queue
//	src/sw.js                  service worker: shell and today cached, push notifications with
//	                           Taken / Snooze 15 min / Acknowledge acting through the API
//
// GET /app/config.json gives the app the Firebase web config (FirebaseWeb)
// or {"firebase": null}, in which case the app works and says push is off.
package app

//go:generate go run ./cmd/bundle
