package tui

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/filters/query"
)

// drive applies msgs and runs every command they return, feeding the
// resulting messages back, as the program would (tick and terminal
// commands excepted).
func drive(t *testing.T, m Model, msgs ...tea.Msg) Model {
	t.Helper()
	queue := append([]tea.Msg(nil), msgs...)
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 1000 {
			t.Fatal("drive: too many messages")
		}
		msg := queue[0]
		queue = queue[1:]
		nm, cmd := m.Update(msg)
		m = nm.(Model)
		queue = append(queue, runCmd(cmd)...)
	}
	return m
}

// runCmd runs cmd and returns the messages the model should see: the
// results of our own work (filter, search, export), not ticks or terminal
// requests.
func runCmd(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	switch msg := cmd().(type) {
	case tea.BatchMsg:
		var out []tea.Msg
		for _, c := range msg {
			out = append(out, runCmd(c)...)
		}
		return out
	case filterDoneMsg, searchDoneMsg, exportDoneMsg:
		return []tea.Msg{msg}
	}
	return nil
}

// typeText returns the key presses that type s.
func typeText(s string) []tea.Msg {
	var out []tea.Msg
	for _, r := range s {
		out = append(out, tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	return out
}

func keys(ks ...string) []tea.Msg {
	out := make([]tea.Msg, len(ks))
	for i, k := range ks {
		out[i] = keyMsg(k)
	}
	return out
}

func seq(parts ...[]tea.Msg) []tea.Msg {
	var out []tea.Msg
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// visibleApps returns the app of every event in the current view.
func visibleApps(m Model) []string {
	first, end := m.bounds()
	var out []string
	for o := first; o < end; o++ {
		out = append(out, m.b.ring.at(m.b.cur.v.pos(o)).App)
	}
	return out
}

func loaded(t *testing.T, n int) Model {
	t.Helper()
	m, _ := testModel(t, 120, 40, Options{BufferSize: 1000})
	return update(m, mkBatch(false, events(0, n)))
}

func TestFilterBarAppliesQuery(t *testing.T) {
	m := loaded(t, 60)
	m = drive(t, m, seq(keys("f"), typeText("app:sshd"), keys("enter"))...)
	if m.mode != modeList || m.filter != "app:sshd" {
		t.Fatalf("mode=%v filter=%q", m.mode, m.filter)
	}
	apps := visibleApps(m)
	if len(apps) != 10 {
		t.Fatalf("%d events match app:sshd, want 10", len(apps))
	}
	for _, a := range apps {
		if a != "sshd" {
			t.Fatalf("app %q in the filtered view", a)
		}
	}
	// New events are filtered as they arrive.
	m = update(m, mkBatch(false, events(60, 12)))
	if n := len(visibleApps(m)); n != 12 {
		t.Fatalf("after 12 more: %d match, want 12", n)
	}
	if !strings.Contains(ansi.Strip(m.View().Content), "filter: app:sshd") {
		t.Error("the status line must show the filter in force")
	}
	// An empty filter shows everything again.
	m = drive(t, m, seq(keys("f"), keys("ctrl+u"), keys("enter"))...)
	if m.filter != "" || m.b.cur.v.len(m.b.ring) != 72 {
		t.Fatalf("cleared: filter=%q len=%d", m.filter, m.b.cur.v.len(m.b.ring))
	}
}

func TestFilterEscKeepsFilter(t *testing.T) {
	m := loaded(t, 60)
	m = drive(t, m, seq(keys("f"), typeText("app:kernel"), keys("enter"))...)
	m = drive(t, m, seq(keys("f"), typeText(" OR app:sshd"), keys("esc"))...)
	if m.mode != modeList || m.filter != "app:kernel" || len(visibleApps(m)) != 10 {
		t.Fatalf("esc changed the filter: %q, %d events", m.filter, len(visibleApps(m)))
	}
}

func TestBadFilterShowsErrorAndKeepsFilter(t *testing.T) {
	m := loaded(t, 60)
	m = drive(t, m, seq(keys("f"), typeText("app:kernel"), keys("enter"))...)
	m = drive(t, m, seq(keys("f", "ctrl+u"), typeText("(app:sshd"), keys("enter"))...)
	if m.mode != modeFilter || m.inputErr == nil {
		t.Fatalf("mode=%v err=%v: a bad query must keep the bar open with an error", m.mode, m.inputErr)
	}
	if m.filter != "app:kernel" || len(visibleApps(m)) != 10 {
		t.Fatalf("the previous filter must stay: %q", m.filter)
	}
	frame := ansi.Strip(m.View().Content)
	if !strings.Contains(frame, "^") {
		t.Errorf("no caret under the problem:\n%s", frame)
	}
	checkFrame(t, m.View().Content, 120, 40)
}

func TestFilterHistory(t *testing.T) {
	m := loaded(t, 30)
	m = drive(t, m, seq(keys("f"), typeText("app:sshd"), keys("enter"))...)
	m = drive(t, m, seq(keys("f", "ctrl+u"), typeText("app:kernel"), keys("enter"))...)
	m = drive(t, m, seq(keys("f", "ctrl+u"), typeText("draft"), keys("up"))...)
	if got := m.input.Value(); got != "app:kernel" {
		t.Fatalf("up: %q", got)
	}
	m = drive(t, m, keys("up")...)
	if got := m.input.Value(); got != "app:sshd" {
		t.Fatalf("up up: %q", got)
	}
	m = drive(t, m, keys("down", "down")...)
	if got := m.input.Value(); got != "draft" {
		t.Fatalf("down to the draft: %q", got)
	}
}

func TestStaleFilterResultIgnored(t *testing.T) {
	m := loaded(t, 60)
	var cmds []tea.Cmd
	for _, q := range []string{"app:sshd", "app:kernel"} {
		m = update(m, keys("f", "ctrl+u")...)
		m = update(m, typeText(q)...)
		nm, cmd := m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
		m = nm.(Model)
		cmds = append(cmds, cmd)
	}
	// The newer answer first, then the stale one.
	m = update(m, cmds[1](), cmds[0]())
	for _, a := range visibleApps(m) {
		if a != "kernel" {
			t.Fatalf("a stale answer replaced the view: %q", a)
		}
	}
}

func TestSearchStepsWithoutFiltering(t *testing.T) {
	m := loaded(t, 60)
	m = update(m, keys("g")...)
	m = drive(t, m, seq(keys("/"), typeText("app:nginx"), keys("enter"))...)
	if n := m.b.cur.v.len(m.b.ring); n != 60 {
		t.Fatalf("search filtered the view to %d", n)
	}
	if got := m.b.ring.at(m.list.cursor).App; got != "nginx" || m.list.cursor != 3 {
		t.Fatalf("first match: cursor %d app %q", m.list.cursor, got)
	}
	m = drive(t, m, keys("n")...)
	if m.list.cursor != 9 {
		t.Fatalf("n: cursor %d, want 9", m.list.cursor)
	}
	m = drive(t, m, keys("N")...)
	if m.list.cursor != 3 {
		t.Fatalf("N: cursor %d, want 3", m.list.cursor)
	}
	m = drive(t, m, keys("N")...)
	if m.list.cursor != 3 || !strings.Contains(m.note, "no more matches") {
		t.Fatalf("N past the first: cursor %d note %q", m.list.cursor, m.note)
	}
}

func TestSearchHighlights(t *testing.T) {
	m := loaded(t, 10)
	m = drive(t, m, seq(keys("/"), typeText("invalid"), keys("enter"))...)
	frame := m.View().Content
	if !strings.Contains(frame, m.look.paint.match.render("invalid")) {
		t.Fatalf("matches are not highlighted:\n%q", frame)
	}
}

func TestMarksAndMarksOnly(t *testing.T) {
	m := loaded(t, 20)
	m = update(m, keys("m", "k", "k", "m", "k")...)
	if len(m.b.marks) != 2 {
		t.Fatalf("%d marks", len(m.b.marks))
	}
	m = drive(t, m, keys("M")...)
	if n := m.b.cur.v.len(m.b.ring); n != 2 || !m.b.cur.marks {
		t.Fatalf("marks view holds %d", n)
	}
	if !strings.Contains(ansi.Strip(m.View().Content), "MARKS ONLY") {
		t.Error("the marks view must say so")
	}
	m = drive(t, m, keys("M")...)
	if m.b.cur.marks || m.b.cur.v.len(m.b.ring) != 20 {
		t.Fatal("M again must return to the filter")
	}
}

func TestContextLiftsFilter(t *testing.T) {
	m := loaded(t, 60)
	m = drive(t, m, seq(keys("f"), typeText("app:sshd"), keys("enter"), keys("k"))...)
	pos, _ := m.selected()
	m = drive(t, m, keys("x")...)
	if !m.b.cur.v.all || m.b.saved == nil {
		t.Fatal("x must show every event")
	}
	if got, _ := m.selected(); got != pos {
		t.Fatalf("context centred on %d, want %d", got, pos)
	}
	m = drive(t, m, keys("j", "x")...)
	if m.b.cur.v.all || m.b.saved != nil || m.filter != "app:sshd" {
		t.Fatal("x again must return to the filtered view")
	}
}

func TestExportMarked(t *testing.T) {
	m := loaded(t, 20)
	m = update(m, keys("m", "k", "m")...)
	path := filepath.Join(t.TempDir(), "evidence.jsonl")
	m = drive(t, m, seq(keys("e", "ctrl+u"), typeText(path), keys("enter"))...)
	if !strings.Contains(m.note, "exported 2 events") {
		t.Fatalf("note %q", m.note)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if len(lines) < 3 || !strings.Contains(lines[0], `"selection":"marked"`) {
		t.Fatalf("export:\n%s", strings.Join(lines, "\n"))
	}
}

func TestExportTabSwitchesToView(t *testing.T) {
	m := loaded(t, 20)
	m = update(m, keys("m")...)
	m = update(m, keys("e")...)
	if !m.exportMark {
		t.Fatal("with marks, export starts with them")
	}
	m = update(m, keys("tab")...)
	if m.exportMark || !strings.Contains(m.input.Prompt, "in view") {
		t.Fatalf("tab: %q", m.input.Prompt)
	}
}

func TestCopyUsesOSC52(t *testing.T) {
	m := loaded(t, 5)
	nm, cmd := m.Update(keyMsg("y"))
	m = nm.(Model)
	if cmd == nil || !strings.Contains(m.note, "copied") {
		t.Fatalf("y: cmd=%v note=%q", cmd != nil, m.note)
	}
}

func TestJumpToTime(t *testing.T) {
	m := loaded(t, 600)
	m.now = func() time.Time { return epoch.Add(time.Hour) }
	m = drive(t, m, seq(keys("t"), typeText("09:30:00"), keys("enter"))...)
	e := m.b.ring.at(m.list.cursor)
	if got := e.Time.Format("15:04:05"); got != "09:30:00" || m.list.following {
		t.Fatalf("jumped to %s following=%v", got, m.list.following)
	}
	m = drive(t, m, seq(keys("t"), typeText("nonsense"), keys("enter"))...)
	if m.mode != modeTime || m.inputErr == nil {
		t.Fatal("a bad time must keep the prompt open with an error")
	}
}

func TestQuickOnlyAndExclude(t *testing.T) {
	m := loaded(t, 60)
	m = drive(t, m, keys("o", "p")...) // only this app
	app := m.b.ring.at(59).App
	if m.filter != "app:"+query.Quote(app) || len(visibleApps(m)) != 10 {
		t.Fatalf("only: filter %q, %d events", m.filter, len(visibleApps(m)))
	}
	m = drive(t, m, seq(keys("f", "ctrl+u"), keys("enter"), keys("O", "p"))...)
	if m.filter != "-app:"+query.Quote(app) || len(visibleApps(m)) != 50 {
		t.Fatalf("exclude: filter %q, %d events", m.filter, len(visibleApps(m)))
	}
}

func TestPaletteFuzzy(t *testing.T) {
	m := loaded(t, 20)
	m = drive(t, m, seq(keys(":"), typeText("tmln"))...)
	if m.mode != modePalette || len(m.palette.matches) == 0 {
		t.Fatal("no palette match for tmln")
	}
	if got := m.palette.items[m.palette.matches[0].Index].label; !strings.HasPrefix(got, "timeline") {
		t.Fatalf("best match %q", got)
	}
	m = drive(t, m, keys("enter")...)
	if !m.panes.timeline {
		t.Fatal("choosing the timeline action must open it")
	}
	// Values seen so far are offered as filters.
	m = drive(t, m, seq(keys(":"), typeText("db-prim"), keys("enter"))...)
	if m.filter != "host:db-primary" {
		t.Fatalf("filter %q", m.filter)
	}
}

func TestPanesAndToggles(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {160, 48}} {
		m, _ := testModel(t, size[0], size[1], Options{BufferSize: 1000})
		m = update(m, mkBatch(false, events(0, 300)))
		for _, k := range []string{"enter", "c", "T", "s", "w", "U", "l", "?"} {
			m = drive(t, m, keys(k)...)
			checkFrame(t, m.View().Content, size[0], size[1])
		}
		if !m.panes.detail || !m.panes.categories || !m.panes.timeline || !m.panes.sources {
			t.Fatalf("panes %+v", m.panes)
		}
		if !m.wrap || !m.utc || m.hscroll != 8 {
			t.Fatalf("wrap=%v utc=%v hscroll=%d", m.wrap, m.utc, m.hscroll)
		}
		m = drive(t, m, keys("esc", "h", "esc")...)
		if m.panes != (shown{}) || m.hscroll != 0 {
			t.Fatalf("esc must close the panes: %+v", m.panes)
		}
	}
}

func TestDetailPaneShowsEverything(t *testing.T) {
	m, _ := testModel(t, 120, 40, Options{BufferSize: 100})
	e := event.Event{Time: epoch, Host: "web1", App: "sshd", PID: 42, Message: "Failed password for root",
		Categories: []string{"auth.failure"}, Rules: []string{"ssh-failed-password"},
		Fields: map[string]string{"user": "root", "src_ip": "203.0.113.9"}, Source: "file:/var/log/auth.log",
		Offset: 1234, Format: "rfc3164", Raw: []byte("Mar 14 09:26:53 web1 sshd[42]: Failed password for root")}
	m = update(m, mkBatch(false, []event.Event{e}), keyMsg("d"))
	frame := ansi.Strip(m.View().Content)
	for _, want := range []string{"auth.failure", "16.6", "ssh-failed-password", "user", "root", "203.0.113.9", "offset 1,234", "rfc3164", "Mar 14 09:26:53 web1"} {
		if !strings.Contains(frame, want) {
			t.Errorf("detail lacks %q:\n%s", want, frame)
		}
	}
}

func TestEvictionKeepsFilteredViewConsistent(t *testing.T) {
	m, _ := testModel(t, 120, 40, Options{BufferSize: 50})
	m = update(m, mkBatch(false, events(0, 40)))
	m = drive(t, m, seq(keys("f"), typeText("app:sshd"), keys("enter"))...)
	for i := range 10 {
		m = update(m, mkBatch(false, events(40+i*30, 30)))
	}
	first := m.b.ring.first()
	apps := visibleApps(m)
	for _, a := range apps {
		if a != "sshd" {
			t.Fatalf("app %q", a)
		}
	}
	f, e := m.bounds()
	for o := f; o < e; o++ {
		if m.b.cur.v.pos(o) < first {
			t.Fatalf("evicted position %d still in the view", m.b.cur.v.pos(o))
		}
	}
	// Every sshd event held is in the view.
	want := 0
	for p := first; p < m.b.ring.end(); p++ {
		if m.b.ring.at(p).App == "sshd" {
			want++
		}
	}
	if len(apps) != want {
		t.Fatalf("view holds %d, ring %d sshd events", len(apps), want)
	}
}

func TestHelpListsEveryBinding(t *testing.T) {
	m := loaded(t, 5)
	m = update(m, keys("k", "?")...) // paused, so G and F are on
	frame := ansi.Strip(m.View().Content)
	for _, group := range (listHelp{&m.keys}).FullHelp() {
		for _, b := range group {
			if b.Enabled() && !strings.Contains(frame, b.Help().Desc) {
				t.Errorf("full help lacks %q", b.Help().Desc)
			}
		}
	}
}

func TestRebind(t *testing.T) {
	k := DefaultKeyMap()
	if err := k.Rebind("filter", []string{"F2"}); err != nil {
		t.Fatal(err)
	}
	if err := k.Rebind("nope", []string{"x"}); err == nil || !strings.Contains(err.Error(), "unknown action") {
		t.Fatalf("err %v", err)
	}
	if err := k.Rebind("search", []string{"t"}); err != nil {
		t.Fatal(err)
	}
	if err := k.Conflicts(); err == nil || !strings.Contains(err.Error(), `"t"`) {
		t.Fatalf("conflict not found: %v", err)
	}
}

// TestEveryBindingActs presses every key of every list binding and checks
// the effect, so a binding that does nothing (or was lost in a rebind)
// fails here.
func TestEveryBindingActs(t *testing.T) {
	type check func(before, after Model) bool
	moved := func(b, a Model) bool { return a.list.cursor != b.list.cursor }
	cases := map[string]struct {
		setup []tea.Msg // before the key, from a paused list in the middle
		ok    check
	}{
		"up":               {nil, moved},
		"down":             {nil, moved},
		"page_up":          {nil, moved},
		"page_down":        {nil, moved},
		"top":              {nil, func(b, a Model) bool { return a.list.cursor == 0 }},
		"bottom":           {nil, func(b, a Model) bool { return a.list.following }},
		"follow":           {nil, func(b, a Model) bool { return a.list.following }},
		"jump_time":        {nil, func(b, a Model) bool { return a.mode == modeTime }},
		"left":             {keys("l", "l"), func(b, a Model) bool { return a.hscroll < b.hscroll }},
		"right":            {nil, func(b, a Model) bool { return a.hscroll > b.hscroll }},
		"wrap":             {nil, func(b, a Model) bool { return a.wrap != b.wrap }},
		"utc":              {nil, func(b, a Model) bool { return a.utc != b.utc }},
		"filter":           {nil, func(b, a Model) bool { return a.mode == modeFilter }},
		"search":           {nil, func(b, a Model) bool { return a.mode == modeSearch }},
		"next":             {seq(keys("/"), typeText("app:sshd"), keys("enter", "g")), moved},
		"prev":             {seq(keys("/"), typeText("app:sshd"), keys("enter", "G", "k")), moved},
		"palette":          {nil, func(b, a Model) bool { return a.mode == modePalette }},
		"only":             {nil, func(b, a Model) bool { return a.mode == modeQuick && a.quickOnly }},
		"exclude":          {nil, func(b, a Model) bool { return a.mode == modeQuick && !a.quickOnly }},
		"mark":             {nil, func(b, a Model) bool { return len(a.b.marks) == len(b.b.marks)+1 }},
		"marks_only":       {keys("m"), func(b, a Model) bool { return a.b.cur.marks }},
		"context":          {seq(keys("f"), typeText("app:sshd"), keys("enter")), func(b, a Model) bool { return a.b.saved != nil }},
		"export":           {nil, func(b, a Model) bool { return a.mode == modeExport }},
		"copy":             {nil, func(b, a Model) bool { return strings.Contains(a.note, "copied") }},
		"detail":           {nil, func(b, a Model) bool { return a.panes.detail }},
		"categories":       {nil, func(b, a Model) bool { return a.panes.categories }},
		"timeline":         {nil, func(b, a Model) bool { return a.panes.timeline }},
		"sources":          {nil, func(b, a Model) bool { return a.panes.sources }},
		"timeline_earlier": {keys("T"), func(b, a Model) bool { return a.tlSel >= 0 && moved(b, a) }},
		"timeline_later":   {keys("T", "g"), func(b, a Model) bool { return a.tlSel >= 0 && moved(b, a) }},
		"deviations":       {nil, func(b, a Model) bool { return a.panes.deviations }},
		"deviations_prev":  {keys("v"), func(b, a Model) bool { return a.devSel.ok && a.devSel.isKey }},
		"deviations_next":  {keys("v", "}"), func(b, a Model) bool { return a.devSel.ok && a.devSel.isKey }},
		"deviations_apply": {keys("v", "}"), func(b, a Model) bool { return a.filter == "dev:rate_high" && !a.panes.detail }},
		"back":             {keys("d", "c"), func(b, a Model) bool { return a.panes == shown{} }},
		"help":             {nil, func(b, a Model) bool { return a.showAll }},
		"quit":             {nil, nil}, // returns tea.Quit, checked below
	}
	km := DefaultKeyMap()
	acts := km.actions()
	if len(acts) != len(cases) {
		t.Fatalf("%d actions, %d cases: every action needs a case", len(acts), len(cases))
	}
	for name, b := range acts {
		c, ok := cases[name]
		if !ok {
			t.Errorf("no case for action %q", name)
			continue
		}
		for _, k := range b.Keys() {
			t.Run(name+"/"+k, func(t *testing.T) {
				m, _ := testModel(t, 120, 40, Options{BufferSize: 5000})
				evs := events(0, 3600)
				for i := 0; i < len(evs); i += 100 {
					evs[i].Deviations = []event.Deviation{{Kind: "rate_high", Key: fmt.Sprintf("sshd on %s", evs[i].Host)}}
				}
				m = update(m, mkBatch(false, evs))
				m = drive(t, m, keys("k", "k", "k", "k", "k")...) // paused, mid-list
				for _, msg := range c.setup {                     // each with its results first
					m = drive(t, m, msg)
				}
				before := m
				before.list = m.list
				before.b = &book{marks: make(map[uint64]struct{}, len(m.b.marks)), cur: m.b.cur}
				for p := range m.b.marks {
					before.b.marks[p] = struct{}{}
				}
				msg := keyMsg(k)
				nm, cmd := m.Update(msg)
				after := nm.(Model)
				if name == "quit" {
					if cmd == nil {
						t.Fatal("quit returned no command")
					}
					return
				}
				for _, r := range runCmd(cmd) {
					after = drive(t, after, r)
				}
				if !c.ok(before, after) {
					t.Errorf("%s (%s) had no effect", name, k)
				}
			})
		}
	}
}
