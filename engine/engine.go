// Package engine runs the pipeline from sources to consumers: it starts
// every source, decodes each source's lines with that source's own decoder,
// applies the time window, the tagging rules and the filter, numbers the
// events and hands them on in batches. Reading and decoding run on separate
// goroutines per source, so a slow decoder never stalls the kernel-side
// read, and a source's batches are decoded and tagged by several workers at
// once and put back in read order.
package engine

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/filters"
	"github.com/vigil-sec/vigil/filters/rules"
	"github.com/vigil-sec/vigil/filters/template"
	"github.com/vigil-sec/vigil/sanitize"
	"github.com/vigil-sec/vigil/sources"
	"github.com/vigil-sec/vigil/sources/decode"
)

// Options configures a pipeline run.
type Options struct {
	// Decode is passed to every source's decoder.
	Decode decode.Options
	// Window keeps only events inside a time window; the zero value keeps all.
	Window filters.TimeWindow
	// Rules tags each kept event with categories and fields; nil tags
	// nothing. A Set is immutable and shared by every decoder goroutine.
	Rules *rules.Set
	// Filter keeps only the events it matches, tested after the time
	// window and the tagging (so it can ask for categories); nil keeps
	// all. It is called from every decoder goroutine at once. The
	// sources' own notices (a file truncated, rotated or unreadable)
	// bypass it, as they bypass the window: they say that events may be
	// missing.
	Filter Matcher
	// Now is the clock, for arrival times and live year inference; nil means
	// time.Now. Tests inject a fixed clock.
	Now func() time.Time
	// Templates gives every event a message template ID (filters/template),
	// mined after tagging so that captured users are masked.
	Templates bool
	// MergeByTime interleaves the events of several sources by time (a
	// k-way merge of their backlogs; a source that has caught up or
	// stalls holds the others back at most 100 ms) instead of in arrival
	// order. Each source's own order is kept.
	MergeByTime bool
	// Detect, when set, sees every event after everything above, on one
	// goroutine and in the order events leave (a baseline detector: it
	// mines templates itself and attaches deviations). The Filter then
	// runs after it, so a query can ask for deviations, and the worker
	// miners of Templates are not used.
	Detect Detector
	// Workers is how many goroutines decode and tag each source's batches
	// in parallel; 0 means GOMAXPROCS. Events still leave in the order the
	// source read them.
	Workers int
}

// Matcher decides whether an event is kept: a *query.Query, say. Match
// must be safe for concurrent use, must not keep e, and should not
// allocate.
type Matcher interface {
	Match(e *event.Event) bool
}

// Detector is the last stage of a pipeline, called from one goroutine.
// Process may change the batch's events in place and returns the batch to
// send on, which may be a new slice with events of its own added; Tick is
// called about once a second with the wall clock and returns events to
// send (or nil).
type Detector interface {
	Process(evs []event.Event) []event.Event
	Tick(now time.Time) []event.Event
}

// Pipeline connects sources to one output channel.
type Pipeline struct {
	opts Options
	seq  atomic.Uint64
	// free holds event slices handed back with Recycle, so a consumer that
	// is done with each batch (the stream writer) makes no garbage for
	// them: at a million lines a second that garbage is what the GC would
	// spend a core on.
	free sync.Pool
	// outside counts the events Options.Window left out.
	outside atomic.Int64
}

// Outside returns how many events so far fell outside Options.Window.
func (p *Pipeline) Outside() int64 { return p.outside.Load() }

// New returns a pipeline with the given options.
func New(opts Options) *Pipeline {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	return &Pipeline{opts: opts}
}

// Run starts srcs and sends their decoded events on out in batches, one
// batch per batch of lines read. Batches from different sources interleave
// in arrival order; within a source, order is preserved.
//
// Run blocks until every source has ended (sources that do not follow end
// at their end of input) or ctx is cancelled, and it closes out before it
// returns. A source that fails does not stop the others: its error is sent
// as a notice event and returned, joined with the other failures, at the
// end. The receiver owns each batch it gets.
func (p *Pipeline) Run(ctx context.Context, srcs []sources.Source, out chan<- []event.Event) error {
	if p.opts.Detect == nil {
		return p.run(ctx, srcs, out, true)
	}
	mid := make(chan []event.Event, 4)
	done := make(chan struct{})
	go func() {
		defer close(done)
		p.detect(ctx, mid, out)
	}()
	err := p.run(ctx, srcs, mid, false)
	<-done
	return err
}

// detect is the last stage when Options.Detect is set: the detector, then
// the filter, then the numbering. It closes out when in closes.
func (p *Pipeline) detect(ctx context.Context, in <-chan []event.Event, out chan<- []event.Event) {
	defer close(out)
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		var evs []event.Event
		select {
		case b, ok := <-in:
			if !ok {
				return
			}
			evs = p.opts.Detect.Process(b)
		case now := <-tick.C:
			evs = p.opts.Detect.Tick(now)
		}
		if f := p.opts.Filter; f != nil {
			n := 0
			for i := range evs {
				// Sources' notices bypass the filter, as they do without
				// a detector. Kept events are swapped forward, not
				// copied: a recycled batch reuses each slot's fields
				// map, so no two slots may share one.
				if evs[i].Format == "notice" || f.Match(&evs[i]) {
					evs[n], evs[i] = evs[i], evs[n]
					n++
				}
			}
			evs = evs[:n]
		}
		p.send(ctx, out, evs, true)
	}
}

// run is Run without a detector stage. It numbers the events when number
// is set and closes out.
func (p *Pipeline) run(ctx context.Context, srcs []sources.Source, out chan<- []event.Event, numbering bool) error {
	defer close(out)
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	// With several sources and MergeByTime, each source's decoded batches
	// go to a merge that interleaves them by time; else straight out.
	var merged []<-chan []event.Event
	mergeDone := make(chan struct{})
	if p.opts.MergeByTime && len(srcs) > 1 {
		merged = make([]<-chan []event.Event, len(srcs))
	}
	for i, src := range srcs {
		lines := make(chan sources.Batch, 4)
		dst, toMerge := out, false
		if merged != nil {
			c := make(chan []event.Event, 4)
			merged[i], dst, toMerge = c, c, true
		}
		wg.Add(2)
		go func() {
			defer wg.Done()
			defer close(lines)
			if err := src.Run(ctx, lines); err != nil && !errors.Is(err, context.Canceled) {
				err = fmt.Errorf("%s: %w", src.Name(), err)
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
				n := sources.WithState(sources.Notice("source:"+sanitize.String(src.Name()), event.Err, sanitize.String(err.Error())), sources.StateError)
				if numbering {
					p.number([]event.Event{n})
				}
				select {
				case out <- []event.Event{n}:
				case <-ctx.Done():
				}
			}
		}()
		go func() {
			defer wg.Done()
			if !toMerge {
				p.decodeLoop(ctx, lines, dst, numbering)
				return
			}
			defer close(dst)
			p.decodeLoop(ctx, lines, dst, false)
		}()
	}
	if merged != nil {
		go func() {
			defer close(mergeDone)
			p.merge(ctx, merged, out, numbering)
		}()
	} else {
		close(mergeDone)
	}
	wg.Wait()
	<-mergeDone
	return errors.Join(errs...)
}

// decodeLoop decodes one source's batches until its channel closes. It keeps
// draining after ctx ends so the source goroutine can never block on send.
//
// With more than one worker, batches are decoded and tagged in parallel
// (decoding and tagging a backlog costs far more than reading it) and put
// back in order before they leave: each batch gets a slot in a queue kept
// in read order, a worker fills the slot, and the sender empties the slots
// in queue order.
func (p *Pipeline) decodeLoop(ctx context.Context, in <-chan sources.Batch, out chan<- []event.Event, number bool) {
	if p.opts.Workers <= 1 {
		w := p.newWorker()
		for b := range in {
			if ctx.Err() == nil {
				p.send(ctx, out, w.decode(&b), number)
			}
		}
		return
	}
	type job struct {
		b    sources.Batch
		done chan []event.Event
	}
	jobs := make(chan job, p.opts.Workers)
	order := make(chan chan []event.Event, 2*p.opts.Workers)
	var wg sync.WaitGroup
	for range p.opts.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := p.newWorker()
			for j := range jobs {
				if ctx.Err() != nil {
					j.done <- nil
					continue
				}
				j.done <- w.decode(&j.b)
			}
		}()
	}
	sent := make(chan struct{})
	go func() {
		defer close(sent)
		for done := range order {
			p.send(ctx, out, <-done, number)
		}
	}()
	for b := range in {
		done := make(chan []event.Event, 1)
		order <- done
		jobs <- job{b: b, done: done}
	}
	close(jobs)
	close(order)
	wg.Wait()
	<-sent
}

// send numbers a decoded batch (unless the merge will) and hands it on,
// unless ctx has ended.
func (p *Pipeline) send(ctx context.Context, out chan<- []event.Event, evs []event.Event, number bool) {
	if len(evs) == 0 || ctx.Err() != nil {
		return
	}
	if number {
		p.number(evs)
	}
	select {
	case out <- evs:
	case <-ctx.Done():
	}
}

// worker decodes batches for one goroutine: one decoder per file, since a
// glob or the demo sends batches for several files through one source and
// each file has its own format.
type worker struct {
	p        *Pipeline
	decoders map[string]*decode.Decoder
	// cache remembers what the rules did to recent messages (one per
	// worker: a Cache is not shared).
	cache *rules.Cache
	// miner assigns message templates when Options.Templates is set (one
	// per worker; a template's ID is a hash of its text, so workers agree).
	miner *template.Miner
}

func (p *Pipeline) newWorker() *worker {
	w := &worker{p: p, decoders: map[string]*decode.Decoder{}}
	if p.opts.Rules != nil {
		w.cache = rules.NewCache(p.opts.Rules)
	}
	if p.opts.Templates && p.opts.Detect == nil {
		w.miner = template.New(template.Options{})
	}
	return w
}

func (w *worker) decode(b *sources.Batch) []event.Event {
	dec := w.decoders[b.Source]
	if dec == nil {
		opts := w.p.opts.Decode
		if b.Format != "" {
			opts.Format = b.Format
		}
		dec = decode.New(opts)
		w.decoders[b.Source] = dec
	}
	return w.p.decodeBatch(dec, b, w.cache, w.miner)
}

// Decode turns one batch of lines into events with dec, applying the time
// window, the rules and the filter and numbering the result. It is
// exported for benchmarks and for callers that drive a decoder themselves.
func (p *Pipeline) Decode(dec *decode.Decoder, b *sources.Batch) []event.Event {
	evs := p.decodeBatch(dec, b, nil, nil)
	p.number(evs)
	return evs
}

// decodeBatch is Decode without the numbering, which the pipeline does in
// read order after parallel workers. The rules are applied through cache
// when it is not nil.
func (p *Pipeline) decodeBatch(dec *decode.Decoder, b *sources.Batch, cache *rules.Cache, miner *template.Miner) []event.Event {
	n := len(b.Notices) + len(b.Lines)
	var evs []event.Event
	if v, ok := p.free.Get().(*[]event.Event); ok && cap(*v) >= n {
		evs = (*v)[:0]
	} else {
		evs = make([]event.Event, 0, max(n, 512))
	}
	evs = append(evs, b.Notices...)
	now := p.opts.Now()
	ref := b.ModTime
	if b.Live || ref.IsZero() {
		ref = now
	}
	window := !p.opts.Window.IsZero()
	// Counted here and added once: every worker adding to one counter per
	// event would fight over it when a window leaves out a whole backlog.
	var outside int64
	defer func() {
		if outside > 0 {
			p.outside.Add(outside)
		}
	}()
	for i := range b.Lines {
		// The decoder overwrites the whole event, so a recycled slot needs
		// no clearing first (but see spare below).
		if len(evs) < cap(evs) {
			evs = evs[:len(evs)+1]
		} else {
			evs = append(evs, event.Event{})
		}
		e := &evs[len(evs)-1]
		// A recycled slot's fields map is emptied and kept for the
		// new event: a tagged event then fills it without allocating.
		spare := e.Fields
		if len(spare) > 16 {
			spare = nil // an unusually wide event: do not keep its big map
		} else if len(spare) > 0 {
			clear(spare)
		}
		dec.Decode(e, b.Lines[i], ref, now)
		if e.Fields == nil {
			e.Fields = spare
		}
		e.Source = b.Source
		if b.Live {
			e.Arrival = now
		} else {
			e.Arrival = time.Time{}
		}
		if window && !p.opts.Window.Match(e) {
			evs = evs[:len(evs)-1]
			outside++
			continue
		}
		switch {
		case cache != nil:
			cache.Apply(e)
		case p.opts.Rules != nil:
			p.opts.Rules.Apply(e)
		}
		defaultUnit(e)
		if miner != nil && e.Format != "notice" {
			// Users the decoder or the rules found are variables, not words
			// of the template.
			e.Template = miner.MineEvent(e.App, e.Message, e.Fields["command"], e.Fields["user"], e.Fields["target_user"]).ID
		}
		if p.opts.Filter != nil && p.opts.Detect == nil && !p.opts.Filter.Match(e) {
			evs = evs[:len(evs)-1]
		}
	}
	return evs
}

// Recycle hands a batch back to the pipeline once the consumer is done with
// it and with every string and slice it holds. Calling it is optional (the
// TUI keeps its events); a recycled batch must not be used again.
func (p *Pipeline) Recycle(evs []event.Event) {
	if cap(evs) == 0 {
		return
	}
	evs = evs[:0]
	p.free.Put(&evs)
}

func (p *Pipeline) number(evs []event.Event) {
	if len(evs) == 0 {
		return
	}
	end := p.seq.Add(uint64(len(evs)))
	first := end - uint64(len(evs)) + 1
	for i := range evs {
		evs[i].Seq = first + uint64(i)
	}
}

// defaultUnit gives a journald entry that is about no unit in particular
// (no UNIT=, and no unit named in its message by a rule) the unit that
// wrote it as its unit, so `unit:ssh.service` finds sshd's own lines. It
// runs after the rules, whose captures from the message are more specific.
func defaultUnit(e *event.Event) {
	if e.Fields == nil || (e.Format != decode.FormatJournalExport && e.Format != decode.FormatJournalJSON) {
		return
	}
	if _, ok := e.Fields["unit"]; ok {
		return
	}
	if u := e.Fields["systemd_unit"]; u != "" {
		e.Fields["unit"] = u
	}
}
