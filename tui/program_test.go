package tui

import (
	"bytes"
	"io"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/themes"
)

// probeMsg makes the program run its filter, which records the model's state.
type probeMsg struct{}

// snapshot is the model state a probe saw.
type snapshot struct {
	total, fresh, cursor uint64
	following, ended     bool
}

// probe records the state of the model as the program's filter sees it.
type probe struct {
	mu   sync.Mutex
	last snapshot
}

func (p *probe) filter(m tea.Model, msg tea.Msg) tea.Msg {
	if mm, ok := m.(Model); ok {
		p.mu.Lock()
		p.last = snapshot{
			total: mm.b.ring.end(), fresh: mm.list.fresh, cursor: mm.list.cursor,
			following: mm.list.following, ended: mm.ended,
		}
		p.mu.Unlock()
	}
	return msg
}

// waitFor probes the program until cond holds on its state.
func (p *probe) waitFor(t *testing.T, tm *teatest.TestModel, what string, cond func(snapshot) bool) snapshot {
	t.Helper()
	// Generous: under the race detector, on a loaded machine, 200,000
	// events take seconds; this checks what arrives, not how fast.
	deadline := time.Now().Add(60 * time.Second)
	for {
		tm.Send(probeMsg{})
		time.Sleep(5 * time.Millisecond)
		p.mu.Lock()
		s := p.last
		p.mu.Unlock()
		if cond(s) {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: never happened; last state %+v", what, s)
		}
	}
}

// TestProgramFlow runs the real program loop, pump included: batches
// arrive, scrolling up pauses and counts new events, G resumes following,
// the end of the sources is shown, q quits.
func TestProgramFlow(t *testing.T) {
	in := make(chan []event.Event, 4)
	m := New(Options{Sources: []string{"demo"}, Theme: themes.Mono(), Location: time.UTC}, in)
	t.Cleanup(m.pump.close)
	var p probe
	tm := teatest.NewTestModel(t, m,
		teatest.WithInitialTermSize(80, 24),
		teatest.WithProgramOptions(tea.WithFilter(p.filter)))

	for i := range 3 {
		b := events(i*50, 50)
		if i == 2 {
			b[45] = evilEvent(145)
		}
		in <- b
	}
	p.waitFor(t, tm, "150 events, following", func(s snapshot) bool { return s.total == 150 && s.following && s.cursor == 149 })

	tm.Type("kkk")
	p.waitFor(t, tm, "paused", func(s snapshot) bool { return !s.following && s.cursor == 146 })

	in <- events(150, 20)
	p.waitFor(t, tm, "paused, 20 new", func(s snapshot) bool { return s.fresh == 20 && s.cursor == 146 })
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("PAUSED")) },
		teatest.WithDuration(3*time.Second))

	tm.Type("G")
	p.waitFor(t, tm, "following again", func(s snapshot) bool { return s.following && s.cursor == 169 && s.fresh == 0 })

	close(in)
	p.waitFor(t, tm, "sources ended", func(s snapshot) bool { return s.ended })

	tm.Type("q")
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Model)
	if fm.b.ring.end() != 170 || !fm.ended || !fm.list.following {
		t.Fatalf("final: %d events, ended=%v following=%v", fm.b.ring.end(), fm.ended, fm.list.following)
	}
	out, err := io.ReadAll(tm.FinalOutput(t))
	if err != nil {
		t.Fatal(err)
	}
	// The renderer's own output: no BEL, no C1, nothing that sets a title
	// other than ours.
	for _, bad := range []string{"\x1b]0;PWNED", "\u009b", "\x1b]52", "\x1b[2J\x1b[5A", "\x1b]8;;http"} {
		if bytes.Contains(out, []byte(bad)) {
			t.Fatalf("terminal output contains %q", bad)
		}
	}
}

// TestProgramHighRate pushes many small batches through the real loop and
// checks that every event arrives, in order, in far fewer model updates.
func TestProgramHighRate(t *testing.T) {
	in := make(chan []event.Event, 8)
	m := New(Options{Theme: themes.Dark(), BufferSize: 1 << 20}, in)
	t.Cleanup(m.pump.close)
	var batches int
	var mu sync.Mutex
	var p probe
	filter := func(mm tea.Model, msg tea.Msg) tea.Msg {
		if _, ok := msg.(batchMsg); ok {
			mu.Lock()
			batches++
			mu.Unlock()
		}
		return p.filter(mm, msg)
	}
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40),
		teatest.WithProgramOptions(tea.WithFilter(filter)))

	const total, per = 200_000, 10
	go func() {
		for i := 0; i < total; i += per {
			in <- events(i, per)
		}
		close(in)
	}()
	p.waitFor(t, tm, "all events", func(s snapshot) bool { return s.ended })
	tm.Type("q")
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(30*time.Second)).(Model)
	if fm.b.ring.len() != total {
		t.Fatalf("%d events arrived, want %d", fm.b.ring.len(), total)
	}
	for _, pos := range []uint64{0, 1, total / 2, total - 1} {
		if fm.b.ring.at(pos).Seq != pos {
			t.Fatalf("event %d has seq %d", pos, fm.b.ring.at(pos).Seq)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if batches >= total/per {
		t.Fatalf("%d batch messages for %d channel sends: no coalescing", batches, total/per)
	}
	t.Logf("%d sends of %d events reached the model in %d batches", total/per, per, batches)
}
