package tui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// statusView renders the bottom line(s): key help on the left; on the right
// the cursor's place in the buffer and, while the pump holds the sources
// back, a notice saying so.
func (m *Model) statusView() string {
	if m.showAll {
		return m.helpView(m.width)
	}
	var right []string
	if m.slowed {
		right = append(right, m.look.paint.warning.render("sources slowed: UI behind"))
	}
	if n := m.ring.len(); n > 0 {
		pos := m.list.cursor - m.ring.first() + 1
		right = append(right, m.look.paint.muted.render(thousands(pos)+"/"+thousands(n)))
	}
	r := strings.Join(right, "  ")
	rw := ansi.StringWidth(r)
	if rw > 0 {
		rw++ // trailing space
	}
	left := " " + m.helpView(max(m.width-rw-2, 0))
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
	width     int
	look      *look
	following bool
	all       bool
}

// helpView renders the key help in width cells. help.Model re-renders every
// binding with lipgloss on each call, so the text is memoised: it changes
// only with the mode, the width and the theme.
func (m *Model) helpView(width int) string {
	k := helpKey{width: width, look: m.look, following: m.list.following, all: m.showAll}
	c := m.cache
	if c.helpOK && c.helpKey == k {
		return c.help
	}
	h := m.look.help
	h.ShowAll = m.showAll
	h.SetWidth(width)
	c.help, c.helpKey, c.helpOK = h.View(m.keys), k, true
	return c.help
}
