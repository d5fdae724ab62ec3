package tui

import (
	"runtime"
	"sort"
	"sync"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/filters/query"
	"github.com/vigil-sec/vigil/tui/panes"
)

// lens is one way of looking at the buffer: every event, the events that
// match a filter, or the marked events. It keeps its view current as
// events arrive and are evicted.
type lens struct {
	v     view
	q     *query.Query // nil or empty: every event
	marks bool         // the marked events only; new events are not added
	// hist counts the lens's events by time and category for the
	// timeline and category panes; nil for the every-event lens, which
	// uses the book's.
	hist *panes.Histogram
}

// book is the UI's state over the event buffer: the ring, the lens in use
// and the one put aside while looking at the context of an event, the
// marks, and the filter being computed. Models share it by pointer; only
// the latest model's Update touches it.
type book struct {
	ring  *ring
	cur   *lens
	saved *lens // the lens to return to from a context view

	marks        map[uint64]struct{} // ring positions
	marksEvicted uint64
	all          *panes.Histogram // every event held
	devs         *panes.DevCounts // the deviations of every event held

	gen     uint64   // generation of the newest filter request
	pending *pending // filter being computed, nil when none
}

// pending is a filter whose result over the buffer is being computed on
// another goroutine; tail collects the matches among events that arrived
// after the frozen it runs on.
type pending struct {
	gen  uint64
	lens *lens
	tail []uint64
}

// filterDoneMsg brings back the ring positions of the frozen's events
// that match a filter.
type filterDoneMsg struct {
	gen  uint64
	idx  []uint64
	hist *panes.Histogram
	snap frozen // what idx was computed over
}

func newBook(capacity int) *book {
	b := &book{
		ring:  newRing(capacity),
		cur:   &lens{v: allView()},
		marks: make(map[uint64]struct{}),
		all:   panes.NewHistogram(),
		devs:  panes.NewDevCounts(),
	}
	b.ring.onEvict = b.evict
	return b
}

// lenses returns the lenses kept current: the one in use and the saved one.
func (b *book) lenses() []*lens {
	if b.saved != nil {
		return []*lens{b.cur, b.saved}
	}
	return []*lens{b.cur}
}

// ingest appends evs to the ring and to every lens whose filter they match,
// and to the pending filter's tail. It returns how many entered the
// current lens. O(len(evs)).
func (b *book) ingest(evs []event.Event) (added int) {
	r := b.ring
	if uint64(len(evs)) > r.capacity {
		// Only the tail is stored; the rest is reported as evicted.
		r.pushAll(evs)
		for pos := r.first(); pos < r.end(); pos++ {
			added += b.admit(pos, r.at(pos))
		}
		if b.cur.v.all {
			added = len(evs) // they all arrived, if not all are kept
		}
		return added
	}
	for i := range evs {
		pos := r.end()
		r.push(&evs[i])
		added += b.admit(pos, &evs[i])
	}
	return added
}

// admit adds the event just stored at pos to the lenses it belongs to and
// to the pending filter's tail, and returns 1 if it entered the current
// lens.
func (b *book) admit(pos uint64, e *event.Event) (added int) {
	b.all.Add(e.Time, e.Categories)
	if len(e.Deviations) > 0 {
		if mask := b.devs.Add(e.Deviations); mask != 0 {
			b.ring.rec(pos).extra.devUntracked = mask
		}
	}
	for _, l := range b.lenses() {
		switch {
		case l.v.all:
		case l.marks || !l.q.Match(e):
			continue
		default:
			l.v.add(pos)
			if l.hist != nil {
				l.hist.Add(e.Time, e.Categories)
			}
		}
		if l == b.cur {
			added = 1
		}
	}
	if p := b.pending; p != nil && p.lens.q.Match(e) {
		p.tail = append(p.tail, pos)
	}
	return added
}

// evict is the ring's eviction hook: the event at pos is about to be
// overwritten.
func (b *book) evict(pos uint64) {
	rec := b.ring.rec(pos)
	t, cats := rec.timeOf(), b.ring.tables.tags[rec.tags].cats
	b.all.Remove(t, cats)
	if x := rec.extra; x != nil && len(x.deviations) > 0 {
		b.devs.Remove(x.deviations, x.devUntracked)
	}
	for _, l := range b.lenses() {
		v := &l.v
		if !v.all && v.head < len(v.idx) && v.idx[v.head] == pos {
			v.evictBefore(pos + 1)
			if l.hist != nil {
				l.hist.Remove(t, cats)
			}
		}
	}
	if _, ok := b.marks[pos]; ok {
		delete(b.marks, pos)
		b.marksEvicted++
	}
}

// request starts computing lens l over the buffer and returns the work to
// run off the UI goroutine. A newer request makes this one stale.
func (b *book) request(l *lens) func() filterDoneMsg {
	b.gen++
	gen := b.gen
	snap := b.ring.freeze()
	b.pending = &pending{gen: gen, lens: l}
	q := l.q
	return func() filterDoneMsg {
		idx := filterSnapshot(&snap, q)
		h := panes.NewHistogram()
		for _, pos := range idx {
			rec := snap.rec(pos)
			h.Add(rec.timeOf(), snap.tables.tags[rec.tags].cats)
		}
		return filterDoneMsg{gen: gen, idx: idx, hist: h, snap: snap}
	}
}

// done installs a finished filter, unless a newer one was asked for since.
// It returns the lens now in use, or nil for a stale answer.
func (b *book) done(msg filterDoneMsg) *lens {
	p := b.pending
	if p == nil || p.gen != msg.gen {
		return nil
	}
	first := b.ring.first()
	idx, h := msg.idx, msg.hist
	i := sort.Search(len(idx), func(i int) bool { return idx[i] >= first })
	for _, pos := range idx[:i] { // evicted while the filter ran
		rec := msg.snap.rec(pos)
		h.Remove(rec.timeOf(), msg.snap.tables.tags[rec.tags].cats)
	}
	idx = idx[i:]
	for _, pos := range p.tail {
		if pos >= first {
			idx = append(idx, pos)
			rec := b.ring.rec(pos)
			h.Add(rec.timeOf(), b.ring.tables.tags[rec.tags].cats)
		}
	}
	p.lens.v = indexView(idx)
	p.lens.hist = h
	b.cur = p.lens
	b.pending = nil
	return b.cur
}

// filterSnapshot returns the positions of the frozen's events that match
// q, ascending, using every core.
func filterSnapshot(s *frozen, q *query.Query) []uint64 {
	n := s.end - s.first
	workers := uint64(max(1, runtime.GOMAXPROCS(0)))
	if n < 1<<14 {
		workers = 1
	}
	parts := make([][]uint64, workers)
	var wg sync.WaitGroup
	step := (n + workers - 1) / max(workers, 1)
	for w := range workers {
		lo := s.first + w*step
		hi := min(lo+step, s.end)
		if lo >= hi {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			var out []uint64
			var sc scratch
			for pos := lo; pos < hi; pos++ {
				if q.Match(s.load(pos, &sc)) {
					out = append(out, pos)
				}
			}
			parts[w] = out
		}()
	}
	wg.Wait()
	total := 0
	for _, p := range parts {
		total += len(p)
	}
	idx := make([]uint64, 0, total+total/8+64)
	for _, p := range parts {
		idx = append(idx, p...)
	}
	return idx
}

// marksLens returns a lens of the marked events still held, in order.
func (b *book) marksLens() *lens {
	idx := make([]uint64, 0, len(b.marks))
	for pos := range b.marks {
		idx = append(idx, pos)
	}
	sort.Slice(idx, func(i, j int) bool { return idx[i] < idx[j] })
	h := panes.NewHistogram()
	for _, pos := range idx {
		rec := b.ring.rec(pos)
		h.Add(rec.timeOf(), b.ring.tables.tags[rec.tags].cats)
	}
	return &lens{v: indexView(idx), marks: true, hist: h}
}

// hist is the histogram of the lens in use.
func (b *book) hist() *panes.Histogram {
	if b.cur.hist != nil {
		return b.cur.hist
	}
	return b.all
}
