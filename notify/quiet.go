package notify

import (
	"errors"
	"time"
)

// ParseHHMM parses a 24-hour "HH:MM" wall-clock time into minutes after
// midnight. It is strict: exactly two digits, a colon, two digits.
func ParseHHMM(s string) (int, error) {
	if len(s) != 5 || s[2] != ':' {
		return 0, errors.New(`want "HH:MM"`)
	}
	d := [4]int{}
	for i, j := range []int{0, 1, 3, 4} {
		c := s[j]
		if c < '0' || c > '9' {
			return 0, errors.New(`want "HH:MM"`)
		}
		d[i] = int(c - '0')
	}
	h, m := d[0]*10+d[1], d[2]*10+d[3]
	if h > 23 || m > 59 {
		return 0, errors.New("hour must be 00-23 and minute 00-59")
	}
	return h*60 + m, nil
}

// QuietUntil reports whether now falls in the quiet period start-end
// ("HH:MM" wall-clock in zone; end before start wraps past midnight) and,
// if so, the instant the period ends. An empty, equal or malformed pair
// means no quiet hours: a message is never held back by a setting we
// cannot read. A wall-clock end that does not exist (DST gap) moves
// forward by the gap, as time.Date does.
func QuietUntil(now time.Time, zone, start, end string) (time.Time, bool) {
	s, err1 := ParseHHMM(start)
	e, err2 := ParseHHMM(end)
	if err1 != nil || err2 != nil || s == e {
		return time.Time{}, false
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		loc = time.UTC
	}
	local := now.In(loc)
	m := local.Hour()*60 + local.Minute()
	var quiet, tomorrow bool
	if s < e {
		quiet = m >= s && m < e
	} else {
		quiet = m >= s || m < e
		tomorrow = m >= s
	}
	if !quiet {
		return time.Time{}, false
	}
	y, mo, d := local.Date()
	if tomorrow {
		d++
	}
	until := wallClock(y, mo, d, e/60, e%60, loc)
	if !until.After(now) {
		return time.Time{}, false
	}
	return until.UTC(), true
}

// wallClock is time.Date, except that a wall-clock time inside a DST gap
// (which Go resolves with the offset from before the gap, i.e. backwards)
// moves forward by the gap, as the design asks.
func wallClock(y int, mo time.Month, d, h, m int, loc *time.Location) time.Time {
	t := time.Date(y, mo, d, h, m, 0, 0, loc)
	if t.Hour() == h && t.Minute() == m {
		return t
	}
	_, before := t.Zone()
	_, after := t.Add(3 * time.Hour).Zone()
	return t.Add(time.Duration(after-before) * time.Second)
}
