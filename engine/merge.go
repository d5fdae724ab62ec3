package engine

import (
	"context"
	"reflect"
	"time"

	"github.com/vigil-sec/vigil/event"
)

// mergeWait is how long the merge waits for a source that has nothing
// queued before it lets the others go ahead: a source reading a backlog
// sends far more often than that, so only a source that has caught up (or
// is stalled) stops holding the others back.
const mergeWait = 100 * time.Millisecond

// mergeBatch is the most events the merge puts in one output batch.
const mergeBatch = 1024

// mergeInput is one source's decoded batches, in the source's order.
type mergeInput struct {
	ch    <-chan []event.Event
	q     []event.Event
	i     int
	done  bool // the channel is closed
	quiet bool // nothing came within mergeWait when it was last waited for
}

// merge interleaves the sources' events by time, as a k-way merge: it
// emits the earliest head among the sources that have events queued, once
// every source still reading has one queued or has been quiet for
// mergeWait. Each source's own order is kept (a source whose times go
// backwards stays as it is). Backlogs read together therefore come out in
// time order; live sources, which are quiet between lines, never hold the
// others back for more than mergeWait.
//
// Output batches are new slices: the input batches are left to the
// garbage collector, not recycled, because recycling reuses their fields
// maps, which the copied events still hold.
func (p *Pipeline) merge(ctx context.Context, chans []<-chan []event.Event, out chan<- []event.Event, number bool) {
	in := make([]*mergeInput, len(chans))
	for i, c := range chans {
		in[i] = &mergeInput{ch: c}
	}
	var batch []event.Event
	flush := func() {
		if len(batch) == 0 {
			return
		}
		if number {
			p.number(batch)
		}
		select {
		case out <- batch:
		case <-ctx.Done():
		}
		batch = nil
	}
	timer := time.NewTimer(mergeWait)
	defer timer.Stop()
	for {
		// Every source still reading needs an event queued, unless it is
		// quiet.
		for _, s := range in {
			if s.done || s.i < len(s.q) || s.quiet {
				continue
			}
			flush() // never hold output while waiting
			timer.Reset(mergeWait)
			select {
			case evs, ok := <-s.ch:
				if !ok {
					s.done = true
				} else {
					s.q, s.i = evs, 0
				}
			case <-timer.C:
				s.quiet = true
			case <-ctx.Done():
				drain(in)
				return
			}
		}
		// Take what quiet sources sent meanwhile, without waiting.
		for _, s := range in {
			if !s.done && s.quiet && s.i >= len(s.q) {
				select {
				case evs, ok := <-s.ch:
					if !ok {
						s.done = true
					} else {
						s.q, s.i, s.quiet = evs, 0, false
					}
				default:
				}
			}
		}
		best := -1
		for k, s := range in {
			if s.i < len(s.q) && (best < 0 || s.q[s.i].Time.Before(in[best].q[in[best].i].Time)) {
				best = k
			}
		}
		if best < 0 {
			flush()
			if !waitAny(ctx, in) {
				drain(in)
				return
			}
			continue
		}
		// Emit from the best source while it stays the earliest.
		s := in[best]
		limit, has := time.Time{}, false
		for k, o := range in {
			if k != best && o.i < len(o.q) && (!has || o.q[o.i].Time.Before(limit)) {
				limit, has = o.q[o.i].Time, true
			}
		}
		for s.i < len(s.q) && (!has || !s.q[s.i].Time.After(limit)) {
			if batch == nil {
				batch = make([]event.Event, 0, mergeBatch)
			}
			batch = append(batch, s.q[s.i])
			s.q[s.i] = event.Event{}
			s.i++
			if len(batch) == mergeBatch {
				flush()
			}
		}
		if s.i >= len(s.q) {
			s.q, s.i = nil, 0
		}
		if ctx.Err() != nil {
			drain(in)
			return
		}
	}
}

// waitAny blocks until one of the sources still reading sends or closes,
// queuing what it sent, and reports false when ctx ended or every source
// is done.
func waitAny(ctx context.Context, in []*mergeInput) bool {
	cases := []reflect.SelectCase{{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(ctx.Done())}}
	idx := []*mergeInput{nil}
	for _, s := range in {
		if !s.done {
			cases = append(cases, reflect.SelectCase{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(s.ch)})
			idx = append(idx, s)
		}
	}
	if len(cases) == 1 {
		return false
	}
	chosen, v, ok := reflect.Select(cases)
	if chosen == 0 {
		return false
	}
	s := idx[chosen]
	if !ok {
		s.done = true
	} else {
		s.q, s.i, s.quiet = v.Interface().([]event.Event), 0, false
	}
	return true
}

// drain empties the inputs so the decoders never block on a send.
func drain(in []*mergeInput) {
	for _, s := range in {
		if !s.done {
			go func() {
				for range s.ch {
				}
			}()
		}
	}
}
