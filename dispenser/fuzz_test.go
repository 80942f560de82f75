package dispenser_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/doseloop/doseloop/dispenser"
	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
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

// FuzzIngestPostgres drives the whole device path (signature, decoder,
// per-event checks, the Postgres transaction) with fuzzed batch bodies.
// Postgres refuses bytes SQLite stores, so this is where a check that only
// the database makes would show up: as a 500. Every answer must be a 200
// with one result per event whose accepted events are all stored, or a 4xx.
func FuzzIngestPostgres(f *testing.F) {
	b := setup(f, storetest.Postgres(f))
	at := `"occurred_at":"2026-03-10T14:59:00Z"`
	for _, seed := range []string{
		`{"events":[{"id":"00000000-0000-4000-8000-000000000001","type":"dose_taken",` + at + `,"compartment":1}]}`,
		`{"events":[{"id":"00000000-0000-4000-8000-000000000002","type":"error",` + at + `,"details":{"a":"\u0000"}}]}`,
		"{\"events\":[{\"id\":\"00000000-0000-4000-8000-000000000003\",\"type\":\"error\"," + at + ",\"details\":\"\xff\xfe\"}]}",
		"{\"events\":[{\"id\":\"00000000-0000-4000-8000-00000000000\xff\",\"type\":\"tamper\"," + at + "}]}",
		`{"events":[{"id":"00000000-0000-4000-8000-000000000004","type":"dose_taken",` + at + `,"compartment":1,"seq":9223372036854775807,"quantity":1e-300}]}`,
		`{"events":[{"id":"00000000-0000-4000-8000-000000000005","type":"error",` + at + `,"details":{"\ud800":"\udfff"}}, 1, null]}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := b.signed("POST", "/v1/dispenser/events", body, b.disp.Serial, b.key)
		if rec.Code != 200 {
			if rec.Code >= 500 || rec.Code < 400 {
				t.Fatalf("%q: %d %s", body, rec.Code, rec.Body)
			}
			return
		}
		var a dispenser.BatchAnswer
		if err := json.Unmarshal(rec.Body.Bytes(), &a); err != nil || a.Accepted+a.Duplicates+a.Rejected != len(a.Results) {
			t.Fatalf("%q: answer %s", body, rec.Body)
		}
		var ids []string
		for _, r := range a.Results {
			if r.Status == dispenser.StatusAccepted {
				ids = append(ids, r.ID)
			}
		}
		var n int64
		b.db.Model(&store.DoseEvent{}).Where("dispenser_id = ? AND device_event_id IN ?", b.disp.ID, append(ids, "")).Count(&n)
		if int(n) != len(ids) {
			t.Fatalf("%q: %d accepted, %d stored", body, len(ids), n)
		}
	})
}
