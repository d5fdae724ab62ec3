package journald

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"

	"github.com/vigil-sec/vigil/sources"
)

// Block sizes of the export reader. The pipe is enlarged to pipeSize, so a
// read can return up to that much; a block holds a few reads' worth of
// entries and is never written again once entries in it were handed on,
// except past their end.
const (
	blockSize = 1 << 20
	minRead   = 256 << 10
	pipeSize  = 1 << 20
	// smallRead is a read that returned so little that journalctl is
	// writing faster than it fills the pipe: see exportReader.lastRead.
	smallRead = 32 << 10
	// maxEntry bounds one entry held while it is read. journald itself
	// caps an entry far lower by default; past this the output is not an
	// export stream.
	maxEntry = 256 << 20
)

// errBadExport is returned for bytes that cannot be an export stream.
var errBadExport = errors.New("journalctl's output is not in the export format")

// entry is one complete export entry found in a block.
type entry struct {
	// data is the entry's fields, each ended by its newline, without the
	// blank line that ends the entry.
	data []byte
	// cursor, boot and realtime are the values of __CURSOR, _BOOT_ID and
	// __REALTIME_TIMESTAMP, aliasing data (nil when absent).
	cursor, boot, realtime []byte
}

// exportReader splits journalctl's export output into entries without
// copying them: entries alias a block that is never written again below
// the point already handed on.
type exportReader struct {
	r     io.Reader
	blk   []byte
	start int // first byte not yet returned as part of an entry
	end   int // bytes of blk filled
	eof   bool
	// lastRead is what the last read returned. journalctl writes 4 KiB
	// at a time; a reader that takes each write as it comes spends more
	// on system calls and wake-ups than on the entries.
	lastRead int
}

func newExportReader(r io.Reader) *exportReader {
	return &exportReader{r: r, blk: make([]byte, blockSize)}
}

// fill reads once more into the block, moving the incomplete entry to a
// new block when the current one has too little room left. It returns
// io.EOF at the end of the stream and any read error.
func (x *exportReader) fill() error {
	if x.eof {
		return io.EOF
	}
	if len(x.blk)-x.end < minRead {
		pending := x.end - x.start
		if pending >= maxEntry {
			return errBadExport
		}
		nb := make([]byte, max(blockSize, 2*pending+minRead))
		copy(nb, x.blk[x.start:x.end])
		x.blk, x.start, x.end = nb, 0, pending
	}
	n, err := x.r.Read(x.blk[x.end:])
	x.end += n
	x.lastRead = n
	if err == io.EOF {
		x.eof = true
		if n > 0 {
			return nil
		}
	}
	return err
}

// next returns the next complete entry held in the block; ok is false when
// more bytes are needed first.
func (x *exportReader) next() (e entry, ok bool, err error) {
	b := x.blk[x.start:x.end]
	pos := 0
	for {
		if pos >= len(b) {
			return e, false, nil
		}
		if b[pos] == '\n' {
			if pos == 0 {
				// A stray blank line (journalctl writes none): skip it.
				x.start++
				b = b[1:]
				continue
			}
			e.data = b[:pos]
			x.start += pos + 1
			return e, true, nil
		}
		nl := bytes.IndexByte(b[pos:], '\n')
		if nl < 0 {
			return e, false, nil
		}
		line := b[pos : pos+nl]
		if eq := bytes.IndexByte(line, '='); eq >= 0 {
			key, val := line[:eq], line[eq+1:]
			switch string(key) {
			case "__CURSOR":
				e.cursor = val
			case "_BOOT_ID":
				e.boot = val
			case "__REALTIME_TIMESTAMP":
				e.realtime = val
			}
			pos += nl + 1
			continue
		}
		// KEY\n<le64 length><value>\n
		p := pos + nl + 1
		if len(b)-p < 8 {
			return e, false, nil
		}
		n := binary.LittleEndian.Uint64(b[p:])
		if n > maxEntry {
			return e, false, errBadExport
		}
		p += 8
		if uint64(len(b)-p) < n+1 {
			return e, false, nil
		}
		if b[p+int(n)] != '\n' {
			return e, false, errBadExport
		}
		if string(line) == "_BOOT_ID" {
			e.boot = b[p : p+int(n)]
		}
		pos = p + int(n) + 1
	}
}

// compact rewrites an entry longer than sources.MaxLine into the fields
// the journal-export decoder reads, with MESSAGE cut so the whole fits in
// MaxLine. It returns the line with Truncated set to the bytes cut.
func compact(data []byte) sources.Line {
	keep := func(k []byte) bool {
		switch string(k) {
		case "__CURSOR", "__REALTIME_TIMESTAMP", "_HOSTNAME", "SYSLOG_IDENTIFIER", "_COMM",
			"_PID", "SYSLOG_PID", "_UID", "PRIORITY", "UNIT", "USER_UNIT", "_SYSTEMD_UNIT",
			"MESSAGE_ID", "_TRANSPORT", "_BOOT_ID":
			return true
		}
		return false
	}
	var out []byte
	var msg []byte
	eachField(data, func(k, v []byte, binary bool) {
		switch {
		case string(k) == "MESSAGE" && msg == nil:
			msg = v
		case keep(k) && len(v) < 4096:
			out = appendField(out, k, v)
		}
	})
	var cut int64
	if room := sources.MaxLine - len(out) - len("MESSAGE\n") - 9; len(msg) > room {
		room = max(room, 0)
		cut = int64(len(msg) - room)
		msg = msg[:room]
	}
	if msg != nil {
		out = appendField(out, []byte("MESSAGE"), msg)
	}
	return sources.Line{Data: out, Offset: -1, Truncated: cut}
}

// appendField appends one field in export form: as text when the value
// has no newline, else in the binary form.
func appendField(dst, k, v []byte) []byte {
	dst = append(dst, k...)
	if bytes.IndexByte(v, '\n') < 0 {
		dst = append(dst, '=')
		dst = append(dst, v...)
		return append(dst, '\n')
	}
	dst = append(dst, '\n')
	dst = binary.LittleEndian.AppendUint64(dst, uint64(len(v)))
	dst = append(dst, v...)
	return append(dst, '\n')
}

// eachField calls fn for each field of a complete entry.
func eachField(data []byte, fn func(k, v []byte, binary bool)) {
	for pos := 0; pos < len(data); {
		nl := bytes.IndexByte(data[pos:], '\n')
		if nl < 0 {
			nl = len(data) - pos
		}
		line := data[pos : pos+nl]
		if eq := bytes.IndexByte(line, '='); eq >= 0 {
			fn(line[:eq], line[eq+1:], false)
			pos += nl + 1
			continue
		}
		p := pos + nl + 1
		if len(data)-p < 8 {
			return
		}
		n := binary.LittleEndian.Uint64(data[p:])
		p += 8
		if uint64(len(data)-p) < n {
			return
		}
		fn(line, data[p:p+int(n)], true)
		pos = p + int(n) + 1
	}
}
