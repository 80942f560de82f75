package seed_test

import (
	"context"
	"testing"
	"time"

	"github.com/doseloop/doseloop/seed"
	"gorm.io/gorm"
)

// seedDemo loads the demo clinic and its history into db at a fixed instant.
func seedDemo(t *testing.T, db *gorm.DB) (context.Context, time.Time) {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 3, 31, 15, 0, 0, 0, time.UTC)
	if _, err := seed.Seed(ctx, db, now); err != nil {
		t.Fatal(err)
	}
	if err := seed.History(ctx, db, now); err != nil {
		t.Fatal(err)
	}
	return ctx, now
}
