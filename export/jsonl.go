package export

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"iter"
	"strconv"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/sanitize"
)

func writeJSONL(w io.Writer, h Header, events iter.Seq[*event.Event]) (int, error) {
	o := &out{w: w, buf: make([]byte, 0, flushAt+4096), body: sha256.New()}
	o.buf = appendJSONHeader(o.buf, &h)
	o.line()
	n, err := o.events(events, appendJSONEvent)
	if err != nil {
		return n, err
	}
	o.buf = append(o.buf, `{"vigil_export_end":{"count":`...)
	o.buf = strconv.AppendInt(o.buf, int64(n), 10)
	o.buf = append(o.buf, `,"sha256":"`...)
	o.buf = hex.AppendEncode(o.buf, o.body.Sum(nil))
	o.buf = append(o.buf, "\"}}\n"...)
	o.body = nil
	o.flush()
	return n, o.err
}

func appendJSONHeader(dst []byte, h *Header) []byte {
	dst = append(dst, `{"vigil_export":{"version":`...)
	dst = event.AppendJSONString(dst, h.Version)
	dst = append(dst, `,"created":`...)
	dst = appendJSONTime(dst, h.Created)
	dst = append(dst, `,"host":`...)
	dst = event.AppendJSONString(dst, h.Host)
	dst = append(dst, `,"selection":`...)
	dst = event.AppendJSONString(dst, h.Selection)
	dst = append(dst, `,"query":`...)
	dst = event.AppendJSONString(dst, h.Query)
	dst = append(dst, `,"from":`...)
	dst = appendJSONTime(dst, h.From)
	dst = append(dst, `,"to":`...)
	dst = appendJSONTime(dst, h.To)
	dst = append(dst, `,"sources":[`...)
	for i, s := range h.Sources {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = event.AppendJSONString(dst, s)
	}
	dst = append(dst, `],"count":`...)
	dst = strconv.AppendInt(dst, int64(h.Count), 10)
	dst = append(dst, `,"hash":`...)
	dst = event.AppendJSONString(dst, hashNote)
	return append(dst, "}}"...)
}

func appendJSONTime(dst []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(dst, "null"...)
	}
	dst = append(dst, '"')
	dst = event.AppendTime(dst, t.UTC())
	return append(dst, '"')
}

// appendJSONEvent appends the contract's JSON form of e with the raw line,
// its exact bytes when JSON cannot carry them, and its hash.
func appendJSONEvent(dst []byte, e *event.Event) []byte {
	dst = event.AppendJSON(dst, e, false)
	dst = dst[:len(dst)-1] // reopen the object: AppendJSON ends with '}'
	if len(e.Raw) > 0 {
		dst = append(dst, `,"raw":`...)
		dst = appendJSONRaw(dst, e.Raw)
		if !utf8.Valid(e.Raw) {
			dst = append(dst, `,"raw_base64":"`...)
			dst = base64.StdEncoding.AppendEncode(dst, e.Raw)
			dst = append(dst, '"')
		}
	}
	dst = append(dst, `,"raw_sha256":"`...)
	dst = appendRawSHA256(dst, e)
	return append(dst, `"}`...)
}

// bytesView is b as a string without a copy, for a callee that only reads
// it during the call.
func bytesView(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// appendJSONRaw appends raw as a JSON string, like event.AppendJSONString,
// that is also inert on a terminal: C1 controls, DEL, bidi and zero-width
// characters are written as \u escapes too, which a JSON reader turns back
// into the same characters, so `cat` and `less` show the file as it is.
func appendJSONRaw(dst, raw []byte) []byte {
	if !sanitize.Needed(raw) {
		return event.AppendJSONString(dst, bytesView(raw))
	}
	dst = append(dst, '"')
	for i := 0; i < len(raw); {
		c := raw[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case c == '\n':
				dst = append(dst, '\\', 'n')
			case c == '\r':
				dst = append(dst, '\\', 'r')
			case c == '\t':
				dst = append(dst, '\\', 't')
			case c < 0x20 || c == 0x7f:
				dst = appendUEscape(dst, rune(c))
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(raw[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			dst = appendUEscape(dst, utf8.RuneError)
		case sanitize.Needed(raw[i : i+n]):
			dst = appendUEscape(dst, r) // every rune sanitize escapes is below U+10000
		default:
			dst = append(dst, raw[i:i+n]...)
		}
		i += n
	}
	return append(dst, '"')
}

func appendUEscape(dst []byte, r rune) []byte {
	const hex = "0123456789abcdef"
	return append(dst, '\\', 'u', hex[r>>12&0xf], hex[r>>8&0xf], hex[r>>4&0xf], hex[r&0xf])
}
