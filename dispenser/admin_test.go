package dispenser_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/clock"
	"github.com/doseloop/doseloop/dispenser"
	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
)

func TestAdminProvisioning(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, b *bundle) {
		key := keyFor("new")
		serial := "NEW-" + b.disp.Serial
		req := map[string]any{"serial": serial, "public_key": pubOf(key), "model": "Hub 2", "patient_id": b.w.Patient.ID}
		if rec := b.adminDo("POST", "/v1/dispensers", req, b.admin); rec.Code != http.StatusCreated {
			t.Fatalf("provision: %d %s", rec.Code, rec.Body)
		}
		if rec := b.adminDo("POST", "/v1/dispensers", req, b.admin); rec.Code != http.StatusConflict {
			t.Fatalf("provision twice: %d %s", rec.Code, rec.Body)
		}
		bad := map[string]any{"serial": "x", "public_key": "AAAA"}
		if rec := b.adminDo("POST", "/v1/dispensers", bad, b.admin); rec.Code != http.StatusBadRequest {
			t.Fatalf("bad provision: %d", rec.Code)
		}
		// The new device can talk at once.
		if rec := b.signed("POST", "/v1/dispenser/heartbeat", []byte(`{}`), serial, key); rec.Code != 200 {
			t.Fatalf("new device heartbeat: %d %s", rec.Code, rec.Body)
		}
		rec := b.adminDo("GET", "/v1/dispensers?limit=1", nil, b.admin)
		var list struct {
			Items      []dispenser.View
			NextCursor string `json:"next_cursor"`
		}
		json.Unmarshal(rec.Body.Bytes(), &list)
		if rec.Code != 200 || len(list.Items) != 1 || list.NextCursor == "" {
			t.Fatalf("list: %d %s", rec.Code, rec.Body)
		}
		rec = b.adminDo("PUT", "/v1/dispensers/"+serial+"/compartments",
			map[string]any{"compartments": []map[string]any{{"compartment": 3, "regimen_id": b.w.Regimen.ID}}}, b.admin)
		if rec.Code != 200 {
			t.Fatalf("compartments: %d %s", rec.Code, rec.Body)
		}
		var v dispenser.View
		rec = b.adminDo("GET", "/v1/dispensers/"+serial, nil, b.admin)
		json.Unmarshal(rec.Body.Bytes(), &v)
		if len(v.Compartments) != 1 || v.Compartments[0].Compartment != 3 {
			t.Fatalf("detail: %s", rec.Body)
		}
		rec = b.adminDo("PUT", "/v1/dispensers/"+serial+"/compartments",
			map[string]any{"compartments": []map[string]any{{"compartment": 2, "regimen_id": 999999}}}, b.admin)
		var reg store.Regimen
		b.db.Take(&reg, b.w.Regimen.ID)
		if rec.Code != 400 || reg.Compartment == nil || *reg.Compartment != 3 {
			t.Fatalf("foreign regimen mapping: %d, compartment %v", rec.Code, reg.Compartment)
		}
		var audits int64
		b.db.Model(&store.AuditEntry{}).Where("action LIKE 'dispenser.%' AND clinic_id = ?", b.w.Clinic.ID).Count(&audits)
		if audits < 4 {
			t.Fatalf("%d audit rows", audits)
		}
	})
}

func TestAdminScopeAndRoles(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, b *bundle) {
		other := storetest.NewWorld(t, b.db, "other-"+b.disp.Serial, t0)
		a := auth.NewService(b.db, clock.NewFake(t0), []byte("kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"))
		tok, err := a.Login(context.Background(), other.Admin.Email, "correct horse battery staple", "t")
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"/v1/dispensers/" + b.disp.Serial} {
			if rec := b.adminDo("GET", path, nil, tok.AccessToken); rec.Code != http.StatusNotFound {
				t.Fatalf("other clinic sees %s: %d", path, rec.Code)
			}
		}
		if rec := b.adminDo("POST", "/v1/dispensers/"+b.disp.Serial+"/revoke", nil, tok.AccessToken); rec.Code != http.StatusNotFound {
			t.Fatalf("other clinic revokes: %d", rec.Code)
		}
		// Assigning to another clinic's patient is 404, and changes nothing.
		if rec := b.adminDo("PUT", "/v1/dispensers/"+b.disp.Serial+"/patient", map[string]any{"patient_id": other.Patient.ID}, b.admin); rec.Code != http.StatusNotFound {
			t.Fatalf("assign foreign patient: %d", rec.Code)
		}
		phys, _ := a.Login(context.Background(), b.w.Physician.Email, "correct horse battery staple", "t")
		if rec := b.adminDo("GET", "/v1/dispensers", nil, phys.AccessToken); rec.Code != http.StatusForbidden {
			t.Fatalf("physician lists dispensers: %d", rec.Code)
		}
		var d store.Dispenser
		b.db.Take(&d, b.disp.ID)
		if d.RevokedAt != nil || d.PatientID == nil || *d.PatientID != b.w.Patient.ID {
			t.Fatalf("dispenser changed: %+v", d)
		}
	})
}
