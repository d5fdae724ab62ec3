package tui

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"
)

// statusView renders the bottom line(s): a note or the key help on the
// left; on the right what the view is (filter, marks, context), work in
// progress, and the cursor's place in the view.
func (m *Model) statusView() string {
	if m.showAll {
		return m.helpView(m.width)
	}
	p := &m.look.paint
	var right []string
	if m.slowed {
		right = append(right, p.warning.render("sources slowed: UI behind"))
	}
	if m.busy != "" {
		right = append(right, p.accent.render(m.busy))
	}
	switch {
	case m.b.saved != nil:
		right = append(right, p.warning.render("CONTEXT (x: back)"))
	case m.b.cur.marks:
		right = append(right, p.warning.render("MARKS ONLY"))
	case m.filter != "" && m.mode != modeFilter:
		f, _ := fit(m.filter, max(m.width/3, 10))
		right = append(right, p.accent.render("filter: ")+f)
	}
	if n := len(m.b.marks); n > 0 {
		right = append(right, p.mark.render("●")+thousands(uint64(n)))
	}
	if m.search != nil && m.mode != modeSearch {
		s, _ := fit(m.search.String(), max(16, m.width/5))
		right = append(right, p.match.render("/"+s))
	}
	first, end := m.bounds()
	if n := end - first; n > 0 {
		right = append(right, p.muted.render(thousands(m.list.cursor-first+1)+"/"+thousands(n)))
	}
	r := strings.Join(right, "  ")
	rw := ansi.StringWidth(r)
	if rw > 0 {
		rw++ // trailing space
	}
	var left string
	switch {
	case m.note != "":
		sp := p.text
		if m.noteErr {
			sp = p.errText
		}
		n, _ := fit(m.note, max(m.width-rw-2, 0))
		left = " " + sp.render(n)
	default:
		left = " " + m.helpView(max(m.width-rw-2, 0))
	}
	if rw == 0 {
		return left
	}
	lw := ansi.StringWidth(left)
	if lw+1+rw > m.width {
		return ansi.Truncate(left+" "+r, m.width, "")
	}
	return left + spaces(m.width-lw-rw) + r + " "
}

// statusHeight is how many lines statusView takes.
func (m *Model) statusHeight() int {
	if !m.showAll {
		return 1
	}
	return max(1, strings.Count(m.helpView(m.width), "\n")+1)
}

// helpKey is what the help text depends on.
type helpKey struct {
	width int
	look  *look
	mode  mode
	keys  [6]bool // the bindings that switch on and off
	all   bool
}

// helpView renders the key help for the current mode in width cells: one
// line of the most useful bindings, or with showAll every binding of the
// mode in as many columns as fit. It is memoised: it changes only with the
// mode, the width and the theme.
func (m *Model) helpView(width int) string {
	k := helpKey{width: width, look: m.look, mode: m.mode, all: m.showAll,
		keys: [6]bool{m.keys.Bottom.Enabled(), m.keys.Next.Enabled(), m.keys.Older.Enabled(), m.keys.MarksOnly.Enabled(),
			m.keys.DevNext.Enabled(), m.keys.DevApply.Enabled()}}
	c := m.cache
	if c.helpOK && c.helpKey == k {
		return c.help
	}
	var km help.KeyMap = listHelp{&m.keys}
	if m.mode != modeList {
		km = inputHelp{k: &m.keys, history: m.mode == modeFilter}
	}
	if m.showAll {
		c.help = m.fullHelp(km, width)
	} else {
		c.help = m.shortHelp(km.ShortHelp(), width)
	}
	c.helpKey, c.helpOK = k, true
	return c.help
}

// shortHelp lays out bindings on one line of at most width cells, dropping
// them from the end when they do not fit.
func (m *Model) shortHelp(bs []key.Binding, width int) string {
	p := &m.look.paint
	const sep = " • "
	var b strings.Builder
	used := 0
	for _, kb := range bs {
		if !kb.Enabled() {
			continue
		}
		h := kb.Help()
		w := ansi.StringWidth(h.Key) + 1 + ansi.StringWidth(h.Desc)
		extra := 0
		if used > 0 {
			extra = len(sep)
		}
		if used+extra+w > width {
			if used+2 <= width && used > 0 {
				b.WriteString(p.muted.render(" …"))
			}
			break
		}
		if used > 0 {
			b.WriteString(p.muted.render(sep))
		}
		b.WriteString(p.accent.render(h.Key))
		b.WriteByte(' ')
		b.WriteString(p.muted.render(h.Desc))
		used += extra + w
	}
	return b.String()
}

// fullHelp lays out every enabled binding of km in columns across width.
func (m *Model) fullHelp(km help.KeyMap, width int) string {
	p := &m.look.paint
	type entry struct{ key, desc string }
	var es []entry
	keyW, descW := 0, 0
	for _, group := range km.FullHelp() {
		for _, kb := range group {
			if !kb.Enabled() {
				continue
			}
			h := kb.Help()
			es = append(es, entry{h.Key, h.Desc})
			keyW = max(keyW, ansi.StringWidth(h.Key))
			descW = max(descW, ansi.StringWidth(h.Desc))
		}
	}
	colW := 1 + keyW + 1 + descW + 2
	cols := max(1, width/colW)
	rows := (len(es) + cols - 1) / cols
	var b strings.Builder
	for r := range rows {
		if r > 0 {
			b.WriteByte('\n')
		}
		line := 0
		for c := range cols {
			i := c*rows + r
			if i >= len(es) {
				break
			}
			e := es[i]
			cell := " " + p.accent.render(e.key) + spaces(keyW-ansi.StringWidth(e.key)+1) + p.muted.render(e.desc)
			cw := 1 + keyW + 1 + ansi.StringWidth(e.desc)
			if line+cw > width {
				break
			}
			b.WriteString(cell)
			line += cw
			if c < cols-1 {
				pad := colW - cw
				b.WriteString(spaces(pad))
				line += pad
			}
		}
	}
	return b.String()
}
