package panes

import (
	"testing"
	"time"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/themes"
)

var t0 = time.Date(2026, 3, 4, 13, 0, 0, 0, time.UTC)

func at(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }

func TestCategoryTable(t *testing.T) {
	if n := len(event.Categories()); n != numCategories || n > 32 {
		t.Fatalf("event has %d categories, panes expects %d (and at most 32 for the slot mask)", n, numCategories)
	}
	for i, c := range event.Categories() {
		if levelOf(c.Weight) != Level(themes.WeightOf(c.ID))+LevelLow {
			t.Errorf("%s: level disagrees with themes.WeightOf", c.ID)
		}
		if event.CategoryIndex(c.ID) != i {
			t.Errorf("%s: index %d", c.ID, event.CategoryIndex(c.ID))
		}
	}
}

type op struct {
	remove bool
	min    int // minutes after t0; -1e6 means a zero time
	cats   []string
}

const untimed = -1000000

func apply(h *Histogram, ops []op) {
	for _, o := range ops {
		tm := at(o.min)
		if o.min == untimed {
			tm = time.Time{}
		}
		if o.remove {
			h.Remove(tm, o.cats)
		} else {
			h.Add(tm, o.cats)
		}
	}
}

var (
	fail  = []string{"auth.failure"}          // high
	priv  = []string{"privilege.use"}         // medium
	login = []string{"auth.success"}          // low
	mixed = []string{"auth.success", "perms"} // unknown ID: low
	both  = []string{"privilege.use", "auth.failure"}
)

func TestHistogram(t *testing.T) {
	for _, c := range []struct {
		name           string
		ops            []op
		total, untimed int
		first, last    int // minutes; first == last means empty
		from, to, n    int
		counts         [][numLevels]int
		cats           map[string]int
	}{
		{
			name:  "levels",
			ops:   []op{{min: 0}, {min: 0, cats: login}, {min: 1, cats: priv}, {min: 1, cats: fail}, {min: 1, cats: both}, {min: 2, cats: mixed}},
			total: 6, first: 0, last: 3,
			from: 0, to: 3, n: 3,
			counts: [][numLevels]int{{1, 1, 0, 0}, {0, 0, 1, 2}, {0, 1, 0, 0}},
			cats:   map[string]int{"auth.failure": 2, "privilege.use": 2, "auth.success": 2},
		},
		{
			name:  "out of order",
			ops:   []op{{min: 9, cats: fail}, {min: 2}, {min: 5, cats: priv}, {min: 0}, {min: 9}},
			total: 5, first: 0, last: 10,
			from: 0, to: 10, n: 2,
			counts: [][numLevels]int{{2, 0, 0, 0}, {1, 0, 1, 1}},
			cats:   map[string]int{"auth.failure": 1, "privilege.use": 1},
		},
		{
			name:  "bucket boundaries",
			ops:   []op{{min: 3}, {min: 4}, {min: 5}, {min: 6}, {min: 9}},
			total: 5, first: 3, last: 10,
			// [4,6) [6,8): 3 is before from, 9 is at or after to.
			from: 4, to: 8, n: 2,
			counts: [][numLevels]int{{2, 0, 0, 0}, {1, 0, 0, 0}},
		},
		{
			name:  "remove to zero",
			ops:   []op{{min: 1, cats: fail}, {min: 2}, {remove: true, min: 1, cats: fail}, {remove: true, min: 2}},
			total: 0,
			from:  0, to: 4, n: 2,
			counts: [][numLevels]int{{}, {}},
		},
		{
			name: "remove part",
			ops: []op{{min: 1, cats: fail}, {min: 1, cats: login}, {min: 7, cats: priv},
				{remove: true, min: 1, cats: fail}},
			total: 2, first: 1, last: 8,
			from: 0, to: 8, n: 2,
			counts: [][numLevels]int{{0, 1, 0, 0}, {0, 0, 1, 0}},
			cats:   map[string]int{"auth.success": 1, "privilege.use": 1},
		},
		{
			name: "removing what was never added is ignored",
			ops: []op{{min: 1, cats: login}, {remove: true, min: 1, cats: fail}, {remove: true, min: 50},
				{remove: true, min: untimed}},
			total: 1, first: 1, last: 2,
			from: 0, to: 2, n: 1,
			counts: [][numLevels]int{{0, 1, 0, 0}},
			cats:   map[string]int{"auth.success": 1},
		},
		{
			name:  "untimed",
			ops:   []op{{min: untimed, cats: fail}, {min: untimed}, {min: 3}, {remove: true, min: untimed}},
			total: 2, untimed: 1, first: 3, last: 4,
			from: 0, to: 5, n: 1,
			counts: [][numLevels]int{{1, 0, 0, 0}},
			cats:   map[string]int{"auth.failure": 1},
		},
		{
			name:  "before 1970",
			ops:   []op{{min: -int(t0.Unix()/60) - 90}, {min: -int(t0.Unix()/60) - 1}},
			total: 2, first: -int(t0.Unix()/60) - 90, last: -int(t0.Unix() / 60),
			from: -int(t0.Unix()/60) - 120, to: -int(t0.Unix() / 60), n: 2,
			counts: [][numLevels]int{{1, 0, 0, 0}, {1, 0, 0, 0}},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := NewHistogram()
			apply(h, c.ops)
			if h.Total() != c.total || h.Untimed() != c.untimed {
				t.Errorf("Total, Untimed = %d, %d; want %d, %d", h.Total(), h.Untimed(), c.total, c.untimed)
			}
			first, last := h.Span()
			if c.first == c.last {
				if !first.IsZero() || !last.IsZero() {
					t.Errorf("Span of an empty histogram = %v, %v", first, last)
				}
			} else if !first.Equal(at(c.first)) || !last.Equal(at(c.last)) {
				t.Errorf("Span = %v, %v; want %v, %v", first, last, at(c.first), at(c.last))
			}
			bs := h.Buckets(at(c.from), at(c.to), c.n)
			if len(bs) != len(c.counts) {
				t.Fatalf("%d buckets, want %d", len(bs), len(c.counts))
			}
			for i, b := range bs {
				if b.Count != c.counts[i] {
					t.Errorf("bucket %d [%v, %v) = %v, want %v", i, b.From, b.To, b.Count, c.counts[i])
				}
			}
			got := map[string]int{}
			for _, cc := range h.CategoryCounts() {
				got[cc.ID] = cc.Count
			}
			if len(got) != len(c.cats) {
				t.Errorf("categories %v, want %v", got, c.cats)
			}
			for id, n := range c.cats {
				if got[id] != n {
					t.Errorf("category %s = %d, want %d", id, got[id], n)
				}
			}
		})
	}
}

func TestCategoryCountsOrder(t *testing.T) {
	h := NewHistogram()
	add := func(n int, cats []string) {
		for range n {
			h.Add(t0, cats)
		}
	}
	add(5, login)
	add(2, fail)
	add(3, []string{"access.denied"})
	add(9, priv)
	add(3, []string{"account.change"})
	var ids []string
	for _, c := range h.CategoryCounts() {
		ids = append(ids, c.ID)
	}
	// High first (account before denied on a tie: contract order), then
	// medium, then low.
	want := []string{"account.change", "access.denied", "auth.failure", "privilege.use", "auth.success"}
	if len(ids) != len(want) {
		t.Fatalf("got %v", ids)
	}
	for i := range want {
		if ids[i] != want[i] {
			t.Fatalf("order %v, want %v", ids, want)
		}
	}
}

func TestBucketsEdges(t *testing.T) {
	h := NewHistogram()
	h.Add(at(1), nil)
	if h.Buckets(at(0), at(0), 3) != nil || h.Buckets(at(2), at(0), 3) != nil || h.Buckets(at(0), at(5), 0) != nil {
		t.Error("empty ranges must give nil")
	}
	// Uneven columns: 7 minutes in 3 columns.
	bs := h.Buckets(at(0), at(7), 3)
	sum := 0
	for i, b := range bs {
		sum += b.Total()
		if i > 0 && !b.From.Equal(bs[i-1].To) {
			t.Errorf("gap between buckets %d and %d", i-1, i)
		}
	}
	if sum != 1 || !bs[0].From.Equal(at(0)) || !bs[2].To.Equal(at(7)) {
		t.Errorf("uneven buckets %+v", bs)
	}
	// A minute start that falls on a rounded-down column start goes to
	// that column.
	for n := 1; n <= 13; n++ {
		bs := h.Buckets(at(0), at(7), n)
		for _, b := range bs {
			if b.Total() == 1 && (at(1).Before(b.From) || !at(1).Before(b.To)) {
				t.Errorf("n=%d: minute 1 counted in [%v, %v)", n, b.From, b.To)
			}
		}
	}
}

func TestCoarsen(t *testing.T) {
	h := newHistogram(8)
	var ops []op
	for i := 0; i < 40; i++ {
		m := (i * 7) % 40 // out of order
		ops = append(ops, op{min: m, cats: fail}, op{min: m})
	}
	apply(h, ops)
	if len(h.slots) > 8 || h.Resolution() <= time.Minute {
		t.Fatalf("%d slots at %v", len(h.slots), h.Resolution())
	}
	if h.Total() != 80 {
		t.Fatalf("Total %d", h.Total())
	}
	bs := h.Buckets(at(-100), at(100), 7)
	sum := 0
	for _, b := range bs {
		sum += b.Total()
	}
	if sum != 80 {
		t.Errorf("buckets hold %d events, want 80", sum)
	}
	if fit := h.Fit(80, time.UTC); len(fit) == 0 || fit[0].To.Sub(fit[0].From)%h.Resolution() != 0 {
		t.Errorf("Fit ignores the resolution %v", h.Resolution())
	}
	// Every event added can still be removed, exactly.
	for i := range ops {
		ops[i].remove = true
	}
	apply(h, ops)
	if h.Total() != 0 || len(h.slots) != 0 || h.Resolution() != time.Minute {
		t.Errorf("after removing all: total %d, %d slots, resolution %v", h.Total(), len(h.slots), h.Resolution())
	}
}

func TestFit(t *testing.T) {
	h := NewHistogram()
	h.Add(at(2), nil)        // 13:02
	h.Add(at(2*60+47), fail) // 15:47
	h.Add(at(60), priv)
	bs := h.Fit(80, time.UTC)
	if len(bs) == 0 || len(bs) > 80 {
		t.Fatalf("%d buckets", len(bs))
	}
	if step := bs[0].To.Sub(bs[0].From); step != 5*time.Minute {
		t.Errorf("step %v, want 5m (2m needs 84 buckets)", step)
	}
	if !bs[0].From.Equal(at(0)) || !bs[len(bs)-1].To.Equal(at(2*60+50)) {
		t.Errorf("Fit covers [%v, %v)", bs[0].From, bs[len(bs)-1].To)
	}
	sum := 0
	for _, b := range bs {
		sum += b.Total()
	}
	if sum != 3 {
		t.Errorf("Fit counts %d events, want 3", sum)
	}
	if got := h.Fit(200, time.UTC); got[0].To.Sub(got[0].From) != time.Minute {
		t.Errorf("wide Fit step %v", got[0].To.Sub(got[0].From))
	}
	if got := h.Fit(1, time.UTC); len(got) != 1 || got[0].Total() != 3 {
		t.Errorf("Fit(1) = %+v", got)
	}
	// Hours align to the local hour in a half-hour zone.
	adelaide := time.FixedZone("ACST", 9*3600+1800)
	h.Add(at(24*60), nil)
	bs = h.Fit(30, adelaide)
	if _, m, _ := bs[0].From.In(adelaide).Clock(); m != 0 {
		t.Errorf("bucket starts at %v in +09:30", bs[0].From.In(adelaide))
	}
	if NewHistogram().Fit(10, nil) != nil {
		t.Error("Fit of an empty histogram is not nil")
	}
}

func TestAddAllocs(t *testing.T) {
	h := NewHistogram()
	h.Add(t0, both)
	if n := testing.AllocsPerRun(1000, func() {
		h.Add(t0, both)
		h.Add(time.Time{}, fail)
		h.Remove(t0, both)
	}); n != 0 {
		t.Errorf("Add to an existing minute allocates %v times", n)
	}
}
