package tui

import "sort"

// view is the sequence of events the list shows: every event in the ring,
// or the ring positions that match a filter (or are marked), in order.
//
// The list addresses a view by ordinal, numbered like ring positions: the
// n-th entry ever added has ordinal n-1 for as long as it is held, so a
// paused list stays on the same events while entries are added at the end
// and evicted at the start.
type view struct {
	all  bool     // every event in the ring; idx is unused
	idx  []uint64 // ring positions, ascending; idx[:head] are evicted
	head int
	base uint64 // ordinal of idx[head]
}

// allView is the unfiltered view.
func allView() view { return view{all: true} }

// indexView is a view of the given ring positions, ascending.
func indexView(idx []uint64) view { return view{idx: idx} }

// bounds returns the ordinals [first, end) held.
func (v *view) bounds(r *ring) (first, end uint64) {
	if v.all {
		return r.first(), r.end()
	}
	return v.base, v.base + uint64(len(v.idx)-v.head)
}

// len is the number of entries held.
func (v *view) len(r *ring) uint64 {
	f, e := v.bounds(r)
	return e - f
}

// pos returns the ring position of ordinal ord, which must be held.
func (v *view) pos(ord uint64) uint64 {
	if v.all {
		return ord
	}
	return v.idx[v.head+int(ord-v.base)]
}

// add appends ring position p, which must be newer than any held.
func (v *view) add(p uint64) {
	if !v.all {
		v.idx = append(v.idx, p)
	}
}

// evictBefore drops entries whose ring position is below first. Amortised
// O(1) per entry: the dropped prefix is reclaimed once it is half the slice.
func (v *view) evictBefore(first uint64) {
	if v.all {
		return
	}
	n := 0
	for v.head+n < len(v.idx) && v.idx[v.head+n] < first {
		n++
	}
	v.head += n
	v.base += uint64(n)
	if v.head > 4096 && v.head > len(v.idx)/2 {
		v.idx = append(v.idx[:0:0], v.idx[v.head:]...)
		v.head = 0
	}
}

// ordinalAtOrBefore returns the ordinal of the newest entry whose ring
// position is at most p, and false when every entry is newer than p.
func (v *view) ordinalAtOrBefore(r *ring, p uint64) (uint64, bool) {
	first, end := v.bounds(r)
	if first == end {
		return 0, false
	}
	if v.all {
		if p < first {
			return 0, false
		}
		return min(p, end-1), true
	}
	held := v.idx[v.head:]
	i := sort.Search(len(held), func(i int) bool { return held[i] > p })
	if i == 0 {
		return 0, false
	}
	return v.base + uint64(i-1), true
}

// ordinalAtOrAfter returns the ordinal of the oldest entry whose ring
// position is at least p, and false when every entry is older.
func (v *view) ordinalAtOrAfter(r *ring, p uint64) (uint64, bool) {
	first, end := v.bounds(r)
	if first == end {
		return 0, false
	}
	if v.all {
		if p >= end {
			return 0, false
		}
		return max(p, first), true
	}
	held := v.idx[v.head:]
	i := sort.Search(len(held), func(i int) bool { return held[i] >= p })
	if i == len(held) {
		return 0, false
	}
	return v.base + uint64(i), true
}
