package tui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/vigil-sec/vigil/filters/query"
)

// searchDoneMsg brings back the ring position of the next search match.
type searchDoneMsg struct {
	gen   uint64
	pos   uint64
	found bool
	fwd   bool
	jump  bool   // a jump to a time, not a search step
	note  string // what to say, if anything
}

// searchStep looks for the next (fwd) or previous match of the search
// after the cursor, in the current view, off the UI goroutine: the view may
// hold a million events and only a few match.
func (m *Model) searchStep(fwd bool) tea.Cmd {
	return m.searchFrom(fwd, false)
}

// searchFrom starts a search; with here the event under the cursor counts
// as a match too (a new search shows the nearest match, which may be it).
func (m *Model) searchFrom(fwd, here bool) tea.Cmd {
	q := m.search
	if q == nil {
		return nil
	}
	first, end := m.bounds()
	if first == end {
		return nil
	}
	m.searchGen++
	gen := m.searchGen
	snap := m.b.ring.freeze()
	v := m.b.cur.v // the index slice is only ever appended to or replaced
	// from is the first ordinal to test, as a signed number: it may be
	// one before the first.
	from := int64(m.list.cursor)
	if !here {
		if fwd {
			from++
		} else {
			from--
		}
	}
	m.busy = "searching…"
	return func() tea.Msg {
		pos, ok := findMatch(&snap, &v, first, end, from, fwd, q)
		return searchDoneMsg{gen: gen, pos: pos, found: ok, fwd: fwd}
	}
}

// findMatch tests the view's ordinals from from onwards (fwd) or backwards
// and returns the ring position of the first event q matches.
func findMatch(s *frozen, v *view, first, end uint64, from int64, fwd bool, q *query.Query) (uint64, bool) {
	var sc scratch
	step := int64(1)
	if !fwd {
		step = -1
	}
	for o := from; o >= int64(first) && o < int64(end); o += step {
		p := v.pos(uint64(o))
		if p >= s.first && p < s.end && q.Match(s.load(p, &sc)) {
			return p, true
		}
	}
	return 0, false
}

// searchDone moves the cursor to a match found.
func (m *Model) searchDone(msg searchDoneMsg) {
	if msg.gen != m.searchGen {
		return
	}
	m.busy = ""
	if msg.note != "" {
		m.setNote(msg.note, false)
	}
	if !msg.found && !msg.jump {
		if msg.fwd {
			m.setNote("no more matches below (N searches up)", false)
		} else {
			m.setNote("no more matches above (n searches down)", false)
		}
		return
	}
	m.placeCursor(msg.pos)
	m.settle()
}
