package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/doseloop/doseloop/clock"
	"github.com/doseloop/doseloop/notify"
	"github.com/doseloop/doseloop/notify/fcm"
	"github.com/doseloop/doseloop/notify/fcmfake"
	"github.com/doseloop/doseloop/store"
	"golang.org/x/oauth2"
	"google.golang.org/api/option"
	"gorm.io/gorm"
)

// benchNotify runs "bench notify": it enqueues -rows outbox rows at -rate
// per second for -users recipients (one device each) in a clinic of its
// own, drains them with the real dispatcher through the real Firebase
// Admin SDK to a local fcmfake server that answers after -latency, and
// counts lost and duplicate messages from the fake's log against the
// database. It removes its clinic afterwards. Last line:
// notify: sent_per_s=N p99_enqueue_to_sent_ms=X lost=L duplicates=D
func benchNotify(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench notify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rows := fs.Int("rows", 50000, "outbox rows to deliver")
	rate := fs.Int("rate", 2000, "rows enqueued per second (0 = all before dispatch starts)")
	users := fs.Int("users", 1000, "recipients, one push token each")
	latency := fs.Duration("latency", 20*time.Millisecond, "fake FCM latency per request")
	loops := fs.Int("loops", 4, "dispatcher loops")
	senders := fs.Int("senders", 32, "concurrent sends per loop")
	if fs.Parse(args) != nil {
		return 2
	}
	cfg, ok := loadConfigOrExit(getenv, stderr)
	if !ok {
		return 2
	}
	ctx := context.Background()
	db, err := store.OpenMigrated(ctx, cfg.DatabaseURL)
	if err != nil {
		fmt.Fprintln(stderr, "bench notify:", err)
		return 1
	}
	if sqlDB, err := db.DB(); err == nil && store.IsPostgres(db) {
		sqlDB.SetMaxOpenConns(40)
		sqlDB.SetMaxIdleConns(40)
	}
	fx, err := newNotifyFixture(db, *users)
	if err != nil {
		fmt.Fprintln(stderr, "bench notify: fixture:", err)
		return 1
	}
	defer fx.cleanup(db)
	fake := fcmfake.New("doseloop-bench")
	fake.Latency = *latency
	url := fake.Start()
	defer fake.Close()
	push, err := fcm.New(ctx, fcm.Config{ProjectID: fake.Project, Options: []option.ClientOption{option.WithEndpoint(url + "/v1"),
		option.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "bench"}))}})
	if err != nil {
		fmt.Fprintln(stderr, "bench notify:", err)
		return 1
	}
	d := &notify.Dispatcher{DB: db, Clock: clock.Real{}, Push: push, Senders: *senders, Batch: 100,
		Logger: slog.New(slog.DiscardHandler)}
	fmt.Fprintf(stdout, "bench notify: %d rows, %d recipients, FCM latency %s, %d loops x %d senders, %s\n",
		*rows, *users, *latency, *loops, *senders, db.Dialector.Name())
	start := time.Now()
	if *rate == 0 {
		if err := fx.enqueue(db, 0, *rows); err != nil {
			fmt.Fprintln(stderr, "bench notify: enqueue:", err)
			return 1
		}
		start = time.Now()
	}
	runCtx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for range *loops {
		wg.Go(func() { d.Run(runCtx, 10*time.Millisecond) })
	}
	if *rate > 0 {
		go fx.produce(db, *rows, *rate, stderr)
	}
	done := fx.waitDone(db, *rows, 10*time.Minute)
	stop()
	wg.Wait()
	if !done {
		fmt.Fprintln(stderr, "bench notify: timed out before every row was final")
	}
	return fx.report(db, fake, *rows, start, stdout, stderr)
}

// notifyFixture is the bench's own clinic, recipients and tokens.
type notifyFixture struct {
	run     string
	clinic  int64
	userIDs []int64
}

func newNotifyFixture(db *gorm.DB, users int) (*notifyFixture, error) {
	b := make([]byte, 4)
	rand.Read(b)
	fx := &notifyFixture{run: hex.EncodeToString(b)}
	now := clock.Real{}.Now()
	c := store.Clinic{Name: "bench-notify-" + fx.run, TimeZone: "UTC", CreatedAt: now}
	if err := db.Create(&c).Error; err != nil {
		return nil, err
	}
	fx.clinic = c.ID
	us := make([]store.User, users)
	for i := range us {
		us[i] = store.User{ClinicID: c.ID, Email: fmt.Sprintf("bench-%s-%d@bench.invalid", fx.run, i), Name: "Bench " + strconv.Itoa(i),
			Role: store.RolePatient, PasswordHash: "!", Locale: "en", LockScreenPrivate: true, CreatedAt: now, UpdatedAt: now}
	}
	if err := db.CreateInBatches(&us, 500).Error; err != nil {
		return fx, err
	}
	toks := make([]store.PushToken, users)
	for i, u := range us {
		fx.userIDs = append(fx.userIDs, u.ID)
		toks[i] = store.PushToken{UserID: u.ID, Token: fmt.Sprintf("bench-%s-%d", fx.run, i), Platform: "android", LastSeenAt: now, CreatedAt: now}
	}
	return fx, db.CreateInBatches(&toks, 500).Error
}

// enqueue writes rows [from, to) with created_at = now.
func (fx *notifyFixture) enqueue(db *gorm.DB, from, to int) error {
	now := clock.Real{}.Now()
	ns := make([]store.Notification, 0, to-from)
	for i := from; i < to; i++ {
		p, _ := json.Marshal(store.OutboxPayload{Template: "dose_reminder", Medication: "Benchmarin", DoseID: int64(i + 1), LocalTime: "08:00"})
		ns = append(ns, store.Notification{DedupeKey: fmt.Sprintf("bench:%s:%d", fx.run, i), RecipientID: fx.userIDs[i%len(fx.userIDs)],
			Channel: notify.ChannelPush, Kind: "reminder", Payload: string(p), State: store.NotifyPending, NotBefore: now, CreatedAt: now})
	}
	return db.CreateInBatches(&ns, 500).Error
}

// produce enqueues rows in 20 ms slices at rate rows per second.
func (fx *notifyFixture) produce(db *gorm.DB, rows, rate int, stderr io.Writer) {
	start := time.Now()
	for done := 0; done < rows; {
		due := min(rows, int(time.Since(start).Seconds()*float64(rate))+1)
		if due > done {
			if err := fx.enqueue(db, done, due); err != nil {
				fmt.Fprintln(stderr, "bench notify: enqueue:", err)
				return
			}
			done = due
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (fx *notifyFixture) ours(db *gorm.DB) *gorm.DB {
	return db.Model(&store.Notification{}).Where("recipient_id IN (SELECT id FROM users WHERE clinic_id = ?)", fx.clinic)
}

// waitDone polls until every row is sent or dead.
func (fx *notifyFixture) waitDone(db *gorm.DB, rows int, limit time.Duration) bool {
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		var n int64
		fx.ours(db).Where("state IN ?", []string{store.NotifySent, store.NotifyDead}).Count(&n)
		if n >= int64(rows) {
			return true
		}
	}
	return false
}

// report prints the figures; lost and duplicates compare the fake's log
// with the database.
func (fx *notifyFixture) report(db *gorm.DB, fake *fcmfake.Server, rows int, start time.Time, stdout, stderr io.Writer) int {
	var got []store.Notification
	if err := fx.ours(db).Select("id, state, created_at, sent_at").Find(&got).Error; err != nil {
		fmt.Fprintln(stderr, "bench notify:", err)
		return 1
	}
	copies := map[string]int{}
	for _, r := range fake.Accepted("") {
		copies[r.Data["notification_id"]]++
	}
	lost, dups, last := rows-len(got), 0, start
	var lat []time.Duration
	for _, n := range got {
		c := copies[strconv.FormatInt(n.ID, 10)]
		if n.State != store.NotifySent || c == 0 {
			lost++
			continue
		}
		dups += c - 1
		lat = append(lat, n.SentAt.Sub(n.CreatedAt))
		if n.SentAt.After(last) {
			last = *n.SentAt
		}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	var p99 time.Duration
	if len(lat) > 0 {
		p99 = lat[min(len(lat)-1, len(lat)*99/100)]
	}
	perS := float64(rows-lost) / last.Sub(start).Seconds()
	fmt.Fprintf(stdout, "notify: sent_per_s=%.0f p99_enqueue_to_sent_ms=%d lost=%d duplicates=%d\n", perS, p99.Milliseconds(), lost, dups)
	if lost > 0 || dups > 0 {
		return 1
	}
	return 0
}

// cleanup removes the bench clinic and everything it wrote.
func (fx *notifyFixture) cleanup(db *gorm.DB) {
	users := db.Model(&store.User{}).Select("id").Where("clinic_id = ?", fx.clinic)
	db.Where("recipient_id IN (?)", users).Delete(&store.Notification{})
	db.Where("user_id IN (?)", users).Delete(&store.PushToken{})
	db.Where("clinic_id = ?", fx.clinic).Delete(&store.User{})
	db.Delete(&store.Clinic{}, fx.clinic)
}
