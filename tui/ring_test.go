package tui

import (
	"fmt"
	"testing"

	"github.com/vigil-sec/vigil/event"
)

func TestRingAcrossChunks(t *testing.T) {
	const capacity = 2*chunkSize + 100 // a partial last chunk
	r := newRing(capacity)
	evs := events(0, 3*chunkSize)
	for i := range evs {
		r.push(&evs[i])
	}
	if r.len() != capacity || r.evicted() != uint64(3*chunkSize-capacity) {
		t.Fatalf("len=%d evicted=%d", r.len(), r.evicted())
	}
	if len(r.chunks) != 3 || len(r.chunks[2]) != 100 {
		t.Fatalf("chunks: %d, last %d", len(r.chunks), len(r.chunks[len(r.chunks)-1]))
	}
	for pos := r.first(); pos < r.end(); pos++ {
		if r.at(pos).Seq != pos {
			t.Fatalf("at(%d).Seq = %d", pos, r.at(pos).Seq)
		}
	}
}

func TestRingAllocatesLazily(t *testing.T) {
	r := newRing(DefaultBufferSize)
	r.pushAll(events(0, 10))
	if len(r.chunks) != 1 {
		t.Fatalf("%d chunks for 10 events", len(r.chunks))
	}
}

func TestRingPushAllLongerThanCapacity(t *testing.T) {
	r := newRing(7)
	r.pushAll(events(0, 3))
	r.pushAll(events(3, 20))
	if r.first() != 16 || r.end() != 23 {
		t.Fatalf("first=%d end=%d", r.first(), r.end())
	}
	for pos := r.first(); pos < r.end(); pos++ {
		if r.at(pos).Seq != pos {
			t.Fatalf("at(%d).Seq = %d", pos, r.at(pos).Seq)
		}
	}
	var one event.Event
	r2 := newRing(0) // clamped to 1
	r2.push(&one)
	r2.push(&one)
	if r2.len() != 1 || r2.evicted() != 1 {
		t.Fatalf("capacity 0: len=%d evicted=%d", r2.len(), r2.evicted())
	}
}

// TestBookBatchLongerThanCapacity hands the book batches longer than the
// whole ring, first to an empty one: only what the ring held is reported
// evicted, and the counts match what it holds.
func TestBookBatchLongerThanCapacity(t *testing.T) {
	for _, held := range []int{0, 4, 10} {
		b := newBook(10)
		var evicted []uint64
		b.ring.onEvict = func(pos uint64) { evicted = append(evicted, pos); b.evict(pos) }
		b.ingest(events(0, held))
		b.ingest(events(held, 25))
		if b.ring.len() != 10 || b.ring.first() != uint64(held+15) {
			t.Fatalf("held %d: len %d first %d", held, b.ring.len(), b.ring.first())
		}
		if len(evicted) != held {
			t.Errorf("held %d: %d evictions reported (%v), want one per event held", held, len(evicted), evicted)
		}
		if n := b.all.Total(); n != 10 {
			t.Errorf("held %d: histogram counts %d events, the ring holds 10", held, n)
		}
	}
}

// TestSnapshotWhileIngesting reads snapshots on other goroutines (filter,
// search, export do) while the UI goroutine keeps pushing into a full ring,
// so chunks are overwritten and intern tables grow. Run with -race.
func TestSnapshotWhileIngesting(t *testing.T) {
	b := newBook(3 * chunkSize)
	push := func(from, n int) {
		evs := events(from, n)
		for i := range evs {
			evs[i].Host = fmt.Sprintf("host-%d", (from+i)%5000) // grows the tables
			evs[i].Fields = map[string]string{"user": "u" + fmt.Sprint(i%7)}
		}
		b.ingest(evs)
	}
	push(0, 3*chunkSize)
	done := make(chan error, 4)
	for w := 0; w < 4; w++ {
		snap := b.ring.freeze()
		go func() {
			var sc scratch
			for pos := snap.first; pos < snap.end; pos++ {
				e := snap.load(pos, &sc)
				if e.Seq != pos || e.Fields["user"] == "" || e.Host == "" {
					done <- fmt.Errorf("pos %d: seq %d user %q host %q", pos, e.Seq, e.Fields["user"], e.Host)
					return
				}
			}
			done <- nil
		}()
		push(3*chunkSize+w*chunkSize, chunkSize) // overwrites a chunk the snapshot holds
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}
