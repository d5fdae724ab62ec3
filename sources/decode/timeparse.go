package decode

import "time"

// civil is a wall-clock timestamp as written in a log line.
type civil struct {
	year, month, day int
	hour, min, sec   int
	nsec             int
	offset           int // seconds east of UTC, when zone is set
	zone             bool
	yearKnown        bool
}

// valid reports whether the fields name a real instant (no Feb 30, no hour
// 25). A leap second (sec 60) is accepted and rolls into the next minute.
func (c *civil) valid() bool {
	return c.month >= 1 && c.month <= 12 && c.day >= 1 &&
		(!c.yearKnown || c.day <= daysIn(c.month, c.year)) && c.day <= 31 &&
		c.hour <= 23 && c.min <= 59 && c.sec <= 60
}

// utc converts a civil time that carries its zone offset. It does not call
// time.Date: the days-from-civil arithmetic is exact and much cheaper.
func (c *civil) utc() time.Time {
	secs := daysFromCivil(c.year, c.month, c.day)*86400 +
		int64(c.hour*3600+c.min*60+c.sec) - int64(c.offset)
	return time.Unix(secs, int64(c.nsec)).UTC()
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysIn(m, y int) int {
	switch m {
	case 2:
		if isLeap(y) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil returns the days since 1970-01-01 of a proleptic Gregorian
// date (Howard Hinnant's algorithm).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

// parseMonth maps "Jan".."Dec" to 1..12, 0 if s does not start with one.
func parseMonth(s string) int {
	if len(s) < 3 {
		return 0
	}
	switch s[:3] {
	case "Jan":
		return 1
	case "Feb":
		return 2
	case "Mar":
		return 3
	case "Apr":
		return 4
	case "May":
		return 5
	case "Jun":
		return 6
	case "Jul":
		return 7
	case "Aug":
		return 8
	case "Sep":
		return 9
	case "Oct":
		return 10
	case "Nov":
		return 11
	case "Dec":
		return 12
	}
	return 0
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// digits parses exactly n ASCII digits at s[i:]; ok is false otherwise.
func digits(s string, i, n int) (v int, ok bool) {
	if i < 0 || i+n > len(s) {
		return 0, false
	}
	for j := i; j < i+n; j++ {
		c := s[j]
		if !isDigit(c) {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

// parseClock parses "hh:mm:ss" with an optional ".fraction" at s[i:] into
// c and returns the index after it.
func parseClock(s string, i int, c *civil) (int, bool) {
	var ok1, ok2, ok3 bool
	c.hour, ok1 = digits(s, i, 2)
	c.min, ok2 = digits(s, i+3, 2)
	c.sec, ok3 = digits(s, i+6, 2)
	if !ok1 || !ok2 || !ok3 || s[i+2] != ':' || s[i+5] != ':' {
		return i, false
	}
	i += 8
	if i < len(s) && (s[i] == '.' || s[i] == ',') && i+1 < len(s) && isDigit(s[i+1]) {
		i++
		scale := 100000000
		for ; i < len(s) && isDigit(s[i]); i++ {
			c.nsec += int(s[i]-'0') * scale
			scale /= 10
		}
	}
	return i, true
}

// parseRFC3339 parses an RFC 3339 timestamp at the start of s:
// "2006-01-02T15:04:05[.frac](Z|±hh:mm)". A space may stand for the T,
// the zone may be missing (zone false) or written ±hhmm. n is the length
// consumed. The values are range-checked.
func parseRFC3339(s string) (c civil, n int, ok bool) {
	if len(s) < 19 || s[4] != '-' || s[7] != '-' || !(s[10] == 'T' || s[10] == 't' || s[10] == ' ') {
		return c, 0, false
	}
	var ok1, ok2, ok3 bool
	c.year, ok1 = digits(s, 0, 4)
	c.month, ok2 = digits(s, 5, 2)
	c.day, ok3 = digits(s, 8, 2)
	if !ok1 || !ok2 || !ok3 {
		return c, 0, false
	}
	c.yearKnown = true
	i, ok := parseClock(s, 11, &c)
	if !ok {
		return c, 0, false
	}
	if i < len(s) {
		switch s[i] {
		case 'Z', 'z':
			c.zone = true
			i++
		case '+', '-':
			oh, okh := digits(s, i+1, 2)
			j := i + 3
			if j < len(s) && s[j] == ':' {
				j++
			}
			om, okm := digits(s, j, 2)
			if okh && okm && oh <= 23 && om <= 59 {
				c.zone = true
				c.offset = oh*3600 + om*60
				if s[i] == '-' {
					c.offset = -c.offset
				}
				i = j + 2
			}
		}
	}
	if !c.valid() {
		return c, 0, false
	}
	return c, i, true
}

// localTimeCache remembers the Unix time of the start of one local hour,
// so consecutive lines of a file in the same hour need no time.Date call.
// The key includes the reference time because the year inference depends
// on it.
type localTimeCache struct {
	refUnix int64
	loc     *time.Location
	key     int64
	base    int64
	ok      bool
}

// localTime resolves a civil time without zone in loc. Without a year, the
// year is inferred from ref: the latest of ref's year+1, year and year-1 that
// puts the time no more than a day after ref. So a "Dec 31" line read with a
// January ref lands in the previous year, and a "Jan 1" line read on Dec 31
// lands in the next year only when it is within a day of ref (clock skew
// between hosts, a file written just after midnight); anything later is
// taken as last year's. The decision is cached per local hour.
// ok is false for a date that does not exist in any candidate year (Feb 30).
func (d *Decoder) localTime(c *civil, ref time.Time) (time.Time, bool) {
	if !c.valid() {
		return time.Time{}, false
	}
	refUnix := ref.Unix()
	key := int64(c.month)<<16 | int64(c.day)<<8 | int64(c.hour)
	if c.yearKnown {
		key |= int64(c.year) << 24
	}
	tc := &d.tc
	if !tc.ok || tc.key != key || tc.refUnix != refUnix || tc.loc != d.loc {
		base, ok := d.resolveHour(c, ref)
		if !ok {
			return time.Time{}, false
		}
		*tc = localTimeCache{refUnix: refUnix, loc: d.loc, key: key, base: base, ok: true}
	}
	return time.Unix(tc.base+int64(c.min*60+c.sec), int64(c.nsec)).UTC(), true
}

func (d *Decoder) resolveHour(c *civil, ref time.Time) (int64, bool) {
	hourStart := func(y int) (int64, bool) {
		if c.day > daysIn(c.month, y) {
			return 0, false
		}
		return time.Date(y, time.Month(c.month), c.day, c.hour, 0, 0, 0, d.loc).Unix(), true
	}
	if c.yearKnown {
		return hourStart(c.year)
	}
	limit := ref.Unix() + 86400
	y0 := ref.In(d.loc).Year()
	offset := int64(c.min*60 + c.sec)
	for y := y0 + 1; y >= y0-1; y-- {
		if b, ok := hourStart(y); ok && b+offset <= limit {
			return b, true
		}
	}
	// Feb 29 in a run of non-leap years: take the last leap year.
	for y := y0 - 2; y >= y0-8; y-- {
		if b, ok := hourStart(y); ok {
			return b, true
		}
	}
	return 0, false
}
