package baseline

import (
	"cmp"
	"fmt"
	"github.com/vigil-sec/vigil/internal/human"
	"io"
	"slices"
	"strings"
	"time"
)

// SummaryOptions configures WriteSummary.
type SummaryOptions struct {
	// Top is how many entries of each list to print (default 10).
	Top int
}

// WriteSummary prints a summary of b for people: the span learnt, then per
// host, per user, the packages and the commonest templates, and what the
// caps kept out.
func WriteSummary(w io.Writer, b *Baseline, opts SummaryOptions) error {
	if opts.Top <= 0 {
		opts.Top = 10
	}
	loc, err := time.LoadLocation(b.Zone)
	if err != nil {
		loc = time.UTC
	}
	p := &printer{w: w}
	span := b.End.Sub(b.Start)
	p.f("baseline format %d, written %s\n", b.Version, b.Created.In(loc).Format("2006-01-02 15:04 MST"))
	p.f("learnt from %d events, %s to %s (%s), hours of the week in %s\n",
		b.Events, b.Start.In(loc).Format("Mon 2006-01-02 15:04"), b.End.In(loc).Format("Mon 2006-01-02 15:04"), human.Duration(span), b.Zone)
	if span < 7*24*time.Hour {
		p.f("note: less than a week of history; hours of the week not seen are judged by the same hour on other days\n")
	}

	clk := newClock(loc)
	p.f("\nhosts (%d)\n", len(b.Hosts))
	for _, name := range sortedBy(b.Hosts, func(h *Host) uint64 { return h.Events }, opts.Top) {
		h := b.Hosts[name]
		cov := coverage(clk, h.First, h.Last)
		busy, rate := busiest(&h.Total, &cov)
		p.f("  %-16s group %-10s %9d events  %4d templates  %2d categories  %3d apps  %3d units\n",
			name, h.Group, h.Events, len(h.Templates), len(h.Categories), len(h.Apps), len(h.Units))
		if busy >= 0 {
			p.f("  %-16s busiest %s (%.0f an hour); longest quiet: %s on weekdays, %s at weekends\n",
				"", howName(busy), rate, human.Duration(longestQuiet(&h.Quiet, 0)), human.Duration(longestQuiet(&h.Quiet, 1)))
		}
		if len(h.Categories) > 0 {
			cats := sortedBy(h.Categories, func(s *Series) uint64 { return s.Count }, 6)
			parts := make([]string, len(cats))
			for i, c := range cats {
				parts[i] = fmt.Sprintf("%s %d", c, h.Categories[c].Count)
			}
			p.f("  %-16s %s\n", "", strings.Join(parts, ", "))
		}
	}
	more(p, len(b.Hosts), opts.Top)

	p.f("\nusers (%d)\n", len(b.Users))
	for _, name := range sortedBy(b.Users, func(u *User) uint64 { return uint64(u.Logins) + uint64(len(u.Sudo)) }, opts.Top) {
		u := b.Users[name]
		p.f("  %-16s %5d logins, %s; last %s\n", name, u.Logins, when(&u.Active), time.Unix(u.Last, 0).In(loc).Format("2006-01-02 15:04"))
		if len(u.Addrs) > 0 {
			p.f("  %-16s from %s\n", "", addrList(u.Addrs))
		}
		// Per app, when the user came in through more than one: what
		// out_of_hours and new addresses are judged by.
		if len(u.Apps) > 1 {
			for _, app := range sortedBy(u.Apps, func(a *UserApp) uint64 { return uint64(sum(&a.Active)) }, 4) {
				a := u.Apps[app]
				line := fmt.Sprintf("%d, %s", sum(&a.Active), when(&a.Active))
				switch n := len(a.Addrs); {
				case n == 1:
					line += ", 1 address"
				case n > 1:
					line += fmt.Sprintf(", %d addresses", n)
				}
				p.f("  %-16s via %s %s\n", "", clip(app, 24), line)
			}
		}
		if len(u.Sudo) > 0 {
			p.f("  %-16s sudo: %s\n", "", strings.Join(sortedBy(u.Sudo, func(s Seen) uint64 { return uint64(s.Count) }, 5), ", "))
		}
	}
	more(p, len(b.Users), opts.Top)

	p.f("\npackages (%d)", len(b.Packages))
	if len(b.Packages) > 0 {
		names := sortedBy(b.Packages, func(s Seen) uint64 { return uint64(s.Count) }, 3*opts.Top)
		p.f(": %s", strings.Join(names, ", "))
		if len(b.Packages) > len(names) {
			p.f(" and %d more", len(b.Packages)-len(names))
		}
	}
	p.f("\n")

	p.f("\ntemplates (%d), commonest first\n", len(b.Templates))
	for _, id := range sortedBy(b.Templates, func(t *Template) uint64 { return t.Count }, opts.Top) {
		t := b.Templates[id]
		p.f("  %s %9d  %-12s %s\n", id, t.Count, clip(t.App, 12), clip(t.Text, 90))
	}
	more(p, len(b.Templates), opts.Top)

	d := b.Dropped
	if d != (Dropped{}) {
		p.f("\ncaps reached (values not kept; new_value findings of these kinds are off):\n")
		for _, c := range []struct {
			n    uint64
			what string
		}{
			{d.Hosts, "hosts"}, {d.Users, "users"}, {d.Addrs, "user addresses"}, {d.Sudo, "sudo commands"},
			{d.Packages, "packages"}, {d.Units, "units"}, {d.Apps, "apps"}, {d.Sources, "sources"},
			{d.TemplateSeries, "template counts per host"}, {d.TemplateOverflow, "events of apps with too many templates"},
			{d.UserApps, "apps per user (hours and addresses of those apps count for the user as a whole only)"},
		} {
			if c.n > 0 {
				p.f("  %s: %d\n", c.what, c.n)
			}
		}
	}
	return p.err
}

type printer struct {
	w   io.Writer
	err error
}

func (p *printer) f(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

func more(p *printer, n, shown int) {
	if n > shown {
		p.f("  ... and %d more\n", n-shown)
	}
}

// sortedBy returns up to n keys of m, largest weight first, then by key.
func sortedBy[V any](m map[string]V, weight func(V) uint64, n int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if c := cmp.Compare(weight(m[b]), weight(m[a])); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	if len(keys) > n {
		keys = keys[:n]
	}
	return keys
}

// busiest returns the hour of week with the most events an hour on
// average, and that average; -1 when there are none.
func busiest(s *Series, cov *[HoursPerWeek]uint16) (int, float64) {
	best, rate := -1, 0.0
	for _, h := range s.Hours {
		if n := cov[h.How]; n > 0 {
			if r := float64(h.Sum) / float64(n); r > rate {
				best, rate = int(h.How), r
			}
		}
	}
	return best, rate
}

func longestQuiet(q *Quiet, dt int) time.Duration {
	var m uint32
	for _, g := range q[dt] {
		m = max(m, g)
	}
	return time.Duration(m) * time.Second
}

// when says when a user was active: "active 08:00–17:59, weekdays only".
func when(active *[HoursPerWeek]uint16) string {
	byHod, _, weekend := dayProfile(active)
	w := "active " + activeHours(byHod)
	if weekend == 0 {
		w += ", weekdays only"
	}
	return w
}
