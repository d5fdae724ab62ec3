package tui

import (
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/themes"
)

// span is a style reduced to the escape sequences around its text. Theme
// styles only set colours and attributes (no padding, width or borders), so
// wrapping text in its prefix and suffix is what Style.Render produces, at a
// fraction of the cost: Render re-measures and re-splits its input on every
// call, and rows are painted many thousand times a second.
type span struct{ pre, post string }

func spanOf(st lipgloss.Style) span {
	const probe = "\x00"
	out := st.Render(probe)
	i := strings.Index(out, probe)
	if i < 0 { // cannot happen for colour-and-attribute styles
		return span{}
	}
	return span{pre: out[:i], post: out[i+len(probe):]}
}

// write writes s in the span's style to b; empty text writes nothing.
func (p span) write(b *strings.Builder, s string) {
	if s == "" {
		return
	}
	b.WriteString(p.pre)
	b.WriteString(s)
	b.WriteString(p.post)
}

// render returns s in the span's style.
func (p span) render(s string) string {
	if s == "" || p.pre == "" && p.post == "" {
		return s
	}
	return p.pre + s + p.post
}

// paint holds the spans of one theme, built once when the theme is set.
type paint struct {
	name                         string
	text, muted, accent, warning span
	header, headerStrong         span
	match, selection, mark       span
	deviation                    span
	border, errText              span
	severity                     [event.Debug + 1]span
	weight                       [themes.High + 1]span
}

func newPaint(t themes.Theme) paint {
	p := paint{
		name:         t.Name,
		text:         spanOf(t.Text()),
		muted:        spanOf(t.Muted()),
		accent:       spanOf(t.Accent()),
		warning:      spanOf(t.Warning()),
		header:       spanOf(t.Header()),
		headerStrong: spanOf(t.HeaderStrong()),
		match:        spanOf(t.Match()),
		selection:    spanOf(t.Selection()),
		mark:         spanOf(t.Mark()),
		deviation:    spanOf(t.Deviation()),
		border:       spanOf(t.Border()),
		errText:      spanOf(t.Error()),
	}
	for s := range p.severity {
		p.severity[s] = spanOf(t.Severity(event.Severity(s)))
	}
	for w := range p.weight {
		p.weight[w] = spanOf(t.Category(themes.Weight(w)))
	}
	return p
}

func (p *paint) sev(s event.Severity) span {
	if s > event.Debug {
		s = event.Info
	}
	return p.severity[s]
}
