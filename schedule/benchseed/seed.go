// Package benchseed loads the "bench schedule" data set into Postgres with
// set-based INSERT ... SELECT generate_series statements: patients with
// three regimens each (twice daily, once daily, every 8 hours), days of
// dose history, and a batch of overdue pending doses for the missed sweep.
package benchseed

import (
	"context"
	"fmt"
	"time"

	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// Options sizes the data set.
type Options struct {
	Patients    int // patients, each with three regimens
	HistoryDays int // days of taken/missed history before now
	Overdue     int // pending doses past their grace at now (a multiple of Patients)
}

// Result names what Seed created.
type Result struct {
	ClinicID int64
}

var zones = []string{"America/New_York", "Europe/London", "Asia/Kolkata", "Australia/Sydney", "Asia/Kathmandu"}

// Seed creates the data set relative to now (Postgres only).
func Seed(ctx context.Context, db *gorm.DB, o Options, now time.Time) (Result, error) {
	if !store.IsPostgres(db) {
		return Result{}, fmt.Errorf("bench schedule seeds with generate_series: set DOSELOOP_DATABASE_URL to a postgres:// URL")
	}
	db = db.WithContext(ctx)
	c := store.Clinic{Name: fmt.Sprintf("Bench clinic %s", now.Format(time.RFC3339)), TimeZone: "UTC", CreatedAt: now}
	if err := db.Create(&c).Error; err != nil {
		return Result{}, err
	}
	start := now.AddDate(0, 0, -o.HistoryDays).Truncate(time.Hour)
	steps := []struct {
		name string
		sql  string
		args []any
	}{
		{"medications", `INSERT INTO medications (clinic_id, name, created_at) SELECT ?, 'Bench drug ' || g, ? FROM generate_series(1, 3) g`,
			[]any{c.ID, now}},
		{"patients", `INSERT INTO patients (clinic_id, name, time_zone, home_time_zone, travel_policy, created_at, updated_at)
			SELECT ?, 'Bench patient ' || g, (?::text[])[1 + g % ?], (?::text[])[1 + g % ?], 'home', ?, ? FROM generate_series(1, ?) g`,
			[]any{c.ID, pgArray(zones), len(zones), pgArray(zones), len(zones), now, now, o.Patients}},
		{"regimens", `INSERT INTO regimens (patient_id, medication_id, timing, starts_at, created_at, updated_at)
			SELECT p.id, m.id, CASE m.rn WHEN 1 THEN '{"timeOfDay":["08:00","20:00"]}' WHEN 2 THEN '{"timeOfDay":["09:00"]}'
				ELSE '{"frequency":1,"period":8,"periodUnit":"h"}' END, ?, ?, ?
			FROM patients p CROSS JOIN (SELECT id, row_number() OVER (ORDER BY id) rn FROM medications WHERE clinic_id = ?) m
			WHERE p.clinic_id = ?`, []any{start, now, now, c.ID, c.ID}},
	}
	for _, s := range steps {
		if err := db.Exec(s.sql, s.args...).Error; err != nil {
			return Result{}, fmt.Errorf("seed %s: %w", s.name, err)
		}
	}
	if err := history(db, c.ID, start, now.Add(-3*time.Hour)); err != nil {
		return Result{}, err
	}
	if err := overdue(db, c.ID, o, now); err != nil {
		return Result{}, err
	}
	return Result{ClinicID: c.ID}, db.Exec("ANALYZE").Error
}

func pgArray(s []string) string {
	out := "{"
	for i, v := range s {
		if i > 0 {
			out += ","
		}
		out += `"` + v + `"`
	}
	return out + "}"
}
