// Package linereader splits a byte stream into lines block by block: it reads
// large blocks, finds newlines in user space and returns the complete lines
// of each block as one slice whose Data fields alias a buffer that is never
// written again. Lines longer than sources.MaxLine are cut, and the rest of
// such a line is skipped without being held in memory.
//
// A Reader is not safe for concurrent use.
package linereader

import (
	"bytes"
	"io"

	"github.com/vigil-sec/vigil/sources"
)

// DefaultBlockSize is the read size used when New is given 0: 64 KiB, so
// that the events of one block (about 600 lines) stay in a core's cache
// while they are decoded, tagged and consumed; larger blocks were slower
// end to end, smaller ones add channel hand-offs.
const DefaultBlockSize = 64 << 10

// Reader reads lines from an io.Reader in blocks.
//
// An incomplete last line (no newline yet) is carried to the next block, so a
// writer that flushes in the middle of a line never produces a torn line;
// Flush hands it out at the end of the input. The carried bytes are bounded by
// sources.MaxLine: past that the line is in "dropping" mode, its first MaxLine
// bytes are kept and the rest is only counted.
type Reader struct {
	r         io.Reader
	blockSize int
	maxLine   int

	off       int64  // offset of the next byte Read will return
	carry     []byte // the incomplete line so far (at most maxLine bytes)
	carryOff  int64  // offset of the start of the incomplete line
	dropping  bool   // the incomplete line is over-long: carry is its head
	dropped   int64  // bytes of the incomplete line not kept
	scratch   []byte // reused for bytes that are only counted, never sent
	spare     []byte // a block buffer no line points into, reused
	estimated int    // running guess of bytes per line, sizes the Line slices
}

// New returns a Reader that reads r, whose next byte is at offset off of its
// stream. blockSize 0 means DefaultBlockSize.
func New(r io.Reader, off int64, blockSize int) *Reader {
	if blockSize <= 0 {
		blockSize = DefaultBlockSize
	}
	return &Reader{r: r, blockSize: blockSize, maxLine: sources.MaxLine, off: off, carryOff: off, estimated: 100}
}

// SetMaxLine changes the line limit (sources.MaxLine by default). It exists
// for tests; n must be positive.
func (r *Reader) SetMaxLine(n int) { r.maxLine = n }

// Offset returns the offset of the next byte the Reader will read from its
// underlying reader: every byte before it has been read.
func (r *Reader) Offset() int64 { return r.off }

// LineStart returns the offset of the first byte not yet handed out as part
// of a line: Offset minus the incomplete line being carried. It is the point
// from which reading can resume without losing or repeating a line.
func (r *Reader) LineStart() int64 {
	if len(r.carry) == 0 && !r.dropping {
		return r.off
	}
	return r.carryOff
}

// Reset points the Reader at a new underlying reader (or the same one after
// a seek) whose next byte is at offset off. The incomplete line being carried
// is discarded; Reset returns how many bytes of it were read and dropped.
func (r *Reader) Reset(nr io.Reader, off int64) (discarded int64) {
	discarded = r.off - r.LineStart()
	r.r = nr
	r.off = off
	r.carry, r.carryOff, r.dropping, r.dropped = nil, off, false, 0
	return discarded
}

// Rebase points the Reader at a new underlying reader whose next byte is at
// offset off, keeping the incomplete line: the new input continues it. It is
// for content that moved (a copy of a file, or a file cut exactly at the end
// of what was read). A line that started before the rebase gets Offset -1.
func (r *Reader) Rebase(nr io.Reader, off int64) {
	pending := r.off - r.LineStart()
	r.r = nr
	r.off = off
	if pending == 0 {
		r.carryOff = off
	} else {
		r.carryOff = off - pending
	}
}

// Read reads once from the underlying reader, at most limit bytes (limit <= 0
// or above the block size means one block), and returns the complete lines
// that are now available, in order. It returns io.EOF (possibly with lines)
// when the underlying reader does. An incomplete trailing line stays in the
// Reader until its newline arrives or Flush is called.
//
// The returned lines alias a buffer the Reader never writes again.
func (r *Reader) Read(limit int) ([]sources.Line, error) {
	if limit <= 0 || limit > r.blockSize {
		limit = r.blockSize
	}
	if r.dropping {
		return r.readDropping(limit)
	}
	pre := len(r.carry)
	var buf []byte
	if cap(r.spare) >= pre+limit {
		buf, r.spare = r.spare[:pre+limit], nil
	} else {
		buf = make([]byte, pre+limit)
	}
	copy(buf, r.carry)
	n, err := r.r.Read(buf[pre:])
	if n < 0 {
		n = 0
	}
	r.off += int64(n)
	data := buf[:pre+n]
	if n > 0 && n < limit/4 && pre+n < cap(buf)/4 {
		// A short read (a trickling file, a pipe): keep the big buffer for the
		// next read and hand out an exact-size copy instead, so a slow source
		// does not allocate a whole block per line.
		small := make([]byte, len(data))
		copy(small, data)
		r.spare, data = buf[:0], small
	} else if n == 0 {
		r.spare = buf[:0]
		return nil, err
	}
	return r.split(data, r.carryOff, nil), err
}

// readDropping consumes input while the current line is over-long: the bytes
// go to a reused scratch buffer and are counted until the newline comes.
func (r *Reader) readDropping(limit int) ([]sources.Line, error) {
	if cap(r.scratch) < limit {
		r.scratch = make([]byte, limit)
	}
	buf := r.scratch[:limit]
	n, err := r.r.Read(buf)
	if n < 0 {
		n = 0
	}
	r.off += int64(n)
	i := bytes.IndexByte(buf[:n], '\n')
	if i < 0 {
		r.dropped += int64(n)
		return nil, err
	}
	lines := []sources.Line{{Data: r.carry, Offset: max(r.carryOff, -1), Truncated: r.dropped + int64(i)}}
	rest := buf[i+1 : n]
	restOff := r.off - int64(len(rest))
	r.carry, r.carryOff, r.dropping, r.dropped = nil, restOff, false, 0
	if len(rest) == 0 {
		return lines, err
	}
	own := make([]byte, len(rest))
	copy(own, rest)
	return r.split(own, restOff, lines), err
}

// split appends the complete lines of data (which starts at offset base and
// begins with the carried bytes) to lines, and keeps the incomplete tail.
func (r *Reader) split(data []byte, base int64, lines []sources.Line) []sources.Line {
	if lines == nil {
		lines = make([]sources.Line, 0, len(data)/r.estimated+4)
	}
	max := r.maxLine
	start := 0
	for {
		i := bytes.IndexByte(data[start:], '\n')
		if i < 0 {
			break
		}
		end := start + i
		off := base + int64(start)
		if off < 0 {
			// Began before a Rebase that moved offsets: unknown.
			off = -1
		}
		if i > max {
			lines = append(lines, sources.Line{Data: data[start : start+max : start+max], Offset: off, Truncated: int64(i - max)})
		} else {
			lines = append(lines, sources.Line{Data: data[start:end:end], Offset: off})
		}
		start = end + 1
	}
	if n := len(lines); n > 0 && start > 0 {
		r.estimated = start/n + 1
	}
	rest := data[start:]
	r.carryOff = base + int64(start)
	switch {
	case len(rest) > max:
		// An over-long line began: keep a private copy of its head (the block
		// itself is handed out) and count the rest.
		r.carry = append([]byte(nil), rest[:max]...)
		r.dropping = true
		r.dropped = int64(len(rest) - max)
	case len(rest) > 0:
		// The next Read copies these bytes into its own buffer; the block is
		// only read, never written, after this.
		r.carry = rest
	default:
		r.carry = nil
	}
	return lines
}

// Flush returns the incomplete line being carried, if any, as a line of its
// own (the input ended without a final newline), and forgets it.
func (r *Reader) Flush() (sources.Line, bool) {
	if len(r.carry) == 0 && !r.dropping {
		return sources.Line{}, false
	}
	l := sources.Line{Data: append([]byte(nil), r.carry...), Offset: max(r.carryOff, -1), Truncated: r.dropped}
	r.carry, r.carryOff, r.dropping, r.dropped = nil, r.off, false, 0
	return l, true
}
