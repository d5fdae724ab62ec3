package panes

import (
	"math/bits"
	"strconv"
	"strings"

	"github.com/vigil-sec/vigil/themes"
)

// sparks are the sparkline glyphs, from a trace to the maximum.
var sparks = [...]rune{'▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'}

// Sparkline returns one cell per value: a space for zero (or less), else a
// block from ▁ to █ scaled to the largest value, so the smallest non-zero
// value still shows.
func Sparkline(vals []int) string {
	var b strings.Builder
	b.Grow(3 * len(vals))
	writeSparkline(&b, vals)
	return b.String()
}

func writeSparkline(b *strings.Builder, vals []int) {
	peak := 0
	for _, v := range vals {
		peak = max(peak, v)
	}
	for _, v := range vals {
		if v <= 0 {
			b.WriteByte(' ')
			continue
		}
		b.WriteRune(sparks[(v*len(sparks)-1)/peak])
	}
}

// Width of the category name column: the longest Short name.
const nameWidth = 10

// Categories renders one line per category with events in h, loudest weight
// first, then most events: a weight glyph ("!" high, "*" medium, blank low),
// the category's short name, its count, right-aligned, and a sparkline of
// the category over the span of buckets (one cell per bucket, or buckets
// merged when the line is narrower). When there are more categories than
// height, the last line says "+N more". The sparkline is left out on narrow
// panes, and without buckets. Cost is O(slots in the buckets' span ×
// categories present + width × height), never O(events).
func Categories(st Style, h *Histogram, buckets []Bucket, width, height int) string {
	if height <= 0 {
		return ""
	}
	if width <= 0 {
		return strings.Repeat("\n", height-1)
	}
	out := blank(width, height)
	counts := h.CategoryCounts()
	var l line
	if len(counts) == 0 {
		l.text(st.muted, "no categorised events", width)
		out[0] = l.finish(width)
		return strings.Join(out, "\n")
	}
	shown := counts
	if len(counts) > height {
		shown = counts[:height-1]
	}
	countWidth := len(strconv.Itoa(counts[0].Count))
	for _, c := range shown {
		countWidth = max(countWidth, len(strconv.Itoa(c.Count)))
	}
	// "! login-fail  1234 ▁▂█": glyph, space, name, space, count, space.
	nameW := min(nameWidth, width-2-1-countWidth)
	sparkW := width - (2 + nameWidth + 1 + countWidth + 1)
	if sparkW < 4 || len(buckets) == 0 {
		sparkW = 0
	}
	sparkW = min(sparkW, len(buckets))
	var series [][]int
	if sparkW > 0 {
		series = h.series(shown, buckets, sparkW)
	}

	var b strings.Builder
	for i, c := range shown {
		lvl := Level(c.Weight) + LevelLow
		badge := st.badge[lvl]
		l.write(badge, weightGlyph(c.Weight), 1)
		l.write(span{}, " ", 1)
		if nameW > 0 {
			name, n := fit(c.Short, nameW)
			l.write(badge, name, n)
			if pad := nameW - n; pad > 0 {
				l.write(span{}, strings.Repeat(" ", pad), pad)
			}
		}
		if l.cells+1+countWidth <= width {
			num := strconv.Itoa(c.Count)
			pad := 1 + countWidth - len(num)
			l.write(span{}, strings.Repeat(" ", pad), pad)
			l.write(st.text, num, len(num))
		}
		if sparkW > 0 {
			l.write(span{}, " ", 1)
			b.Reset()
			writeSparkline(&b, series[i])
			l.write(st.bar[lvl], b.String(), sparkW)
		}
		out[i] = l.finish(width)
	}
	if len(shown) < len(counts) {
		l.text(st.muted, "+"+strconv.Itoa(len(counts)-len(shown))+" more", width)
		out[height-1] = l.finish(width)
	}
	return strings.Join(out, "\n")
}

// weightGlyph is "!" for high, "*" for medium and a space for low, as on the
// event list's badges.
func weightGlyph(w themes.Weight) string {
	switch w {
	case themes.High:
		return "!"
	case themes.Medium:
		return "*"
	}
	return " "
}

// series returns, for each category of cats, its counts over the span of
// buckets in n equal columns.
func (h *Histogram) series(cats []CategoryCount, buckets []Bucket, n int) [][]int {
	from, to := buckets[0].From, buckets[len(buckets)-1].To
	var want uint32
	var row [numCategories]int
	for i, c := range cats {
		want |= 1 << c.index
		row[c.index] = i
	}
	back := make([]int, len(cats)*n)
	out := make([][]int, len(cats))
	for i := range out {
		out[i] = back[i*n : (i+1)*n : (i+1)*n]
	}
	if !to.After(from) {
		return out
	}
	h.walk(from, to, n, func(col int, s *slot) {
		for m := s.cats & want; m != 0; m &= m - 1 {
			i := bits.TrailingZeros32(m)
			out[row[i]][col] += int(s.cat[i])
		}
	})
	return out
}
