package panes

import (
	"github.com/vigil-sec/vigil/internal/human"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// niceSteps are the bucket lengths Fit chooses from, shortest first;
// beyond the last, lengths double.
var niceSteps = [...]time.Duration{
	time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute,
	15 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour,
	3 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour,
	2 * 24 * time.Hour, 7 * 24 * time.Hour,
}

// stepCandidate returns the i-th bucket length to try for a slot length
// res: the nice lengths while res is one minute, else res times powers of
// two, so that slots never straddle buckets.
func stepCandidate(i int, res time.Duration) time.Duration {
	if res <= time.Minute {
		if i < len(niceSteps) {
			return niceSteps[i]
		}
		return niceSteps[len(niceSteps)-1] << (i - len(niceSteps) + 1)
	}
	return res << i
}

// Fit returns at most n buckets of one round length (1m, 2m, 5m, ... 1h,
// ... 1d) that cover every timed event, the shortest length that fits,
// with boundaries aligned to round times in loc (nil means UTC). It
// returns nil when no timed event is counted or n < 1.
func (h *Histogram) Fit(n int, loc *time.Location) []Bucket {
	if n < 1 || len(h.slots) == 0 {
		return nil
	}
	if loc == nil {
		loc = time.UTC
	}
	first, last := h.Span()
	for i := 0; i < 64; i++ {
		step := stepCandidate(i, h.Resolution())
		from := alignDown(first, step, loc)
		to := alignDown(last.Add(-time.Nanosecond), step, loc).Add(step)
		if k := int(to.Sub(from) / step); k <= n {
			return h.Buckets(from, to, k)
		}
	}
	return nil
}

// alignDown rounds t down to a multiple of step counted from the unix epoch
// in loc's wall clock, so hours and days start on the hour and at midnight.
func alignDown(t time.Time, step time.Duration, loc *time.Location) time.Time {
	_, off := t.In(loc).Zone()
	s := int64(step / time.Second)
	u := t.Unix() + int64(off)
	u = floorDiv(u, s)*s - int64(off)
	return time.Unix(u, 0).UTC()
}

// Bar glyphs. Colour themes draw bars to an eighth of a cell; full cells
// carry a texture that says the level, and the top cell is a partial block
// in the colour of the loudest level in the bar. Mono draws whole cells,
// textured, so the level never rests on colour.
var (
	eighths  = [...]rune{' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'}
	textures = [numLevels]rune{'░', '░', '▓', '█'}
)

// Timeline renders buckets as a bar chart of height lines, each width cells:
// a title line (span, bucket length, tallest bar, and the selected bucket's
// counts by level), the bars, and a time axis with labels in loc (nil means
// UTC) and a ▲ under the selected bucket. selected is an index into buckets,
// -1 for none. Levels stack in each bar, loudest on top, and every level
// present gets at least one step of height. With fewer than three lines the
// title goes first, then the axis. When there are more buckets than width,
// the latest width are drawn; when fewer, each is drawn wider. Cost is
// O(width × height + len(buckets)).
func Timeline(st Style, buckets []Bucket, selected int, width, height int, loc *time.Location) string {
	if height <= 0 {
		return ""
	}
	if width <= 0 {
		return strings.Repeat("\n", height-1)
	}
	if loc == nil {
		loc = time.UTC
	}
	if len(buckets) > width {
		selected -= len(buckets) - width
		buckets = buckets[len(buckets)-width:]
	}
	if selected < 0 || selected >= len(buckets) {
		selected = -1
	}
	out := blank(width, height)
	if len(buckets) == 0 {
		var l line
		l.text(st.border, "timeline: no timed events", width)
		out[0] = l.finish(width)
		return strings.Join(out, "\n")
	}
	rows, top := height, 0
	axis := height >= 2
	if axis {
		rows--
	}
	if height >= 3 {
		rows--
		top = 1
		out[0] = timelineTitle(st, buckets, selected, width, loc)
	}
	cw := width / len(buckets)
	gap := 0
	if cw >= 3 {
		gap = 1
	}

	peak := 1
	for _, b := range buckets {
		peak = max(peak, b.Total())
	}
	// levels[k][r] is the level drawn in row r (0 at the bottom) of bar k
	// and fill its eighths (0..8).
	unit := 1
	if !st.mono {
		unit = 8
	}
	var l line
	cells := make([]barCell, len(buckets)*rows)
	for k, b := range buckets {
		stackBar(cells[k*rows:(k+1)*rows], b, peak, rows, unit)
	}
	for r := rows - 1; r >= 0; r-- {
		for k := range buckets {
			c := cells[k*rows+r]
			sp := st.bar[c.level]
			if k == selected {
				sp = st.barSel[c.level]
			}
			g := ' '
			switch {
			case c.fill == 8:
				g = textures[c.level]
			case c.fill > 0:
				g = eighths[c.fill]
			}
			for i := 0; i < cw-gap; i++ {
				l.rune(sp, g)
			}
			if gap > 0 {
				l.rune(span{}, ' ')
			}
		}
		out[top+rows-1-r] = l.finish(width)
	}
	if axis {
		out[height-1] = timelineAxis(st, buckets, selected, cw, width, loc)
	}
	return strings.Join(out, "\n")
}

// barCell is one cell of a bar: the level drawn there and how many eighths
// of it are filled.
type barCell struct {
	level Level
	fill  uint8
}

// stackBar fills the cells (bottom first) of the bar of b, scaled so that
// peak fills all rows, counting height in units of 1/unit cell. A full
// cell shows the level that fills most of it (the louder on a tie), the
// top cell the loudest level in it, so a bar's tip always shows the
// loudest level of its bucket.
func stackBar(cells []barCell, b Bucket, peak, rows, unit int) {
	total := b.Total()
	if total == 0 {
		return
	}
	size := max(1, (total*rows*unit+peak/2)/peak)
	size = min(size, rows*unit)
	seg := split(b.Count, total, size)
	// Segment bounds in eighths of a cell from the bottom.
	var lo, hi [numLevels]int
	pos := 0
	for l := range seg {
		lo[l] = pos
		pos += seg[l] * (8 / unit)
		hi[l] = pos
	}
	for r := range cells {
		bottom := 8 * r
		fill := min(max(pos-bottom, 0), 8)
		if fill == 0 {
			break
		}
		best, most := LevelNone, 0
		for l := LevelNone; l < numLevels; l++ {
			in := min(hi[l], bottom+fill) - max(lo[l], bottom)
			if in <= 0 {
				continue
			}
			if fill < 8 || in >= most {
				best, most = l, in
			}
		}
		cells[r] = barCell{level: best, fill: uint8(fill)}
	}
}

// split shares size units among the levels in proportion to counts, after
// giving every level present one unit, the loudest first while units last.
func split(counts [numLevels]int, total, size int) (seg [numLevels]int) {
	left := size
	for l := LevelHigh; left > 0; l-- {
		if counts[l] > 0 {
			seg[l]++
			left--
		}
		if l == LevelNone {
			break
		}
	}
	rest := left
	for l, c := range counts {
		n := c * rest / total
		seg[l] += n
		left -= n
	}
	if left > 0 { // what rounding left over goes to the largest
		seg[argmax(counts[:])] += left
	}
	return seg
}

func argmax(v []int) int {
	j := 0
	for i := range v {
		if v[i] > v[j] {
			j = i
		}
	}
	return j
}

// timelineTitle is "timeline 13:00–15:45 · 1 bar = 5m · peak 412", then the
// selected bucket: "▲ 14:05: 55 !3 *12", its number of events and how
// many of them are high (!) and medium (*), as on category badges.
func timelineTitle(st Style, buckets []Bucket, selected, width int, loc *time.Location) string {
	from, to := buckets[0].From.In(loc), buckets[len(buckets)-1].To.In(loc)
	step := buckets[0].To.Sub(buckets[0].From)
	peak := 0
	for _, b := range buckets {
		peak = max(peak, b.Total())
	}
	layout := "15:04"
	if to.Sub(from) > 24*time.Hour || from.YearDay() != to.Add(-time.Nanosecond).YearDay() {
		layout = "Jan 2 15:04"
	}
	spanText := from.Format(layout) + "–" + to.Format(layout) + " · 1 bar = " + human.Duration(step)
	var sel string
	if selected >= 0 {
		b := buckets[selected]
		sel = "▲ " + b.From.In(loc).Format(layout) + ": " + strconv.Itoa(b.Total())
		if n := b.Count[LevelHigh]; n > 0 {
			sel += " !" + strconv.Itoa(n)
		}
		if n := b.Count[LevelMedium]; n > 0 {
			sel += " *" + strconv.Itoa(n)
		}
	}
	// The longest title that fits, dropping the least useful parts first:
	// the peak, the word "timeline", the span, then all but the selected
	// bucket.
	titles := [...]string{
		"timeline " + spanText + " · peak " + strconv.Itoa(peak),
		"timeline " + spanText,
		spanText,
		human.Duration(step) + "/bar", // the axis still shows the span
	}
	var l line
	for _, t := range titles {
		if n := ansi.StringWidth(t); sel == "" || n+2+ansi.StringWidth(sel) <= width {
			l.text(st.border, t, width)
			if sel != "" {
				l.write(span{}, "  ", 2)
				l.text(st.accent, sel, width-l.cells)
			}
			return l.finish(width)
		}
	}
	l.text(st.accent, sel, width)
	return l.finish(width)
}

// timelineAxis is the line under the bars: time labels where they fit and
// a ▲ under the selected bucket.
func timelineAxis(st Style, buckets []Bucket, selected, cw, width int, loc *time.Location) string {
	cells := []rune(strings.Repeat(" ", width))
	kind := make([]uint8, width) // 0 blank, 1 label, 2 marker
	if selected >= 0 {
		x := selected*cw + max(0, (cw-1)/2)
		if x < width {
			cells[x], kind[x] = '▲', 2
		}
	}
	step := buckets[0].To.Sub(buckets[0].From)
	tick := labelTick(step, cw)
	next := 0
	for k, b := range buckets {
		t := b.From.In(loc)
		if !aligned(b.From, tick, loc) {
			continue
		}
		label := t.Format("15:04")
		if tick >= 24*time.Hour || t.Hour() == 0 && t.Minute() == 0 {
			label = t.Format("Jan 2")
		}
		x := k * cw
		n := len([]rune(label))
		if x < next || x+n > width || overlaps(kind[x:x+n]) {
			continue
		}
		for i, r := range []rune(label) {
			cells[x+i], kind[x+i] = r, 1
		}
		next = x + n + 1
	}
	var l line
	for i, r := range cells {
		switch kind[i] {
		case 1:
			l.rune(st.muted, r)
		case 2:
			l.rune(st.accent, r)
		default:
			l.rune(span{}, r)
		}
	}
	return l.finish(width)
}

func overlaps(kind []uint8) bool {
	for _, k := range kind {
		if k != 0 {
			return true
		}
	}
	return false
}

// labelTick is the round interval between axis labels: the shortest
// multiple of step, among round lengths, that leaves room for a label.
func labelTick(step time.Duration, cw int) time.Duration {
	const room = 7 // "15:04" and a gap
	for i := 0; i < 64; i++ {
		t := stepCandidate(i, time.Minute)
		if t >= step && t%step == 0 && int(t/step)*cw >= room {
			return t
		}
	}
	return step * time.Duration((room+cw-1)/cw)
}

// aligned reports whether t starts a tick interval in loc.
func aligned(t time.Time, tick time.Duration, loc *time.Location) bool {
	return alignDown(t, tick, loc).Equal(t)
}

// fit cuts plain text s to at most width cells, returning it and its width.
func fit(s string, width int) (string, int) {
	if width <= 0 {
		return "", 0
	}
	w := ansi.StringWidth(s)
	if w <= width {
		return s, w
	}
	s = ansi.Truncate(s, width-1, "") + "…"
	return s, ansi.StringWidth(s)
}
