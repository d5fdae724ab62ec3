package scenario

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func mustZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Skipf("no zone data for %s: %v", name, err)
	}
	return loc
}

// generated caches scenarios by name: generating one takes about a second.
var generated sync.Map

// scenarios returns the scenarios the invariant tests run over: the
// default in New Zealand, a fortnight across New York's end of daylight
// saving time (a 25-hour Sunday), and another seed in UTC.
func scenarios(t *testing.T) map[string]*Scenario {
	t.Helper()
	cfgs := map[string]Config{
		"auckland": {Seed: 1, Zone: mustZone(t, "Pacific/Auckland")},
		"new-york-dst": {Seed: 7, Zone: mustZone(t, "America/New_York"),
			Start: time.Date(2026, 10, 26, 0, 0, 0, 0, mustZone(t, "America/New_York"))},
		"utc": {Seed: 99},
	}
	if testing.Short() {
		delete(cfgs, "new-york-dst")
		delete(cfgs, "utc")
	}
	out := map[string]*Scenario{}
	for name, cfg := range cfgs {
		s, _ := generated.LoadOrStore(name, sync.OnceValue(func() *Scenario { return Generate(cfg) }))
		out[name] = s.(func() *Scenario)()
	}
	return out
}

func TestDeterminism(t *testing.T) {
	small := func(seed uint64) Config {
		return Config{Seed: seed, Zone: mustZone(t, "Pacific/Auckland"), LearnDays: 3, TestDays: 2}
	}
	tests := []struct {
		name string
		a, b Config
		same bool
	}{
		{"same seed, same lines", small(5), small(5), true},
		{"default config twice", Config{}, Config{}, true},
		{"other seed, other lines", small(5), small(6), false},
		{"other zone, other times", small(5), Config{Seed: 5, LearnDays: 3, TestDays: 2}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := Generate(tt.a), Generate(tt.b)
			same := slices.EqualFunc(a.Lines, b.Lines, func(x, y Line) bool {
				return x.Time.Equal(y.Time) && x.Host == y.Host && x.Text == y.Text
			})
			if same != tt.same {
				t.Fatalf("lines equal = %v, want %v (%d and %d lines)", same, tt.same, len(a.Lines), len(b.Lines))
			}
			if tt.same && !slices.EqualFunc(a.Incidents, b.Incidents, func(x, y Incident) bool {
				return x.ID == y.ID && x.Start.Equal(y.Start) && x.End.Equal(y.End) && x.What == y.What
			}) {
				t.Fatalf("incidents differ:\n%v\n%v", a.Incidents, b.Incidents)
			}
		})
	}
}

// sshFailure matches every way sshd and PAM say a logon failed.
var sshFailure = regexp.MustCompile(`sshd\[\d+\]: (Failed (password|publickey)|Invalid user|pam_unix\(sshd:auth\): (authentication failure|check pass)|Connection closed by (authenticating|invalid) user|Disconnected from (authenticating|invalid) user|Disconnecting|error: maximum authentication|PAM \d+ more)`)

// dayShiftName matches a day-shift person's name as a word.
var dayShiftName = regexp.MustCompile(`\b(alice|bob|carol)\b`)

func TestInvariants(t *testing.T) {
	for name, s := range scenarios(t) {
		t.Run(name, func(t *testing.T) {
			before := func(l Line) bool { return l.Time.Before(s.IncidentDay[0]) }
			tests := []struct {
				name  string
				check func(t *testing.T)
			}{
				{"lines are sorted", func(t *testing.T) {
					if !slices.IsSortedFunc(s.Lines, func(a, b Line) int { return a.Time.Compare(b.Time) }) {
						t.Fatal("lines are not in time order")
					}
				}},
				{"each line's text starts with its time and host", func(t *testing.T) {
					for _, l := range s.Lines[:min(len(s.Lines), 50000)] {
						want := l.Time.Format(stampLayout) + " " + l.Host + " "
						if !strings.HasPrefix(l.Text, want) {
							t.Fatalf("line %q does not start with %q", l.Text, want)
						}
					}
				}},
				{"every host logs on every day", func(t *testing.T) {
					count := map[string]int{}
					for _, l := range s.Lines {
						count[l.Host+" "+l.Time.In(s.LearnEnd.Location()).Format(time.DateOnly)]++
					}
					for d := s.Lines[0].Time; d.Before(s.IncidentDay[1]); d = d.AddDate(0, 0, 1) {
						for _, h := range s.Hosts {
							k := h + " " + d.Format(time.DateOnly)
							if count[k] < 500 {
								t.Errorf("%s: %d lines, want a day's worth", k, count[k])
							}
						}
					}
				}},
				{"db1 sees no failed logon before the incident day", func(t *testing.T) {
					for _, l := range s.Lines {
						if before(l) && l.Host == "db1" && sshFailure.MatchString(l.Text) {
							t.Fatalf("failed logon on db1 on a normal day: %s", l.Text)
						}
					}
				}},
				{"the day shift is quiet from midnight to six on normal days", func(t *testing.T) {
					for _, l := range s.Lines {
						if before(l) && l.Time.Hour() < 6 && dayShiftName.MatchString(l.Text) {
							t.Fatalf("day shift active at night: %s", l.Text)
						}
					}
				}},
				{"the web servers see failed logons every day", func(t *testing.T) {
					days := map[string]bool{}
					for _, l := range s.Lines {
						if strings.HasPrefix(l.Host, "web") && sshFailure.MatchString(l.Text) {
							days[l.Host+l.Time.Format(time.DateOnly)] = true
						}
					}
					if want := 2 * int(s.IncidentDay[1].Sub(s.Lines[0].Time).Hours()/24); len(days) < want {
						t.Errorf("failed logons on %d host-days, want %d", len(days), want)
					}
				}},
				{"evidence is exactly inside its incident's window", func(t *testing.T) {
					have := map[Line]bool{}
					for _, l := range s.Lines {
						if !before(l) {
							have[l] = true
						}
					}
					if len(s.Incidents) != 6 {
						t.Fatalf("%d incidents, want 6", len(s.Incidents))
					}
					for _, in := range s.Incidents {
						ev := s.Evidence(in.ID)
						if len(ev) == 0 || len(ev) != in.Lines {
							t.Fatalf("%s: %d evidence lines, manifest says %d", in.ID, len(ev), in.Lines)
						}
						if in.Start.Before(s.IncidentDay[0]) || in.End.After(s.IncidentDay[1]) || in.End.Before(in.Start) {
							t.Errorf("%s: window %v..%v outside the incident day", in.ID, in.Start, in.End)
						}
						if in.ID != "silence-build1" && (!ev[0].Time.Equal(in.Start) || !ev[len(ev)-1].Time.Equal(in.End)) {
							t.Errorf("%s: window %v..%v does not bracket its lines %v..%v", in.ID, in.Start, in.End, ev[0].Time, ev[len(ev)-1].Time)
						}
						for _, l := range ev {
							if l.Host != in.Host || l.Time.Before(in.Start) || l.Time.After(in.End) {
								t.Errorf("%s: evidence outside the incident: %s", in.ID, l.Text)
							}
							if !have[l] {
								t.Errorf("%s: evidence line missing from Lines: %s", in.ID, l.Text)
							}
						}
					}
				}},
				{"build1 is silent from the silence on", func(t *testing.T) {
					in := incident(t, s, "silence-build1")
					if !in.End.Equal(s.IncidentDay[1]) {
						t.Errorf("silence ends %v, want the end of the day %v", in.End, s.IncidentDay[1])
					}
					if h := in.Start.Hour(); h < 10 || h > 11 {
						t.Errorf("silence starts at %v, want about 11:00", in.Start)
					}
					for _, l := range s.Lines {
						if l.Host == "build1" && l.Time.After(in.Start) {
							t.Fatalf("build1 logs after its silence began at %v: %s", in.Start, l.Text)
						}
					}
				}},
				{"what an incident introduces was never seen before", func(t *testing.T) {
					fresh := map[string]bool{}
					addr := regexp.MustCompile(`198\.51\.100\.\d+`)
					for _, id := range []string{"bruteforce-db1", "new-sudoer-bastion1", "new-address-alice-bastion1"} {
						for _, l := range s.Evidence(id) {
							for _, a := range addr.FindAllString(l.Text, -1) {
								fresh[a] = true
							}
						}
					}
					if len(fresh) != 3 {
						t.Fatalf("incident addresses %v, want 3", fresh)
					}
					for _, l := range s.Evidence("new-sudoer-bastion1") {
						if m := regexp.MustCompile(`new user: name=([^,]+)`).FindStringSubmatch(l.Text); m != nil {
							fresh[" "+m[1]] = true
						}
					}
					for _, l := range s.Evidence("new-package-web1") {
						if m := regexp.MustCompile(`apt-get install -y (\S+)`).FindStringSubmatch(l.Text); m != nil {
							fresh[" "+m[1]+":"] = true
						}
					}
					if len(fresh) != 5 {
						t.Fatalf("fresh values %v, want 3 addresses, an account and a package", fresh)
					}
					for _, l := range s.Lines {
						if !before(l) {
							break
						}
						for v := range fresh {
							if strings.Contains(l.Text, v) {
								t.Fatalf("%q seen before the incident day: %s", v, l.Text)
							}
						}
					}
				}},
				{"bob's night sudo is what he does by day", func(t *testing.T) {
					var login, cmd string
					for _, l := range s.Evidence("night-sudo-bob-web2") {
						if m := regexp.MustCompile(`Accepted publickey for bob from (\S+)`).FindStringSubmatch(l.Text); m != nil {
							login = "Accepted publickey for bob from " + m[1] + " "
						}
						if m := regexp.MustCompile(`COMMAND=(.*)`).FindStringSubmatch(l.Text); m != nil {
							cmd = "COMMAND=" + m[1]
						}
					}
					if h := incident(t, s, "night-sudo-bob-web2").Start.Hour(); h != 3 {
						t.Errorf("bob's night sudo at hour %d, want 3", h)
					}
					var sawLogin, sawCmd bool
					for _, l := range s.Lines {
						if l.Time.After(s.LearnEnd) {
							break
						}
						if l.Host == "web2" {
							sawLogin = sawLogin || strings.Contains(l.Text, login)
							sawCmd = sawCmd || strings.Contains(l.Text, " bob : ") && strings.HasSuffix(l.Text, cmd)
						}
					}
					if login == "" || cmd == "" || !sawLogin || !sawCmd {
						t.Errorf("during learning web2 saw %q: %v, bob's %q: %v", login, sawLogin, cmd, sawCmd)
					}
				}},
				{"incidents happen at their hours", func(t *testing.T) {
					for _, c := range []struct {
						id       string
						from, to int
					}{
						{"bruteforce-db1", 14, 16},
						{"new-sudoer-bastion1", 2, 2},
						{"new-package-web1", 13, 16},
						{"new-address-alice-bastion1", 9, 11},
					} {
						if h := incident(t, s, c.id).Start.Hour(); h < c.from || h > c.to {
							t.Errorf("%s starts at hour %d, want %d to %d", c.id, h, c.from, c.to)
						}
					}
					if in := incident(t, s, "bruteforce-db1"); in.End.Sub(in.Start) > 10*time.Minute {
						t.Errorf("brute force lasts %v, want at most 10 minutes", in.End.Sub(in.Start))
					}
				}},
			}
			for _, tt := range tests {
				t.Run(tt.name, tt.check)
			}
		})
	}
}

// incident returns the incident with the given ID.
func incident(t *testing.T, s *Scenario, id string) Incident {
	t.Helper()
	for _, in := range s.Incidents {
		if in.ID == id {
			return in
		}
	}
	t.Fatalf("no incident %s", id)
	return Incident{}
}

func TestVolumes(t *testing.T) {
	s := scenarios(t)["auckland"]
	per := map[string]map[string]int{}
	for _, l := range s.Lines {
		if per[l.Host] == nil {
			per[l.Host] = map[string]int{}
		}
		per[l.Host][l.Time.Format(time.DateOnly)]++
	}
	for _, h := range s.Hosts {
		lo, hi := 600, 60000
		if strings.HasPrefix(h, "web") {
			lo = 5000
		}
		for d, n := range per[h] {
			if (n < lo || n > hi) && !(h == "build1" && d == s.IncidentDay[0].Format(time.DateOnly)) {
				t.Errorf("%s on %s: %d lines, want %d to %d", h, d, n, lo, hi)
			}
		}
	}
	if len(s.Lines) > 1_500_000 {
		t.Errorf("%d lines in all, want at most 1.5M", len(s.Lines))
	}
	// Traffic follows the shop's week: weekdays are busier than weekends.
	if mon, sat := per["web1"]["2026-11-02"], per["web1"]["2026-11-07"]; mon <= sat {
		t.Errorf("web1: Monday %d lines, Saturday %d; want a quieter weekend", mon, sat)
	}
}

func TestWriteFiles(t *testing.T) {
	s := Generate(Config{Seed: 3, LearnDays: 2, TestDays: 2})
	tests := []struct {
		name     string
		from, to time.Time
	}{
		{"everything", time.Time{}, time.Time{}},
		{"the incident day", s.IncidentDay[0], s.IncidentDay[1]},
		{"an afternoon", s.NormalDay[0].Add(13 * time.Hour), s.NormalDay[0].Add(17 * time.Hour)},
		{"nothing", s.IncidentDay[1], s.IncidentDay[1].Add(time.Hour)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			paths, err := s.WriteFiles(dir, tt.from, tt.to)
			if err != nil {
				t.Fatal(err)
			}
			if len(paths) != len(s.Hosts) {
				t.Fatalf("%d files, want one per host", len(paths))
			}
			for i, h := range s.Hosts {
				if paths[i] != filepath.Join(dir, h+".log") {
					t.Errorf("file %d is %s, want %s.log", i, paths[i], h)
				}
				var want []string
				for _, l := range s.Lines {
					if l.Host == h && (tt.from.IsZero() || !l.Time.Before(tt.from)) && (tt.to.IsZero() || l.Time.Before(tt.to)) {
						want = append(want, l.Text)
					}
				}
				got := readLines(t, paths[i])
				if !slices.Equal(got, want) {
					t.Errorf("%s: read back %d lines, want %d", h, len(got), len(want))
				}
			}
		})
	}
	if _, err := s.WriteFiles(filepath.Join(t.TempDir(), "missing"), time.Time{}, time.Time{}); err == nil {
		t.Error("writing into a missing directory did not fail")
	}
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// record is the part of vigil's JSON output the end-to-end test reads.
type record struct {
	Time       time.Time         `json:"time"`
	Host       string            `json:"host"`
	App        string            `json:"app"`
	Message    string            `json:"message"`
	Categories []string          `json:"categories"`
	Fields     map[string]string `json:"fields"`
}

// TestVigilTagsIncidents runs the real vigil over the incident day and
// checks that the incidents' lines get the categories and fields a
// detector will key on.
func TestVigilTagsIncidents(t *testing.T) {
	if testing.Short() {
		t.Skip("builds vigil")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "vigil")
	build := exec.Command("go", "build", "-o", bin, "github.com/vigil-sec/vigil/cmd/vigil")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building vigil: %v\n%s", err, out)
	}
	s := scenarios(t)["auckland"]
	files, err := s.WriteFiles(dir, s.IncidentDay[0], s.IncidentDay[1])
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, append([]string{"stream", "--format", "json"}, files...)...)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("vigil stream: %v", err)
	}
	// Records by host and time; a line is found by its message too.
	byKey := map[string][]record{}
	n := 0
	for line := range strings.Lines(string(out)) {
		var rec record
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("bad JSON %q: %v", line, err)
		}
		k := rec.Host + " " + rec.Time.UTC().Format(time.RFC3339Nano)
		byKey[k] = append(byKey[k], rec)
		n++
	}
	if want := countRange(s, s.IncidentDay[0], s.IncidentDay[1]); n != want {
		t.Fatalf("vigil wrote %d records for %d lines", n, want)
	}
	find := func(l Line) record {
		for _, rec := range byKey[l.Host+" "+l.Time.UTC().Format(time.RFC3339Nano)] {
			if rec.Message != "" && strings.HasSuffix(l.Text, rec.Message) {
				return rec
			}
		}
		t.Fatalf("vigil has no record of %s", l.Text)
		return record{}
	}

	tests := []struct {
		incident string
		line     *regexp.Regexp // which evidence lines
		category string
		fields   []string // fields that must be set
		min      int      // how many such lines at least
	}{
		{"bruteforce-db1", regexp.MustCompile(`: Failed password for `), "auth.failure", []string{"src_ip", "user"}, 50},
		{"bruteforce-db1", regexp.MustCompile(`: Invalid user `), "auth.failure", []string{"src_ip", "user"}, 1},
		{"new-sudoer-bastion1", regexp.MustCompile(`useradd\[\d+\]: new user`), "account.change", []string{"target_user"}, 1},
		{"new-sudoer-bastion1", regexp.MustCompile(`passwd\[\d+\]: `), "account.change", []string{"target_user"}, 1},
		{"new-sudoer-bastion1", regexp.MustCompile(`usermod\[\d+\]: add .* to group 'sudo'`), "account.change", []string{"target_user", "group"}, 1},
		{"new-sudoer-bastion1", regexp.MustCompile(`sudo: +\S+ : TTY`), "privilege.use", []string{"user", "command"}, 5},
		{"new-sudoer-bastion1", regexp.MustCompile(`Accepted password for`), "auth.success", []string{"user", "src_ip"}, 1},
		{"night-sudo-bob-web2", regexp.MustCompile(`sudo: +bob : TTY`), "privilege.use", []string{"user", "command"}, 1},
		{"night-sudo-bob-web2", regexp.MustCompile(`Accepted publickey for bob`), "auth.success", []string{"user", "src_ip"}, 1},
		{"new-package-web1", regexp.MustCompile(`dpkg: \S+ \S+ install `), "software.change", []string{"package", "version"}, 1},
		{"new-package-web1", regexp.MustCompile(`sudo: +dave : TTY.*apt-get install`), "privilege.use", []string{"user", "command"}, 1},
		{"new-address-alice-bastion1", regexp.MustCompile(`Accepted publickey for alice`), "auth.success", []string{"user", "src_ip"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.incident+" "+tt.line.String(), func(t *testing.T) {
			seen := 0
			for _, l := range s.Evidence(tt.incident) {
				if !tt.line.MatchString(l.Text) {
					continue
				}
				seen++
				rec := find(l)
				if !slices.Contains(rec.Categories, tt.category) {
					t.Errorf("%s: categories %v, want %s", l.Text, rec.Categories, tt.category)
				}
				for _, f := range tt.fields {
					if rec.Fields[f] == "" {
						t.Errorf("%s: no field %s in %v", l.Text, f, rec.Fields)
					}
				}
			}
			if seen < tt.min {
				t.Errorf("%d matching evidence lines, want at least %d", seen, tt.min)
			}
		})
	}
}

// countRange counts the lines in [from, to).
func countRange(s *Scenario, from, to time.Time) int {
	n := 0
	for _, l := range s.Lines {
		if !l.Time.Before(from) && l.Time.Before(to) {
			n++
		}
	}
	return n
}

func BenchmarkGenerate(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		s := Generate(Config{Seed: uint64(i)})
		b.ReportMetric(float64(len(s.Lines)), "lines/op")
	}
}
