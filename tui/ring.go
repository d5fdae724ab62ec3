package tui

import "github.com/vigil-sec/vigil/event"

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
type ring struct {
	chunks   [][]event.Event
	capacity uint64
	total    uint64 // events ever pushed; the next position
}

func newRing(capacity int) *ring {
	if capacity < 1 {
		capacity = 1
	}
	return &ring{capacity: uint64(capacity)}
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

// at returns the event at position pos, which must be in [first, end).
func (r *ring) at(pos uint64) *event.Event {
	s := pos % r.capacity
	return &r.chunks[s>>chunkBits][s&chunkMask]
}

// push appends a copy of e, evicting the oldest event when full.
func (r *ring) push(e *event.Event) {
	s := r.total % r.capacity
	c := int(s >> chunkBits)
	for c >= len(r.chunks) {
		size := min(uint64(chunkSize), r.capacity-uint64(len(r.chunks))*chunkSize)
		r.chunks = append(r.chunks, make([]event.Event, size))
	}
	r.chunks[c][s&chunkMask] = *e
	r.total++
}

// pushAll appends evs. When evs alone is longer than the capacity, only its
// tail is copied: the head would be evicted by the same call anyway.
func (r *ring) pushAll(evs []event.Event) {
	if uint64(len(evs)) > r.capacity {
		skip := uint64(len(evs)) - r.capacity
		r.total += skip
		evs = evs[skip:]
	}
	for i := range evs {
		r.push(&evs[i])
	}
}
