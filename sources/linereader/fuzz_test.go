package linereader

import (
	"bytes"
	"io"
	"testing"
	"testing/iotest"
)

// FuzzReader feeds arbitrary bytes through a Reader with small, odd block
// sizes, short reads and a small line limit, and checks the result against
// a plain split of the input: every line comes out once, in order, with the
// right offset, cut at the limit with the dropped byte count, and a final
// line without a newline comes out of Flush.
func FuzzReader(f *testing.F) {
	f.Add([]byte("a\nbb\nccc"), uint8(3), uint8(4))
	f.Add([]byte("\n\n\n"), uint8(1), uint8(1))
	f.Add([]byte("0123456789abcdef\nshort\n"), uint8(5), uint8(8))
	f.Add([]byte{0, 0xff, '\n', 0x1b, '[', '2', 'J', '\n'}, uint8(2), uint8(3))
	f.Fuzz(func(t *testing.T, data []byte, block, limit uint8) {
		bs := int(block%32) + 1
		maxLine := int(limit%16) + 1
		r := New(iotest.HalfReader(bytes.NewReader(data)), 100, bs)
		r.SetMaxLine(maxLine)
		var got []line
		for {
			lines, err := r.Read(0)
			for _, l := range lines {
				got = append(got, line{string(l.Data), l.Offset, l.Truncated})
			}
			if err == io.EOF {
				if l, ok := r.Flush(); ok {
					got = append(got, line{string(l.Data), l.Offset, l.Truncated})
				}
				break
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		want := expected(data, 100, maxLine)
		if len(got) != len(want) {
			t.Fatalf("got %d lines %+v, want %d %+v", len(got), got, len(want), want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("line %d: got %+v, want %+v", i, got[i], want[i])
			}
		}
		if r.Offset() != 100+int64(len(data)) {
			t.Fatalf("Offset %d after %d bytes from 100", r.Offset(), len(data))
		}
	})
}

type line struct {
	data      string
	off       int64
	truncated int64
}

// expected splits data the simple way.
func expected(data []byte, base int64, maxLine int) []line {
	var out []line
	off := base
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		full := data
		if i >= 0 {
			full = data[:i]
		}
		l := line{data: string(full), off: off}
		if len(full) > maxLine {
			l.data, l.truncated = string(full[:maxLine]), int64(len(full)-maxLine)
		}
		out = append(out, l)
		if i < 0 {
			break
		}
		off += int64(i + 1)
		data = data[i+1:]
	}
	return out
}
