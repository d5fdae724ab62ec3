package tui

import (
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/vigil-sec/vigil/event"
)

// frameInterval is the shortest time between two batches handed to the
// model: about 30 frames a second, gentle on slow SSH links.
const frameInterval = 33 * time.Millisecond

// maxPending is how many events the pump holds for the model before it stops
// reading the events channel. When the model falls behind, the channel fills
// and the sources slow down: nothing is dropped.
const maxPending = 1 << 16

// batchMsg carries everything that arrived since the previous batch.
type batchMsg struct {
	// batches are the slices received from the events channel, in order.
	// The model owns them.
	batches [][]event.Event
	// n is the number of events in batches.
	n int
	// ended is set once the events channel is closed and drained: this is
	// the last batch.
	ended bool
	// full is set when the pump had stopped reading the channel because its
	// queue was full, i.e. the sources were being slowed down.
	full bool
}

// pump reads the events channel on its own goroutine and queues what arrives
// until the model takes it, at most once per frame. The queue is bounded by
// maxPending events (plus one incoming slice): when it is full the pump
// stops reading, which is backpressure on the sources, never a drop.
//
// The goroutine starts with the first call to next and is stopped and joined
// by close. All methods are safe for concurrent use.
type pump struct {
	in    <-chan []event.Event
	max   int
	frame time.Duration

	stop   chan struct{} // closed by close
	exited chan struct{} // closed when the goroutine returns
	ready  chan struct{} // 1-buffered: the queue became non-empty or ended
	room   chan struct{} // 1-buffered: take made room in the queue

	mu       sync.Mutex
	pending  [][]event.Event
	n        int
	ended    bool
	full     bool // the queue filled up since the last take
	started  bool // run was started
	stopped  bool // close was called
	lastTake time.Time
}

func newPump(in <-chan []event.Event) *pump {
	return &pump{
		in:     in,
		max:    maxPending,
		frame:  frameInterval,
		stop:   make(chan struct{}),
		exited: make(chan struct{}),
		ready:  make(chan struct{}, 1),
		room:   make(chan struct{}, 1),
	}
}

func notify(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// start starts the goroutine, once, unless the pump is already closed.
func (p *pump) start() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.started || p.stopped {
		return
	}
	p.started = true
	go p.run()
}

// close stops the goroutine, if it was started, and waits for it. After
// close the pump no longer reads the events channel. close is idempotent.
func (p *pump) close() {
	p.mu.Lock()
	started, stopped := p.started, p.stopped
	p.stopped = true
	p.mu.Unlock()
	if !stopped {
		close(p.stop)
	}
	if started {
		<-p.exited
	}
}

func (p *pump) run() {
	defer close(p.exited)
	for {
		p.mu.Lock()
		full := p.n >= p.max
		if full {
			p.full = true
		}
		p.mu.Unlock()
		if full {
			select {
			case <-p.room:
				continue
			case <-p.stop:
				return
			}
		}
		select {
		case b, ok := <-p.in:
			p.mu.Lock()
			if !ok {
				p.ended = true
			} else if len(b) > 0 {
				p.pending = append(p.pending, b)
				p.n += len(b)
			}
			p.mu.Unlock()
			if ok && len(b) == 0 {
				continue
			}
			notify(p.ready)
			if !ok {
				return
			}
		case <-p.stop:
			return
		}
	}
}

// next returns the command that delivers the next batch. It blocks until at
// least one event (or the end of the channel) is queued and a frame has
// passed since the previous batch, then takes the whole queue. It returns nil
// when the pump is closed.
func (p *pump) next() tea.Cmd {
	return func() tea.Msg {
		p.start()
		for {
			p.mu.Lock()
			has := p.n > 0 || p.ended
			last := p.lastTake
			p.mu.Unlock()
			if has {
				if wait := p.frame - time.Since(last); wait > 0 {
					t := time.NewTimer(wait)
					select {
					case <-t.C:
					case <-p.stop:
						t.Stop()
						return nil
					}
				}
				return p.take()
			}
			select {
			case <-p.ready:
			case <-p.stop:
				return nil
			}
		}
	}
}

func (p *pump) take() batchMsg {
	p.mu.Lock()
	m := batchMsg{batches: p.pending, n: p.n, ended: p.ended, full: p.full}
	p.pending = make([][]event.Event, 0, len(m.batches))
	p.n = 0
	p.full = false
	p.lastTake = time.Now()
	p.mu.Unlock()
	notify(p.room)
	return m
}
