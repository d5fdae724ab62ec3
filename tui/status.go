package tui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// statusView renders the bottom line(s): key help on the left; on the right
// the cursor's place in the buffer and, while the pump holds the sources
// back, a notice saying so.
func (m *Model) statusView() string {
	var right []string
	if m.slowed {
		right = append(right, m.theme.Warning().Render("sources slowed: UI behind"))
	}
	if n := m.ring.len(); n > 0 {
		pos := m.list.cursor - m.ring.first() + 1
		right = append(right, m.theme.Muted().Render(thousands(pos)+"/"+thousands(n)))
	}
	r := strings.Join(right, "  ")
	rw := ansi.StringWidth(r)
	if rw > 0 {
		rw++ // trailing space
	}
	h := m.help
	h.SetWidth(max(m.width-rw-2, 0))
	left := " " + h.View(m.keys)
	if m.help.ShowAll || rw == 0 {
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
	if !m.help.ShowAll {
		return 1
	}
	return max(1, strings.Count(m.help.View(m.keys), "\n")+1)
}
