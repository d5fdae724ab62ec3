package tui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/sources"
	"github.com/vigil-sec/vigil/themes"
)

// listRows is the list height at 80x24: header and help take two lines.
const listRows = 22

func TestFollowsNewEvents(t *testing.T) {
	m, _ := testModel(t, 80, 24, Options{})
	if !m.list.following {
		t.Fatal("a new model must follow")
	}
	m = update(m, mkBatch(false, events(0, 10)), mkBatch(false, events(10, 40)))
	if got := m.b.ring.len(); got != 50 {
		t.Fatalf("held %d events, want 50", got)
	}
	if !m.list.following || m.list.cursor != 49 {
		t.Fatalf("following=%v cursor=%d, want following on 49", m.list.following, m.list.cursor)
	}
	if want := uint64(50 - listRows); m.list.top != want {
		t.Fatalf("top=%d, want %d (last rows visible)", m.list.top, want)
	}
}

func TestScrollUpPausesAndCountsNew(t *testing.T) {
	m, _ := testModel(t, 80, 24, Options{})
	m = update(m, mkBatch(false, events(0, 100)))
	m = update(m, keyMsg("k"), keyMsg("up"))
	if m.list.following {
		t.Fatal("scrolling up must pause")
	}
	if m.list.cursor != 97 {
		t.Fatalf("cursor=%d, want 97", m.list.cursor)
	}
	top := m.list.top
	m = update(m, mkBatch(false, events(100, 30)), mkBatch(false, events(130, 5)))
	if m.list.fresh != 35 {
		t.Fatalf("fresh=%d, want 35 new while paused", m.list.fresh)
	}
	if m.list.top != top || m.list.cursor != 97 {
		t.Fatalf("paused view moved: top %d->%d cursor=%d", top, m.list.top, m.list.cursor)
	}
	if !m.keys.Follow.Enabled() || !m.keys.Bottom.Enabled() {
		t.Fatal("G and F must be offered while paused")
	}
	m = update(m, keyMsg("G"))
	if !m.list.following || m.list.fresh != 0 || m.list.cursor != 134 {
		t.Fatalf("after G: following=%v fresh=%d cursor=%d", m.list.following, m.list.fresh, m.list.cursor)
	}
	if m.keys.Follow.Enabled() {
		t.Fatal("F must be switched off (and out of the help) while following")
	}
}

func TestFollowKeys(t *testing.T) {
	for _, k := range []string{"G", "end", "F"} {
		m, _ := testModel(t, 80, 24, Options{})
		m = update(m, mkBatch(false, events(0, 100)), keyMsg("g"))
		if m.list.following || m.list.cursor != 0 || m.list.top != 0 {
			t.Fatalf("g: following=%v cursor=%d top=%d", m.list.following, m.list.cursor, m.list.top)
		}
		m = update(m, keyMsg(k))
		if !m.list.following || m.list.cursor != 99 {
			t.Errorf("%s: following=%v cursor=%d", k, m.list.following, m.list.cursor)
		}
	}
}

func TestDownToNewestResumesFollow(t *testing.T) {
	m, _ := testModel(t, 80, 24, Options{})
	m = update(m, mkBatch(false, events(0, 100)), keyMsg("k"), keyMsg("k"))
	m = update(m, keyMsg("j"))
	if m.list.following {
		t.Fatal("one above the newest is still paused")
	}
	m = update(m, keyMsg("down"))
	if !m.list.following {
		t.Fatal("reaching the newest event must resume following")
	}
	m = update(m, mkBatch(false, events(100, 3)))
	if m.list.cursor != 102 {
		t.Fatalf("cursor=%d, want 102", m.list.cursor)
	}
}

func TestPaging(t *testing.T) {
	m, _ := testModel(t, 80, 24, Options{})
	m = update(m, mkBatch(false, events(0, 1000)))
	for _, k := range []string{"pgup", "ctrl+b"} {
		before := m.list
		m = update(m, keyMsg(k))
		if m.list.cursor != before.cursor-listRows || m.list.top != before.top-listRows {
			t.Fatalf("%s: cursor %d->%d top %d->%d", k, before.cursor, m.list.cursor, before.top, m.list.top)
		}
	}
	for _, k := range []string{"pgdown", "ctrl+f"} {
		before := m.list
		m = update(m, keyMsg(k))
		if m.list.cursor != before.cursor+listRows {
			t.Fatalf("%s: cursor %d->%d", k, before.cursor, m.list.cursor)
		}
	}
	if !m.list.following {
		t.Fatal("paging back to the newest must resume following")
	}
	m = update(m, keyMsg("home"), keyMsg("space"))
	if m.list.cursor != listRows || m.list.top != listRows {
		t.Fatalf("space from home: cursor=%d top=%d", m.list.cursor, m.list.top)
	}
	m = update(m, keyMsg("pgup"), keyMsg("pgup"))
	if m.list.cursor != 0 || m.list.top != 0 {
		t.Fatalf("pgup past the oldest: cursor=%d top=%d", m.list.cursor, m.list.top)
	}
}

func TestEvictionIsCounted(t *testing.T) {
	m, _ := testModel(t, 80, 24, Options{BufferSize: 100})
	m = update(m, mkBatch(false, events(0, 60)), keyMsg("g"))
	m = update(m, mkBatch(false, events(60, 70)))
	if got := m.b.ring.evicted(); got != 30 {
		t.Fatalf("evicted=%d, want 30", got)
	}
	if m.b.ring.len() != 100 || m.b.ring.first() != 30 {
		t.Fatalf("len=%d first=%d", m.b.ring.len(), m.b.ring.first())
	}
	// The paused cursor was on an evicted event: it moves to the oldest.
	if m.list.cursor != 30 || m.list.top != 30 || m.list.following {
		t.Fatalf("cursor=%d top=%d following=%v", m.list.cursor, m.list.top, m.list.following)
	}
	if m.b.ring.at(30).Seq != 30 {
		t.Fatalf("oldest held is seq %d", m.b.ring.at(30).Seq)
	}
	// A batch larger than the whole buffer.
	m = update(m, mkBatch(false, events(130, 250)))
	if m.b.ring.evicted() != 280 || m.b.ring.at(m.b.ring.first()).Seq != 280 || m.b.ring.at(379).Seq != 379 {
		t.Fatalf("evicted=%d first seq=%d", m.b.ring.evicted(), m.b.ring.at(m.b.ring.first()).Seq)
	}
}

func TestSourcesEnded(t *testing.T) {
	m, _ := testModel(t, 80, 24, Options{})
	nm, cmd := m.Update(mkBatch(true, events(0, 5)))
	m = nm.(Model)
	if !m.ended || m.b.ring.len() != 5 {
		t.Fatalf("ended=%v len=%d", m.ended, m.b.ring.len())
	}
	if cmd != nil {
		t.Fatal("no further batch may be requested after the last")
	}
	m = update(m, keyMsg("k"))
	if m.list.following || !m.ended {
		t.Fatal("the UI stays usable after the sources end")
	}
}

func TestQuitKeys(t *testing.T) {
	for _, k := range []string{"q", "ctrl+c"} {
		m, _ := testModel(t, 80, 24, Options{})
		_, cmd := m.Update(keyMsg(k))
		if cmd == nil {
			t.Fatalf("%s: no command", k)
		}
		if _, ok := cmd().(tea.QuitMsg); !ok {
			t.Fatalf("%s does not quit", k)
		}
	}
}

func TestRate(t *testing.T) {
	m, c := testModel(t, 80, 24, Options{})
	m = update(m, tickMsg{})
	m = update(m, mkBatch(false, events(0, 3000)))
	c.advance(time.Second)
	m = update(m, tickMsg{})
	if m.rate != 3000 {
		t.Fatalf("rate=%d, want 3000", m.rate)
	}
	c.advance(2 * time.Second)
	m = update(m, mkBatch(false, events(3000, 1000)), tickMsg{})
	if m.rate != 500 {
		t.Fatalf("rate=%d, want 500", m.rate)
	}
}

func TestResizeKeepsPausedAnchor(t *testing.T) {
	m, _ := testModel(t, 80, 24, Options{})
	m = update(m, mkBatch(false, events(0, 500)), keyMsg("g"))
	for range 100 {
		m = update(m, keyMsg("j"))
	}
	m = update(m, tea.WindowSizeMsg{Width: 120, Height: 40})
	if m.list.cursor != 100 || m.list.following {
		t.Fatalf("cursor=%d following=%v", m.list.cursor, m.list.following)
	}
	if m.list.cursor < m.list.top || m.list.cursor >= m.list.top+uint64(m.listHeight()) {
		t.Fatalf("cursor %d not visible from top %d", m.list.cursor, m.list.top)
	}
	m = update(m, tea.WindowSizeMsg{Width: 40, Height: 5})
	if m.list.cursor < m.list.top || m.list.cursor >= m.list.top+uint64(m.listHeight()) {
		t.Fatalf("small: cursor %d not visible from top %d (h %d)", m.list.cursor, m.list.top, m.listHeight())
	}
}

func TestEmptyListKeys(t *testing.T) {
	m, _ := testModel(t, 80, 24, Options{})
	for _, k := range []string{"k", "j", "pgup", "pgdown", "g", "G", "F"} {
		m = update(m, keyMsg(k))
	}
	if !m.list.following || m.list.cursor != 0 {
		t.Fatalf("following=%v cursor=%d", m.list.following, m.list.cursor)
	}
}

func TestAdaptiveTheme(t *testing.T) {
	t.Setenv("NO_COLOR", "")
	t.Setenv("TERM", "xterm-256color")
	m, _ := testModel(t, 80, 24, Options{Theme: themes.Default()})
	m = update(m, tea.BackgroundColorMsg{Color: whiteColor{}})
	if m.look.theme.Name != "light" {
		t.Fatalf("theme %q on a white background", m.look.theme.Name)
	}
	m, _ = testModel(t, 80, 24, Options{Theme: themes.Mono()})
	m = update(m, tea.BackgroundColorMsg{Color: whiteColor{}})
	if m.look.theme.Name != "mono" {
		t.Fatalf("an explicit theme changed to %q", m.look.theme.Name)
	}
}

type whiteColor struct{}

func (whiteColor) RGBA() (r, g, b, a uint32) { return 0xffff, 0xffff, 0xffff, 0xffff }

func TestHelpToggleShrinksList(t *testing.T) {
	m, _ := testModel(t, 80, 24, Options{})
	m = update(m, mkBatch(false, events(0, 100)))
	h := m.listHeight()
	m = update(m, keyMsg("?"))
	if !m.showAll || m.listHeight() >= h {
		t.Fatalf("full help: ShowAll=%v list %d->%d", m.showAll, h, m.listHeight())
	}
	if m.list.cursor != 99 || m.list.top+uint64(m.listHeight()) != 100 {
		t.Fatalf("cursor=%d top=%d", m.list.cursor, m.list.top)
	}
}

func TestRateFromFirstSecond(t *testing.T) {
	m, c := testModel(t, 80, 24, Options{}) // the window size starts the rate clock
	m = update(m, mkBatch(false, events(0, 700)))
	c.advance(time.Second)
	m = update(m, tickMsg{})
	if m.rate != 700 {
		t.Fatalf("first tick: rate=%d, want 700", m.rate)
	}
}

func TestSkippedIsShown(t *testing.T) {
	m, _ := testModel(t, 120, 10, Options{BufferSize: 100})
	evs := events(0, 3)
	evs[1].Truncated = 5000
	loss := event.Event{Time: epoch, App: "vigil", Format: "notice", Message: "copytruncate: 120 bytes lost", Categories: []string{event.CategoryLogIntegrity}, Offset: -1}
	m = update(m, mkBatch(false, evs, []event.Event{loss}))
	if head := strings.SplitN(ansi.Strip(m.View().Content), "\n", 2)[0]; !strings.Contains(head, "skipped 2") {
		t.Fatalf("header %q lacks the skipped count", head)
	}
}

func TestSourceStates(t *testing.T) {
	notice := func(state string) event.Event {
		n := event.Event{Time: epoch, App: "vigil", Format: "notice", Message: "a notice", Source: "s", Offset: -1}
		if state != "" {
			n.SetField(sources.StateField, state)
		}
		return n
	}
	line := event.Event{Time: epoch, App: "sshd", Message: "a line", Source: "s", Offset: -1}
	for _, tc := range []struct {
		name string
		evs  []event.Event
		want string
	}{
		{"lines only", []event.Event{line}, "following"},
		{"restarted", []event.Event{line, notice(sources.StateRestarted), line}, "restarted"},
		{"rotated", []event.Event{notice(sources.StateRotated)}, "rotated"},
		{"error", []event.Event{line, notice(sources.StateError)}, "error"},
		{"error, then lines again", []event.Event{notice(sources.StateError), line}, "following"},
		{"a notice without a state", []event.Event{notice(sources.StateRotated), notice("")}, "rotated"},
	} {
		s := newStats()
		s.add(tc.evs)
		if got := s.sources["s"].state(false); got != tc.want {
			t.Errorf("%s: state %q, want %q", tc.name, got, tc.want)
		}
	}
}
