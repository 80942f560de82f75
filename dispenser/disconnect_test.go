package dispenser_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/doseloop/doseloop/dispenser"
	"gorm.io/gorm"
)

// TestDisconnectMidBatchThenRetry: the device hangs up while its batch is
// inside the transaction. The server neither reports a 500 nor loses or
// half-stores the batch: the retry answers duplicate for every event.
func TestDisconnectMidBatchThenRetry(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, b *bundle) {
		ctx, hangUp := context.WithCancel(context.Background())
		var once sync.Once
		// The first raw statement of the batch (the event insert, inside
		// the transaction) is where the device goes away.
		b.db.Callback().Row().Before("gorm:row").Register("test:hang_up", func(*gorm.DB) { once.Do(hangUp) })
		events := []map[string]any{take(uid(1), t0.Add(-time.Minute)), take(uid(2), t0.Add(-2*time.Minute)),
			map[string]any{"id": uid(3), "type": "refill_low", "occurred_at": t0.Add(-time.Minute).Format(time.RFC3339)}}
		body, _ := json.Marshal(map[string]any{"events": events})
		req := httptest.NewRequest("POST", "/v1/dispenser/events", bytes.NewReader(body)).WithContext(ctx)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(dispenser.HeaderSerial, b.disp.Serial)
		req.Header.Set(dispenser.HeaderTimestamp, strconv.FormatInt(t0.Unix(), 10))
		req.Header.Set(dispenser.HeaderSignature, dispenser.Sign(b.key, b.disp.Serial, "POST", "/v1/dispenser/events", t0.Unix(), body))
		rec := httptest.NewRecorder()
		b.h.ServeHTTP(rec, req)
		if ctx.Err() == nil {
			t.Fatal("the test did not hang up mid-request")
		}
		if rec.Code >= 500 {
			t.Fatalf("hang-up answered %d %s", rec.Code, rec.Body)
		}
		retry := b.post(events...)
		if retry.Duplicates != 3 || retry.Accepted != 0 || b.countEvents() != 3 {
			t.Fatalf("retry after hang-up: %+v, %d stored", retry, b.countEvents())
		}
	})
}
