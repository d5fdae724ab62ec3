package panes

import (
	"math/bits"
	"slices"
	"sort"
	"time"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/themes"
)

// Level is how loud an event is in the histogram: the highest category
// weight it carries, or LevelNone for an event without categories. It
// indexes Bucket.Count.
type Level uint8

// Levels, from quietest to loudest.
const (
	LevelNone Level = iota
	LevelLow
	LevelMedium
	LevelHigh
	numLevels
)

// numCategories is the size of the category table (event.Categories);
// a test keeps the two in step.
const numCategories = 21

// DefaultLimit is how many distinct time slots a Histogram keeps, a week
// of one-minute slots, before it makes its slots coarser.
const DefaultLimit = 7 * 24 * 60

// categoryTable is event.Categories, read once; it is never written.
var categoryTable = event.Categories()

// levelOf maps a category weight to a level.
func levelOf(w event.Weight) Level { return Level(w) + LevelLow }

// slot holds the counts of the events whose time falls in one slot of
// Histogram.res minutes starting at unix minute key.
type slot struct {
	key   int64
	n     [numLevels]int32
	cat   [numCategories]int32
	cats  uint32 // bit i set while cat[i] > 0
	total int32
}

// Histogram counts the events of a view per minute, by level and by
// category, so that panes can draw a timeline and per-category sparklines
// without touching the event buffer.
//
// Add and Remove cost O(categories of the event) and allocate only when an
// event falls in a slot that has no events yet. Events with a zero time are
// counted in Untimed (and in the category totals) but in no slot. Events
// may arrive in any time order.
//
// Memory is bounded: at most DefaultLimit slots are kept. When one more is
// needed, the slot length doubles (1m, 2m, 4m, ...) and neighbouring slots
// merge, until at most half the limit remain; no count is lost, only time
// resolution, which Resolution reports and bucket sizes then respect. Slots
// stay aligned to multiples of their length, so Remove still finds the slot
// of every event it was given by Add. The resolution returns to one minute
// when the histogram empties or is Reset.
//
// A Histogram is not safe for concurrent use; the UI owns it.
type Histogram struct {
	res     int64 // minutes per slot, a power of two
	limit   int
	index   map[int64]*slot
	slots   []*slot // sorted by key
	free    []*slot
	total   int
	untimed int
	gen     uint64
	cats    [numCategories]int
}

// NewHistogram returns an empty histogram with the DefaultLimit.
func NewHistogram() *Histogram {
	return newHistogram(DefaultLimit)
}

func newHistogram(limit int) *Histogram {
	return &Histogram{res: 1, limit: max(limit, 2), index: make(map[int64]*slot)}
}

// classify returns the level of an event with categories cats. Unknown IDs
// count as low, as in themes.WeightOf.
func classify(cats []string) Level {
	if len(cats) == 0 {
		return LevelNone
	}
	l := LevelLow
	for _, id := range cats {
		if i := event.CategoryIndex(id); i >= 0 && i < numCategories {
			l = max(l, levelOf(categoryTable[i].Weight))
		}
	}
	return l
}

// minuteOf returns the unix minute of t, rounding down.
func minuteOf(t time.Time) int64 { return floorDiv(t.Unix(), 60) }

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// Add counts an event at time t with category IDs cats.
func (h *Histogram) Add(t time.Time, cats []string) {
	h.gen++
	var s *slot
	if t.IsZero() {
		h.untimed++
	} else {
		s = h.slotFor(minuteOf(t), true)
	}
	h.total++
	lvl := LevelNone
	if len(cats) > 0 {
		lvl = LevelLow
	}
	for _, id := range cats {
		i := event.CategoryIndex(id)
		if i < 0 || i >= numCategories {
			continue
		}
		lvl = max(lvl, levelOf(categoryTable[i].Weight))
		h.cats[i]++
		if s != nil {
			s.cat[i]++
			s.cats |= 1 << i
		}
	}
	if s != nil {
		s.n[lvl]++
		s.total++
		if len(h.slots) > h.limit {
			h.coarsen()
		}
	}
}

// Remove uncounts an event that was added with the same time and
// categories, as when it is evicted from the ring buffer. Removing an event
// that was never added is ignored rather than driving counts negative.
func (h *Histogram) Remove(t time.Time, cats []string) {
	lvl := classify(cats)
	h.gen++
	var s *slot
	if t.IsZero() {
		if h.untimed == 0 {
			return
		}
		h.untimed--
	} else {
		s = h.slotFor(minuteOf(t), false)
		if s == nil || s.n[lvl] == 0 {
			return
		}
		s.n[lvl]--
		s.total--
	}
	h.total--
	for _, id := range cats {
		i := event.CategoryIndex(id)
		if i < 0 || i >= numCategories {
			continue
		}
		if h.cats[i] > 0 {
			h.cats[i]--
		}
		if s != nil && s.cat[i] > 0 {
			s.cat[i]--
			if s.cat[i] == 0 {
				s.cats &^= 1 << i
			}
		}
	}
	if s != nil && s.total == 0 {
		h.drop(s)
	}
	if h.total == 0 {
		h.Reset()
	}
}

// Reset empties the histogram and returns it to one-minute slots.
func (h *Histogram) Reset() {
	for _, s := range h.slots {
		h.release(s)
	}
	clear(h.slots)
	h.slots = h.slots[:0]
	clear(h.index)
	h.res = 1
	h.total, h.untimed = 0, 0
	h.gen++
	h.cats = [numCategories]int{}
}

// slotFor returns the slot holding unix minute m, creating it if create
// is set (and returning nil otherwise when there is none).
func (h *Histogram) slotFor(m int64, create bool) *slot {
	key := floorDiv(m, h.res) * h.res
	if s := h.index[key]; s != nil || !create {
		return s
	}
	var s *slot
	if n := len(h.free); n > 0 {
		s, h.free = h.free[n-1], h.free[:n-1]
	} else {
		s = new(slot)
	}
	s.key = key
	h.index[key] = s
	i := h.search(key)
	h.slots = slices.Insert(h.slots, i, s)
	return s
}

// search returns the position of the first slot whose key is >= key.
func (h *Histogram) search(key int64) int {
	// Live events land in the newest slot: check the end first.
	if n := len(h.slots); n == 0 || h.slots[n-1].key < key {
		return n
	}
	return sort.Search(len(h.slots), func(i int) bool { return h.slots[i].key >= key })
}

// drop removes an empty slot.
func (h *Histogram) drop(s *slot) {
	delete(h.index, s.key)
	if i := h.search(s.key); i < len(h.slots) && h.slots[i] == s {
		h.slots = slices.Delete(h.slots, i, i+1)
	}
	h.release(s)
}

// maxFree bounds the slots kept for reuse.
const maxFree = 64

func (h *Histogram) release(s *slot) {
	if len(h.free) < maxFree {
		*s = slot{}
		h.free = append(h.free, s)
	}
}

// coarsen doubles the slot length until at most half the limit of slots
// remain, merging neighbours.
func (h *Histogram) coarsen() {
	for len(h.slots) > h.limit/2 && h.res < 1<<40 {
		h.res *= 2
		out := h.slots[:0]
		for _, s := range h.slots {
			key := floorDiv(s.key, h.res) * h.res
			if n := len(out); n > 0 && out[n-1].key == key {
				d := out[n-1]
				for l := range s.n {
					d.n[l] += s.n[l]
				}
				for i := range s.cat {
					d.cat[i] += s.cat[i]
				}
				d.cats |= s.cats
				d.total += s.total
				h.release(s)
				continue
			}
			s.key = key
			out = append(out, s)
		}
		clear(h.slots[len(out):])
		h.slots = out
	}
	clear(h.index)
	for _, s := range h.slots {
		h.index[s.key] = s
	}
}

// Generation returns a number that changes whenever the counts may have
// changed, so a caller can keep rendered panes until it moves.
func (h *Histogram) Generation() uint64 { return h.gen }

// Total returns the number of events counted, untimed ones included.
func (h *Histogram) Total() int { return h.total }

// Untimed returns the number of events counted without a time.
func (h *Histogram) Untimed() int { return h.untimed }

// Resolution returns the length of a slot: one minute until the histogram
// has needed more than its limit of slots.
func (h *Histogram) Resolution() time.Duration { return time.Duration(h.res) * time.Minute }

// Span returns the start of the earliest slot holding events and the end
// (exclusive) of the latest, both in UTC; zero times when no timed event is
// counted.
func (h *Histogram) Span() (first, last time.Time) {
	if len(h.slots) == 0 {
		return time.Time{}, time.Time{}
	}
	return minuteTime(h.slots[0].key), minuteTime(h.slots[len(h.slots)-1].key + h.res)
}

func minuteTime(m int64) time.Time { return time.Unix(m*60, 0).UTC() }

// CategoryCount is the number of counted events that carry one category.
type CategoryCount struct {
	// ID is the category's contract ID and Short its badge name.
	ID, Short string
	Weight    themes.Weight
	Count     int
	// index is the category's position in the contract's order.
	index int
}

// CategoryCounts returns the categories with at least one event, loudest
// weight first, then most events first, then in the contract's order. An
// event with several categories counts once for each. Cost is O(number of
// categories), whatever the number of events.
func (h *Histogram) CategoryCounts() []CategoryCount {
	var out []CategoryCount
	for i, n := range h.cats {
		if n == 0 {
			continue
		}
		c := categoryTable[i]
		out = append(out, CategoryCount{ID: c.ID, Short: c.Short, Weight: themes.Weight(c.Weight), Count: n, index: i})
	}
	slices.SortFunc(out, func(a, b CategoryCount) int {
		switch {
		case a.Weight != b.Weight:
			return int(b.Weight) - int(a.Weight)
		case a.Count != b.Count:
			if a.Count > b.Count {
				return -1
			}
			return 1
		}
		return a.index - b.index
	})
	return out
}

// Bucket is one column of a timeline: the events whose slot starts in
// [From, To), counted by level.
type Bucket struct {
	From, To time.Time
	Count    [numLevels]int
}

// Total returns the number of events in the bucket.
func (b Bucket) Total() int { return b.Count[0] + b.Count[1] + b.Count[2] + b.Count[3] }

// Buckets divides [from, to) into n equal columns and counts the events of
// each. A slot is counted in the column where it starts, so columns shorter
// than Resolution are uneven. It costs O(slots in range + n), never
// O(events); it returns nil when n < 1 or to is not after from.
func (h *Histogram) Buckets(from, to time.Time, n int) []Bucket {
	span := to.Sub(from)
	if n < 1 || span <= 0 {
		return nil
	}
	out := make([]Bucket, n)
	for i := range out {
		out[i].From = from.Add(scale(span, i, n))
		out[i].To = from.Add(scale(span, i+1, n))
	}
	h.walk(from, to, n, func(i int, s *slot) {
		for l, c := range s.n {
			out[i].Count[l] += int(c)
		}
	})
	return out
}

// walk calls f with the column (of n over [from, to)) of each slot that
// starts in [from, to). It works in unix minutes and moves through the
// columns as it moves through the sorted slots: no division per slot.
func (h *Histogram) walk(from, to time.Time, n int, f func(col int, s *slot)) {
	span := to.Sub(from)
	// colMinute(i) is the first minute that starts at or after column i.
	colMinute := func(i int) int64 {
		if i >= n {
			return ceilMinute(to)
		}
		return ceilMinute(from.Add(scale(span, i, n)))
	}
	end := ceilMinute(to)
	col, next := 0, colMinute(1)
	for _, s := range h.slots[h.search(colMinute(0)):] {
		if s.key >= end {
			break
		}
		for s.key >= next && col < n-1 {
			col++
			next = colMinute(col + 1)
		}
		f(col, s)
	}
}

// ceilMinute returns the first unix minute that starts at or after t.
func ceilMinute(t time.Time) int64 {
	u := t.Unix()
	if t.Nanosecond() != 0 {
		u++
	}
	return -floorDiv(-u, 60)
}

// scale returns span*i/n without overflow.
func scale(span time.Duration, i, n int) time.Duration {
	hi, lo := bits.Mul64(uint64(span), uint64(i))
	q, _ := bits.Div64(hi, lo, uint64(n))
	return time.Duration(q)
}
