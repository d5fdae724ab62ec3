// Package tui is vigil's live terminal UI: a header, a scrollable event list
// that follows new events, and a help line.
//
// Events reach the model one batch per frame, taken by a re-issued command
// from a pump goroutine that reads the pipeline's channel (see pump.go); the
// model keeps them in a bounded ring and renders only the visible rows, each
// cached once rendered. Update costs O(batch) and View O(screen), whatever
// the size of the buffer.
package tui

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/filters/query"
	"github.com/vigil-sec/vigil/filters/rules"
	"github.com/vigil-sec/vigil/sanitize"
	"github.com/vigil-sec/vigil/themes"
	"github.com/vigil-sec/vigil/tui/panes"
)

// frameRate caps redraws per second. Bubble Tea v2 wakes at this rate even
// when nothing changes, so it sets the idle cost; 30 keeps that under 1 %
// of a core while a key's frame still comes within 50 ms at the 99th
// percentile (see BenchmarkKeyLatency; 60 halves the wait and costs 1.5 %
// idle), and it is gentle on slow SSH links.
const frameRate = 30

// DefaultBufferSize is the ring capacity used when Options.BufferSize is 0.
const DefaultBufferSize = 1_000_000

// Options configure the UI.
type Options struct {
	// Sources are what the header shows, e.g. "file:/var/log/auth.log".
	Sources []string
	// BufferSize is the ring capacity in events; 0 means DefaultBufferSize.
	// Memory is allocated as the buffer fills, not up front.
	BufferSize int
	// UTC shows times in UTC instead of local time.
	UTC bool
	// Theme is the palette; the zero Theme renders without any style.
	// themes.Default() may be swapped for Light once the terminal reports a
	// light background.
	Theme themes.Theme
	// Location is the zone for local times; nil means time.Local.
	Location *time.Location
	// Filter is the query in force at start ("" shows everything). It must
	// parse: the caller reports a bad one before the UI starts.
	Filter string
	// Keys are the bindings; the zero KeyMap means DefaultKeyMap().
	Keys *KeyMap
	// Rules are the tagging rules, which the detail pane explains; may be
	// nil.
	Rules *rules.Set
	// Version is recorded in exported files.
	Version string
	// ExportDir is where exports are offered by default; "" is the
	// working directory.
	ExportDir string
	// Baseline, when set, says how the baseline stands ("baseline:
	// warming up, 22h left"); the header shows it, shortened when space
	// is short (a leading "baseline: " goes first). It is called once per
	// frame on the UI goroutine, so it must be cheap; the text is escaped
	// before it is shown. With it set, the header also counts the events
	// with deviations seen (it does once one has arrived in any case).
	Baseline func() string
}

// Run runs the UI on the terminal until the user quits or ctx is cancelled.
//
// events delivers batches from the pipeline; Run owns each batch once it is
// received. It is closed when every source has ended: the UI then stays open
// and says so. While the UI is behind, Run stops reading events (the
// channel fills and the sources slow down) rather than drop any. Once Run
// returns it reads no more: the caller should cancel the sources.
//
// Run returns nil when the user quits, ctx.Err() when ctx was cancelled, and
// otherwise the terminal error. The terminal is restored in every case.
func Run(ctx context.Context, opts Options, events <-chan []event.Event) error {
	m := New(opts, events)
	defer m.pump.close()

	p := tea.NewProgram(m, tea.WithFPS(frameRate))
	var wg sync.WaitGroup
	done := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		select {
		case <-ctx.Done():
			p.Quit()
		case <-done:
		}
	}()
	_, err := p.Run()
	close(done)
	wg.Wait()

	switch {
	case errors.Is(err, tea.ErrInterrupted):
		return nil // SIGINT when input is not a terminal: ctrl+c by other means
	case err != nil:
		return err
	}
	return ctx.Err()
}

// New returns the root model, for tests and for Run. The pump goroutine
// that reads events starts with the model's first batch command; Run stops
// it. A nil events channel means nothing will arrive.
func New(opts Options, events <-chan []event.Event) Model {
	size := opts.BufferSize
	if size <= 0 {
		size = DefaultBufferSize
	}
	loc := opts.Location
	if loc == nil {
		loc = time.Local
	}
	srcs := make([]string, len(opts.Sources))
	for i, s := range opts.Sources {
		srcs[i] = flatten(sanitize.String(s))
	}
	keys := DefaultKeyMap()
	if opts.Keys != nil {
		keys = *opts.Keys
	}
	m := Model{
		keys:    keys,
		utc:     opts.UTC,
		local:   loc,
		sources: srcs,
		rules:   opts.Rules,
		b:       newBook(size),
		cache:   newRowCache(),
		list:    newList(),
		stats:   newStats(),
		now:     time.Now,
		input:   newInput(),
		tlSel:   -1,
		opts:    opts,
	}
	if events != nil {
		m.pump = newPump(events)
	}
	m.setTheme(opts.Theme)
	if f := strings.TrimSpace(opts.Filter); f != "" {
		if q, err := query.Parse(f); err == nil {
			m.filter = f
			m.history = append(m.history, f)
			m.b.cur = &lens{v: indexView(nil), q: q, hist: panes.NewHistogram()}
		}
	}
	m.settle()
	return m
}
