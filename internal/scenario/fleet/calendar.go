package fleet

import "time"

// day is one calendar day of the scenario in the configured zone. Its
// length is 23, 24 or 25 hours when the zone changes its offset.
type day struct {
	idx        int
	start, end time.Time
	y          int
	m          time.Month
	dd         int
	wd         time.Weekday
}

// newDay returns the day i days after the local midnight start.
func newDay(start time.Time, i int) day {
	y, m, d := start.Date()
	s := time.Date(y, m, d+i, 0, 0, 0, 0, start.Location())
	e := time.Date(y, m, d+i+1, 0, 0, 0, 0, start.Location())
	sy, sm, sd := s.Date()
	return day{idx: i, start: s, end: e, y: sy, m: sm, dd: sd, wd: s.Weekday()}
}

// at returns the local time h:m on the day plus sec seconds; hours past
// 23 roll into the next day.
func (d day) at(h, m int, sec float64) time.Time {
	t := time.Date(d.y, d.m, d.dd, h, m, 0, 0, d.start.Location())
	return t.Add(time.Duration(sec * float64(time.Second)))
}

// workday reports whether the day is Monday to Friday.
func (d day) workday() bool { return d.wd != time.Saturday && d.wd != time.Sunday }

// week is the number of whole weeks since the first day; package
// versions move on by one each week.
func (d day) week() int {
	if d.idx < 0 {
		return 0
	}
	return d.idx / 7
}

// hours calls fn for each hour of the day with the hour's start and its
// local hour of day.
func (d day) hours(fn func(t time.Time, hour int)) {
	for t := d.start; t.Before(d.end); t = t.Add(time.Hour) {
		fn(t, t.Hour())
	}
}

// span is a half-open stretch of time.
type span struct{ from, to time.Time }

// contains reports whether t is in s.
func (s span) contains(t time.Time) bool { return !t.Before(s.from) && t.Before(s.to) }

// dur is the length of s.
func (s span) dur() time.Duration { return s.to.Sub(s.from) }
