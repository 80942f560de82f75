// Package report computes adherence metrics from dose instances (never raw
// dispenser events) and renders them as JSON, CSV and FHIR R4. This comment
// is the one place the definitions are written (README repeats them); every
// figure and export follows it, and a hand-worked table test checks each.
//
// # The window a report covers
//
// period=Nd (7d, 30d, 90d; default 30d) is the last N local calendar days in
// the patient's IANA time zone, today included: local dates today-(N-1)
// through today, midnight to midnight (a day a DST change shortens or
// lengthens counts as one day). from=YYYY-MM-DD&to=YYYY-MM-DD are local dates,
// both included (at most 366 days; a to date after today is cut to today).
// A dose belongs to the window when its scheduled instant falls in it. Every
// response states its window: JSON "window" {from, to, time_zone, days,
// from_utc, to_utc, as_of, definition}; CSV window_from/window_to/time_zone
// columns and the X-DoseLoop-Window header; FHIR the Bundle's self link and
// meta tag. The same definition serves the mobile history and summary
// (/v1/me/doses, /v1/me/adherence) and the patient list, where each patient's
// window is in that patient's zone. as_of is when the figures were computed:
// now, or the end of the window if that is earlier. Unparseable or
// out-of-range period, from or to are 400 field errors naming the field.
//
// # Which doses count
//
// A dose in the window is classified first:
//
//	cancelled                        ignored (a regimen change replaced it)
//	scheduled while the patient was  "excluded": left out of every ratio and
//	  away/hospitalised (absence)      shown with the absence's reason
//	pending, scheduled after as_of   "not yet due": left out
//	pending, due, inside its grace   "pending": due and still awaiting an
//	  (scheduled <= as_of < +grace)    outcome; left out, shown as a count
//	pending past its grace           counted as missed (the sweep marks it
//	                                   missed within a minute)
//	missed while the dispenser was   "unconfirmed": left out, shown as a
//	  offline (during_outage) and      count. An offline dispenser cannot tell
//	  the patient confirmed nothing    us the dose was not taken
//	taken / missed / skipped         counted: the denominator "scheduled"
//
// # Definitions (shown next to each figure)
//
//   - Taking adherence = counted doses taken / counted doses scheduled.
//   - Timing adherence = doses taken within the regimen's on-time window /
//     counted doses scheduled. Late = taken outside the window.
//   - Correct-dosing days = days on which exactly the scheduled number of doses
//     was taken (no dose missing, no double dose) / days with counted doses.
//     Days are the local calendar days the doses were scheduled on
//     (dose_instances.local_date, the patient's zone).
//   - PDC-style coverage = days covered (every dose due that day taken) / days
//     with counted doses. The Pharmacy Quality Alliance threshold calls a
//     patient adherent at 80%; 90% when a regimen is an antiretroviral.
//   - Drug holiday = 3 or more consecutive calendar days with counted doses and
//     none taken. A day with nothing counted (absence, nothing due) ends a run.
//     "Holiday now" = doses were due in the 72 hours before as_of and none
//     was taken.
//   - Persistence = local calendar days, in the patient's zone, from the day
//     of the first take to the day of the last, both included, counting the
//     days the doses were actually taken (taken_at), not the days they were
//     scheduled for: a 21:00 dose taken at 00:17 was taken the next day.
//     Discontinued = doses were due in the 14 days before as_of (the
//     permissible gap) and none was taken.
//   - Trend (patient list) = taking adherence against the previous window of
//     the same number of local days: "up" at +5 percentage points or more
//     (TrendStep), "down" at -5 or less, "flat" in between, "" when either
//     window has no counted dose.
//   - Extra = doses flagged double_dose (taken twice).
//   - Offline time = minutes of dispenser outage overlapping the window.
//
// As-needed (PRN) regimens have no schedule, so they are left out of every
// ratio; their logged doses are counted as taken (prn_taken).
//
// The patient list sums a per-patient, per-local-day rollup of the counted
// doses (adherence_days, migration 00200, kept by triggers on dose_instances
// in the changing transaction) and adds the doses still pending past their
// grace, so its query count does not grow with the number of patients and
// it reads one row per patient-day; tests check that it agrees with Compute
// and that the rollup equals the same sums computed from the doses.
package report
