package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/vigil-sec/vigil/filters/query"
)

// handleKey routes a key press to what has the keyboard.
func (m Model) handleKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if m.mode != modeList {
		return m.handleInputKey(msg)
	}
	m.note = ""
	if m.showAll && !key.Matches(msg, m.keys.Help) && !key.Matches(msg, m.keys.Quit) {
		// Any key closes the full help; esc and ? only close it.
		m.showAll = false
		m.settle()
		if key.Matches(msg, m.keys.Escape) {
			return m, nil
		}
	}
	first, end := m.bounds()
	h := m.listHeight()
	k := &m.keys
	var cmd tea.Cmd
	switch {
	case key.Matches(msg, k.Quit):
		return m, tea.Quit
	case key.Matches(msg, k.Up):
		m.list.move(-1, false, first, end, h)
	case key.Matches(msg, k.Down):
		m.list.move(1, false, first, end, h)
	case key.Matches(msg, k.PageUp):
		m.list.move(-h, true, first, end, h)
	case key.Matches(msg, k.PageDown):
		m.list.move(h, true, first, end, h)
	case key.Matches(msg, k.Top):
		m.list.home(first, end, h)
	case key.Matches(msg, k.Bottom), key.Matches(msg, k.Follow):
		m.list.follow(first, end, h)
	case key.Matches(msg, k.Help):
		m.showAll = !m.showAll
	case key.Matches(msg, k.Filter):
		m.openInput(modeFilter, "filter: ", m.filter)
	case key.Matches(msg, k.Search):
		text := ""
		if m.search != nil {
			text = m.search.String()
		}
		m.openInput(modeSearch, "search: ", text)
	case key.Matches(msg, k.JumpTime):
		m.openInput(modeTime, "jump to time (14:05, -15m, 2026-11-22T03:00Z): ", "")
	case key.Matches(msg, k.Next):
		cmd = m.searchStep(true)
	case key.Matches(msg, k.Prev):
		cmd = m.searchStep(false)
	case key.Matches(msg, k.Palette):
		m.openPalette()
	case key.Matches(msg, k.Only):
		m.openQuick(true)
	case key.Matches(msg, k.Exclude):
		m.openQuick(false)
	case key.Matches(msg, k.Mark):
		m.toggleMark()
	case key.Matches(msg, k.MarksOnly):
		cmd = m.toggleMarksOnly()
	case key.Matches(msg, k.Context):
		m.toggleContext()
	case key.Matches(msg, k.Export):
		m.openExport()
	case key.Matches(msg, k.Copy):
		cmd = m.copySelected()
	case key.Matches(msg, k.DevApply): // before Detail, which shares enter
		cmd = m.applyDeviation()
	case key.Matches(msg, k.Detail):
		m.panes.detail = !m.panes.detail
	case key.Matches(msg, k.Categories):
		m.panes.categories = !m.panes.categories
	case key.Matches(msg, k.Timeline):
		m.panes.timeline = !m.panes.timeline
		m.tlSel = -1
	case key.Matches(msg, k.Sources):
		m.panes.sources = !m.panes.sources
	case key.Matches(msg, k.Older):
		cmd = m.stepTimeline(-1)
	case key.Matches(msg, k.Newer):
		cmd = m.stepTimeline(1)
	case key.Matches(msg, k.Deviations):
		m.toggleDeviations()
	case key.Matches(msg, k.DevPrev):
		m.stepDeviations(-1)
	case key.Matches(msg, k.DevNext):
		m.stepDeviations(1)
	case key.Matches(msg, k.Left):
		m.hscroll = max(0, m.hscroll-8)
	case key.Matches(msg, k.Right):
		m.hscroll += 8
	case key.Matches(msg, k.Wrap):
		m.wrap = !m.wrap
		m.setNote(onOff("wrap", m.wrap), false)
	case key.Matches(msg, k.UTC):
		m.utc = !m.utc
		if m.utc {
			m.setNote("times in UTC", false)
		} else {
			m.setNote("times in local time ("+m.local.String()+")", false)
		}
	case key.Matches(msg, k.Escape):
		cmd = m.escape()
	}
	m.settle()
	return m, cmd
}

func onOff(what string, on bool) string {
	if on {
		return what + " on"
	}
	return what + " off"
}

// escape backs out of the innermost state: the context view, then the
// search highlight, then the deviation group selected (enter opens the
// detail pane again), then the panes.
func (m *Model) escape() tea.Cmd {
	switch {
	case m.b.saved != nil:
		m.toggleContext()
	case m.search != nil:
		m.search = nil
	case m.devSel.ok && m.panes.deviations:
		m.devSel = devGroup{}
	case m.panes != shown{}:
		m.panes = shown{}
		m.devSel = devGroup{}
	}
	return nil
}

// selected returns the ring position of the event under the cursor.
func (m *Model) selected() (uint64, bool) {
	first, end := m.bounds()
	if first == end || m.list.cursor < first || m.list.cursor >= end {
		return 0, false
	}
	return m.b.cur.v.pos(m.list.cursor), true
}

// toggleMark marks or unmarks the selected event.
func (m *Model) toggleMark() {
	pos, ok := m.selected()
	if !ok {
		return
	}
	if _, on := m.b.marks[pos]; on {
		delete(m.b.marks, pos)
		m.setNote(fmt.Sprintf("unmarked; %d marked", len(m.b.marks)), false)
	} else {
		m.b.marks[pos] = struct{}{}
		m.setNote(fmt.Sprintf("marked; %d marked", len(m.b.marks)), false)
	}
	m.cache.invalidate(pos)
}

// toggleMarksOnly switches between the marked events and the filter.
func (m *Model) toggleMarksOnly() tea.Cmd {
	b := m.b
	if b.cur.marks {
		return m.setFilter(m.filter)
	}
	if len(b.marks) == 0 {
		m.setNote("no marked events (m marks one)", true)
		return nil
	}
	pos, _ := m.selected()
	b.saved = nil
	b.pending = nil
	b.gen++
	b.cur = b.marksLens()
	m.placeCursor(pos)
	return nil
}

// toggleContext shows every event around the selected one, the filter
// lifted, or goes back to the filtered view.
func (m *Model) toggleContext() {
	b := m.b
	pos, ok := m.selected()
	if b.saved != nil {
		b.cur, b.saved = b.saved, nil
		if ok {
			m.placeCursor(pos)
		}
		return
	}
	if !ok {
		return
	}
	if b.cur.v.all {
		m.setNote("no filter to lift: this is every event", false)
		return
	}
	b.saved = b.cur
	b.cur = &lens{v: allView()}
	m.placeCursor(pos)
}

// placeCursor puts the cursor on the event at ring position pos, or the
// nearest older one the view holds, pausing the list, with the cursor in
// the middle of the screen.
func (m *Model) placeCursor(pos uint64) {
	v := &m.b.cur.v
	ord, ok := v.ordinalAtOrBefore(m.b.ring, pos)
	if !ok {
		if ord, ok = v.ordinalAtOrAfter(m.b.ring, pos); !ok {
			m.settle()
			return
		}
	}
	first, end := m.bounds()
	m.list.jump(ord, first, end, m.listHeight())
}

// setFilter applies filter text: it returns the command computing the new
// view, or nil when nothing needs computing. A bad query leaves the view
// as it was and says why.
func (m *Model) setFilter(text string) tea.Cmd {
	text = strings.TrimSpace(text)
	q, err := query.Parse(text)
	if err != nil {
		m.setNote("filter: "+err.Error(), true)
		return nil
	}
	b := m.b
	m.filter = text
	b.saved = nil
	if q.IsEmpty() {
		m.filterNote = ""
		pos, ok := m.selected()
		b.pending = nil
		b.gen++
		b.cur = &lens{v: allView()}
		if ok && !m.list.following {
			m.placeCursor(pos)
		}
		m.busy = ""
		return nil
	}
	work := b.request(&lens{q: q})
	m.busy = "filtering…"
	return func() tea.Msg { return work() }
}

// filterDone installs a computed filter, keeping the cursor on the same
// event (or the nearest older one) unless the list follows.
func (m *Model) filterDone(msg filterDoneMsg) {
	pos, ok := m.selected()
	following := m.list.following
	if m.b.done(msg) == nil {
		return // stale
	}
	m.busy = ""
	first, end := m.bounds()
	switch {
	case following || !ok:
		m.list.follow(first, end, m.listHeight())
	default:
		m.placeCursor(pos)
	}
	note := fmt.Sprintf("filter applied: %s of %s events matched", thousands(end-first), thousands(m.b.ring.len()))
	if m.filterNote != "" {
		note += "; " + m.filterNote
		m.filterNote = ""
	}
	m.setNote(note, false)
}

// addTerm adds a term to the filter in force and applies it.
func (m *Model) addTerm(term string) tea.Cmd {
	text := andTerm(m.filter, term)
	m.pushHistory(text)
	return m.setFilter(text)
}

func (m *Model) pushHistory(text string) {
	if text == "" {
		return
	}
	if n := len(m.history); n > 0 && m.history[n-1] == text {
		return
	}
	m.history = append(m.history, text)
	if len(m.history) > 200 {
		m.history = m.history[len(m.history)-200:]
	}
}
