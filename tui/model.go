package tui

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/vigil-sec/vigil/filters/query"
	"github.com/vigil-sec/vigil/filters/rules"
	"github.com/vigil-sec/vigil/themes"
)

// rateInterval is how often the events-per-second figure is updated.
const rateInterval = time.Second

// tickMsg asks the model to update its rate.
type tickMsg struct{}

// mode says what has the keyboard.
type mode int

const (
	modeList    mode = iota // the event list
	modeFilter              // the filter bar
	modeSearch              // the search bar
	modeTime                // the jump-to-time prompt
	modeExport              // the export prompt
	modePalette             // the command palette
	modeQuick               // choosing what "only this" or "exclude this" is about
)

// shown says which optional panes are shown.
type shown struct {
	detail, categories, timeline, sources, deviations bool
}

// Model is the root model of the UI. Its zero value is not usable: build it
// with New. Copies share the event buffer and caches; use only the model
// returned by the latest Update.
type Model struct {
	keys    KeyMap
	look    *look // replaced, never modified, when the theme changes
	showAll bool  // full key help instead of the one-line help
	utc     bool
	local   *time.Location // the zone for local times
	sources []string       // sanitised, for the header and the sources pane
	rules   *rules.Set     // for the detail pane; may be nil

	pump  *pump
	b     *book
	cache *rowCache
	list  list
	stats *stats

	width, height int
	ended         bool   // the events channel is closed
	slowed        bool   // the last batch found the pump's queue full
	dropped       uint64 // events lost; the pump applies backpressure instead, so 0

	now      func() time.Time
	rate     uint64 // events per second over the last interval
	rateAt   time.Time
	rateBase uint64 // ring.end() at rateAt

	mode     mode
	input    textinput.Model
	inputErr *query.Error // the problem with the text in the filter or search bar
	note     string       // a transient message on the status line
	noteErr  bool
	filter   string // the text of the filter in use (or being applied)
	// filterNote is said with the count once the filter being applied is.
	filterNote string
	history    []string // filters applied, oldest first
	histPos    int      // position in history while browsing it with up/down
	histSave   string   // what was typed before browsing the history

	search     *query.Query // highlighted and stepped through with n/N
	searchGen  uint64
	busy       string // work running off the UI goroutine ("filtering…")
	quickOnly  bool   // modeQuick chooses for "only" (else "exclude")
	exportMark bool   // the export prompt exports the marked events

	panes   shown
	wrap    bool
	hscroll int       // cells of message skipped on the left
	tlSel   int       // selected timeline bar, -1 for none
	devSel  devGroup  // selected group of the deviations pane
	devLast devFilter // the filter the deviations pane last applied
	palette palette
	opts    Options
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
// O(1) or O(screen) otherwise; work over the whole buffer runs in commands.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		if m.rateAt.IsZero() { // the program's first message: start the rate clock
			m.rateAt, m.rateBase = m.now(), m.b.ring.end()
		}
		m.input.SetWidth(max(m.width-12, 10))
		m.settle()
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	case tea.PasteMsg:
		if m.mode != modeList && m.mode != modeQuick {
			return m.updateInput(msg)
		}
	case batchMsg:
		m.appendBatch(msg)
		if msg.ended || m.pump == nil {
			return m, nil
		}
		return m, m.pump.next()
	case filterDoneMsg:
		m.filterDone(msg)
	case searchDoneMsg:
		m.searchDone(msg)
	case exportDoneMsg:
		m.exportDone(msg)
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

// appendBatch adds a batch to the buffer: O(len(batch)).
func (m *Model) appendBatch(msg batchMsg) {
	for _, evs := range msg.batches {
		added := m.b.ingest(evs)
		m.list.appended(added)
		m.stats.add(evs)
	}
	m.ended = m.ended || msg.ended
	m.slowed = msg.full
	m.settle()
}

// bounds returns the ordinals held by the current view.
func (m *Model) bounds() (first, end uint64) { return m.b.cur.v.bounds(m.b.ring) }

// settle re-establishes the list's invariants for the current buffer and
// height.
func (m *Model) settle() {
	first, end := m.bounds()
	m.list.settle(first, end, m.listHeight())
	m.keys.setMode(viewState{
		following: m.list.following, searching: m.search != nil, timeline: m.panes.timeline,
		marks: len(m.b.marks) > 0, deviations: m.panes.deviations, devSelected: m.devSel.ok,
	})
}

// updateRate computes events per second since the previous tick.
func (m *Model) updateRate() {
	now, end := m.now(), m.b.ring.end()
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
	m.input.SetStyles(m.look.inputStyles())
}

// loc is the zone times are shown in; nil means UTC.
func (m *Model) loc() *time.Location {
	if m.utc {
		return nil
	}
	return m.local
}

// setNote shows a message on the status line until the next key.
func (m *Model) setNote(s string, isErr bool) {
	m.note, m.noteErr = s, isErr
}

// sourcesLabel is the header's list of sources, each with its state when
// it is not simply being followed ("syslog (rotated)").
func (m *Model) sourcesLabel() string {
	parts := make([]string, 0, len(m.sources))
	for _, s := range m.sources {
		label := s
		st := m.stats.sources[s]
		if st == nil {
			st = m.stats.sources["file:"+s]
		}
		if st != nil {
			if state := st.state(false); state != "following" {
				label += " (" + state + ")"
			}
		}
		parts = append(parts, label)
	}
	return strings.Join(parts, ", ")
}
