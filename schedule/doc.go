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
//	{"frequency":2,"period":1,"periodUnit":"d"}                   2 wall-clock slots a day, see below
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
// "N times per period" in days or weeks whose doses do not fall on whole
// days ({"frequency":2,"period":1,"periodUnit":"d"}) means N wall-clock
// slots evenly spaced from the first time: the cycle starts on the anchor's
// local date (home zone) and repeats every period; slot i is at the
// anchor's wall-clock time plus i × period/N counted on the wall clock,
// carried past midnight into the following day. 2 per day from 02:30 is
// 02:30 and 14:30 every day (03:30 on a New York spring-forward day, where
// 02:30 does not exist), never drifting by the clock change.
//
// # Dose identity and versions
//
// A dose is (regimen version, nominal local date, slot): the slot is the
// index of the timeOfDay in clock order, of the per-cycle slot, 0 for
// every-N-days, or the count of intervals since the anchor for hour
// intervals (nominal date = its home-zone date). The instant is derived and
// may move (zone change); two slots meeting at one instant on a DST day are
// two doses, each reminded. A regimen change that alters what a dose is
// (medication, quantity, unit, timing, bounds, windows, grace, critical)
// writes a new immutable regimen_versions row (SyncVersion, also called by
// expansion, so every writer of regimens gets versions); doses keep the
// version they were scheduled under. PRN doses and doses written before
// migration 00100 have no slot and stay unique per (regimen, instant);
// re-expansion adopts such a pending dose when the new slot falls on its
// instant.
//
// # Dose state machine
//
// The only writer of dose_instances.state. Every change appends a
// dose_history row (from, to, at, actor user or dispenser, source, reason,
// corrects) in the same transaction: scheduled, reminded, snoozed, taken,
// skipped, missed, cancelled, pending (revived), double_dose, excluded.
// People use Take, Skip, Snooze (patient, caregiver: only inside the
// recording window, from on_time_window_min before due to late_limit_min
// after; 409 too_early / too_late with window_start and window_end; a
// dose not yet due cannot be snoozed) and Correct (care-team physician,
// any time, mandatory reason, corrected=true, the history row points at
// the row it corrects). Batches use RecordDeviceChanges (dispenser ingest),
// SweepMissed, the reminder claims and expansion.
//
//	           RecordTaken (within ±window)      RecordTaken again
//	pending ──────────────────────────────▶ taken ─────────────▶ taken + double_dose
//	  │  │ RecordTaken (outside window)      ▲ on_time=false
//	  │  └────────────────────────────────── │
//	  │ SweepMissed (due + grace passed)     │ RecordTaken (late; closes the alert)
//	  ├──────────────────────────────▶ missed ┘   + alert opened (unless during_outage)
//	  │ Skip(reason)
//	  ├──────────────────────────────▶ skipped ──RecordTaken──▶ taken
//	  │ regimen changed/stopped/zone changed (future doses only)
//	  └──────────────────────────────▶ cancelled   (revived if re-expansion wants that identity)
//
//	taken/skipped/missed ──Correct (physician, reason)──▶ taken/skipped/missed + corrected
//
// History is never rewritten: only pending doses due after "now" are
// cancelled; taken/missed/skipped rows are never changed by a regimen change.
//
// # Escalation ladder
//
// A missed dose opens an alerts row; alerts.next_step indexes the patient's
// Policy (patients.escalation_policy, DefaultPolicy when empty) and next_at is
// when it fires (not for doses excluded by a hospital stay, which get no
// reminders either): patient +15 min, caregiver #1 +30, caregiver #2 +60,
// care-team physicians +120 for critical regimens. Muted caregivers
// (care_links.muted_until) get no non-critical alert. Setting alerts.closed_at
// (RecordTaken, a caregiver's acknowledgement) stops the ladder.
//
// # Exported for other features
//
//   - ValidateTiming, ParseTiming, ValidatePolicy, ParsePolicy: editors.
//   - RecordTaken(tx, doseID, takenAt, actor): taken on time/late, double dose, closes the alert.
//   - Take, Skip, Snooze (recording window), Correct, RecordDeviceChanges, RecordAbsence,
//     LogPRN (maxDosePerPeriod enforced), CloseDoseAlert, History, Versions, VersionOf.
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
