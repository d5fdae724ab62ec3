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
}

// searchStep looks for the next (fwd) or previous match of the search
// after the cursor, in the current view, off the UI goroutine: the view may
// hold a million events and only a few match.
func (m *Model) searchStep(fwd bool) tea.Cmd {
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
	from := m.list.cursor
	m.busy = "searching…"
	return func() tea.Msg {
		pos, ok := findMatch(&snap, &v, first, end, from, fwd, q)
		return searchDoneMsg{gen: gen, pos: pos, found: ok, fwd: fwd}
	}
}

// findMatch walks the view's ordinals from the one after (or before) from
// and returns the ring position of the first event q matches.
func findMatch(s *frozen, v *view, first, end, from uint64, fwd bool, q *query.Query) (uint64, bool) {
	var sc scratch
	if fwd {
		for o := from + 1; o < end; o++ {
			p := v.pos(o)
			if p >= s.first && p < s.end && q.Match(s.load(p, &sc)) {
				return p, true
			}
		}
		return 0, false
	}
	for o := from; o > first; o-- {
		p := v.pos(o - 1)
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
	if !msg.found {
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
