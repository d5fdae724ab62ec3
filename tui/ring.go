package tui

import (
	"slices"

	"github.com/vigil-sec/vigil/event"
)

// chunkBits sets the ring's allocation unit: 4,096 events per chunk.
const (
	chunkBits = 12
	chunkSize = 1 << chunkBits
	chunkMask = chunkSize - 1
)

// ring is a bounded buffer of events addressed by absolute position: the
// n-th event ever pushed has position n-1 for as long as it is held. When
// full, a push overwrites (evicts) the oldest event.
//
// Storage is allocated lazily in fixed chunks, so a large capacity costs
// nothing until it is used and growing never copies what is held: push is
// O(1) in every case, never O(buffer).
//
// A frozen may be read on another goroutine while the ring keeps
// growing: a chunk a frozen can see is copied before its first slot is
// overwritten (copy on write, one chunk at a time), and slots past the
// frozen's end are ones it never reads.
type ring struct {
	chunks   [][]record
	tables   *tables
	shared   []bool // chunks[i] may be read by a frozen
	capacity uint64
	total    uint64 // events ever pushed; the next position

	// onEvict, when set, is called with each event just before it is
	// overwritten.
	onEvict func(pos uint64)

	sc scratch // for at: the UI goroutine's scratch event
}

func newRing(capacity int) *ring {
	if capacity < 1 {
		capacity = 1
	}
	return &ring{capacity: uint64(capacity), tables: newTables()}
}

// first is the position of the oldest event held.
func (r *ring) first() uint64 {
	if r.total > r.capacity {
		return r.total - r.capacity
	}
	return 0
}

// end is one past the position of the newest event held.
func (r *ring) end() uint64 { return r.total }

// len is the number of events held.
func (r *ring) len() uint64 { return r.total - r.first() }

// evicted is the number of events overwritten so far.
func (r *ring) evicted() uint64 { return r.first() }

// rec returns the record at position pos, which must be in [first, end).
func (r *ring) rec(pos uint64) *record {
	s := pos % r.capacity
	return &r.chunks[s>>chunkBits][s&chunkMask]
}

// at returns the event at position pos, which must be in [first, end),
// rebuilt in the ring's scratch event: it is valid until the next call.
// Only the UI goroutine may call it.
func (r *ring) at(pos uint64) *event.Event {
	return r.tables.load(r.rec(pos), &r.sc)
}

// push appends e, evicting the oldest event when full. The record shares
// e's message and raw bytes, which nobody may modify afterwards.
func (r *ring) push(e *event.Event) {
	s := r.total % r.capacity
	c := int(s >> chunkBits)
	for c >= len(r.chunks) {
		size := min(uint64(chunkSize), r.capacity-uint64(len(r.chunks))*chunkSize)
		r.chunks = append(r.chunks, make([]record, size))
		r.shared = append(r.shared, false)
	}
	if r.total >= r.capacity {
		if r.shared[c] {
			r.chunks[c] = slices.Clone(r.chunks[c])
			r.shared[c] = false
		}
		if r.onEvict != nil {
			r.onEvict(r.total - r.capacity)
		}
	}
	r.tables.pack(&r.chunks[c][s&chunkMask], e)
	r.total++
}

// pushAll appends evs. When evs alone is longer than the capacity, only its
// tail is copied: the head would be evicted by the same call anyway, so it
// is never stored, and never reported to onEvict (which reads the record
// being evicted: the head has none, and its slots may not even exist yet).
func (r *ring) pushAll(evs []event.Event) {
	if uint64(len(evs)) > r.capacity {
		skip := uint64(len(evs)) - r.capacity
		if r.onEvict != nil {
			// Everything the ring holds now goes.
			for pos := r.first(); pos < r.end(); pos++ {
				r.onEvict(pos)
			}
		}
		// Renumber so that the stored tail keeps its positions and the
		// evictions above are not reported again by push.
		r.total += skip
		old := r.onEvict
		r.onEvict = nil
		for i := range evs[skip:] {
			r.push(&evs[skip+uint64(i)])
		}
		r.onEvict = old
		return
	}
	for i := range evs {
		r.push(&evs[i])
	}
}

// frozen is a read-only view of the ring's events [first, end) at the time
// it was taken, safe to read on another goroutine while the ring goes on.
type frozen struct {
	chunks     [][]record
	tables     tables
	capacity   uint64
	first, end uint64
}

// freeze returns the ring as it is now. It costs O(chunks), not O(events).
func (r *ring) freeze() frozen {
	for i := range r.shared {
		r.shared[i] = true
	}
	return frozen{chunks: slices.Clone(r.chunks), tables: r.tables.view(), capacity: r.capacity, first: r.first(), end: r.end()}
}

// rec returns the record at position pos, which must be in [first, end).
func (s *frozen) rec(pos uint64) *record {
	i := pos % s.capacity
	return &s.chunks[i>>chunkBits][i&chunkMask]
}

// load returns the event at position pos rebuilt in sc, valid until sc is
// used again. Each goroutine needs its own scratch.
func (s *frozen) load(pos uint64, sc *scratch) *event.Event {
	return s.tables.load(s.rec(pos), sc)
}
