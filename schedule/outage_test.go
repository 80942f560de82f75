package schedule_test

import (
	"testing"
	"time"

	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"gorm.io/gorm"
)

// TestOfflineIsNotReportedAsMissed: a dispenser silent since 07:40 is
// reported offline to the caregiver once (08:11, silent longer than twice its 15-minute
// heartbeat), the 08:00 compartment dose is marked during_outage and missed
// without a missed-dose escalation, and the outage ends when it is heard again.
func TestOfflineIsNotReportedAsMissed(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db, "off")
		compartment := 1
		db.Model(&store.Regimen{}).Where("id = ?", b.w.Regimen.ID).Update("compartment", compartment)
		seen := t0.Add(-20 * time.Minute)
		disp := store.Dispenser{ClinicID: b.w.Clinic.ID, Serial: "SN-OFF", PublicKey: "k", PatientID: &b.w.Patient.ID,
			HeartbeatIntervalS: 900, LastSeenAt: &seen, CreatedAt: seen, UpdatedAt: seen}
		if err := db.Create(&disp).Error; err != nil {
			t.Fatal(err)
		}
		b.expand(t)
		b.run(t, t0.Add(180*time.Minute))
		equalLines(t, b.sent(t), []string{
			"08:00 reminder dose_reminder patient",
			"08:11 device_offline device_offline caregiver1",
			"08:15 rereminder dose_rereminder patient",
		})
		d := b.dose(t, t0)
		if d.State != store.DoseMissed || !d.DuringOutage {
			t.Fatalf("dose during the outage: state %s during_outage %v, want missed + during_outage", d.State, d.DuringOutage)
		}
		var missedAlerts int64
		db.Model(&store.Alert{}).Where("kind = ?", store.AlertMissedDose).Count(&missedAlerts)
		if missedAlerts != 0 {
			t.Fatalf("%d missed-dose alerts opened during an outage, want 0", missedAlerts)
		}
		back := b.clk.Now()
		db.Model(&store.Dispenser{}).Where("id = ?", disp.ID).Update("last_seen_at", back)
		b.run(t, back.Add(time.Minute))
		var o store.DispenserOutage
		db.Where("dispenser_id = ?", disp.ID).Take(&o)
		var a store.Alert
		db.Where("kind = ?", store.AlertDeviceOffline).Take(&a)
		if o.EndedAt == nil || a.ClosedAt == nil || !o.StartedAt.Equal(seen) {
			t.Fatalf("outage %+v / alert %+v: want ended and closed, started at last contact", o, a)
		}
	})
}
