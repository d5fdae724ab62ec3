package tui

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/vigil-sec/vigil/filters"
	"github.com/vigil-sec/vigil/filters/query"
	"github.com/vigil-sec/vigil/sanitize"
)

func newInput() textinput.Model {
	in := textinput.New()
	in.Prompt = ""
	in.CharLimit = 4096
	return in
}

// openInput gives the keyboard to an input bar.
func (m *Model) openInput(md mode, prompt, text string) {
	m.mode = md
	m.input.Prompt = prompt
	m.input.SetValue(text)
	m.input.CursorEnd()
	m.input.Focus()
	m.inputErr = nil
	m.histPos = len(m.history)
	m.histSave = text
	m.checkInput()
	m.settle()
}

// closeInput returns the keyboard to the list.
func (m *Model) closeInput() {
	m.mode = modeList
	m.input.Blur()
	m.inputErr = nil
	m.settle()
}

// handleInputKey handles a key while an input bar, the palette or the quick
// filter chooser has the keyboard.
func (m Model) handleInputKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	k := &m.keys
	switch m.mode {
	case modeQuick:
		return m.handleQuickKey(msg)
	case modePalette:
		return m.handlePaletteKey(msg)
	}
	switch {
	case key.Matches(msg, k.Cancel):
		m.closeInput() // esc leaves everything as it was
		return m, nil
	case key.Matches(msg, k.Accept):
		return m.acceptInput()
	case m.mode == modeFilter && key.Matches(msg, k.HistoryUp):
		m.browseHistory(-1)
		return m, nil
	case m.mode == modeFilter && key.Matches(msg, k.HistoryDown):
		m.browseHistory(1)
		return m, nil
	case m.mode == modeExport && msg.String() == "tab":
		m.exportMark = !m.exportMark && len(m.b.marks) > 0
		m.input.Prompt = m.exportPrompt()
		return m, nil
	}
	return m.updateInput(msg)
}

// updateInput passes a message to the text input and re-checks the text.
func (m Model) updateInput(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	m.checkInput()
	return m, cmd
}

// checkInput parses a query as it is typed, so a mistake shows before
// enter is pressed.
func (m *Model) checkInput() {
	m.inputErr = nil
	if m.mode != modeFilter && m.mode != modeSearch {
		return
	}
	if _, err := query.Parse(m.input.Value()); err != nil {
		var qe *query.Error
		if errors.As(err, &qe) {
			m.inputErr = qe
		} else {
			m.inputErr = &query.Error{Msg: err.Error()}
		}
	}
}

// browseHistory moves through the filter history: -1 older, +1 newer.
func (m *Model) browseHistory(d int) {
	if len(m.history) == 0 {
		return
	}
	p := m.histPos + d
	if p < 0 || p > len(m.history) {
		return
	}
	if m.histPos == len(m.history) {
		m.histSave = m.input.Value()
	}
	m.histPos = p
	if p == len(m.history) {
		m.input.SetValue(m.histSave)
	} else {
		m.input.SetValue(m.history[p])
	}
	m.input.CursorEnd()
	m.checkInput()
}

// acceptInput acts on enter in an input bar.
func (m Model) acceptInput() (tea.Model, tea.Cmd) {
	text := strings.TrimSpace(m.input.Value())
	switch m.mode {
	case modeFilter:
		if m.inputErr != nil {
			return m, nil // the error is on screen; the filter is unchanged
		}
		m.closeInput()
		m.pushHistory(text)
		return m, m.setFilter(text)
	case modeSearch:
		if m.inputErr != nil {
			return m, nil
		}
		m.closeInput()
		q, _ := query.Parse(text)
		if q == nil || q.IsEmpty() {
			m.search = nil
			m.settle()
			return m, nil
		}
		m.search = q
		m.settle()
		// From the newest event (following) a new search looks up, else down.
		return m, m.searchFrom(!m.list.following, true)
	case modeTime:
		t, err := m.parseJumpTime(text)
		if err != nil {
			m.setNote(err.Error(), true)
			m.inputErr = &query.Error{Msg: err.Error()}
			return m, nil
		}
		m.closeInput()
		return m, m.jumpToTime(t)
	case modeExport:
		m.closeInput()
		return m, m.startExport(text)
	}
	m.closeInput()
	return m, nil
}

// parseJumpTime reads a time to jump to: a clock time today ("14:05",
// "14:05:30", in the zone shown, yesterday if that is still to come), an
// age ("-15m", "15m", "2h"), or a date and time (RFC 3339 and the forms
// --since takes).
func (m *Model) parseJumpTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, errors.New("no time given")
	}
	loc := m.loc()
	if loc == nil {
		loc = time.UTC
	}
	now := m.now().In(loc)
	for _, layout := range []string{"15:04", "15:04:05"} {
		if c, err := time.ParseInLocation(layout, s, loc); err == nil {
			t := time.Date(now.Year(), now.Month(), now.Day(), c.Hour(), c.Minute(), c.Second(), 0, loc)
			if t.After(now) {
				t = t.AddDate(0, 0, -1)
			}
			return t, nil
		}
	}
	t, err := filters.ParseTime(strings.TrimPrefix(s, "-"), m.now(), loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("jump to %q: %v", sanitize.String(s), err)
	}
	return t, nil
}

// jumpToTime moves the cursor to the event of the view closest after t
// (the earliest at or after it; the newest when none is). Several sources
// interleave in the order they were read, not in time order, so this is a
// scan over a snapshot, off the UI goroutine.
func (m *Model) jumpToTime(t time.Time) tea.Cmd {
	first, end := m.bounds()
	if first == end {
		return nil
	}
	m.searchGen++
	gen := m.searchGen
	snap := m.b.ring.freeze()
	v := m.b.cur.v
	m.busy = "jumping…"
	want := t.UnixNano()
	return func() tea.Msg {
		best, bestT := uint64(0), int64(0)
		found := false
		for o := first; o < end; o++ {
			p := v.pos(o)
			if p < snap.first || p >= snap.end {
				continue
			}
			rt := snap.rec(p).time
			if rt != noTime && rt >= want && (!found || rt < bestT) {
				best, bestT, found = p, rt, true
			}
		}
		if !found {
			return searchDoneMsg{gen: gen, jump: true, pos: v.pos(end - 1), found: true, note: "no event at or after " + t.Format(time.RFC3339) + ": at the newest"}
		}
		return searchDoneMsg{gen: gen, jump: true, pos: best, found: true}
	}
}

// openQuick starts choosing what "only this" or "exclude this" is about.
func (m *Model) openQuick(only bool) {
	if _, ok := m.selected(); !ok {
		return
	}
	m.quickOnly = only
	m.mode = modeQuick
}

// quickChoice is one thing "only this" can be about.
type quickChoice struct {
	key   string // the letter that picks it
	field string // the query field
	value string
}

// quickChoices lists the selected event's values a quick filter can use.
func (m *Model) quickChoices() []quickChoice {
	pos, ok := m.selected()
	if !ok {
		return nil
	}
	e := m.b.ring.at(pos)
	var out []quickChoice
	addc := func(k, f, v string) {
		if v != "" {
			out = append(out, quickChoice{k, f, v})
		}
	}
	addc("u", "user", e.Fields["user"])
	addc("a", "src_ip", e.Fields["src_ip"])
	addc("p", "app", e.App)
	if len(e.Categories) > 0 {
		addc("c", "cat", e.Categories[0])
	}
	addc("h", "host", e.Host)
	addc("n", "unit", e.Fields["unit"])
	addc("r", "rule", firstOf(e.Rules))
	addc("t", "tpl", e.Template)
	return out
}

func firstOf(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

func (m Model) handleQuickKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	m.mode = modeList
	if key.Matches(msg, m.keys.Cancel) {
		return m, nil
	}
	for _, c := range m.quickChoices() {
		if msg.String() == c.key {
			term := c.field + ":" + query.Quote(c.value)
			if !m.quickOnly {
				term = "-" + term
			}
			return m, m.addTerm(term)
		}
	}
	m.setNote("no such choice", true)
	return m, nil
}
