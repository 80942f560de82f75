package auth_test

import (
	"context"
	"testing"
	"time"

	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/retention"
	"github.com/doseloop/doseloop/store/storetest"
	"gorm.io/gorm"
)

// TestRetentionKeepsChainVerifiable: the retention job removing a chain's
// oldest rows by policy is not tampering (verify passes from its anchor),
// while deleting one of the kept rows still is.
func TestRetentionKeepsChainVerifiable(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		_, _, w := setup(t, db)
		ctx := context.Background()
		for i := 0; i < 6; i++ {
			at := t0.AddDate(-7, 0, 0) // three rows older than the six-year policy
			if i >= 3 {
				at = t0.Add(time.Duration(i) * time.Minute)
			}
			auth.Record(ctx, db, store.AuditEntry{At: at, ActorID: &w.Admin.ID, ClinicID: &w.Clinic.ID,
				Action: "patient.read", PatientID: &w.Patient.ID, Outcome: "ok"})
		}
		res, err := retention.Run(ctx, db, retention.Policy{Audit: 2192 * 24 * time.Hour}, t0.Add(time.Hour))
		if err != nil || res.Audit != 3 {
			t.Fatalf("retention: %+v %v", res, err)
		}
		if rep, err := auth.VerifyChains(ctx, db); err != nil || !rep.OK() || rep.Rows != 3 {
			t.Fatalf("pruned chain does not verify: %+v %v", rep, err)
		}
		var kept []int64
		db.Model(&store.AuditEntry{}).Order("id").Pluck("id", &kept)
		db.Exec("DELETE FROM audit_log WHERE id = ?", kept[0])
		if rep, _ := auth.VerifyChains(ctx, db); rep.BadRowID != kept[1] {
			t.Fatalf("deleting the first kept row (%d) went unnoticed: %+v", kept[0], rep)
		}
	})
}
