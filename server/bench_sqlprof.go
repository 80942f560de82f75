package main

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"
)

// sqlProfile times every statement a *gorm.DB runs, grouped by its shape
// (the first words of its SQL): the client-side view of where a phase's
// wall time goes, round trips included. A benchmark prints it per phase.
type sqlProfile struct {
	mu    sync.Mutex
	start map[*gorm.Statement]time.Time
	shape map[string]*sqlShape
}

type sqlShape struct {
	n     int
	total time.Duration
}

// newSQLProfile registers the timing callbacks on db (they stay for db's life).
func newSQLProfile(db *gorm.DB) (*sqlProfile, error) {
	p := &sqlProfile{start: map[*gorm.Statement]time.Time{}, shape: map[string]*sqlShape{}}
	cb := db.Callback()
	regs := []error{
		cb.Create().Before("gorm:create").Register("bench:t0", p.before),
		cb.Create().After("gorm:create").Register("bench:t1", p.after),
		cb.Query().Before("gorm:query").Register("bench:t0", p.before),
		cb.Query().After("gorm:query").Register("bench:t1", p.after),
		cb.Update().Before("gorm:update").Register("bench:t0", p.before),
		cb.Update().After("gorm:update").Register("bench:t1", p.after),
		cb.Delete().Before("gorm:delete").Register("bench:t0", p.before),
		cb.Delete().After("gorm:delete").Register("bench:t1", p.after),
		cb.Row().Before("gorm:row").Register("bench:t0", p.before),
		cb.Row().After("gorm:row").Register("bench:t1", p.after),
		cb.Raw().Before("gorm:raw").Register("bench:t0", p.before),
		cb.Raw().After("gorm:raw").Register("bench:t1", p.after),
	}
	for _, err := range regs {
		if err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (p *sqlProfile) before(db *gorm.DB) {
	p.mu.Lock()
	p.start[db.Statement] = time.Now()
	p.mu.Unlock()
}

func (p *sqlProfile) after(db *gorm.DB) {
	p.mu.Lock()
	defer p.mu.Unlock()
	t0, ok := p.start[db.Statement]
	if !ok {
		return
	}
	delete(p.start, db.Statement)
	key := shapeOf(db.Statement.SQL.String())
	s := p.shape[key]
	if s == nil {
		s = &sqlShape{}
		p.shape[key] = s
	}
	s.n++
	s.total += time.Since(t0)
}

// shapeOf is a statement's first 70 characters, whitespace folded.
func shapeOf(sql string) string {
	s := strings.Join(strings.Fields(sql), " ")
	if len(s) > 70 {
		s = s[:70]
	}
	return s
}

func (p *sqlProfile) reset() {
	if p == nil {
		return
	}
	p.mu.Lock()
	p.shape = map[string]*sqlShape{}
	p.mu.Unlock()
}

// report prints the ten costliest shapes by total time.
func (p *sqlProfile) report(out io.Writer, phase string) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	keys := make([]string, 0, len(p.shape))
	for k := range p.shape {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return p.shape[keys[i]].total > p.shape[keys[j]].total })
	for _, k := range keys[:min(len(keys), 10)] {
		s := p.shape[k]
		fmt.Fprintf(out, "sql %s: %8.0f ms %6d x  %s\n", phase, float64(s.total.Microseconds())/1000, s.n, k)
	}
}

// benchProfiles are a benchmark's optional per-phase profiles: a Go CPU
// profile (FILE-phase.pprof) and the statement timings.
type benchProfiles struct {
	cpu  string
	sql  bool
	sqlp *sqlProfile
}

func (b *benchProfiles) open(db *gorm.DB) (err error) {
	if b.sql {
		b.sqlp, err = newSQLProfile(db)
	}
	return err
}

// start begins phase's profiles; the returned func ends them and prints
// the statement timings to out.
func (b *benchProfiles) start(phase string) (func(io.Writer), error) {
	file := ""
	if b.cpu != "" {
		file = b.cpu + "-" + phase + ".pprof"
	}
	stop, err := startProfile(file)
	if err != nil {
		return nil, err
	}
	b.sqlp.reset()
	return func(out io.Writer) {
		stop()
		b.sqlp.report(out, phase)
	}, nil
}
