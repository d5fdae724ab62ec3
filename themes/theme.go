// Package themes holds vigil's semantic palettes: a Theme maps meanings
// (muted text, accent, each severity, each category weight) to styles.
//
// Styles are built once, when a Theme is made, from the colour tokens of its
// Palette; nothing in this package is mutable after construction, and a
// Theme is a plain value that is safe to copy and to use from several
// goroutines. Colour never carries meaning on its own: severity badges carry
// a label, and the Mono theme, which has no colour at all, stays readable.
package themes

import (
	"image/color"
	"os"

	"charm.land/lipgloss/v2"

	"github.com/vigil-sec/vigil/event"
)

// Theme is a built palette: colour tokens plus the styles made from them.
// The zero Theme renders everything unstyled.
type Theme struct {
	// Name identifies the theme ("dark", "light", "mono"); renderers use it
	// as part of cache keys, so two different themes must not share a name.
	Name string
	// Palette is the set of tokens the styles were built from.
	Palette Palette

	adaptive bool
	styles   styles
}

// styles are the lipgloss styles derived from a Palette.
type styles struct {
	text, muted, accent, warning lipgloss.Style
	header, headerStrong         lipgloss.Style
	severity                     [8]lipgloss.Style
	weight                       [3]lipgloss.Style
}

// New builds a Theme called name from a palette: colours from the tokens,
// plus bold for err and worse, the accent, strong header text and high
// weight categories. A nil token leaves that colour to the terminal.
func New(name string, p Palette) Theme {
	t := Theme{Name: name, Palette: p}
	s := &t.styles
	s.text = fg(p.Foreground)
	s.muted = fg(p.Muted)
	s.accent = fg(p.Accent).Bold(true)
	s.header = fg(p.HeaderFg)
	if p.HeaderBg != nil {
		s.header = s.header.Background(p.HeaderBg)
	}
	s.headerStrong = s.header.Bold(true)
	if p.Warning != nil {
		s.headerStrong = s.headerStrong.Foreground(p.Warning)
	}
	s.warning = fg(p.Warning).Bold(true)
	for i := range s.severity {
		st := fg(p.Severity[i])
		if p.SeverityBg[i] != nil {
			st = st.Background(p.SeverityBg[i])
		}
		if event.Severity(i) <= event.Err {
			st = st.Bold(true)
		}
		s.severity[i] = st
	}
	for i := range s.weight {
		s.weight[i] = fg(p.Weight[i])
	}
	s.weight[High] = s.weight[High].Bold(true)
	return t
}

func fg(c color.Color) lipgloss.Style {
	st := lipgloss.NewStyle()
	if c != nil {
		st = st.Foreground(c)
	}
	return st
}

// Default picks Mono when NO_COLOR is set to a non-empty value or TERM is
// "dumb", and otherwise Dark, marked as adaptive: a UI that learns the
// terminal's background may swap it for Light with ForBackground.
func Default() Theme {
	if os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return Mono()
	}
	t := Dark()
	t.adaptive = true
	return t
}

// Adaptive reports whether the theme was chosen automatically (by Default)
// and may follow the terminal's background.
func (t Theme) Adaptive() bool { return t.adaptive }

// ForBackground returns Dark or Light to suit a terminal background, keeping
// the theme adaptive; a theme that is not adaptive is returned unchanged.
func (t Theme) ForBackground(dark bool) Theme {
	if !t.adaptive {
		return t
	}
	n := Light()
	if dark {
		n = Dark()
	}
	n.adaptive = true
	return n
}

// Severity is the style of a severity badge. Callers must also print the
// label (SeverityLabel): colour alone never carries the level.
func (t Theme) Severity(s event.Severity) lipgloss.Style {
	if int(s) >= len(t.styles.severity) {
		s = event.Info
	}
	return t.styles.severity[s]
}

// Category is the style of a category badge of weight w.
func (t Theme) Category(w Weight) lipgloss.Style {
	if int(w) >= len(t.styles.weight) {
		w = Low
	}
	return t.styles.weight[w]
}

// Text is the style of ordinary text (messages).
func (t Theme) Text() lipgloss.Style { return t.styles.text }

// Muted is the style of secondary text: times, hosts, separators.
func (t Theme) Muted() lipgloss.Style { return t.styles.muted }

// Accent is the style of things the eye should find: the cursor, key hints.
func (t Theme) Accent() lipgloss.Style { return t.styles.accent }

// Header is the style of the header line, background included.
func (t Theme) Header() lipgloss.Style { return t.styles.header }

// HeaderStrong is the header style for what must catch the eye there: a
// paused view, ended sources, evicted or dropped events.
func (t Theme) HeaderStrong() lipgloss.Style { return t.styles.headerStrong }

// Warning is the style of notices about vigil itself.
func (t Theme) Warning() lipgloss.Style { return t.styles.warning }
