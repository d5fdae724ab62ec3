package tui

import (
	"math"
	"strings"
	"time"
	"unsafe"

	"github.com/vigil-sec/vigil/event"
)

// record is an event as the ring stores it: about a hundred bytes, against
// 272 for an event.Event plus some 300 for a small fields map, so that a
// million typical syslog events fit in 2.5 times their raw size. Strings
// that repeat (host, app, source and format, tags, template) are interned;
// fields are packed into one string; message and raw line keep sharing the
// bytes the source read.
type record struct {
	seq     uint64
	time    int64 // UnixNano; noTime for the zero time
	offset  int64
	msg     string
	raw     string // the bytes of event.Raw, not copied
	fields  string // key \x00 value \x00 ..., sorted by key
	extra   *extra // what few events have
	pid     int32
	host    uint32 // ids in the strings table
	app     uint32
	tpl     uint32
	src     uint32 // id in the origins table: source and format
	tags    uint32 // id in the tags table; 0 means none
	sev     event.Severity
	guessed bool
}

// noTime marks a record of an event without a time.
const noTime = math.MinInt64

// extra holds the rare parts of an event.
type extra struct {
	truncated  int64
	deviations []event.Deviation
	// devUntracked says which deviations the book's DevCounts did not
	// count by key (panes.DevCounts.Add); only the UI goroutine uses it.
	devUntracked uint64
}

// origin is a source and the decoder that read it.
type origin struct{ source, format string }

// tagSet is an event's categories and the rules that set them.
type tagSet struct{ cats, rules []string }

// maxInterned bounds each intern table: a flood of distinct host names must
// not grow memory for ever. Beyond it new strings are not shared (stored per
// record in the strings table's overflow, i.e. not at all: see intern).
const maxInterned = 1 << 20

// tables are the intern tables records refer to. Entries are only ever
// appended, so a snapshot may read the entries it knows of while new ones
// are added.
type tables struct {
	strs    []string
	strID   map[string]uint32
	origins []origin
	origID  map[origin]uint32
	tags    []tagSet
	tagID   map[string]uint32
	keyBuf  []byte
	packBuf []byte
	keys    []string
}

func newTables() *tables {
	return &tables{
		strs:    []string{""},
		strID:   map[string]uint32{"": 0},
		origins: []origin{{}},
		origID:  map[origin]uint32{{}: 0},
		tags:    []tagSet{{}},
		tagID:   map[string]uint32{"": 0},
	}
}

// view is what a snapshot keeps of the tables: the entries that existed.
func (t *tables) view() tables {
	return tables{strs: t.strs, origins: t.origins, tags: t.tags}
}

// intern returns the id of s, or ok=false when the table is full and s is
// new.
func (t *tables) intern(s string) (uint32, bool) {
	if id, ok := t.strID[s]; ok {
		return id, true
	}
	if len(t.strs) >= maxInterned {
		return 0, false
	}
	id := uint32(len(t.strs))
	t.strs = append(t.strs, s)
	t.strID[s] = id
	return id, true
}

func (t *tables) internOrigin(o origin) uint32 {
	if id, ok := t.origID[o]; ok {
		return id
	}
	if len(t.origins) >= maxInterned {
		return 0
	}
	id := uint32(len(t.origins))
	t.origins = append(t.origins, o)
	t.origID[o] = id
	return id
}

func (t *tables) internTags(cats, rules []string) uint32 {
	if len(cats) == 0 && len(rules) == 0 {
		return 0
	}
	k := t.keyBuf[:0]
	for _, c := range cats {
		k = append(k, c...)
		k = append(k, 0)
	}
	k = append(k, 1)
	for _, r := range rules {
		k = append(k, r...)
		k = append(k, 0)
	}
	t.keyBuf = k
	if id, ok := t.tagID[string(k)]; ok {
		return id
	}
	if len(t.tags) >= maxInterned {
		return 0
	}
	id := uint32(len(t.tags))
	t.tags = append(t.tags, tagSet{cats: cats, rules: rules})
	t.tagID[string(k)] = id
	return id
}

// pack stores e in rec.
func (t *tables) pack(rec *record, e *event.Event) {
	*rec = record{
		seq:     e.Seq,
		offset:  e.Offset,
		msg:     e.Message,
		pid:     int32(min(max(e.PID, math.MinInt32), math.MaxInt32)),
		sev:     e.Severity,
		guessed: e.TimeGuessed,
		time:    noTime,
	}
	if !e.Time.IsZero() {
		rec.time = e.Time.UnixNano()
	}
	if len(e.Raw) > 0 {
		rec.raw = unsafe.String(&e.Raw[0], len(e.Raw))
	}
	var ok1, ok2, ok3 bool
	rec.host, ok1 = t.intern(e.Host)
	rec.app, ok2 = t.intern(e.App)
	rec.tpl, ok3 = t.intern(e.Template)
	rec.src = t.internOrigin(origin{e.Source, e.Format})
	rec.tags = t.internTags(e.Categories, e.Rules)
	if len(e.Fields) > 0 {
		rec.fields = t.packFields(e.Fields)
	}
	full := !ok1 || !ok2 || !ok3
	if e.Truncated != 0 || len(e.Deviations) > 0 || full {
		rec.extra = &extra{truncated: e.Truncated, deviations: e.Deviations}
		if full {
			// The tables are full: keep the strings in the record.
			rec.fields = t.packOverflow(rec.fields, e, ok1, ok2, ok3)
		}
	}
}

// Keys of strings kept in the packed fields when the intern tables are
// full; they cannot clash with field names, which never start with \x01.
const (
	overflowHost = "\x01host"
	overflowApp  = "\x01app"
	overflowTpl  = "\x01tpl"
)

func (t *tables) packOverflow(fields string, e *event.Event, hostOK, appOK, tplOK bool) string {
	b := append(t.packBuf[:0], fields...)
	add := func(k, v string) {
		b = append(b, k...)
		b = append(b, 0)
		b = append(b, v...)
		b = append(b, 0)
	}
	if !hostOK {
		add(overflowHost, e.Host)
	}
	if !appOK {
		add(overflowApp, e.App)
	}
	if !tplOK {
		add(overflowTpl, e.Template)
	}
	t.packBuf = b
	return string(b)
}

// packFields packs a map into one string, keys sorted so that equal maps
// pack equally.
func (t *tables) packFields(f map[string]string) string {
	keys := t.keys[:0]
	for k := range f {
		keys = append(keys, k)
	}
	if len(keys) > 1 {
		sortStrings(keys)
	}
	b := t.packBuf[:0]
	for _, k := range keys {
		b = append(b, k...)
		b = append(b, 0)
		b = append(b, f[k]...)
		b = append(b, 0)
	}
	t.keys, t.packBuf = keys[:0], b
	return string(b)
}

// sortStrings is an insertion sort: field maps hold a handful of keys.
func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// scratch is an event rebuilt from a record, with a fields map that is
// reused from one record to the next: loading allocates nothing once the
// map has grown. Whoever loads into it must not keep the event.
type scratch struct {
	ev event.Event
	fm map[string]string
}

// load rebuilds the event of rec into sc and returns it.
func (t *tables) load(rec *record, sc *scratch) *event.Event {
	e := &sc.ev
	*e = event.Event{
		Host:        t.strs[rec.host],
		App:         t.strs[rec.app],
		PID:         int(rec.pid),
		Severity:    rec.sev,
		Message:     rec.msg,
		Template:    t.strs[rec.tpl],
		Seq:         rec.seq,
		Offset:      rec.offset,
		TimeGuessed: rec.guessed,
	}
	if rec.time != noTime {
		e.Time = time.Unix(0, rec.time).UTC()
	}
	if rec.raw != "" {
		e.Raw = unsafe.Slice(unsafe.StringData(rec.raw), len(rec.raw))
	}
	o := t.origins[rec.src]
	e.Source, e.Format = o.source, o.format
	ts := t.tags[rec.tags]
	e.Categories, e.Rules = ts.cats, ts.rules
	if x := rec.extra; x != nil {
		e.Truncated, e.Deviations = x.truncated, x.deviations
	}
	if rec.fields != "" {
		if sc.fm == nil {
			sc.fm = make(map[string]string, 8)
		} else {
			clear(sc.fm)
		}
		s := rec.fields
		for s != "" {
			i := strings.IndexByte(s, 0)
			k := s[:i]
			s = s[i+1:]
			j := strings.IndexByte(s, 0)
			v := s[:j]
			s = s[j+1:]
			switch k {
			case overflowHost:
				e.Host = v
			case overflowApp:
				e.App = v
			case overflowTpl:
				e.Template = v
			default:
				sc.fm[k] = v
			}
		}
		if len(sc.fm) > 0 {
			e.Fields = sc.fm
		}
	}
	return e
}

// timeOf is the time of rec without rebuilding the event.
func (rec *record) timeOf() time.Time {
	if rec.time == noTime {
		return time.Time{}
	}
	return time.Unix(0, rec.time).UTC()
}
