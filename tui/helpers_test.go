package tui

import (
	"fmt"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/sanitize"
	"github.com/vigil-sec/vigil/themes"
)

// epoch is the fixed time of test events.
var epoch = time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)

// evilLine is the escape-injection test line (sanitising notes, 5.2).
const evilLine = "title \x1b]0;PWNED\x07  clip \x1b]52;c;ZWNobyBwd25lZA==\x07  clear \x1b[2J  csi-up \x1b[5A  red \x1b[31mRED\x1b[0m  bell \x07  cr \rOVERWRITE  osc8 \x1b]8;;http://evil.example/\x1b\\ click \x1b]8;;\x1b\\  c1 \u009b31m"

// clock is an injectable clock for tests.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }
func newClock() *clock                   { return &clock{t: epoch} }

// keyMsg builds the key press that String()s to s.
func keyMsg(s string) tea.KeyPressMsg {
	switch s {
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "pgup":
		return tea.KeyPressMsg{Code: tea.KeyPgUp}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "home":
		return tea.KeyPressMsg{Code: tea.KeyHome}
	case "end":
		return tea.KeyPressMsg{Code: tea.KeyEnd}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	case "ctrl+f":
		return tea.KeyPressMsg{Code: 'f', Mod: tea.ModCtrl}
	case "ctrl+b":
		return tea.KeyPressMsg{Code: 'b', Mod: tea.ModCtrl}
	case "ctrl+p":
		return tea.KeyPressMsg{Code: 'p', Mod: tea.ModCtrl}
	case "ctrl+u":
		return tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl}
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	}
	r := []rune(s)
	return tea.KeyPressMsg{Code: r[0], Text: s}
}

func mkBatch(ended bool, evs ...[]event.Event) batchMsg {
	m := batchMsg{ended: ended}
	for _, e := range evs {
		m.batches = append(m.batches, e)
		m.n += len(e)
	}
	return m
}

var (
	hosts = []string{"web-01", "db-primary", "bastion", "mail.example.org", "k8s-node-17"}
	apps  = []string{"sshd", "sudo", "kernel", "nginx", "systemd", "postfix/smtpd"}
	cats  = [][]string{nil, nil, {"auth.failure"}, {"privilege.use"}, {"network.connection", "x"}, nil, {"config.change"}}
)

// events returns n deterministic events numbered from seq.
func events(seq, n int) []event.Event {
	out := make([]event.Event, n)
	for i := range out {
		s := seq + i
		out[i] = event.Event{
			Seq:         uint64(s),
			Time:        epoch.Add(time.Duration(s) * time.Second),
			TimeGuessed: s%5 == 4,
			Host:        hosts[s%len(hosts)],
			App:         apps[s%len(apps)],
			PID:         1000 + s,
			Severity:    event.Severity(s % 8),
			Message:     fmt.Sprintf("Failed password for invalid user admin from 203.0.113.%d port %d ssh2\tseq=%d", s%256, 40000+s, s),
			Categories:  cats[s%len(cats)],
			Offset:      -1,
		}
	}
	return out
}

// evilEvent carries the injection line, sanitised as a source would.
func evilEvent(seq int) event.Event {
	return event.Event{
		Seq:        uint64(seq),
		Time:       epoch,
		Host:       sanitize.String("evil\x1b[2Jhost"),
		App:        sanitize.String("app\x07"),
		Severity:   event.Alert,
		Message:    sanitize.String(evilLine),
		Categories: []string{"security.alert"},
		Raw:        []byte(evilLine),
	}
}

// testModel returns a model sized w x h with an injected clock.
func testModel(t testing.TB, w, h int, opts Options) (Model, *clock) {
	t.Helper()
	if opts.Theme.Name == "" {
		opts.Theme = themes.Dark()
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.Sources == nil {
		opts.Sources = []string{"file:/var/log/auth.log", "demo"}
	}
	m := New(opts, nil)
	c := newClock()
	m.now = c.now
	return update(m, tea.WindowSizeMsg{Width: w, Height: h}), c
}

// update applies msgs in turn and returns the resulting model.
func update(m Model, msgs ...tea.Msg) Model {
	for _, msg := range msgs {
		nm, _ := m.Update(msg)
		m = nm.(Model)
	}
	return m
}
