package file

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/vigil-sec/vigil/internal/loggen"
	"github.com/vigil-sec/vigil/sources"
)

// benchFile writes the project's 1,000,000-line syslog mix (internal/loggen,
// ~122 bytes a line, the file the stream benchmarks use too) into the
// benchmark's temporary directory.
func benchFile(b *testing.B) string {
	b.Helper()
	p := filepath.Join(b.TempDir(), "auth.log")
	if err := loggen.SyslogFile(p, 1_000_000); err != nil {
		b.Fatal(err)
	}
	return p
}

// BenchmarkBacklog1M reads a 1M-line file through Open/Run with Follow=false,
// draining the channel, and reports lines/s.
func BenchmarkBacklog1M(b *testing.B) {
	p := benchFile(b)
	fi, _ := os.Stat(p)
	b.SetBytes(fi.Size())
	total := 0
	for b.Loop() {
		src, err := Open(p, Options{})
		if err != nil {
			b.Fatal(err)
		}
		out := make(chan sources.Batch, 64)
		done := make(chan int)
		go func() {
			n := 0
			for bt := range out {
				n += len(bt.Lines)
			}
			done <- n
		}()
		if err := src.Run(context.Background(), out); err != nil {
			b.Fatal(err)
		}
		close(out)
		n := <-done
		if n != 1_000_000 {
			b.Fatalf("read %d lines", n)
		}
		total += n
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "lines/s")
}
