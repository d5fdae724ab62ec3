// Package decode turns raw log lines into events.
//
// A Decoder knows ten formats (see Formats). It either uses the one it was
// told to use, or detects the format of a source from its first lines and
// still decodes each later line with whatever format fits it, so a mixed
// file (a collector's output, a concatenation of logs) decodes line by line.
//
// Untrusted content: every string a Decoder stores in an event (Host, App,
// Message, field keys and values) has been passed through package sanitize
// exactly once, after any format-level unescaping (JSON \u001b becomes the
// visible text \x1b). Raw keeps the original bytes.
package decode

import (
	"time"
	"unsafe"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/internal/human"
	"github.com/vigil-sec/vigil/sanitize"
	"github.com/vigil-sec/vigil/sources"
)

// Format names, as accepted by Options.Format and stored in event.Event.Format.
const (
	FormatRFC3164     = "rfc3164"
	FormatRFC5424     = "rfc5424"
	FormatJournalJSON = "journal-json"
	// FormatJournalExport is one entry of journalctl's export format, as
	// the journald source hands entries on (Batch.Format says so). Only
	// an entry starting __CURSOR= or __REALTIME_TIMESTAMP= fits it.
	FormatJournalExport = "journal-export"
	FormatJSON          = "json"
	FormatLogfmt        = "logfmt"
	FormatAccess        = "access"
	FormatApacheError   = "apache-error"
	FormatAuditd        = "auditd"
	FormatDpkg          = "dpkg"
	FormatPlain         = "plain"
)

// formatID indexes the decoders; the order is the fallback order used when
// the preferred format does not fit a line. Formats that reject a foreign
// line on its first bytes come first, logfmt (which accepts any k=v text)
// comes last before plain.
type formatID uint8

const (
	fJournalExport formatID = iota
	fDpkg
	fRFC5424
	fRFC3164
	fJournalJSON
	fJSON
	fAuditd
	fAccess
	fApacheError
	fLogfmt
	fPlain
	numFormats
)

var formatNames = [numFormats]string{
	fRFC3164:       FormatRFC3164,
	fRFC5424:       FormatRFC5424,
	fJournalJSON:   FormatJournalJSON,
	fJournalExport: FormatJournalExport,
	fJSON:          FormatJSON,
	fLogfmt:        FormatLogfmt,
	fAccess:        FormatAccess,
	fApacheError:   FormatApacheError,
	fAuditd:        FormatAuditd,
	fDpkg:          FormatDpkg,
	fPlain:         FormatPlain,
}

// Formats lists the format names, for --format-in style flags and docs.
func Formats() []string {
	return []string{
		FormatRFC3164, FormatRFC5424, FormatJournalJSON, FormatJournalExport, FormatJSON, FormatLogfmt,
		FormatAccess, FormatApacheError, FormatAuditd, FormatDpkg, FormatPlain,
	}
}

// IsFormat reports whether name is one of Formats (or "" for auto-detection).
func IsFormat(name string) bool {
	if name == "" {
		return true
	}
	_, ok := lookupFormat(name)
	return ok
}

func lookupFormat(name string) (formatID, bool) {
	for i, n := range formatNames {
		if n == name {
			return formatID(i), true
		}
	}
	return 0, false
}

// Options configures a Decoder.
type Options struct {
	// Format is "" to detect the format, or one of Formats to force it. A
	// forced format still falls back to plain for a line it cannot parse.
	// An unknown name means auto-detection; check names with IsFormat.
	Format string
	// Location is the zone for timestamps that carry none (RFC 3164, Apache
	// error logs); nil means time.Local.
	Location *time.Location
}

// Decoder decodes the lines of one source. Not safe for concurrent use; one
// per source, because it keeps the detection state and time caches of that
// source.
type Decoder struct {
	loc    *time.Location
	forced bool
	det    detector

	// clean is true while decoding a line that contains nothing sanitize
	// would change, so every substring of it can be stored as it is.
	clean bool

	tc localTimeCache
}

// New returns a Decoder for one source.
func New(opts Options) *Decoder {
	d := &Decoder{loc: opts.Location}
	if d.loc == nil {
		d.loc = time.Local
	}
	if id, ok := lookupFormat(opts.Format); ok && opts.Format != "" {
		d.forced = true
		d.det.preferred = id
		d.det.done = true
	} else {
		d.det.preferred = fRFC3164
	}
	return d
}

// Decode overwrites *dst with the event for line. ref is the reference time
// for timestamps without a year (the file's mtime for backlog, time.Now()
// when live); arrival is the time to use when the line has no timestamp at
// all. A zero ref means arrival, a zero arrival means time.Now().
//
// The event keeps references into line.Data (Raw is line.Data, and Host,
// App, Message and field strings may alias it), so the caller must never
// modify line.Data afterwards; sources guarantee that for their batches.
//
// Decode sets Time (UTC), TimeGuessed, Host, App, PID, Severity, Message,
// Fields (may be nil), Format, Offset, Truncated and Raw (= line.Data, not a
// copy). It leaves Seq and Source zero. It never panics: should a decoder
// ever fail on some input, the line is stored as plain text.
func (d *Decoder) Decode(dst *event.Event, line sources.Line, ref, arrival time.Time) {
	if arrival.IsZero() {
		arrival = time.Now()
	}
	if ref.IsZero() {
		ref = arrival
	}
	defer func() {
		if recover() != nil {
			d.clean = false
			d.decodeAs(fPlain, dst, string(line.Data), line, ref, arrival)
			d.finish(dst, line)
		}
	}()
	d.decodeLine(dst, line, ref, arrival)
}

// decodeLine is Decode without the recover, so tests and fuzzers see panics.
func (d *Decoder) decodeLine(dst *event.Event, line sources.Line, ref, arrival time.Time) {
	data := line.Data
	if n := len(data); n > 0 && data[n-1] == '\r' {
		data = data[:n-1]
	}
	// Every stored string is a substring of the line unless it had to be
	// escaped or unescaped. The line's bytes are shared, not copied: like
	// Raw, which is line.Data itself, strings of the event alias the
	// source's buffer, which by the sources.Line contract nothing writes
	// again. That saves an allocation and a copy per line, and the batch's
	// block stays the only copy of the text in memory.
	s := unsafe.String(unsafe.SliceData(data), len(data))
	d.clean = !sanitize.Needed(data)

	// A source whose lines so far were all plain text has no preferred
	// format: every structured format gets a try before plain.
	id := d.det.preferred
	if (id == fPlain && !d.forced) || !d.decodeAs(id, dst, s, line, ref, arrival) {
		id = fPlain
		if !d.forced {
			for f := formatID(0); f < fPlain; f++ {
				if f != d.det.preferred && d.decodeAs(f, dst, s, line, ref, arrival) {
					id = f
					break
				}
			}
		}
		if id == fPlain {
			d.decodeAs(fPlain, dst, s, line, ref, arrival)
		}
	}
	d.det.observe(id)
	d.finish(dst, line)
}

// decodeAs resets *dst and decodes s (line.Data without a trailing CR) as
// format id. It reports false when the line is not in that format; *dst is
// then to be overwritten.
func (d *Decoder) decodeAs(id formatID, ev *event.Event, s string, line sources.Line, ref, arrival time.Time) bool {
	*ev = event.Event{
		Severity: event.Info,
		Format:   formatNames[id],
		Offset:   line.Offset,
		Raw:      line.Data,
	}
	switch id {
	case fRFC3164:
		return len(s) >= 15 && d.decodeRFC3164(ev, s, ref, arrival)
	case fRFC5424:
		return len(s) >= 8 && s[0] == '<' && d.decodeRFC5424(ev, s, arrival)
	case fJournalJSON:
		return looksJSONObject(s) && d.decodeJournalJSON(ev, s, arrival)
	case fJournalExport:
		return len(s) > 2 && s[0] == '_' && d.decodeJournalExport(ev, s, line.Data[:len(s)], arrival)
	case fJSON:
		return looksJSONObject(s) && d.decodeJSON(ev, s, arrival)
	case fLogfmt:
		return len(s) >= 3 && d.decodeLogfmt(ev, s, arrival)
	case fAccess:
		return len(s) >= 20 && d.decodeAccess(ev, s)
	case fApacheError:
		return len(s) >= 20 && (s[0] == '[' || s[0] >= '0' && s[0] <= '9') && d.decodeApacheError(ev, s, arrival)
	case fAuditd:
		return len(s) >= 20 && (s[0] == 't' || s[0] == 'n') && d.decodeAuditd(ev, s)
	case fDpkg:
		return len(s) >= 28 && s[4] == '-' && s[10] == ' ' && d.decodeDpkg(ev, s, ref)
	}
	d.decodePlain(ev, s, arrival)
	return true
}

// finish applies what every format shares: the truncation marker.
func (d *Decoder) finish(ev *event.Event, line sources.Line) {
	ev.Truncated = line.Truncated
	if line.Truncated > 0 {
		ev.Message += " … [truncated " + human.Bytes(line.Truncated) + "]"
	}
}

// text returns s made safe for display: s itself when the whole line needed
// no escaping, the escaped form otherwise. Use it for substrings of the line;
// strings produced by unescaping go through sanitize.String directly.
func (d *Decoder) text(s string) string {
	if d.clean {
		return s
	}
	return sanitize.String(s)
}

// setField stores a field whose key and value are substrings of the line.
func (d *Decoder) setField(ev *event.Event, k, v string) {
	ev.SetField(d.text(k), d.text(v))
}
