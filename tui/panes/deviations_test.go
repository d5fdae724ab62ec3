package panes

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/themes"
)

// devs builds deviations from "kind/key" pairs.
func devs(pairs ...string) []event.Deviation {
	out := make([]event.Deviation, len(pairs))
	for i, p := range pairs {
		k, key, _ := strings.Cut(p, "/")
		out[i] = event.Deviation{Kind: k, Key: key}
	}
	return out
}

// rowsText is the rows as "kind 3", "  key 2", "  +N other keys", "+N other kinds".
func rowsText(rows []DevRow) string {
	var b strings.Builder
	for _, r := range rows {
		switch r.What {
		case RowKind:
			fmt.Fprintf(&b, "%s %d; ", r.Kind, r.Count)
		case RowKey:
			fmt.Fprintf(&b, "  %s %d; ", r.Key, r.Count)
		case RowOtherKeys:
			fmt.Fprintf(&b, "  +%d other keys; ", r.Count)
		case RowOtherKinds:
			fmt.Fprintf(&b, "+%d other kinds; ", r.Count)
		}
	}
	return strings.TrimSuffix(b.String(), "; ")
}

func TestDevCountsGrouping(t *testing.T) {
	for _, tc := range []struct {
		name   string
		events [][]event.Deviation
		remove []int // indices of events to remove afterwards, in order
		want   string
		held   int
	}{
		{name: "empty", want: "", held: 0},
		{name: "one", events: [][]event.Deviation{devs("rate_high/sshd on web1")},
			want: "rate_high 1;   sshd on web1 1", held: 1},
		{
			name: "fixed kind order, keys by count then name",
			events: [][]event.Deviation{
				devs("silence/b"), devs("new_template/t1"), devs("silence/a"), devs("silence/b"),
				devs("clock_skew/h"), devs("rate_high/x"), devs("new_template/t2"), devs("new_template/t2"),
			},
			want: "new_template 3;   t2 2;   t1 1; rate_high 1;   x 1; silence 3;   b 2;   a 1; clock_skew 1;   h 1",
			held: 8,
		},
		{
			name:   "an event counts once per kind and per key",
			events: [][]event.Deviation{devs("new_value/user", "new_value/user", "new_value/src_ip", "out_of_hours/alice")},
			want:   "new_value 1;   src_ip 1;   user 1; out_of_hours 1;   alice 1",
			held:   1,
		},
		{
			name:   "unknown kinds after the fixed ones, in the order seen",
			events: [][]event.Deviation{devs("zeta/1"), devs("rate_low/r"), devs("alpha/2")},
			want:   "rate_low 1;   r 1; zeta 1;   1 1; alpha 1;   2 1",
			held:   3,
		},
		{
			name:   "no key",
			events: [][]event.Deviation{devs("silence/"), devs("silence/")},
			want:   "silence 2;    2",
			held:   2,
		},
		{
			name:   "removal",
			events: [][]event.Deviation{devs("rate_high/a"), devs("rate_high/a", "silence/s"), devs("rate_high/b")},
			remove: []int{0, 1},
			want:   "rate_high 1;   b 1",
			held:   1,
		},
		{
			name:   "removing everything empties it",
			events: [][]event.Deviation{devs("rate_high/a"), devs("rate_high/a", "silence/s")},
			remove: []int{0, 1},
			want:   "",
			held:   0,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := NewDevCounts()
			masks := make([]uint64, len(tc.events))
			for i, e := range tc.events {
				masks[i] = d.Add(e)
			}
			for _, i := range tc.remove {
				d.Remove(tc.events[i], masks[i])
			}
			rows := d.Rows()
			if got := rowsText(rows); got != tc.want {
				t.Errorf("rows\n got %s\nwant %s", got, tc.want)
			}
			if d.Events() != tc.held {
				t.Errorf("Events() = %d, want %d", d.Events(), tc.held)
			}
			if d.RowCount() != len(rows) {
				t.Errorf("RowCount() = %d, %d rows", d.RowCount(), len(rows))
			}
		})
	}
}

func TestDevCountsBounded(t *testing.T) {
	d := NewDevCounts()
	type ev struct {
		devs []event.Deviation
		mask uint64
	}
	var held []ev
	add := func(dv []event.Deviation) {
		held = append(held, ev{dv, d.Add(dv)})
	}
	// MaxDeviationKeys keys, then 50 events with keys that find no room.
	for i := range MaxDeviationKeys {
		add(devs(fmt.Sprintf("new_value/k%03d", i)))
	}
	for i := range 50 {
		add(devs(fmt.Sprintf("new_value/late%02d", i)))
	}
	rows := d.Rows()
	if n := len(rows); n != 1+MaxDeviationKeys+1 {
		t.Fatalf("%d rows, want the kind, %d keys and one for the rest", n, MaxDeviationKeys)
	}
	if last := rows[len(rows)-1]; last.What != RowOtherKeys || last.Count != 50 || rows[0].Count != MaxDeviationKeys+50 {
		t.Fatalf("kind %+v, last row %+v", rows[0], last)
	}
	// The oldest go: room for new keys; a late key counted later is
	// counted by key, and the early events of it still come off the rest.
	for range 10 {
		d.Remove(held[0].devs, held[0].mask)
		held = held[1:]
	}
	add(devs("new_value/late00"))
	add(devs("new_value/late00"))
	rows = d.Rows()
	if got := rowsText(rows[:2]); got != "new_value 242;   late00 2" {
		t.Fatalf("after room was made: %s", got)
	}
	for len(held) > 0 {
		d.Remove(held[0].devs, held[0].mask)
		held = held[1:]
	}
	if got := rowsText(d.Rows()); got != "" || d.Events() != 0 {
		t.Fatalf("all removed: %q, %d events", got, d.Events())
	}
	// Kinds beyond the fixed ones are bounded too.
	for i := range maxExtraKinds + 3 {
		add(devs(fmt.Sprintf("kind%02d/x", i), "silence/s"))
	}
	rows = d.Rows()
	if last := rows[len(rows)-1]; last.What != RowOtherKinds || last.Count != 3 {
		t.Fatalf("last row %+v", last)
	}
	for len(held) > 0 {
		d.Remove(held[0].devs, held[0].mask)
		held = held[1:]
	}
	if got := rowsText(d.Rows()); got != "" {
		t.Fatalf("all removed: %q", got)
	}
}

func TestDevCountsAddAllocatesOnlyForNewKeys(t *testing.T) {
	d := NewDevCounts()
	dv := devs("rate_high/sshd on web1", "new_value/user")
	m := d.Add(dv)
	if n := testing.AllocsPerRun(100, func() { d.Remove(dv, m); m = d.Add(dv) }); n != 0 {
		t.Errorf("%v allocations per Add and Remove of known keys", n)
	}
}

func TestDeviationsPaneRender(t *testing.T) {
	d := NewDevCounts()
	for i := range 12 {
		d.Add(devs(fmt.Sprintf("rate_high/sshd 'Failed password for <USER>' on web%d", i%4)))
	}
	d.Add(devs("silence/postfix on mail\x1b[2J"))
	d.Add(devs("new_template/"))
	rows := d.Rows()
	clean := func(s string) string { return strings.ReplaceAll(s, "\x1b", `\x1b`) }
	for _, th := range []themes.Theme{themes.Dark(), themes.Mono()} {
		for _, w := range []int{1, 10, 38, 80} {
			for _, h := range []int{1, 3, 6, 20} {
				for _, sel := range []int{-1, 0, 4, len(rows) - 1} {
					out := Deviations(NewStyle(th), rows, sel, w, h, clean)
					checkBox(t, out, w, h)
					if strings.Contains(out, "\x1b[2J") {
						t.Fatalf("raw escape in the pane")
					}
					if sel >= 0 && h > 1 && w > 10 {
						lines := strings.Split(ansi.Strip(out), "\n")
						found := false
						for _, l := range lines {
							found = found || strings.HasPrefix(l, ">")
						}
						if !found {
							t.Errorf("%s %dx%d: selected row %d not shown:\n%s", th.Name, w, h, sel, ansi.Strip(out))
						}
					}
				}
			}
		}
	}
	plain := ansi.Strip(Deviations(NewStyle(themes.Mono()), rows, -1, 40, 6, clean))
	want := []string{
		" ◆ new_template                        1",
		"    (no key)                           1",
		" ◆ rate_high                          12",
		"    sshd 'Failed password for <USER>…  3",
		"    sshd 'Failed password for <USER>…  3",
		"  +4 more                               ",
	}
	if got := strings.Split(plain, "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("pane\n%s\nwant\n%s", plain, strings.Join(want, "\n"))
	}
	// The window follows the selection to the end.
	plain = ansi.Strip(Deviations(NewStyle(themes.Mono()), rows, len(rows)-1, 40, 3, clean))
	if !strings.HasPrefix(strings.Split(plain, "\n")[2], ">   postfix on mail\\x1b[2J") {
		t.Errorf("last row selected:\n%s", plain)
	}
}
