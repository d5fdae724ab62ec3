package themes

import "image/color"

// Weight is how much a category matters to a security reader: it picks the
// colour of a category badge.
type Weight uint8

// Category weights, from least to most important.
const (
	Low Weight = iota
	Medium
	High
)

// Palette holds the colour tokens a Theme is built from. A nil token means
// "no colour": the terminal's default is used.
type Palette struct {
	// Foreground is ordinary text; Muted is secondary text such as times
	// and separators; Accent marks the cursor and key hints.
	Foreground, Muted, Accent color.Color
	// HeaderFg and HeaderBg colour the one-line header.
	HeaderFg, HeaderBg color.Color
	// Severity colours a severity badge, indexed by event.Severity
	// (0 emerg .. 7 debug). SeverityBg, when set, gives the badge a
	// background.
	Severity, SeverityBg [8]color.Color
	// Weight colours category badges, indexed by Weight.
	Weight [3]color.Color
	// Warning colours notices about the UI itself (sources ended,
	// sources slowed down).
	Warning color.Color
}
