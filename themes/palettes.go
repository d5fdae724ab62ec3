package themes

import (
	"image/color"

	"charm.land/lipgloss/v2"
)

// Dark is the palette for dark terminal backgrounds. Colours are given in
// 24-bit; the renderer downsamples them to what the terminal supports.
func Dark() Theme {
	c := lipgloss.Color
	return New("dark", Palette{
		Foreground: c("#d0d0d0"),
		Muted:      c("#8a8a8a"),
		Accent:     c("#5fafff"),
		HeaderFg:   c("#ffffff"),
		HeaderBg:   c("#3a3a5a"),
		Warning:    c("#ffaf00"),
		Severity: [8]color.Color{
			c("#ffffff"), c("#ffffff"), c("#ffffff"), // emerg, alert, crit
			c("#ff5f5f"), // err
			c("#ffaf00"), // warning
			c("#5fd7d7"), // notice
			c("#87d787"), // info
			c("#808080"), // debug
		},
		SeverityBg: [8]color.Color{c("#d70000"), c("#d70000"), c("#af005f")},
		Weight:     [3]color.Color{c("#8a8a8a"), c("#d7af5f"), c("#ff5f87")},

		SelectionBg: c("#3a3a4e"),
		MatchFg:     c("#000000"),
		MatchBg:     c("#ffd75f"),
		Mark:        c("#d787ff"),
		Deviation:   c("#5fd7af"),
		Border:      c("#5f5f6f"),
		Error:       c("#ff5f5f"),
		BarFg:       c("#d0d0d0"),
		BarBg:       c("#303030"),
	})
}

// Light is the palette for light terminal backgrounds.
func Light() Theme {
	c := lipgloss.Color
	return New("light", Palette{
		Foreground: c("#262626"),
		Muted:      c("#6c6c6c"),
		Accent:     c("#005fd7"),
		HeaderFg:   c("#000000"),
		HeaderBg:   c("#c6c6e6"),
		Warning:    c("#af5f00"),
		Severity: [8]color.Color{
			c("#ffffff"), c("#ffffff"), c("#ffffff"),
			c("#c00000"),
			c("#a05a00"),
			c("#00767a"),
			c("#2e7d32"),
			c("#767676"),
		},
		SeverityBg: [8]color.Color{c("#c00000"), c("#c00000"), c("#8b0057")},
		Weight:     [3]color.Color{c("#6c6c6c"), c("#875f00"), c("#c0004e")},

		SelectionBg: c("#dadaf0"),
		MatchFg:     c("#000000"),
		MatchBg:     c("#ffd75f"),
		Mark:        c("#8700af"),
		Deviation:   c("#00875f"),
		Border:      c("#a8a8a8"),
		Error:       c("#c00000"),
		BarFg:       c("#262626"),
		BarBg:       c("#e4e4e4"),
	})
}

// Mono has no colour at all, for NO_COLOR and dumb terminals. Levels and
// weights stay distinct through labels and text attributes: reverse video
// for emerg..err, bold for warning, faint for debug. The UI tokens are
// attributes too: selection and status bar in reverse, search hits bold and
// underlined, errors bold in reverse, borders faint, deviation markers bold
// (their glyph says what they are).
func Mono() Theme {
	t := New("mono", Palette{})
	s := &t.styles
	s.header = s.header.Reverse(true)
	s.headerStrong = s.headerStrong.Reverse(true)
	for i := range s.severity {
		switch {
		case i <= 3: // emerg, alert, crit, err
			s.severity[i] = s.severity[i].Reverse(true)
		case i == 4: // warning
			s.severity[i] = s.severity[i].Bold(true)
		case i == 7: // debug
			s.severity[i] = s.severity[i].Faint(true)
		}
	}
	s.weight[High] = s.weight[High].Reverse(true)
	s.weight[Medium] = s.weight[Medium].Bold(true)
	s.border = s.border.Faint(true)
	s.err = s.err.Reverse(true)
	return t
}
