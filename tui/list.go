package tui

import (
	"strings"
)

// list is the scroll state of the event list, in absolute ring positions so
// that a paused view stays anchored to the same events while new ones
// arrive. cursor is the selected event; top is the first visible one.
type list struct {
	top, cursor uint64
	// following means the cursor sits on the newest event and moves with it.
	following bool
	// fresh counts events that arrived while paused.
	fresh uint64
}

func newList() list { return list{following: true} }

// settle re-establishes the invariants after events arrived, were evicted,
// or the height changed: cursor in [first, end), cursor visible, top as low
// as it can go without leaving blank rows at the bottom.
func (l *list) settle(first, end uint64, height int) {
	if end == first {
		l.top, l.cursor = first, first
		return
	}
	h := uint64(max(height, 1))
	if l.following {
		l.cursor = end - 1
	}
	l.cursor = clampPos(l.cursor, first, end-1)
	if l.top < first {
		l.top = first
	}
	if l.cursor < l.top {
		l.top = l.cursor
	}
	if l.cursor >= l.top+h {
		l.top = l.cursor - h + 1
	}
	if l.top+h > end {
		l.top = first
		if end-first > h {
			l.top = end - h
		}
	}
}

func clampPos(p, lo, hi uint64) uint64 {
	return max(lo, min(p, hi))
}

// move moves the cursor by delta events and, for a page move, the top with
// it. Reaching the newest event resumes following; leaving it pauses.
func (l *list) move(delta int, page bool, first, end uint64, height int) {
	if end == first {
		return
	}
	last := end - 1
	c := int64(l.cursor) + int64(delta)
	l.cursor = clampPos(uint64(max(c, int64(first))), first, last)
	if page {
		t := int64(l.top) + int64(delta)
		l.top = uint64(max(t, int64(first)))
	}
	l.setFollowing(l.cursor == last && delta > 0 || l.following && l.cursor == last)
	l.settle(first, end, height)
}

// home moves to the oldest event held, pausing.
func (l *list) home(first, end uint64, height int) {
	if end == first {
		return
	}
	l.cursor, l.top = first, first
	l.setFollowing(first == end-1 && l.following)
	l.settle(first, end, height)
}

// follow jumps to the newest event and follows it.
func (l *list) follow(first, end uint64, height int) {
	l.setFollowing(true)
	l.settle(first, end, height)
}

func (l *list) setFollowing(f bool) {
	if f != l.following {
		l.fresh = 0
	}
	l.following = f
}

// appended records that n events arrived.
func (l *list) appended(n int) {
	if !l.following {
		l.fresh += uint64(n)
	}
}

// listView renders height rows of the list, width cells wide, through the row
// cache. It touches only the visible events.
func (m *Model) listView(b *strings.Builder, height int) {
	if height <= 0 {
		return
	}
	r := m.ring
	first, end := r.first(), r.end()
	if end == first {
		msg := "waiting for events…"
		if m.ended {
			msg = "no events: every source has ended"
		}
		s, _ := fit(msg, m.width-1)
		b.WriteString(" ")
		m.look.paint.muted.write(b, s)
		b.WriteByte('\n')
		height--
		for ; height > 0; height-- {
			b.WriteByte('\n')
		}
		return
	}
	rowWidth := m.width - 1 // one cell of gutter for the cursor mark
	cache := m.cache
	cache.check(rowWidth, m.look.paint.name)
	rr := newRowRenderer(&m.look.paint, m.loc, rowWidth)
	pos := m.list.top
	for i := 0; i < height; i++ {
		if pos < end {
			if pos == m.list.cursor {
				b.WriteString(m.look.cursorMark)
			} else {
				b.WriteByte(' ')
			}
			s, ok := cache.get(pos)
			if !ok {
				s = rr.render(r.at(pos))
				cache.put(pos, s)
			}
			b.WriteString(s)
			pos++
		}
		b.WriteByte('\n')
	}
	cache.prune(m.list.top, uint64(height))
}
