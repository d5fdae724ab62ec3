package tui

import (
	"fmt"
	"io"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/filters/query"
	"github.com/vigil-sec/vigil/themes"
)

// benchModel returns a 120x40 dark model holding n events, following.
func benchModel(b *testing.B, n, capacity int) Model {
	b.Helper()
	m := New(Options{Theme: themes.Dark(), BufferSize: capacity}, nil)
	m = update(m, tea.WindowSizeMsg{Width: 120, Height: 40})
	const chunk = 100_000
	for i := 0; i < n; i += chunk {
		m = update(m, mkBatch(false, events(i, min(chunk, n-i))))
	}
	return m
}

// BenchmarkView measures one frame at 120x40. "cached" is a frame whose
// rows are all in the row cache (an idle or paused screen); "uncached"
// re-renders every visible row (a full scroll, or following a fast stream).
// The cost must not depend on how many events are buffered.
func BenchmarkView(b *testing.B) {
	for _, n := range []int{100, 1_000_000} {
		m := benchModel(b, n, DefaultBufferSize)
		b.Run(fmt.Sprintf("buffered=%d/cached", n), func(b *testing.B) {
			m.View()
			b.ReportAllocs()
			for b.Loop() {
				m.View()
			}
		})
		b.Run(fmt.Sprintf("buffered=%d/uncached", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				clear(m.cache.rows)
				m.View()
			}
		})
	}
}

// BenchmarkUpdateBatch appends a 10,000-event batch to a full 1,000,000
// event ring (so every push evicts), following.
func BenchmarkUpdateBatch(b *testing.B) {
	m := benchModel(b, DefaultBufferSize, DefaultBufferSize)
	batch := mkBatch(false, events(0, 10_000))
	b.ReportAllocs()
	for b.Loop() {
		nm, _ := m.Update(batch)
		m = nm.(Model)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*10_000), "ns/event")
}

// BenchmarkThroughput runs Update then View once per frame, as the program
// does, with per-frame batches of several sizes, and reports events/s. The
// batch is the same events each frame: the cost of making events belongs to
// the sources.
func BenchmarkThroughput(b *testing.B) {
	for _, per := range []int{100, 1_000, 10_000} {
		b.Run(fmt.Sprintf("batch=%d", per), func(b *testing.B) {
			m := benchModel(b, 0, DefaultBufferSize)
			batch := mkBatch(false, events(0, per))
			b.ReportAllocs()
			for b.Loop() {
				nm, _ := m.Update(batch)
				m = nm.(Model)
				m.View()
			}
			b.ReportMetric(float64(b.N*per)/b.Elapsed().Seconds(), "events/s")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/frame")
		})
	}
}

// quitOnEnd wraps the model for BenchmarkProgram: it counts batches and
// quits once the sources have ended.
type quitOnEnd struct {
	Model
	batches *int
}

func (q quitOnEnd) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	nm, cmd := q.Model.Update(msg)
	q.Model = nm.(Model)
	if b, ok := msg.(batchMsg); ok {
		*q.batches++
		if b.ended {
			return q, tea.Quit
		}
	}
	return q, cmd
}

// BenchmarkProgram measures the whole path at 120x40: channel, pump, the
// real program loop and its renderer (writing to io.Discard), with the
// sources sending slices of 100 events. It reports events/s end to end and
// how many batches (frames of Update+View) that took.
func BenchmarkProgram(b *testing.B) {
	const total, per = 1_000_000, 100
	evs := events(0, per)
	for b.Loop() {
		in := make(chan []event.Event, 64)
		m := New(Options{Theme: themes.Dark()}, in)
		batches := 0
		p := tea.NewProgram(quitOnEnd{m, &batches}, tea.WithInput(nil), tea.WithOutput(io.Discard),
			tea.WithWindowSize(120, 40), tea.WithoutSignals())
		go func() {
			for i := 0; i < total; i += per {
				in <- evs
			}
			close(in)
		}()
		fm, err := p.Run()
		m.pump.close()
		if err != nil {
			b.Fatal(err)
		}
		if n := fm.(quitOnEnd).b.ring.end(); n != total {
			b.Fatalf("%d events arrived", n)
		}
		b.ReportMetric(float64(batches), "batches")
	}
	b.ReportMetric(float64(b.N*total)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkFilter applies a new filter to a full buffer of 1,000,000
// events: the work the filter command does off the UI goroutine (matching
// every event, building the view's histogram). The target is under 1 s.
//
//	go test ./tui -run '^$' -bench 'Filter$' -benchtime 3x -count 3
func BenchmarkFilter(b *testing.B) {
	m := benchModel(b, DefaultBufferSize, DefaultBufferSize)
	for _, q := range []string{"app:sshd", "cat:auth.* -host:bastion", "invalid user admin", `/port 4[0-9]{4}/ OR sev>=err`} {
		b.Run(q, func(b *testing.B) {
			lq, err := query.Parse(q)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				work := m.b.request(&lens{q: lq})
				if msg := work(); len(msg.idx) == 0 {
					b.Fatal("nothing matched")
				}
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/filter")
		})
	}
}
