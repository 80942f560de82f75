// Package schedule is DoseLoop's schedule engine: regimens (a FHIR R4
// Timing.repeat subset), their expansion into dose instances in the
// patient's time zone, the dose state machine, and the minute jobs
// (reminders, missed sweep, escalation ladder, device offline) plus the
// nightly horizon extension.
//
// # Timing (regimens.timing JSON)
//
//	{"timeOfDay":["08:00","20:00"],"dayOfWeek":["mon","wed"]}   wall-clock times, optional weekdays
//	{"frequency":1,"period":8,"periodUnit":"h"}                   every 8 h from regimens.starts_at
//	{"frequency":1,"period":2,"periodUnit":"d"}                   every other day at the anchor's wall time
//	{"maxDosePerPeriod":{"count":4,"period":1,"periodUnit":"d"}}  as-needed (as_needed=true), rolling limit
//
// boundsPeriod {start,end} is accepted by the API and stored in starts_at /
// ends_at. ValidateTiming applies FHIR's invariants (timeOfDay excludes
// frequency/period, a period needs its unit, positive periods) and
// DoseLoop's limits; a regimen editor should call it before saving.
//
// # Time zones and DST
//
// Instants are UTC. Wall-clock times are read in the home zone (travel
// policy "home") or the zone the patient is in now ("local"); local_date and
// local_time are written in the current zone. A time that does not exist
// (spring forward) moves forward by the gap (02:30 → 03:30 in New York,
// 02:15 → 02:45 on Lord Howe); a time that occurs twice (fall back) fires
// once, at its first occurrence. Hour intervals keep elapsed time (8-hourly
// stays 8 h apart); day and week intervals keep the anchor's wall time.
//
// # Dose state machine
//
//	           RecordTaken (within ±window)      RecordTaken again
//	pending ──────────────────────────────▶ taken ─────────────▶ taken + double_dose
//	  │  │ RecordTaken (outside window)      ▲ on_time=false
//	  │  └────────────────────────────────── │
//	  │ SweepMissed (due + grace passed)     │ RecordTaken (late; closes the alert)
//	  ├──────────────────────────────▶ missed ┘   + alert opened (unless during_outage)
//	  │ RecordSkipped(reason)
//	  ├──────────────────────────────▶ skipped ──RecordTaken──▶ taken
//	  │ regimen changed/stopped/zone changed (future doses only)
//	  └──────────────────────────────▶ cancelled   (revived if re-expansion wants that instant)
//
// History is never rewritten: only pending doses due after "now" are
// cancelled; taken/missed/skipped rows are never changed by a regimen change.
//
// # Escalation ladder
//
// A missed dose opens an alerts row; alerts.next_step indexes the patient's
// Policy (patients.escalation_policy, DefaultPolicy when empty) and next_at is
// when it fires: patient +15 min, caregiver #1 +30, caregiver #2 +60,
// care-team physicians +120 for critical regimens. Muted caregivers
// (care_links.muted_until) get no non-critical alert. Setting alerts.closed_at
// (RecordTaken, a caregiver's acknowledgement) stops the ladder.
//
// # Exported for other features
//
//   - ValidateTiming, ParseTiming, ValidatePolicy, ParsePolicy: editors.
//   - RecordTaken(tx, doseID, takenAt, source): taken on time/late, double dose, closes the alert.
//   - RecordSkipped, Snooze, LogPRN (maxDosePerPeriod enforced), CloseDoseAlert.
//   - ReexpandPatient(tx, patient, now, horizon): after a zone or travel-policy change.
//   - API: the regimen endpoints; Scheduler: Tick(ctx, now), Nightly, Run.
//
// # Many replicas
//
// Every job claims rows with one UPDATE ... WHERE id IN (SELECT ... FOR
// UPDATE SKIP LOCKED LIMIT n) RETURNING (a plain UPDATE ... RETURNING on
// SQLite, which has one writer) and writes its outbox rows (store.Enqueue,
// unique dedupe keys) in the same transaction, so any number of replicas
// send each notification once. Outages are unique per (dispenser,
// started_at); the nightly job holds a job_leases lease.
package schedule
