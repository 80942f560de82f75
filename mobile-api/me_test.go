package mobileapi_test

import (
	"strings"
	"testing"
	"time"

	mobileapi "github.com/doseloop/doseloop/mobile-api"
	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"gorm.io/gorm"
)

func TestPreferencesAndTimeZone(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		h := setup(t, db)
		for _, bad := range []map[string]any{{"time_zone": "Mars/Olympus"}, {"time_zone": "Local"}, {"quiet_start": "22:00"},
			{"quiet_start": "25:00", "quiet_end": "07:00"}, {"travel_policy": "abroad"}, {"locale": "english!"}, {"colour": "red"}} {
			h.expect(h.do(rPatient, "PATCH", "/v1/me/preferences", bad), 400)
		}
		var pt store.Patient
		if h.reload(&pt, h.A.Patient.ID); pt.TimeZone != "America/New_York" || len(h.reexpand) != 0 {
			t.Fatalf("a refused change changed the patient: %s, reexpand %v", pt.TimeZone, h.reexpand)
		}
		r := h.do(rPatient, "PATCH", "/v1/me/preferences", map[string]any{"time_zone": "Asia/Tokyo", "travel_policy": "local",
			"quiet_start": "22:00", "quiet_end": "07:00", "lock_screen_private": false, "locale": "pt-BR"})
		h.expect(r, 200)
		if r.json["time_zone"] != "Asia/Tokyo" || r.json["home_time_zone"] != "America/New_York" || r.json["quiet_start"] != "22:00" ||
			r.json["lock_screen_private"] != false || r.json["locale"] != "pt-BR" {
			t.Fatalf("preferences = %s", r.Body.String())
		}
		if len(h.reexpand) != 1 || h.reexpand[0] != "Asia/Tokyo" {
			t.Fatalf("Reexpand calls = %v, want one with the new zone", h.reexpand)
		}
		h.expect(h.do(rPatient, "PATCH", "/v1/me/preferences", map[string]any{"locale": "en"}), 200)
		if len(h.reexpand) != 1 {
			t.Fatal("a locale change re-expanded the schedule")
		}
		h.expect(h.do(rLinked, "PATCH", "/v1/me/preferences", map[string]any{"time_zone": "Asia/Tokyo"}), 400)
		r = h.do(rLinked, "PATCH", "/v1/me/preferences", map[string]any{"quiet_start": "21:30", "quiet_end": "06:30"})
		if h.expect(r, 200); r.json["time_zone"] != nil || r.json["quiet_end"] != "06:30" {
			t.Fatalf("caregiver preferences = %s", r.Body.String())
		}
	})
}

func TestPushTokens(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		h := setup(t, db)
		body := map[string]any{"platform": "android", "token": "fcm-token-1", "app_version": "1.2.0", "locale": "en"}
		h.expect(h.do(rPatient, "POST", "/v1/me/push-tokens", body), 200)
		h.clk.Advance(time.Minute)
		body["app_version"] = "1.3.0"
		h.expect(h.do(rPatient, "POST", "/v1/me/push-tokens", body), 200)
		var toks []store.PushToken
		h.must(db.Find(&toks).Error)
		if len(toks) != 1 || toks[0].AppVersion != "1.3.0" || toks[0].SessionID == "" || !toks[0].LastSeenAt.Equal(h.clk.Now()) {
			t.Fatalf("tokens = %+v", toks)
		}
		h.expect(h.do(rPatient, "POST", "/v1/me/push-tokens", map[string]any{"platform": "symbian", "token": "x"}), 400)
		h.expect(h.do(rLinked, "DELETE", "/v1/me/push-tokens/fcm-token-1", nil), 404)
		// Another account cannot take a token its owner holds in a live session
		// (it would redirect the patient's notifications) ...
		h.expect(h.do(rLinked, "POST", "/v1/me/push-tokens", body), 409)
		// ... but once that session has ended, the phone changed hands: it moves.
		h.must(db.Model(&store.Session{}).Where("user_id = ?", h.A.PatientUsr.ID).Update("revoked_at", h.clk.Now()).Error)
		h.expect(h.do(rLinked, "POST", "/v1/me/push-tokens", body), 200)
		h.expect(h.do(rLinked, "DELETE", "/v1/me/push-tokens/fcm-token-1", nil), 204)
		var n int64
		if h.must(db.Model(&store.PushToken{}).Count(&n).Error); n != 0 {
			t.Fatalf("%d tokens left", n)
		}
	})
}

func TestHistoryAndAdherence(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		h := setup(t, db)
		// Yesterday: taken on time, missed, skipped. Today: 08:00 taken late,
		// 10:30 pending within its grace (not yet due), 20:00 in the future.
		h.clk.Set(t0.Add(-24 * time.Hour))
		on := true
		y1 := h.dose("08:00", store.DoseTaken)
		h.must(db.Model(&y1).Updates(map[string]any{"on_time": on, "taken_at": y1.ScheduledAt}).Error)
		h.dose("12:00", store.DoseMissed)
		h.dose("20:00", store.DoseSkipped)
		h.clk.Set(t0)
		late := h.dose("08:00", store.DoseTaken)
		h.must(db.Model(&late).Update("on_time", false).Error)
		h.dose("10:30", store.DosePending)
		h.dose("20:00", store.DosePending)
		r := h.do(rPatient, "GET", "/v1/me/adherence", nil)
		h.expect(r, 200)
		w7 := r.json["windows"].([]any)[0].(map[string]any)
		// 10:30 is due and inside its grace: "pending", left out like 20:00.
		if r.json["definition"] != mobileapi.AdherenceDefinition || r.json["time_zone"] != "America/New_York" ||
			w7["from"] != "2026-06-04" || w7["to"] != "2026-06-10" || w7["pending"] != float64(1) ||
			w7["scheduled"] != float64(4) || w7["taken"] != float64(2) || w7["on_time"] != float64(1) ||
			w7["missed"] != float64(1) || w7["skipped"] != float64(1) || w7["taking_adherence"] != 0.5 {
			t.Fatalf("adherence = %s", r.Body.String())
		}
		var seen []string
		cursor := ""
		for page := 0; page < 10; page++ {
			r = h.do(rPatient, "GET", "/v1/me/doses?limit=2&from=2026-06-09"+cursor, nil)
			h.expect(r, 200)
			for _, it := range r.json["items"].([]any) {
				d := it.(map[string]any)
				seen = append(seen, d["local_date"].(string)+" "+d["local_time"].(string))
			}
			next, _ := r.json["next_cursor"].(string)
			if next == "" {
				break
			}
			cursor = "&cursor=" + next
		}
		want := []string{"2026-06-10 20:00", "2026-06-10 10:30", "2026-06-10 08:00", "2026-06-09 20:00", "2026-06-09 12:00", "2026-06-09 08:00"}
		if len(seen) != len(want) {
			t.Fatalf("history = %v, want %v", seen, want)
		}
		for i := range want {
			if seen[i] != want[i] {
				t.Fatalf("history = %v, want %v", seen, want)
			}
		}
		r = h.do(rPatient, "GET", "/v1/me/doses?period=7d", nil)
		if h.expect(r, 200); len(r.json["items"].([]any)) != 6 || r.json["window"].(map[string]any)["from"] != "2026-06-04" {
			t.Fatalf("7d history = %s", r.Body.String())
		}
		for _, q := range []string{"period=8d", "from=2026-06-31", "to=june", "period=7d&from=2026-06-01"} {
			r = h.do(rPatient, "GET", "/v1/me/doses?"+q, nil)
			if h.expect(r, 400); !strings.Contains(r.Body.String(), `"field"`) {
				t.Errorf("%s: no field error: %s", q, r.Body.String())
			}
		}
		r = h.do(rPatient, "GET", "/v1/me/doses?state=missed&from=2026-06-01", nil)
		if h.expect(r, 200); len(r.json["items"].([]any)) != 1 {
			t.Fatalf("missed = %s", r.Body.String())
		}
		h.expect(h.do(rPatient, "GET", "/v1/me/doses?state=lost", nil), 400)
	})
}
