package zzprof

import (
	"context"
	"testing"
	"time"

	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/report"
	"github.com/doseloop/doseloop/store"
)

func TestProf(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, "postgres://postgres@127.0.0.1:5432/bench_l10?sslmode=disable")
	if err != nil {
		t.Fatal(err)
	}
	pr := auth.Principal{UserID: 1, ClinicID: 1, Role: store.RolePhysician}
	now := time.Now().UTC()
	for i := 0; i < 5; i++ {
		t0 := time.Now()
		rows, err := report.List(ctx, db, pr, 30, now, report.ListOptions{Sort: "worst"})
		t.Log(len(rows), err, time.Since(t0))
	}
}
