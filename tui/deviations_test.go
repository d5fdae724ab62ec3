package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/themes"
	"github.com/vigil-sec/vigil/tui/panes"
)

// devModel is a 120x40 model holding the hour of events with the
// deviation events after it, the deviations pane open.
func devModel(t *testing.T, opts Options) Model {
	t.Helper()
	opts.BufferSize = 5000
	m, _ := testModel(t, 120, 40, opts)
	m = update(m, mkBatch(false, events(0, 3600), deviationEvents()))
	return drive(t, m, keys("v")...)
}

// heldPairs counts the held events by kind and by kind and key, from the
// ring itself.
func heldPairs(b *book) (kinds, pairs map[string]int, n int) {
	kinds, pairs = map[string]int{}, map[string]int{}
	for pos := b.ring.first(); pos < b.ring.end(); pos++ {
		e := b.ring.at(pos)
		if len(e.Deviations) == 0 {
			continue
		}
		n++
		seenK, seenP := map[string]bool{}, map[string]bool{}
		for _, d := range e.Deviations {
			if !seenK[d.Kind] {
				kinds[d.Kind]++
				seenK[d.Kind] = true
			}
			if p := d.Kind + "\x00" + d.Key; !seenP[p] {
				pairs[p]++
				seenP[p] = true
			}
		}
	}
	return kinds, pairs, n
}

// TestDeviationCountsFollowTheRing checks the pane's counts against the
// events held while the ring evicts, with few keys (every count exact) and
// with more keys per kind than are counted (kinds exact, keys never over,
// keys and the rest adding up).
func TestDeviationCountsFollowTheRing(t *testing.T) {
	for _, nkeys := range []int{7, panes.MaxDeviationKeys + 150} {
		t.Run(fmt.Sprint(nkeys, " keys"), func(t *testing.T) {
			b := newBook(700)
			kinds := event.DeviationKinds()
			seq := 0
			for batch := range 40 {
				evs := events(seq, 97)
				for i := range evs {
					s := seq + i
					switch {
					case s%3 == 0:
						evs[i].Deviations = []event.Deviation{{Kind: kinds[s%len(kinds)], Key: fmt.Sprintf("key%d", (s*7)%nkeys)}}
					case s%5 == 0: // two of a kind, and one of another
						evs[i].Deviations = []event.Deviation{
							{Kind: "new_value", Key: fmt.Sprintf("key%d", s%nkeys)},
							{Kind: "new_value", Key: "user"},
							{Kind: "silence", Key: "user"},
						}
					}
				}
				seq += len(evs)
				b.ingest(evs)
				wantKinds, wantPairs, n := heldPairs(b)
				if b.devs.Events() != n {
					t.Fatalf("batch %d: %d events counted, %d held", batch, b.devs.Events(), n)
				}
				rows := b.devs.Rows()
				gotKinds := map[string]int{}
				keySum := map[string]int{}
				for _, r := range rows {
					switch r.What {
					case panes.RowKind:
						gotKinds[r.Kind] = r.Count
					case panes.RowKey:
						keySum[r.Kind] += r.Count
						want := wantPairs[r.Kind+"\x00"+r.Key]
						if r.Count > want || nkeys < panes.MaxDeviationKeys && r.Count != want {
							t.Fatalf("batch %d: %s/%s counts %d, %d held", batch, r.Kind, r.Key, r.Count, want)
						}
					case panes.RowOtherKeys:
						keySum[r.Kind] += r.Count
					}
				}
				if fmt.Sprint(gotKinds) != fmt.Sprint(wantKinds) {
					t.Fatalf("batch %d: kinds %v, held %v", batch, gotKinds, wantKinds)
				}
				wantSum := map[string]int{}
				for p, c := range wantPairs {
					k, _, _ := strings.Cut(p, "\x00")
					wantSum[k] += c
				}
				if fmt.Sprint(keySum) != fmt.Sprint(wantSum) {
					t.Fatalf("batch %d: keys add up to %v, held %v", batch, keySum, wantSum)
				}
			}
			if nkeys > panes.MaxDeviationKeys {
				if rows := b.devs.Rows(); rows[len(rows)-1].What != panes.RowOtherKeys && rows[len(rows)-1].What != panes.RowKey {
					t.Fatal("no row for the keys not counted")
				}
			}
		})
	}
}

func TestRowMarksDeviations(t *testing.T) {
	e := deviationEvents()[4] // out_of_hours and new_value
	e.Message = strings.Repeat("m", 300)
	for _, th := range []themes.Theme{themes.Dark(), themes.Mono()} {
		p := newPaint(th)
		for _, c := range []struct {
			width   int
			want    string
			msgRoom int // cells of message, at least
		}{
			{78, "◆ [login] mmm", 24},
			{118, "◆out_of_hours+1 [login] mmm", 30},
			{158, "◆out_of_hours+1 [login] mmm", 60},
		} {
			rr := newRowRenderer(&p, nil, c.width)
			row := rr.render(&e)
			plain := ansi.Strip(row)
			if !strings.Contains(plain, c.want) {
				t.Errorf("%s %d: row lacks %q:\n%s", th.Name, c.width, c.want, plain)
			}
			if n := strings.Count(plain, "m"); n < c.msgRoom {
				t.Errorf("%s %d: %d cells of message", th.Name, c.width, n)
			}
			if w := ansi.StringWidth(row); w > c.width {
				t.Errorf("%s %d: row is %d cells", th.Name, c.width, w)
			}
		}
	}
	// At 80 columns the marker costs the message two cells, no more.
	p := newPaint(themes.Dark())
	rr := newRowRenderer(&p, nil, 78)
	plainEv := e
	plainEv.Deviations = nil
	with, without := ansi.Strip(rr.render(&e)), ansi.Strip(rr.render(&plainEv))
	if strings.Count(without, "m")-strings.Count(with, "m") != 2 {
		t.Errorf("the marker costs more than its glyph and a space at 80 columns:\n%s\n%s", with, without)
	}
}

func TestHeaderShowsBaseline(t *testing.T) {
	calls := 0
	status := "baseline: warming up, 22h left"
	opts := Options{Baseline: func() string { calls++; return status }}
	m, _ := testModel(t, 160, 20, opts)
	m = update(m, mkBatch(false, events(0, 10), deviationEvents()))
	for range 3 {
		m.View()
	}
	if calls != 3 {
		t.Errorf("Baseline called %d times for 3 frames", calls)
	}
	header := func(m Model) string { return strings.SplitN(ansi.Strip(m.View().Content), "\n", 2)[0] }
	if h := header(m); !strings.Contains(h, "◆ 7  baseline: warming up, 22h left  following") {
		t.Errorf("wide header: %s", h)
	}
	m = update(m, tea.WindowSizeMsg{Width: 80, Height: 20})
	if h := header(m); !strings.Contains(h, "◆ 7  warming up, 22h left  following") {
		t.Errorf("narrow header: %s", h)
	}
	// Escaped, on one line, and cut.
	status = "baseline: \x1b]0;x\x07\nwarming up " + strings.Repeat("long ", 20)
	m = update(m, tea.WindowSizeMsg{Width: 160, Height: 20})
	h := header(m)
	if !strings.Contains(h, `baseline: \x1b]0;x\x07\nwarming up long`) || !strings.Contains(h, "…  following") {
		t.Errorf("header: %s", h)
	}
	checkFrame(t, m.View().Content, 160, 20)
	// No baseline, no deviations: neither is mentioned.
	m, _ = testModel(t, 160, 20, Options{})
	m = update(m, mkBatch(false, events(0, 10)))
	if h := header(m); strings.Contains(h, "◆") || strings.Contains(h, "baseline") {
		t.Errorf("header without a baseline: %s", h)
	}
	// Deviations without a baseline are still counted.
	m = update(m, mkBatch(false, deviationEvents()[:2]))
	if h := header(m); !strings.Contains(h, "◆ 2") {
		t.Errorf("header: %s", h)
	}
}

func TestDetailShowsDeviations(t *testing.T) {
	m, _ := testModel(t, 160, 48, Options{BufferSize: 100})
	e := deviationEvents()[0]
	e.Deviations[0].Reason += " " + evilLine
	m = update(m, mkBatch(false, []event.Event{e}), keyMsg("d"))
	frame := m.View().Content
	checkFrame(t, frame, 160, 48)
	plain := ansi.Strip(frame)
	for _, want := range []string{
		"deviation  ◆ rate_high  score 4.20",
		"  key      sshd 'Failed password for <USER> from <IP> port     ",
		"           <NUM> ssh2' on web-01 ",
		"  expected 0–1 ",
		"  observed 55 ",
		"  reason   sshd 'Failed password for <USER> from <IP> port     ",
		"           <NUM> ssh2' on web-01: 55 in 5 min; usual for Sat   ",
		`           10:00 is 0–1 title \x1b]0;PWNED\x07  clip`, // wrapped to its end, escapes shown
		`b\ click \x1b]8;;\x1b\  c1 \u009b31m `,
	} {
		if !strings.Contains(plain, want) {
			t.Errorf("detail lacks %q:\n%s", want, plain)
		}
	}
	// A score is written with two decimals.
	e = deviationEvents()[4]
	m = update(m, mkBatch(false, []event.Event{e}))
	if plain := ansi.Strip(m.View().Content); !strings.Contains(plain, "◆ new_value  score 3.14") || !strings.Contains(plain, "◆ out_of_hours  score 2.50") {
		t.Errorf("scores:\n%s", plain)
	}
}

func TestDeviationsPaneFilters(t *testing.T) {
	m := devModel(t, Options{})
	if !m.panes.deviations || m.devSel.ok {
		t.Fatal("v shows the pane, nothing selected")
	}
	// enter opens the detail pane until a group is selected.
	m = drive(t, m, keys("enter")...)
	if !m.panes.detail || m.filter != "" {
		t.Fatalf("enter without a group: detail=%v filter=%q", m.panes.detail, m.filter)
	}
	m = drive(t, m, keys("d", "}", "enter")...)
	if m.filter != "dev:new_template" || m.panes.detail {
		t.Fatalf("kind row: filter %q detail=%v", m.filter, m.panes.detail)
	}
	if n := len(visibleApps(m)); n != 1 {
		t.Fatalf("dev:new_template shows %d events", n)
	}
	m = drive(t, m, keys("}", "}", "}", "enter")...) // rate_high's key
	want := `dev:rate_high devkey:"sshd 'Failed password for <USER> from <IP> port <NUM> ssh2' on web-01"`
	if m.filter != want || len(visibleApps(m)) != 3 {
		t.Fatalf("key row: filter %q, %d events", m.filter, len(visibleApps(m)))
	}
	// The help says what enter does now, and that d still opens the detail.
	m = drive(t, m, keys("?")...)
	help := ansi.Strip(m.View().Content)
	if !strings.Contains(help, "filter on group") || strings.Contains(help, "enter/d") || !strings.Contains(help, "d             detail") {
		t.Errorf("help with a group selected:\n%s", help)
	}
	m = drive(t, m, keys("?")...)
	// A filter of the user's own is kept: the pane's term replaces the
	// one it added before, and an OR is bracketed.
	m = drive(t, m, seq(keys("f", "ctrl+u"), typeText("host:web-01 OR host:bastion"), keys("enter"))...)
	m = drive(t, m, keys("{", "enter")...) // rate_high
	if m.filter != "(host:web-01 OR host:bastion) dev:rate_high" {
		t.Fatalf("with the user's filter: %q", m.filter)
	}
	m = drive(t, m, keys("{", "{", "enter")...) // new_template
	if m.filter != "(host:web-01 OR host:bastion) dev:new_template" {
		t.Fatalf("replaced: %q", m.filter)
	}
	if n := len(visibleApps(m)); n != 0 {
		t.Fatalf("%d events", n)
	}
	// esc drops the selection first: enter is the detail pane's again.
	m = drive(t, m, keys("esc")...)
	if m.devSel.ok || !m.panes.deviations {
		t.Fatalf("esc: selected=%v pane=%v", m.devSel.ok, m.panes.deviations)
	}
	m = drive(t, m, keys("enter")...)
	if !m.panes.detail {
		t.Fatal("enter after esc must open the detail pane")
	}
	m = drive(t, m, keys("esc")...)
	if m.panes != (shown{}) {
		t.Fatalf("esc again closes the panes: %+v", m.panes)
	}
}

func TestDeviationsPaneKeepsSelectionByName(t *testing.T) {
	m := devModel(t, Options{})
	m = drive(t, m, keys("}", "}", "}", "}")...) // rate_high's key
	g := m.devSel
	if !g.isKey || g.kind != "rate_high" {
		t.Fatalf("selected %+v", g)
	}
	// More of another kind arrive and reorder nothing of rate_high; the
	// selection stays on its group.
	extra := deviationEvents()[3:4]
	for range 5 {
		m = update(m, mkBatch(false, extra))
	}
	if m.devSel != g {
		t.Fatalf("selection moved to %+v", m.devSel)
	}
	rows := m.b.devs.Rows()
	if i := m.devSelIndex(rows); i < 0 || rows[i].Kind != "rate_high" || rows[i].What != panes.RowKey {
		t.Fatalf("selected row %d", i)
	}
	checkFrame(t, m.View().Content, 120, 40)
}

func TestDeviationKeyWithControlsFiltersOnKind(t *testing.T) {
	m, _ := testModel(t, 120, 40, Options{BufferSize: 100})
	e := deviationEvents()[5]
	e.Deviations[0].Key = "k8s\x1b[2J"
	m = update(m, mkBatch(false, []event.Event{e}))
	m = drive(t, m, keys("v", "}", "}", "enter")...)
	if m.filter != "dev:clock_skew" || !strings.Contains(m.note, "kind only") {
		t.Fatalf("filter %q note %q", m.filter, m.note)
	}
	frame := m.View().Content
	checkFrame(t, frame, 120, 40)
	if !strings.Contains(ansi.Strip(frame), `k8s\x1b[2J`) {
		t.Error("the key must be shown escaped")
	}
}

func TestDeviationsPaneLayouts(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {100, 30}, {140, 40}, {160, 48}, {40, 12}, {30, 5}} {
		m, _ := testModel(t, size[0], size[1], Options{BufferSize: 5000, Baseline: func() string { return "baseline: on" }})
		m = update(m, mkBatch(false, events(0, 300), deviationEvents()))
		for _, k := range []string{"v", "}", "c", "s", "d", "T", "{", "enter"} {
			m = drive(t, m, keys(k)...)
			frame := m.View().Content
			checkFrame(t, frame, size[0], size[1])
		}
		if size[1] >= 24 && !strings.Contains(ansi.Strip(m.View().Content), "deviations") {
			t.Errorf("%v: no deviations pane", size)
		}
	}
	// An empty pane says so, with the baseline's status.
	m, _ := testModel(t, 80, 24, Options{Baseline: func() string { return "baseline: warming up, 22h left" }})
	m = update(m, mkBatch(false, events(0, 30)), keyMsg("v"))
	plain := ansi.Strip(m.View().Content)
	if !strings.Contains(plain, "no deviations held") || !strings.Contains(plain, " baseline: warming up, 22h left") {
		t.Errorf("empty pane:\n%s", plain)
	}
}

func TestPaletteOffersDeviations(t *testing.T) {
	m := devModel(t, Options{})
	m = drive(t, m, keys("v")...) // hide the pane
	m = drive(t, m, seq(keys(":"), typeText("dev:silence"), keys("enter"))...)
	if m.filter != "dev:silence" || len(visibleApps(m)) != 1 {
		t.Fatalf("filter %q, %d events", m.filter, len(visibleApps(m)))
	}
	m = drive(t, m, seq(keys(":"), typeText("deviations  (v)"), keys("enter"))...)
	if !m.panes.deviations {
		t.Fatal("the palette's action must show the pane")
	}
}

func TestConflictsAllowModalEnter(t *testing.T) {
	k := DefaultKeyMap()
	if err := k.Conflicts(); err != nil {
		t.Fatalf("default key map: %v", err)
	}
	if err := k.Rebind("deviations_apply", []string{"x"}); err != nil {
		t.Fatal(err)
	}
	if err := k.Conflicts(); err == nil || !strings.Contains(err.Error(), `"x"`) {
		t.Fatalf("deviations_apply on the context key: %v", err)
	}
}

func TestAndTerm(t *testing.T) {
	for _, c := range [][3]string{
		{"", "dev:x", "dev:x"},
		{"  ", "dev:x", "dev:x"},
		{"host:a", "dev:x", "host:a dev:x"},
		{"host:a OR host:b", "dev:x", "(host:a OR host:b) dev:x"},
		{"(a OR b) c", "dev:x", "((a OR b) c) dev:x"},
	} {
		if got := andTerm(c[0], c[1]); got != c[2] {
			t.Errorf("andTerm(%q, %q) = %q, want %q", c[0], c[1], got, c[2])
		}
	}
}
