// Package seed loads the demo clinic: an admin, two physicians, a dozen
// patients across time zones with realistic regimens, linked caregivers and
// dispensers. It is idempotent: seeding twice changes nothing.
package seed

import (
	"context"
	"errors"
	"time"

	"github.com/doseloop/doseloop/store"
	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"
)

// DemoClinicName identifies the demo clinic; its presence means "already seeded".
const DemoClinicName = "Riverside Demo Clinic"

// DemoPassword is the password of every demo login. Demo data only.
const DemoPassword = "doseloop-demo-2026"

// Login is one printed demo account.
type Login struct {
	Role  string
	Name  string
	Email string
}

// Demo is what Seed created (or found).
type Demo struct {
	ClinicID   int64
	Logins     []Login
	Dispensers []string // serials; keys come from DispenserKey
}

// Seed creates the demo clinic unless it exists, with regimens starting
// daysOfHistory days before now.
func Seed(ctx context.Context, db *gorm.DB, now time.Time) (*Demo, error) {
	var clinic store.Clinic
	err := db.WithContext(ctx).Where("name = ?", DemoClinicName).Take(&clinic).Error
	if err == nil {
		return describe(ctx, db, clinic)
	}
	if !errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(DemoPassword), bcrypt.DefaultCost)
	if err != nil {
		return nil, err
	}
	b := &builder{now: now.UTC(), hash: string(hash)}
	err = db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		b.tx = tx
		return b.build()
	})
	if err != nil {
		return nil, err
	}
	return describe(ctx, db, b.clinic)
}

func describe(ctx context.Context, db *gorm.DB, clinic store.Clinic) (*Demo, error) {
	d := &Demo{ClinicID: clinic.ID}
	var users []store.User
	if err := db.WithContext(ctx).Where("clinic_id = ?", clinic.ID).Order("id").Find(&users).Error; err != nil {
		return nil, err
	}
	for _, u := range users {
		d.Logins = append(d.Logins, Login{Role: u.Role, Name: u.Name, Email: u.Email})
	}
	err := db.WithContext(ctx).Model(&store.Dispenser{}).Where("clinic_id = ? AND revoked_at IS NULL", clinic.ID).
		Order("serial").Pluck("serial", &d.Dispensers).Error
	return d, err
}
