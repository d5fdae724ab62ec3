package tui

import (
	"fmt"
	"github.com/vigil-sec/vigil/filters/template"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/sanitize"
	"github.com/vigil-sec/vigil/themes"
	"github.com/vigil-sec/vigil/tui/panes"
)

// detailView renders the selected event in full: every field, the raw
// line, the rules that tagged it with their NZISM controls, the source and
// offset. Exactly height lines of width cells.
func (m *Model) detailView(width, height int) []string {
	if height <= 0 {
		return nil
	}
	pos, ok := m.selected()
	title := "detail"
	if !ok {
		return padLines([]string{m.paneTitle(title, width), " no event selected"}, width, height)
	}
	first, _ := m.bounds()
	title = fmt.Sprintf("event %s of %s", thousands(m.list.cursor-first+1), thousands(m.b.cur.v.len(m.b.ring)))
	if _, marked := m.b.marks[pos]; marked {
		title += " · marked"
	}
	lines := []string{m.paneTitle(title, width)}
	lines = append(lines, m.detailLines(m.b.ring.at(pos), width)...)
	if len(lines) > height {
		lines = lines[:height]
		lines[height-1] = m.look.paint.muted.render(" … (the rest does not fit; y copies the raw line)")
	}
	return padLines(lines, width, height)
}

// detailLines are the detail pane's lines for e, wrapped to width.
func (m *Model) detailLines(e *event.Event, width int) []string {
	p := &m.look.paint
	var out []string
	labelW := 10 // " " + the longest label + a space, within reason
	for k := range e.Fields {
		labelW = max(labelW, min(len(k)+2, 22))
	}
	if len(e.Deviations) > 0 {
		labelW = max(labelW, 12) // "deviation", and "  expected" under it
	}
	add := func(label, value string) {
		if value == "" {
			return
		}
		label, _ = fit(label, labelW-2)
		l := p.muted.render(fmt.Sprintf(" %-*s", labelW-1, label))
		for i, part := range wrapCells(value, max(width-labelW, 8)) {
			if i == 0 {
				out = append(out, l+part)
			} else {
				out = append(out, spaces(labelW)+part)
			}
		}
	}
	clean := func(s string) string { return flatten(sanitize.String(s)) }

	// Time, in the zone shown and in UTC.
	if e.Time.IsZero() {
		add("time", "unknown")
	} else {
		t := e.Time.UTC().Format("2006-01-02T15:04:05.000000Z")
		if loc := m.loc(); loc != nil {
			t = e.Time.In(loc).Format("2006-01-02 15:04:05.000000 -07:00") + "  (" + t + ")"
		}
		if e.TimeGuessed {
			t += "  time guessed"
		}
		add("time", t)
	}
	sev := themes.SeverityLabel(e.Severity)
	add("severity", p.sev(e.Severity).render(sev)+" "+e.Severity.String())
	add("host", clean(e.Host))
	app := clean(e.App)
	if e.PID > 0 {
		app += "[" + strconv.Itoa(e.PID) + "]"
	}
	add("app", app)
	add("message", clean(e.Message))
	// Baseline findings next: they say why the event stands out.
	for i := range e.Deviations {
		d := &e.Deviations[i]
		add("deviation", p.deviation.render(panes.DeviationGlyph+" "+clean(d.Kind))+"  score "+strconv.FormatFloat(d.Score, 'f', 2, 64))
		add("  key", clean(d.Key))
		add("  expected", clean(d.Expected))
		add("  observed", clean(d.Observed))
		add("  reason", clean(d.Reason))
	}
	for _, c := range e.Categories {
		cat, ok := event.LookupCategory(c)
		badge := p.weight[categoryWeight(c)].render(string(themes.AppendShortBadge(nil, []string{c}, false)))
		if ok {
			add("category", badge+" "+c+": "+cat.Title+" (NZISM "+cat.Control+", weight "+cat.Weight.String()+")")
		} else {
			add("category", badge+" "+clean(c))
		}
	}
	for _, id := range e.Rules {
		line := clean(id)
		if m.rules != nil {
			if r := m.rules.Rule(id); r != nil {
				line += ": " + clean(r.Description)
				if r.Control != "" {
					line += " (NZISM " + r.Control + ")"
				}
				if r.File != "" {
					line += " — " + clean(r.File) + ":" + strconv.Itoa(r.Line)
				}
			}
		}
		add("rule", line)
	}
	if len(e.Fields) > 0 {
		keys := make([]string, 0, len(e.Fields))
		for k := range e.Fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			add(clean(k), clean(e.Fields[k]))
		}
	}
	if e.Template != "" {
		// The ID, and this message with its variable parts masked the way
		// the miner masks them: the shape its template was made from.
		add("template", clean(e.Template)+"  "+clean(template.Mask(e.Message, e.Fields["user"], e.Fields["target_user"])))
	}
	src := clean(e.Source)
	if e.Offset >= 0 {
		src += "  offset " + thousands(uint64(e.Offset))
	}
	if e.Format != "" {
		src += "  format " + clean(e.Format)
	}
	add("source", src)
	if e.Truncated > 0 {
		add("truncated", thousands(uint64(e.Truncated))+" bytes cut from this line")
	}
	if len(e.Raw) > 0 {
		add("raw", clean(string(e.Raw)))
	}
	return out
}

// wrapCells cuts s into lines of at most w display cells, at a space when
// there is one in the second half of the line.
func wrapCells(s string, w int) []string {
	if w <= 0 {
		return nil
	}
	var out []string
	for ansi.StringWidth(s) > w {
		cut := ansi.Truncate(s, w, "")
		if cut == "" {
			break
		}
		if i := strings.LastIndexByte(cut, ' '); i > len(cut)/2 {
			cut = cut[:i+1]
		}
		out = append(out, strings.TrimRight(cut, " "))
		s = s[len(cut):]
		if len(out) > 200 {
			return append(out, "…")
		}
	}
	return append(out, s)
}

// sourcesView renders the sources pane: each source with its event count
// and state.
func (m *Model) sourcesView(width, height int) []string {
	if height <= 0 {
		return nil
	}
	p := &m.look.paint
	lines := []string{m.paneTitle("sources", width)}
	names := m.stats.order
	if len(names) == 0 {
		names = m.sources
	}
	for _, name := range names {
		st := m.stats.sources[name]
		if st == nil {
			st = &sourceStat{}
		}
		state := st.state(m.ended)
		sp := p.muted
		if state != "following" && state != "ended" {
			sp = p.warning
		}
		right := thousands(st.events) + " " + sp.render(state)
		if !st.last.Time.IsZero() {
			if age := m.now().Sub(st.last.Time); age >= 0 {
				right = shortAge(age) + " ago  " + right
			}
		}
		rw := ansi.StringWidth(right)
		n, _ := fit(strings.TrimPrefix(clean1(name), "file:"), max(width-rw-3, 4))
		lines = append(lines, " "+n+spaces(width-2-ansi.StringWidth(n)-rw)+right)
		if st.lastNote != "" {
			note, _ := fit("  "+clean1(st.lastNote), width)
			lines = append(lines, p.muted.render(note))
		}
	}
	return padLines(lines, width, height)
}

func clean1(s string) string { return flatten(sanitize.String(s)) }

// shortAge is a duration in its largest unit: 45s, 12m, 3h, 6d.
func shortAge(d time.Duration) string {
	switch {
	case d < time.Minute:
		return strconv.Itoa(int(d/time.Second)) + "s"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + "m"
	case d < 48*time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + "h"
	}
	return strconv.Itoa(int(d/(24*time.Hour))) + "d"
}
