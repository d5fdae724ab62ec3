package linereader

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/vigil-sec/vigil/sources"
)

// readAll drains r, flushing a final incomplete line, and returns every line.
func readAll(t *testing.T, r *Reader) []sources.Line {
	t.Helper()
	var all []sources.Line
	for i := 0; ; i++ {
		lines, err := r.Read(0)
		all = append(all, lines...)
		if errors.Is(err, io.EOF) {
			if l, ok := r.Flush(); ok {
				all = append(all, l)
			}
			return all
		}
		if err != nil {
			t.Fatal(err)
		}
		if i > 1e7 {
			t.Fatal("no progress")
		}
	}
}

type want struct {
	data      string
	off       int64
	truncated int64
}

func TestSplit(t *testing.T) {
	long := strings.Repeat("x", 100)
	tests := []struct {
		name    string
		in      string
		block   int
		maxLine int
		oneByte bool
		want    []want
	}{
		{name: "empty", in: "", block: 8, want: nil},
		{name: "one line", in: "abc\n", block: 8, want: []want{{"abc", 0, 0}}},
		{name: "no final newline", in: "abc\ndef", block: 8, want: []want{{"abc", 0, 0}, {"def", 4, 0}}},
		{name: "empty lines", in: "\n\na\n", block: 2, want: []want{{"", 0, 0}, {"", 1, 0}, {"a", 2, 0}}},
		{name: "line spans blocks", in: "abcdefghij\nk\n", block: 3, want: []want{{"abcdefghij", 0, 0}, {"k", 11, 0}}},
		{name: "one byte reads", in: "ab\ncd\n", block: 64, oneByte: true, want: []want{{"ab", 0, 0}, {"cd", 3, 0}}},
		{name: "crlf kept", in: "a\r\n", block: 64, want: []want{{"a\r", 0, 0}}},
		{name: "long line in one block", in: long + "\nok\n", block: 1024, maxLine: 10, want: []want{{long[:10], 0, 90}, {"ok", 101, 0}}},
		{name: "long line across blocks", in: long + "\nok\n", block: 7, maxLine: 10, want: []want{{long[:10], 0, 90}, {"ok", 101, 0}}},
		{name: "long line at eof", in: "a\n" + long, block: 7, maxLine: 10, want: []want{{"a", 0, 0}, {long[:10], 2, 90}}},
		{name: "exactly max", in: long[:10] + "\n", block: 4, maxLine: 10, want: []want{{long[:10], 0, 0}}},
		{name: "max plus one", in: long[:11] + "\nz\n", block: 4, maxLine: 10, want: []want{{long[:10], 0, 1}, {"z", 12, 0}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var src io.Reader = strings.NewReader(tc.in)
			if tc.oneByte {
				src = iotest.OneByteReader(src)
			}
			r := New(src, 0, tc.block)
			if tc.maxLine > 0 {
				r.SetMaxLine(tc.maxLine)
			}
			got := readAll(t, r)
			if len(got) != len(tc.want) {
				t.Fatalf("got %d lines %+v, want %d", len(got), got, len(tc.want))
			}
			for i, w := range tc.want {
				g := got[i]
				if string(g.Data) != w.data || g.Offset != w.off || g.Truncated != w.truncated {
					t.Errorf("line %d = {%q %d %d}, want {%q %d %d}", i, g.Data, g.Offset, g.Truncated, w.data, w.off, w.truncated)
				}
			}
			if r.Offset() != int64(len(tc.in)) {
				t.Errorf("Offset = %d, want %d", r.Offset(), len(tc.in))
			}
		})
	}
}

// TestLinesNotOverwritten checks the aliasing contract: lines handed out
// stay intact while the Reader goes on reading (including short reads,
// which reuse a spare buffer).
func TestLinesNotOverwritten(t *testing.T) {
	var in bytes.Buffer
	for i := 0; i < 5000; i++ {
		in.WriteString(strings.Repeat(string(rune('a'+i%26)), i%50))
		in.WriteByte('\n')
	}
	for _, oneByte := range []bool{false, true} {
		var src io.Reader = bytes.NewReader(in.Bytes())
		if oneByte {
			src = iotest.HalfReader(src)
		}
		r := New(src, 0, 4096)
		lines := readAll(t, r)
		if len(lines) != 5000 {
			t.Fatalf("got %d lines", len(lines))
		}
		for i, l := range lines {
			if want := strings.Repeat(string(rune('a'+i%26)), i%50); string(l.Data) != want {
				t.Fatalf("line %d = %q, want %q", i, l.Data, want)
			}
		}
	}
}

// TestHugeLineBoundedMemory feeds a 10 MB line without a newline, then a
// normal line, and checks that the line is cut at sources.MaxLine with the
// dropped count, the next line still arrives, and the heap never held the
// whole line.
func TestHugeLineBoundedMemory(t *testing.T) {
	const huge = 10 << 20
	src := io.MultiReader(&repeatReader{n: huge, b: 'x'}, strings.NewReader("\nnext\n"))
	r := New(src, 0, 0)
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var lines []sources.Line
	peak := uint64(0)
	for {
		l, err := r.Read(0)
		lines = append(lines, l...)
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapInuse)
		if errors.Is(err, io.EOF) {
			break
		}
	}
	if len(lines) != 2 {
		t.Fatalf("got %d lines, want 2", len(lines))
	}
	if len(lines[0].Data) != sources.MaxLine || lines[0].Truncated != huge-sources.MaxLine {
		t.Errorf("huge line: len %d truncated %d", len(lines[0].Data), lines[0].Truncated)
	}
	if string(lines[1].Data) != "next" || lines[1].Offset != huge+1 {
		t.Errorf("next line = %q at %d", lines[1].Data, lines[1].Offset)
	}
	if grew := int64(peak) - int64(base); grew > 4<<20 {
		t.Errorf("heap grew by %d bytes reading a %d-byte line", grew, huge)
	}
}

// repeatReader yields n copies of b.
type repeatReader struct {
	n int
	b byte
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, io.EOF
	}
	n := min(len(p), r.n)
	for i := range p[:n] {
		p[i] = r.b
	}
	r.n -= n
	return n, nil
}

func TestResetDiscardsPartial(t *testing.T) {
	r := New(strings.NewReader("abc\npart"), 0, 64)
	lines, _ := r.Read(0)
	if len(lines) != 1 || r.LineStart() != 4 || r.Offset() != 8 {
		t.Fatalf("lines %d linestart %d offset %d", len(lines), r.LineStart(), r.Offset())
	}
	if d := r.Reset(strings.NewReader("new\n"), 0); d != 4 {
		t.Fatalf("discarded %d, want 4", d)
	}
	lines, _ = r.Read(0)
	if len(lines) != 1 || string(lines[0].Data) != "new" || lines[0].Offset != 0 {
		t.Fatalf("after reset: %+v", lines)
	}
}

// BenchmarkSplit measures the splitter alone on ~120-byte syslog-like lines
// held in memory.
func BenchmarkSplit(b *testing.B) {
	line := []byte("Jan 12 06:25:43 host sshd[4121]: Failed password for invalid user admin from 203.0.113.7 port 52113 ssh2 xxxxxxx\n")
	data := bytes.Repeat(line, 100000)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	n := 0
	for b.Loop() {
		r := New(bytes.NewReader(data), 0, 0)
		for {
			lines, err := r.Read(0)
			n += len(lines)
			if err != nil {
				break
			}
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "lines/s")
}

func TestRebaseKeepsPartial(t *testing.T) {
	r := New(strings.NewReader("abc\npar"), 0, 64)
	r.Read(0)
	r.Rebase(strings.NewReader("tial\nnext\n"), 0)
	lines, _ := r.Read(0)
	if len(lines) != 2 || string(lines[0].Data) != "partial" || lines[0].Offset != -1 || string(lines[1].Data) != "next" || lines[1].Offset != 5 {
		t.Fatalf("after rebase: %+v", lines)
	}
}
