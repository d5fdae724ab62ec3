package main

// The journald benchmark: the same 1,000,000-entry journal read in the same
// run by vigil's journald source and by journalctl alone.
//
//	go test ./cmd/vigil -run '^$' -bench 'Journald1M' -benchtime 3x -timeout 60m

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/internal/journaltest"
)

const (
	journalEntries = 1_000_000
	journalFiles   = 5
	// journalVersion names the cached journal; change it when the
	// generated entries change.
	journalVersion = "v1-loggen-syslog-1000000x5"
)

// bigJournal returns a directory of 5 journal files holding 1,000,000
// entries (loggen's server under attack, with the fields journald stores
// for a syslog message), built with systemd-journal-remote. Building takes
// a while, so the directory is kept under os.TempDir, keyed by
// journalVersion, and reused by later runs.
func bigJournal(b *testing.B) string {
	b.Helper()
	dir := filepath.Join(os.TempDir(), "vigil-bench-journal-"+journalVersion)
	if _, err := os.Stat(filepath.Join(dir, "complete")); err == nil {
		return dir
	}
	tmp, err := os.MkdirTemp(os.TempDir(), "vigil-bench-journal-build-")
	if err != nil {
		b.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	per := journalEntries / journalFiles
	began := time.Now()
	for i := range journalFiles {
		// loggen advances 200 ms a line on average: 200,000 lines are
		// about 11 hours, so the files do not overlap in time.
		p := filepath.Join(tmp, fmt.Sprintf("part%d.journal", i))
		if err := journaltest.WriteGenerated(p, per, uint64(i+1), start.Add(time.Duration(i)*24*time.Hour), "77777777777777777777777777777777"); err != nil {
			b.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(tmp, "complete"), []byte(journalVersion+"\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	_ = os.RemoveAll(dir)
	if err := os.Rename(tmp, dir); err != nil {
		b.Fatal(err)
	}
	b.Logf("built %d entries in %s in %s", journalEntries, dir, time.Since(began).Round(time.Second))
	return dir
}

// BenchmarkJournald1M reads one 1,000,000-entry journal, in the same run,
// with vigil's journald source (decoded and tagged, JSON to /dev/null),
// with `journalctl -o json > FILE` and with `journalctl -o export > FILE`.
// Each op runs all three once; medians are reported, with vigil's rate
// against each route (the goals: at least 2x the JSON route, within 1.3x
// of the export route).
func BenchmarkJournald1M(b *testing.B) {
	dir := bigJournal(b)
	out, err := os.Create(filepath.Join(b.TempDir(), "out"))
	if err != nil {
		b.Fatal(err)
	}
	defer out.Close()
	var vigilT, scanT, jsonT, exportT []float64
	timed := func(dst *[]float64, to *os.File, name string, args ...string) {
		start := time.Now()
		if to == nil {
			// Output discarded.
			cmd := exec.Command(name, args...)
			var errb strings.Builder
			cmd.Stderr = &errb
			if err := cmd.Run(); err != nil {
				b.Fatalf("%s %v: %v %s", name, args, err, errb.String())
			}
		} else {
			runTo(b, to, name, args...)
		}
		*dst = append(*dst, time.Since(start).Seconds())
	}
	for b.Loop() {
		timed(&exportT, out, "journalctl", "--no-pager", "-D", dir, "-o", "export")
		timed(&jsonT, out, "journalctl", "--no-pager", "-D", dir, "-o", "json")
		timed(&vigilT, nil, vigilBin, "stream", "--format", "json", "--journal-dir", dir)
		timed(&scanT, out, vigilBin, "scan", "--format", "json", "--journal-dir", dir)
	}
	// The last scan must have counted every entry.
	if _, err := out.Seek(0, 0); err != nil {
		b.Fatal(err)
	}
	rep, _ := os.ReadFile(out.Name())
	if !strings.Contains(string(rep), fmt.Sprintf(`"events": %d,`, journalEntries)) {
		b.Fatalf("vigil scan did not count %d events: %.300s", journalEntries, rep)
	}
	v, s, j, e := median(vigilT), median(scanT), median(jsonT), median(exportT)
	b.ReportMetric(journalEntries/v, "vigil-stream-entries/s")
	b.ReportMetric(journalEntries/s, "vigil-scan-entries/s")
	b.ReportMetric(journalEntries/j, "journalctl-json-entries/s")
	b.ReportMetric(journalEntries/e, "journalctl-export-entries/s")
	b.ReportMetric(j/v, "vigil-vs-json-x")
	b.ReportMetric(v/e, "vigil-vs-export-slowdown-x")
	b.Logf("medians of %d: vigil stream %.2fs, vigil scan %.2fs, journalctl -o json %.2fs, journalctl -o export %.2fs", len(vigilT), v, s, j, e)
}
