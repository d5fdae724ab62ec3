package tui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/vigil-sec/vigil/tui/panes"
)

// headerSeg is one piece of the header's right side.
type headerSeg struct {
	text   string
	strong bool
}

// headerView renders the one-line header: "vigil", the sources, then the
// counts and the state, right-aligned. Counts and state are never hidden: when
// space is short the sources are cut first, then the counts get shorter
// labels.
func (m *Model) headerView() string {
	if m.width <= 0 {
		return ""
	}
	const sep = "  "
	const name = " vigil" + sep
	var right []headerSeg
	rightW := 0
	for _, short := range []bool{false, true} {
		right = m.headerCounts(short)
		rightW = 0
		for i, s := range right {
			if i > 0 {
				rightW += len(sep)
			}
			rightW += ansi.StringWidth(s.text)
		}
		rightW++ // trailing space
		if len(name)+8+len(sep)+rightW <= m.width {
			break
		}
	}

	hs, strong := m.look.paint.header, m.look.paint.headerStrong
	var b strings.Builder
	strong.write(&b, name[:len(name)-len(sep)])
	used := len(name) - len(sep)
	if room := m.width - used - len(sep) - rightW - len(sep); room >= 4 && len(m.sources) > 0 {
		src, w := fit(m.sourcesLabel(), room)
		hs.write(&b, sep+src)
		used += len(sep) + w
	}
	hs.write(&b, spaces(m.width-used-rightW))
	for i, s := range right {
		if i > 0 {
			hs.write(&b, sep)
		}
		if s.strong {
			strong.write(&b, s.text)
		} else {
			hs.write(&b, s.text)
		}
	}
	hs.write(&b, " ")
	out := b.String()
	if used+rightW > m.width {
		out = ansi.Truncate(out, m.width, "")
	}
	return out
}

// headerCounts builds the right side of the header: event count, rate,
// evicted, dropped, the events with deviations and what the baseline says
// of itself (m.cache.baseline, asked once per frame), and the state. short
// picks compact numbers and labels.
func (m *Model) headerCounts(short bool) []headerSeg {
	num := thousands
	if short {
		num = compact
	}
	total, evicted := m.b.ring.len(), m.b.ring.evicted()
	segs := make([]headerSeg, 0, 5)
	if short {
		segs = append(segs,
			headerSeg{text: num(total) + " ev"},
			headerSeg{text: num(m.rate) + "/s"},
			headerSeg{text: "evict " + num(evicted), strong: evicted > 0},
			headerSeg{text: "drop " + num(m.dropped), strong: m.dropped > 0},
		)
		if n := m.stats.skipped(); n > 0 {
			segs = append(segs, headerSeg{text: "skip " + num(n), strong: true})
		}
	} else {
		segs = append(segs,
			headerSeg{text: num(total) + plural(total, " event", " events")},
			headerSeg{text: num(m.rate) + "/s"},
			headerSeg{text: "evicted " + num(evicted), strong: evicted > 0},
			headerSeg{text: "dropped " + num(m.dropped), strong: m.dropped > 0},
		)
		if n := m.stats.skipped(); n > 0 {
			segs = append(segs, headerSeg{text: "skipped " + num(n), strong: true})
		}
	}
	if n := m.stats.deviating; n > 0 || m.opts.Baseline != nil {
		segs = append(segs, headerSeg{text: panes.DeviationGlyph + " " + num(n)})
	}
	if s := m.baselineLabel(short); s != "" {
		segs = append(segs, headerSeg{text: s})
	}
	var state []string
	strong := false
	if !m.list.following {
		strong = true
		switch {
		case m.list.fresh == 0: // nothing missed (yet): no "+0" noise
			state = append(state, "PAUSED")
		case short:
			state = append(state, "PAUSED +"+num(m.list.fresh))
		default:
			state = append(state, "PAUSED, "+num(m.list.fresh)+" new")
		}
	}
	if m.ended {
		strong = true
		state = append(state, "sources ended")
	} else if m.list.following {
		state = append(state, "following")
	}
	return append(segs, headerSeg{text: strings.Join(state, "; "), strong: strong})
}

// Widths of the baseline's segment of the header.
const (
	baselineWidth      = 40
	baselineShortWidth = 20
)

// baselineLabel is the baseline's status for the header, escaped, on one
// line: cut to 40 cells, or when short without a leading "baseline: " and
// cut to 20.
func (m *Model) baselineLabel(short bool) string {
	s := strings.TrimSpace(strings.Join(strings.Fields(clean1(m.cache.baseline)), " "))
	w := baselineWidth
	if short {
		s = strings.TrimPrefix(s, "baseline: ")
		w = baselineShortWidth
	}
	s, _ = fit(s, w)
	return s
}

func plural(n uint64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
