package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/vigil-sec/vigil/sanitize"
	"github.com/vigil-sec/vigil/themes"
)

// TextOptions says how to render a report as text.
type TextOptions struct {
	// Location for times; nil means UTC.
	Location *time.Location
	// MaxList caps the events listed per section (changes, integrity); the
	// rest are counted with a pointer to --format json. 0 means 50.
	MaxList int
	// MaxMessage cuts messages to this many bytes; 0 means 160.
	MaxMessage int
}

// WriteText renders r for a person: a headline, then one section per
// question a responder asks first, each a table. Every string from the
// logs was sanitised by the decoder; source names are sanitised here.
func WriteText(w io.Writer, r *Report, o TextOptions) error {
	if o.MaxList <= 0 {
		o.MaxList = 50
	}
	if o.MaxMessage <= 0 {
		o.MaxMessage = 160
	}
	t := &textWriter{w: w, o: o}
	t.headline(r)
	t.sources(r)
	t.categories(r)
	t.authFailures(r)
	t.logons(r)
	t.privilege(r)
	t.items("CHANGES: accounts, permissions, configuration, software (time order)", r.Changes, r.Omitted["changes"])
	t.serviceFailures(r)
	t.items("LOG INTEGRITY: logging disrupted, data lost or skipped (time order)", r.Integrity, r.Omitted["integrity"])
	if len(r.Deviations) > 0 {
		t.items("DEVIATIONS from the baseline (time order)", r.Deviations, r.Omitted["deviations"])
	}
	if len(r.Omitted) > 0 {
		t.printf("\nSome tables reached their cap; counted but not listed: %s\n", omitted(r.Omitted))
	}
	return t.err
}

type textWriter struct {
	w   io.Writer
	o   TextOptions
	err error
}

func (t *textWriter) printf(format string, args ...any) {
	if t.err == nil {
		_, t.err = fmt.Fprintf(t.w, format, args...)
	}
}

// table returns a tabwriter over the output; flush it when done.
func (t *textWriter) table() *tabwriter.Writer {
	return tabwriter.NewWriter(t.w, 0, 4, 2, ' ', 0)
}

func (t *textWriter) flush(tw *tabwriter.Writer) {
	if err := tw.Flush(); err != nil && t.err == nil {
		t.err = err
	}
}

func (t *textWriter) section(title string) {
	t.printf("\n%s\n", title)
}

func (t *textWriter) time(x time.Time) string {
	if x.IsZero() {
		return "-"
	}
	loc := t.o.Location
	if loc == nil {
		loc = time.UTC
	}
	s := x.In(loc).Format("2006-01-02 15:04:05")
	if loc == time.UTC {
		s += "Z"
	}
	return s
}

func (t *textWriter) headline(r *Report) {
	t.printf("vigil scan: %s events from %d %s, %s tagged\n", num(r.Events), len(r.Sources), plural(len(r.Sources), "source", "sources"), num(r.Tagged))
	if !r.First.IsZero() {
		t.printf("time span: %s to %s (%s)\n", t.time(r.First), t.time(r.Last), span(r.Last.Sub(r.First)))
	}
}

func (t *textWriter) sources(r *Report) {
	t.section("SOURCES")
	tw := t.table()
	fmt.Fprintln(tw, "  SOURCE\tEVENTS\tTAGGED\tFIRST\tLAST")
	for _, s := range r.Sources {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", sanitize.String(s.Name), num(s.Events), num(s.Tagged), t.time(s.First), t.time(s.Last))
	}
	t.flush(tw)
}

func (t *textWriter) categories(r *Report) {
	t.section("CATEGORIES (! high weight, * medium)")
	if len(r.Categories) == 0 {
		t.printf("  no security events found\n")
		return
	}
	tw := t.table()
	fmt.Fprintln(tw, "  CATEGORY\tEVENTS\tNZISM 16.6\tFIRST\tLAST")
	for _, c := range r.Categories {
		badge := string(themes.AppendBadge(nil, []string{c.ID}, true))
		fmt.Fprintf(tw, "  %s %s\t%s\t%s\t%s\t%s\n", badge, c.Title, num(c.Count), c.Control, t.time(c.First), t.time(c.Last))
	}
	t.flush(tw)
}

func (t *textWriter) authFailures(r *Report) {
	a := r.AuthFailures
	t.section(fmt.Sprintf("FAILED LOGONS: %s", num(a.Total)))
	if a.Total == 0 {
		return
	}
	tw := t.table()
	fmt.Fprintln(tw, "  TOP SOURCE ADDRESSES\tFAILURES\tFIRST\tLAST")
	for _, c := range a.Sources {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", c.Value, num(c.Count), t.time(c.First), t.time(c.Last))
	}
	fmt.Fprintln(tw, "  TOP USERS\tFAILURES\tFIRST\tLAST")
	for _, c := range a.Users {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", c.Value, num(c.Count), t.time(c.First), t.time(c.Last))
	}
	t.flush(tw)
}

func (t *textWriter) logons(r *Report) {
	t.section(fmt.Sprintf("SUCCESSFUL LOGONS: %d user and address %s", len(r.Logons), plural(len(r.Logons), "pair", "pairs")))
	if len(r.Logons) == 0 {
		return
	}
	tw := t.table()
	fmt.Fprintln(tw, "  USER\tFROM\tLOGONS\tFIRST\tLAST\tHOSTS")
	for i, l := range r.Logons {
		if i == t.o.MaxList {
			fmt.Fprintf(tw, "  … %d more\n", len(r.Logons)-i)
			break
		}
		from := l.SrcIP
		if from == "" {
			from = "-" // the line names no address (a PAM session line, a console logon)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\n", l.User, from, num(l.Count), t.time(l.First), t.time(l.Last), strings.Join(l.Hosts, ","))
	}
	t.flush(tw)
}

func (t *textWriter) privilege(r *Report) {
	t.section(fmt.Sprintf("PRIVILEGE USE: %d %s", len(r.Privilege), plural(len(r.Privilege), "user", "users")))
	for i, p := range r.Privilege {
		if i == t.o.MaxList {
			t.printf("  … %d more users\n", len(r.Privilege)-i)
			break
		}
		t.printf("  %s: %s privileged %s, %s failed, %s to %s\n", p.User, num(p.Count), plural(p.Count, "operation", "operations"),
			num(p.Failures), t.time(p.First), t.time(p.Last))
		for _, c := range p.Commands {
			t.printf("    %6s  %s\n", num(c.Count), t.cut(c.Value))
		}
	}
}

func (t *textWriter) serviceFailures(r *Report) {
	t.section(fmt.Sprintf("SERVICE FAILURES: %d %s", len(r.ServiceFailures), plural(len(r.ServiceFailures), "unit", "units")))
	if len(r.ServiceFailures) == 0 {
		return
	}
	tw := t.table()
	fmt.Fprintln(tw, "  UNIT\tFAILURES\tFIRST\tLAST\tFIRST MESSAGE")
	for i, c := range r.ServiceFailures {
		if i == t.o.MaxList {
			fmt.Fprintf(tw, "  … %d more\n", len(r.ServiceFailures)-i)
			break
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", c.Value, num(c.Count), t.time(c.First), t.time(c.Last), t.cut(c.Example))
	}
	t.flush(tw)
}

// items lists events, the latest MaxList when there are more.
func (t *textWriter) items(title string, items []Item, omitted int) {
	t.section(fmt.Sprintf("%s: %s", title, num(len(items)+omitted)))
	skip := 0
	if len(items) > t.o.MaxList {
		skip = len(items) - t.o.MaxList
		t.printf("  … %s earlier ones not shown (--format json lists them all)\n", num(skip))
	}
	for _, it := range items[skip:] {
		who := it.App
		if it.Host != "" {
			who = it.Host + " " + who
		}
		badge := string(themes.AppendBadge(nil, it.Categories, true))
		if it.Kind != "" {
			badge = "{" + it.Kind + "}"
		}
		if badge != "" {
			badge += " "
		}
		t.printf("  %s %s %s%s\n", t.time(it.Time), who, badge, t.cut(it.Message))
	}
}

func (t *textWriter) cut(s string) string {
	if len(s) <= t.o.MaxMessage {
		return s
	}
	i := t.o.MaxMessage
	for i > 0 && s[i]&0xC0 == 0x80 {
		i-- // do not split a UTF-8 sequence
	}
	return s[:i] + "…"
}

// num writes n with thousands separators.
func num(n int) string {
	s := strconv.Itoa(n)
	if len(s) <= 3 {
		return s
	}
	var b strings.Builder
	pre := len(s) % 3
	if pre > 0 {
		b.WriteString(s[:pre])
	}
	for i := pre; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// span writes a duration as days, hours and minutes.
func span(d time.Duration) string {
	if d < time.Minute {
		return d.Round(time.Second).String()
	}
	days := int(d / (24 * time.Hour))
	d -= time.Duration(days) * 24 * time.Hour
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	if days > 0 {
		return fmt.Sprintf("%dd %dh %dm", days, h, m)
	}
	return fmt.Sprintf("%dh %dm", h, m)
}

func omitted(m map[string]int) string {
	var parts []string
	for _, k := range []string{"changes", "integrity", "logons", "privilege", "privilege.commands", "auth_failures.top_sources", "auth_failures.top_users", "service_failures"} {
		if n := m[k]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %s", k, num(n)))
		}
	}
	return strings.Join(parts, ", ")
}
