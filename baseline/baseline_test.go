package baseline

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/event"
)

func TestWindow(t *testing.T) {
	tests := []struct {
		name    string
		minutes []int64
		want    uint32
	}{
		{"one minute", []int64{10, 10, 10}, 3},
		{"within five", []int64{10, 11, 12, 13, 14}, 5},
		{"oldest falls out", []int64{10, 11, 12, 13, 14, 15}, 5},
		{"gap empties", []int64{10, 10, 30}, 1},
		{"late event counts now", []int64{20, 3}, 2},
	}
	for _, tt := range tests {
		var w window
		var got uint32
		for _, m := range tt.minutes {
			got = w.add(m)
		}
		if got != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, got, tt.want)
		}
	}
	var w window
	w.add(100)
	w.add(101)
	if got := w.count(104); got != 2 {
		t.Errorf("count(104) = %d, want 2", got)
	}
	if got := w.count(105); got != 1 {
		t.Errorf("count(105) = %d, want 1", got)
	}
	if got := w.count(200); got != 0 {
		t.Errorf("count(200) = %d, want 0", got)
	}
}

func TestNames(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"web1", "web"}, {"web-02", "web"}, {"db3.example.com", "db"}, {"bastion", "bastion"},
		{"10", "10"}, {"10.0.0.1", "10"}, {"", ""},
	} {
		if got := Group(tt.in); got != tt.want {
			t.Errorf("Group(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, tt := range []struct{ in, want string }{
		{"file:/var/log/auth.log", "file:/var/log/auth.log"},
		{"file:/var/log/auth.log.1", "file:/var/log/auth.log"},
		{"file:/var/log/auth.log.2.gz", "file:/var/log/auth.log"},
		{"file:/var/log/syslog-20261122", "file:/var/log/syslog"},
		{"file:/var/log/syslog-2026.gz", "file:/var/log/syslog-2026"},
		{"journald", "journald"},
	} {
		if got := sourceKey(tt.in); got != tt.want {
			t.Errorf("sourceKey(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, tt := range []struct{ in, want string }{
		{"/usr/bin/systemctl restart nginx", "/usr/bin/systemctl restart"},
		{"/usr/bin/systemctl stop auditd", "/usr/bin/systemctl stop"},
		{"/usr/bin/journalctl -u nginx", "/usr/bin/journalctl"},
		{"/bin/cat /etc/shadow", "/bin/cat"},
		{"/usr/bin/apt-get install nmap", "/usr/bin/apt-get install"},
		{"/bin/bash", "/bin/bash"},
		{"  ", ""},
	} {
		if got := CommandKey(tt.in); got != tt.want {
			t.Errorf("CommandKey(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCoverage(t *testing.T) {
	c := newClock(time.UTC)
	mon := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC) // a Monday
	n := coverage(c, mon.Unix(), mon.Add(14*24*time.Hour-time.Second).Unix())
	for how, k := range n {
		if k != 2 {
			t.Fatalf("two weeks: hour %s covered %d times, want 2", howName(how), k)
		}
	}
	n = coverage(c, mon.Add(9*time.Hour).Unix(), mon.Add(11*time.Hour+30*time.Minute).Unix())
	if n[24+9] != 1 || n[24+10] != 1 || n[24+11] != 1 || n[24+12] != 0 || n[24+8] != 0 {
		t.Errorf("Mon 09:00–11:30 covered %v", n[24+8:24+13])
	}
}

func TestCeiling(t *testing.T) {
	var cov [HoursPerWeek]uint16
	for i := range cov {
		cov[i] = 2
	}
	// A key busy on weekday mornings only.
	var office Series
	for day := 1; day <= 5; day++ {
		office.addHour(day*24+9, 40, 8)
	}
	// A key busy at every hour (internet noise), with one big burst.
	var noise Series
	for how := range HoursPerWeek {
		office := uint32(3)
		if how == 50 {
			office = 60
		}
		noise.addHour(how, 20, office)
	}
	tests := []struct {
		name      string
		s         *Series
		how       int
		ceil, thr uint32
		// the hour's
		hceil, hthr uint32
	}{
		{"nothing learnt", nil, 3, 0, minBurst, 0, minHourBurst},
		{"the hour itself", &office, 24 + 9, 8, 21, 40, 95},
		{"an hour either side", &office, 24 + 10, 8, 21, 40, 95},
		{"the same hour on another weekday", &office, 3*24 + 8, 8, 21, 40, 95},
		{"a weekday night", &office, 24 + 3, 0, minBurst, 0, minHourBurst},
		{"a weekend morning", &office, 6*24 + 9, 0, minBurst, 0, minHourBurst},
		{"noise at any hour takes its top", &noise, 100, 60, 125, 20, 55},
	}
	for _, tt := range tests {
		ceil, thr, hceil, hthr := ceiling(tt.s, tt.how, &cov)
		if ceil != tt.ceil || thr != tt.thr || hceil != tt.hceil || hthr != tt.hthr {
			t.Errorf("%s: ceiling %d threshold %d, hour %d %d; want %d %d, %d %d",
				tt.name, ceil, thr, hceil, hthr, tt.ceil, tt.thr, tt.hceil, tt.hthr)
		}
	}
}

// history makes days of ordinary traffic from a Monday on: web1 and db1
// serve requests every minute or so around the clock (more by day), alice
// logs in to both on weekday mornings from 10.0.0.5 and restarts nginx,
// db1 runs a backup at 01:30 and web1 upgrades a package on Wednesdays.
func history(start time.Time, days int, seed uint64) []event.Event {
	r := rand.New(rand.NewPCG(seed, 1))
	var evs []event.Event
	for d := range days {
		day := start.AddDate(0, 0, d)
		weekday := day.Weekday() != time.Saturday && day.Weekday() != time.Sunday
		for _, host := range []string{"web1", "db1"} {
			for t := day; t.Before(day.Add(24 * time.Hour)); {
				gap := 90 * time.Second
				if h := t.Hour(); h >= 8 && h < 18 {
					gap = 30 * time.Second
				}
				t = t.Add(time.Duration(r.Int64N(int64(2 * gap))))
				if host == "web1" {
					evs = append(evs, ev(t, host, "nginx", fmt.Sprintf("GET /item/%d 200", r.IntN(9000))))
				} else {
					evs = append(evs, ev(t, host, "postgres", fmt.Sprintf("checkpoint complete: wrote %d buffers", r.IntN(900))))
				}
			}
			if weekday {
				login := day.Add(9*time.Hour + time.Duration(r.IntN(50))*time.Minute)
				evs = append(evs,
					ev(login, host, "sshd", "Accepted publickey for alice from 10.0.0.5 port 50000 ssh2", "auth.success", "user", "alice", "src_ip", "10.0.0.5"),
					ev(login.Add(2*time.Minute), host, "sudo", "alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx", "privilege.use", "user", "alice", "command", "/usr/bin/systemctl restart nginx"))
			}
		}
		backup := day.Add(time.Hour + 30*time.Minute)
		for i := range 40 {
			evs = append(evs, ev(backup.Add(time.Duration(i)*3*time.Second), "db1", "pg_dump", fmt.Sprintf("dumping table t%d", i), "maintenance"))
		}
		if day.Weekday() == time.Wednesday {
			evs = append(evs, ev(day.Add(6*time.Hour), "web1", "apt", "upgrade libssl3:amd64 3.0.1 3.0.2", "software.change", "package", "libssl3"))
		}
	}
	sortByTime(evs)
	return evs
}

func sortByTime(evs []event.Event) {
	for i := 1; i < len(evs); i++ {
		for j := i; j > 0 && evs[j].Time.Before(evs[j-1].Time); j-- {
			evs[j], evs[j-1] = evs[j-1], evs[j]
		}
	}
}

func ev(t time.Time, host, app, msg string, catAndFields ...string) event.Event {
	e := event.Event{Time: t.UTC(), Host: host, App: app, Message: msg, Source: "file:/var/log/" + host + ".log", Format: "rfc3164", Offset: -1}
	if len(catAndFields) > 0 {
		e.Categories = []string{catAndFields[0]}
		for i := 1; i+1 < len(catAndFields); i += 2 {
			e.SetField(catAndFields[i], catAndFields[i+1])
		}
	}
	return e
}

var monday = time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)

// learntFile is two weeks of history learnt once, in the file format.
var learntFile = sync.OnceValues(func() ([]byte, error) {
	var buf bytes.Buffer
	err := Write(&buf, learnFrom(history(monday, 14, 1)))
	return buf.Bytes(), err
})

// learnFrom learns a baseline of evs, in UTC.
func learnFrom(evs []event.Event) *Baseline {
	l := NewLearner(time.UTC, Caps{})
	for i := range evs {
		l.Add(&evs[i])
	}
	return l.Finish()
}

// learnt returns a fresh copy of the baseline of history(monday, 14, 1),
// read through the file format as vigil uses it.
func learnt(t *testing.T) *Baseline {
	t.Helper()
	data, err := learntFile()
	if err != nil {
		t.Fatal(err)
	}
	b, err := Read(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// detect runs evs through a Detector for b in batches of n and returns
// every event that came out with a finding.
func detect(b *Baseline, evs []event.Event, n int) []event.Event {
	d := NewDetector(Options{Baseline: b})
	var out []event.Event
	for i := 0; i < len(evs); i += n {
		batch := append([]event.Event(nil), evs[i:min(i+n, len(evs))]...)
		for _, e := range d.Process(batch) {
			if len(e.Deviations) > 0 {
				out = append(out, e)
			}
		}
	}
	return out
}

func kinds(evs []event.Event) map[string]int {
	m := map[string]int{}
	for _, e := range evs {
		for _, d := range e.Deviations {
			m[d.Kind]++
		}
	}
	return m
}

func TestNormalDaysAreQuiet(t *testing.T) {
	b := learnt(t)
	// Two more weeks of the same life, other random draws.
	next := history(monday.AddDate(0, 0, 14), 14, 2)
	found := detect(b, next, 500)
	if len(found) > 2 {
		for _, e := range found {
			t.Logf("%s %s: %s", e.Time.Format("Mon 15:04"), e.Host, e.Deviations[0].Reason)
		}
		t.Errorf("%d findings over 14 normal days, want at most 2", len(found))
	}
}

// bruteForce returns n failed root logins on db1 from one address, every
// apart, from 15:00 of a day on.
func bruteForce(n int, every time.Duration) func(day time.Time) []event.Event {
	return func(day time.Time) []event.Event {
		var evs []event.Event
		for i := range n {
			evs = append(evs, ev(day.Add(15*time.Hour+time.Duration(i)*every), "db1", "sshd",
				fmt.Sprintf("Failed password for root from 203.0.113.7 port %d ssh2", 40000+i), "auth.failure", "user", "root", "src_ip", "203.0.113.7"))
		}
		return evs
	}
}

func TestIncidents(t *testing.T) {
	b := learnt(t)
	day := monday.AddDate(0, 0, 15) // a Tuesday
	normal := history(day, 1, 3)
	tests := []struct {
		name   string
		add    func(day time.Time) []event.Event
		host   string
		kind   string
		reason string
	}{
		{"brute force on a host that never sees failed logins", bruteForce(60, 4*time.Second),
			"db1", KindRateHigh, "10 in 5 min; usual for Tue 15:00 is 0"},
		{"a slow brute force, never ten in five minutes", bruteForce(100, 50*time.Second),
			"db1", KindRateHigh, "30 in an hour; usual for Tue 15:00 is 0"},
		{"new kind of message", func(day time.Time) []event.Event {
			return []event.Event{ev(day.Add(15*time.Hour), "db1", "sshd", "Failed password for root from 203.0.113.7 port 4 ssh2", "auth.failure", "user", "root")}
		}, "db1", KindNewTemplate, "new kind of sshd message on db1"},
		{"alice at 3 am", func(day time.Time) []event.Event {
			return []event.Event{ev(day.Add(3*time.Hour+5*time.Minute), "web1", "sshd", "Accepted publickey for alice from 10.0.0.5 port 50001 ssh2", "auth.success", "user", "alice", "src_ip", "10.0.0.5")}
		}, "web1", KindOutOfHours, "login by alice on web1 at 03:05 (Tue); alice is usually active 09:00–09:59"},
		{"alice from a new address", func(day time.Time) []event.Event {
			return []event.Event{ev(day.Add(10*time.Hour), "web1", "sshd", "Accepted publickey for alice from 198.51.100.23 port 50001 ssh2", "auth.success", "user", "alice", "src_ip", "198.51.100.23")}
		}, "web1", KindNewValue, "alice logged in to web1 from 198.51.100.23 for the first time; usual over sshd: 10.0.0.5"},
		{"a lease on alice's network is not new", func(day time.Time) []event.Event {
			return []event.Event{ev(day.Add(10*time.Hour), "web1", "sshd", "Accepted publickey for alice from 10.0.0.77 port 50001 ssh2", "auth.success", "user", "alice", "src_ip", "10.0.0.77")}
		}, "web1", "", ""},
		{"first-time package", func(day time.Time) []event.Event {
			return []event.Event{ev(day.Add(14*time.Hour), "web1", "apt", "install nmap:amd64 <none> 7.94", "software.change", "package", "nmap")}
		}, "web1", KindNewValue, "package nmap on web1 was never seen in the baseline"},
		{"a new sudo command", func(day time.Time) []event.Event {
			return []event.Event{ev(day.Add(10*time.Hour), "web1", "sudo", "alice : COMMAND=/bin/bash", "privilege.use", "user", "alice", "command", "/bin/bash")}
		}, "web1", KindNewValue, "alice ran /bin/bash with privilege on web1 for the first time"},
		{"a new account", func(day time.Time) []event.Event {
			return []event.Event{ev(day.Add(2*time.Hour), "web1", "useradd", "new user: name=mallory, UID=1005", "account.change", "user", "mallory")}
		}, "web1", KindNewValue, "account change for mallory on web1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs := append(append([]event.Event(nil), normal...), tt.add(day)...)
			sortByTime(evs)
			found := detect(b, evs, 256)
			var hit []string
			for _, e := range found {
				for _, d := range e.Deviations {
					if d.Kind == tt.kind && e.Host == tt.host && strings.Contains(d.Reason, tt.reason) {
						hit = append(hit, d.Reason)
					}
				}
			}
			if tt.kind == "" {
				if len(found) > 0 {
					t.Errorf("want no finding, got %q", found[0].Deviations[0].Reason)
				}
				return
			}
			if len(hit) != 1 {
				for _, e := range found {
					t.Logf("found: %s %s %s", e.Host, e.Deviations[0].Kind, e.Deviations[0].Reason)
				}
				t.Fatalf("%d %s findings with %q on %s, want 1", len(hit), tt.kind, tt.reason, tt.host)
			}
		})
	}
}

func TestSilenceAndRateLow(t *testing.T) {
	b := learnt(t)
	day := monday.AddDate(0, 0, 15)
	var evs []event.Event
	for _, e := range history(day, 1, 4) {
		// db1 stops at 11:00.
		if e.Host == "db1" && e.Time.Hour() >= 11 {
			continue
		}
		evs = append(evs, e)
	}
	found := detect(b, evs, 300)
	k := kinds(found)
	if k[KindSilence] != 1 {
		t.Errorf("%d silence findings, want 1: %v", k[KindSilence], found)
	}
	for _, e := range found {
		if e.Deviations[0].Kind != KindSilence {
			continue
		}
		if e.Source != SourceName || e.Host != "db1" || e.Time.Before(day.Add(11*time.Hour)) || e.Time.After(day.Add(11*time.Hour+20*time.Minute)) {
			t.Errorf("silence event %s %s at %s", e.Source, e.Host, e.Time.Format(time.TimeOnly))
		}
	}

	// web1 serving a tenth of its usual requests for an afternoon.
	evs = evs[:0]
	for i, e := range history(day, 1, 5) {
		if e.Host == "web1" && e.App == "nginx" && e.Time.Hour() >= 13 && e.Time.Hour() < 16 && i%20 != 0 {
			continue
		}
		evs = append(evs, e)
	}
	found = detect(b, evs, 300)
	lows := 0
	for _, e := range found {
		d := e.Deviations[0]
		if d.Kind == KindRateLow {
			lows++
			if e.Host != "web1" || e.Source != SourceName || !strings.Contains(d.Reason, "in the hour from Tue 13:00; usual is ") {
				t.Errorf("rate_low: %s %s %q", e.Host, e.Source, d.Reason)
			}
		}
	}
	// Once for the low stretch, not every hour of it.
	if lows != 1 {
		t.Errorf("%d rate_low findings, want 1: %v", lows, found)
	}
}

func TestBurstFiresOnce(t *testing.T) {
	b := learnt(t)
	day := monday.AddDate(0, 0, 15)
	evs := history(day, 1, 6)
	for i := range 400 {
		evs = append(evs, ev(day.Add(15*time.Hour+time.Duration(i)*time.Second), "db1", "sshd",
			"Failed password for root from 203.0.113.7 port 22 ssh2", "auth.failure", "user", "root"))
	}
	sortByTime(evs)
	if n := kinds(detect(b, evs, 100))[KindRateHigh]; n != 1 {
		t.Errorf("%d rate_high findings for one burst, want 1", n)
	}
}

func TestClockSkew(t *testing.T) {
	b := learnt(t)
	d := NewDetector(Options{Baseline: b})
	arrive := monday.AddDate(0, 0, 15).Add(10 * time.Hour)
	var found int
	for i := range 10 {
		e := ev(arrive.Add(-20*time.Minute+time.Duration(i)*time.Second), "web1", "nginx", "GET /item/1 200")
		e.Arrival = arrive.Add(time.Duration(i) * time.Second)
		for _, o := range d.Process([]event.Event{e}) {
			for _, dev := range o.Deviations {
				if dev.Kind == KindClockSkew {
					found++
					if !strings.Contains(dev.Reason, "web1's event times are 20m behind their arrival") {
						t.Errorf("reason %q", dev.Reason)
					}
				}
			}
		}
	}
	if found != 1 {
		t.Errorf("%d clock_skew findings, want 1", found)
	}
}

func TestSameFindingsWhateverTheBatches(t *testing.T) {
	b := learnt(t)
	day := monday.AddDate(0, 0, 15)
	evs := history(day, 1, 7)
	evs = append(evs, ev(day.Add(3*time.Hour), "web1", "sshd", "Accepted publickey for alice from 198.51.100.1 port 1 ssh2", "auth.success", "user", "alice", "src_ip", "198.51.100.1"))
	sortByTime(evs)
	want := fmt.Sprint(detect(b, evs, 1))
	for _, n := range []int{7, 512, len(evs)} {
		if got := fmt.Sprint(detect(b, evs, n)); got != want {
			t.Errorf("batches of %d give other findings", n)
		}
	}
}

func TestWarmUp(t *testing.T) {
	d := NewDetector(Options{Warmup: 7 * 24 * time.Hour, Location: time.UTC})
	evs := history(monday, 8, 8)
	var during int
	for i := 0; i < len(evs); i += 1000 {
		for _, e := range d.Process(evs[i:min(i+1000, len(evs))]) {
			if e.Time.Before(monday.AddDate(0, 0, 7)) && len(e.Deviations) > 0 {
				during++
			}
		}
		if e := evs[min(i+1000, len(evs))-1]; e.Time.Before(monday.Add(24 * time.Hour)) {
			s := d.Status()
			if !s.Learning || !strings.HasPrefix(s.String(), "baseline: warming up, 6d") {
				t.Fatalf("status on day 1: %+v %q", s, s.String())
			}
		}
	}
	if during > 0 {
		t.Errorf("%d findings while warming up", during)
	}
	if s := d.Status(); s.Learning {
		t.Fatalf("still learning after 8 days: %+v", s)
	}
	burst := []event.Event{}
	at := monday.AddDate(0, 0, 8).Add(15 * time.Hour)
	for i := range 50 {
		burst = append(burst, ev(at.Add(time.Duration(i)*time.Second), "db1", "sshd", "Failed password for root from 203.0.113.7 port 22 ssh2", "auth.failure", "user", "root"))
	}
	if k := kinds(d.Process(burst)); k[KindRateHigh] != 1 || k[KindNewTemplate] != 1 {
		t.Errorf("after warming up, a brute force gave %v", k)
	}
}

func TestReadErrors(t *testing.T) {
	var good bytes.Buffer
	if err := Write(&good, learnt(t)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, data, want string
	}{
		{"empty", "", "empty file"},
		{"not a baseline", "hello world\n", "not a vigil baseline"},
		{"newer", "vigil-baseline 99\n", "newer than this vigil reads"},
		{"older", "vigil-baseline 0\n", "learn the baseline again"},
		{"bad version", "vigil-baseline x\n", "format version"},
		{"damaged", good.String()[:good.Len()/2], "damaged baseline"},
	}
	for _, tt := range tests {
		_, err := Read(strings.NewReader(tt.data))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
}

func FuzzRead(f *testing.F) {
	f.Add([]byte(fmt.Sprintf("vigil-baseline %d\n", Version)))
	f.Add([]byte(fmt.Sprintf("vigil-baseline %d\n\x28\xb5\x2f\xfd\x00\x00", Version)))
	l := NewLearner(time.UTC, Caps{})
	for _, e := range history(monday, 1, 9)[:200] {
		l.Add(&e)
	}
	var buf bytes.Buffer
	if err := Write(&buf, l.Finish()); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := Read(bytes.NewReader(data))
		if err != nil {
			return
		}
		// Whatever decoded must be usable.
		var out bytes.Buffer
		if err := WriteSummary(&out, b, SummaryOptions{}); err != nil {
			t.Fatal(err)
		}
		d := NewDetector(Options{Baseline: b})
		d.Process([]event.Event{ev(monday, "web1", "sshd", "Accepted publickey for alice from 10.0.0.5 port 1 ssh2", "auth.success", "user", "alice", "src_ip", "10.0.0.5")})
	})
}

func TestSummaryShowsUsersPerApp(t *testing.T) {
	var out bytes.Buffer
	if err := WriteSummary(&out, learnt(t), SummaryOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"alice", "from 10.0.0.5",
		"via sshd 20, active 09:00–09:59, weekdays only, 1 address",
		"via sudo 20, active 09:00–09:59, weekdays only\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("no %q in\n%s", want, out.String())
		}
	}
}

func TestTickNoticesSilenceWhileNothingArrives(t *testing.T) {
	b := learnt(t)
	d := NewDetector(Options{Baseline: b})
	at := monday.AddDate(0, 0, 15).Add(10 * time.Hour)
	// Before anything live has arrived, wall time moves nothing.
	if got := d.Tick(at.Add(time.Hour)); len(got) != 0 {
		t.Fatalf("tick before live events: %v", got)
	}
	for i, host := range []string{"web1", "db1"} {
		e := ev(at.Add(time.Duration(i)*time.Second), host, "nginx", "GET /item/1 200")
		e.Arrival = e.Time
		d.Process([]event.Event{e})
	}
	if got := d.Tick(at.Add(5 * time.Minute)); len(got) != 0 {
		t.Fatalf("tick after 5 quiet minutes: %v", got)
	}
	got := d.Tick(at.Add(40 * time.Minute))
	hosts := map[string]bool{}
	for _, e := range got {
		if e.Source != SourceName || e.Deviations[0].Kind != KindSilence {
			t.Errorf("tick made %s %v", e.Source, e.Deviations)
		}
		// Stamped when the quiet became a silence (15 minutes, the
		// least), not when the tick noticed it.
		if e.Host == "web1" && !e.Time.Equal(at.Add(15*time.Minute+time.Second)) {
			t.Errorf("web1's silence stamped %s, want %s", e.Time, at.Add(15*time.Minute+time.Second))
		}
		hosts[e.Host] = true
	}
	if !hosts["web1"] || !hosts["db1"] {
		t.Errorf("after 40 quiet minutes, silence for %v, want web1 and db1", hosts)
	}
	if again := d.Tick(at.Add(50 * time.Minute)); len(again) != 0 {
		t.Errorf("silence reported again: %v", again)
	}
}

// TestLiveEqualsReplay runs the same day once as a replay (a file read in
// batches) and once as if watched live (each event arriving at its own
// time, the clock ticking in between): the findings must be the same, at
// the same times.
func TestLiveEqualsReplay(t *testing.T) {
	b := learnt(t)
	day := monday.AddDate(0, 0, 15)
	var evs []event.Event
	for _, e := range history(day, 1, 10) {
		if e.Host == "db1" && e.Time.Hour() >= 11 {
			continue // db1 goes quiet
		}
		evs = append(evs, e)
	}
	for i := range 40 {
		evs = append(evs, ev(day.Add(15*time.Hour+time.Duration(i)*time.Second), "web1", "sshd",
			"Failed password for root from 203.0.113.7 port 22 ssh2", "auth.failure", "user", "root"))
	}
	evs = append(evs, ev(day.Add(3*time.Hour), "web1", "sshd", "Accepted publickey for alice from 10.0.0.5 port 1 ssh2", "auth.success", "user", "alice", "src_ip", "10.0.0.5"))
	sortByTime(evs)

	describe := func(found []event.Event) []string {
		var out []string
		for _, e := range found {
			for _, d := range e.Deviations {
				out = append(out, e.Time.Format(time.TimeOnly)+" "+e.Host+" "+d.Kind+" "+d.Key)
			}
		}
		slices.Sort(out)
		return out
	}
	replay := describe(detect(b, evs, 256))

	d := NewDetector(Options{Baseline: b})
	var live []event.Event
	for _, e := range evs {
		live = append(live, d.Tick(e.Time)...)
		e.Arrival = e.Time
		for _, o := range d.Process([]event.Event{e}) {
			if len(o.Deviations) > 0 {
				live = append(live, o)
			}
		}
	}
	if got := describe(live); !slices.Equal(got, replay) {
		t.Errorf("live findings differ from the replay's:\nlive   %q\nreplay %q", got, replay)
	}
	t.Logf("findings: %q", replay)
	if len(replay) < 3 {
		t.Errorf("only %d findings; the day should have a burst, an odd hour and a silence: %q", len(replay), replay)
	}
}

// TestDamagedSeriesAreCleaned: a file whose hours are out of range, out of
// order or repeated still loads and works.
func TestDamagedSeriesAreCleaned(t *testing.T) {
	b := learnt(t)
	h := b.Hosts["web1"]
	h.Total.Hours = append(h.Total.Hours, Hour{How: 200, Sum: 5}, Hour{How: 3, Sum: 1}, Hour{How: 3, Sum: 2})
	var buf bytes.Buffer
	if err := Write(&buf, b); err != nil {
		t.Fatal(err)
	}
	b2, err := Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	hours := b2.Hosts["web1"].Total.Hours
	for i, x := range hours {
		if int(x.How) >= HoursPerWeek || (i > 0 && hours[i-1].How >= x.How) {
			t.Fatalf("hours not cleaned: %v", hours)
		}
	}
	var out bytes.Buffer
	if err := WriteSummary(&out, b2, SummaryOptions{}); err != nil {
		t.Fatal(err)
	}
	detect(b2, history(monday.AddDate(0, 0, 15), 1, 11), 500)
}

func TestIdleStretch(t *testing.T) {
	day := func(hours ...int) *[24]uint32 {
		var b [24]uint32
		for _, h := range hours {
			b[h] = 3
		}
		return &b
	}
	tests := []struct {
		name string
		by   *[24]uint32
		hod  int
		want int
	}{
		{"a day shift's night", day(8, 9, 10, 11, 12, 13, 14, 15, 16, 17), 3, 14},
		{"inside the shift", day(8, 9, 10, 11, 12, 13, 14, 15, 16, 17), 10, 0},
		{"a scattered account's short gap", day(1, 9, 10, 11, 12, 13, 14, 16, 18), 5, 7},
		{"across midnight", day(12, 13), 23, 22},
		{"never active", day(), 7, 24},
	}
	for _, tt := range tests {
		if got := idleStretch(tt.by, tt.hod); got != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestNearKnown(t *testing.T) {
	seen := func(addrs ...string) map[string]Seen {
		m := map[string]Seen{}
		for _, a := range addrs {
			m[a] = Seen{Count: 5}
		}
		return m
	}
	tests := []struct {
		name  string
		ip    string
		known map[string]Seen
		want  bool
	}{
		{"a new lease on a known network", "10.0.0.77", seen("10.0.0.5", "10.9.0.40"), true},
		{"another network", "10.0.1.7", seen("10.0.0.5", "10.0.0.40"), false},
		{"IPv6 in a known /64 pool", "2001:db8::99", seen("2001:db8::1", "2001:db8::2"), true},
		{"IPv6 in another /64", "2001:db8:0:1::1", seen("2001:db8::1", "2001:db8::2"), false},
		{"not an address", "web1", seen("10.0.0.5", "10.0.0.40"), false},
		{"known addresses that are not addresses", "10.0.0.7", seen("a", "b"), false},
	}
	for _, tt := range tests {
		if got := nearKnown(tt.ip, tt.known); got != tt.want {
			t.Errorf("%s: nearKnown(%s) = %v, want %v", tt.name, tt.ip, got, tt.want)
		}
	}
}

// TestHostMissingFromItsSource: a host the history saw in a source (a
// collector's file, say) that never turns up when the source is read again
// goes silent; a host whose source is not read at all does not.
func TestHostMissingFromItsSource(t *testing.T) {
	together := func(evs []event.Event) []event.Event {
		for i := range evs {
			evs[i].Source = "file:/var/log/remote.log"
		}
		return evs
	}
	b := learnFrom(together(history(monday, 14, 1)))
	day := monday.AddDate(0, 0, 15)
	var web1 []event.Event
	for _, e := range history(day, 1, 12) {
		if e.Host == "web1" {
			web1 = append(web1, e)
		}
	}
	silent := func(evs []event.Event) []string {
		var hosts []string
		for _, e := range detect(b, evs, 300) {
			if e.Deviations[0].Kind == KindSilence {
				hosts = append(hosts, e.Host+" "+e.Time.Format(time.TimeOnly))
			}
		}
		return hosts
	}
	got := silent(together(slices.Clone(web1)))
	if len(got) != 1 || !strings.HasPrefix(got[0], "db1 00:") {
		t.Errorf("db1 missing from the source it shared: silences %q, want db1's early in the day", got)
	}
	// Read from a file of its own, web1 says nothing about db1.
	if got := silent(web1); len(got) != 0 {
		t.Errorf("web1 read alone: silences %q", got)
	}
}

// TestOutOfHoursWhoIsJudged: a day shift with a few commands a day, whose
// hours of the day are still filling in one by one, is judged, and a 3 am
// sudo stands out; an admin paged now and then at night, whose activities
// still turn up alone at new times, is not.
func TestOutOfHoursWhoIsJudged(t *testing.T) {
	sudo := func(at time.Time, user string) event.Event {
		return ev(at, "app1", "sudo", user+" : TTY=pts/0 ; PWD=/home ; USER=root ; COMMAND=/usr/bin/systemctl status app",
			"privilege.use", "user", user, "command", "/usr/bin/systemctl status app")
	}
	l := NewLearner(time.UTC, Caps{})
	// dana: 25 commands over two weeks between 08:00 and 17:59, four of
	// the hours only once.
	day := 0
	for h, n := range map[int]int{8: 1, 9: 3, 10: 1, 11: 4, 12: 2, 13: 1, 14: 3, 15: 1, 16: 5, 17: 4} {
		for i := range n {
			e := sudo(monday.AddDate(0, 0, day%12).Add(time.Duration(h)*time.Hour+time.Duration(7*i)*time.Minute), "dana")
			l.Add(&e)
			day++
		}
	}
	// omar: 37 commands by day and three night pages, each alone.
	for i := range 37 {
		e := sudo(monday.AddDate(0, 0, i%12).Add(time.Duration(9+i%8)*time.Hour), "omar")
		l.Add(&e)
	}
	for _, at := range []time.Duration{22 * time.Hour, 2*24*time.Hour + 1*time.Hour, 5*24*time.Hour + 4*time.Hour} {
		e := sudo(monday.Add(at), "omar")
		l.Add(&e)
	}
	b := l.Finish()
	night := monday.AddDate(0, 0, 15).Add(3*time.Hour + 10*time.Minute)
	for _, tt := range []struct {
		user string
		want int
	}{{"dana", 1}, {"omar", 0}} {
		found := detect(b, []event.Event{sudo(night, tt.user)}, 10)
		if got := kinds(found)[KindOutOfHours]; got != tt.want {
			t.Errorf("%s's sudo at 03:10: %d out_of_hours findings, want %d (%v)", tt.user, got, tt.want, kinds(found))
		}
	}
}

func TestChangedAccount(t *testing.T) {
	for _, tt := range []struct {
		name string
		e    event.Event
		want string
	}{
		{"useradd", ev(monday, "h", "useradd", "new user: name=jm", "account.change", "target_user", "jm"), "jm"},
		{"gpasswd by root", ev(monday, "h", "gpasswd", "user jm added by root to group sudo", "permission.change", "target_user", "jm", "user", "root"), "jm"},
		{"a lockout names the user", ev(monday, "h", "sshd", "account bob locked", "account.change", "user", "bob"), "bob"},
		{"a sudo line tagged as a change (by a rule of the user's) names who ran it", ev(monday, "h", "sudo", "dave : COMMAND=/usr/sbin/usermod -aG sudo jm", "privilege.use", "user", "dave", "target_user", "root"), ""},
		{"no change", ev(monday, "h", "sshd", "Accepted", "auth.success", "user", "bob"), ""},
	} {
		if tt.name == "a sudo line tagged as a change (by a rule of the user's) names who ran it" {
			tt.e.Categories = append(tt.e.Categories, "permission.change")
		}
		if got := changedAccount(&tt.e); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestNewTemplatesFold: a new template about the same user or app family
// as a finding just made on the host is part of it; one about something
// else is not.
func TestNewTemplatesFold(t *testing.T) {
	b := learnt(t)
	at := monday.AddDate(0, 0, 15).Add(10 * time.Hour)
	evs := append(history(monday.AddDate(0, 0, 15), 1, 3),
		ev(at, "web1", "sudo", "alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/bash", "privilege.use", "user", "alice", "command", "/bin/bash"),
		ev(at.Add(time.Second), "web1", "su", "pam_unix(su-l:session): session opened for user root by alice(uid=1000)", "privilege.use", "user", "alice", "target_user", "root"),
		ev(at.Add(2*time.Second), "web1", "postfix/smtpd", "connect from mail.example.org[192.0.2.7]"),
		ev(at.Add(3*time.Second), "web1", "postfix/qmgr", "4F2A1C: removed"),
		ev(at.Add(30*time.Second), "web1", "backup-db", "pg_dump: error: connection to server failed"),
		ev(at.Add(20*time.Minute), "web1", "sudo", "alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/sbin/postfix reload", "privilege.use", "user", "alice", "command", "/usr/sbin/postfix reload"),
		ev(at.Add(20*time.Minute+time.Second), "web1", "postfix/postfix-script", "refreshing the Postfix mail system"))
	sortByTime(evs)
	var got []string
	for _, e := range detect(b, evs, 300) {
		for _, d := range e.Deviations {
			got = append(got, d.Kind+" "+e.App)
		}
	}
	want := []string{"new_value sudo", "new_template postfix/smtpd", "new_template backup-db", "new_value sudo"}
	if !slices.Equal(got, want) {
		t.Errorf("findings %q, want %q", got, want)
	}
}

func TestLowIsNews(t *testing.T) {
	for _, tt := range []struct {
		cats []string
		want bool
	}{
		{[]string{"auth.failure"}, false},
		{[]string{"security.alert"}, false},
		{[]string{"privilege.failure", "access.denied"}, false},
		{[]string{"maintenance"}, true},
		{[]string{"auth.success"}, true},
		{[]string{"account.change", "auth.failure"}, true},
		{nil, false},
	} {
		if got := lowIsNews(tt.cats...); got != tt.want {
			t.Errorf("lowIsNews(%v) = %v, want %v", tt.cats, got, tt.want)
		}
	}
}

// TestKeepsLearningAfterWarmUp: without a baseline file the Detector goes
// on learning after its warm-up and detects against all it has learnt, so
// a new nightly export is news the first night and not the nights after.
func TestKeepsLearningAfterWarmUp(t *testing.T) {
	d := NewDetector(Options{Warmup: 24 * time.Hour, Location: time.UTC})
	export := func(day time.Time) []event.Event {
		var evs []event.Event
		for i := range 40 {
			evs = append(evs, ev(day.Add(3*time.Hour+time.Duration(i)*2*time.Second), "db1", "exporter",
				fmt.Sprintf("wrote batch %d to the archive", i), "data.transfer"))
		}
		return evs
	}
	perDay := map[int]int{}
	for day := range 4 {
		at := monday.AddDate(0, 0, day)
		evs := history(at, 1, uint64(20+day))
		if day >= 1 {
			evs = append(evs, export(at)...)
		}
		sortByTime(evs)
		for i := 0; i < len(evs); i += 500 {
			for _, e := range d.Process(evs[i:min(i+500, len(evs))]) {
				for _, dv := range e.Deviations {
					if dv.Kind == KindRateHigh && e.App == "exporter" {
						perDay[day]++
					}
				}
			}
		}
	}
	if perDay[1] != 1 || perDay[2] != 0 || perDay[3] != 0 {
		t.Errorf("rate_high for the nightly export by day: %v, want the first night only", perDay)
	}
	// One at the end of the warm-up and one a day after (the last day's
	// lines run a moment past its midnight).
	if s := d.Status(); s.Refreshes < 3 {
		t.Errorf("%d baselines after three days past a one-day warm-up, want one a day: %+v", s.Refreshes, s)
	}
}

func TestWarmUpStatus(t *testing.T) {
	for _, tt := range []struct {
		learned time.Duration
		want    string
	}{
		{0, "baseline: warming up, 1d left"},
		{90 * time.Minute, "baseline: warming up, 22h30m left"},
		{24*time.Hour - 30*time.Second, "baseline: warming up, 1m left"},
		{24*time.Hour - 61*time.Second, "baseline: warming up, 2m left"},
	} {
		s := Status{Learning: true, Learned: tt.learned, Warmup: 24 * time.Hour}
		if got := s.String(); got != tt.want {
			t.Errorf("learned %v: %q, want %q", tt.learned, got, tt.want)
		}
	}
}

// TestHostMissingFromTheRun: once most of the baseline's hosts log in a
// run, whatever its sources are called (today's files, not the history's),
// a host of the baseline that never turns up goes silent; a run over one
// host of three says nothing about the others.
func TestHostMissingFromTheRun(t *testing.T) {
	three := func(evs []event.Event) []event.Event {
		n := len(evs)
		for i := range n {
			if evs[i].Host == "web1" {
				e := evs[i]
				e.Host, e.Source = "web2", "file:/var/log/web2.log"
				evs = append(evs, e)
			}
		}
		slices.SortStableFunc(evs, func(a, b event.Event) int { return a.Time.Compare(b.Time) })
		return evs
	}
	b := learnFrom(three(history(monday, 14, 1)))
	day := monday.AddDate(0, 0, 15)
	today := func(hosts ...string) []event.Event {
		var evs []event.Event
		for _, e := range three(history(day, 1, 12)) {
			if slices.Contains(hosts, e.Host) {
				e.Source = "file:/srv/today/" + e.Host + ".log"
				evs = append(evs, e)
			}
		}
		return evs
	}
	silent := func(evs []event.Event) []string {
		var got []string
		for _, e := range detect(b, evs, 300) {
			if d := e.Deviations[0]; d.Kind == KindSilence {
				got = append(got, e.Host+" "+e.Time.Format(time.TimeOnly)+" "+d.Reason)
			}
		}
		return got
	}
	got := silent(today("web1", "db1"))
	if len(got) != 1 || !strings.HasPrefix(got[0], "web2 00:") || !strings.Contains(got[0], "nothing in this run") {
		t.Errorf("web2 missing from a run of web1 and db1: silences %q, want web2's early in the day", got)
	}
	if got := silent(today("web1")); len(got) != 0 {
		t.Errorf("web1 read alone: silences %q", got)
	}
	if got := silent(today("web1", "web2", "db1")); len(got) != 0 {
		t.Errorf("all three logging: silences %q", got)
	}
}

// TestSeriesMerge: two templates found to be one add their counts; an
// hour only one had is taken as it is, kept in order.
func TestSeriesMerge(t *testing.T) {
	var a, b Series
	a.addHour(5, 10, 3)
	a.addHour(9, 4, 2)
	b.addHour(9, 6, 5)
	b.addHour(7, 1, 1)
	a.Count, b.Count = 14, 7
	a.merge(&b)
	want := []Hour{
		{How: 5, N: 1, Sum: 10, Min: 10, Max: 10, Peak: 3},
		{How: 7, N: 1, Sum: 1, Min: 1, Max: 1, Peak: 1},
		{How: 9, N: 1, Sum: 10, Min: 4, Max: 10, Peak: 7},
	}
	if !slices.Equal(a.Hours, want) || a.Count != 21 {
		t.Errorf("merged: %+v count %d, want %+v count 21", a.Hours, a.Count, want)
	}
}
