package dispenser_test

import (
	"testing"
	"time"

	"github.com/doseloop/doseloop/dispenser"
)

func FuzzDecodeBatch(f *testing.F) {
	f.Add([]byte(`{"events":[{"id":"00000000-0000-4000-8000-000000000001","type":"dose_taken","occurred_at":"2026-03-10T14:00:00Z","compartment":1}]}`))
	f.Add([]byte(`{"events":[{"id":"x"},{},null,1,"s",{"id":"00000000-0000-4000-8000-000000000001","type":"error","occurred_at":"2026-03-10T14:00:00+02:00","details":{"a":[1]}}]}`))
	f.Add([]byte(`{"events":[]}`))
	f.Add([]byte(`{"events":null} trailing`))
	f.Fuzz(func(t *testing.T, body []byte) {
		events, results, err := dispenser.DecodeBatch(body, t0)
		if err != nil {
			if events != nil || results != nil {
				t.Fatal("an error must come alone")
			}
			return
		}
		if len(results) == 0 || len(results) > dispenser.MaxBatch || len(events) > len(results) {
			t.Fatalf("%d events, %d results", len(events), len(results))
		}
		ids := map[string]bool{}
		for _, ev := range events {
			if r := results[ev.Index]; r.Status != "" || r.ID != ev.ID {
				t.Fatalf("event %d has result %+v", ev.Index, r)
			}
			if ids[ev.ID] || len(ev.ID) != 36 || ev.OccurredAt.After(t0.Add(dispenser.MaxSkew)) || ev.OccurredAt.Location() != time.UTC {
				t.Fatalf("bad event passed validation: %+v", ev)
			}
			ids[ev.ID] = true
		}
		for _, r := range results {
			if r.Status == "rejected" && r.Reason == "" {
				t.Fatalf("rejection without reason: %+v", r)
			}
		}
	})
}

func FuzzParseHeaders(f *testing.F) {
	f.Add("DL-0001", "1773151200", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==")
	f.Add("", "", "")
	f.Add("a b", "-1", "%%")
	f.Add("SN.1_x-y", "99999999999999999999", "====")
	f.Fuzz(func(t *testing.T, serial, ts, sig string) {
		h, err := dispenser.ParseHeaders(serial, ts, sig)
		if err != nil {
			return
		}
		if h.Serial != serial || len(h.Signature) != 64 || h.Timestamp < 0 || len(serial) < 3 || len(serial) > 64 {
			t.Fatalf("accepted bad headers %q %q %q -> %+v", serial, ts, sig, h)
		}
	})
}
