package file

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/event"
)

// fastOpts makes following quick enough for tests.
var fastOpts = Options{Follow: true, PollInterval: 20 * time.Millisecond, GlobInterval: 50 * time.Millisecond, RotateWait: 100 * time.Millisecond}

func has(lines []string, want ...string) bool {
	for _, w := range want {
		if !slices.Contains(lines, w) {
			return false
		}
	}
	return true
}

func anyContains(ss []string, sub string) bool {
	return slices.ContainsFunc(ss, func(s string) bool { return strings.Contains(s, sub) })
}

// TestFollow drives one scenario per row: each step mutates the file system
// and waits until the expected lines (in order, no duplicates) and notices
// have arrived.
func TestFollow(t *testing.T) {
	type step struct {
		do      func(t *testing.T, dir, path string)
		lines   []string // all lines expected so far, in order
		notices []string // substrings expected among the notices so far
	}
	app := func(s string) func(*testing.T, string, string) {
		return func(t *testing.T, _, p string) { appendFile(t, p, s) }
	}
	tests := []struct {
		name  string
		init  string
		steps []step
	}{
		{"append and partial line", "a\n", []step{
			{app("b\nc"), []string{"a", "b"}, nil},
			{app("c\n"), []string{"a", "b", "cc"}, nil},
		}},
		{"rename rotation drains old file", "a\n", []step{
			{func(t *testing.T, _, p string) {
				f, _ := os.OpenFile(p, os.O_WRONLY|os.O_APPEND, 0)
				os.Rename(p, p+".1")
				f.WriteString("late-old\n") // the writer has not reopened yet
				f.Close()
				writeFile(t, p, "new1\n")
			}, []string{"a", "late-old", "new1"}, nil},
			{app("new2\n"), []string{"a", "late-old", "new1", "new2"}, nil},
		}},
		{"truncation", "aaaa\nbbbb\n", []step{
			{func(t *testing.T, _, p string) {
				os.Truncate(p, 0)
				time.Sleep(100 * time.Millisecond)
				appendFile(t, p, "x\n")
			},
				[]string{"aaaa", "bbbb", "x"}, []string{"truncated at offset 10; at least 0 bytes skipped"}},
		}},
		{"truncated and regrown before we look", "first line is long enough\n", []step{
			{func(t *testing.T, _, p string) {
				// Rewrite in place, longer than before, in one go.
				writeFile(t, p, "second content, different and even longer\n")
			}, []string{"first line is long enough", "second content, different and even longer"}, []string{"truncated"}},
		}},
		{"delete and re-create", "a\n", []step{
			{func(t *testing.T, _, p string) { os.Remove(p) }, []string{"a"}, []string{"was deleted"}},
			{func(t *testing.T, _, p string) { writeFile(t, p, "b\n") }, []string{"a", "b"}, []string{"was deleted", "re-created"}},
		}},
		{"delete and re-create at once", "a\n", []step{
			{func(t *testing.T, _, p string) { os.Remove(p); writeFile(t, p, "b\n") }, []string{"a", "b"}, []string{"deleted"}},
		}},
		{"huge line while following", "a\n", []step{
			{func(t *testing.T, _, p string) {
				f, _ := os.OpenFile(p, os.O_WRONLY|os.O_APPEND, 0)
				chunk := strings.Repeat("y", 1<<20)
				for i := 0; i < 10; i++ {
					f.WriteString(chunk)
					time.Sleep(5 * time.Millisecond)
				}
				f.WriteString("\nz\n")
				f.Close()
			}, []string{"a", strings.Repeat("y", 64<<10), "z"}, nil},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "app.log")
			writeFile(t, p, tc.init)
			src, err := Open(p, fastOpts)
			if err != nil {
				t.Fatal(err)
			}
			s, stop := start(t, src)
			eventually(t, "backlog", func() bool { return len(s.lines()) > 0 })
			for i, st := range tc.steps {
				st.do(t, dir, p)
				ok := func() bool { return slices.Equal(s.lines(), st.lines) && allNotices(s.notices(), st.notices) }
				for deadline := time.Now().Add(10 * time.Second); !ok(); time.Sleep(5 * time.Millisecond) {
					if time.Now().After(deadline) {
						t.Fatalf("step %d: got lines %.40q notices %q; want lines %.40q notices %q", i, s.lines(), s.notices(), st.lines, st.notices)
					}
				}
			}
			if err := stop(); err != nil {
				t.Fatal(err)
			}
			if got := s.lines(); !slices.Equal(got, tc.steps[len(tc.steps)-1].lines) {
				t.Fatalf("final lines %.60q", got)
			}
			s.mu.Lock()
			for _, b := range s.batches {
				for _, n := range b.Notices {
					if strings.Contains(n.Message, "truncated") || strings.Contains(n.Message, "deleted") {
						if !n.HasCategory(event.CategoryLogIntegrity) || n.Severity != event.Warning {
							t.Errorf("notice %q: categories %v severity %v", n.Message, n.Categories, n.Severity)
						}
					}
				}
			}
			s.mu.Unlock()
		})
	}
}

func allNotices(got, want []string) bool {
	for _, w := range want {
		if !anyContains(got, w) {
			return false
		}
	}
	return true
}

func TestLiveFlag(t *testing.T) {
	p := tempPath(t, "app.log")
	writeFile(t, p, "old\n")
	src, _ := Open(p, fastOpts)
	s, stop := start(t, src)
	eventually(t, "backlog", func() bool { return len(s.lines()) == 1 })
	appendFile(t, p, "new\n")
	eventually(t, "live line", func() bool { return len(s.lines()) == 2 })
	stop()
	for _, b := range s.batches {
		for _, l := range b.Lines {
			if want := string(l.Data) == "new"; b.Live != want {
				t.Errorf("line %q Live=%v", l.Data, b.Live)
			}
		}
	}
}

// TestSymlinkRepointed follows a "current" symlink that is atomically
// re-pointed to a new file, with a late write to the old target.
func TestSymlinkRepointed(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.log"), filepath.Join(dir, "b.log")
	cur := filepath.Join(dir, "current")
	writeFile(t, a, "a1\n")
	os.Symlink(a, cur)
	src, err := Open(cur, fastOpts)
	if err != nil {
		t.Fatal(err)
	}
	s, stop := start(t, src)
	eventually(t, "a1", func() bool { return has(s.lines(), "a1") })
	appendFile(t, a, "a2\n")
	writeFile(t, b, "b1\n")
	repoint(t, cur, b)
	appendFile(t, a, "a3\n") // late write to the old target
	appendFile(t, b, "b2\n")
	eventually(t, "all lines", func() bool { return has(s.lines(), "a1", "a2", "a3", "b1", "b2") })
	os.Remove(a)
	appendFile(t, b, "b3\n")
	eventually(t, "b3", func() bool { return has(s.lines(), "b3") })
	stop()
	if got := s.lines(); len(got) != 6 {
		t.Fatalf("lines %q", got)
	}
	if src.Name() != cur {
		t.Errorf("Name = %q", src.Name())
	}
	for _, bt := range s.batches {
		if len(bt.Lines) > 0 && bt.Source != "file:"+cur {
			t.Errorf("batch source %q", bt.Source)
		}
	}
}

// TestSymlinkPointedBack re-points a symlink away from a file and, once
// that file has been released, back to it: reading resumes where it
// stopped, so nothing is delivered twice and a line written meanwhile is not
// lost.
func TestSymlinkPointedBack(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.log"), filepath.Join(dir, "b.log")
	cur := filepath.Join(dir, "current")
	writeFile(t, a, "a1\n")
	os.Symlink(a, cur)
	src, err := Open(cur, fastOpts)
	if err != nil {
		t.Fatal(err)
	}
	s, stop := start(t, src)
	eventually(t, "a1", func() bool { return has(s.lines(), "a1") })
	writeFile(t, b, "b1\n")
	repoint(t, cur, b)
	eventually(t, "b1", func() bool { return has(s.lines(), "b1") })
	time.Sleep(4 * fastOpts.RotateWait) // a.log is released
	appendFile(t, a, "a2\n")            // written while nobody points at it
	repoint(t, cur, a)
	appendFile(t, a, "a3\n")
	eventually(t, "a2 a3", func() bool { return has(s.lines(), "a2", "a3") })
	time.Sleep(4 * fastOpts.PollInterval)
	stop()
	if got := joined(s.lines()); got != "a1|b1|a2|a3" {
		t.Fatalf("lines %q, want a1|b1|a2|a3 (each once)", got)
	}
}

// TestSymlinkOtherDir re-points a symlink to a file in another directory and
// checks that writes there are seen promptly (its directory is watched).
func TestSymlinkOtherDir(t *testing.T) {
	d1, d2 := t.TempDir(), t.TempDir()
	cur := filepath.Join(d1, "current")
	a, b := filepath.Join(d2, "a.log"), filepath.Join(t.TempDir(), "b.log")
	writeFile(t, a, "a1\n")
	os.Symlink(a, cur)
	opts := fastOpts
	opts.PollInterval = time.Hour // only directory events can wake it
	src, _ := Open(cur, opts)
	s, stop := start(t, src)
	eventually(t, "a1", func() bool { return has(s.lines(), "a1") })
	appendFile(t, a, "a2\n")
	eventually(t, "a2 via target dir watch", func() bool { return has(s.lines(), "a2") })
	writeFile(t, b, "b1\n")
	repoint(t, cur, b)
	eventually(t, "b1", func() bool { return has(s.lines(), "b1") })
	appendFile(t, b, "b2\n")
	eventually(t, "b2 via new target dir watch", func() bool { return has(s.lines(), "b2") })
	stop()
}

func TestGlobPicksUpNewFiles(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.log"), "a1\n")
	src, err := Open(filepath.Join(dir, "*.log"), fastOpts)
	if err != nil {
		t.Fatal(err)
	}
	s, stop := start(t, src)
	eventually(t, "a1", func() bool { return has(s.lines(), "a1") })
	writeFile(t, filepath.Join(dir, "b.log"), "b1\n")
	eventually(t, "b1", func() bool { return has(s.lines(), "b1") })
	appendFile(t, filepath.Join(dir, "a.log"), "a2\n")
	appendFile(t, filepath.Join(dir, "b.log"), "b2\n")
	eventually(t, "a2 b2", func() bool { return has(s.lines(), "a2", "b2") })
	stop()
	for _, b := range s.batches {
		for _, l := range b.Lines {
			if want := "file:" + filepath.Join(dir, string(l.Data[:1])+".log"); b.Source != want {
				t.Errorf("line %q from %q, want %q", l.Data, b.Source, want)
			}
		}
	}
}

// TestNoGoroutineLeak starts and stops 100 followers while lines are written,
// then checks that the goroutine count returns to its baseline.
func TestNoGoroutineLeak(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "busy.log")
	writeFile(t, p, "")
	base := runtime.NumGoroutine()
	stopW := make(chan struct{})
	wdone := make(chan struct{})
	go func() {
		defer close(wdone)
		f, _ := os.OpenFile(p, os.O_WRONLY|os.O_APPEND, 0)
		defer f.Close()
		// Bounded: every follower keeps what it reads, so on a slow,
		// loaded machine an unbounded writer grew the test to tens of GB.
		for i := 0; i < 20_000; i++ {
			select {
			case <-stopW:
				return
			default:
			}
			fmt.Fprintf(f, "line %d\n", i)
			if i%100 == 0 {
				time.Sleep(time.Millisecond)
			}
		}
	}()
	var stops []func() error
	var sinks []*sink
	stopped := map[int]bool{}
	for i := 0; i < 100; i++ {
		src, err := Open(p, fastOpts)
		if err != nil {
			t.Fatal(err)
		}
		s, stop := start(t, src)
		stops, sinks = append(stops, stop), append(sinks, s)
		if i%10 == 9 {
			// Stop some while others keep running.
			for j := i - 9; j < i-4; j++ {
				if err := stops[j](); err != nil {
					t.Fatal(err)
				}
				stopped[j] = true
			}
		}
	}
	eventually(t, "every follower to read", func() bool {
		for i, s := range sinks {
			if !stopped[i] && len(s.lines()) == 0 {
				return false
			}
		}
		return true
	})
	for _, st := range stops {
		if err := st(); err != nil {
			t.Fatal(err)
		}
	}
	close(stopW)
	<-wdone
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > base {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			n := runtime.Stack(buf, true)
			t.Fatalf("goroutines: %d, baseline %d\n%s", runtime.NumGoroutine(), base, buf[:n])
		}
		time.Sleep(10 * time.Millisecond)
	}
}
