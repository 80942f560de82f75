package notify

import "github.com/doseloop/doseloop/store"

// SetBeforeRecord lets tests stop a Tick between send and record.
func (d *Dispatcher) SetBeforeRecord(f func(store.Notification) error) { d.beforeRecord = f }
