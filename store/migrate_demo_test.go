package store_test

import (
	"bufio"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"gorm.io/gorm"
)

// preRecordVersion is the newest migration before 00100 (record integrity).
const preRecordVersion = 40

// oldTables are the tables the demo fills at version 40, with a key to order by.
var oldTables = []string{"clinics", "users", "patients", "care_team_members", "care_links", "medications", "regimens",
	"dose_instances", "alerts", "dispensers"}

// doseColumns are dose_instances' columns before 00100: none may change.
const doseColumns = `id, patient_id, regimen_id, scheduled_at, local_date, local_time, state, on_time, taken_at, source,
	skip_reason, double_dose, during_outage, dispenser_reported, reminded_at, rereminded_at, snoozed_until, snooze_count,
	missed_at, created_at, updated_at, prereminded_at`

// TestMigrationKeepsTheDemo loads the demo as seeded by the code before
// migration 00100 (testdata/demo40) into the schema at version 40, migrates
// up, and checks that no row was lost or changed, that every regimen has
// version 1 from its own fields, every dose points at it, and every dose has
// one history row with its state.
func TestMigrationKeepsTheDemo(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		m, err := store.NewMigrator(db)
		if err != nil {
			t.Fatal(err)
		}
		if err := m.DownTo(ctx, preRecordVersion); err != nil {
			t.Fatalf("down to %d: %v", preRecordVersion, err)
		}
		loadDemo(t, db)
		before := snapshot(t, db)
		if err := m.Up(ctx); err != nil {
			t.Fatalf("migrate the demo up: %v", err)
		}
		after := snapshot(t, db)
		for k, v := range before {
			if after[k] != v {
				t.Errorf("%s changed by the migration:\nbefore %.300s\nafter  %.300s", k, v, after[k])
			}
		}
		checkBackfill(t, db)
	})
}

func loadDemo(t *testing.T, db *gorm.DB) {
	t.Helper()
	f, err := os.Open("testdata/demo40/demo_v40.sql.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	err = db.Transaction(func(tx *gorm.DB) error {
		for sc.Scan() {
			if err := tx.Exec(sc.Text()).Error; err != nil {
				return fmt.Errorf("%.120s: %w", sc.Text(), err)
			}
		}
		return sc.Err()
	})
	if err != nil {
		t.Fatalf("load the demo: %v", err)
	}
}

// snapshot renders each old table's count and the old dose columns as text.
func snapshot(t *testing.T, db *gorm.DB) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, tb := range oldTables {
		var n int64
		if err := db.Table(tb).Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		out[tb+" rows"] = fmt.Sprint(n)
	}
	var doses []map[string]any
	if err := db.Raw("SELECT " + doseColumns + " FROM dose_instances ORDER BY id").Scan(&doses).Error; err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	for _, d := range doses {
		for _, c := range strings.Split(doseColumns, ",") {
			fmt.Fprintf(&sb, "%v|", d[strings.TrimSpace(c)])
		}
		sb.WriteByte('\n')
	}
	out["dose_instances contents"] = sb.String()
	return out
}

func checkBackfill(t *testing.T, db *gorm.DB) {
	t.Helper()
	counts := map[string]string{
		"doses":                  "SELECT COUNT(*) FROM dose_instances",
		"regimens":               "SELECT COUNT(*) FROM regimens",
		"versions matching":      `SELECT COUNT(*) FROM regimens r JOIN regimen_versions v ON v.id = r.current_version_id AND v.version = 1 AND v.medication_id = r.medication_id AND v.dose_quantity = r.dose_quantity AND v.timing = r.timing`,
		"doses on their version": `SELECT COUNT(*) FROM dose_instances d JOIN regimens r ON r.id = d.regimen_id WHERE d.version_id = r.current_version_id AND d.nominal_date = d.local_date`,
		"history rows matching":  `SELECT COUNT(*) FROM dose_history h JOIN dose_instances d ON d.id = h.dose_id AND h.to_state = d.state`,
	}
	got := map[string]int64{}
	for k, q := range counts {
		var n int64
		if err := db.Raw(q).Scan(&n).Error; err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		got[k] = n
	}
	if got["doses"] < 500 || got["doses on their version"] != got["doses"] || got["history rows matching"] != got["doses"] ||
		got["versions matching"] != got["regimens"] {
		t.Fatalf("backfill: %v", got)
	}
}
