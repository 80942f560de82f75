package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"

	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// Bootstrap creates the first clinic and its admin when the database has no
// users. With an empty password it generates one and returns it so the
// operator can be shown it once; that generated password must be changed
// at the first sign-in (nothing else works until it is).
func Bootstrap(ctx context.Context, db *gorm.DB, email, password string, cost int) (created bool, generated string, err error) {
	var n int64
	if err := db.WithContext(ctx).Model(&store.User{}).Count(&n).Error; err != nil || n > 0 {
		return false, "", err
	}
	if password == "" {
		b := make([]byte, 15)
		rand.Read(b)
		password = base64.RawURLEncoding.EncodeToString(b)
		generated = password
	}
	hash, err := HashPassword(password, cost)
	if err != nil {
		return false, "", err
	}
	now := db.NowFunc()
	err = db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		clinic := store.Clinic{Name: "DoseLoop Clinic", TimeZone: "UTC", CreatedAt: now}
		if err := tx.Create(&clinic).Error; err != nil {
			return err
		}
		return tx.Create(&store.User{ClinicID: clinic.ID, Email: email, Name: "Clinic Admin", Role: store.RoleAdmin,
			PasswordHash: hash, Locale: "en", LockScreenPrivate: true, MustChangePassword: generated != "", CreatedAt: now, UpdatedAt: now}).Error
	})
	return err == nil, generated, err
}
