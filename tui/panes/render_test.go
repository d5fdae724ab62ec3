package panes

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/vigil-sec/vigil/themes"
)

var sampleIDs = [][]string{
	nil, nil, nil, login, login, {"service.restart"}, priv, {"config.change"},
	{"software.change"}, fail, {"access.denied"}, both,
}

// sample is a histogram of n events over minutes [0, span) after t0, with a
// burst of failed logons at minute 70.
func sample(n, span int) *Histogram {
	h := NewHistogram()
	r := rand.New(rand.NewPCG(1, 2))
	for i := range n {
		m := r.IntN(span)
		cats := sampleIDs[r.IntN(len(sampleIDs))]
		if i%40 == 0 {
			m, cats = 70, fail
		}
		h.Add(at(m).Add(time.Duration(r.IntN(60))*time.Second), cats)
	}
	return h
}

func goldenThemes() []themes.Theme { return []themes.Theme{themes.Dark(), themes.Mono()} }

func TestTimelineGolden(t *testing.T) {
	h := sample(3000, 165)
	for _, th := range goldenThemes() {
		for _, w := range []int{40, 80, 160} {
			t.Run(fmt.Sprintf("%s/%d", th.Name, w), func(t *testing.T) {
				bs := h.Fit(w, time.UTC)
				out := Timeline(NewStyle(th), bs, len(bs)/2, w, 6, time.UTC)
				checkBox(t, out, w, 6)
				golden.RequireEqual(t, out)
			})
		}
	}
}

func TestCategoriesGolden(t *testing.T) {
	h := sample(3000, 165)
	h.Add(at(3), []string{"log.integrity"})
	for _, th := range goldenThemes() {
		for _, w := range []int{40, 80, 160} {
			t.Run(fmt.Sprintf("%s/%d", th.Name, w), func(t *testing.T) {
				out := Categories(NewStyle(th), h, h.Fit(w, time.UTC), w, 8)
				checkBox(t, out, w, 8)
				golden.RequireEqual(t, out)
			})
		}
	}
}

// checkBox asserts that out is exactly height lines of exactly width cells.
func checkBox(t *testing.T, out string, width, height int) {
	t.Helper()
	if height <= 0 {
		if out != "" {
			t.Fatalf("height %d: got %q", height, out)
		}
		return
	}
	lines := strings.Split(out, "\n")
	if len(lines) != height {
		t.Fatalf("%d lines, want %d", len(lines), height)
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w != max(width, 0) {
			t.Fatalf("line %d is %d cells, want %d: %q", i, w, width, l)
		}
	}
}

// Whatever the input, panes fill exactly the box they are given.
func TestRenderBoxRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 9))
	styles := []Style{NewStyle(themes.Dark()), NewStyle(themes.Mono()), NewStyle(themes.HighContrast()), NewStyle(themes.Theme{})}
	for i := range 500 {
		h := NewHistogram()
		n, span := r.IntN(300), 1+r.IntN(20000)
		for range n {
			tm := at(r.IntN(span))
			if r.IntN(20) == 0 {
				tm = time.Time{}
			}
			h.Add(tm, sampleIDs[r.IntN(len(sampleIDs))])
		}
		width, height := r.IntN(200)-2, r.IntN(14)-1
		st := styles[i%len(styles)]
		loc := []*time.Location{nil, time.UTC, time.FixedZone("X", -(3*3600 + 1800))}[r.IntN(3)]
		bs := h.Fit(max(width, 1)*(1+r.IntN(2)), loc) // sometimes more buckets than cells
		sel := r.IntN(len(bs)+2) - 1
		checkBox(t, Timeline(st, bs, sel, width, height, loc), width, height)
		checkBox(t, Categories(st, h, bs, width, height), width, height)
		if t.Failed() {
			t.Fatalf("case %d: %d events over %d minutes, %dx%d, selected %d", i, n, span, width, height, sel)
		}
	}
}

func TestMonoPanesHaveNoColour(t *testing.T) {
	h := sample(500, 100)
	st := NewStyle(themes.Mono())
	bs := h.Fit(80, nil)
	for _, out := range []string{Timeline(st, bs, 3, 80, 6, nil), Categories(st, h, bs, 80, 8)} {
		if strings.Contains(out, "38;") || strings.Contains(out, "48;") {
			t.Errorf("colour in mono: %q", out)
		}
	}
}

// In every theme, a bar's texture says its level: colour is never the only
// signal.
func TestTimelineLevelGlyphs(t *testing.T) {
	bucket := func(l Level) Bucket {
		var b Bucket
		b.From, b.To = at(0), at(1)
		b.Count[l] = 10
		return b
	}
	for _, th := range []themes.Theme{themes.Dark(), themes.Mono(), themes.ColorBlind()} {
		st := NewStyle(th)
		seen := map[string]Level{}
		for _, l := range []Level{LevelLow, LevelMedium, LevelHigh} {
			out := ansi.Strip(Timeline(st, []Bucket{bucket(l)}, -1, 1, 4, nil))
			glyph := strings.Split(out, "\n")[1] // a full cell of the bar
			if prev, ok := seen[glyph]; ok {
				t.Errorf("%s: levels %d and %d both drawn %q", th.Name, prev, l, glyph)
			}
			seen[glyph] = l
		}
	}
}

func TestTimelineSelectionAndTitle(t *testing.T) {
	h := NewHistogram()
	h.Add(at(2), nil)
	h.Add(at(165), fail)
	bs := h.Fit(80, time.UTC)
	out := ansi.Strip(Timeline(NewStyle(themes.Mono()), bs, 33, 80, 5, time.UTC))
	lines := strings.Split(out, "\n")
	if want := "timeline 13:00–15:50 · 1 bar = 5m · peak 1  ▲ 15:45: 1 !1"; strings.TrimRight(lines[0], " ") != want {
		t.Errorf("title %q, want %q", lines[0], want)
	}
	axis := []rune(lines[4])
	if axis[33*2] != '▲' {
		t.Errorf("no marker under bucket 33: %q", lines[4])
	}
	if !strings.HasPrefix(lines[4], "13:00") {
		t.Errorf("axis %q", lines[4])
	}
	if got := ansi.Strip(Timeline(NewStyle(themes.Dark()), nil, -1, 30, 3, nil)); !strings.HasPrefix(got, "timeline: no timed events") {
		t.Errorf("empty timeline %q", got)
	}
}

func TestCategoriesMore(t *testing.T) {
	h := NewHistogram()
	for i, id := range []string{"auth.failure", "privilege.use", "auth.success", "access.denied"} {
		for range i + 1 {
			h.Add(at(i), []string{id})
		}
	}
	out := ansi.Strip(Categories(NewStyle(themes.Mono()), h, h.Fit(10, nil), 40, 3))
	lines := strings.Split(out, "\n")
	if !strings.HasPrefix(lines[0], "! denied") || !strings.HasPrefix(lines[1], "! login-fail") {
		t.Errorf("order: %q", out)
	}
	if strings.TrimSpace(lines[2]) != "+2 more" {
		t.Errorf("last line %q, want +2 more", lines[2])
	}
	if got := ansi.Strip(Categories(NewStyle(themes.Dark()), NewHistogram(), nil, 30, 2)); !strings.HasPrefix(got, "no categorised events") {
		t.Errorf("empty categories %q", got)
	}
}

func TestSparkline(t *testing.T) {
	for _, c := range []struct {
		in   []int
		want string
	}{
		{nil, ""},
		{[]int{0, 0}, "  "},
		{[]int{1, 2, 3, 4, 5, 6, 7, 8}, "▁▂▃▄▅▆▇█"},
		{[]int{0, 1, 1000}, " ▁█"},
		{[]int{5}, "█"},
		{[]int{-3, 2}, " █"},
	} {
		if got := Sparkline(c.in); got != c.want {
			t.Errorf("Sparkline(%v) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestSplit(t *testing.T) {
	for _, c := range []struct {
		counts [numLevels]int
		size   int
		want   [numLevels]int
	}{
		{[numLevels]int{100, 0, 0, 1}, 8, [numLevels]int{7, 0, 0, 1}},   // a lone high still shows
		{[numLevels]int{100, 5, 5, 1}, 2, [numLevels]int{0, 0, 1, 1}},   // too small: loudest first
		{[numLevels]int{10, 10, 10, 10}, 8, [numLevels]int{2, 2, 2, 2}}, // even
		{[numLevels]int{0, 0, 0, 3}, 5, [numLevels]int{0, 0, 0, 5}},
	} {
		total := 0
		for _, n := range c.counts {
			total += n
		}
		if got := split(c.counts, total, c.size); got != c.want {
			t.Errorf("split(%v, %d) = %v, want %v", c.counts, c.size, got, c.want)
		}
	}
}
