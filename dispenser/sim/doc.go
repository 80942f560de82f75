// Package sim is a fleet of simulated dispensers that talk to a real
// DoseLoop server over HTTP with signed requests, exactly as firmware would
// (see ../PROTOCOL.md). The demo mode, the simulate subcommand, the ingest
// benchmark and the kill test use it.
//
// A simulated patient takes most doses on time, some late, misses some,
// occasionally takes one twice; a device sometimes drops offline for hours
// and then posts its backlog in one burst, retries batches whose answer it
// did not get (duplicates), and runs with a slightly wrong clock.
package sim
