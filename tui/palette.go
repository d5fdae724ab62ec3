package tui

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/sahilm/fuzzy"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/filters/query"
	"github.com/vigil-sec/vigil/sanitize"
	"github.com/vigil-sec/vigil/tui/panes"
)

// paletteRows is how many matches the palette shows.
const paletteRows = 8

// paletteItem is one thing the palette offers: an action, or a value to
// filter on.
type paletteItem struct {
	label string // what is shown and matched
	kind  string // "action", or the field of a value
	act   func(m *Model) tea.Cmd
}

// palette is the command palette's state.
type palette struct {
	items   []paletteItem
	matches fuzzy.Matches
	sel     int
}

// paletteSource adapts items to fuzzy.Source.
type paletteSource []paletteItem

func (p paletteSource) String(i int) string { return p[i].label }
func (p paletteSource) Len() int            { return len(p) }

// openPalette builds the palette's items: every action of the key map,
// then the categories, hosts, apps, users and addresses seen so far.
func (m *Model) openPalette() {
	var items []paletteItem
	k := &m.keys
	act := func(b key.Binding, f func(m *Model) tea.Cmd) {
		items = append(items, paletteItem{label: b.Help().Desc + "  (" + b.Help().Key + ")", kind: "action", act: f})
	}
	act(k.Filter, func(m *Model) tea.Cmd { m.openInput(modeFilter, "filter: ", m.filter); return nil })
	act(k.Search, func(m *Model) tea.Cmd { m.openInput(modeSearch, "search: ", ""); return nil })
	act(k.JumpTime, func(m *Model) tea.Cmd {
		m.openInput(modeTime, "jump to time (14:05, -15m, 2026-11-22T03:00Z): ", "")
		return nil
	})
	act(k.Detail, func(m *Model) tea.Cmd { m.panes.detail = !m.panes.detail; return nil })
	act(k.Categories, func(m *Model) tea.Cmd { m.panes.categories = !m.panes.categories; return nil })
	act(k.Timeline, func(m *Model) tea.Cmd { m.panes.timeline = !m.panes.timeline; return nil })
	act(k.Sources, func(m *Model) tea.Cmd { m.panes.sources = !m.panes.sources; return nil })
	act(k.Deviations, func(m *Model) tea.Cmd { m.toggleDeviations(); return nil })
	act(k.Mark, func(m *Model) tea.Cmd { m.toggleMark(); return nil })
	act(k.MarksOnly, func(m *Model) tea.Cmd { return m.toggleMarksOnly() })
	act(k.Context, func(m *Model) tea.Cmd { m.toggleContext(); return nil })
	act(k.Export, func(m *Model) tea.Cmd { m.openExport(); return nil })
	act(k.Copy, func(m *Model) tea.Cmd { return m.copySelected() })
	act(k.Wrap, func(m *Model) tea.Cmd { m.wrap = !m.wrap; return nil })
	act(k.UTC, func(m *Model) tea.Cmd { m.utc = !m.utc; return nil })
	act(k.Follow, func(m *Model) tea.Cmd {
		first, end := m.bounds()
		m.list.follow(first, end, m.listHeight())
		return nil
	})
	items = append(items, paletteItem{label: "clear filter", kind: "action", act: func(m *Model) tea.Cmd {
		m.pushHistory("")
		return m.setFilter("")
	}})
	act(k.Help, func(m *Model) tea.Cmd { m.showAll = true; return nil })
	act(k.Quit, func(m *Model) tea.Cmd { return tea.Quit })
	for _, term := range devTerms(m.b.devs) {
		items = append(items, paletteItem{label: term, kind: "deviation", act: func(m *Model) tea.Cmd {
			return m.addTerm(term)
		}})
	}
	for kind := range seenKinds {
		field := seenField[kind]
		for _, v := range m.stats.values(kind) {
			term := field + ":" + query.Quote(v)
			items = append(items, paletteItem{label: term, kind: field, act: func(m *Model) tea.Cmd {
				return m.addTerm(term)
			}})
		}
	}
	m.palette = palette{items: items}
	m.mode = modePalette
	m.input.Prompt = ": "
	m.input.SetValue("")
	m.input.Focus()
	m.inputErr = nil
	m.rankPalette()
	m.settle()
}

// devTerms are the palette's deviation filters: any deviation, then each
// kind the baseline has, and any other kind held.
func devTerms(d *panes.DevCounts) []string {
	terms := []string{"dev:"}
	kinds := event.DeviationKinds()
	for _, k := range kinds {
		terms = append(terms, "dev:"+k)
	}
	for _, k := range d.Kinds() {
		if !slices.Contains(kinds[:], k.Kind) && !sanitize.NeededString(k.Kind) && k.Kind != "" {
			terms = append(terms, "dev:"+query.Quote(k.Kind))
		}
	}
	return terms
}

// rankPalette matches the typed text against the items.
func (m *Model) rankPalette() {
	p := &m.palette
	text := m.input.Value()
	if strings.TrimSpace(text) == "" {
		p.matches = p.matches[:0]
		for i := range min(len(p.items), 200) {
			p.matches = append(p.matches, fuzzy.Match{Str: p.items[i].label, Index: i})
		}
	} else {
		p.matches = fuzzy.FindFrom(text, paletteSource(p.items))
	}
	p.sel = 0
}

func (m Model) handlePaletteKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	p := &m.palette
	switch {
	case key.Matches(msg, m.keys.Cancel):
		m.closeInput()
		return m, nil
	case key.Matches(msg, m.keys.Accept):
		m.closeInput()
		if p.sel < len(p.matches) {
			it := p.items[p.matches[p.sel].Index]
			cmd := it.act(&m)
			m.settle()
			return m, cmd
		}
		return m, nil
	case msg.String() == "up" || msg.String() == "ctrl+k":
		p.sel = max(0, p.sel-1)
		return m, nil
	case msg.String() == "down" || msg.String() == "ctrl+j" || msg.String() == "tab":
		p.sel = min(max(len(p.matches)-1, 0), p.sel+1)
		return m, nil
	}
	var cmd tea.Cmd
	before := m.input.Value()
	m.input, cmd = m.input.Update(msg)
	if m.input.Value() != before {
		m.rankPalette()
	}
	return m, cmd
}

// paletteHeight is the number of lines the open palette takes.
func (m *Model) paletteHeight() int {
	if m.mode != modePalette {
		return 0
	}
	return min(paletteRows, max(len(m.palette.matches), 1))
}
