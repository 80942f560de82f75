// Package faults injects the faults DoseLoop must survive, for the fault
// tests and `bench soak`: a TCP proxy (Shopify's toxiproxy, in-process)
// between the server and Postgres that can cut every connection and refuse
// new ones, and scratch Postgres clusters in a temp dir that can be stopped
// and started (never the shared server on 5432).
package faults
