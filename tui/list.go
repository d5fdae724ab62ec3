package tui

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
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

// listView renders height lines of the list, width cells wide (each line
// padded to exactly width when pad is set), through the row cache. It
// touches only the visible events.
func (m *Model) listView(b *strings.Builder, height, width int, pad bool) {
	if height <= 0 {
		return
	}
	first, end := m.bounds()
	if end == first {
		msg := "waiting for events…"
		switch {
		case m.busy != "":
			msg = m.busy
		case m.b.cur.marks:
			msg = "no marked events left"
		case !m.b.cur.v.all && m.b.ring.len() > 0:
			msg = "no event matches the filter (f edits it, esc in the bar keeps it)"
		case m.ended:
			msg = "no events: every source has ended"
		}
		s, w := fit(msg, width-1)
		b.WriteString(" ")
		m.look.paint.muted.write(b, s)
		if pad {
			b.WriteString(spaces(width - 1 - w))
		}
		b.WriteByte('\n')
		for height--; height > 0; height-- {
			if pad {
				b.WriteString(spaces(width))
			}
			b.WriteByte('\n')
		}
		return
	}
	rowWidth := width - gutterWidth
	cache := m.cache
	cache.check(rowWidth, m.rowKey())
	rr := newRowRenderer(&m.look.paint, m.loc(), rowWidth)
	rr.search, rr.hscroll, rr.wrap = m.search, m.hscroll, m.wrap
	v, r := &m.b.cur.v, m.b.ring
	row := func(ord uint64) string {
		pos := v.pos(ord)
		s, ok := cache.get(pos)
		if !ok {
			s = rr.render(r.at(pos))
			cache.put(pos, s)
		}
		return s
	}
	top := m.list.top
	if m.wrap {
		top = m.wrapTop(row, first, height)
	}
	lines := 0
	for ord := top; ord < end && lines < height; ord++ {
		pos := v.pos(ord)
		s := row(ord)
		gut := "  "
		if ord == m.list.cursor {
			gut = m.look.cursorMark + " "
		}
		if _, ok := m.b.marks[pos]; ok {
			gut = gut[:len(gut)-1] + m.look.markGlyph
		}
		for i, line := range strings.Split(s, "\n") {
			if lines == height {
				break
			}
			if i == 0 {
				b.WriteString(gut)
			} else {
				b.WriteString("  ")
			}
			if ord == m.list.cursor {
				// The selected row stands out as a whole: its text, plain,
				// on the selection background (reverse video in mono).
				plain := ansi.Strip(line)
				m.look.paint.selection.write(b, plain+spaces(rowWidth-ansi.StringWidth(plain)))
			} else {
				b.WriteString(line)
				if pad {
					b.WriteString(spaces(rowWidth - ansi.StringWidth(line)))
				}
			}
			b.WriteByte('\n')
			lines++
		}
	}
	for ; lines < height; lines++ {
		if pad {
			b.WriteString(spaces(width))
		}
		b.WriteByte('\n')
	}
	cache.prune(top, uint64(height))
}

// gutterWidth is the cursor and mark column left of each row.
const gutterWidth = 2

// wrapTop is the first event to draw when rows wrap: the list's top, or
// later if the cursor's row would not fit below it.
func (m *Model) wrapTop(row func(uint64) string, first uint64, height int) uint64 {
	top, cur := m.list.top, m.list.cursor
	used := 0
	for o := top; o <= cur; o++ {
		used += strings.Count(row(o), "\n") + 1
	}
	for used > height && top < cur {
		used -= strings.Count(row(top), "\n") + 1
		top++
	}
	return max(top, first)
}

// rowKey is what rendered rows depend on besides the event and width.
func (m *Model) rowKey() string {
	var b strings.Builder
	b.WriteString(m.look.paint.name)
	if m.utc {
		b.WriteString("|utc")
	} else {
		b.WriteString("|" + m.local.String())
	}
	if m.search != nil {
		b.WriteString("|s:" + m.search.String())
	}
	if m.wrap {
		b.WriteString("|wrap")
	}
	b.WriteString("|h" + strconv.Itoa(m.hscroll))
	return b.String()
}

// jump puts the cursor on ord with it in the middle of the screen, pausing.
func (l *list) jump(ord, first, end uint64, height int) {
	if end == first {
		return
	}
	l.cursor = clampPos(ord, first, end-1)
	l.setFollowing(false)
	half := uint64(max(height, 1) / 2)
	l.top = first
	if l.cursor > first+half {
		l.top = l.cursor - half
	}
	l.settle(first, end, height)
}
