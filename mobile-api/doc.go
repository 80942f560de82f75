// Package mobileapi serves the patient and caregiver apps: the "today" view,
// acting on a dose (take, skip, snooze), as-needed (PRN) logging with its
// per-period limit, history and an adherence summary, push-token
// registration, preferences, care-link management, and for caregivers the
// linked-patient overview, the alerts inbox, acknowledgement and muting.
//
// Every handler that takes an id resolves it through a scoped query built on
// auth.VisiblePatients (or the caller's own rows), so an object the caller may
// not know is a 404 indistinguishable from a missing one, and every access
// to patient data writes an audit row.
//
// The package writes the shared tables directly (dose_instances, alerts,
// care_links, push_tokens) and never calls into schedule or notify; the
// only hook is API.Reexpand, which the server wires to the schedule
// package's re-expansion when a patient's time zone changes.
//
// Dose states as this API moves them:
//
//	pending ──take──▶ taken ◀──take── missed (late entry; closes the alert)
//	   │                ▲                │
//	   └──skip──▶ skipped ┘(take)  ◀──skip─┘
//	pending ──snooze (5–60 min, at most 3 times)──▶ pending
package mobileapi
