package tui

import (
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/filters/query"
	"github.com/vigil-sec/vigil/sanitize"
	"github.com/vigil-sec/vigil/themes"
	"github.com/vigil-sec/vigil/tui/panes"
)

// Fixed parts of a row: "15:04:05~ ERR  ".
const (
	timeWidth   = 9 // HH:MM:SS and the guessed-time marker
	badgeWidth  = 4
	prefixWidth = timeWidth + 1 + badgeWidth + 1
	maxCategory = 20 // widest category badge, brackets included
	// maxDeviation is the widest deviation marker: the glyph, a kind
	// ("out_of_hours") and "+N" for the others.
	maxDeviation = 16
	// devKindRoom is the room a row must have for the message, badges
	// included, to show the kind of a deviation after its glyph: 60
	// cells, which a row the width of the screen has from 111 columns on.
	// Never at 80, where the message needs every cell it can get.
	devKindRoom = 60
)

// columns are the widths of the host and app columns for a screen width;
// zero hides a column.
type columns struct{ host, app int }

func columnsFor(width int) columns {
	switch {
	case width >= 160:
		return columns{host: 24, app: 20}
	case width >= 100:
		return columns{host: 16, app: 16}
	case width >= 60:
		return columns{host: 10, app: 10}
	}
	return columns{}
}

// rowRenderer turns one event into one line of at most width cells, never
// wrapping. It is a pure function of the event and its own fields, which is
// what makes rows cacheable.
type rowRenderer struct {
	paint   *paint
	loc     *time.Location // nil means UTC
	width   int
	cols    columns
	search  *query.Query // highlights its matches in messages; may be nil
	hscroll int          // message cells skipped on the left
	wrap    bool         // long messages continue on more lines
	hl      [][2]int     // scratch for highlights
	hit     bool         // the event being rendered matches the search
}

func newRowRenderer(p *paint, loc *time.Location, width int) rowRenderer {
	return rowRenderer{paint: p, loc: loc, width: width, cols: columnsFor(width)}
}

// render renders e. Every field is passed through sanitize.String even though
// events arrive sanitised: it costs one scan of text that is then cached, and
// it keeps a bug upstream from writing to the terminal.
func (r *rowRenderer) render(e *event.Event) string {
	p := r.paint
	if id := e.Fields["boot_id"]; id != "" && e.Format == "notice" {
		return r.bootSeparator(e, id)
	}
	r.hit = r.search != nil && r.search.Match(e)
	var b strings.Builder
	b.Grow(3 * r.width)

	p.muted.write(&b, r.clock(e))
	b.WriteByte(' ')
	p.sev(e.Severity).write(&b, themes.SeverityLabel(e.Severity))
	b.WriteByte(' ')
	used := prefixWidth

	if r.cols.host > 0 {
		h, w := fit(flatten(sanitize.String(e.Host)), r.cols.host)
		p.muted.write(&b, h)
		b.WriteString(spaces(r.cols.host - w + 1))
		used += r.cols.host + 1
	}
	if r.cols.app > 0 {
		a, w := fit(flatten(sanitize.String(appName(e, r.cols.app))), r.cols.app)
		p.text.write(&b, a)
		b.WriteString(spaces(r.cols.app - w + 1))
		used += r.cols.app + 1
	}

	rest := r.width - used
	if len(e.Deviations) > 0 && rest > 1 {
		// The glyph says it without colour; the kind, when there is room.
		d, w := fit(deviationMarker(e, rest >= devKindRoom), min(maxDeviation, rest-1))
		p.deviation.write(&b, d)
		b.WriteByte(' ')
		rest -= w + 1
	}
	if len(e.Categories) > 0 && rest > 0 {
		c, w := fit(categoryBadge(e), min(maxCategory, rest/3))
		if w > 0 {
			p.weight[categoryWeight(e.Categories[0])].write(&b, c)
			b.WriteByte(' ')
			rest -= w + 1
		}
	}
	if rest > 0 {
		msg := expandTabs(sanitize.String(e.Message))
		if r.hscroll > 0 {
			msg = skipCells(msg, r.hscroll)
		}
		if r.wrap && width(msg) > rest {
			r.writeWrapped(&b, msg, rest, r.width-rest)
		} else {
			msg, _ = fit(msg, rest)
			r.writeMessage(&b, msg)
		}
	}
	out := b.String()
	if used > r.width && !r.wrap {
		// Only on absurdly narrow screens: the fixed columns do not fit.
		out = ansi.Truncate(out, r.width, "")
	}
	return out
}

// writeMessage writes message text, search matches highlighted.
func (r *rowRenderer) writeMessage(b *strings.Builder, msg string) {
	p := r.paint
	if !r.hit {
		p.text.write(b, msg)
		return
	}
	r.hl = r.search.Highlights(msg, r.hl[:0])
	at := 0
	for _, h := range r.hl {
		lo, hi := max(h[0], at), min(h[1], len(msg))
		if lo >= hi {
			continue
		}
		p.text.write(b, msg[at:lo])
		p.match.write(b, msg[lo:hi])
		at = hi
	}
	p.text.write(b, msg[at:])
}

// writeWrapped writes msg in lines of w cells, the lines after the first
// indented by indent cells.
func (r *rowRenderer) writeWrapped(b *strings.Builder, msg string, w, indent int) {
	for first := true; msg != ""; first = false {
		if !first {
			b.WriteByte('\n')
			b.WriteString(spaces(indent))
		}
		line := ansi.Cut(msg, 0, w)
		if line == "" { // a character wider than w
			line = msg[:len(string([]rune(msg)[0]))]
		}
		r.writeMessage(b, line)
		msg = msg[len(line):]
	}
}

// skipCells drops the first n display cells of s.
func skipCells(s string, n int) string {
	if isASCII(s) {
		if n >= len(s) {
			return ""
		}
		return s[n:]
	}
	return ansi.Cut(s, n, ansi.StringWidth(s))
}

// clock formats the time of e as HH:MM:SS plus "~" when the time was
// guessed, in the renderer's location.
func (r rowRenderer) clock(e *event.Event) string {
	mark := byte(' ')
	if e.TimeGuessed {
		mark = '~'
	}
	if e.Time.IsZero() {
		return "--:--:--" + string(mark)
	}
	t := e.Time
	if r.loc != nil {
		t = t.In(r.loc)
	} else {
		t = t.UTC()
	}
	h, m, s := t.Clock()
	buf := [timeWidth]byte{
		'0' + byte(h/10), '0' + byte(h%10), ':',
		'0' + byte(m/10), '0' + byte(m%10), ':',
		'0' + byte(s/10), '0' + byte(s%10), mark,
	}
	return string(buf[:])
}

// appName is the app column: "sshd[1234]" when that fits in width cells,
// else the app alone, which matters more than its PID.
func appName(e *event.Event, width int) string {
	if e.PID <= 0 {
		return e.App
	}
	s := e.App + "[" + strconv.Itoa(e.PID) + "]"
	if len(s) > width && (isASCII(s) || ansi.StringWidth(s) > width) {
		return e.App
	}
	return s
}

// categoryBadge is the short name of the first category ("login-fail"
// for auth.failure), with its weight glyph in front ("!" high, "*"
// medium, so weight does not rest on colour), and "+N" for the others.
func categoryBadge(e *event.Event) string {
	return flatten(sanitize.String(string(themes.AppendShortBadge(nil, e.Categories, false))))
}

// deviationMarker is the marker of an event with deviations: the glyph,
// then with kind the first deviation's kind and "+N" for the others
// ("◆rate_high+1").
func deviationMarker(e *event.Event, kind bool) string {
	if !kind {
		return panes.DeviationGlyph
	}
	s := panes.DeviationGlyph + flatten(sanitize.String(e.Deviations[0].Kind))
	if n := len(e.Deviations) - 1; n > 0 {
		s += "+" + strconv.Itoa(n)
	}
	return s
}

// bootSeparator is the row of a journald boot boundary: a rule across the
// list naming the boot, so the restart stands out while scrolling.
func (r *rowRenderer) bootSeparator(e *event.Event, id string) string {
	label := " " + strings.TrimSpace(r.clock(e)) + " new boot " + flatten(sanitize.String(id)) + " "
	l, w := fit(label, max(r.width-6, 0))
	line := "────" + l + strings.Repeat("─", max(r.width-4-w, 0))
	return r.paint.accent.render(line)
}
