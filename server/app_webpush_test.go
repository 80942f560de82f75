package main

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/doseloop/doseloop/notify"
	"github.com/doseloop/doseloop/notify/fcm"
	"github.com/doseloop/doseloop/notify/fcmfake"
	"github.com/doseloop/doseloop/schedule"
	"golang.org/x/oauth2"
	"google.golang.org/api/option"
)

// End to end on the server: the app registers a browser token (platform
// web), the scheduler queues the 08:00 reminders, and the dispatcher sends
// them through the real Firebase Admin SDK to the local FCM server. Each
// reminder goes out as a webpush message whose text follows the patient's
// language and lock-screen setting as changed in the app's preferences:
// English and Spanish, private and public.
func TestWebpushReminderThroughTheDispatcher(t *testing.T) {
	t.Parallel()
	ab := &appBrowser{bundle: setup(t, nil), t: t}
	ab.sched = schedule.New(ab.app.db, ab.clock)
	ab.seed()
	auth := ab.bearer(appPatient)
	token := "web-" + strings.Repeat("x", 140)
	if w := ab.do(http.MethodPost, "/v1/me/push-tokens", map[string]any{"platform": "web", "token": token, "locale": "en"}, "Authorization", auth); w.Code/100 != 2 {
		t.Fatalf("register web token: %d %s", w.Code, w.Body)
	}
	ab.clock.Set(appMorning.Truncate(24 * time.Hour).Add(8 * time.Hour))
	ab.must(ab.sched.Tick(context.Background(), ab.clock.Now()))

	fake := fcmfake.New("p1")
	url := fake.Start()
	defer fake.Close()
	ch, err := fcm.New(context.Background(), fcm.Config{ProjectID: "p1", Options: []option.ClientOption{
		option.WithEndpoint(url + "/v1"), option.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "x"}))}})
	ab.must(err)
	d := &notify.Dispatcher{DB: ab.app.db, Clock: ab.clock, Push: ch, Batch: 1, Senders: 1}
	cases := []struct {
		locale          string
		private         bool
		title, bodyHas  string
		taken, drugShow string
	}{
		{"en", true, "Medication reminder", "Time for your 8:00 medication", "Taken", ""},
		{"en", false, "Medication reminder", "Time for your 8:00 ", "Taken", "named"},
		{"es", true, "Recordatorio de medicación", "Es hora de su medicación de las 8:00", "Tomada", ""},
		{"es", false, "Recordatorio de medicación", " de las 8:00", "Tomada", "named"},
	}
	for _, c := range cases {
		if w := ab.do(http.MethodPatch, "/v1/me/preferences", map[string]any{"locale": c.locale, "lock_screen_private": c.private}, "Authorization", auth); w.Code != 200 {
			t.Fatalf("preferences: %d %s", w.Code, w.Body)
		}
		before := len(fake.Received())
		for len(fake.Received()) == before {
			st, err := d.Tick(context.Background())
			ab.must(err)
			if st.Claimed == 0 {
				t.Fatalf("%s: no reminder left to send", c.locale)
			}
		}
		got := fake.Received()[len(fake.Received())-1]
		var msg struct {
			Token   string
			Android any
			Webpush struct {
				Headers      map[string]string
				Data         map[string]string
				Notification struct {
					Title, Body, Lang string
					Actions           []struct{ Action, Title string }
				}
			}
		}
		ab.must(json.Unmarshal(got.Raw, &msg))
		n := msg.Webpush.Notification
		if msg.Token != token || msg.Android != nil || n.Title != c.title || !strings.Contains(n.Body, c.bodyHas) || n.Lang != c.locale {
			t.Errorf("%s private=%v: %s", c.locale, c.private, got.Raw)
		}
		private := map[string]string{"en": "Time for your 8:00 medication", "es": "Es hora de su medicación de las 8:00"}[c.locale]
		if named := n.Body != private && !strings.Contains(n.Body, "medicat") && !strings.Contains(n.Body, "medicación"); named != (c.drugShow != "") {
			t.Errorf("%s private=%v: drug named=%v in %q", c.locale, c.private, named, n.Body)
		}
		if len(n.Actions) != 2 || n.Actions[0].Title != c.taken || msg.Webpush.Headers["TTL"] != "3600" || msg.Webpush.Headers["Urgency"] != "high" ||
			msg.Webpush.Data["link"] != "/app/#/dose/"+msg.Webpush.Data["dose_id"] {
			t.Errorf("%s: actions %v headers %v data %v", c.locale, n.Actions, msg.Webpush.Headers, msg.Webpush.Data)
		}
	}
}
