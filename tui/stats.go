package tui

import (
	"sort"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/sources"
)

// maxSeen bounds each set of values remembered for the palette, so a scan
// from every address of the internet cannot grow it without end.
const maxSeen = 4096

// stats remembers, for the whole stream, the values the palette offers
// (hosts, apps, users, addresses, categories) and counts per source.
type stats struct {
	// truncated counts lines cut at the length limit; losses the
	// sources' notices of data they could not read (log.integrity).
	truncated, losses uint64
	// deviating counts events with baseline deviations.
	deviating uint64

	seen    [seenKinds]map[string]int
	sources map[string]*sourceStat
	order   []string // sources in the order first seen
}

// sourceStat is what the sources pane shows for one source.
type sourceStat struct {
	events   uint64
	notices  uint64 // the source's own notices (rotations, losses, ...)
	lastNote string
	// stateNote is the state the source's last notice that stated one
	// reported (sources.StateField); a line read after an error or a
	// deletion means the source is back.
	stateNote string
	last      event.Event // Time only
}

// state is a word for the source's condition.
func (st *sourceStat) state(ended bool) string {
	switch {
	case st.stateNote != "":
		return st.stateNote
	case ended:
		return "ended"
	}
	return "following"
}

// Kinds of values remembered.
const (
	seenHost = iota
	seenApp
	seenUser
	seenAddr
	seenCat
	seenKinds
)

var seenField = [seenKinds]string{"host", "app", "user", "src_ip", "cat"}

func newStats() *stats {
	s := &stats{sources: make(map[string]*sourceStat)}
	for i := range s.seen {
		s.seen[i] = make(map[string]int)
	}
	return s
}

func (s *stats) note(kind int, v string) {
	if v == "" {
		return
	}
	m := s.seen[kind]
	if _, ok := m[v]; ok || len(m) < maxSeen {
		m[v]++
	}
}

// add counts a batch: O(len(evs)).
func (s *stats) add(evs []event.Event) {
	for i := range evs {
		e := &evs[i]
		s.note(seenHost, e.Host)
		s.note(seenApp, e.App)
		if e.Fields != nil {
			s.note(seenUser, e.Fields["user"])
			s.note(seenAddr, e.Fields["src_ip"])
		}
		for _, c := range e.Categories {
			s.note(seenCat, c)
		}
		st := s.sources[e.Source]
		if st == nil {
			st = &sourceStat{}
			s.sources[e.Source] = st
			s.order = append(s.order, e.Source)
		}
		st.events++
		st.last.Time = e.Time
		if e.Truncated > 0 {
			s.truncated++
		}
		if len(e.Deviations) > 0 {
			s.deviating++
		}
		if e.Format != "notice" {
			if st.stateNote == sources.StateError || st.stateNote == sources.StateDeleted {
				st.stateNote = ""
			}
			continue
		}
		if e.HasCategory(event.CategoryLogIntegrity) {
			s.losses++
		}
		st.notices++
		st.lastNote = e.Message
		if state := e.Fields[sources.StateField]; state != "" {
			st.stateNote = state
		}
	}
}

// values returns the values of a kind, most frequent first.
func (s *stats) values(kind int) []string {
	m := s.seen[kind]
	out := make([]string, 0, len(m))
	for v := range m {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool {
		if m[out[i]] != m[out[j]] {
			return m[out[i]] > m[out[j]]
		}
		return out[i] < out[j]
	})
	return out
}

// skipped is what the header reports as skipped: lines cut short and
// notices of data a source lost, each a visible event in the list.
func (s *stats) skipped() uint64 { return s.truncated + s.losses }
