package file

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/sources"
)

// copyScene is a directory as logrotate's copytruncate leaves it after the
// reader fell behind: the generations cut while it was blocked are in
// rotated copies next to the live file.
type copyScene struct {
	t    *testing.T
	dir  string
	path string
	fw   *follower
	tr   *tracked
	out  chan sources.Batch
	now  time.Time
}

func newCopyScene(t *testing.T, first string) *copyScene {
	dir := t.TempDir()
	s := &copyScene{t: t, dir: dir, path: filepath.Join(dir, "app.log"), out: make(chan sources.Batch, 64), now: time.Now()}
	writeFile(t, s.path, first)
	tr, err := openTracked(s.path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tr.f.Close() })
	s.tr = tr
	s.fw = &follower{path: s.path, name: sourceName(s.path), opts: Options{}.withDefaults(), out: s.out,
		events: make(chan struct{}, 1), wake: make(chan struct{}, 1)}
	return s
}

// read reads the live file to its end as drain does (head included).
func (s *copyScene) read() {
	lines, _ := s.tr.lr.Read(0)
	if s.tr.head == nil {
		s.tr.setHead(lines)
	}
}

// file writes name with content and an mtime age before now.
func (s *copyScene) file(name, content string, age time.Duration) {
	p := filepath.Join(s.dir, name)
	writeFile(s.t, p, content)
	mt := s.now.Add(-age)
	if err := os.Chtimes(p, mt, mt); err != nil {
		s.t.Fatal(err)
	}
}

// cut replaces the live content in place (same inode), like a truncate
// followed by the writer's next lines.
func (s *copyScene) cut(content string) {
	f, err := os.OpenFile(s.path, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		s.t.Fatal(err)
	}
	f.WriteString(content)
	f.Close()
}

// collect returns the lines and notices sent so far, then what the live
// file yields after the truncation.
func (s *copyScene) collect() (lines, notices []string, fields []map[string]string) {
	for {
		select {
		case b := <-s.out:
			for _, l := range b.Lines {
				lines = append(lines, string(l.Data))
			}
			for _, n := range b.Notices {
				notices = append(notices, n.Message)
				fields = append(fields, n.Fields)
			}
		default:
			live, _ := s.tr.lr.Read(0)
			if s.tr.head == nil {
				s.tr.setHead(live)
			}
			for _, l := range live {
				lines = append(lines, "live:"+string(l.Data))
			}
			for _, n := range s.fw.takeNotices() {
				notices = append(notices, n.Message)
				fields = append(fields, n.Fields)
			}
			return lines, notices, fields
		}
	}
}

func TestTruncatedReadsLaterCopies(t *testing.T) {
	g0, g1 := "g0-a\ng0-b\n", "g1-a\ng1-b\n"
	s := newCopyScene(t, "g0-a\n")
	s.read()
	off := s.tr.lr.Offset()
	// While the reader was blocked: g0 grew, was copied and cut; g1 was
	// written, copied and cut; g2 is live, and logrotate has already copied
	// it (no truncate yet).
	s.file("app.log.3", "history-1\nhistory-2\n", 10*time.Second) // before we started: not ours to read
	s.file("app.log.2", g0, 3*time.Second)
	s.file("app.log.4.gz", "compressed\n", 2500*time.Millisecond)
	s.file("app.log.old", "not a rotation\n", 2500*time.Millisecond)
	s.file("app.logger.1", "another log\n", 2500*time.Millisecond)
	s.file("app.log.1", g1, 2*time.Second)
	s.file("app.log-20260101", g1, time.Second) // the same generation again
	s.file("app.log-20260102", "g2-a\n", 500*time.Millisecond)
	s.cut("g2-a\n")

	if !s.fw.truncated(context.Background(), s.tr, off, []int64{int64(len(g0)), int64(len(g1))}) {
		t.Fatal("truncated returned false")
	}
	lines, notices, fields := s.collect()
	if got, want := strings.Join(lines, "|"), "g0-b|g1-a|g1-b|live:g2-a"; got != want {
		t.Errorf("lines %q, want %q", got, want)
	}
	if len(notices) != 1 {
		t.Fatalf("notices %q", notices)
	}
	for _, want := range []string{"truncated 2 times", "read 15 bytes from its copies app.log.2, app.log.1 (1 whole generation)", "at least 0 bytes skipped"} {
		if !strings.Contains(notices[0], want) {
			t.Errorf("notice %q lacks %q", notices[0], want)
		}
	}
	if fields[0]["skipped_bytes"] != "0" || fields[0]["copies"] != "app.log.2,app.log.1" {
		t.Errorf("fields %v", fields[0])
	}

	// The next cut: g2's copy is app.log.1 now; everything older was
	// delivered and must not be read again.
	s.read() // nothing new: g2-a was read above
	os.Rename(filepath.Join(s.dir, "app.log.1"), filepath.Join(s.dir, "app.log.5"))
	s.file("app.log.1", "g2-a\ng2-b\n", 0)
	s.cut("g3-a\n")
	if !s.fw.truncated(context.Background(), s.tr, s.tr.lr.Offset(), []int64{10}) {
		t.Fatal("truncated returned false")
	}
	lines, notices, _ = s.collect()
	if got, want := strings.Join(lines, "|"), "g2-b|live:g3-a"; got != want {
		t.Errorf("second cut: lines %q, want %q (notices %q)", got, want, notices)
	}
}

func TestTruncatedCountsWhatCopiesLack(t *testing.T) {
	g0, g1 := "g0-a\ng0-b\n", "g1-a\ng1-b\n"
	s := newCopyScene(t, "g0-a\n")
	s.read()
	s.file("app.log.2", g0, 3*time.Second)
	s.file("app.log.1", g1, 2*time.Second)
	s.cut("g2-a\n")
	// g1 was seen 100 bytes longer than its copy: the writer flushed
	// between logrotate's copy and its truncate.
	if !s.fw.truncated(context.Background(), s.tr, s.tr.lr.Offset(), []int64{int64(len(g0)), int64(len(g1)) + 100}) {
		t.Fatal("truncated returned false")
	}
	lines, notices, fields := s.collect()
	if got, want := strings.Join(lines, "|"), "g0-b|g1-a|g1-b|live:g2-a"; got != want {
		t.Errorf("lines %q, want %q", got, want)
	}
	if fields[0]["skipped_bytes"] != "100" {
		t.Errorf("skipped %s, want 100: %q", fields[0]["skipped_bytes"], notices)
	}
}

func TestTruncatedWithoutCopyOfOursReadsNoHistory(t *testing.T) {
	s := newCopyScene(t, "mine-a\nmine-b\n")
	s.read()
	s.file("app.log.2", "history-1\n", 3*time.Second)
	s.file("app.log.1", "history-2\n", 2*time.Second)
	s.cut("new-a\n") // "> app.log", no copy
	if !s.fw.truncated(context.Background(), s.tr, s.tr.lr.Offset(), []int64{14}) {
		t.Fatal("truncated returned false")
	}
	lines, notices, _ := s.collect()
	if got, want := strings.Join(lines, "|"), "live:new-a"; got != want {
		t.Errorf("lines %q, want %q (notices %q)", got, want, notices)
	}
}

func TestRotatedRank(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
		rank int64
	}{
		{"app.log.1", true, -1},
		{"app.log.12", true, -12},
		{"app.log-20260101", true, 20260101},
		{"app.log-20260101-1767225600", true, 20260101},
		{"app.log", false, 0},
		{"app.log.1.gz", false, 0},
		{"app.log-20260101.zst", false, 0},
		{"app.log.old", false, 0},
		{"app.log.swp", false, 0},
		{"app.logger.1", false, 0},
		{"app.log1", false, 0},
	} {
		rank, ok := rotatedRank("app.log", tc.name)
		if ok != tc.ok || rank != tc.rank {
			t.Errorf("rotatedRank(%q) = %d, %v; want %d, %v", tc.name, rank, ok, tc.rank, tc.ok)
		}
	}
}
