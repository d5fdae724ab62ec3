// Package baseline learns what normal looks like from history and flags
// what departs from it as events arrive.
//
// A Learner builds a Baseline from events: per host, the message templates
// seen and their counts by hour of week, counts per category and in total
// by hour of week, the apps and units; per user, the hours they are active,
// the addresses they log in from and the sudo commands they run; the
// packages installed; and, per host and source, how long it is normally
// quiet at each hour of the day. Everything is bounded: past a cap new
// values are counted, not kept, and the summary says so.
//
// A Detector compares events with a Baseline on event time, so replaying a
// file gives the same findings as watching it live, and attaches findings
// (event.Deviation) to the events they are about; a finding tied to no
// single event (a host gone quiet, a rate far below normal for an hour)
// becomes an event of its own from source "baseline". Without a Baseline a
// Detector learns first and detects once it has seen enough time.
package baseline

import (
	"slices"
	"strings"
	"time"
)

// Version is the baseline file format this package writes and reads.
const Version = 2

// Baseline is what normal looked like over a span of history.
type Baseline struct {
	Version int
	// Created is when the baseline was written (wall clock).
	Created time.Time
	// Zone names the time zone hours of the week are counted in.
	Zone string
	// Start and End are the event times of the first and last event learnt.
	Start, End time.Time
	Events     uint64
	Hosts      map[string]*Host
	Users      map[string]*User
	// Templates are the message templates seen, by ID.
	Templates map[string]*Template
	// Packages are the software packages installed, upgraded or removed.
	Packages map[string]Seen
	// Accounts are the user names account and permission changes were
	// about.
	Accounts map[string]Seen
	// Sources are where events came from (file paths without rotation
	// suffixes, journald, ...).
	Sources map[string]*Source
	// Dropped counts values not kept because a cap was reached.
	Dropped Dropped
}

// Seen is when a value was first and last seen (Unix seconds) and how often.
type Seen struct {
	First, Last int64
	Count       uint32
}

func (s *Seen) add(t int64) {
	if s.Count == 0 || t < s.First {
		s.First = t
	}
	if t > s.Last {
		s.Last = t
	}
	if s.Count < ^uint32(0) {
		s.Count++
	}
}

// Template is one message template of an app.
type Template struct {
	App, Text string
	Count     uint64
}

// Host is what one host did.
type Host struct {
	Group       string
	First, Last int64
	Events      uint64
	// Total counts all the host's events, Categories each category's and
	// Templates each template's, by hour of week.
	Total      Series
	Categories map[string]*Series
	Templates  map[string]*Series
	Apps       map[string]Seen
	Units      map[string]Seen
	// Quiet is how long the host was normally quiet around each hour.
	Quiet Quiet
}

// User is what one user did, on any host.
type User struct {
	First, Last int64
	// Logins counts auth.success events, Active the auth.success and
	// privilege.use events by hour of week.
	Logins uint32
	Active [HoursPerWeek]uint16
	// Addrs are the addresses the user logged in from; Sudo the commands
	// (program paths) the user ran with privilege; Hosts where the user
	// logged in.
	Addrs map[string]Seen
	Sudo  map[string]Seen
	Hosts map[string]Seen
	// Apps keeps the hours and addresses again per app the user came in
	// or used privilege through (sshd, sudo, dovecot): a phone's mail
	// client logging in around the clock from anywhere says nothing of
	// when or from where the user logs in over ssh.
	Apps map[string]*UserApp
}

// UserApp is what a User did through one app.
type UserApp struct {
	Active [HoursPerWeek]uint16
	Addrs  map[string]Seen
}

// Source is one place events came from.
type Source struct {
	First, Last int64
	Events      uint64
	// Hosts are the hosts seen in it (up to maxSourceHosts).
	Hosts []string
	Quiet Quiet
}

// Dropped counts what caps kept out of a Baseline.
type Dropped struct {
	Hosts, Users, Addrs, Sudo, Packages, Accounts, Units, Apps, Sources, TemplateSeries uint64
	UserApps                                                                            uint64
	// TemplateOverflow counts events given an app's overflow template
	// because the app had too many templates.
	TemplateOverflow uint64
}

// Caps bound a Baseline's size.
type Caps struct {
	Hosts, Users, AddrsPerUser, SudoPerUser, HostsPerUser, Packages int
	UnitsPerHost, AppsPerHost, TemplatesPerHost, Sources            int
	AppsPerUser                                                     int
}

// DefaultCaps keep a baseline of a busy fleet to a few megabytes.
var DefaultCaps = Caps{
	Hosts: 2000, Users: 10000, AddrsPerUser: 64, SudoPerUser: 128, HostsPerUser: 256,
	Packages: 20000, UnitsPerHost: 2000, AppsPerHost: 1000, TemplatesPerHost: 3000, Sources: 1000,
	AppsPerUser: 16,
}

const maxSourceHosts = 16

// HoursPerWeek is the number of hours of the week: an hour of week is
// weekday*24 + hour, Sunday 0.
const HoursPerWeek = 7 * 24

// Series counts a key's events by hour of week. Only hours of week with
// events have an entry.
type Series struct {
	Count uint64
	Hours []Hour // sorted by How
}

// Hour summarises a key's counts in the calendar hours that fell on one hour
// of the week: in how many of them it had events (N), the total, the least
// and most in one hour (of those with events), and the most in any five
// minutes.
type Hour struct {
	How                 uint8
	N                   uint16
	Sum, Min, Max, Peak uint32
}

// find returns where how's entry is, or would go, and whether it is there.
func (s *Series) find(how int) (int, bool) {
	return slices.BinarySearchFunc(s.Hours, uint8(how), func(h Hour, t uint8) int { return int(h.How) - int(t) })
}

// hour returns the entry for how, or nil.
func (s *Series) hour(how int) *Hour {
	i, ok := s.find(how)
	if !ok {
		return nil
	}
	return &s.Hours[i]
}

// addHour folds one calendar hour with count events (and a five-minute
// peak) into the series.
func (s *Series) addHour(how int, count, peak uint32) {
	i, ok := s.find(how)
	if !ok {
		s.Hours = slices.Insert(s.Hours, i, Hour{How: uint8(how), Min: count})
	}
	h := &s.Hours[i]
	if h.N < ^uint16(0) {
		h.N++
	}
	h.Sum += count
	h.Min = min(h.Min, count)
	h.Max = max(h.Max, count)
	h.Peak = max(h.Peak, peak)
}

// merge folds o into s, for two templates that turned out to be one: where
// both have an hour of week, the counts may come from the same calendar
// hours, so maxima add up (which errs towards a higher ceiling, never a
// lower one).
func (s *Series) merge(o *Series) {
	s.Count += o.Count
	for _, oh := range o.Hours {
		i, ok := s.find(int(oh.How))
		if !ok {
			s.Hours = slices.Insert(s.Hours, i, oh)
			continue
		}
		h := &s.Hours[i]
		h.N = max(h.N, oh.N)
		h.Sum += oh.Sum
		h.Min = min(h.Min, oh.Min)
		h.Max += oh.Max
		h.Peak += oh.Peak
	}
}

// Quiet records, for each hour of the day on weekdays ([0]) and at weekends
// ([1]), the longest gap between two events that overlapped that hour, in
// seconds.
type Quiet [2][24]uint32

// add records a gap between events at unix times a and b.
func (q *Quiet) add(c *clock, a, b int64) {
	gap := uint32(min(b-a, 1<<31))
	// Every hour the gap overlaps (at most a week's worth).
	for t, n := a, 0; t < b && n <= HoursPerWeek; n++ {
		how, end := c.hourOf(t)
		dt, hod := dayType(how), how%24
		q[dt][hod] = max(q[dt][hod], gap)
		t = end
	}
}

// dayType is 1 for Saturday and Sunday, else 0.
func dayType(how int) int {
	if d := how / 24; d == 0 || d == 6 {
		return 1
	}
	return 0
}

// Group returns the host group of host: the name up to its first dot, with
// trailing digits and the separator before them dropped, so web1, web-02
// and web3.example.com are all "web". A name that is all digits is its own
// group.
func Group(host string) string {
	name := host
	if i := strings.IndexByte(name, '.'); i > 0 {
		name = name[:i]
	}
	g := strings.TrimRight(name, "0123456789")
	g = strings.TrimRight(g, "-_")
	if g == "" {
		return name
	}
	return g
}

// sourceKey names a source without its rotation suffix, so history read
// from auth.log.1 and auth.log.2.gz counts as auth.log.
func sourceKey(src string) string {
	s := strings.TrimSuffix(src, ".gz")
	if i := strings.LastIndexByte(s, '.'); i > 0 && allDigits(s[i+1:]) {
		s = s[:i]
	} else if i := strings.LastIndexByte(s, '-'); i > 0 && len(s)-i-1 == 8 && allDigits(s[i+1:]) {
		s = s[:i] // logrotate's dateext: syslog-20261122
	}
	return s
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// clock turns Unix times into hours of the week in one zone, remembering
// the last hour asked about (events mostly come in order).
type clock struct {
	loc        *time.Location
	start, end int64
	how        int
}

func newClock(loc *time.Location) *clock {
	if loc == nil {
		loc = time.UTC
	}
	return &clock{loc: loc, start: 1, end: 0}
}

// hourOf returns the hour of week of unix time t and when that hour ends.
func (c *clock) hourOf(t int64) (how int, end int64) {
	if t >= c.start && t < c.end {
		return c.how, c.end
	}
	lt := time.Unix(t, 0).In(c.loc)
	c.start = t - int64(lt.Minute()*60+lt.Second())
	c.end = c.start + 3600
	c.how = int(lt.Weekday())*24 + lt.Hour()
	return c.how, c.end
}

// coverage returns how many calendar hours of each hour of week lie in
// [first, last].
func coverage(c *clock, first, last int64) (n [HoursPerWeek]uint16) {
	if last < first {
		return n
	}
	// Whole weeks cover every hour of the week alike; the rest is walked.
	hours := (last-first)/3600 + 1
	weeks := hours / HoursPerWeek
	for i := range n {
		n[i] = uint16(min(weeks, 1<<15))
	}
	for t, i := first+weeks*HoursPerWeek*3600, 0; t <= last && i <= HoursPerWeek; i++ {
		how, end := c.hourOf(t)
		n[how]++
		t = end
	}
	return n
}

var weekdays = [...]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}

// howName says an hour of the week the way a person would: "Sun 03:00".
func howName(how int) string {
	return weekdays[how/24] + " " + twoDigits(how%24) + ":00"
}

func twoDigits(n int) string {
	return string([]byte{byte('0' + n/10), byte('0' + n%10)})
}
