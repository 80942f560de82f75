// Package dispenser is the device side of DoseLoop: connected pill dispensers
// authenticate every request with an Ed25519 signature (see PROTOCOL.md),
// post batches of dose events, pull their schedule and send heartbeats.
// Clinic admins provision, assign and revoke dispensers.
//
// Ingestion is one transaction per batch and set-based: the batch's events
// are inserted in one statement (ON CONFLICT DO NOTHING tells new from
// duplicate), the candidate dose instances are loaded once (locked on
// Postgres), dose_taken events are matched in memory, and the doses, events
// and alerts are updated with one statement each. The answer is written only
// after the commit, so an acknowledged event is never lost.
//
// Matching a dose_taken event (occurred_at t, compartment c):
//
//	regimen   = the patient's regimen with compartment c
//	window(d) = [d.scheduled_at - on_time_window, d.scheduled_at + on_time_window + grace + LateTakeLimit]
//	candidates: doses of regimen with t in window(d), state pending|missed|taken
//	nearest pending|missed dose  -> taken (on_time if |t - scheduled_at| <= on_time_window),
//	                                 source dispenser, its open alert closed
//	else nearest taken dose       -> event flag double_dose, dose.double_dose = true
//	else                          -> event flag unmatched (stored, never dropped)
package dispenser
