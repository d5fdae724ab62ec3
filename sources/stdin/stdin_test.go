package stdin

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/sources"
)

func collect(t *testing.T, src sources.Source, ctx context.Context) ([]sources.Batch, error) {
	t.Helper()
	out := make(chan sources.Batch, 16)
	errc := make(chan error, 1)
	go func() { errc <- src.Run(ctx, out) }()
	var got []sources.Batch
	for {
		select {
		case b := <-out:
			got = append(got, b)
		case err := <-errc:
			for {
				select {
				case b := <-out:
					got = append(got, b)
				default:
					return got, err
				}
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Run did not return")
		}
	}
}

func TestReader(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"empty", "", nil},
		{"lines", "a\nbb\n", []string{"a", "bb"}},
		{"no final newline", "a\nbb", []string{"a", "bb"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := New(strings.NewReader(tc.in))
			if src.Name() != "-" {
				t.Errorf("Name = %q", src.Name())
			}
			batches, err := collect(t, src, context.Background())
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			var off int64
			for _, b := range batches {
				if b.Source != "stdin" {
					t.Errorf("Source = %q", b.Source)
				}
				for _, l := range b.Lines {
					got = append(got, string(l.Data))
					if l.Offset != off {
						t.Errorf("offset %d, want %d", l.Offset, off)
					}
					off += int64(len(l.Data)) + 1
				}
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestPipeCancel checks that cancelling interrupts a read blocked on a pipe
// with no writer activity, and that lines already written arrive.
func TestPipeCancel(t *testing.T) {
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	if _, err := pw.WriteString("one\ntwo\n"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	start := time.Now()
	batches, err := collect(t, New(pr), ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("cancel took %v", d)
	}
	n := 0
	for _, b := range batches {
		n += len(b.Lines)
		if !b.Live {
			t.Error("pipe batch not Live")
		}
	}
	if n != 2 {
		t.Fatalf("got %d lines, want 2", n)
	}
	// The pipe is usable (blocking) again after Run.
	if _, err := pw.WriteString("three\n"); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 16)
	if n, err := pr.Read(buf); err != nil || string(buf[:n]) != "three\n" {
		t.Fatalf("read after Run: %q %v", buf[:n], err)
	}
}

func TestRegularFileIsHistory(t *testing.T) {
	p := t.TempDir() + "/in"
	if err := os.WriteFile(p, []byte("x\ny\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	batches, err := collect(t, New(f), context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(batches) != 1 || len(batches[0].Lines) != 2 || batches[0].Live {
		t.Fatalf("batches %+v", batches)
	}
}
