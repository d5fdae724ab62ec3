// Package export writes events to an evidence file: the marked or filtered
// events of the UI, as JSON lines, CSV or text, each with a header saying
// what was exported (query, selection, time window, sources, who and when)
// and the SHA-256 of every event's raw line.
//
// # Hashes
//
// Every event carries raw_sha256, the hex SHA-256 of its original line as
// read (Event.Raw, without the newline). An event that kept no raw line
// (Raw empty) is hashed over its message instead, and the header says so.
// A line cut at the length limit is hashed over the bytes kept; the JSON
// form says "truncated_bytes" and the text form "truncated=N" for it (CSV
// has no column for it).
//
// JSON lines and text end with a trailer giving the number of events written
// and the SHA-256 of every byte before the trailer line, header included:
//
//	head -n -1 FILE | sha256sum
//
// reproduces it. The trailer detects truncation and accidental edits; it
// cannot stop someone who edits the file and recomputes the sum, so record
// the file's own hash in the case notes as well.
//
// # JSON lines (.jsonl, .json, .ndjson)
//
// The first line is the header object:
//
//	{"vigil_export":{"version":"v1.2.0","created":"2026-11-22T04:00:00.000000Z","host":"ir1",
//	 "selection":"marked","query":"app:sshd","from":"...","to":"...","sources":["file:/var/log/auth.log"],
//	 "count":2,"hash":"..."}}
//
// with "created", "from" and "to" null when unknown. Then one event a line
// in the contract's JSON form (what `vigil stream --format json` prints),
// with "raw" (the original line; JSON cannot carry invalid UTF-8, so such
// bytes read as U+FFFD and "raw_base64" then holds the exact bytes) and
// "raw_sha256" added. The last line is the trailer:
//
//	{"vigil_export_end":{"count":2,"sha256":"..."}}
//
// # CSV (.csv)
//
// RFC 4180 fields, "\n" line ends, UTF-8 without a byte order mark. The
// file opens with the header as comment rows: each is a two-field record
// whose first field starts with '#' ("# query","app:sshd"), so a reader
// that skips '#' lines (encoding/csv's Comment, pandas' comment='#', R's
// comment.char) sees only the table, and a spreadsheet shows the header as
// labelled cells above it. `grep -v '^#'` gives a plain table for tools that
// know no comments. Then the column row and one row per event:
//
//	time,host,app,pid,severity,categories,rules,user,src_ip,message,source,offset,raw_sha256
//
// Times are the contract's fixed-width UTC form (microseconds), which sorts
// as text; categories and rules are joined with ';'; pid and offset are
// empty when unknown. A cell that begins with = + - @ TAB or CR, which
// spreadsheets may run as a formula, gets a leading apostrophe (OWASP's
// advice on CSV injection); every other cell is the event's text as is.
// CSV has no trailer: a last row that is not an event would break tools.
//
// # Text (.txt, .log)
//
// '#' header lines, one line an event, then the trailer line:
//
//	# vigil export v1.2.0
//	# query: app:sshd
//	...
//	2026-11-22T03:05:49.123456Z web1 sshd[1234]: Failed password for root  [auth.failure]  sha256=<hex>
//	# end: 1 events, sha256 of the lines above <hex>
//
// An event line is time, host, app[pid] (a '-' for an empty host or app),
// the message, the categories in brackets when there are any,
// "truncated=N" for a cut line, and the raw line's hash, always last.
//
// # Untrusted text
//
// Text and CSV never carry control characters from log content: the
// event's escaped strings are written (see package sanitize), never Raw, and
// any string that still needs escaping (the query, a source name) is escaped
// here. JSON escapes everything it writes.
package export

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"iter"
	"path/filepath"
	"strings"
	"time"

	"github.com/vigil-sec/vigil/event"
)

// Format is an export file format.
type Format int

// The formats. The zero Format is none of them.
const (
	JSONL Format = iota + 1
	CSV
	Text
)

// String returns the format's name as ParseFormat accepts it.
func (f Format) String() string {
	switch f {
	case JSONL:
		return "jsonl"
	case CSV:
		return "csv"
	case Text:
		return "text"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// Ext returns the usual file name extension of the format, with its dot.
func (f Format) Ext() string {
	switch f {
	case JSONL:
		return ".jsonl"
	case CSV:
		return ".csv"
	case Text:
		return ".txt"
	}
	return ""
}

// ParseFormat maps a format name to a Format: "json", "jsonl" or "ndjson",
// "csv", "text" or "txt", in any case.
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "json", "jsonl", "ndjson":
		return JSONL, nil
	case "csv":
		return CSV, nil
	case "text", "txt":
		return Text, nil
	}
	return 0, fmt.Errorf("unknown export format %q (want jsonl, csv or text)", s)
}

// FormatForPath infers the format from a file name's extension (.jsonl,
// .json, .ndjson, .csv, .txt, .log, in any case). ok is false for any other.
func FormatForPath(path string) (f Format, ok bool) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".jsonl", ".json", ".ndjson":
		return JSONL, true
	case ".csv":
		return CSV, true
	case ".txt", ".log":
		return Text, true
	}
	return 0, false
}

// Header describes an export. Write records it at the top of the file.
type Header struct {
	// Query is the filter in force, "" for none.
	Query string
	// Selection says which events: "marked", "filtered" or "all".
	Selection string
	// From and To are the times of the first and last event exported; zero
	// when unknown.
	From, To time.Time
	// Sources name where the events came from, as in Event.Source.
	Sources []string
	// Created is when the export was made.
	Created time.Time
	// Host is the machine that made the export (the caller's os.Hostname).
	Host string
	// Version is vigil's version.
	Version string
	// Count is the number of events the caller is about to export. Write
	// fails if the sequence yields a different number, so the header never
	// states a wrong count unnoticed.
	Count int
}

// hashNote is the header's description of raw_sha256.
const hashNote = "sha256 of each event's raw line (of its message where no raw line was kept), in raw_sha256"

// ErrCount is returned, wrapped, when the events did not number
// Header.Count. The output is complete but its header is wrong.
var ErrCount = errors.New("event count differs from the header")

// Write writes h and then every event of events to w in format f and
// returns the number of events written. nil events are skipped. If the
// events do not number h.Count the output is complete but Write returns an
// error wrapping ErrCount. w gets
// writes of up to about 64 KiB; Write does not close it. On an error the
// output stops where it failed.
func Write(w io.Writer, f Format, h Header, events iter.Seq[*event.Event]) (int, error) {
	var (
		n   int
		err error
	)
	switch f {
	case JSONL:
		n, err = writeJSONL(w, h, events)
	case CSV:
		n, err = writeCSV(w, h, events)
	case Text:
		n, err = writeText(w, h, events)
	default:
		return 0, fmt.Errorf("export: unknown format %v", f)
	}
	if err != nil {
		return n, fmt.Errorf("export: %w", err)
	}
	if n != h.Count {
		return n, fmt.Errorf("export: %w: wrote %d events, header says %d", ErrCount, n, h.Count)
	}
	return n, nil
}

// RawSHA256 returns the hex SHA-256 of e.Raw, or of e.Message when Raw is
// empty.
func RawSHA256(e *event.Event) string {
	return string(appendRawSHA256(nil, e))
}

// appendRawSHA256 appends RawSHA256(e) to dst without allocating when dst
// has room.
func appendRawSHA256(dst []byte, e *event.Event) []byte {
	var sum [sha256.Size]byte
	if len(e.Raw) > 0 {
		sum = sha256.Sum256(e.Raw)
	} else {
		sum = sha256.Sum256([]byte(e.Message))
	}
	return hex.AppendEncode(dst, sum[:])
}

// flushAt is the size at which buffered output goes to the writer.
const flushAt = 64 << 10

// out buffers output for w and, for the formats with a trailer, hashes
// what it writes. The first error sticks.
type out struct {
	w    io.Writer
	buf  []byte
	body hash.Hash // nil when the format has no trailer
	err  error
}

func (o *out) flush() {
	if o.err != nil || len(o.buf) == 0 {
		o.buf = o.buf[:0]
		return
	}
	if o.body != nil {
		o.body.Write(o.buf) // a hash.Hash never fails
	}
	_, o.err = o.w.Write(o.buf)
	o.buf = o.buf[:0]
}

// line ends the current line and flushes when the buffer is full.
func (o *out) line() {
	o.buf = append(o.buf, '\n')
	if len(o.buf) >= flushAt {
		o.flush()
	}
}

// appendTime appends t in the contract's form, or unknown when t is zero.
func appendTime(dst []byte, t time.Time, unknown string) []byte {
	if t.IsZero() {
		return append(dst, unknown...)
	}
	return event.AppendTime(dst, t.UTC())
}

// events writes one line per non-nil event with add, then flushes, and
// returns how many it wrote; it stops at the first write error.
func (o *out) events(events iter.Seq[*event.Event], add func([]byte, *event.Event) []byte) (int, error) {
	n := 0
	for e := range events {
		if e == nil {
			continue
		}
		o.buf = add(o.buf, e)
		o.line()
		n++
		if o.err != nil {
			return n, o.err
		}
	}
	o.flush()
	return n, o.err
}
