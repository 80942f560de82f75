// Package report computes adherence metrics from dose instances (never raw
// dispenser events) and renders them as JSON, CSV and FHIR R4.
//
// # Which doses count
//
// Every figure is computed over the doses scheduled in a period [From, To)
// (To is "now" for the 7/30/90-day periods). A dose is classified first:
//
//	cancelled                         ignored (a regimen change replaced it)
//	scheduled while the patient was   "excused": excluded from every ratio
//	  away/hospitalised (absence)       (someone else gave the medication)
//	pending                           "not yet due": excluded. A pending dose is
//	                                    either in the future or inside its grace
//	                                    window; the missed-dose sweep decides it
//	missed while the dispenser was    "unconfirmed": excluded, shown as a count.
//	  offline (during_outage) and the   An offline dispenser cannot tell us the
//	  patient confirmed nothing         dose was not taken. A dose the patient
//	                                    confirmed (taken or skipped) counts normally
//	taken / missed / skipped          counted: the denominator "scheduled"
//
// # Definitions (shown next to each figure)
//
//   - Taking adherence = counted doses taken / counted doses scheduled.
//   - Timing adherence = doses taken within the regimen's on-time window /
//     counted doses scheduled. Late = taken outside the window.
//   - Correct-dosing days = days on which exactly the scheduled number of doses
//     was taken (no dose missing, no double dose) / days with counted doses.
//     Days are the patient's local calendar days (dose_instances.local_date).
//   - PDC-style coverage = days covered (every dose due that day taken) / days
//     with counted doses. The Pharmacy Quality Alliance threshold calls a
//     patient adherent at 80%; 90% when a regimen is an antiretroviral.
//   - Drug holiday = 3 or more consecutive calendar days with counted doses and
//     none taken. A day with nothing counted (absence, nothing due) ends a run.
//     "Holiday now" = doses were due in the last 72 hours and none was taken.
//   - Persistence = local days from the first dose taken to the last (inclusive).
//     Discontinued = doses were due in the last 14 days (the permissible gap)
//     and none was taken.
//   - Extra = doses flagged double_dose (taken twice).
//   - Offline time = minutes of dispenser outage overlapping the period.
//
// As-needed (PRN) regimens have no schedule, so they are left out of every
// ratio; their logged doses are counted as taken (prn_taken).
//
// The patient list aggregates the same definitions in SQL (GROUP BY patient),
// so its query count does not grow with the number of patients; a test checks
// that it agrees with Compute.
package report
