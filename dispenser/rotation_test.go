package dispenser_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/store"
)

func (b *bundle) audited(action, outcome string) int64 {
	var n int64
	b.db.Model(&store.AuditEntry{}).Where("action = ? AND object_id = ? AND outcome = ? AND clinic_id = ?",
		action, strconv.FormatInt(b.disp.ID, 10), outcome, b.w.Clinic.ID).Count(&n)
	return n
}

func (b *bundle) schedOK(key string) int {
	b.clk.Advance(time.Second)
	return b.signed("GET", "/v1/dispenser/schedule", nil, b.disp.Serial, keyFor(key)).Code
}

func TestKeyRotationWithOverlap(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, b *bundle) {
		b.key = keyFor("dev-1")
		next := "/v1/dispensers/" + b.disp.Serial + "/next-key"
		other := b.addDispenser("SN-OTHER-"+strconv.FormatInt(b.disp.ID, 10), keyFor("other"), nil)
		for name, c := range map[string]struct {
			key  string
			code int
		}{
			"identity":        {base64.StdEncoding.EncodeToString(append([]byte{1}, make([]byte, 31)...)), 400},
			"current key":     {pubOf(keyFor("dev-1")), 409},
			"another's key":   {other.PublicKey, 409},
			"not base64 text": {"not a key", 400},
		} {
			if rec := b.adminDo("PUT", next, map[string]string{"public_key": c.key}, b.admin); rec.Code != c.code {
				t.Errorf("next key %s: %d %s, want %d", name, rec.Code, rec.Body, c.code)
			}
		}
		rec := b.adminDo("PUT", next, map[string]string{"public_key": pubOf(keyFor("dev-2"))}, b.admin)
		var v struct {
			PublicKey     string `json:"public_key"`
			NextPublicKey string `json:"next_public_key"`
		}
		json.Unmarshal(rec.Body.Bytes(), &v)
		if rec.Code != 200 || v.NextPublicKey != pubOf(keyFor("dev-2")) || v.PublicKey != pubOf(keyFor("dev-1")) {
			t.Fatalf("stage next key: %d %s", rec.Code, rec.Body)
		}
		// Overlap: both keys verify until the next key is used.
		if b.schedOK("dev-1") != 200 || b.schedOK("dev-1") != 200 {
			t.Fatal("current key refused during the overlap")
		}
		if code := b.schedOK("dev-2"); code != 200 {
			t.Fatalf("next key refused: %d", code)
		}
		if code := b.schedOK("dev-1"); code != 401 {
			t.Fatalf("old key after the device rotated: %d", code)
		}
		var d store.Dispenser
		b.db.Take(&d, b.disp.ID)
		if d.PublicKey != pubOf(keyFor("dev-2")) || d.NextPublicKey != "" {
			t.Fatalf("keys after device rotation: %q %q", d.PublicKey, d.NextPublicKey)
		}
		// An admin completes a rotation the device has not used yet.
		b.adminDo("PUT", next, map[string]string{"public_key": pubOf(keyFor("dev-3"))}, b.admin)
		if rec := b.adminDo("POST", "/v1/dispensers/"+b.disp.Serial+"/rotate", nil, b.admin); rec.Code != 200 {
			t.Fatalf("admin rotate: %d %s", rec.Code, rec.Body)
		}
		if b.schedOK("dev-2") != 401 || b.schedOK("dev-3") != 200 {
			t.Fatal("admin rotation did not retire the old key")
		}
		if rec := b.adminDo("POST", "/v1/dispensers/"+b.disp.Serial+"/rotate", nil, b.admin); rec.Code != 409 {
			t.Fatalf("rotate with no next key: %d", rec.Code)
		}
		b.adminDo("PUT", next, map[string]string{"public_key": pubOf(keyFor("dev-4"))}, b.admin)
		if rec := b.adminDo("DELETE", next, nil, b.admin); rec.Code != 200 || b.schedOK("dev-4") != 401 {
			t.Fatalf("cancelled next key: %d, still verifies", rec.Code)
		}
		for action, n := range map[string]int64{"dispenser.key_next": 3, "dispenser.key_rotate.device": 1,
			"dispenser.key_rotate": 1, "dispenser.key_next_cancel": 1} {
			if got := b.audited(action, "ok"); got != n {
				t.Errorf("audit %s: %d rows, want %d", action, got, n)
			}
		}
		if got := b.audited("dispenser.key_next", "refused"); got != 4 {
			t.Errorf("refused next keys audited %d times, want 4", got)
		}
		// The device's own rotation row is chained like every other row.
		if rep, err := auth.VerifyChains(context.Background(), b.db); err != nil || !rep.OK() {
			t.Errorf("audit chain after rotation: %+v %v", rep, err)
		}
	})
}

func TestReprovisionAfterRevocationKeepsHistory(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, b *bundle) {
		b.post(take(uid(1), t0.Add(-time.Minute)))
		provision := func(key string) int {
			return b.adminDo("POST", "/v1/dispensers", map[string]any{"serial": b.disp.Serial, "public_key": pubOf(keyFor(key)),
				"model": "Hub 3", "patient_id": b.w.Patient.ID}, b.admin).Code
		}
		if code := provision("dev-new"); code != 409 {
			t.Fatalf("provisioning a live serial again: %d", code)
		}
		b.adminDo("POST", "/v1/dispensers/"+b.disp.Serial+"/revoke", nil, b.admin)
		if code := provision("dev-1"); code != 409 {
			t.Fatalf("re-provisioning with the revoked key: %d", code)
		}
		if code := provision("dev-new"); code != 201 {
			t.Fatalf("re-provisioning with a new key: %d", code)
		}
		b.clk.Advance(time.Minute)
		b.key = keyFor("dev-new")
		b.post(take(uid(2), b.clk.Now().Add(-time.Minute)))
		if code := b.schedOK("dev-1"); code != 401 {
			t.Fatalf("the revoked key after re-provisioning: %d", code)
		}
		var d store.Dispenser
		b.db.Take(&d, b.disp.ID)
		if n := b.countEvents(); n != 2 || d.RevokedAt != nil || d.Model != "Hub 3" {
			t.Fatalf("history %d events (want both), dispenser %+v", n, d)
		}
		if b.audited("dispenser.reprovision", "ok") != 1 || b.audited("dispenser.revoke", "ok") != 1 {
			t.Fatal("re-provisioning or revocation not audited")
		}
	})
}

func TestWeakKeysRefusedAtProvisioning(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, b *bundle) {
		for i, raw := range [][]byte{append([]byte{1}, make([]byte, 31)...), make([]byte, 32),
			[]byte("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"),
			append([]byte{2}, make([]byte, 31)...)} {
			rec := b.adminDo("POST", "/v1/dispensers", map[string]any{"serial": "SN-WEAK-" + strconv.Itoa(i),
				"public_key": base64.StdEncoding.EncodeToString(raw)}, b.admin)
			if rec.Code != 400 {
				t.Errorf("weak key %x: %d %s", raw, rec.Code, rec.Body)
			}
		}
		var n int64
		b.db.Model(&store.Dispenser{}).Where("serial LIKE ?", "SN-WEAK-%").Count(&n)
		if n != 0 {
			t.Fatalf("%d weak-keyed dispensers stored", n)
		}
	})
}
