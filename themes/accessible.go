package themes

import (
	"image/color"

	"charm.land/lipgloss/v2"
)

// HighContrast is a palette for low vision and washed-out screens: pure
// black and white text, saturated accents chosen for a contrast of about 7:1
// or more against the background, bold where it helps, and badges of the
// worst severities on solid backgrounds.
//
// No set of saturated colours reaches that contrast on both black and white,
// so the theme has two variants. HighContrast returns the dark-background
// one marked adaptive: a UI that learns the terminal's background swaps in
// the light-background variant with ForBackground, as it does for Default.
func HighContrast() Theme {
	t := highContrast(true)
	t.adaptive = true
	return t
}

func highContrast(dark bool) Theme {
	c := lipgloss.Color
	var t Theme
	if dark {
		t = New("high-contrast", Palette{
			Foreground: c("#ffffff"),
			Muted:      c("#d0d0d0"),
			Accent:     c("#00ffff"),
			HeaderFg:   c("#000000"),
			HeaderBg:   c("#ffffff"),
			Warning:    c("#ffff00"),
			Severity: [8]color.Color{
				c("#ffffff"), c("#ffffff"), c("#ffffff"),
				c("#ff5f5f"), // err
				c("#ffff00"), // warning
				c("#00ffff"), // notice
				c("#87ff87"), // info
				c("#d0d0d0"), // debug
			},
			SeverityBg:  [8]color.Color{c("#af0000"), c("#af0000"), c("#870087")},
			Weight:      [3]color.Color{c("#d0d0d0"), c("#ffaf00"), c("#ff5f5f")},
			SelectionBg: c("#4e4e4e"),
			MatchFg:     c("#000000"),
			MatchBg:     c("#ffff00"),
			Mark:        c("#ff87ff"),
			Deviation:   c("#87ffd7"),
			Border:      c("#d0d0d0"),
			Error:       c("#ff5f5f"),
			BarFg:       c("#000000"),
			BarBg:       c("#d0d0d0"),
		})
	} else {
		t = New("high-contrast-light", Palette{
			Foreground: c("#000000"),
			Muted:      c("#303030"),
			Accent:     c("#0000d7"),
			HeaderFg:   c("#ffffff"),
			HeaderBg:   c("#000000"),
			Warning:    c("#6f4f00"),
			Severity: [8]color.Color{
				c("#ffffff"), c("#ffffff"), c("#ffffff"),
				c("#af0000"), // err
				c("#6f4f00"), // warning
				c("#005f5f"), // notice
				c("#005f00"), // info
				c("#303030"), // debug
			},
			SeverityBg:  [8]color.Color{c("#af0000"), c("#af0000"), c("#870087")},
			Weight:      [3]color.Color{c("#303030"), c("#6f4f00"), c("#af0000")},
			SelectionBg: c("#d0d0d0"),
			MatchFg:     c("#000000"),
			MatchBg:     c("#ffff00"),
			Mark:        c("#870087"),
			Deviation:   c("#00587f"),
			Border:      c("#303030"),
			Error:       c("#af0000"),
			BarFg:       c("#ffffff"),
			BarBg:       c("#303030"),
		})
	}
	t.family = familyHighContrast
	s := &t.styles
	// A warning colour that reads on the background cannot also read on
	// the header's inverted background: alarms in the header are black on
	// yellow in both variants.
	s.headerStrong = lipgloss.NewStyle().Foreground(c("#000000")).Background(c("#ffff00")).Bold(true)
	s.accent = s.accent.Underline(true)
	s.mark = s.mark.Underline(true)
	return t
}

// Okabe–Ito colours (Okabe and Ito, "Color Universal Design", 2008): hues
// that stay distinct under the common forms of colour blindness. The set's
// bluish green (#009E73) is left out on purpose: next to vermilion it is the
// red-green pair this palette must not rely on.
var (
	okOrange    = lipgloss.Color("#E69F00")
	okSkyBlue   = lipgloss.Color("#56B4E9")
	okYellow    = lipgloss.Color("#F0E442")
	okBlue      = lipgloss.Color("#0072B2")
	okVermilion = lipgloss.Color("#D55E00")
	okPurple    = lipgloss.Color("#CC79A7") // reddish purple
)

// ColorBlind is a palette safe for red-green (and most blue-yellow) colour
// blindness, built from the Okabe–Ito colours plus greys. It never pairs red
// with green: category weights go grey (low), blue (medium), vermilion
// (high), which differ in hue and lightness under every common deficiency,
// and error-like severities are vermilion or reddish purple while info is
// blue.
//
// Several Okabe–Ito colours are too light to read on white, so, like
// HighContrast, ColorBlind returns the dark-background variant marked
// adaptive, and ForBackground swaps in the light-background one.
func ColorBlind() Theme {
	t := colorBlind(true)
	t.adaptive = true
	return t
}

func colorBlind(dark bool) Theme {
	c := lipgloss.Color
	black := c("#000000")
	var t Theme
	if dark {
		t = New("colorblind", Palette{
			Foreground: c("#d0d0d0"),
			Muted:      c("#8a8a8a"),
			Accent:     okSkyBlue,
			HeaderFg:   c("#ffffff"),
			HeaderBg:   c("#1a2a40"),
			Warning:    okOrange,
			Severity: [8]color.Color{
				black, black, black, // emerg, alert, crit
				okVermilion, // err
				okOrange,    // warning
				okPurple,    // notice
				okSkyBlue,   // info
				c("#8a8a8a"),
			},
			SeverityBg:  [8]color.Color{okVermilion, okVermilion, okPurple},
			Weight:      [3]color.Color{c("#8a8a8a"), okSkyBlue, okVermilion},
			SelectionBg: c("#26364a"),
			MatchFg:     black,
			MatchBg:     okYellow,
			Mark:        okPurple,
			Deviation:   okYellow,
			Border:      c("#6c6c6c"),
			Error:       okVermilion,
			BarFg:       c("#d0d0d0"),
			BarBg:       c("#303030"),
		})
	} else {
		t = New("colorblind-light", Palette{
			Foreground: c("#262626"),
			Muted:      c("#6c6c6c"),
			Accent:     okBlue,
			HeaderFg:   c("#ffffff"),
			HeaderBg:   c("#1a2a40"),
			Warning:    okVermilion,
			Severity: [8]color.Color{
				black, black, black,
				okVermilion, // err
				black,       // warning, on yellow
				okBlue,      // notice
				c("#262626"),
				c("#6c6c6c"),
			},
			SeverityBg:  [8]color.Color{okVermilion, okVermilion, okPurple, nil, okYellow},
			Weight:      [3]color.Color{c("#6c6c6c"), okBlue, okVermilion},
			SelectionBg: c("#d6eaf8"),
			MatchFg:     black,
			MatchBg:     okYellow,
			Mark:        okPurple,
			Deviation:   okBlue,
			Border:      c("#a8a8a8"),
			Error:       okVermilion,
			BarFg:       c("#262626"),
			BarBg:       c("#e4e4e4"),
		})
	}
	t.family = familyColorBlind
	return t
}
