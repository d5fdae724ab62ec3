package file

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/vigil-sec/vigil/sources"
)

var (
	benchOnce sync.Once
	benchPath string
	benchDir  string
)

// benchFile writes a 1,000,000-line syslog-like file (~120 bytes a line)
// once per test binary run.
func benchFile(b *testing.B) string {
	benchOnce.Do(func() {
		dir, err := os.MkdirTemp("", "vigil-bench-")
		if err != nil {
			b.Fatal(err)
		}
		benchDir = dir
		benchPath = filepath.Join(dir, "auth.log")
		f, err := os.Create(benchPath)
		if err != nil {
			b.Fatal(err)
		}
		w := bufio.NewWriterSize(f, 1<<20)
		for i := 0; i < 1_000_000; i++ {
			fmt.Fprintf(w, "Jan 12 06:%02d:%02d host sshd[%d]: Failed password for invalid user admin from 203.0.113.%d port %d ssh2\n",
				i/60%60, i%60, 1000+i%30000, i%250, 1024+i%60000)
		}
		if err := w.Flush(); err != nil {
			b.Fatal(err)
		}
		f.Close()
	})
	return benchPath
}

// BenchmarkBacklog1M reads a 1M-line file through Open/Run with Follow=false,
// draining the channel, and reports lines/s.
func BenchmarkBacklog1M(b *testing.B) {
	p := benchFile(b)
	b.Cleanup(func() {
		// Each -count round calls the benchmark again: write the file again then.
		os.RemoveAll(benchDir)
		benchOnce = sync.Once{}
	})
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
