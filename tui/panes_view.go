package tui

import (
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/vigil-sec/vigil/tui/panes"
)

// timelineBuckets are the timeline's bars for a pane width cells wide.
func (m *Model) timelineBuckets(width int) []panes.Bucket {
	return m.b.hist().Fit(max(width/2, 1), m.loc())
}

// timelineView renders the timeline pane: events of the view over time,
// coloured (and textured) by category weight, the selected bar marked.
func (m *Model) timelineView(width, height int) string {
	return panes.Timeline(m.look.panes, m.timelineBuckets(width), m.tlSel, width, height, m.loc())
}

// categoriesView renders the category summary pane: counts per category
// for the events of the view, each with a sparkline over the timeline's
// span.
func (m *Model) categoriesView(width, height int) []string {
	if height <= 0 {
		return nil
	}
	h := m.b.hist()
	title := "categories"
	if n := h.Total(); n > 0 {
		title += " · " + thousands(uint64(n)) + " events"
	}
	lines := []string{m.paneTitle(title, width)}
	if height > 1 {
		body := panes.Categories(m.look.panes, h, h.Fit(max(width/2, 1), m.loc()), width, height-1)
		if len(h.CategoryCounts()) == 0 {
			body = " no categorised event in view"
		}
		lines = append(lines, strings.Split(body, "\n")...)
	}
	return padLines(lines, width, height)
}

// stepTimeline selects the previous (-1) or next (+1) timeline bar and
// moves the cursor to the first event of the view in it.
func (m *Model) stepTimeline(d int) tea.Cmd {
	if !m.panes.timeline {
		return nil
	}
	bs := m.timelineBuckets(m.width)
	if len(bs) == 0 {
		return nil
	}
	if m.tlSel < 0 || m.tlSel >= len(bs) {
		// Start from the bar under the cursor.
		m.tlSel = len(bs) - 1
		if pos, ok := m.selected(); ok {
			t := m.b.ring.rec(pos).timeOf()
			for i, b := range bs {
				if !t.Before(b.From) && t.Before(b.To) {
					m.tlSel = i
				}
			}
		}
	}
	m.tlSel = min(max(m.tlSel+d, 0), len(bs)-1)
	return m.jumpToTime(bs[m.tlSel].From)
}
