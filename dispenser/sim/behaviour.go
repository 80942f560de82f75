package sim

import (
	"math/rand/v2"
	"time"
)

// Profile is how a simulated patient and device behave. Probabilities are per dose.
type Profile struct {
	Late   float64 // taken 70 min to 3 h late
	Missed float64 // never taken
	Double float64 // taken, then taken again a few minutes later
	// Early/on-time takes are the rest: within ±45 minutes of the dose.
	OfflineChance float64       // per tick: the device loses its connection
	OfflineFor    time.Duration // for about this long (then posts its backlog)
	RetryChance   float64       // per batch: the answer is "lost" and the device re-posts it
	MaxSkew       time.Duration // device clocks are off by up to this much
}

// DefaultProfile is a realistic mix (roughly 80% of doses on time).
var DefaultProfile = Profile{Late: 0.08, Missed: 0.08, Double: 0.03, OfflineChance: 0.002,
	OfflineFor: 3 * time.Hour, RetryChance: 0.05, MaxSkew: 90 * time.Second}

// TakeTimes decides when (if at all) the patient takes a dose due at due:
// zero, one or two instants.
func (p Profile) TakeTimes(r *rand.Rand, due time.Time) []time.Time {
	x := r.Float64()
	switch {
	case x < p.Missed:
		return nil
	case x < p.Missed+p.Late:
		return []time.Time{due.Add(70*time.Minute + time.Duration(r.Int64N(int64(110*time.Minute))))}
	}
	at := due.Add(time.Duration(r.Int64N(int64(90*time.Minute))) - 45*time.Minute)
	if x < p.Missed+p.Late+p.Double {
		return []time.Time{at, at.Add(time.Duration(5+r.IntN(40)) * time.Minute)}
	}
	return []time.Time{at}
}

// Skew returns a random clock error within ±MaxSkew.
func (p Profile) Skew(r *rand.Rand) time.Duration {
	if p.MaxSkew <= 0 {
		return 0
	}
	return time.Duration(r.Int64N(int64(2*p.MaxSkew))) - p.MaxSkew
}
