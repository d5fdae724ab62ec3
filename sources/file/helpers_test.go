package file

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/sources"
)

// sink collects what a Source sends, concurrently with Run.
type sink struct {
	mu      sync.Mutex
	batches []sources.Batch
}

func (s *sink) lines() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, b := range s.batches {
		for _, l := range b.Lines {
			out = append(out, string(l.Data))
		}
	}
	return out
}

func (s *sink) notices() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, b := range s.batches {
		for _, n := range b.Notices {
			out = append(out, n.Message)
		}
	}
	return out
}

// start runs src in the background; stop cancels it and returns Run's error.
func start(t *testing.T, src sources.Source) (*sink, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := make(chan sources.Batch, 64)
	s := &sink{}
	errc := make(chan error, 1)
	done := make(chan struct{})
	go func() { errc <- src.Run(ctx, out) }()
	go func() {
		defer close(done)
		for b := range out {
			s.mu.Lock()
			s.batches = append(s.batches, b)
			s.mu.Unlock()
		}
	}()
	var once sync.Once
	var err error
	stop := func() error {
		once.Do(func() {
			cancel()
			select {
			case err = <-errc:
			case <-time.After(10 * time.Second):
				t.Fatal("Run did not return after cancel")
			}
			close(out)
			<-done
		})
		return err
	}
	t.Cleanup(func() { _ = stop() })
	return s, stop
}

// eventually polls cond until it holds or fails the test after 10 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func appendFile(t *testing.T, path, content string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(content); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

func joined(lines []string) string { return strings.Join(lines, "|") }

func tempPath(t *testing.T, name string) string { return filepath.Join(t.TempDir(), name) }

// repoint atomically re-points the symlink link to target, the way log
// shippers' "current" links are switched: a new link renamed over the old.
func repoint(t *testing.T, link, target string) {
	t.Helper()
	os.Remove(link + ".tmp")
	if err := os.Symlink(target, link+".tmp"); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(link+".tmp", link); err != nil {
		t.Fatal(err)
	}
}
