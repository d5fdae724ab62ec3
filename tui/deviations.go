package tui

import (
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/vigil-sec/vigil/filters/query"
	"github.com/vigil-sec/vigil/sanitize"
	"github.com/vigil-sec/vigil/tui/panes"
)

// devGroup is a group of the deviations pane: a kind, or a key of a kind.
// The selection is kept by name, not by row, so that it stays on its group
// while counts change the order.
type devGroup struct {
	kind, key string
	isKey     bool
	ok        bool // a group is selected
}

// groupOf returns the group of a selectable row.
func groupOf(r panes.DevRow) devGroup {
	return devGroup{kind: r.Kind, key: r.Key, isKey: r.What == panes.RowKey, ok: true}
}

// devFilter remembers the filter the deviations pane applied, so that the
// next group replaces its term rather than adding to it.
type devFilter struct {
	base, text string // the filter before, and the filter applied
}

// devSelIndex is the row of the selected group, or -1.
func (m *Model) devSelIndex(rows []panes.DevRow) int {
	if !m.devSel.ok {
		return -1
	}
	for i, r := range rows {
		if r.Selectable() && groupOf(r) == m.devSel {
			return i
		}
	}
	return -1
}

// toggleDeviations shows or hides the deviations pane; hiding it drops
// the selection, so that enter opens the detail pane again.
func (m *Model) toggleDeviations() {
	m.panes.deviations = !m.panes.deviations
	m.devSel = devGroup{}
}

// stepDeviations selects the previous (-1) or next (+1) group of the
// deviations pane; with none selected, the first (or the last).
func (m *Model) stepDeviations(d int) {
	if !m.panes.deviations {
		return
	}
	rows := m.b.devs.Rows()
	var sel []int
	for i, r := range rows {
		if r.Selectable() {
			sel = append(sel, i)
		}
	}
	if len(sel) == 0 {
		m.setNote("no deviations held", false)
		return
	}
	cur := m.devSelIndex(rows)
	at := -1
	for j, i := range sel {
		if i == cur {
			at = j
		}
	}
	switch {
	case at < 0 && d > 0:
		at = 0
	case at < 0:
		at = len(sel) - 1
	default:
		at = min(max(at+d, 0), len(sel)-1)
	}
	m.devSel = groupOf(rows[sel[at]])
}

// devTerm is the filter term that selects a group: dev:KIND, and for a key
// devkey:"KEY" too. A key or kind holding characters that would need
// escaping is not written into the filter (the filter bar and status line
// show it as it is): the term then selects the kind alone, or nothing.
func devTerm(g devGroup) (term string, whole bool) {
	if sanitize.NeededString(g.kind) || g.kind == "" {
		return "", false
	}
	term = "dev:" + query.Quote(g.kind)
	if !g.isKey {
		return term, true
	}
	if sanitize.NeededString(g.key) || strings.ContainsRune(g.key, '\t') {
		return term, false
	}
	return term + " devkey:" + query.Quote(g.key), true
}

// applyDeviation filters on the selected group: its term is added to the
// filter in force, replacing the one the pane added before if the filter
// is still the one it set.
func (m *Model) applyDeviation() tea.Cmd {
	g := m.devSel
	if !g.ok {
		return nil
	}
	term, whole := devTerm(g)
	if term == "" {
		m.setNote("this kind cannot be written in a filter", true)
		return nil
	}
	base := m.filter
	if m.devLast.text != "" && m.filter == m.devLast.text {
		base = m.devLast.base
	}
	text := andTerm(base, term)
	m.devLast = devFilter{base: base, text: text}
	m.pushHistory(text)
	if !whole {
		m.filterNote = "the key has control characters: filtered on its kind only"
	}
	return m.setFilter(text)
}

// andTerm adds term to filter so that both must hold: a filter with OR in
// it is put in parentheses first, since AND binds tighter ("a OR b c" is
// a OR (b AND c)).
func andTerm(filter, term string) string {
	filter = strings.TrimSpace(filter)
	switch {
	case filter == "":
		return term
	case strings.Contains(filter, "OR"):
		return "(" + filter + ") " + term
	}
	return filter + " " + term
}

// deviationsView renders the deviations pane: the events held with
// deviations, grouped by kind and key, with counts. status is what the
// baseline says of itself, shown when there is nothing to list.
func (m *Model) deviationsView(width, height int, status string) []string {
	if height <= 0 {
		return nil
	}
	d := m.b.devs
	title := "deviations"
	if n := d.Events(); n > 0 {
		title += " · " + thousands(uint64(n)) + plural(uint64(n), " event", " events")
	}
	lines := []string{m.paneTitle(title, width)}
	if height > 1 {
		rows := d.Rows()
		if len(rows) == 0 {
			lines = append(lines, m.look.paint.muted.render(" no deviations held"))
			if status != "" {
				s, _ := fit(" "+clean1(status), width)
				lines = append(lines, m.look.paint.muted.render(s))
			}
		} else {
			body := panes.Deviations(m.look.panes, rows, m.devSelIndex(rows), width, height-1, clean1)
			lines = append(lines, strings.Split(body, "\n")...)
		}
	}
	return padLines(lines, width, height)
}

// deviationsLines is how many lines the deviations pane would like.
func (m *Model) deviationsLines() int {
	n := m.b.devs.RowCount()
	if n == 0 {
		n = 1 // "no deviations held"
		if m.opts.Baseline != nil {
			n++ // and the baseline's status
		}
	}
	return 1 + n
}
