package mobileapi_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"gorm.io/gorm"
)

// target is one request against the A patient's data, prepared fresh for
// each role, and a snapshot of the object it would change.
type target struct {
	method, path string
	body         any
	snapshot     func() string
}

type matrixCase struct {
	name string
	prep func(h *harness) target
	want map[string]int // status per role
	// sees lists the roles allowed to see the A patient's data in the body.
	sees []string
}

func (h *harness) snapDose(id int64) func() string {
	return func() string {
		var d store.DoseInstance
		h.reload(&d, id)
		return fmt.Sprint(d.State, d.SnoozeCount, d.TakenAt != nil)
	}
}

func (h *harness) snapAlert(id int64) func() string {
	return func() string {
		var a store.Alert
		h.reload(&a, id)
		return fmt.Sprint(a.ClosedAt != nil, a.AcknowledgedBy != nil)
	}
}

func (h *harness) snapLink(id int64) func() string {
	return func() string {
		var l store.CareLink
		h.reload(&l, id)
		return fmt.Sprint(l.State, l.MutedUntil != nil)
	}
}

// invite inserts a pending invitation from the A patient to the unlinked caregiver.
func (h *harness) invite() store.CareLink {
	uid := h.users[rUnlinked].ID
	l := store.CareLink{PatientID: h.A.Patient.ID, CaregiverID: &uid, InviteEmail: h.users[rUnlinked].Email, EscalationOrder: 3,
		State: store.LinkPending, CreatedAt: t0}
	h.must(h.db.Create(&l).Error)
	return l
}

func none() string { return "" }

func statuses(patient, other, linked, unlinked, revoked, md int) map[string]int {
	return map[string]int{rPatient: patient, rOther: other, rLinked: linked, rUnlinked: unlinked, rRevoked: revoked, rForeignMD: md}
}

var owners = []string{rPatient, rLinked}

var matrix = []matrixCase{
	{"today (own)", func(h *harness) target {
		h.dose("08:00", store.DosePending)
		return target{"GET", "/v1/me/today", nil, none}
	},
		statuses(200, 200, 403, 403, 403, 403), []string{rPatient}},
	{"history (own)", func(h *harness) target {
		h.dose("08:00", store.DoseTaken)
		return target{"GET", "/v1/me/doses", nil, none}
	},
		statuses(200, 200, 403, 403, 403, 403), []string{rPatient}},
	{"adherence (own)", func(h *harness) target { return target{"GET", "/v1/me/adherence", nil, none} },
		statuses(200, 200, 403, 403, 403, 403), []string{rPatient}},
	{"links (own)", func(h *harness) target { return target{"GET", "/v1/me/links", nil, none} },
		statuses(200, 200, 403, 403, 403, 403), []string{rPatient}},
	{"patient today", func(h *harness) target {
		return target{"GET", "/v1/caregiver/patients/" + itoa(h.A.Patient.ID) + "/today", nil, none}
	}, statuses(403, 403, 200, 404, 404, 403), owners},
	{"take dose", func(h *harness) target {
		d := h.dose("08:00", store.DosePending)
		return target{"POST", "/v1/doses/" + itoa(d.ID) + "/take", map[string]any{}, h.snapDose(d.ID)}
	}, statuses(200, 404, 200, 404, 404, 403), owners},
	{"skip dose", func(h *harness) target {
		d := h.dose("08:00", store.DosePending)
		return target{"POST", "/v1/doses/" + itoa(d.ID) + "/skip", map[string]any{"reason": "nausea"}, h.snapDose(d.ID)}
	}, statuses(200, 404, 200, 404, 404, 403), owners},
	{"snooze dose", func(h *harness) target {
		d := h.dose("10:30", store.DosePending)
		return target{"POST", "/v1/doses/" + itoa(d.ID) + "/snooze", map[string]any{"minutes": 10}, h.snapDose(d.ID)}
	}, statuses(200, 404, 403, 403, 403, 403), owners},
	{"log PRN", func(h *harness) target {
		return target{"POST", "/v1/me/prn", map[string]any{"regimen_id": h.prn.ID}, none}
	}, statuses(201, 404, 403, 403, 403, 403), owners},
	{"glance", func(h *harness) target { return target{"GET", "/v1/caregiver/patients", nil, none} },
		statuses(403, 403, 200, 200, 200, 403), owners},
	{"alerts inbox", func(h *harness) target {
		h.missedWithAlert("08:00")
		return target{"GET", "/v1/caregiver/alerts", nil, none}
	},
		statuses(403, 403, 200, 200, 200, 403), owners},
	{"ack alert", func(h *harness) target {
		_, al := h.missedWithAlert("08:00")
		return target{"POST", "/v1/alerts/" + itoa(al.ID) + "/ack", nil, h.snapAlert(al.ID)}
	}, statuses(403, 403, 200, 404, 404, 403), owners},
	{"mute patient", func(h *harness) target {
		return target{"PUT", "/v1/caregiver/patients/" + itoa(h.A.Patient.ID) + "/mute",
			map[string]any{"until": h.clk.Now().Add(2 * 3600e9)}, h.snapLink(h.A.Link.ID)}
	}, statuses(403, 403, 200, 404, 404, 403), owners},
	{"invitations", func(h *harness) target { h.invite(); return target{"GET", "/v1/caregiver/invitations", nil, none} },
		statuses(403, 403, 200, 200, 200, 403), []string{rPatient, rLinked, rUnlinked}},
	{"accept invitation", func(h *harness) target {
		l := h.invite()
		return target{"POST", "/v1/invitations/" + itoa(l.ID) + "/accept", nil, h.snapLink(l.ID)}
	}, statuses(403, 403, 404, 204, 404, 403), []string{rUnlinked}},
	{"decline invitation", func(h *harness) target {
		l := h.invite()
		return target{"POST", "/v1/invitations/" + itoa(l.ID) + "/decline", nil, h.snapLink(l.ID)}
	}, statuses(403, 403, 404, 204, 404, 403), []string{rUnlinked}},
	// Last: ending the link removes the linked caregiver's access.
	{"end link", func(h *harness) target {
		return target{"DELETE", "/v1/links/" + itoa(h.A.Link.ID), nil, h.snapLink(h.A.Link.ID)}
	}, statuses(204, 404, 204, 404, 404, 403), owners},
}

// TestAuthorizationMatrix runs every mobile endpoint that touches the A
// patient's data as every role: the status is as expected, a refused
// request changes nothing, and no body given to a role without a
// relationship mentions the A patient.
func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	for _, role := range roles {
		t.Run(role, func(t *testing.T) {
			t.Parallel()
			storetest.Each(t, func(t *testing.T, db *gorm.DB) {
				h := setup(t, db)
				for _, mc := range matrix {
					tg := mc.prep(h)
					before := tg.snapshot()
					r := h.do(role, tg.method, tg.path, tg.body)
					if want := mc.want[role]; r.Code != want {
						t.Errorf("%s as %s: status %d, want %d: %s", mc.name, role, r.Code, want, r.Body.String())
					}
					if r.Code >= 400 && tg.snapshot() != before {
						t.Errorf("%s as %s: refused with %d but changed the object", mc.name, role, r.Code)
					}
					allowed := false
					for _, s := range mc.sees {
						allowed = allowed || s == role
					}
					if !allowed && (strings.Contains(r.Body.String(), secret) || strings.Contains(r.Body.String(), "Metformin")) {
						t.Errorf("%s as %s: body leaks the A patient's data: %s", mc.name, role, r.Body.String())
					}
				}
				h.expect(h.do("", "GET", "/v1/me/today", nil), 401)
			})
		})
	}
}
