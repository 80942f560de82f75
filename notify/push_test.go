package notify_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/doseloop/doseloop/notify/fcmfake"
	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"gorm.io/gorm"
)

func TestPushPayloadOnTheWire(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db)
		pat := b.w.PatientUsr.ID
		db.Model(&store.User{}).Where("id = ?", pat).Update("lock_screen_private", false)
		b.token(t, pat, "tok-android-1")
		n := b.enqueue(t, "dose:42:remind:push", pat, "push", false, reminder(42))

		if st := b.tick(t); st.Sent != 1 {
			t.Fatalf("stats = %+v, want 1 sent", st)
		}
		got := b.fake.Accepted("tok-android-1")
		if len(got) != 1 {
			t.Fatalf("FCM got %d messages, want 1", len(got))
		}
		if got[0].Auth != "Bearer test-access-token" {
			t.Errorf("Authorization = %q", got[0].Auth)
		}
		var m struct {
			Notification struct{ Title, Body string }
			Data         map[string]string
			Android      struct {
				Priority    string `json:"priority"`
				CollapseKey string `json:"collapse_key"`
				TTL         string `json:"ttl"`
			}
			APNS struct {
				Headers map[string]string
				Payload struct {
					Aps map[string]any `json:"aps"`
				}
			} `json:"apns"`
		}
		if err := json.Unmarshal(got[0].Raw, &m); err != nil {
			t.Fatal(err)
		}
		if m.Notification.Body != "Time for your 8:00 Metformin" {
			t.Errorf("body = %q", m.Notification.Body)
		}
		if m.Android.Priority != "high" || m.Android.CollapseKey != "dose-42" || m.Android.TTL != "3600s" {
			t.Errorf("android = %+v", m.Android)
		}
		h := m.APNS.Headers
		if h["apns-priority"] != "10" || h["apns-push-type"] != "alert" || h["apns-collapse-id"] != "dose-42" ||
			h["apns-expiration"] != strconv.FormatInt(t0.Add(time.Hour).Unix(), 10) {
			t.Errorf("apns headers = %v", h)
		}
		if m.APNS.Payload.Aps["interruption-level"] != "time-sensitive" {
			t.Errorf("aps = %v, want interruption-level time-sensitive", m.APNS.Payload.Aps)
		}
		if m.Data["dose_id"] != "42" || m.Data["action"] != "confirm_dose" || m.Data["notification_id"] != strconv.FormatInt(n.ID, 10) {
			t.Errorf("data = %v", m.Data)
		}
		r := b.row(t, n.ID)
		if r.State != store.NotifySent || r.SentAt == nil || !r.SentAt.Equal(t0) || !strings.Contains(r.ProviderID, got[0].Name) {
			t.Errorf("row = state %s sent_at %v provider %q", r.State, r.SentAt, r.ProviderID)
		}
		if st := b.tick(t); st.Claimed != 0 || len(b.fake.Received()) != 1 {
			t.Errorf("a sent row was claimed again: %+v", st)
		}
	})
}

func TestLockScreenPrivateHidesDrugName(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db) // World users default to lock_screen_private
		b.token(t, b.w.PatientUsr.ID, "tok-private")
		b.enqueue(t, "k1", b.w.PatientUsr.ID, "push", false, reminder(7))
		b.tick(t)
		got := b.fake.Accepted("tok-private")
		if len(got) != 1 || strings.Contains(string(got[0].Raw), "Metformin") ||
			!strings.Contains(string(got[0].Raw), "Time for your 8:00 medication") {
			t.Fatalf("private lock screen got %d messages: %v", len(got), got)
		}
	})
}

func TestUnregisteredDisablesToken(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db)
		pat := b.w.PatientUsr.ID
		gone := b.token(t, pat, "tok-uninstalled")
		b.token(t, pat, "tok-phone")
		b.fake.Script("tok-uninstalled", fcmfake.Fail("UNREGISTERED"))
		n := b.enqueue(t, "k1", pat, "push", false, reminder(1))
		b.tick(t)
		if r := b.row(t, n.ID); r.State != store.NotifySent {
			t.Fatalf("row = %s (%s), want sent to the remaining device", r.State, r.LastError)
		}
		var tok store.PushToken
		db.First(&tok, gone.ID)
		if tok.DisabledAt == nil || !strings.Contains(tok.DisabledReason, "UNREGISTERED") {
			t.Fatalf("token not disabled: %+v", tok)
		}
		// The next message goes only to the live device.
		b.enqueue(t, "k2", pat, "push", false, reminder(2))
		b.tick(t)
		if n := len(b.fake.Received()); n != 3 {
			t.Fatalf("FCM saw %d requests, want 3 (1 rejected, 2 to the phone)", n)
		}
	})
}

func TestInvalidTokenOnlyDeviceIsDead(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db)
		cg := b.w.Caregiver.ID
		b.token(t, cg, "tok-garbled")
		b.fake.Script("tok-garbled", fcmfake.Fail("INVALID_ARGUMENT").WithMsg("The registration token is not a valid FCM registration token"))
		n := b.enqueue(t, "k1", cg, "push", true, reminder(1))
		b.tick(t)
		r := b.row(t, n.ID)
		if r.State != store.NotifyDead || r.LastError != "unregistered" {
			t.Fatalf("row = %s %q, want dead unregistered", r.State, r.LastError)
		}
		toks, _ := b.tokens.List(t.Context(), cg)
		if len(toks) != 1 || toks[0].DisabledAt == nil {
			t.Fatalf("token not disabled: %+v", toks)
		}
	})
}
