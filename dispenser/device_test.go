package dispenser_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/doseloop/doseloop/dispenser"
	"github.com/doseloop/doseloop/store"
)

func TestScheduleETag(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, b *bundle) {
		b.dose(t0.Add(-3*time.Hour), store.DosePending) // too old to show
		soon := b.dose(t0.Add(2*time.Hour), store.DosePending)
		b.dose(t0.Add(14*time.Hour), store.DosePending)
		b.dose(t0.Add(49*time.Hour), store.DosePending) // beyond 48 h
		rec := b.signed("GET", "/v1/dispenser/schedule", nil, b.disp.Serial, b.key)
		etag := rec.Header().Get("ETag")
		if rec.Code != http.StatusOK || etag == "" {
			t.Fatalf("schedule: %d %s", rec.Code, rec.Body)
		}
		var s dispenser.Schedule
		json.Unmarshal(rec.Body.Bytes(), &s)
		if s.TimeZone != "America/New_York" || len(s.Compartments) != 1 || s.Compartments[0].Compartment != 1 ||
			len(s.Compartments[0].Doses) != 2 || s.Compartments[0].Medication != "Metformin" {
			t.Fatalf("schedule body %s", rec.Body)
		}
		d := s.Compartments[0].Doses[0]
		if d.DoseID != soon.ID || !d.ScheduledAt.Equal(soon.ScheduledAt) || d.Local != "2026-03-10T13:00:00-04:00" {
			t.Fatalf("first dose %+v", d)
		}
		b.clk.Advance(time.Minute)
		if rec := b.signed("GET", "/v1/dispenser/schedule", nil, b.disp.Serial, b.key, "If-None-Match", etag); rec.Code != http.StatusNotModified {
			t.Fatalf("unchanged schedule: %d", rec.Code)
		}
		b.db.Model(&store.DoseInstance{}).Where("id = ?", soon.ID).Update("state", store.DoseTaken)
		rec = b.signed("GET", "/v1/dispenser/schedule", nil, b.disp.Serial, b.key, "If-None-Match", etag)
		if rec.Code != http.StatusOK || rec.Header().Get("ETag") == etag {
			t.Fatalf("changed schedule: %d etag %s", rec.Code, rec.Header().Get("ETag"))
		}
	})
}

func TestHeartbeatUpdatesDeviceAndEndsOutage(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, b *bundle) {
		outage := store.DispenserOutage{DispenserID: b.disp.ID, PatientID: &b.w.Patient.ID, StartedAt: t0.Add(-2 * time.Hour), DetectedAt: t0.Add(-time.Hour)}
		b.db.Create(&outage)
		rec := b.signed("POST", "/v1/dispenser/heartbeat", []byte(`{"battery_pct":41,"firmware":"2.3.1","signal_dbm":-71}`), b.disp.Serial, b.key)
		if rec.Code != 200 {
			t.Fatalf("heartbeat: %d %s", rec.Code, rec.Body)
		}
		var d store.Dispenser
		b.db.Take(&d, b.disp.ID)
		if d.BatteryPct == nil || *d.BatteryPct != 41 || d.Firmware != "2.3.1" || d.SignalDbm == nil || *d.SignalDbm != -71 ||
			d.LastSeenAt == nil || !d.LastSeenAt.Equal(t0) {
			t.Fatalf("dispenser after heartbeat: %+v", d)
		}
		b.db.Take(&outage, outage.ID)
		if outage.EndedAt == nil || !outage.EndedAt.Equal(t0) {
			t.Fatalf("outage not ended: %+v", outage)
		}
		b.clk.Advance(time.Second) // a heartbeat must be newer than the last one
		bad := b.signed("POST", "/v1/dispenser/heartbeat", []byte(`{"battery_pct":140}`), b.disp.Serial, b.key)
		if bad.Code != 400 {
			t.Fatalf("bad heartbeat: %d", bad.Code)
		}
		b.db.Take(&d, b.disp.ID)
		if *d.BatteryPct != 41 {
			t.Fatal("a rejected heartbeat changed the battery")
		}
	})
}
