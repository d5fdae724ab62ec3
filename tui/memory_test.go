package tui

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/vigil-sec/vigil/engine"
	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/filters/rules"
	"github.com/vigil-sec/vigil/internal/loggen"
	"github.com/vigil-sec/vigil/sources"
	"github.com/vigil-sec/vigil/sources/file"
	"github.com/vigil-sec/vigil/themes"
)

// BenchmarkBufferMemory loads a 1,000,000-line syslog file of an ordinary
// busy server through the real pipeline (decoded and tagged) into the UI's
// buffer, as the program does batch by batch, and reports the heap the
// buffered events hold against the file's size. The target is at most 2.5x
// the raw size plus 100 MB.
//
//	go test ./tui -run '^$' -bench BufferMemory -benchtime 1x -count 3
func BenchmarkBufferMemory(b *testing.B) {
	const n = 1_000_000
	path := filepath.Join(b.TempDir(), "syslog")
	if err := loggen.ServerFile(path, n); err != nil {
		b.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	set, err := rules.LoadBuiltin()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		before := heapInUse()
		m := New(Options{Theme: themes.Dark()}, nil)
		m = update(m, tea.WindowSizeMsg{Width: 120, Height: 40})
		src, err := file.Open(path, file.Options{})
		if err != nil {
			b.Fatal(err)
		}
		out := make(chan []event.Event, 16)
		p := engine.New(engine.Options{Rules: set})
		go func() { _ = p.Run(context.Background(), []sources.Source{src}, out) }()
		for evs := range out {
			m = update(m, mkBatch(false, evs))
		}
		if got := m.b.ring.len(); got != n {
			b.Fatalf("%d events buffered", got)
		}
		held := heapInUse() - before
		if f := os.Getenv("VIGIL_HEAP_PROFILE"); f != "" {
			if w, err := os.Create(f); err == nil {
				_ = pprof.WriteHeapProfile(w)
				w.Close()
			}
		}
		runtime.KeepAlive(m)
		raw := float64(st.Size())
		b.ReportMetric(float64(held)/1e6, "MB-heap")
		b.ReportMetric(raw/1e6, "MB-raw")
		b.ReportMetric(float64(held)/raw, "x-raw")
		b.ReportMetric((2.5*raw+100e6)/1e6, "MB-limit")
	}
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}
