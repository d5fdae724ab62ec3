package tui

import (
	"testing"
	"time"

	"github.com/vigil-sec/vigil/event"
)

func TestPumpCoalescesOneBatchPerFrame(t *testing.T) {
	in := make(chan []event.Event, 16)
	p := newPump(in)
	defer p.close()
	for i := range 10 {
		in <- events(i*3, 3)
	}
	p.start()
	deadline := time.Now().Add(2 * time.Second)
	for {
		p.mu.Lock()
		n := p.n
		p.mu.Unlock()
		if n == 30 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("pump read %d of 30 events", n)
		}
		time.Sleep(time.Millisecond)
	}
	msg := p.next()().(batchMsg)
	if msg.n != 30 || len(msg.batches) != 10 || msg.ended {
		t.Fatalf("batch: n=%d slices=%d ended=%v, want everything queued in one", msg.n, len(msg.batches), msg.ended)
	}
}

func TestPumpPacesBatches(t *testing.T) {
	in := make(chan []event.Event, 1)
	p := newPump(in)
	p.frame = 50 * time.Millisecond
	defer p.close()
	in <- events(0, 1)
	p.next()()
	start := time.Now()
	in <- events(1, 1)
	p.next()()
	if d := time.Since(start); d < 40*time.Millisecond {
		t.Fatalf("second batch after %v, want about one frame", d)
	}
}

func TestPumpBackpressureDropsNothing(t *testing.T) {
	in := make(chan []event.Event) // unbuffered: a send waits for the pump
	p := newPump(in)
	p.max = 20
	p.frame = time.Millisecond
	defer p.close()

	const total = 500
	sent := make(chan int, 1)
	go func() {
		n := 0
		for n < total {
			in <- events(n, 5)
			n += 5
		}
		close(in)
		sent <- n
	}()
	// Start the pump with a first take, then stop taking: the producer must
	// block once the queue holds max events.
	first := p.next()().(batchMsg)
	time.Sleep(50 * time.Millisecond)
	p.mu.Lock()
	queued := p.n
	p.mu.Unlock()
	if queued > p.max+5 {
		t.Fatalf("queue grew to %d past its bound %d", queued, p.max)
	}
	select {
	case <-sent:
		t.Fatal("producer finished although nobody took batches: no backpressure")
	default:
	}

	var seqs []uint64
	full := false
	collect := func(m batchMsg) {
		full = full || m.full
		for _, b := range m.batches {
			for _, e := range b {
				seqs = append(seqs, e.Seq)
			}
		}
	}
	collect(first)
	for {
		m := p.next()().(batchMsg)
		collect(m)
		if m.ended {
			break
		}
	}
	if len(seqs) != total {
		t.Fatalf("received %d events, want %d", len(seqs), total)
	}
	for i, s := range seqs {
		if s != uint64(i) {
			t.Fatalf("event %d has seq %d: order lost", i, s)
		}
	}
	if !full {
		t.Fatal("a full queue must be reported (the header says sources are slowed)")
	}
}

func TestPumpCloseStopsAndJoins(t *testing.T) {
	in := make(chan []event.Event)
	p := newPump(in)
	res := make(chan any, 1)
	go func() { res <- p.next()() }()
	time.Sleep(10 * time.Millisecond)
	p.close()
	select {
	case r := <-res:
		if r != nil {
			t.Fatalf("next after close returned %T, want nil", r)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("next did not return after close")
	}
	p.close() // idempotent
}

func TestPumpCloseBeforeStart(t *testing.T) {
	p := newPump(make(chan []event.Event))
	done := make(chan struct{})
	go func() { p.close(); close(done) }()
	select {
	case <-done:
	case <-time.After(time.Second):
		t.Fatal("close of a pump that never started blocks")
	}
	if msg := p.next()(); msg != nil {
		t.Fatalf("next after close returned %T", msg)
	}
	if p.started {
		t.Fatal("a closed pump must not start its goroutine")
	}
}
