package fleet

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/vigil-sec/vigil/internal/scenario"
)

// Timestamp layouts: rsyslog's traditional file format on CentOS 7, its
// high-precision RFC 3339 format on Rocky 9.
const (
	layout3164 = time.Stamp
	layout3339 = "2006-01-02T15:04:05.000000-07:00"
)

// hostDay writes one host's lines for one day. It is used by one
// goroutine only.
type hostDay struct {
	f    *fleet
	h    *host
	d    day
	r    *rand.Rand
	seed uint64
	plan *dayPlan
	// busy scales the day's business traffic: weekday rhythm times a
	// day-to-day wobble.
	busy float64

	lines    []scenario.Line
	evidence map[string][]scenario.Line
	// incident is the ID under which lines written now are evidence;
	// empty for normal traffic.
	incident string
	logins   []loginReq
	buf      []byte       // scratch space for the line being written
	pids     map[int]bool // process IDs handed out today
}

// loginReq is a logind session waiting for its number.
type loginReq struct {
	t  time.Time
	fn func(id int)
}

// log writes one line as the host's rsyslog would: timestamp, host
// name, program, optional [pid], message.
func (hd *hostDay) log(t time.Time, prog string, pid int, msg string) {
	t, b := hd.header(t, prog, pid, len(msg))
	if len(msg) == 0 || msg[0] != ' ' {
		b = append(b, ' ')
	}
	hd.add(t, append(b, msg...))
}

// logf is log with a format.
func (hd *hostDay) logf(t time.Time, prog string, pid int, format string, args ...any) {
	t, b := hd.header(t, prog, pid, len(format)+32)
	n := len(b)
	b = fmt.Appendf(b, format, args...)
	if len(b) > n && b[n] != ' ' {
		// rsyslog's templates put a space after the tag only when the
		// message does not start with one (sudo pads the user name).
		b = slices.Insert(b, n, ' ')
	}
	hd.add(t, b)
}

// header starts a line in the day's scratch buffer: the timestamp in
// the host's format, host name and "prog[pid]:". It returns the time as
// the line shows it.
func (hd *hostDay) header(t time.Time, prog string, pid int, size int) (time.Time, []byte) {
	t = t.In(hd.d.start.Location())
	b := hd.buf[:0]
	if cap(b) < size+64 {
		b = make([]byte, 0, size+128)
	}
	if hd.h.os == el7 {
		t = t.Truncate(time.Second)
		b = t.AppendFormat(b, layout3164)
	} else {
		t = t.Truncate(time.Microsecond)
		b = t.AppendFormat(b, layout3339)
	}
	b = append(b, ' ')
	b = append(b, hd.h.name...)
	b = append(b, ' ')
	b = append(b, prog...)
	if pid > 0 {
		b = append(b, '[')
		b = strconv.AppendInt(b, int64(pid), 10)
		b = append(b, ']')
	}
	return t, append(b, ':')
}

// add stores the line in b, and keeps b for the next one.
func (hd *hostDay) add(t time.Time, b []byte) {
	l := scenario.Line{Time: t, Host: hd.h.name, Text: string(b)}
	hd.buf = b
	hd.lines = append(hd.lines, l)
	if hd.incident != "" {
		hd.evidence[hd.incident] = append(hd.evidence[hd.incident], l)
	}
}

// sys writes a line of the host's service manager: "systemd[1]" on
// Rocky 9, plain "systemd" on CentOS 7 as its rsyslog shows it.
func (hd *hostDay) sys(t time.Time, format string, args ...any) {
	if hd.h.os == el7 {
		hd.log(t, "systemd", 0, fmt.Sprintf(format, args...))
		return
	}
	hd.log(t, "systemd", 1, fmt.Sprintf(format, args...))
}

// logind writes a line of systemd-logind.
func (hd *hostDay) logind(t time.Time, format string, args ...any) {
	hd.log(t, "systemd-logind", hd.h.pid["systemd-logind"], fmt.Sprintf(format, args...))
}

// pidAt returns a process ID for a process started at t. PIDs grow with
// time at a host's fork rate and wrap at pid_max, so they look like one
// machine's, whatever order lines are written in.
func (hd *hostDay) pidAt(t time.Time) int {
	rate, lo, hi := 0.35, 4000, 4194304
	if hd.h.os == el7 {
		rate, lo, hi = 0.21, 300, 32768
	}
	el := t.Sub(hd.d.start).Seconds() + float64(hd.d.idx)*86400 + float64(hd.h.sessBase)*97
	n := int(el*rate) + hd.r.IntN(4)
	if hd.pids == nil {
		hd.pids = map[int]bool{}
	}
	for hd.pids[n] {
		n += 1 + hd.r.IntN(2)
	}
	hd.pids[n] = true
	return lo + n%(hi-lo)
}

// session queues fn to write a logind session starting at t; sessions
// are numbered in time order when the day is finished.
func (hd *hostDay) session(t time.Time, fn func(id int)) {
	hd.logins = append(hd.logins, loginReq{t, fn})
}

// finish numbers and writes the queued sessions.
func (hd *hostDay) finish() {
	slices.SortStableFunc(hd.logins, func(a, b loginReq) int { return a.t.Compare(b.t) })
	base := hd.h.sessBase + hd.d.idx*400
	for i, l := range hd.logins {
		l.fn(base + i + 1)
	}
	hd.logins = nil
}

// arrivals calls fn at Poisson arrival times over the day, with
// perHour(hour) events expected in each local hour.
func (hd *hostDay) arrivals(perHour func(hour int) float64, fn func(t time.Time)) {
	hd.d.hours(func(t time.Time, hour int) {
		n := poisson(hd.r, perHour(hour))
		for range n {
			fn(t.Add(time.Duration(hd.r.Int64N(int64(time.Hour)))))
		}
	})
}

// office is the shape of business traffic over a weekday, 1 at its
// peak; nights are quiet but not empty.
func office(hour int) float64 {
	return [24]float64{
		0.05, 0.04, 0.03, 0.03, 0.03, 0.05, 0.12, 0.35,
		0.75, 0.95, 1.0, 0.98, 0.8, 0.9, 1.0, 0.95,
		0.85, 0.6, 0.35, 0.25, 0.2, 0.16, 0.12, 0.08,
	}[hour]
}

// weekdayLoad is how busy business traffic is on a weekday.
func weekdayLoad(wd time.Weekday) float64 {
	switch wd {
	case time.Saturday:
		return 0.3
	case time.Sunday:
		return 0.22
	case time.Monday:
		return 1.08
	case time.Friday:
		return 0.88
	}
	return 1
}

// busyness is the day's load on business traffic: the weekday's rhythm
// and a wobble shared by all hosts.
func busyness(r *rand.Rand, d day) float64 { return weekdayLoad(d.wd) * wobble(r, 0.12) }
