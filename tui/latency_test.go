package tui

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/themes"
)

// latencyProbe wraps the model: it notes when a key press reaches Update,
// marks the first View after it, and the output writer records the time
// from the key to the first write of a frame built after it, which is when
// the terminal would show the result.
type latencyProbe struct {
	Model
	st *latencyState
}

type latencyState struct {
	mu      sync.Mutex
	keyAt   time.Time // when the pending key was sent
	viewed  bool      // a View after the key has run
	samples []time.Duration
	sentAt  chan time.Time
}

func (p latencyProbe) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if _, ok := msg.(tea.KeyPressMsg); ok {
		select {
		case t := <-p.st.sentAt:
			p.st.mu.Lock()
			p.st.keyAt, p.st.viewed = t, false
			p.st.mu.Unlock()
		default:
		}
	}
	nm, cmd := p.Model.Update(msg)
	p.Model = nm.(Model)
	return p, cmd
}

func (p latencyProbe) View() tea.View {
	v := p.Model.View()
	p.st.mu.Lock()
	if !p.st.keyAt.IsZero() {
		p.st.viewed = true
	}
	p.st.mu.Unlock()
	return v
}

// Write is the program's output: a write after a View that followed the
// key is the frame that shows it.
func (s *latencyState) Write(b []byte) (int, error) {
	s.mu.Lock()
	if s.viewed && !s.keyAt.IsZero() {
		s.samples = append(s.samples, time.Since(s.keyAt))
		s.keyAt, s.viewed = time.Time{}, false
	}
	s.mu.Unlock()
	return len(b), nil
}

// BenchmarkKeyLatency runs the real program at 120x40 while 50,000 events
// a second stream in (slices of 500 every 10 ms) into a buffer that fills
// to 1,000,000, and presses a key every 50 ms (scrolling, opening and
// closing panes, applying and clearing a filter). It reports the time from
// each key press to the first frame written after it: p50 and p99.
//
//	go test ./tui -run '^$' -bench KeyLatency -benchtime 1x -count 3
func BenchmarkKeyLatency(b *testing.B) {
	const rate, per = 50_000, 500
	evs := events(0, per)
	keySeq := [][]tea.Msg{
		{keyMsg("k")}, {keyMsg("k")}, {keyMsg("j")}, {keyMsg("c")}, {keyMsg("T")}, {keyMsg("d")},
		{keyMsg("c")}, {keyMsg("T")}, {keyMsg("d")}, {keyMsg("G")},
	}
	for b.Loop() {
		st := &latencyState{sentAt: make(chan time.Time, 1)}
		in := make(chan []event.Event, 64)
		m := New(Options{Theme: themes.Dark()}, in)
		// Preload most of a full buffer, as after a while of following.
		m = update(m, tea.WindowSizeMsg{Width: 120, Height: 40})
		for i := 0; i < 900_000; i += 100_000 {
			m = update(m, mkBatch(false, events(i, 100_000)))
		}
		p := tea.NewProgram(latencyProbe{m, st}, tea.WithInput(nil), tea.WithOutput(st),
			tea.WithWindowSize(120, 40), tea.WithoutSignals(), tea.WithFPS(frameRate))
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(2)
		go func() { // the stream
			defer wg.Done()
			tick := time.NewTicker(time.Second * per / rate)
			defer tick.Stop()
			for {
				select {
				case <-tick.C:
					select {
					case in <- evs:
					case <-stop:
						return
					}
				case <-stop:
					return
				}
			}
		}()
		go func() { // the person
			defer wg.Done()
			for i := 0; i < 100; i++ {
				time.Sleep(50 * time.Millisecond)
				for _, k := range keySeq[i%len(keySeq)] {
					st.sentAt <- time.Now()
					p.Send(k)
				}
			}
			time.Sleep(100 * time.Millisecond)
			close(stop)
			p.Quit()
		}()
		if _, err := p.Run(); err != nil {
			b.Fatal(err)
		}
		wg.Wait()
		m.pump.close()
		st.mu.Lock()
		s := slices.Clone(st.samples)
		st.mu.Unlock()
		if len(s) < 50 {
			b.Fatalf("only %d key presses measured", len(s))
		}
		slices.Sort(s)
		q := func(f float64) float64 { return float64(s[int(f*float64(len(s)-1))]) / 1e6 }
		b.ReportMetric(q(0.5), "p50-ms")
		b.ReportMetric(q(0.99), "p99-ms")
		b.ReportMetric(float64(len(s)), "keys")
		if testing.Verbose() {
			fmt.Println("latency samples (ms):", s)
		}
	}
}
