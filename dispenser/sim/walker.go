package sim

import (
	"math/rand/v2"
	"sort"
	"time"
)

// Walker produces one device's events in time order from its dose
// schedule: each dose is taken near its due time (sometimes twice), with
// compartment-opened and battery events in between. It is the load
// generator's event source: realistic, so ingestion does real matching.
type Walker struct {
	Device *Device
	doses  []due
	next   int
	r      *rand.Rand
	pend   []Event
}

type due struct {
	at   time.Time
	comp int
}

// NewWalker walks the doses of device d; schedule maps compartment -> due instants.
func NewWalker(d *Device, schedule map[int][]time.Time, seed uint64) *Walker {
	w := &Walker{Device: d, r: rand.New(rand.NewPCG(seed, 7))}
	for comp, ts := range schedule {
		for _, t := range ts {
			w.doses = append(w.doses, due{at: t, comp: comp})
		}
	}
	sort.Slice(w.doses, func(i, j int) bool { return w.doses[i].at.Before(w.doses[j].at) })
	return w
}

// Next returns the next n events. When the schedule is used up it keeps
// going with extra takes after the last dose (flagged double or unmatched).
func (w *Walker) Next(n int) []Event {
	out := make([]Event, 0, n)
	for len(out) < n {
		if len(w.pend) == 0 {
			w.refill()
		}
		k := min(n-len(out), len(w.pend))
		out = append(out, w.pend[:k]...)
		w.pend = w.pend[k:]
	}
	return out
}

func (w *Walker) refill() {
	var d due
	if w.next < len(w.doses) {
		d = w.doses[w.next]
		w.next++
	} else if len(w.doses) > 0 {
		d = w.doses[len(w.doses)-1]
	} else {
		d = due{at: w.Device.Clock().Add(-time.Hour), comp: 1}
	}
	at := d.at.Add(time.Duration(w.r.Int64N(int64(50*time.Minute))) - 25*time.Minute)
	if now := w.Device.Clock(); at.After(now) {
		at = now
	}
	w.pend = append(w.pend, w.Device.NewEvent("compartment_opened", at.Add(-time.Minute), d.comp),
		w.Device.NewEvent("dose_taken", at, d.comp))
	switch x := w.r.IntN(100); {
	case x < 3:
		w.pend = append(w.pend, w.Device.NewEvent("dose_taken", at.Add(10*time.Minute), d.comp))
	case x < 5:
		w.pend = append(w.pend, w.Device.NewEvent("battery_low", at, 0))
	}
}
