package notify_test

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"testing"

	"github.com/doseloop/doseloop/notify"
	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"gorm.io/gorm"
)

func TestLogChannelWithoutCredentials(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db)
		b.d = &notify.Dispatcher{DB: db, Clock: b.clk, Logger: slog.New(slog.DiscardHandler)} // no Push: the embedded default
		n := b.enqueue(t, "k", b.w.PatientUsr.ID, "push", false, reminder(1))
		if st := b.tick(t); st.Sent != 1 {
			t.Fatalf("stats %+v", st)
		}
		r := b.row(t, n.ID)
		if r.State != store.NotifySent || r.ProviderID != "log:push:not-sent:"+strconv.FormatInt(n.ID, 10) {
			t.Fatalf("row = %s %q, want delivered-to-log", r.State, r.ProviderID)
		}
		if len(b.fake.Received()) != 0 {
			t.Fatal("the log channel reached FCM")
		}
	})
}

// An escalation naming push and webhook is one row per channel; each is
// delivered and reported on its own, and the alert's delivery status shows both.
func TestEscalationOnTwoChannelsAndDeliveryStatus(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db)
		w := b.w
		dose := store.DoseInstance{PatientID: w.Patient.ID, RegimenID: w.Regimen.ID, ScheduledAt: t0, LocalDate: "2026-06-10",
			LocalTime: "10:00", State: "missed", CreatedAt: t0, UpdatedAt: t0}
		if err := db.Create(&dose).Error; err != nil {
			t.Fatal(err)
		}
		alert := store.Alert{PatientID: w.Patient.ID, Kind: "missed_dose", DoseID: &dose.ID, Critical: true, OpenedAt: t0}
		if err := db.Create(&alert).Error; err != nil {
			t.Fatal(err)
		}
		b.token(t, w.Caregiver.ID, "tok-carer")
		n := store.Notification{DedupeKey: "alert:" + strconv.FormatInt(alert.ID, 10) + ":step:1:to:" + strconv.FormatInt(w.Caregiver.ID, 10),
			RecipientID: w.Caregiver.ID, Kind: "escalation", Critical: true, AlertID: &alert.ID, NotBefore: t0, CreatedAt: t0}
		p := store.OutboxPayload{Template: "missed_dose_caregiver", AlertID: alert.ID, DoseID: dose.ID, PatientName: "Pat", LocalTime: "10:00"}
		for range 2 { // a retried writer inserts nothing new
			if _, err := notify.EnqueueChannels(db, n, p, notify.ChannelPush, notify.ChannelWebhook); err != nil {
				t.Fatal(err)
			}
		}
		b.tick(t) // no webhook configured: that row is dead, push is sent
		st, err := notify.DeliveryStatus(context.Background(), db, []int64{alert.ID, 999})
		if err != nil {
			t.Fatal(err)
		}
		got := st[alert.ID]
		if len(got) != 2 || len(st[999]) != 0 {
			t.Fatalf("deliveries = %+v", st)
		}
		byCh := map[string]notify.Delivery{got[0].Channel: got[0], got[1].Channel: got[1]}
		if d := byCh["push"]; d.State != store.NotifySent || d.SentAt == nil || d.ToLog || d.RecipientID != w.Caregiver.ID {
			t.Errorf("push delivery = %+v", d)
		}
		if d := byCh["webhook"]; d.State != store.NotifyDead || !strings.Contains(d.Error, notify.ReasonWebhookMissing) {
			t.Errorf("webhook delivery = %+v", d)
		}
	})
}
