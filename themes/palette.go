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

	// SelectionBg is the background of the selected row or bucket; nil
	// draws the selection in reverse video.
	SelectionBg color.Color
	// MatchFg and MatchBg mark search hits inside text; with both nil a
	// hit is bold and underlined.
	MatchFg, MatchBg color.Color
	// Mark colours the glyph of a marked event.
	Mark color.Color
	// Deviation colours the marker of an event with baseline deviations
	// (a glyph and the kind of the first), and the deviations pane.
	Deviation color.Color
	// Border colours pane borders and pane titles.
	Border color.Color
	// Error colours inline errors, such as a query that does not parse.
	Error color.Color
	// BarFg and BarBg colour the status bar; a nil BarBg draws it in
	// reverse video.
	BarFg, BarBg color.Color
}
