// Package sources turns places where logs live (files, standard input, the
// embedded demo; later journald and remote collectors) into batches of raw
// lines. Decoding lines into events is package sources/decode's job; the
// engine package wires the two together.
package sources

import (
	"context"
	"time"

	"github.com/vigil-sec/vigil/event"
)

// MaxLine is the longest line a source hands on. Longer lines are cut at
// MaxLine bytes, the rest is skipped without being held in memory, and the
// line's Truncated field says how many bytes were dropped.
const MaxLine = 64 << 10

// Line is one line read by a source.
type Line struct {
	// Data is the line without its trailing newline. It aliases the batch's
	// buffer: the receiver of the batch owns it and nothing else writes it.
	Data []byte
	// Offset is the byte offset of the start of the line in its file, or -1
	// when the source has no offsets (a pipe).
	Offset int64
	// Truncated counts the bytes dropped from an over-long line.
	Truncated int64
}

// Batch is a group of lines and notices from one source (one file). Notices
// (already-built events such as log.integrity findings) happened before
// Lines. A source sends a batch and never touches it again.
type Batch struct {
	// Source names the origin, e.g. "file:/var/log/auth.log" or "stdin".
	Source string
	// ModTime is the modification time of the file the lines came from, used
	// to infer the year of timestamps that lack one. Zero means "now".
	ModTime time.Time
	// Live is true once the source has caught up with the existing content
	// and these lines were appended while following.
	Live bool
	// Format is the decoder format of Lines when the source knows it (the
	// journald source sends journal-export entries); empty means the
	// decoder detects it, or uses the user's --input-format.
	Format  string
	Notices []event.Event
	Lines   []Line
}

// Source is something that produces batches of lines.
//
// Run blocks until ctx is cancelled, the source is exhausted (when it does
// not follow), or it fails. It sends batches on out, never closes out, owns
// every goroutine it starts and has joined them all before it returns. It
// never writes to stdout or stderr: problems it can work around are sent as
// notices, problems it cannot are returned as errors.
type Source interface {
	Run(ctx context.Context, out chan<- Batch) error
	// Name is the source as the user wrote it.
	Name() string
}

// Notice builds a notice event for a source: a finding of the source itself
// (rotation, truncation, a fallback), not a line from the log.
func Notice(source string, sev event.Severity, msg string, categories ...string) event.Event {
	return event.Event{
		Time:       time.Now().UTC(),
		Host:       "",
		App:        "vigil",
		Severity:   sev,
		Message:    msg,
		Categories: categories,
		Source:     source,
		Format:     "notice",
		Offset:     -1,
	}
}

// StateField is the field of a notice that says what state the source is
// in after it, for the UI's header and sources pane. Notices that change
// nothing about the source leave it unset.
const StateField = "source_state"

// Source states a notice can report.
const (
	StateRotated   = "rotated"   // the file was rotated or re-created; following the new one
	StateDeleted   = "deleted"   // the file is gone; waiting for it to come back
	StatePolling   = "polling"   // changes are found by polling, not inotify
	StateRestarted = "restarted" // the reader (journalctl) ended and was restarted
	StateError     = "error"     // the source cannot be read at the moment
)

// WithState returns n saying the source is now in state.
func WithState(n event.Event, state string) event.Event {
	n.SetField(StateField, state)
	return n
}
