// Package benchfleet provisions a fleet of simulated dispensers directly in
// the database (a clinic, patients with four compartment regimens each and
// about three months of dose instances) and checks afterwards that every
// acknowledged event was stored exactly once. The ingest benchmark and the
// kill test use it; it is not part of the running server.
package benchfleet
