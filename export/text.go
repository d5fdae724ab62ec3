package export

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"iter"
	"strconv"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/sanitize"
)

func writeText(w io.Writer, h Header, events iter.Seq[*event.Event]) (int, error) {
	o := &out{w: w, buf: make([]byte, 0, flushAt+4096), body: sha256.New()}
	meta := func(k, v string) {
		o.buf = append(o.buf, "# "...)
		o.buf = append(o.buf, k...)
		o.buf = append(o.buf, ':')
		if v != "" {
			o.buf = append(o.buf, ' ')
			o.buf = appendSafe(o.buf, v)
		}
		o.line()
	}
	o.buf = append(o.buf, "# vigil export"...)
	if h.Version != "" {
		o.buf = append(o.buf, ' ')
		o.buf = appendSafe(o.buf, h.Version)
	}
	o.line()
	meta("created", string(appendTime(nil, h.Created, "unknown")))
	meta("host", h.Host)
	meta("selection", h.Selection)
	meta("query", h.Query)
	if h.From.IsZero() && h.To.IsZero() {
		meta("window", "unknown")
	} else {
		win := appendTime(nil, h.From, "unknown")
		win = append(win, " – "...)
		meta("window", string(appendTime(win, h.To, "unknown")))
	}
	for _, s := range h.Sources {
		meta("source", s)
	}
	meta("events", strconv.Itoa(h.Count))
	meta("hash", hashNote)

	n, err := o.events(events, appendTextEvent)
	if err != nil {
		return n, err
	}
	o.buf = append(o.buf, "# end: "...)
	o.buf = strconv.AppendInt(o.buf, int64(n), 10)
	o.buf = append(o.buf, " events, sha256 of the lines above "...)
	o.buf = hex.AppendEncode(o.buf, o.body.Sum(nil))
	o.body = nil
	o.line()
	o.flush()
	return n, o.err
}

// appendTextEvent appends e's line without its newline.
func appendTextEvent(dst []byte, e *event.Event) []byte {
	dst = event.AppendTime(dst, e.Time)
	dst = append(dst, ' ')
	dst = appendOr(dst, e.Host, "-")
	dst = append(dst, ' ')
	dst = appendOr(dst, e.App, "-")
	if e.PID != 0 {
		dst = append(dst, '[')
		dst = strconv.AppendInt(dst, int64(e.PID), 10)
		dst = append(dst, ']')
	}
	dst = append(dst, ": "...)
	dst = appendSafe(dst, e.Message)
	if len(e.Categories) > 0 {
		dst = append(dst, "  ["...)
		for i, c := range e.Categories {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendSafe(dst, c)
		}
		dst = append(dst, ']')
	}
	if e.Truncated > 0 {
		dst = append(dst, "  truncated="...)
		dst = strconv.AppendInt(dst, e.Truncated, 10)
	}
	dst = append(dst, "  sha256="...)
	return appendRawSHA256(dst, e)
}

func appendOr(dst []byte, s, empty string) []byte {
	if s == "" {
		return append(dst, empty...)
	}
	return appendSafe(dst, s)
}

// appendSafe appends s, escaped if it holds anything a terminal would act
// on. Event strings are escaped already; this keeps the promise for any
// that are not.
func appendSafe(dst []byte, s string) []byte {
	if sanitize.NeededString(s) {
		return sanitize.Append(dst, []byte(s))
	}
	return append(dst, s...)
}
