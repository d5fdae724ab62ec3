package file

import (
	"io"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/vigil-sec/vigil/sources"
	"github.com/vigil-sec/vigil/sources/linereader"
)

// fingerprintLen is how many bytes from a file's first whole line identify
// its content: to notice a truncation that the file outgrew before we
// looked, and to recognise rotated copies. It spans several lines, so that
// content that repeats (a line's tail, a common message) does not pass for
// the same generation.
const fingerprintLen = 1024

// minFingerprint is the shortest match accepted when a file is shorter than
// a fingerprint (a generation copied while still tiny).
const minFingerprint = 64

// tracked is one open file (one inode) of a followed path. The descriptor is
// ours until retire: a rotated or deleted file stays readable, and its inode
// number cannot be reused while we hold it.
type tracked struct {
	f        *os.File
	dev, ino uint64

	// mu serialises size observations so that they are ordered: the notifier
	// and the reader both fstat under it.
	mu     sync.Mutex
	last   int64   // size at the latest observation
	truncs []int64 // sizes just before each shrink seen since the reader last looked

	// Reader-only state.
	lr           *linereader.Reader
	head         []byte    // start of the first whole line of the current content
	headOff      int64     // where head lies in the file
	grewAt       time.Time // when a read last returned data
	supersededAt time.Time // when a newer file was first seen at the path
}

// openTracked opens path and identifies what it opened.
func openTracked(path string) (*tracked, error) {
	f, fi, err := openRegular(path)
	if err != nil {
		return nil, err
	}
	dev, ino := fileID(fi)
	t := &tracked{f: f, dev: dev, ino: ino, last: fi.Size(), grewAt: time.Now()}
	t.lr = linereader.New(&offsetReader{f: f}, 0, 0)
	return t, nil
}

// fileID returns the device and inode numbers of fi.
func fileID(fi os.FileInfo) (dev, ino uint64) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Dev), st.Ino
	}
	return 0, 0
}

// links returns the link count of fi: 0 once the file has been deleted.
func links(fi os.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Nlink)
	}
	return 1
}

// observe records the current size (notifier side): a size below the
// previous one is a truncation, and the previous size is kept as the best
// known length of the content that was cut.
func (t *tracked) observe() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if fi, err := t.f.Stat(); err == nil {
		t.record(fi.Size())
	}
}

func (t *tracked) record(size int64) {
	if size < t.last {
		t.truncs = append(t.truncs, t.last)
	}
	t.last = size
}

// sync observes the size (reader side) and takes the truncations recorded
// since the previous sync. prev is the size at the previous observation.
func (t *tracked) sync() (fi os.FileInfo, truncs []int64, prev int64, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	fi, err = t.f.Stat()
	if err != nil {
		return nil, nil, 0, err
	}
	prev = t.last
	t.record(fi.Size())
	truncs, t.truncs = t.truncs, nil
	return fi, truncs, prev, nil
}

// setHead takes the fingerprint from the first line of lines that starts at
// a known offset and the lines that follow it in the file, up to
// fingerprintLen bytes.
func (t *tracked) setHead(lines []sources.Line) {
	for i, l := range lines {
		if l.Offset < 0 || len(l.Data) == 0 {
			continue
		}
		head := make([]byte, 0, fingerprintLen)
		next := l.Offset
		for _, m := range lines[i:] {
			if m.Offset != next || m.Truncated != 0 || len(head) >= fingerprintLen {
				break
			}
			head = append(append(head, m.Data...), '\n')
			next += int64(len(m.Data)) + 1
		}
		t.head, t.headOff = head[:min(len(head), fingerprintLen)], l.Offset
		return
	}
}

// headChanged reports whether the start of the file no longer matches the
// first lines we read from it.
func (t *tracked) headChanged() bool {
	if len(t.head) == 0 {
		return false
	}
	return !fingerprint{data: t.head, off: t.headOff}.in(t.f)
}

// offsetReader reads a file with pread from its own offset, so that the
// descriptor's shared position never matters and a reset is just an
// assignment.
type offsetReader struct {
	f   *os.File
	off int64
}

func (r *offsetReader) Read(p []byte) (int, error) {
	n, err := r.f.ReadAt(p, r.off)
	r.off += int64(n)
	if n > 0 && err == io.EOF {
		err = nil
	}
	return n, err
}
