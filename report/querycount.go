package report

import (
	"context"
	"sync/atomic"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// QueryCounter is a GORM logger that counts the statements run through it;
// tests and the benchmark use it to prove the list has no N+1.
type QueryCounter struct {
	logger.Interface
	n atomic.Int64
}

// CountQueries returns a session of db whose statements c counts.
func CountQueries(db *gorm.DB) (*gorm.DB, *QueryCounter) {
	c := &QueryCounter{Interface: logger.Discard}
	return db.Session(&gorm.Session{Logger: c}), c
}

// LogMode keeps the counter (GORM calls it when sessions change the level).
func (c *QueryCounter) LogMode(logger.LogLevel) logger.Interface { return c }

// Trace is called once per statement.
func (c *QueryCounter) Trace(context.Context, time.Time, func() (string, int64), error) { c.n.Add(1) }

// Count returns the statements counted so far.
func (c *QueryCounter) Count() int64 { return c.n.Load() }

// Reset sets the count to zero.
func (c *QueryCounter) Reset() { c.n.Store(0) }
