package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/serviceworker"
	"github.com/chromedp/chromedp"
	"github.com/doseloop/doseloop/notify"
	"github.com/doseloop/doseloop/notify/fcm"
	"github.com/doseloop/doseloop/notify/fcmfake"
	"github.com/doseloop/doseloop/seed"
	"github.com/doseloop/doseloop/store"
	"golang.org/x/oauth2"
	"google.golang.org/api/option"
)

// In the real Chromium at 390 px, the patient signs in and works through
// the morning: takes one dose, skips one with a reason, snoozes one, hits
// the as-needed limit, takes one offline (sent once when back online), and
// takes one from a push notification's Taken button. Every screen passes
// axe-core.
func TestAppBrowserPatient(t *testing.T) {
	ab := newAppBrowser(t, nil)
	doses := ab.todayDoses("Olivia Brown")
	ab.signIn(appPatient, "#/today")
	ab.until("today's doses", `document.querySelectorAll('li.dose').length === 6 && document.querySelector('li.prn')`)
	if txt := js[string](ab, `document.querySelector('main').innerText`); !strings.Contains(txt, "Times are in Europe/London") || !strings.Contains(txt, "8:00") {
		t.Errorf("Today lacks the zone or the local time:\n%s", txt)
	}
	ab.check("patient-today")

	ab.click(`button[aria-label="Taken: Lisinopril 10 mg"]`)
	ab.until("taken", `document.getElementById('status').textContent.includes('Recorded as taken')`)
	ab.wantDose(doses["Lisinopril"], store.DoseTaken, "")

	ab.click(`button[aria-label="Skip: Sertraline 50 mg"]`)
	reason := fmt.Sprintf("reason-%d", doses["Sertraline"])
	ab.until("reason box", `document.activeElement.id === '`+reason+`'`)
	ab.click(`form.skip-form button[type=submit]`) // empty: refused in the page
	ab.until("reason required", `document.getElementById('`+reason+`-err').textContent.includes('give a reason')`)
	ab.step("type reason", chromedp.Do(ab.ctx, chromedp.SendKeys(chromedp.ID(reason), "Felt dizzy this morning")))
	ab.click(`form.skip-form button[type=submit]`)
	ab.until("skipped", `document.getElementById('status').textContent.includes('Recorded as skipped')`)
	ab.wantDose(doses["Sertraline"], store.DoseSkipped, "Felt dizzy this morning")

	ab.click(`button[aria-label="Snooze 15 min: Amlodipine 5 mg"]`)
	ab.until("snoozed", `document.getElementById('status').textContent.includes('snoozed for 15 minutes')`)
	var d store.DoseInstance
	ab.must(ab.app.db.Take(&d, doses["Amlodipine"]).Error)
	if d.SnoozedUntil == nil || !d.SnoozedUntil.Equal(appMorning.Add(15*time.Minute)) || d.State != store.DosePending {
		t.Errorf("snooze: %+v", d)
	}

	ab.prnLimit()
	ab.offlineTake(doses["Atorvastatin"], doses["Amlodipine"])
	ab.pushTake(doses["Metformin"])

	for _, s := range []struct{ hash, name, want string }{
		{"#/history", "patient-history", "taking adherence"},
		{"#/people", "patient-caregivers", "Omar Haddad"},
		{"#/dispenser", "patient-dispenser", "No dispenser"},
		{"#/settings", "patient-settings", "Push notifications are off"},
	} {
		ab.step("go "+s.hash, chromedp.Do(ab.ctx, chromedp.Evaluate[chromedp.Void](`location.hash = '`+s.hash+`'`)))
		ab.until(s.name, `document.querySelector('main').innerText.includes(`+fmt.Sprintf("%q", s.want)+`)`)
		ab.check(s.name)
	}
	ab.click(`button.signout`)
	ab.until("signed out", `document.querySelector('#login')`)
}

// todayDoses maps medication name → today's dose id for a patient.
func (ab *appBrowser) todayDoses(name string) map[string]int64 {
	var rows []struct {
		ID   int64
		Name string
	}
	ab.must(ab.app.db.Table("dose_instances d").Select("d.id, m.name").Joins("JOIN regimens r ON r.id = d.regimen_id").
		Joins("JOIN medications m ON m.id = r.medication_id").Joins("JOIN patients p ON p.id = d.patient_id").
		Where("p.name = ? AND d.local_date = ?", name, appMorning.Format("2006-01-02")).Scan(&rows).Error)
	out := map[string]int64{}
	for _, r := range rows {
		out[r.Name] = r.ID
	}
	return out
}

func (ab *appBrowser) wantDose(id int64, state, reason string) {
	ab.t.Helper()
	var d store.DoseInstance
	ab.must(ab.app.db.Take(&d, id).Error)
	if d.State != state || d.SkipReason != reason {
		ab.t.Errorf("dose %d: state %q reason %q, want %q %q", id, d.State, d.SkipReason, state, reason)
	}
}

// bearer signs in through the API (as a second device would).
func (ab *appBrowser) bearer(email string) string {
	w := ab.do(http.MethodPost, "/v1/auth/login", map[string]string{"email": email, "password": seed.DemoPassword})
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	json.Unmarshal(w.Body.Bytes(), &tok)
	if tok.AccessToken == "" {
		ab.t.Fatalf("login %s: %d %s", email, w.Code, w.Body)
	}
	return "Bearer " + tok.AccessToken
}

// prnLimit logs the day's four as-needed doses from another device, then
// tries a fifth in the app: refused, with the time the next is allowed.
func (ab *appBrowser) prnLimit() {
	auth := ab.bearer(appPatient)
	var reg store.Regimen
	ab.must(ab.app.db.Where("as_needed = ? AND patient_id = (SELECT id FROM patients WHERE name = ?)", true, "Olivia Brown").Take(&reg).Error)
	for i := range 4 {
		if w := ab.do(http.MethodPost, "/v1/me/prn", map[string]any{"regimen_id": reg.ID, "taken_at": appMorning.Add(-time.Duration(10*i+1) * time.Minute)}, "Authorization", auth); w.Code != http.StatusCreated && w.Code != http.StatusOK {
			ab.t.Fatalf("PRN %d: %d %s", i, w.Code, w.Body)
		}
	}
	ab.step("refresh", chromedp.Do(ab.ctx, chromedp.Evaluate[chromedp.Void](`dispatchEvent(new HashChangeEvent('hashchange'))`)))
	card := fmt.Sprintf("#prn-%d", reg.ID)
	ab.until("PRN card at its limit", `document.querySelector('`+card+` .next')?.textContent.includes('Next dose allowed at')`)
	ab.click(card + " button")
	ab.until("PRN refusal", `document.getElementById('status').textContent.includes('reached the limit')`)
	if s := ab.status(); !strings.Contains(s, "Next dose allowed at") {
		ab.t.Errorf("PRN refusal without the next allowed time: %q", s)
	}
	var n int64
	ab.must(ab.app.db.Model(&store.DoseInstance{}).Where("regimen_id = ?", reg.ID).Count(&n).Error)
	if n != 4 {
		ab.t.Errorf("as-needed doses recorded: %d, want 4 (the fifth was refused)", n)
	}
}

// network cuts or restores the page's network (Network.emulateNetworkConditions).
func (ab *appBrowser) network(offline bool) {
	type params struct {
		Offline            bool    `json:"offline"`
		Latency            float64 `json:"latency"`
		DownloadThroughput float64 `json:"downloadThroughput"`
		UploadThroughput   float64 `json:"uploadThroughput"`
	}
	emulate := cdp.Command[params, cdp.Empty]{Method: "Network.emulateNetworkConditions"}
	_, err := chromedp.Call(ab.ctx, network.Enable, network.EnableParams{})
	ab.step("network enable", err)
	_, err = chromedp.Call(ab.ctx, emulate, params{Offline: offline, DownloadThroughput: -1, UploadThroughput: -1})
	ab.step(fmt.Sprintf("network offline=%v", offline), err)
}

// offlineTake takes two doses with the network cut: the app keeps them and
// says so. Meanwhile another device records the second one. When the
// network returns the first is sent and recorded once; the second answers
// 409 and the app shows it as already taken, never recording it twice.
func (ab *appBrowser) offlineTake(id, recordedMeanwhile int64) {
	ab.step("today", chromedp.Do(ab.ctx, chromedp.Evaluate[chromedp.Void](`location.hash = '#/today'`)))
	ab.until("Atorvastatin", `document.querySelector('button[aria-label="Taken: Atorvastatin 20 mg"]')`)
	ab.network(true)
	ab.until("offline", `!navigator.onLine`)
	ab.click(`button[aria-label="Taken: Atorvastatin 20 mg"]`)
	ab.until("queued", `document.querySelector('#dose-`+fmt.Sprint(id)+` .badge.queued')`)
	ab.click(`button[aria-label="Taken: Amlodipine 5 mg"]`)
	ab.until("queued", `document.querySelector('#dose-`+fmt.Sprint(recordedMeanwhile)+` .badge.queued')`)
	ab.check("patient-offline")
	ab.wantDose(id, store.DosePending, "")
	if w := ab.do(http.MethodPost, fmt.Sprintf("/v1/doses/%d/take", recordedMeanwhile), nil, "Authorization", ab.bearer(appPatient)); w.Code != http.StatusOK {
		ab.t.Fatalf("take from another device: %d %s", w.Code, w.Body)
	}
	ab.network(false)
	ab.until("sent", `document.getElementById('status').textContent.includes('already recorded as taken')`)
	ab.until("shown as taken", `document.querySelector('#dose-`+fmt.Sprint(recordedMeanwhile)+` .badge.taken')`)
	ab.wantDose(id, store.DoseTaken, "")
	if again := js[int](ab, `import('/app/api.js').then(m => m.flush()).then(d => d.length)`); again != 0 {
		ab.t.Errorf("a second flush sent %d actions", again)
	}
	for _, d := range []int64{id, recordedMeanwhile} {
		var n int64
		ab.must(ab.app.db.Model(&store.AuditEntry{}).Where("action = ? AND object_id = ? AND outcome = ?", "dose.take", fmt.Sprint(d), "ok").Count(&n).Error)
		if n != 1 {
			ab.t.Errorf("dose %d was recorded %d times, want once", d, n)
		}
	}
}

// pushTake sends a reminder for a web token through the real Admin SDK to
// the local FCM server, delivers what went on the wire to the app's service
// worker (ServiceWorker.deliverPushMessage), checks the notification and
// its buttons, and presses Taken: the dose is recorded through the API.
func (ab *appBrowser) pushTake(id int64) {
	wire := ab.webpushOnTheWire(store.OutboxPayload{Template: "dose_reminder", DoseID: id, Medication: "Metformin 500 mg", LocalTime: "08:00"})
	tag := fmt.Sprintf("dose-%d", id)
	got := ab.deliverPush(wire, tag)
	for _, want := range []string{`"title":"Medication reminder"`, `"body":"Time for your 8:00 medication"`, `"take=Taken"`, `"snooze=Snooze 15 min"`, `"link":"/app/#/dose/` + fmt.Sprint(id)} {
		if !strings.Contains(got, want) {
			ab.t.Errorf("notification %s lacks %s", got, want)
		}
	}
	ab.check("patient-push")
	ab.press(tag, "take", func() bool {
		var d store.DoseInstance
		ab.must(ab.app.db.Take(&d, id).Error)
		return d.State == store.DoseTaken
	})
}

// deliverPush delivers a push payload to the app's service worker
// (ServiceWorker.deliverPushMessage) and returns the notification it shows
// as JSON {title, body, actions: ["action=Title"], data}.
func (ab *appBrowser) deliverPush(wire, tag string) string {
	regs := make(chan string, 8)
	ab.step("listen", chromedp.Listen(ab.ctx, func(ev any) {
		if e, ok := ev.(*serviceworker.EventWorkerRegistrationUpdated); ok {
			for _, r := range e.Registrations {
				if strings.HasSuffix(r.ScopeURL, "/app/") && !r.IsDeleted {
					regs <- string(r.RegistrationID)
				}
			}
		}
	}))
	ab.until("worker active", `navigator.serviceWorker.controller || navigator.serviceWorker.ready.then(r => !!r.active)`)
	_, err := chromedp.Call(ab.ctx, serviceworker.Enable, cdp.Empty{})
	ab.step("serviceworker enable", err)
	var regID string
	select {
	case regID = <-regs:
	case <-time.After(10 * time.Second):
		ab.t.Fatal("no service worker registration for /app/")
	}
	_, err = chromedp.Call(ab.ctx, serviceworker.DeliverPushMessage, serviceworker.DeliverPushMessageParams{
		Origin: ab.srv.URL, RegistrationID: serviceworker.RegistrationID(regID), Data: wire})
	ab.step("deliver push", err)
	shown := `navigator.serviceWorker.ready.then(r => r.getNotifications({tag: '` + tag + `'}))`
	ab.until("notification shown", shown+`.then(ns => ns.length === 1)`)
	return js[string](ab, shown+`.then(ns => JSON.stringify({title: ns[0].title, body: ns[0].body, actions: ns[0].actions.map(a => a.action + '=' + a.title), data: ns[0].data}))`)
}

// press presses a shown notification's action button (see sw.js: DevTools
// cannot press it, so the worker runs the same click handler on a message)
// and waits until done reports the API recorded it and the notification closed.
func (ab *appBrowser) press(tag, action string, done func() bool) {
	js[bool](ab, `navigator.serviceWorker.ready.then(r => { r.active.postMessage({type: 'notification-click', tag: '`+tag+`', action: '`+action+`'}); return true; })`)
	deadline := time.Now().Add(15 * time.Second)
	for !done() {
		if time.Now().After(deadline) {
			ab.t.Fatalf("%s on notification %s was not recorded", action, tag)
		}
		time.Sleep(100 * time.Millisecond)
	}
	ab.until("notification closed", `navigator.serviceWorker.ready.then(r => r.getNotifications({tag: '`+tag+`'})).then(ns => ns.length === 0)`)
}

// webpushOnTheWire returns the push payload a browser receives for a dose
// reminder: the webpush block the Admin SDK put on the wire, shaped as FCM
// delivers it to the service worker ({notification, data, fcmOptions, from}).
func (ab *appBrowser) webpushOnTheWire(p store.OutboxPayload) string {
	fake := fcmfake.New("p1")
	url := fake.Start()
	defer fake.Close()
	ch, err := fcm.New(context.Background(), fcm.Config{ProjectID: "p1", Options: []option.ClientOption{
		option.WithEndpoint(url + "/v1"), option.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "x"}))}})
	ab.must(err)
	m := &notify.Message{ID: 1, Kind: "reminder", Now: appMorning, Payload: p, Recipient: notify.Recipient{Locale: "en", LockScreenPrivate: true},
		Target: &notify.Target{TokenID: 1, Token: "browser-token", Platform: "web"}, Text: notify.Render(p, "en", true)}
	_, _, _, err = ch.Notify(context.Background(), m)
	ab.must(err)
	var sent struct {
		Webpush struct {
			Data         map[string]string `json:"data"`
			Notification json.RawMessage   `json:"notification"`
			FCMOptions   json.RawMessage   `json:"fcm_options"`
		} `json:"webpush"`
	}
	ab.must(json.Unmarshal(fake.Received()[0].Raw, &sent))
	out, _ := json.Marshal(map[string]any{"notification": sent.Webpush.Notification, "data": sent.Webpush.Data,
		"from": "1234567890", "fcmMessageId": "m-1", "fcmOptions": sent.Webpush.FCMOptions})
	return string(out)
}
