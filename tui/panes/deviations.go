package panes

import (
	"sort"
	"strconv"
	"strings"

	"github.com/vigil-sec/vigil/event"
)

// Bounds of DevCounts.
const (
	// MaxDeviationKeys is how many keys are counted per kind; events of
	// a kind whose key is not counted are counted together ("+N in other
	// keys").
	MaxDeviationKeys = 200
	// maxExtraKinds is how many kinds beyond event.DeviationKinds get a row of
	// their own; events of further kinds are counted together.
	maxExtraKinds = 8
	// maxCounted is how many deviations of one event are counted: a mask
	// of that many bits says which of them were counted by key.
	maxCounted = 64
)

// DevCounts counts the events held by kind and key of their deviations,
// for the deviations pane. Each group counts events, not deviations: an
// event with two deviations of a kind counts once for the kind, so a
// kind's count is what a dev:KIND filter shows.
//
// Add and Remove cost O(d²) for an event with d deviations (d is one or
// two) and allocate only for a key not counted yet. Memory is bounded:
// at most MaxDeviationKeys keys per kind and maxExtraKinds kinds beyond
// event.DeviationKinds. Only the first 64 deviations of an event are counted.
//
// A DevCounts is not safe for concurrent use; the UI owns it.
type DevCounts struct {
	kinds      []devKind // event.DeviationKinds, then others in the order seen
	events     int       // events with at least one deviation
	otherKinds int       // events with a kind that has no row
	gen        uint64    // changes with every count
	rows       []DevRow  // Rows' answer at rowsGen
	rowsGen    uint64
}

// devKind is one kind's counts.
type devKind struct {
	name   string
	events int
	keys   map[string]int
	// untracked counts events whose key was not counted for want of room.
	untracked int
}

// NewDevCounts returns empty counts.
func NewDevCounts() *DevCounts {
	kinds := event.DeviationKinds()
	d := &DevCounts{kinds: make([]devKind, len(kinds)), rowsGen: ^uint64(0)}
	for i, k := range kinds {
		d.kinds[i] = devKind{name: k, keys: make(map[string]int)}
	}
	return d
}

// kind returns the index of a kind's counts, adding a row for a new kind
// when add is set and there is room; -1 when it has none.
func (d *DevCounts) kind(name string, add bool) int {
	for i := range d.kinds {
		if d.kinds[i].name == name {
			return i
		}
	}
	if !add || len(d.kinds) >= len(event.DeviationKinds())+maxExtraKinds {
		return -1
	}
	d.kinds = append(d.kinds, devKind{name: name, keys: make(map[string]int)})
	return len(d.kinds) - 1
}

// firstOf reports whether devs[i] is the first of devs with its kind and
// (sameKey) key: later ones are not counted again.
func firstOf(devs []event.Deviation, i int, sameKey bool) bool {
	for j := range i {
		if devs[j].Kind == devs[i].Kind && (!sameKey || devs[j].Key == devs[i].Key) {
			return false
		}
	}
	return true
}

// Add counts an event with deviations devs. It returns which of them were
// not counted by key (bit i for devs[i]): the caller keeps the mask with
// the event and hands it to Remove.
func (d *DevCounts) Add(devs []event.Deviation) (untracked uint64) {
	if len(devs) == 0 {
		return 0
	}
	devs = devs[:min(len(devs), maxCounted)]
	d.gen++
	d.events++
	other := false
	for i := range devs {
		if !firstOf(devs, i, true) {
			continue
		}
		k := d.kind(devs[i].Kind, true)
		if k < 0 {
			other = true
			continue
		}
		dk := &d.kinds[k]
		if firstOf(devs, i, false) {
			dk.events++
		}
		key := devs[i].Key
		if n, ok := dk.keys[key]; ok || len(dk.keys) < MaxDeviationKeys {
			dk.keys[key] = n + 1
		} else {
			dk.untracked++
			untracked |= 1 << i
		}
	}
	if other {
		d.otherKinds++
	}
	return untracked
}

// Remove uncounts an event Add counted, with the mask Add returned.
func (d *DevCounts) Remove(devs []event.Deviation, untracked uint64) {
	if len(devs) == 0 || d.events == 0 {
		return
	}
	devs = devs[:min(len(devs), maxCounted)]
	d.gen++
	d.events--
	other := false
	for i := range devs {
		if !firstOf(devs, i, true) {
			continue
		}
		k := d.kind(devs[i].Kind, false)
		if k < 0 {
			other = true
			continue
		}
		dk := &d.kinds[k]
		if firstOf(devs, i, false) && dk.events > 0 {
			dk.events--
		}
		if untracked&(1<<i) != 0 {
			if dk.untracked > 0 {
				dk.untracked--
			}
			continue
		}
		key := devs[i].Key
		switch n := dk.keys[key]; {
		case n > 1:
			dk.keys[key] = n - 1
		case n == 1:
			delete(dk.keys, key)
		}
	}
	if other && d.otherKinds > 0 {
		d.otherKinds--
	}
}

// Events is the number of events counted.
func (d *DevCounts) Events() int { return d.events }

// KindCount is a kind and how many events counted have it.
type KindCount struct {
	Kind   string
	Events int
}

// Kinds returns the kinds with events, in the pane's order.
func (d *DevCounts) Kinds() []KindCount {
	var out []KindCount
	for i := range d.kinds {
		if dk := &d.kinds[i]; dk.events > 0 {
			out = append(out, KindCount{dk.name, dk.events})
		}
	}
	return out
}

// DevRowKind says what a row of the deviations pane is.
type DevRowKind uint8

// Kinds of rows.
const (
	RowKind       DevRowKind = iota // a kind: Kind, Count
	RowKey                          // a key of a kind: Kind, Key, Count
	RowOtherKeys                    // events of Kind whose key is not counted
	RowOtherKinds                   // events of kinds that have no row
)

// DevRow is one line of the deviations pane.
type DevRow struct {
	What  DevRowKind
	Kind  string
	Key   string
	Count int
}

// Selectable reports whether the row names a group a filter can select.
func (r DevRow) Selectable() bool { return r.What == RowKind || r.What == RowKey }

// RowCount is len(Rows()) without building them: O(kinds).
func (d *DevCounts) RowCount() int {
	n := 0
	for i := range d.kinds {
		if dk := &d.kinds[i]; dk.events > 0 {
			n += 1 + len(dk.keys)
			if dk.untracked > 0 {
				n++
			}
		}
	}
	if d.otherKinds > 0 {
		n++
	}
	return n
}

// Rows returns the pane's rows: each kind with events, in event.DeviationKinds
// order, followed by its keys, most events first (then by key). The
// result is shared and cached until the counts change: do not modify it.
// It costs O(keys held × log) when the counts changed, else nothing.
func (d *DevCounts) Rows() []DevRow {
	if d.rowsGen == d.gen {
		return d.rows
	}
	rows := d.rows[:0]
	for i := range d.kinds {
		dk := &d.kinds[i]
		if dk.events == 0 {
			continue
		}
		rows = append(rows, DevRow{What: RowKind, Kind: dk.name, Count: dk.events})
		start := len(rows)
		for k, n := range dk.keys {
			rows = append(rows, DevRow{What: RowKey, Kind: dk.name, Key: k, Count: n})
		}
		keys := rows[start:]
		sort.Slice(keys, func(i, j int) bool {
			if keys[i].Count != keys[j].Count {
				return keys[i].Count > keys[j].Count
			}
			return keys[i].Key < keys[j].Key
		})
		if dk.untracked > 0 {
			rows = append(rows, DevRow{What: RowOtherKeys, Kind: dk.name, Count: dk.untracked})
		}
	}
	if d.otherKinds > 0 {
		rows = append(rows, DevRow{What: RowOtherKinds, Count: d.otherKinds})
	}
	d.rows, d.rowsGen = rows, d.gen
	return rows
}

// DeviationGlyph marks an event with deviations, in the list and in the
// panes, so that it never rests on colour.
const DeviationGlyph = "◆"

// Deviations renders the deviations pane's rows in width x height: a kind
// as the glyph and its name, its keys indented under it, each with its
// count right-aligned; the selected row (sel, -1 for none) marked with a
// cursor and drawn in the selection style. clean makes a kind or key safe
// to print (they come from log text). When the rows do not fit, the window
// follows the selection and its last line says how many rows are below.
// Cost is O(height) once the rows are built.
func Deviations(st Style, rows []DevRow, sel, width, height int, clean func(string) string) string {
	if height <= 0 {
		return ""
	}
	if width <= 0 {
		return strings.Repeat("\n", height-1)
	}
	out := blank(width, height)
	start, vis, below := 0, len(rows), 0
	if len(rows) > height {
		vis = height - 1 // the last line says what is below
		start = max(0, sel-vis+1)
		if start+vis >= len(rows) {
			start, vis = len(rows)-height, height
		} else {
			below = len(rows) - start - vis
		}
	}
	countW := 1
	for _, r := range rows[start : start+vis] {
		countW = max(countW, len(strconv.Itoa(r.Count)))
	}
	var l line
	for i, r := range rows[start : start+vis] {
		selected := start+i == sel
		sp := func(s span) span {
			if selected {
				return st.sel
			}
			return s
		}
		if selected {
			l.write(st.accent, ">", 1)
		} else {
			l.write(span{}, " ", 1)
		}
		lead, leadSp := "   ", sp(st.text)
		label, labelSp := "", sp(st.text)
		switch r.What {
		case RowKind:
			lead, leadSp = DeviationGlyph+" ", sp(st.deviation)
			label, labelSp = clean(r.Kind), sp(st.deviation)
		case RowKey:
			if label = clean(r.Key); label == "" {
				label, labelSp = "(no key)", sp(st.muted)
			}
		case RowOtherKeys:
			label, labelSp = "+"+strconv.Itoa(r.Count)+" in other keys", sp(st.muted)
		case RowOtherKinds:
			lead, leadSp = DeviationGlyph+" ", sp(st.muted)
			label, labelSp = "+"+strconv.Itoa(r.Count)+" in other kinds", sp(st.muted)
		}
		l.write(leadSp, lead, len([]rune(lead)))
		room := width - l.cells
		if r.Selectable() {
			room -= 1 + countW
		}
		l.text(labelSp, label, max(room, 0))
		if r.Selectable() {
			num := strconv.Itoa(r.Count)
			if pad := width - l.cells - len(num); pad > 0 {
				l.write(sp(st.text), strings.Repeat(" ", pad), pad)
			}
			l.write(sp(st.text), num, len(num))
		}
		out[i] = l.finish(width)
	}
	if below > 0 {
		l.text(st.muted, "  +"+strconv.Itoa(below)+" more", width)
		out[height-1] = l.finish(width)
	}
	return strings.Join(out, "\n")
}
