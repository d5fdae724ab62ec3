package tui

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// tabStop is the tab width used when expanding tabs in log text.
const tabStop = 8

// ellipsis marks text cut to fit its column.
const ellipsis = "…"

// expandTabs replaces each tab with spaces up to the next tab stop, counting
// display cells from the start of s. Text without tabs is returned as is.
func expandTabs(s string) string {
	if strings.IndexByte(s, '\t') < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + tabStop)
	col := 0
	for {
		i := strings.IndexByte(s, '\t')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		col += width(s[:i])
		n := tabStop - col%tabStop
		b.WriteString(strings.Repeat(" ", n))
		col += n
		s = s[i+1:]
	}
}

// flatten turns tabs into single spaces, for short fixed-width columns.
func flatten(s string) string {
	if strings.IndexByte(s, '\t') < 0 {
		return s
	}
	return strings.ReplaceAll(s, "\t", " ")
}

// isASCII reports whether s is printable ASCII only, where one byte is one
// cell: the common case, worth a fast path.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// width is the display width of s in cells.
func width(s string) int {
	if isASCII(s) {
		return len(s)
	}
	return ansi.StringWidth(s)
}

// fit cuts s to at most w display cells, marking a cut with an ellipsis, and
// returns the result and its width.
func fit(s string, w int) (string, int) {
	if w <= 0 {
		return "", 0
	}
	if isASCII(s) {
		if len(s) <= w {
			return s, len(s)
		}
		return s[:w-1] + ellipsis, w
	}
	sw := ansi.StringWidth(s)
	if sw <= w {
		return s, sw
	}
	s = ansi.Truncate(s, w, ellipsis)
	return s, ansi.StringWidth(s)
}

// spaces returns n spaces (none for n <= 0).
func spaces(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat(" ", n)
}

// thousands formats n with comma separators: 1234567 is "1,234,567".
func thousands(n uint64) string {
	s := strconv.FormatUint(n, 10)
	if len(s) <= 3 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + len(s)/3)
	head := len(s) % 3
	if head == 0 {
		head = 3
	}
	b.WriteString(s[:head])
	for i := head; i < len(s); i += 3 {
		b.WriteByte(',')
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

// compact formats n in at most five characters: 999, 12.3k, 4.5M.
func compact(n uint64) string {
	switch {
	case n < 10_000:
		return strconv.FormatUint(n, 10)
	case n < 999_950:
		return strconv.FormatFloat(float64(n)/1e3, 'f', 1, 64) + "k"
	case n < 999_950_000:
		return strconv.FormatFloat(float64(n)/1e6, 'f', 1, 64) + "M"
	}
	return strconv.FormatFloat(float64(n)/1e9, 'f', 1, 64) + "G"
}
