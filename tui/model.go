package tui

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/vigil-sec/vigil/themes"
)

// rateInterval is how often the events-per-second figure is updated.
const rateInterval = time.Second

// tickMsg asks the model to update its rate.
type tickMsg struct{}

// Model is the root model of the UI. Its zero value is not usable: build it
// with New. Copies share the event buffer and row cache; use only the model
// returned by the latest Update.
type Model struct {
	keys    KeyMap
	look    *look // replaced, never modified, when the theme changes
	showAll bool  // full key help instead of the one-line help
	loc     *time.Location
	sources string // sanitised, for the header

	pump  *pump
	ring  *ring
	cache *rowCache
	list  list

	width, height int
	ended         bool   // the events channel is closed
	slowed        bool   // the last batch found the pump's queue full
	dropped       uint64 // events lost; the pump applies backpressure instead, so 0

	now      func() time.Time
	rate     uint64 // events per second over the last interval
	rateAt   time.Time
	rateBase uint64 // ring.end() at rateAt
}

// Init starts the first batch read, the rate ticker and asks the terminal
// for its background colour (an adaptive theme follows it).
func (m Model) Init() tea.Cmd {
	cmds := []tea.Cmd{tickCmd(), tea.RequestBackgroundColor}
	if m.pump != nil {
		cmds = append(cmds, m.pump.next())
	}
	return tea.Batch(cmds...)
}

func tickCmd() tea.Cmd {
	return tea.Tick(rateInterval, func(time.Time) tea.Msg { return tickMsg{} })
}

// Update handles one message. Its cost is O(batch) for a batch of events and
// O(1) otherwise; it does no I/O.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		if m.rateAt.IsZero() { // the program's first message: start the rate clock
			m.rateAt, m.rateBase = m.now(), m.ring.end()
		}
		m.settle()
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	case batchMsg:
		m.appendBatch(msg)
		if msg.ended || m.pump == nil {
			return m, nil
		}
		return m, m.pump.next()
	case tickMsg:
		m.updateRate()
		return m, tickCmd()
	case tea.BackgroundColorMsg:
		if t := m.look.theme; t.Adaptive() {
			m.setTheme(t.ForBackground(msg.IsDark()))
		}
	}
	return m, nil
}

func (m Model) handleKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	first, end := m.ring.first(), m.ring.end()
	h := m.listHeight()
	switch {
	case key.Matches(msg, m.keys.Quit):
		return m, tea.Quit
	case key.Matches(msg, m.keys.Up):
		m.list.move(-1, false, first, end, h)
	case key.Matches(msg, m.keys.Down):
		m.list.move(1, false, first, end, h)
	case key.Matches(msg, m.keys.PageUp):
		m.list.move(-h, true, first, end, h)
	case key.Matches(msg, m.keys.PageDown):
		m.list.move(h, true, first, end, h)
	case key.Matches(msg, m.keys.Top):
		m.list.home(first, end, h)
	case key.Matches(msg, m.keys.Bottom), key.Matches(msg, m.keys.Follow):
		m.list.follow(first, end, h)
	case key.Matches(msg, m.keys.Help):
		m.showAll = !m.showAll
		m.settle()
	}
	m.keys.setFollowing(m.list.following)
	return m, nil
}

// appendBatch adds a batch to the ring: O(len(batch)).
func (m *Model) appendBatch(msg batchMsg) {
	for _, b := range msg.batches {
		m.ring.pushAll(b)
		m.list.appended(len(b))
	}
	m.ended = m.ended || msg.ended
	m.slowed = msg.full
	m.settle()
}

// settle re-establishes the list's invariants for the current buffer and
// height.
func (m *Model) settle() {
	m.list.settle(m.ring.first(), m.ring.end(), m.listHeight())
	m.keys.setFollowing(m.list.following)
}

// updateRate computes events per second since the previous tick.
func (m *Model) updateRate() {
	now, end := m.now(), m.ring.end()
	if !m.rateAt.IsZero() {
		if dt := now.Sub(m.rateAt); dt > 0 {
			m.rate = uint64(float64(end-m.rateBase)/dt.Seconds() + 0.5)
		}
	}
	m.rateAt, m.rateBase = now, end
}

// setTheme switches the theme and everything built from it.
func (m *Model) setTheme(t themes.Theme) {
	m.look = newLook(t)
}

// listHeight is the number of event rows on screen.
func (m *Model) listHeight() int {
	return max(m.height-1-m.statusHeight(), 0)
}

// View renders the header, the visible rows and the help line. It costs
// O(visible rows): rows are cached, and nothing walks the buffer.
func (m Model) View() tea.View {
	var b strings.Builder
	if m.width > 0 && m.height > 0 {
		// Size the frame from the previous one: one allocation per frame.
		b.Grow(max(m.cache.frameLen+m.width, m.width*m.height*2))
		b.WriteString(m.headerView())
		if m.height > m.statusHeight() {
			b.WriteByte('\n')
			m.listView(&b, m.listHeight())
			b.WriteString(m.statusView())
		}
	}
	m.cache.frameLen = b.Len()
	v := tea.NewView(b.String())
	v.AltScreen = true
	v.WindowTitle = "vigil"
	return v
}
