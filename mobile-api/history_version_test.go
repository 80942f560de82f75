package mobileapi_test

import (
	"testing"
	"time"

	"github.com/doseloop/doseloop/schedule"
	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"gorm.io/gorm"
)

// After the regimen's quantity and medication change, the patient's
// history still shows a past dose as it was prescribed then.
func TestHistoryShowsWhatWasPrescribedThen(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		h := setup(t, db)
		reg := h.A.Regimen
		v1, err := schedule.SyncVersion(db, &reg, t0.AddDate(0, 0, -10), nil)
		h.must(err)
		h.clk.Set(t0.Add(-24 * time.Hour))
		past := h.dose("08:00", store.DoseTaken)
		h.must(db.Model(&past).Update("version_id", v1).Error)
		h.clk.Set(t0)
		other := store.Medication{ClinicID: h.A.Clinic.ID, Name: "Acetaminophen", Strength: "500 mg", Form: "tablet", CreatedAt: t0}
		h.must(db.Create(&other).Error)
		reg.MedicationID, reg.DoseQuantity = other.ID, reg.DoseQuantity+1
		h.must(db.Model(&reg).Updates(map[string]any{"medication_id": other.ID, "dose_quantity": reg.DoseQuantity}).Error)
		_, err = schedule.SyncVersion(db, &reg, t0, nil)
		h.must(err)
		r := h.do(rPatient, "GET", "/v1/me/doses?period=7d", nil)
		h.expect(r, 200)
		items := r.json["items"].([]any)
		if len(items) != 1 {
			t.Fatalf("history = %s", r.Body.String())
		}
		d := items[0].(map[string]any)
		med := d["medication"].(map[string]any)
		if med["name"] != h.A.Medication.Name || d["dose_quantity"] != h.A.Regimen.DoseQuantity {
			t.Errorf("past dose shows %v x %v, want %s x %v as prescribed then", med["name"], d["dose_quantity"], h.A.Medication.Name, h.A.Regimen.DoseQuantity)
		}
	})
}
