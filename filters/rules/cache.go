package rules

import (
	"hash/maphash"
	"slices"
	"strings"
	"unsafe"

	"github.com/vigil-sec/vigil/event"
)

// A Cache remembers what a Set did to recent messages, so a message seen
// again (cron's "(root) CMD (...)", PAM's "session closed for user root",
// a health check) is tagged by a map lookup instead of its rules. Real logs
// repeat themselves a great deal: on an ordinary busy server about a third
// of the lines are byte-for-byte repeats of a recent message.
//
// What Apply does depends only on the event's program, format and message
// when the event carries no fields or categories yet (a freshly decoded
// syslog line), so only such events are cached; a field a rule captured
// is remembered as a position in the message and read from the new event's
// own message, so nothing of an old event is kept.
//
// A message is cached the second time it is seen (the first sighting only
// leaves its hash in a fixed table), so a stream of unique messages costs a
// hash each and allocates nothing.
//
// A Cache is not safe for concurrent use: each goroutine keeps its own. It
// holds at most maxCached entries and starts afresh when full.
type Cache struct {
	set     *Set
	seed    maphash.Seed
	entries map[uint64]*cached
	seen    []uint64
}

// cached is what Apply did to one message.
type cached struct {
	app, format, msg  string
	categories, rules []string
	severity          event.Severity
	hasSeverity       bool
	fields            []cachedField
}

// cachedField is a field value: a slice of the message when from <= to
// (from >= 0), else the copy in value.
type cachedField struct {
	name     string
	from, to int
	value    string
}

// maxCached bounds a Cache; maxCachedMessage is the longest message worth
// caching (long ones rarely repeat and cost the most to hash).
const (
	maxCached        = 8192
	maxCachedMessage = 512
	seenSlots        = 1 << 12
)

// NewCache returns an empty cache for s.
func NewCache(s *Set) *Cache {
	return &Cache{set: s, seed: maphash.MakeSeed(), entries: make(map[uint64]*cached, 1024), seen: make([]uint64, seenSlots)}
}

// Apply is s.Apply(e) for the Set the cache was made for, served from the
// cache when e's program, format and message were seen before.
func (c *Cache) Apply(e *event.Event) {
	if len(e.Fields) > 0 || len(e.Categories) > 0 || len(e.Rules) > 0 || len(e.Message) > maxCachedMessage {
		c.set.Apply(e)
		return
	}
	// Program and format are short and few: they only perturb the
	// message's hash, and are compared in full on a hit.
	h := maphash.String(c.seed, e.Message) ^ (maphash.String(c.seed, e.App) * 0x9e3779b97f4a7c15) ^ uint64(len(e.Format))<<56
	if hit := c.entries[h]; hit != nil && hit.msg == e.Message && hit.app == e.App && hit.format == e.Format {
		hit.replay(e)
		return
	}
	c.set.Apply(e)
	if slot := &c.seen[h%seenSlots]; *slot != h {
		*slot = h // first sighting
		return
	}
	if len(c.entries) >= maxCached {
		clear(c.entries)
	}
	r := c.record(e)
	r.app, r.format, r.msg = strings.Clone(e.App), strings.Clone(e.Format), strings.Clone(e.Message)
	c.entries[h] = r
}

// record describes what Apply did to e, which had no fields before.
func (c *Cache) record(e *event.Event) *cached {
	// Clipped: an append to a replayed event's slices must copy them.
	r := &cached{categories: slices.Clip(e.Categories), rules: slices.Clip(e.Rules)}
	for _, id := range e.Rules {
		if rule := c.set.byID[id]; rule != nil && rule.HasSeverity {
			r.hasSeverity, r.severity = true, e.Severity
		}
	}
	msg := e.Message
	base := uintptr(unsafe.Pointer(unsafe.StringData(msg)))
	for k, v := range e.Fields {
		f := cachedField{name: k, from: -1}
		if p := uintptr(unsafe.Pointer(unsafe.StringData(v))); len(v) > 0 && p >= base && p+uintptr(len(v)) <= base+uintptr(len(msg)) {
			f.from = int(p - base)
			f.to = f.from + len(v)
		} else {
			f.value = string([]byte(v)) // a derived value: keep a copy
		}
		r.fields = append(r.fields, f)
	}
	return r
}

// replay does to e what Apply did to the message it was recorded from.
func (r *cached) replay(e *event.Event) {
	e.Categories = r.categories
	e.Rules = r.rules
	if r.hasSeverity {
		e.Severity = r.severity
	}
	for _, f := range r.fields {
		if f.from >= 0 {
			e.SetField(f.name, e.Message[f.from:f.to])
		} else {
			e.SetField(f.name, f.value)
		}
	}
}
