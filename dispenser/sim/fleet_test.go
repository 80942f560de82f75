package sim_test

import (
	"context"
	"testing"
	"time"

	"github.com/doseloop/doseloop/clock"
	"github.com/doseloop/doseloop/dispenser/sim"
	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"gorm.io/gorm"
)

// TestFleetTakesDueDoses runs the fleet loop against a real server: the
// device pulls its schedule, takes the due dose, re-posts the batch (a
// simulated lost answer) and heartbeats.
func TestFleetTakesDueDoses(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		now := time.Now().UTC().Truncate(time.Second)
		clk := clock.NewFake(now)
		srv, w := server(t, db, clk)
		serial := "FLEET-1"
		db.Create(&store.Dispenser{ClinicID: w.Clinic.ID, Serial: serial, PublicKey: pub(key(serial)), PatientID: &w.Patient.ID,
			HeartbeatIntervalS: 900, CreatedAt: now, UpdatedAt: now})
		due := store.DoseInstance{PatientID: w.Patient.ID, RegimenID: w.Regimen.ID, ScheduledAt: now.Add(-50 * time.Minute),
			LocalDate: "x", LocalTime: "x", State: "pending", CreatedAt: now, UpdatedAt: now}
		db.Create(&due)
		fleet := &sim.Fleet{Tick: 5 * time.Millisecond, Seed: 1,
			Profile: sim.Profile{RetryChance: 1},
			Devices: []*sim.Device{{Serial: serial, Key: key(serial), BaseURL: srv.URL, Now: clk.Now}}}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { fleet.Run(ctx); close(done) }()
		var got store.DoseInstance
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			db.Take(&got, due.ID)
			if got.State == store.DoseTaken {
				break
			}
		}
		cancel()
		<-done
		if got.State != store.DoseTaken || got.Source != "dispenser" {
			t.Fatalf("the fleet did not take the due dose: %+v", got)
		}
		var events int64
		db.Model(&store.DoseEvent{}).Count(&events)
		var d store.Dispenser
		db.Where("serial = ?", serial).Take(&d)
		if events != 1 || d.Firmware != "2.4.0-sim" {
			t.Fatalf("%d events stored (the re-post must be a duplicate), firmware %q", events, d.Firmware)
		}
	})
}
