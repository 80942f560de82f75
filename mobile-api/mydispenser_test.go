package mobileapi_test

import (
	"testing"
	"time"

	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"gorm.io/gorm"
)

// GET /v1/me/dispenser shows the patient's own dispenser (online within
// twice its heartbeat) and its latest events, newest first; another patient
// sees none of it, and a caregiver is refused.
func TestMyDispenser(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		h := setup(t, db)
		r := h.do(rPatient, "GET", "/v1/me/dispenser", nil)
		h.expect(r, 200)
		if r.json["dispenser"] != nil || len(r.json["events"].([]any)) != 0 {
			t.Fatalf("no dispenser yet: %s", r.Body.String())
		}
		seen, pid := t0.Add(-4*time.Minute), h.A.Patient.ID
		d := store.Dispenser{ClinicID: h.A.Clinic.ID, Serial: "DL-ME-1", PublicKey: "k", PatientID: &pid, Model: "DL-2",
			HeartbeatIntervalS: 300, LastSeenAt: &seen, CreatedAt: t0, UpdatedAt: t0}
		h.must(db.Create(&d).Error)
		for i, typ := range []string{store.EventCompartmentOpened, store.EventDoseTaken} {
			h.must(db.Create(&store.DoseEvent{DispenserID: d.ID, DeviceEventID: itoa(int64(i)), Type: typ,
				OccurredAt: t0.Add(time.Duration(i-10) * time.Minute), ReceivedAt: t0}).Error)
		}
		r = h.do(rPatient, "GET", "/v1/me/dispenser", nil)
		h.expect(r, 200)
		disp, _ := r.json["dispenser"].(map[string]any)
		evs := r.json["events"].([]any)
		if disp["serial"] != "DL-ME-1" || disp["online"] != true || len(evs) != 2 || evs[0].(map[string]any)["kind"] != "dose_taken" {
			t.Fatalf("dispenser = %s", r.Body.String())
		}
		h.clk.Set(t0.Add(11 * time.Minute)) // silent for 15 min > 2 × 5 min
		if r = h.do(rPatient, "GET", "/v1/me/dispenser", nil); r.json["dispenser"].(map[string]any)["online"] != false {
			t.Fatalf("silent dispenser still online: %s", r.Body.String())
		}
		if r = h.do(rOther, "GET", "/v1/me/dispenser", nil); r.Code != 200 || r.json["dispenser"] != nil {
			t.Fatalf("another patient sees: %d %s", r.Code, r.Body.String())
		}
		h.expect(h.do(rLinked, "GET", "/v1/me/dispenser", nil), 403)
	})
}
