// Package fleet is a second, independent generator of synthetic syslog
// history for testing detectors that learn normal behaviour. It models
// another organisation than package scenario's generator: a small
// company with a mail server, a VPN gateway, two app servers, a file
// server, a DNS/DHCP server and a monitoring host; CentOS 7 machines
// writing RFC 3164 lines next to Rocky 9 machines writing RFC 3339
// ones; a day-shift admin in the office, a developer whose laptop gets a
// new DHCP address every day, a mail admin who works from home through
// the VPN and some Saturday mornings, a night-shift operator, and an
// automation account that visits every host every two hours.
//
// The calendar contract is scenario's: cfg.LearnDays normal days, then
// cfg.TestDays test days of which the last carries six incidents. Times
// of day are local to cfg.Zone, and lines carry local timestamps.
//
// Like scenario, it knows nothing about any detector: each incident is
// described by the kinds of deviation it fits.
package fleet

import (
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/vigil-sec/vigil/internal/scenario"
)

// Generate builds the scenario cfg describes. The same Config always
// gives the same lines, however many CPUs share the work.
func Generate(cfg scenario.Config) *scenario.Scenario {
	s, _ := GenerateWithEvidence(cfg)
	return s
}

// GenerateWithEvidence is Generate that also returns each incident's
// evidence lines by incident ID, in time order; for the silence, the
// silent host's last line. (scenario.Scenario keeps its own evidence in
// an unexported field, which this package cannot fill.)
func GenerateWithEvidence(cfg scenario.Config) (*scenario.Scenario, map[string][]scenario.Line) {
	cfg = cfg.WithDefaults()
	ndays := cfg.LearnDays + cfg.TestDays
	days := make([]day, ndays)
	for i := range days {
		days[i] = newDay(cfg.Start, i)
	}
	f := newFleet()
	plans := f.plan(cfg.Seed, days)
	last := days[ndays-1]
	inc := f.planIncidents(cfg.Seed, last, plans[ndays-1])

	type task struct {
		h *host
		d int
	}
	var tasks []task
	for _, h := range f.hosts {
		for i := range days {
			tasks = append(tasks, task{h, i})
		}
	}
	outs := make([]*hostDay, len(tasks))
	next := make(chan int, len(tasks))
	for i := range tasks {
		next <- i
	}
	close(next)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(tasks)) {
		wg.Go(func() {
			for i := range next {
				t := tasks[i]
				d := days[t.d]
				hd := &hostDay{
					f: f, h: t.h, d: d, seed: cfg.Seed, plan: plans[t.d],
					r:        stream(cfg.Seed, "host/"+t.h.name, d.idx),
					busy:     busyness(stream(cfg.Seed, "busy", d.idx), d) * wobble(stream(cfg.Seed, "busy/"+t.h.name, d.idx), 0.08),
					lines:    make([]scenario.Line, 0, 1<<14),
					evidence: map[string][]scenario.Line{},
				}
				hd.run(inc)
				outs[i] = hd
			}
		})
	}
	wg.Wait()

	// Keep the scenario's days only, and silence ns1 from the incident's
	// time on; then merge the host days' lines into one timeline.
	first := days[0].start
	runs := make([][]scenario.Line, len(outs))
	ev := map[string][]scenario.Line{}
	for i, hd := range outs {
		runs[i] = slices.DeleteFunc(hd.lines, func(l scenario.Line) bool {
			return l.Time.Before(first) || !l.Time.Before(last.end) ||
				(l.Host == "ns1" && !l.Time.Before(inc.silence))
		})
		for id, ls := range hd.evidence {
			ev[id] = append(ev[id], ls...)
		}
	}
	lines := merge(runs)
	for i := len(lines) - 1; i >= 0; i-- {
		if lines[i].Host == "ns1" {
			ev[idSilence] = []scenario.Line{lines[i]}
			break
		}
	}
	sortEvidence(ev)

	s := &scenario.Scenario{Lines: lines, LearnEnd: days[cfg.LearnDays].start}
	for _, h := range f.hosts {
		s.Hosts = append(s.Hosts, h.name)
	}
	s.IncidentDay = [2]time.Time{last.start, last.end}
	if cfg.TestDays > 1 {
		nd := days[ndays-2]
		s.NormalDay = [2]time.Time{nd.start, nd.end}
	}
	s.Incidents = inc.describe(ev)
	return s, ev
}

// merge sorts each run by time and merges them into one slice sorted by
// time; lines with equal times keep the order of their runs and, within
// a run, the order they were written in.
func merge(runs [][]scenario.Line) []scenario.Line {
	// Each run is sorted through an index, which moves less memory than
	// a stable sort of the lines themselves.
	order := make([][]int32, len(runs))
	n := 0
	for i, r := range runs {
		o := make([]int32, len(r))
		for k := range o {
			o[k] = int32(k)
		}
		slices.SortFunc(o, func(a, b int32) int {
			if c := r[a].Time.Compare(r[b].Time); c != 0 {
				return c
			}
			return int(a - b)
		})
		order[i] = o
		n += len(r)
	}
	head := func(i int) scenario.Line { return runs[i][order[i][0]] }
	// A binary heap of run indexes ordered by each run's head.
	less := func(a, b int) bool {
		if c := head(a).Time.Compare(head(b).Time); c != 0 {
			return c < 0
		}
		return a < b
	}
	var h []int
	down := func(i int) {
		for {
			l, m := 2*i+1, i
			if l < len(h) && less(h[l], h[m]) {
				m = l
			}
			if l+1 < len(h) && less(h[l+1], h[m]) {
				m = l + 1
			}
			if m == i {
				return
			}
			h[i], h[m] = h[m], h[i]
			i = m
		}
	}
	for i, o := range order {
		if len(o) > 0 {
			h = append(h, i)
		}
	}
	for i := len(h)/2 - 1; i >= 0; i-- {
		down(i)
	}
	out := make([]scenario.Line, 0, n)
	for len(h) > 0 {
		top := h[0]
		out = append(out, head(top))
		order[top] = order[top][1:]
		if len(order[top]) == 0 {
			h[0] = h[len(h)-1]
			h = h[:len(h)-1]
		}
		down(0)
	}
	return out
}

// run writes the host's day.
func (hd *hostDay) run(inc *incidentPlan) {
	hd.housekeeping()
	ss := slices.Clone(hd.plan.sessions[hd.h.name])
	switch hd.h.role {
	case roleMail:
		hd.mailHost()
	case roleVPN:
		hd.vpnHost()
	case roleOrders:
		hd.ordersHost()
	case roleReports:
		hd.reportsHost()
	case roleFiles:
		ss = append(ss, hd.filesHost()...)
	case roleDNS:
		hd.dnsHost()
	case roleMon:
		hd.monHost()
	}
	if hd.d.idx == inc.d.idx && hd.h.name == "files1" {
		hd.bruteForce(inc.bruteStart, inc.bruteFrom)
	}
	slices.SortStableFunc(ss, func(a, b *session) int { return a.start.Compare(b.start) })
	hd.runSessions(ss)
	hd.finish()
}
