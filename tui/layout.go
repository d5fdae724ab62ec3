package tui

import (
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// Pane sizes.
const (
	timelineHeight = 6  // title, four rows of bars, the time axis
	sideWidth      = 38 // the categories and sources column
	wideWidth      = 140
	minListHeight  = 3
)

// layout is where each part of the screen goes, computed from the size and
// the panes shown.
type layout struct {
	timeline  int // lines of the timeline pane at the top
	listW     int // width of the list
	listH     int // lines of the list
	sideW     int // width of the right column (0 = none)
	bottom    int // lines of panes below the list (detail, narrow side panes)
	detailH   int // of which the detail pane
	detailW   int
	detailTop bool // the detail pane is in the right column
}

// layout computes the layout for the current size and panes.
func (m *Model) layout() layout {
	var l layout
	w := m.width
	avail := m.height - 1 - m.statusHeight() - m.inputHeight() - m.paletteHeight()
	if m.panes.timeline && avail-timelineHeight >= minListHeight+2 {
		l.timeline = timelineHeight
		avail -= timelineHeight
	}
	side := m.sideShown()
	wide := w >= wideWidth
	switch {
	case wide && (side || m.panes.detail):
		l.sideW = sideWidth
		if m.panes.detail {
			l.sideW = max(sideWidth, w*2/5)
			l.detailTop = true
			l.detailW = l.sideW
		}
	case side && w >= 100:
		l.sideW = sideWidth
	}
	l.listW = w
	if l.sideW > 0 {
		l.listW = w - l.sideW - 1 // a border column between
	}
	if m.panes.detail && !l.detailTop {
		l.detailH = min(12, max(avail/2, 4), max(avail, 0)) // never more than there is
		l.detailW = w
		l.bottom += l.detailH
	}
	if side && l.sideW == 0 {
		n := 0 // lines the panes would like: titles and contents
		if m.panes.categories {
			n += 1 + max(len(m.b.hist().CategoryCounts()), 1)
		}
		if m.panes.sources {
			n += 1 + len(m.stats.order)
			for _, st := range m.stats.sources {
				if st.lastNote != "" {
					n++
				}
			}
		}
		if m.panes.deviations {
			n += m.deviationsLines()
		}
		l.bottom += min(n, max((avail-l.detailH)/2, 3), max(avail-l.detailH, 0))
	}
	l.listH = max(avail-l.bottom, 0)
	return l
}

// sideShown reports whether a pane of the side column is shown: the
// categories, sources or deviations pane.
func (m *Model) sideShown() bool {
	return m.panes.categories || m.panes.sources || m.panes.deviations
}

// listHeight is the number of list lines on screen.
func (m *Model) listHeight() int { return m.layout().listH }

// inputHeight is the lines of the input bar (and its error line).
func (m *Model) inputHeight() int {
	switch m.mode {
	case modeList:
		return 0
	case modeQuick:
		return 1
	}
	if m.inputErr != nil {
		return 2
	}
	return 1
}

// View renders the whole screen. It costs O(screen): rows are cached, panes
// render from aggregates, and nothing walks the buffer.
func (m Model) View() tea.View {
	var b strings.Builder
	m.cache.baseline = ""
	if m.opts.Baseline != nil {
		m.cache.baseline = m.opts.Baseline()
	}
	if m.width > 0 && m.height > 0 {
		b.Grow(max(m.cache.frameLen+m.width, m.width*m.height*2))
		b.WriteString(m.headerView())
		if m.height > 1 {
			b.WriteByte('\n')
			m.bodyView(&b)
		}
	}
	m.cache.frameLen = b.Len()
	v := tea.NewView(b.String())
	v.AltScreen = true
	v.WindowTitle = "vigil"
	return v
}

// bodyView renders everything under the header.
func (m *Model) bodyView(b *strings.Builder) {
	l := m.layout()
	if l.timeline > 0 {
		b.WriteString(m.timelineView(m.width, l.timeline))
		b.WriteByte('\n')
	}
	if l.sideW == 0 {
		m.listView(b, l.listH, l.listW, false)
	} else {
		var lb strings.Builder
		m.listView(&lb, l.listH, l.listW, true)
		left := strings.Split(strings.TrimSuffix(lb.String(), "\n"), "\n")
		right := m.sideView(l, l.listH)
		sep := m.look.paint.border.render("│")
		for i := range l.listH {
			b.WriteString(left[i])
			b.WriteString(sep)
			if i < len(right) {
				b.WriteString(right[i])
			}
			b.WriteByte('\n')
		}
	}
	if l.bottom > 0 {
		h := l.bottom
		if m.sideShown() {
			if l.sideW == 0 {
				sh := l.bottom - l.detailH
				for _, line := range m.sidePanes(m.width, sh) {
					b.WriteString(line)
					b.WriteByte('\n')
				}
				h -= sh
			}
		}
		if l.detailH > 0 {
			for _, line := range m.detailView(l.detailW, h) {
				b.WriteString(line)
				b.WriteByte('\n')
			}
		}
	}
	if ph := m.paletteHeight(); ph > 0 {
		b.WriteString(m.paletteView(ph))
	}
	if m.mode != modeList {
		b.WriteString(m.inputView())
	}
	b.WriteString(m.statusView())
}

// sideView renders the right column: the detail pane on wide screens, the
// categories and sources panes.
func (m *Model) sideView(l layout, height int) []string {
	if l.detailTop {
		dh := height
		var out []string
		if m.sideShown() {
			dh = height * 3 / 5
		}
		out = append(out, m.detailView(l.sideW, dh)...)
		if dh < height {
			out = append(out, m.sidePanes(l.sideW, height-dh)...)
		}
		return out
	}
	return m.sidePanes(l.sideW, height)
}

// sidePanes renders the categories, deviations and sources panes in width
// x height. The deviations pane, which is navigated, takes what the
// others leave.
func (m *Model) sidePanes(width, height int) []string {
	if m.panes.deviations {
		srcH, catH := 0, 0
		if m.panes.sources {
			srcH = min(height/3, m.sourcesLines())
		}
		if m.panes.categories {
			catH = min((height-srcH)/2, 1+max(len(m.b.hist().CategoryCounts()), 1))
		}
		out := m.categoriesView(width, catH)
		out = append(out, m.deviationsView(width, height-srcH-catH, m.cache.baseline)...)
		return append(out, m.sourcesView(width, srcH)...)
	}
	switch {
	case m.panes.categories && m.panes.sources:
		ch := height - min(height/2, m.sourcesLines())
		return append(m.categoriesView(width, ch), m.sourcesView(width, height-ch)...)
	case m.panes.categories:
		return m.categoriesView(width, height)
	}
	return m.sourcesView(width, height)
}

// paneTitle renders a pane's title line, width cells.
func (m *Model) paneTitle(title string, width int) string {
	t, w := fit(" "+title+" ", width-2)
	return m.look.paint.border.render("─" + t + strings.Repeat("─", max(width-w-1, 0)))
}

// padLines makes lines exactly height lines of width cells.
func padLines(lines []string, width, height int) []string {
	out := make([]string, 0, height)
	for _, l := range lines {
		if len(out) == height {
			break
		}
		w := ansi.StringWidth(l)
		if w > width {
			l = ansi.Truncate(l, width, ellipsis)
			w = ansi.StringWidth(l)
		}
		out = append(out, l+spaces(width-w))
	}
	for len(out) < height {
		out = append(out, spaces(width))
	}
	return out
}

// inputView renders the input bar and, under it, what is wrong with the
// text, pointing at it.
func (m *Model) inputView() string {
	p := &m.look.paint
	if m.mode == modeQuick {
		return m.quickView() + "\n"
	}
	line, _ := fit(m.input.View(), m.width)
	out := line + "\n"
	if e := m.inputErr; e != nil {
		prompt := ansi.StringWidth(m.input.Prompt)
		caret := ""
		if m.mode == modeFilter || m.mode == modeSearch {
			val := m.input.Value()
			pos := min(max(e.Pos, 0), len(val))
			caret = spaces(prompt+ansi.StringWidth(val[:pos])) + "^"
			if e.End > e.Pos+1 && e.End <= len(val) {
				caret += strings.Repeat("~", ansi.StringWidth(val[e.Pos+1:e.End]))
			}
			caret += " "
		}
		msg, _ := fit(caret+e.Msg, m.width)
		out += p.errText.render(msg) + "\n"
	}
	return out
}

// quickView is the "only this" chooser: a key for each value of the
// selected event.
func (m *Model) quickView() string {
	p := &m.look.paint
	var b strings.Builder
	if m.quickOnly {
		b.WriteString(p.accent.render("only:"))
	} else {
		b.WriteString(p.accent.render("exclude:"))
	}
	for _, c := range m.quickChoices() {
		b.WriteString(" ")
		b.WriteString(p.accent.render(c.key))
		b.WriteString(" " + c.field + "=")
		v, _ := fit(c.value, 24)
		b.WriteString(v)
	}
	b.WriteString(p.muted.render("  esc"))
	s := b.String()
	if ansi.StringWidth(s) > m.width {
		s = ansi.Truncate(s, m.width, ellipsis)
	}
	return s
}

// paletteView renders the palette's best matches, matched letters in the
// accent style.
func (m *Model) paletteView(height int) string {
	p := &m.look.paint
	var b strings.Builder
	ms := m.palette.matches
	start := max(0, min(m.palette.sel-height+1, len(ms)-height))
	if len(ms) == 0 {
		s, _ := fit("  no match", m.width)
		b.WriteString(p.muted.render(s) + "\n")
		return b.String()
	}
	for i := start; i < start+height && i < len(ms); i++ {
		mt := ms[i]
		it := m.palette.items[mt.Index]
		var lb strings.Builder
		if i == m.palette.sel {
			lb.WriteString(m.look.cursorMark + " ")
		} else {
			lb.WriteString("  ")
		}
		hit := make(map[int]bool, len(mt.MatchedIndexes))
		for _, x := range mt.MatchedIndexes {
			hit[x] = true
		}
		label, _ := fit(it.label, m.width-14)
		for j, r := range label {
			if hit[j] {
				lb.WriteString(p.accent.render(string(r)))
			} else {
				lb.WriteString(string(r))
			}
		}
		kind := p.muted.render("  " + it.kind)
		line := lb.String() + kind
		if ansi.StringWidth(line) > m.width {
			line = ansi.Truncate(line, m.width, "")
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}

// sourcesLines is how many lines the sources pane would like.
func (m *Model) sourcesLines() int {
	n := 1 + max(len(m.stats.order), 1)
	for _, st := range m.stats.sources {
		if st.lastNote != "" {
			n++
		}
	}
	return n
}
