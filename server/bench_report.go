package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"time"

	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/clock"
	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/report"
	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/web"
	"github.com/gin-gonic/gin"
	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"
)

// benchReport runs "bench report": it seeds DOSELOOP_DATABASE_URL with a
// clinic of -patients patients on one physician's care team, 3 regimens each
// and -days days of doses, then times the dashboard's patient list and one
// patient's page through the real handlers (server time, median of -runs),
// and checks the list's query count does not grow with the patients. Its
// last line is "report: list_p50_ms=X patient_p50_ms=Y ... ratio=R ref_rollup_ms=Z rollup_ratio=Q".
func benchReport(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	patients := fs.Int("patients", 1000, "patients on the care team (3 regimens each)")
	days := fs.Int("days", 90, "days of dose history")
	runs := fs.Int("runs", 9, "timed requests per page (the median is printed)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cfg, ok := loadConfigOrExit(getenv, stderr)
	if !ok {
		return 2
	}
	if err := runReportBench(context.Background(), cfg.DatabaseURL, *patients, *days, *runs, stdout); err != nil {
		fmt.Fprintln(stderr, "bench report:", err)
		return 1
	}
	return 0
}

func runReportBench(ctx context.Context, url string, patients, days, runs int, out io.Writer) error {
	db, err := store.OpenMigrated(ctx, url)
	if err != nil {
		return err
	}
	defer store.Close(db)
	now := time.Now().UTC().Truncate(time.Minute)
	t0 := time.Now()
	seed, err := seedReportBench(ctx, db, patients, days, now)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	fmt.Fprintf(out, "seeded %d patients x 3 regimens x %d days (%d doses) in %.1fs\n", patients, days, seed.doses, time.Since(t0).Seconds())
	counted, counter := report.CountQueries(db)
	b, err := newReportBench(ctx, counted, now, seed)
	if err != nil {
		return err
	}
	small, err := b.queries(b.smallToken, "/web/patients?period=30d", counter)
	if err != nil {
		return err
	}
	large, err := b.queries(b.token, "/web/patients?period=30d", counter)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "list page queries: %d with %d patients, %d with %d patients\n", small, smallTeam, large, patients)
	if large != small {
		return fmt.Errorf("the list ran %d queries for %d patients but %d for %d: N+1", large, patients, small, smallTeam)
	}
	list, err := b.median(runs, b.token, "/web/patients?period=30d")
	if err != nil {
		return err
	}
	patient, err := b.median(runs, b.token, fmt.Sprintf("/web/patients/%d?period=90d", seed.patientID))
	if err != nil {
		return err
	}
	ref, err := refListMS(ctx, db, seed.physician, now, 30, runs)
	if err != nil {
		return fmt.Errorf("reference aggregate: %w", err)
	}
	l := reportMS(list)
	fmt.Fprintf(out, "report: list_p50_ms=%.1f patient_p50_ms=%.1f patients=%d list_queries=%d ref_sql_ms=%.1f ratio=%.2f ref_rollup_ms=%.1f rollup_ratio=%.2f\n",
		l, reportMS(patient), patients, large, ref.doses, ref.doses/l, ref.rollup, ref.rollup/l)
	return nil
}

func reportMS(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// reportBench drives the real dashboard handlers in-process.
type reportBench struct {
	router            *gin.Engine
	token, smallToken string
}

func newReportBench(ctx context.Context, db *gorm.DB, now time.Time, s *reportSeed) (*reportBench, error) {
	gin.SetMode(gin.ReleaseMode)
	clk := clock.NewFake(now)
	authn := auth.NewService(db, clk, []byte("bench-report-secret-0123456789abcdef"))
	r := gin.New()
	r.Use(httpx.Recover(), httpx.Errors())
	web.New(db, clk, authn, false).Register(r)
	b := &reportBench{router: r}
	for _, l := range []struct {
		email string
		dst   *string
	}{{s.physician, &b.token}, {s.smallPhysician, &b.smallToken}} {
		tok, err := authn.Login(ctx, l.email, benchPassword, "bench")
		if err != nil {
			return nil, err
		}
		*l.dst = tok.AccessToken
	}
	return b, nil
}

func (b *reportBench) get(token, path string) (time.Duration, error) {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.AddCookie(&http.Cookie{Name: auth.CookieName, Value: token})
	rec := httptest.NewRecorder()
	t := time.Now()
	b.router.ServeHTTP(rec, req)
	d := time.Since(t)
	if rec.Code != http.StatusOK {
		return d, fmt.Errorf("GET %s: status %d", path, rec.Code)
	}
	return d, nil
}

func (b *reportBench) queries(token, path string, c *report.QueryCounter) (int64, error) {
	c.Reset()
	_, err := b.get(token, path)
	return c.Count(), err
}

// median times runs requests after one warm-up request.
func (b *reportBench) median(runs int, token, path string) (time.Duration, error) {
	if _, err := b.get(token, path); err != nil {
		return 0, err
	}
	var ds []time.Duration
	for range max(runs, 1) {
		d, err := b.get(token, path)
		if err != nil {
			return 0, err
		}
		ds = append(ds, d)
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[len(ds)/2], nil
}

const (
	benchPassword = "bench-report-password"
	smallTeam     = 10 // patients of the second physician, for the N+1 check
)

type reportSeed struct {
	physician, smallPhysician string
	patientID                 int64
	doses                     int
}

// seedReportBench inserts a new clinic (a fresh name each run, so reruns do
// not collide) and bulk-inserts its dose history with multi-row INSERTs.
func seedReportBench(ctx context.Context, db *gorm.DB, patients, days int, now time.Time) (*reportSeed, error) {
	hash, err := auth.HashPassword(benchPassword, bcrypt.MinCost)
	if err != nil {
		return nil, err
	}
	tag := fmt.Sprintf("%d", now.UnixNano())
	s := &reportSeed{physician: "bench-doc-" + tag + "@bench.local", smallPhysician: "bench-doc2-" + tag + "@bench.local"}
	clinic := store.Clinic{Name: "Bench report " + tag, TimeZone: "America/New_York", CreatedAt: now}
	if err := db.Create(&clinic).Error; err != nil {
		return nil, err
	}
	var docs []store.User
	for _, e := range []string{s.physician, s.smallPhysician} {
		docs = append(docs, store.User{ClinicID: clinic.ID, Email: e, Name: "Dr. Bench", Role: store.RolePhysician,
			PasswordHash: hash, Locale: "en", CreatedAt: now, UpdatedAt: now})
	}
	if err := db.Create(&docs).Error; err != nil {
		return nil, err
	}
	meds := []store.Medication{{ClinicID: clinic.ID, Name: "Metformin", Strength: "500 mg", CreatedAt: now},
		{ClinicID: clinic.ID, Name: "Lisinopril", Strength: "10 mg", CreatedAt: now},
		{ClinicID: clinic.ID, Name: "Dolutegravir", Strength: "50 mg", Antiretroviral: true, CreatedAt: now}}
	if err := db.Create(&meds).Error; err != nil {
		return nil, err
	}
	pts := make([]store.Patient, patients+smallTeam)
	for i := range pts {
		pts[i] = store.Patient{ClinicID: clinic.ID, Name: fmt.Sprintf("Bench Patient %05d", i), TimeZone: "America/New_York",
			HomeTimeZone: "America/New_York", TravelPolicy: "home", CreatedAt: now, UpdatedAt: now}
	}
	if err := db.CreateInBatches(&pts, 500).Error; err != nil {
		return nil, err
	}
	team := make([]store.CareTeamMember, len(pts))
	var regs []store.Regimen
	timings := []string{`{"timeOfDay":["08:00","20:00"]}`, `{"timeOfDay":["08:00"]}`, `{"timeOfDay":["21:00"]}`}
	for i, p := range pts {
		doc := docs[0].ID
		if i >= patients {
			doc = docs[1].ID
		}
		team[i] = store.CareTeamMember{PatientID: p.ID, PhysicianID: doc, CreatedAt: now}
		for k, m := range meds {
			regs = append(regs, store.Regimen{PatientID: p.ID, MedicationID: m.ID, DoseQuantity: 1, DoseUnit: "tablet",
				Timing: timings[k], OnTimeWindowMin: 60, GraceMin: 60, StartsAt: now.AddDate(0, 0, -days-1), CreatedAt: now, UpdatedAt: now})
		}
	}
	if err := db.CreateInBatches(&team, 1000).Error; err != nil {
		return nil, err
	}
	if err := db.CreateInBatches(&regs, 1000).Error; err != nil {
		return nil, err
	}
	s.patientID = pts[0].ID
	if s.doses, err = insertBenchDoses(ctx, db, regs, days, now); err != nil {
		return nil, err
	}
	if store.IsPostgres(db) {
		// Autovacuum would analyze the new rows soon; do it now so the
		// planner sees 360k doses rather than an empty table.
		err = db.WithContext(ctx).Exec("ANALYZE").Error
	}
	return s, err
}

// insertBenchDoses writes each regimen's doses for days days before now:
// each patient has an adherence level of their own, with late and missed doses.
func insertBenchDoses(ctx context.Context, db *gorm.DB, regs []store.Regimen, days int, now time.Time) (int, error) {
	zone, _ := time.LoadLocation("America/New_York")
	const cols = 10
	const batch = 5000 // 50,000 parameters: under Postgres's 65,535
	var sb strings.Builder
	args := make([]any, 0, batch*cols)
	n, total := 0, 0
	flush := func() error {
		if n == 0 {
			return nil
		}
		q := "INSERT INTO dose_instances (patient_id, regimen_id, scheduled_at, local_date, local_time, state, on_time, taken_at, created_at, updated_at) VALUES " + sb.String()
		err := db.WithContext(ctx).Exec(strings.TrimSuffix(q, ","), args...).Error
		sb.Reset()
		args, n = args[:0], 0
		return err
	}
	rnd := uint64(42)
	next := func() int { rnd = rnd*6364136223846793005 + 1442695040888963407; return int(rnd >> 33 % 100) }
	today := now.In(zone)
	for _, r := range regs {
		level := 60 + int(r.PatientID%40) // percent of doses taken, per patient
		times := []string{"08:00", "20:00"}
		if strings.Contains(r.Timing, `["08:00"]`) {
			times = []string{"08:00"}
		} else if strings.Contains(r.Timing, "21:00") {
			times = []string{"21:00"}
		}
		for d := days; d >= 1; d-- {
			date := today.AddDate(0, 0, -d)
			for _, tod := range times {
				var h, m int
				fmt.Sscanf(tod, "%d:%d", &h, &m)
				at := time.Date(date.Year(), date.Month(), date.Day(), h, m, 0, 0, zone).UTC()
				state, onTime, takenAt := store.DoseMissed, any(nil), any(nil)
				if roll := next(); roll < level {
					late := roll%7 == 0
					state, onTime, takenAt = store.DoseTaken, !late, at.Add(time.Duration(5+150*reportB2I(late))*time.Minute)
				}
				sb.WriteString("(?,?,?,?,?,?,?,?,?,?),")
				args = append(args, r.PatientID, r.ID, at, date.Format(time.DateOnly), tod, state, onTime, takenAt, now, now)
				n++
				total++
				if n == batch {
					if err := flush(); err != nil {
						return total, err
					}
				}
			}
		}
	}
	return total, flush()
}

func reportB2I(b bool) int {
	if b {
		return 1
	}
	return 0
}
