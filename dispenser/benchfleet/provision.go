package benchfleet

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/doseloop/doseloop/dispenser/sim"
	"github.com/doseloop/doseloop/seed"
	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// Days of dose history each device gets (inside the 90-day event age limit).
const Days = 85

// Fleet is what Provision created.
type Fleet struct {
	ClinicID int64
	Walkers  []*sim.Walker
	Doses    int
}

// Provision creates n dispensers named PREFIX-0001..., each assigned to a
// patient whose four regimens (compartments 1-4) are due every 3 hours,
// with dose instances for the last Days days, and returns walkers that post
// to baseURL. Device keys come from seed.DispenserKey(serial).
func Provision(ctx context.Context, db *gorm.DB, prefix string, n int, baseURL string, client *http.Client) (*Fleet, error) {
	now := time.Now().UTC().Truncate(time.Hour)
	f := &Fleet{}
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		clinic := store.Clinic{Name: prefix + " bench clinic", TimeZone: "UTC", CreatedAt: now}
		if err := tx.Create(&clinic).Error; err != nil {
			return err
		}
		f.ClinicID = clinic.ID
		med := store.Medication{ClinicID: clinic.ID, Name: "Benchmarkamine", CreatedAt: now}
		if err := tx.Create(&med).Error; err != nil {
			return err
		}
		for i := range n {
			w, doses, err := device(tx, clinic.ID, med.ID, fmt.Sprintf("%s-%04d", prefix, i+1), now)
			if err != nil {
				return err
			}
			w.Device.BaseURL, w.Device.HTTP = baseURL, client
			f.Walkers = append(f.Walkers, w)
			f.Doses += doses
		}
		return nil
	})
	return f, err
}

func device(tx *gorm.DB, clinicID, medID int64, serial string, now time.Time) (*sim.Walker, int, error) {
	p := store.Patient{ClinicID: clinicID, Name: "Bench " + serial, TimeZone: "UTC", HomeTimeZone: "UTC",
		TravelPolicy: "home", CreatedAt: now, UpdatedAt: now}
	if err := tx.Create(&p).Error; err != nil {
		return nil, 0, err
	}
	schedule := map[int][]time.Time{}
	var doses []store.DoseInstance
	for comp := 1; comp <= 4; comp++ {
		r := store.Regimen{PatientID: p.ID, MedicationID: medID, DoseQuantity: 1, DoseUnit: "tablet",
			Timing: `{"frequency":1,"period":3,"periodUnit":"h"}`, OnTimeWindowMin: 60, GraceMin: 60,
			Compartment: &comp, StartsAt: now.AddDate(0, 0, -Days), CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&r).Error; err != nil {
			return nil, 0, err
		}
		for at := r.StartsAt.Add(time.Duration(comp) * 20 * time.Minute); at.Before(now); at = at.Add(3 * time.Hour) {
			schedule[comp] = append(schedule[comp], at)
			doses = append(doses, store.DoseInstance{PatientID: p.ID, RegimenID: r.ID, ScheduledAt: at,
				LocalDate: at.Format("2006-01-02"), LocalTime: at.Format("15:04"), State: store.DosePending,
				CreatedAt: now, UpdatedAt: now})
		}
	}
	if err := tx.CreateInBatches(doses, 500).Error; err != nil {
		return nil, 0, err
	}
	key := seed.DispenserKey(serial)
	d := store.Dispenser{ClinicID: clinicID, Serial: serial, PublicKey: seed.DispenserPublicKey(serial), PatientID: &p.ID,
		Model: "bench", HeartbeatIntervalS: 900, CreatedAt: now, UpdatedAt: now}
	if err := tx.Create(&d).Error; err != nil {
		return nil, 0, err
	}
	dev := &sim.Device{Serial: serial, Key: key}
	return sim.NewWalker(dev, schedule, uint64(d.ID)), len(doses), nil
}
