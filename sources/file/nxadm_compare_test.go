package file

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nxadm/tail"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/sources"
)

// This file measures github.com/nxadm/tail, the follower the design named,
// in the same harness as our own follower (runTorture, the 1M-line backlog),
// so that the package comment's reasons for replacing it rest on numbers
// taken here and not only on notes.

// nxadmSource follows one path with nxadm/tail configured as safely as the
// library allows: inotify, ReOpen, CompleteLines (a fragment is held until
// its newline instead of being sent and skipped past), no RateLimiter (its
// cool-down seeks to the end), no StopAtEOF, its logger discarded, reading
// from offset 0.
//
// Lines that are ready are coalesced into one batch (up to
// nxadmBatchMax) so that the comparison measures the library and not a
// channel send per line on our side. Offsets are -1: Line.SeekInfo is the
// position after the line and the library documents it as approximate.
type nxadmSource struct{ path string }

const nxadmBatchMax = 4096

func (s *nxadmSource) Name() string { return s.path }

// Run follows the path until ctx ends. The path is validated first: the
// library calls os.Exit when a stat fails with anything but ENOENT, and
// with MustExist a missing path is a plain error. No check can rule out a
// stat error that arises later; the test directories never cause one.
func (s *nxadmSource) Run(ctx context.Context, out chan<- sources.Batch) error {
	// The harness may start it between a rotation's rename and the new
	// file's creation: give the path a moment to reappear.
	err := Check(s.path)
	for wait := 0; errors.Is(err, fs.ErrNotExist) && wait < 200; wait++ {
		time.Sleep(10 * time.Millisecond)
		err = Check(s.path)
	}
	if err != nil {
		return err
	}
	tl, err := tail.TailFile(s.path, tail.Config{
		Location:      &tail.SeekInfo{Offset: 0, Whence: io.SeekStart},
		ReOpen:        true,
		MustExist:     true,
		Poll:          false,
		Follow:        true,
		CompleteLines: true,
		Logger:        tail.DiscardingLogger,
	})
	if err != nil {
		return err
	}
	defer func() {
		// Stop kills the tail's tomb and waits for its reading goroutine,
		// which selects on Dying when it sends, so it cannot hang here; that
		// goroutine closes Lines on its way out. Cleanup removes the inotify
		// watch from the library's process-wide tracker.
		_ = tl.Stop()
		for range tl.Lines {
		}
		tl.Cleanup()
	}()
	name := sourceName(s.path)
	for {
		var l *tail.Line
		var ok bool
		select {
		case <-ctx.Done():
			return nil
		case l, ok = <-tl.Lines:
		}
		if !ok {
			return tl.Wait()
		}
		b := sources.Batch{Source: name, Live: true}
		add := func(l *tail.Line) {
			if l.Err != nil {
				b.Notices = append(b.Notices, sources.Notice(name, event.Warning, l.Err.Error(), event.CategoryLogIntegrity))
				return
			}
			b.Lines = append(b.Lines, sources.Line{Data: []byte(l.Text), Offset: -1})
		}
		add(l)
	more:
		for len(b.Lines) < nxadmBatchMax {
			select {
			case l, ok = <-tl.Lines:
				if !ok {
					break more
				}
				add(l)
			default:
				break more
			}
		}
		if !send(ctx, out, b) {
			return nil
		}
	}
}

// compareRotations is the number of logrotate runs per mode and per
// follower in TestNxadmTailComparison: 30 (about 3 s per run, ~25 s in
// all), 10 with -short; VIGIL_COMPARE_ROTATIONS=N overrides both.
func compareRotations() int {
	if s := os.Getenv("VIGIL_COMPARE_ROTATIONS"); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n > 0 {
			return n
		}
	}
	if testing.Short() {
		return 10
	}
	return 30
}

// nxadmTailGoroutines counts goroutines running nxadm/tail code for one
// tail: its reader and its change watcher. The library's process-wide
// inotify tracker (one goroutine plus fsnotify's reader, started once and
// never stopped by design) is not counted.
func nxadmTailGoroutines() int {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	n := 0
	for g := range strings.SplitSeq(string(buf), "\n\n") {
		if strings.Contains(g, "github.com/nxadm/tail") && !strings.Contains(g, "InotifyTracker).run") {
			n++
		}
	}
	return n
}

// TestNxadmTailComparison runs the logrotate torture harness with our
// follower and with nxadm/tail, mode by mode in the same run, and logs lost,
// duplicated, torn and reordered lines for both. It asserts only the
// structural differences that document the replacement: nxadm/tail loses
// more lines than ours on rename rotation and whenever the consumer lags
// three rotation periods, and tears a line at most copytruncate rotations,
// all without a notice (it has no way to send one). Without lag, copytruncate
// loses the copy-to-truncate window in both, so their loss counts are only
// logged. Exact counts vary from run to run and are not asserted.
func TestNxadmTailComparison(t *testing.T) {
	rotations := compareRotations()
	ours := func(path string) sources.Source { return oursTorture(t, path) }
	theirs := func(path string) sources.Source { return &nxadmSource{path: path} }
	type row struct {
		name         string
		copytruncate bool
		lag          bool
	}
	for _, tc := range []row{
		{"create", false, false},
		{"copytruncate", true, false},
		{"create_lagging", false, true},
		{"copytruncate_lagging", true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tortureConfig{copytruncate: tc.copytruncate, lag: tc.lag, rotations: rotations, interval: 40 * time.Millisecond}
			cfg.newSource = ours
			o := runTorture(t, cfg)
			cfg.newSource = theirs
			n := runTorture(t, cfg)
			for _, r := range []struct {
				who string
				r   tortureResult
			}{{"vigil", o}, {"nxadm/tail", n}} {
				t.Logf("%-10s %-20s rotations %d in %v, written %d received %d lost %d dup %d torn %d reordered %d notices %d; caught up in %v, stopped in %v",
					r.who, tc.name, r.r.rotations, r.r.elapsed.Round(time.Millisecond), r.r.written, r.r.received, r.r.lost, r.r.dup, r.r.torn, r.r.reordered, r.r.truncNotices,
					r.r.catchUp.Round(time.Millisecond), r.r.stop.Round(time.Millisecond))
				if r.r.written < 1000 || r.r.received == 0 || r.r.rotations < rotations {
					t.Fatalf("%s: the writer, logrotate or the follower did not run: %+v", r.who, r.r)
				}
			}
			// Only structural differences are asserted, not luck.
			switch {
			case tc.lag:
				// It reopens the path and skips every generation rotated
				// while its consumer was blocked; ours reads them from the
				// rotated files or their copies.
				bad := func(r tortureResult) int { return r.lost + r.dup + r.torn + r.reordered }
				if n.lost <= o.lost || bad(n) <= bad(o) {
					t.Errorf("nxadm/tail lost %d (lost+dup+torn+reordered %d), ours %d (%d): it should skip whole generations when it lags", n.lost, bad(n), o.lost, bad(o))
				}
			case !tc.copytruncate:
				// On a rename it reopens the path without reading the old
				// file to its end: lines the writer appended before it
				// switched are lost.
				if n.lost <= o.lost {
					t.Errorf("nxadm/tail lost %d lines, ours %d: it should lose the old file's last lines", n.lost, o.lost)
				}
			default:
				// Both lose the lines written between logrotate's copy and
				// its truncate, in numbers that vary run to run; nxadm/tail
				// also drops its partial line on reopen and delivers the
				// rest of it as a torn line at nearly every truncation.
				if n.torn <= o.torn {
					t.Errorf("nxadm/tail tore %d lines, ours %d: it should tear one at most truncations", n.torn, o.torn)
				}
			}
		})
	}
	deadline := time.Now().Add(5 * time.Second)
	for nxadmTailGoroutines() > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d nxadm/tail goroutines still running after Stop and Cleanup", nxadmTailGoroutines())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// BenchmarkBacklog1MFollow reads the 1M-line file of BenchmarkBacklog1M
// with our follower (Follow: true) until the last line has arrived: the
// same work as BenchmarkBacklog1MNxadmTail.
func BenchmarkBacklog1MFollow(b *testing.B) {
	benchFollow(b, func(p string) sources.Source {
		src, err := Open(p, Options{Follow: true})
		if err != nil {
			b.Fatal(err)
		}
		return src
	})
}

// BenchmarkBacklog1MNxadmTail reads the 1M-line file with nxadm/tail
// (nxadmSource) until the last line has arrived, and reports lines/s.
func BenchmarkBacklog1MNxadmTail(b *testing.B) {
	benchFollow(b, func(p string) sources.Source { return &nxadmSource{path: p} })
}

// benchFollow reads the 1M-line file through a following source, counting
// lines until all have arrived, then cancels it.
func benchFollow(b *testing.B, newSource func(string) sources.Source) {
	p := benchFile(b)
	fi, _ := os.Stat(p)
	b.SetBytes(fi.Size())
	total := 0
	for b.Loop() {
		ctx, cancel := context.WithCancel(context.Background())
		out := make(chan sources.Batch, 64)
		errc := make(chan error, 1)
		go func() { errc <- newSource(p).Run(ctx, out) }()
		n := 0
		for n < 1_000_000 {
			select {
			case bt := <-out:
				n += len(bt.Lines)
			case err := <-errc:
				b.Fatalf("Run returned after %d lines: %v", n, err)
			}
		}
		cancel()
		if err := <-errc; err != nil {
			b.Fatal(err)
		}
		total += n
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "lines/s")
}
