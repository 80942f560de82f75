package mobileapi_test

import (
	"testing"

	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"gorm.io/gorm"
)

func TestTodayViewWithETag(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		h := setup(t, db)
		morning := h.dose("08:00", store.DosePending)
		h.dose("20:00", store.DosePending)
		r := h.do(rPatient, "GET", "/v1/me/today", nil)
		h.expect(r, 200)
		items := r.json["items"].([]any)
		if r.json["date"] != "2026-06-10" || len(items) != 2 || items[0].(map[string]any)["local_time"] != "08:00" {
			t.Fatalf("today = %s", r.Body.String())
		}
		first := items[0].(map[string]any)
		if first["medication"].(map[string]any)["name"] != "Metformin" || first["dispenser_reported"] != false {
			t.Fatalf("dose view = %v", first)
		}
		if prn := r.json["as_needed"].([]any); len(prn) != 1 || prn[0].(map[string]any)["next_allowed_at"] != nil {
			t.Fatalf("as_needed = %v", prn)
		}
		etag := r.Header().Get("ETag")
		h.expect(h.do(rPatient, "GET", "/v1/me/today", nil, "If-None-Match", etag), 304)

		h.expect(h.do(rPatient, "POST", "/v1/doses/"+itoa(morning.ID)+"/take", map[string]any{}), 200)
		r = h.do(rPatient, "GET", "/v1/me/today", nil, "If-None-Match", etag)
		h.expect(r, 200)
		if r.Header().Get("ETag") == etag {
			t.Fatal("ETag did not change after a dose was taken")
		}
		r = h.do(rPatient, "GET", "/v1/me/today?date=2026-06-09", nil)
		if h.expect(r, 200); len(r.json["items"].([]any)) != 0 {
			t.Fatalf("yesterday = %s", r.Body.String())
		}
		r = h.do(rPatient, "GET", "/v1/me/today?limit=1", nil)
		if h.expect(r, 200); len(r.json["items"].([]any)) != 1 || r.json["next_cursor"] == nil {
			t.Fatalf("page 1 = %s", r.Body.String())
		}
		r = h.do(rPatient, "GET", "/v1/me/today?limit=1&cursor="+r.json["next_cursor"].(string), nil)
		if h.expect(r, 200); r.json["items"].([]any)[0].(map[string]any)["local_time"] != "20:00" || r.json["next_cursor"] != nil {
			t.Fatalf("page 2 = %s", r.Body.String())
		}
		h.expect(h.do(rPatient, "GET", "/v1/me/today?date=June", nil), 400)
		h.expect(h.do(rPatient, "GET", "/v1/me/today?cursor=!!", nil), 400)
		if h.audits("doses.today", "ok") < 5 {
			t.Fatal("today reads are not audited")
		}
	})
}
