// Package panes renders vigil's side panes, the timeline histogram, the
// category summary and the baseline's deviations by kind and key, from
// incremental aggregates (Histogram, DevCounts) rather than from the event
// buffer, so that drawing them costs the same with a thousand buffered
// events as with a million.
//
// Renderers are pure functions of their arguments: they return exactly
// height lines joined by "\n", each exactly width cells wide, and hold no
// state. The root model owns the Histogram, feeds it events as they enter
// and leave its view, and lays the pane strings out.
package panes

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/vigil-sec/vigil/themes"
)

// span is a style reduced to the escape sequences around its text, as in
// the tui package: theme styles set only colours and attributes, so
// wrapping text in a prefix and a suffix is what Style.Render would do, at
// a fraction of the cost.
type span struct{ pre, post string }

func spanOf(st lipgloss.Style) span {
	const probe = "\x00"
	out := st.Render(probe)
	i := strings.Index(out, probe)
	if i < 0 {
		return span{}
	}
	return span{pre: out[:i], post: out[i+len(probe):]}
}

// Style holds the spans the panes draw with, built once from a theme.
type Style struct {
	// mono is set for themes without colour: bars are then drawn in
	// whole cells whose texture says the level.
	mono                bool
	text, muted, border span
	accent              span
	deviation           span            // deviation kinds and their glyph
	sel                 span            // the selected row of a pane
	badge               [numLevels]span // category names, by level
	bar, barSel         [numLevels]span // timeline cells, plain and selected
}

// NewStyle builds the panes' style from a theme.
func NewStyle(t themes.Theme) Style {
	st := Style{
		mono:   t.Monochrome(),
		text:   spanOf(t.Text()),
		muted:  spanOf(t.Muted()),
		border: spanOf(t.Border()),
		accent: spanOf(t.Accent()),

		deviation: spanOf(t.Deviation()),
		sel:       spanOf(t.Selection()),
	}
	st.badge[LevelNone] = st.muted
	for w := themes.Low; w <= themes.High; w++ {
		st.badge[Level(w)+LevelLow] = spanOf(t.Category(w))
	}
	for l := range st.bar {
		bs := t.Muted()
		if l > int(LevelNone) {
			bs = t.Category(themes.Weight(l - 1))
		}
		if st.mono {
			// Mono's weight styles are reverse and bold, which would
			// turn bars inside out: texture alone says the level.
			bs = lipgloss.NewStyle()
		}
		st.bar[l] = spanOf(bs)
		st.barSel[l] = spanOf(bs.Inherit(t.Selection()))
	}
	return st
}

// line builds one line of a pane, merging runs of the same span and
// counting cells (every rune written must be one cell wide).
type line struct {
	b     strings.Builder
	cur   span
	run   strings.Builder
	cells int
}

func (l *line) flush() {
	if l.run.Len() == 0 {
		return
	}
	l.b.WriteString(l.cur.pre)
	l.b.WriteString(l.run.String())
	l.b.WriteString(l.cur.post)
	l.run.Reset()
}

// write appends s, of n cells, in span sp.
func (l *line) write(sp span, s string, n int) {
	if s == "" {
		return
	}
	if sp != l.cur {
		l.flush()
		l.cur = sp
	}
	l.run.WriteString(s)
	l.cells += n
}

// text appends plain text s in span sp, cut to at most width cells.
func (l *line) text(sp span, s string, width int) {
	s, n := fit(s, width)
	l.write(sp, s, n)
}

func (l *line) rune(sp span, r rune) {
	if sp != l.cur {
		l.flush()
		l.cur = sp
	}
	l.run.WriteRune(r)
	l.cells++
}

// finish pads the line with spaces to width cells and returns it.
func (l *line) finish(width int) string {
	if pad := width - l.cells; pad > 0 {
		l.write(span{}, strings.Repeat(" ", pad), pad)
	}
	l.flush()
	s := l.b.String()
	if l.cells > width {
		// Only on absurdly narrow panes: the fixed parts do not fit.
		s = ansi.Truncate(s, width, "")
	}
	l.b.Reset()
	l.cur, l.cells = span{}, 0
	return s
}

// blank returns height empty lines of width cells.
func blank(width, height int) []string {
	out := make([]string, height)
	for i := range out {
		out[i] = strings.Repeat(" ", max(width, 0))
	}
	return out
}
