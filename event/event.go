// Package event defines the Event, the one value every other package of
// vigil shares: sources produce events, filters and rules annotate them, the
// UI and the stream command render them.
//
// Event is a leaf package: it imports nothing from vigil.
package event

import "time"

// Event is one decoded log record.
//
// Every string that came from outside (Host, App, Message, field values,
// Source) has been escaped by package sanitize before it was stored, so an
// Event can be rendered to a terminal as it is. The original bytes are kept
// in Raw for matching, hashing and export.
type Event struct {
	// Seq is the position of the event in its pipeline, assigned on entry.
	Seq uint64
	// Time is when the event happened, always UTC.
	Time time.Time
	// TimeGuessed is set when Time was inferred: a format without a year or
	// zone, or no timestamp at all (arrival time).
	TimeGuessed bool
	Host        string
	App         string
	PID         int
	Severity    Severity
	Message     string
	// Fields holds normalised fields (contract names such as user, src_ip)
	// and format-specific keys. It may be nil.
	Fields map[string]string
	// Categories are security category IDs, most specific first, and Rules
	// the IDs of the rules that set them. Both may be shared with the rule
	// set and with other events: treat them as read-only (append copies,
	// since they are full, but never write their elements).
	Categories []string
	Rules      []string
	Template   string
	// Source names where the event came from, e.g. "file:/var/log/auth.log".
	Source string
	// Format is the decoder that produced the event (rfc3164, json, ...).
	Format string
	// Offset is the byte offset of the line in its source, -1 if unknown.
	Offset int64
	// Truncated counts bytes dropped from an over-long line.
	Truncated int64
	// Raw is the original line, without its newline.
	Raw []byte
	// Deviations are baseline findings for this event.
	Deviations []Deviation
	// Arrival is when a live source read the line (zero for lines of a
	// backlog or history), to tell a host's clock from its delivery.
	Arrival time.Time
}

// Deviation is one baseline finding attached to an event.
type Deviation struct {
	Kind     string  `json:"kind"`
	Key      string  `json:"key"`
	Expected string  `json:"expected"`
	Observed string  `json:"observed"`
	Score    float64 `json:"score"`
	Reason   string  `json:"reason"`
}

// Deviation kinds: the contract's list, in the order people read them.
const (
	DevNewTemplate = "new_template"
	DevRateHigh    = "rate_high"
	DevRateLow     = "rate_low"
	DevNewValue    = "new_value"
	DevOutOfHours  = "out_of_hours"
	DevSilence     = "silence"
	DevClockSkew   = "clock_skew"
)

// DeviationKinds returns the deviation kinds in the order people read them
// (a new slice each call).
func DeviationKinds() []string {
	return []string{DevNewTemplate, DevRateHigh, DevRateLow, DevNewValue, DevOutOfHours, DevSilence, DevClockSkew}
}

// HasCategory reports whether the event carries category id.
func (e *Event) HasCategory(id string) bool {
	for _, c := range e.Categories {
		if c == id {
			return true
		}
	}
	return false
}

// SetField sets a field, allocating the map on first use.
func (e *Event) SetField(k, v string) {
	if e.Fields == nil {
		e.Fields = make(map[string]string, 4)
	}
	e.Fields[k] = v
}

// Category IDs that the source layer itself emits. The full list lives in
// the rules; these are the ones sources need without importing rules.
const (
	CategoryLogIntegrity = "log.integrity"
)
