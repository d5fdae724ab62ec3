// Package themes holds vigil's semantic palettes: a Theme maps meanings
// (muted text, accent, each severity, each category weight) to styles.
//
// Styles are built once, when a Theme is made, from the colour tokens of its
// Palette; nothing in this package is mutable after construction, and a
// Theme is a plain value that is safe to copy and to use from several
// goroutines. Colour never carries meaning on its own: severity badges carry
// a label, and the Mono theme, which has no colour at all, stays readable.
//
// The themes a user can pick by name (Names, ByName, Resolve) are "auto"
// (Dark or Light to suit the terminal, Mono under NO_COLOR), "dark",
// "light", "high-contrast", "colorblind" (Okabe–Ito colours, no red-green
// pairs) and "mono".
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
	// Name identifies the built variant ("dark", "light",
	// "colorblind-light", "mono", ...); renderers use it as part of cache
	// keys, so two different themes must not share a name.
	Name string
	// Palette is the set of tokens the styles were built from.
	Palette Palette

	adaptive bool
	family   family
	styles   styles
}

// family groups the dark- and light-background variants of one theme, so
// that an adaptive theme follows the terminal's background within its
// family: colour-blind stays colour-blind on a light terminal.
type family uint8

const (
	familyStandard family = iota // dark, light
	familyHighContrast
	familyColorBlind
)

// styles are the lipgloss styles derived from a Palette.
type styles struct {
	text, muted, accent, warning lipgloss.Style
	header, headerStrong         lipgloss.Style
	severity                     [8]lipgloss.Style
	weight                       [3]lipgloss.Style
	selection, match, mark       lipgloss.Style
	deviation                    lipgloss.Style
	border, err, bar             lipgloss.Style
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

	s.selection = lipgloss.NewStyle().Reverse(true)
	if p.SelectionBg != nil {
		s.selection = lipgloss.NewStyle().Background(p.SelectionBg)
	}
	s.match = fg(p.MatchFg).Bold(true)
	switch {
	case p.MatchBg != nil:
		s.match = s.match.Background(p.MatchBg)
	case p.MatchFg == nil:
		s.match = s.match.Underline(true)
	}
	s.mark = fg(p.Mark).Bold(true)
	s.deviation = fg(p.Deviation).Bold(true)
	s.border = fg(p.Border)
	s.err = fg(p.Error).Bold(true)
	s.bar = fg(p.BarFg)
	if p.BarBg != nil {
		s.bar = s.bar.Background(p.BarBg)
	} else {
		s.bar = s.bar.Reverse(true)
	}
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
// terminal's background may swap it for Light with ForBackground. It is
// Resolve("auto", os.Getenv).
func Default() Theme {
	t, _ := Resolve(Auto, os.Getenv)
	return t
}

// Adaptive reports whether the theme may follow the terminal's background:
// the automatic choice (Default), HighContrast and ColorBlind. Dark, Light
// and Mono are fixed.
func (t Theme) Adaptive() bool { return t.adaptive }

// ForBackground returns the variant of an adaptive theme that suits a
// terminal background, keeping it adaptive: Dark or Light for the automatic
// choice, the matching high-contrast or colour-blind variant for those. A
// theme that is not adaptive is returned unchanged.
func (t Theme) ForBackground(dark bool) Theme {
	if !t.adaptive {
		return t
	}
	var n Theme
	switch t.family {
	case familyHighContrast:
		n = highContrast(dark)
	case familyColorBlind:
		n = colorBlind(dark)
	default:
		n = Light()
		if dark {
			n = Dark()
		}
	}
	n.adaptive = true
	return n
}

// Monochrome reports whether the theme has no colour at all (Mono, or the
// zero Theme): renderers then have only glyphs and text attributes to tell
// things apart, and should say with glyphs what colour says elsewhere.
func (t Theme) Monochrome() bool {
	p := t.Palette
	return p.Foreground == nil && p.Muted == nil && p.Accent == nil &&
		p.Weight == [3]color.Color{} && p.Severity == [8]color.Color{}
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

// Selection is the style of the selected row or timeline bucket: a
// background (reverse video without colour). It sets no foreground, so it
// can be laid under other styles with Inherit.
func (t Theme) Selection() lipgloss.Style { return t.styles.selection }

// Match is the style of a search hit inside text.
func (t Theme) Match() lipgloss.Style { return t.styles.match }

// Mark is the style of the glyph of a marked event.
func (t Theme) Mark() lipgloss.Style { return t.styles.mark }

// Deviation is the style of the marker of an event with baseline
// deviations and of the deviations pane's kinds. Callers must draw the
// marker's glyph too: colour alone never says an event deviates.
func (t Theme) Deviation() lipgloss.Style { return t.styles.deviation }

// Border is the style of pane borders and pane titles.
func (t Theme) Border() lipgloss.Style { return t.styles.border }

// Error is the style of inline errors, such as a query that does not
// parse. Callers must say what is wrong in words too.
func (t Theme) Error() lipgloss.Style { return t.styles.err }

// Bar is the style of the status bar, background included.
func (t Theme) Bar() lipgloss.Style { return t.styles.bar }
