// Package scenario generates a deterministic, realistic syslog history for
// a handful of hosts, for testing detectors that learn normal behaviour:
// weeks of ordinary traffic (internet noise on the web servers, database
// and CI chatter, people logging in during their shifts and running their
// usual sudo commands, weekly package upgrades), then test days, the last
// of which carries injected security incidents with a manifest saying
// where they are. Lines are written the way Debian 12's rsyslog writes
// them, with RFC 3339 timestamps, so no year has to be guessed.
//
// The generator knows nothing about any detector: normal traffic varies
// the way real traffic does (Poisson arrivals, daily and weekly rhythm,
// day-to-day wobble, bursts), and each incident is described by the kinds
// of deviation it fits, not by thresholds.
package scenario

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"sync"
	"time"
)

// Config chooses a scenario. The zero Config is the default one.
type Config struct {
	Seed uint64
	// Start is local midnight (in Zone) of the first day; zero means
	// Monday 2026-11-02. A Start that is not midnight is moved back to it.
	Start time.Time
	// Zone is the zone people's working hours are in; nil means UTC.
	Zone *time.Location
	// LearnDays are the normal days used for learning; zero means 14.
	LearnDays int
	// TestDays follow the learning days; zero means 2. The first of them
	// is normal, the last one has the incidents; with one test day there
	// is no normal test day.
	TestDays int
}

// Incident is one injected incident.
type Incident struct {
	ID   string `json:"id"` // e.g. "bruteforce-db1"
	Host string `json:"host"`
	// Start and End are the times of its first and last evidence line;
	// for a silence, Start is the host's last line and End the end of the
	// incident day.
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	// Kinds are the deviation kinds that fit it ("rate_high",
	// "new_template", "new_value", "out_of_hours", "silence", "rate_low").
	Kinds []string `json:"kinds"`
	What  string   `json:"what"`  // one line for people
	Lines int      `json:"lines"` // number of evidence lines
}

// Scenario is a generated history.
type Scenario struct {
	Hosts     []string
	Lines     []Line // all lines of all hosts, sorted by time
	Incidents []Incident
	// LearnEnd is the end of the learning period, the start of the test
	// days.
	LearnEnd time.Time
	// NormalDay is the start and end of the normal test day (both zero
	// when there is a single test day); IncidentDay the incident day's.
	NormalDay   [2]time.Time
	IncidentDay [2]time.Time

	evidence map[string][]Line
}

// Line is one log line.
type Line struct {
	Time time.Time
	Host string
	Text string // the whole line as a host's rsyslog writes it
}

// The first day of the default scenario, a Monday.
const (
	defaultYear  = 2026
	defaultMonth = time.November
	defaultDay   = 2
)

// WithDefaults returns c with its zero fields filled in and Start moved to
// local midnight, as every generator of this contract reads it.
func (c Config) WithDefaults() Config {
	if c.Zone == nil {
		c.Zone = time.UTC
	}
	if c.Start.IsZero() {
		c.Start = time.Date(defaultYear, defaultMonth, defaultDay, 0, 0, 0, 0, c.Zone)
	}
	y, m, d := c.Start.In(c.Zone).Date()
	c.Start = time.Date(y, m, d, 0, 0, 0, 0, c.Zone)
	if c.LearnDays <= 0 {
		c.LearnDays = 14
	}
	if c.TestDays <= 0 {
		c.TestDays = 2
	}
	return c
}

// Generate builds the scenario cfg describes. The same Config always
// gives the same lines, however many CPUs share the work: each host's day
// draws from its own random stream. The default scenario (about half a
// million lines) takes about half a second on two cores.
func Generate(cfg Config) *Scenario {
	cfg = cfg.WithDefaults()
	ndays := cfg.LearnDays + cfg.TestDays
	days := make([]day, ndays)
	for i := range days {
		days[i] = newDay(cfg.Start, i)
	}
	ms := machines(cfg)
	people := staff()

	// People's days are planned once, then handed to the hosts.
	plans := make([]map[string][]session, ndays)
	for i, d := range days {
		plans[i] = map[string][]session{}
		for j := range people {
			for _, s := range people[j].plan(cfg.Seed, d) {
				plans[i][s.host] = append(plans[i][s.host], s)
			}
		}
		for _, ss := range plans[i] {
			slices.SortStableFunc(ss, func(a, b session) int { return a.start.Compare(b.start) })
		}
	}

	// One task per host and day, each with its own random stream.
	type task struct{ m, d int }
	var tasks []task
	for i := range ms {
		for j := range days {
			tasks = append(tasks, task{i, j})
		}
	}
	out := make([][]Line, len(tasks))
	var wg sync.WaitGroup
	next := make(chan int, len(tasks))
	for i := range tasks {
		next <- i
	}
	close(next)
	for range min(runtime.GOMAXPROCS(0), len(tasks)) {
		wg.Go(func() {
			for i := range next {
				m, d := &ms[tasks[i].m], days[tasks[i].d]
				hd := &hostDay{
					e:        &emitter{m: m, lines: make([]Line, 0, 4096)},
					r:        stream(cfg.Seed, "host/"+m.name, d.idx),
					d:        d,
					seed:     cfg.Seed,
					sessions: plans[d.idx][m.name],
				}
				hd.run()
				out[i] = hd.e.lines
			}
		})
	}
	wg.Wait()

	s := &Scenario{LearnEnd: days[cfg.LearnDays].start, evidence: map[string][]Line{}}
	for _, m := range ms {
		s.Hosts = append(s.Hosts, m.name)
	}
	last := days[ndays-1]
	s.IncidentDay = [2]time.Time{last.start, last.end}
	if cfg.TestDays > 1 {
		normal := days[ndays-2]
		s.NormalDay = [2]time.Time{normal.start, normal.end}
	}

	n := 0
	for _, ls := range out {
		n += len(ls)
	}
	lines := make([]Line, 0, n+4096)
	for _, ls := range out {
		lines = append(lines, ls...)
	}
	lines = s.inject(&injector{seed: cfg.Seed, d: last, ms: ms, people: people, plans: plans, learn: cfg.LearnDays}, lines)

	// Keep the scenario's days only: work that ran past the last midnight
	// is cut off.
	end := days[ndays-1].end
	lines = slices.DeleteFunc(lines, func(l Line) bool { return !l.Time.Before(end) })
	slices.SortStableFunc(lines, func(a, b Line) int { return a.Time.Compare(b.Time) })
	s.Lines = lines
	return s
}

// Evidence returns the lines that make up the incident with the given ID,
// in time order; for a silence, the host's last line before it.
func (s *Scenario) Evidence(id string) []Line { return s.evidence[id] }

// WriteFiles writes one file per host, dir/<host>.log, with the lines of
// that host whose time is in [from, to), and returns their paths in the
// order of Hosts. A zero from or to leaves that side open. Every host gets
// a file, empty if it has no lines in the range.
func (s *Scenario) WriteFiles(dir string, from, to time.Time) ([]string, error) {
	lo, hi := 0, len(s.Lines)
	if !from.IsZero() {
		lo = sort.Search(len(s.Lines), func(i int) bool { return !s.Lines[i].Time.Before(from) })
	}
	if !to.IsZero() {
		hi = sort.Search(len(s.Lines), func(i int) bool { return !s.Lines[i].Time.Before(to) })
	}
	paths := make([]string, len(s.Hosts))
	files := make(map[string]*os.File, len(s.Hosts))
	writers := make(map[string]*bufio.Writer, len(s.Hosts))
	closeAll := func() {
		for _, f := range files {
			f.Close()
		}
	}
	for i, h := range s.Hosts {
		paths[i] = filepath.Join(dir, h+".log")
		f, err := os.Create(paths[i])
		if err != nil {
			closeAll()
			return nil, fmt.Errorf("scenario: %w", err)
		}
		files[h] = f
		writers[h] = bufio.NewWriterSize(f, 1<<20)
	}
	for _, l := range s.Lines[lo:max(lo, hi)] {
		w := writers[l.Host]
		w.WriteString(l.Text)
		w.WriteByte('\n')
	}
	var first error
	for i, h := range s.Hosts {
		if err := writers[h].Flush(); err != nil && first == nil {
			first = fmt.Errorf("scenario: writing %s: %w", paths[i], err)
		}
		if err := files[h].Close(); err != nil && first == nil {
			first = fmt.Errorf("scenario: closing %s: %w", paths[i], err)
		}
	}
	if first != nil {
		return nil, first
	}
	return paths, nil
}
