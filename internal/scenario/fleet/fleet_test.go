package fleet

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // the zone below, wherever the tests run

	"github.com/vigil-sec/vigil/internal/scenario"
)

// fixture is the default 14+2 day scenario in a zone far from UTC,
// generated once and shared by the tests, with its lines by host.
type fixture struct {
	s      *scenario.Scenario
	ev     map[string][]scenario.Line
	byHost map[string][]scenario.Line
}

var shared = sync.OnceValue(func() *fixture {
	loc, err := time.LoadLocation("Pacific/Auckland")
	if err != nil {
		panic(err)
	}
	s, ev := GenerateWithEvidence(scenario.Config{Seed: 42, Zone: loc})
	fx := &fixture{s: s, ev: ev, byHost: map[string][]scenario.Line{}}
	n := map[string]int{}
	for _, l := range s.Lines {
		n[l.Host]++
	}
	for h, c := range n {
		fx.byHost[h] = make([]scenario.Line, 0, c)
	}
	for _, l := range s.Lines {
		fx.byHost[l.Host] = append(fx.byHost[l.Host], l)
	}
	return fx
})

// linesOf returns the lines of host in [from, to); zero times are open.
func (fx *fixture) linesOf(host string, from, to time.Time) []scenario.Line {
	ls := fx.byHost[host]
	lo := sort.Search(len(ls), func(i int) bool { return !ls[i].Time.Before(from) })
	hi := len(ls)
	if !to.IsZero() {
		hi = sort.Search(len(ls), func(i int) bool { return !ls[i].Time.Before(to) })
	}
	return ls[lo:max(lo, hi)]
}

// logins returns user's sshd logins (user, address) before end.
func (fx *fixture) logins(user string, end time.Time) []scenario.Line {
	var out []scenario.Line
	for _, ls := range fx.byHost {
		for _, l := range ls {
			if l.Time.Before(end) && strings.Contains(l.Text, "Accepted ") {
				if m := acceptedFrom.FindStringSubmatch(l.Text); m != nil && m[1] == user {
					out = append(out, l)
				}
			}
		}
	}
	return out
}

func incident(t *testing.T, s *scenario.Scenario, id string) scenario.Incident {
	t.Helper()
	for _, in := range s.Incidents {
		if in.ID == id {
			return in
		}
	}
	t.Fatalf("no incident %s", id)
	return scenario.Incident{}
}

func TestDeterministic(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		cfg       scenario.Config
		otherSeed bool
	}{
		{"default zone", scenario.Config{Seed: 3, LearnDays: 1, TestDays: 1}, true},
		// New York leaves daylight saving time on 2026-11-01.
		{"across a DST change", scenario.Config{Seed: 9, LearnDays: 1, TestDays: 1, Zone: ny, Start: time.Date(2026, 10, 31, 15, 0, 0, 0, ny)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a, b := Generate(tt.cfg), Generate(tt.cfg)
			if len(a.Lines) == 0 || !slices.Equal(a.Lines, b.Lines) {
				t.Fatalf("two runs differ (%d and %d lines)", len(a.Lines), len(b.Lines))
			}
			if !slices.EqualFunc(a.Incidents, b.Incidents, func(x, y scenario.Incident) bool {
				return x.ID == y.ID && x.Start.Equal(y.Start) && x.End.Equal(y.End) && x.Lines == y.Lines
			}) {
				t.Fatal("two runs have different incidents")
			}
			if tt.otherSeed {
				other := tt.cfg
				other.Seed++
				if c := Generate(other); slices.Equal(a.Lines, c.Lines) || c.Incidents[0].Start.Equal(a.Incidents[0].Start) {
					t.Fatal("another seed gives the same lines")
				}
			}
			if got := a.IncidentDay[1].Sub(a.LearnEnd.AddDate(0, 0, -1)); got < 47*time.Hour || got > 49*time.Hour {
				t.Fatalf("two days last %v", got)
			}
			if !a.NormalDay[0].IsZero() || len(a.Incidents) != 6 {
				t.Fatalf("one test day: normal day %v, %d incidents", a.NormalDay, len(a.Incidents))
			}
			for i, l := range a.Lines {
				if i > 0 && l.Time.Before(a.Lines[i-1].Time) {
					t.Fatalf("line %d out of order: %s", i, l.Text)
				}
			}
		})
	}
}

func TestCalendar(t *testing.T) {
	fx := shared()
	s := fx.s
	loc := s.Lines[0].Time.Location()
	start := time.Date(2026, 11, 2, 0, 0, 0, 0, loc)
	tests := []struct {
		name string
		got  time.Time
		want time.Time
	}{
		{"learn end", s.LearnEnd, start.AddDate(0, 0, 14)},
		{"normal day", s.NormalDay[0], start.AddDate(0, 0, 14)},
		{"normal day end", s.NormalDay[1], start.AddDate(0, 0, 15)},
		{"incident day", s.IncidentDay[0], start.AddDate(0, 0, 15)},
		{"incident day end", s.IncidentDay[1], start.AddDate(0, 0, 16)},
	}
	for _, tt := range tests {
		if !tt.got.Equal(tt.want) {
			t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
		}
	}
	if want := []string{"mail1", "vpn1", "app1", "app2", "files1", "ns1", "mon1"}; !slices.Equal(s.Hosts, want) {
		t.Errorf("hosts %v, want %v", s.Hosts, want)
	}
}

func TestLinesSortedAndInRange(t *testing.T) {
	fx := shared()
	s := fx.s
	first := s.IncidentDay[0].AddDate(0, 0, -15)
	for i, l := range s.Lines {
		if i > 0 && l.Time.Before(s.Lines[i-1].Time) {
			t.Fatalf("line %d out of order: %s after %s", i, l.Text, s.Lines[i-1].Text)
		}
		if l.Time.Before(first) || !l.Time.Before(s.IncidentDay[1]) {
			t.Fatalf("line %d outside the scenario: %s", i, l.Text)
		}
	}
	if n := len(s.Lines); n < 300_000 || n > 600_000 {
		t.Errorf("%d lines, want 300k to 600k", n)
	}
}

func TestTimestampsParseInZone(t *testing.T) {
	fx := shared()
	s := fx.s
	loc := s.Lines[0].Time.Location()
	for _, l := range s.Lines {
		var ts time.Time
		var rest string
		var err error
		if l.Text[0] >= '0' && l.Text[0] <= '9' {
			f, r, _ := strings.Cut(l.Text, " ")
			ts, err = time.Parse(time.RFC3339Nano, f)
			rest = r
		} else {
			ts, err = time.ParseInLocation("2006 "+time.Stamp, l.Time.Format("2006 ")+l.Text[:15], loc)
			rest = l.Text[16:]
		}
		if err != nil {
			t.Fatalf("%q: %v", l.Text, err)
		}
		if !ts.Equal(l.Time) {
			t.Fatalf("%q: timestamp %v, line time %v", l.Text, ts, l.Time)
		}
		if _, off := ts.Zone(); off != 13*3600 {
			t.Fatalf("%q: offset %d, want NZDT", l.Text, off)
		}
		if !strings.HasPrefix(rest, l.Host+" ") {
			t.Fatalf("%q: host is not %s", l.Text, l.Host)
		}
	}
}

func TestFormatsByHost(t *testing.T) {
	fx := shared()
	s := fx.s
	iso := map[string]bool{"vpn1": true, "app1": true, "app2": true, "ns1": true}
	seen := map[string]bool{}
	for _, l := range s.Lines {
		if seen[l.Host] {
			continue
		}
		seen[l.Host] = true
		if got := l.Text[4] == '-'; got != iso[l.Host] {
			t.Errorf("%s writes %q, want RFC 3339: %v", l.Host, l.Text, iso[l.Host])
		}
	}
}

func TestIncidentEvidence(t *testing.T) {
	fx := shared()
	s, ev := fx.s, fx.ev
	tests := []struct {
		id, host string
		kinds    []string
		min      int
	}{
		{idBruteForce, "files1", []string{"rate_high", "new_template", "new_value"}, 300},
		{idNewAdmin, "app2", []string{"new_value", "out_of_hours", "new_template"}, 10},
		{idNightSudo, "app1", []string{"out_of_hours"}, 8},
		{idNewPackage, "vpn1", []string{"new_value"}, 3},
		{idNewAddress, "mail1", []string{"new_value"}, 6},
		{idSilence, "ns1", []string{"silence", "rate_low"}, 1},
	}
	if len(s.Incidents) != len(tests) {
		t.Fatalf("%d incidents, want %d", len(s.Incidents), len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			in := incident(t, s, tt.id)
			ls := ev[tt.id]
			if in.Host != tt.host || !slices.Equal(in.Kinds, tt.kinds) || in.What == "" {
				t.Errorf("incident %+v", in)
			}
			if len(ls) < tt.min || in.Lines != len(ls) {
				t.Errorf("%d evidence lines, manifest says %d, want at least %d", len(ls), in.Lines, tt.min)
			}
			if in.Start.Before(s.IncidentDay[0]) || in.End.After(s.IncidentDay[1]) || in.End.Before(in.Start) {
				t.Errorf("incident from %v to %v, outside the incident day", in.Start, in.End)
			}
			for _, l := range ls {
				if l.Host != tt.host || l.Time.Before(in.Start) || l.Time.After(in.End) {
					t.Errorf("evidence %q outside the incident's host or time", l.Text)
				}
				if !slices.Contains(fx.linesOf(l.Host, l.Time, l.Time.Add(time.Microsecond)), l) {
					t.Errorf("evidence %q is not among the lines", l.Text)
				}
			}
		})
	}
}

// failedLogin reports whether a line says an authentication failed, in
// any of the ways the programs here say it.
func failedLogin(text string) bool {
	for _, s := range []string{"Failed password", "Invalid user", "authentication failure", "incorrect password", "invalid user", "auth failed", "authentication failed", "Too many authentication"} {
		if strings.Contains(text, s) {
			return true
		}
	}
	return false
}

func TestBruteForceHostNeverFailedBefore(t *testing.T) {
	fx := shared()
	s, ev := fx.s, fx.ev
	for _, l := range fx.linesOf("files1", time.Time{}, s.IncidentDay[0]) {
		if failedLogin(l.Text) {
			t.Fatalf("files1 has a failed login before the incident: %s", l.Text)
		}
	}
	n := 0
	for _, l := range ev[idBruteForce] {
		if strings.Contains(l.Text, "Failed password") {
			n++
		}
	}
	in := incident(t, s, idBruteForce)
	if n < 80 || in.End.Sub(in.Start) > 15*time.Minute {
		t.Errorf("%d failed passwords in %v: not a brute force", n, in.End.Sub(in.Start))
	}
	// The exposed hosts do see failed logins every day.
	for _, h := range []string{"mail1", "vpn1"} {
		if !slices.ContainsFunc(fx.linesOf(h, time.Time{}, s.LearnEnd), func(l scenario.Line) bool { return failedLogin(l.Text) }) {
			t.Errorf("%s has no internet noise", h)
		}
	}
}

func TestNewPackageNeverSeenBefore(t *testing.T) {
	fx := shared()
	s, ev := fx.s, fx.ev
	for _, l := range s.Lines {
		if l.Time.Before(s.IncidentDay[0]) && strings.Contains(l.Text, newPackage.name) {
			t.Fatalf("%s appears before the incident: %s", newPackage.name, l.Text)
		}
	}
	if !slices.ContainsFunc(ev[idNewPackage], func(l scenario.Line) bool {
		return strings.Contains(l.Text, "install "+newPackage.nevra(0)+": success")
	}) {
		t.Error("no rpm install line among the evidence")
	}
	// Patch days upgrade the same package names every week.
	names := map[time.Time][]string{}
	for _, l := range fx.linesOf("app1", time.Time{}, s.LearnEnd) {
		if _, pkg, ok := strings.Cut(l.Text, "]: install "); ok {
			day := time.Date(l.Time.Year(), l.Time.Month(), l.Time.Day(), 0, 0, 0, 0, l.Time.Location())
			names[day] = append(names[day], strings.SplitN(pkg, "-", 2)[0])
		}
	}
	if len(names) < 2 {
		t.Fatalf("%d patch days in the learning weeks", len(names))
	}
	var first []string
	for d, ns := range names {
		if d.Weekday() != time.Wednesday {
			t.Errorf("packages installed on a %v", d.Weekday())
		}
		if first == nil {
			first = ns
		} else if !slices.Equal(first, ns) {
			t.Errorf("patch days install different packages: %v and %v", first, ns)
		}
	}
}

// acceptedFrom extracts user and address from an sshd login line.
var acceptedFrom = regexp.MustCompile(`Accepted (?:publickey|password) for (\S+) from (\S+) port`)

func TestNewAddressNeverSeenBefore(t *testing.T) {
	fx := shared()
	s, ev := fx.s, fx.ev
	var addr string
	for _, l := range ev[idNewAddress] {
		if m := acceptedFrom.FindStringSubmatch(l.Text); m != nil && m[1] == "ruben" {
			addr = m[2]
		}
	}
	if addr == "" {
		t.Fatal("no login of ruben among the evidence")
	}
	used := map[string]bool{}
	for _, l := range s.Lines {
		if !l.Time.Before(s.IncidentDay[0]) {
			break
		}
		if strings.Contains(l.Text, addr) {
			t.Fatalf("%s appears before the incident: %s", addr, l.Text)
		}
	}
	for _, l := range fx.logins("ruben", s.IncidentDay[0]) {
		used[acceptedFrom.FindStringSubmatch(l.Text)[2]] = true
	}
	if len(used) == 0 || used[addr] {
		t.Errorf("ruben used %v before", used)
	}
	for a := range used {
		if strings.Join(strings.Split(a, ".")[:2], ".") == strings.Join(strings.Split(addr, ".")[:2], ".") {
			t.Errorf("ruben's new address %s is in the same network as %s", addr, a)
		}
	}
}

func TestNightSudoFromKnownAddress(t *testing.T) {
	fx := shared()
	s, ev := fx.s, fx.ev
	in := incident(t, s, idNightSudo)
	if h := in.Start.Hour(); h < 2 || h > 4 {
		t.Errorf("night sudo at %v", in.Start)
	}
	var addr string
	sudo := 0
	for _, l := range ev[idNightSudo] {
		if m := acceptedFrom.FindStringSubmatch(l.Text); m != nil {
			addr = m[2]
		}
		if strings.Contains(l.Text, "COMMAND=") {
			sudo++
		}
	}
	if sudo == 0 {
		t.Error("no sudo in the night session")
	}
	// Only the hour is new: hana used this address and app1 before, by day.
	known := false
	for _, l := range fx.logins("hana", s.LearnEnd) {
		if m := acceptedFrom.FindStringSubmatch(l.Text); l.Host == "app1" && m[2] == addr {
			known = true
			if h := l.Time.Hour(); h < 7 || h > 19 {
				t.Errorf("hana logged in at night in the learning days: %s", l.Text)
			}
		}
	}
	if !known {
		t.Errorf("hana never used %s on app1 before", addr)
	}
}

func TestNewAdminAccount(t *testing.T) {
	fx := shared()
	s, ev := fx.s, fx.ev
	var text []string
	for _, l := range ev[idNewAdmin] {
		text = append(text, l.Text)
	}
	all := strings.Join(text, "\n")
	for _, want := range []string{"new user: name=svcbackup", "add 'svcbackup' to group 'wheel'", "Accepted password for svcbackup", "svcbackup : TTY="} {
		if !strings.Contains(all, want) {
			t.Errorf("evidence lacks %q", want)
		}
	}
	if in := incident(t, s, idNewAdmin); in.Start.Hour() >= 5 || in.End.Hour() >= 5 {
		t.Errorf("account created from %v to %v, not at night", in.Start, in.End)
	}
	for _, l := range fx.linesOf("app2", time.Time{}, s.IncidentDay[0]) {
		if strings.Contains(l.Text, "useradd") || strings.Contains(l.Text, "wheel") {
			t.Fatalf("app2 saw account changes before: %s", l.Text)
		}
	}
}

func TestSilence(t *testing.T) {
	fx := shared()
	s := fx.s
	in := incident(t, s, idSilence)
	day := fx.linesOf("ns1", s.IncidentDay[0], s.IncidentDay[1])
	if len(day) == 0 || !day[len(day)-1].Time.Equal(in.Start) {
		t.Fatalf("silence starts %v, ns1's last line is not there", in.Start)
	}
	if !in.End.Equal(s.IncidentDay[1]) {
		t.Errorf("silence ends %v, want the end of the day", in.End)
	}
	if in.Start.Sub(s.IncidentDay[0]) < 10*time.Hour {
		t.Errorf("ns1 goes silent at %v, too early to notice a change", in.Start)
	}
	// Until it goes silent ns1 logs every hour, that day and every day
	// before.
	for h := range in.Start.Hour() {
		if !slices.ContainsFunc(day, func(l scenario.Line) bool { return l.Time.Hour() == h }) {
			t.Errorf("ns1 logs nothing at %02d:00 on the incident day", h)
		}
	}
	for d := s.IncidentDay[0].AddDate(0, 0, -15); d.Before(s.IncidentDay[0]); d = d.AddDate(0, 0, 1) {
		hours := map[int]int{}
		for _, l := range fx.linesOf("ns1", d, d.AddDate(0, 0, 1)) {
			hours[l.Time.Hour()]++
		}
		for h := range 24 {
			if hours[h] < 5 {
				t.Errorf("ns1 logs %d lines at %02d:00 on %s", hours[h], h, d.Format("Jan 2"))
			}
		}
	}
}

func TestNightShiftLogsInAtNight(t *testing.T) {
	fx := shared()
	s := fx.s
	tests := []struct {
		user         string
		night        bool
		minShare     float64
		saturdayWork bool
	}{
		{user: "mateo", night: true, minShare: 0.95},
		{user: "hana", night: false, minShare: 0.95},
		{user: "ruben", night: false, minShare: 0.95, saturdayWork: true},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			n, atNight, saturday := 0, 0, 0
			for _, l := range fx.logins(tt.user, s.LearnEnd) {
				n++
				if h := l.Time.Hour(); h >= 21 || h < 7 {
					atNight++
				}
				if l.Time.Weekday() == time.Saturday {
					saturday++
				}
			}
			share := float64(atNight) / float64(max(n, 1))
			if !tt.night {
				share = 1 - share
			}
			if n < 20 || share < tt.minShare {
				t.Errorf("%d logins, %.0f%% in the expected hours", n, 100*share)
			}
			if tt.saturdayWork != (saturday > 0) {
				t.Errorf("%d logins on Saturdays", saturday)
			}
		})
	}
}

func TestVolumes(t *testing.T) {
	fx := shared()
	s := fx.s
	perDay := map[string][]int{}
	for d := s.IncidentDay[0].AddDate(0, 0, -15); d.Before(s.IncidentDay[1]); d = d.AddDate(0, 0, 1) {
		for _, h := range s.Hosts {
			perDay[h] = append(perDay[h], len(fx.linesOf(h, d, d.AddDate(0, 0, 1))))
		}
	}
	for h, ns := range perDay {
		t.Logf("%-6s lines per day: %v", h, ns)
	}
	tests := []struct {
		host     string
		min, max int
	}{
		{"mail1", 3000, 20000},
		{"vpn1", 800, 6000},
		{"app1", 4000, 25000},
		{"app2", 1500, 6000},
		{"files1", 800, 5000},
		{"ns1", 1500, 12000},
		{"mon1", 200, 800},
	}
	for _, tt := range tests {
		for i, n := range perDay[tt.host] {
			if n < tt.min || n > tt.max {
				t.Errorf("%s logs %d lines on day %d, want %d to %d", tt.host, n, i, tt.min, tt.max)
			}
		}
	}
}
