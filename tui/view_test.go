package tui

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/themes"
)

// goldenModel is a fixed scene: 200 events with the injection line among
// them, a rate, at size w x h.
func goldenModel(t *testing.T, w, h int, th themes.Theme) Model {
	m, c := testModel(t, w, h, Options{Theme: th, BufferSize: 150})
	m = update(m, tickMsg{})
	evs := events(0, 200)
	evs[195] = evilEvent(195)
	evs[190].Message = "tabs:\tone\ttwo\t\tthree and wide 日本語テキスト"
	m = update(m, mkBatch(false, evs[:100]), mkBatch(false, evs[100:]))
	c.advance(time.Second)
	return update(m, tickMsg{})
}

// Goldens keep the ANSI styling: golden.RequireEqual shows it escaped in
// diffs. go test ./tui -update rewrites them.
func TestViewGolden(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, th := range []themes.Theme{themes.Dark(), themes.Mono()} {
			t.Run(fmt.Sprintf("%dx%d_%s", size[0], size[1], th.Name), func(t *testing.T) {
				m := goldenModel(t, size[0], size[1], th)
				frame := m.View().Content
				checkFrame(t, frame, size[0], size[1])
				golden.RequireEqual(t, frame)
			})
		}
	}
}

func TestViewGoldenPaused(t *testing.T) {
	m := goldenModel(t, 80, 24, themes.Dark())
	m = update(m, keyMsg("k"), keyMsg("k"), keyMsg("pgup"), mkBatch(false, events(200, 1234)))
	frame := m.View().Content
	checkFrame(t, frame, 80, 24)
	plain := ansi.Strip(frame)
	for _, want := range []string{"PAUSED +1234", "evict 1284", "drop 0"} {
		if !strings.Contains(strings.SplitN(plain, "\n", 2)[0], want) {
			t.Errorf("header lacks %q:\n%s", want, plain)
		}
	}
	golden.RequireEqual(t, frame)
}

func TestViewEndedAndEmpty(t *testing.T) {
	m, _ := testModel(t, 80, 24, Options{})
	plain := ansi.Strip(m.View().Content)
	if !strings.Contains(plain, "waiting for events") || !strings.Contains(plain, "following") {
		t.Fatalf("empty view:\n%s", plain)
	}
	m = update(m, mkBatch(true))
	plain = ansi.Strip(m.View().Content)
	if !strings.Contains(plain, "sources ended") {
		t.Fatalf("ended view:\n%s", plain)
	}
	checkFrame(t, m.View().Content, 80, 24)
}

// sgr matches the only escape sequences a frame may hold: SGR from lipgloss.
var sgr = regexp.MustCompile(`^\x1b\[[0-9;:]*m`)

// checkFrame asserts the frame is exactly h lines of at most w cells and
// holds no control bytes but newlines and SGR sequences: no CR, BEL, C1.
func checkFrame(t *testing.T, frame string, w, h int) {
	t.Helper()
	lines := strings.Split(frame, "\n")
	if len(lines) != h {
		t.Errorf("frame has %d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if sw := ansi.StringWidth(l); sw > w {
			t.Errorf("line %d is %d cells wide, max %d: %q", i, sw, w, ansi.Strip(l))
		}
	}
	for i, r := range frame {
		switch {
		case r == '\x1b':
			if !sgr.MatchString(frame[i:]) {
				t.Fatalf("non-SGR escape at %d: %q", i, frame[i:min(i+20, len(frame))])
			}
		case r == '\n':
		case r < 0x20 || r == 0x7f:
			t.Fatalf("control byte %#x at %d", r, i)
		case r >= 0x80 && r <= 0x9f:
			t.Fatalf("C1 control %U at %d", r, i)
		case r == '\uFFFD':
			t.Fatalf("invalid UTF-8 at %d", i)
		}
	}
}

func TestInjectionLineIsInert(t *testing.T) {
	for _, th := range []themes.Theme{themes.Dark(), themes.Mono()} {
		m, _ := testModel(t, 400, 10, Options{Theme: th})
		m = update(m, mkBatch(false, []event.Event{evilEvent(1)}))
		frame := m.View().Content
		checkFrame(t, frame, 400, 10)
		plain := ansi.Strip(frame)
		// The escapes are shown as text, so tampering stays visible.
		for _, want := range []string{`\x1b]0;PWNED\x07`, `\r`, `\u009b31m`} {
			if !strings.Contains(plain, want) {
				t.Errorf("%s: %q not shown literally in\n%s", th.Name, want, plain)
			}
		}
	}
}

func TestUnsanitisedInputIsStillInert(t *testing.T) {
	// Events are sanitised upstream; the renderer guards anyway.
	m, _ := testModel(t, 120, 10, Options{Sources: []string{"file:/tmp/\x1b]0;x\x07log"}})
	e := evilEvent(1)
	e.Message, e.Host, e.App = evilLine, "h\x1b[2J", "a\rb"
	e.Categories = []string{"x\x9by"}
	m = update(m, mkBatch(false, []event.Event{e}))
	checkFrame(t, m.View().Content, 120, 10)
}

func TestRowWidthNeverExceeded(t *testing.T) {
	evs := events(0, 50)
	evs[3].Message = strings.Repeat("界", 200)
	evs[4].Host = strings.Repeat("h", 100)
	evs[5].App = "\tapp\twith\ttabs"
	evs[47].Deviations = []event.Deviation{{Kind: "out_of_hours\x1b[2J"}, {Kind: "new_value"}} // on screen
	evs[48].Deviations = []event.Deviation{{Kind: "silence"}}
	evs[48].Categories = []string{"auth.failure"}
	for _, w := range []int{10, 17, 18, 19, 20, 40, 59, 60, 61, 62, 80, 99, 100, 110, 111, 159, 160, 250} {
		m, _ := testModel(t, w, 30, Options{})
		m = update(m, mkBatch(false, evs))
		checkFrame(t, m.View().Content, w, 30)
	}
}

func TestTinyTerminal(t *testing.T) {
	for _, h := range []int{1, 2, 3} {
		m, _ := testModel(t, 30, h, Options{})
		m = update(m, mkBatch(false, events(0, 10)))
		checkFrame(t, m.View().Content, 30, h)
	}
}

func TestViewUsesLocalOrUTC(t *testing.T) {
	loc := time.FixedZone("X", 2*3600)
	evs := []event.Event{{Time: epoch, Message: "m"}}
	m, _ := testModel(t, 80, 5, Options{Location: loc})
	m = update(m, mkBatch(false, evs))
	if !strings.Contains(ansi.Strip(m.View().Content), "11:26:53") {
		t.Fatalf("local time missing:\n%s", ansi.Strip(m.View().Content))
	}
	m, _ = testModel(t, 80, 5, Options{Location: loc, UTC: true})
	m = update(m, mkBatch(false, evs))
	if !strings.Contains(ansi.Strip(m.View().Content), "09:26:53") {
		t.Fatalf("UTC time missing:\n%s", ansi.Strip(m.View().Content))
	}
}

func TestMonoHasNoColour(t *testing.T) {
	m := goldenModel(t, 120, 40, themes.Mono())
	frame := m.View().Content
	for _, seq := range regexp.MustCompile(`\x1b\[[0-9;:]*m`).FindAllString(frame, -1) {
		for _, p := range strings.FieldsFunc(seq[2:len(seq)-1], func(r rune) bool { return r == ';' || r == ':' }) {
			switch p {
			case "38", "48", "58":
				t.Fatalf("colour in mono frame: %q", seq)
			}
			if len(p) == 2 && (p[0] >= '3' && p[0] <= '4' || p[0] >= '9' && p[0] <= '9') {
				t.Fatalf("colour in mono frame: %q", seq)
			}
		}
	}
}

func TestViewGoldenFullHelp(t *testing.T) {
	m := goldenModel(t, 80, 24, themes.Dark())
	m = update(m, keyMsg("k"), keyMsg("?"))
	frame := m.View().Content
	checkFrame(t, frame, 80, 24)
	golden.RequireEqual(t, frame)
}

func TestViewSlowedNotice(t *testing.T) {
	m, _ := testModel(t, 80, 24, Options{})
	b := mkBatch(false, events(0, 10))
	b.full = true
	m = update(m, b)
	if !strings.Contains(ansi.Strip(m.View().Content), "sources slowed") {
		t.Fatal("a full pump queue must be shown")
	}
	m = update(m, mkBatch(false, events(10, 1)))
	if strings.Contains(ansi.Strip(m.View().Content), "sources slowed") {
		t.Fatal("the notice must clear once the UI keeps up")
	}
}

// deviationEvents are events the baseline found unusual, after the hour
// of events(0, 3600): a burst of failed logins, a new message shape, a
// login at an odd hour from a new address, a clock off by minutes, and a
// silence, which the baseline reports as an event of its own.
func deviationEvents() []event.Event {
	at := func(s int) time.Time { return epoch.Add(time.Duration(3600+s) * time.Second) }
	burst := "sshd 'Failed password for <USER> from <IP> port <NUM> ssh2' on web-01"
	var out []event.Event
	for i := range 3 {
		out = append(out, event.Event{
			Time: at(i), Host: "web-01", App: "sshd", PID: 901 + i, Severity: event.Notice,
			Source: "file:/var/log/auth.log", Format: "rfc3164", Offset: -1,
			Message:    fmt.Sprintf("Failed password for root from 198.51.100.%d port %d ssh2", 20+i, 51000+i),
			Categories: []string{"auth.failure"}, Rules: []string{"ssh-failed-password"},
			Deviations: []event.Deviation{{Kind: "rate_high", Key: burst, Expected: "0–1", Observed: strconv.Itoa(55 + i),
				Score: 4.2 + float64(i)/10, Reason: burst + ": " + strconv.Itoa(55+i) + " in 5 min; usual for Sat 10:00 is 0–1"}},
		})
	}
	out = append(out,
		event.Event{Time: at(3), Host: "db-primary", App: "sudo", Severity: event.Notice, Offset: -1,
			Source: "file:/var/log/auth.log", Format: "rfc3164",
			Message:    "pam_unix(sudo:session): session opened for user postgres(uid=112) by backup(uid=0)",
			Categories: []string{"privilege.use"},
			Deviations: []event.Deviation{{Kind: "new_template", Key: "sudo 'pam_unix(sudo:session): session opened for user <*> by <*>'",
				Observed: "first seen", Score: 1, Reason: "a message shape sudo has not written on db-primary before"}}},
		event.Event{Time: at(4), Host: "bastion", App: "sshd", PID: 977, Severity: event.Info, Offset: -1,
			Source: "file:/var/log/auth.log", Format: "rfc3164",
			Message:    "Accepted publickey for alice from 192.0.2.44 port 40022 ssh2",
			Categories: []string{"auth.success"}, Fields: map[string]string{"user": "alice", "src_ip": "192.0.2.44"},
			Deviations: []event.Deviation{
				{Kind: "out_of_hours", Key: "alice@bastion", Expected: "Mon–Fri 08:00–18:00", Observed: "Sat 10:27", Score: 2.5,
					Reason: "alice logs in to bastion on weekdays between 08:00 and 18:00"},
				{Kind: "new_value", Key: "src_ip of alice", Expected: "10.0.0.0/8", Observed: "192.0.2.44", Score: 3.14159,
					Reason: "alice has not logged in from 192.0.2.44 before"},
			}},
		event.Event{Time: at(5), Host: "k8s-node-17", App: "kubelet", Severity: event.Info, Offset: -1,
			Source: "file:/var/log/syslog", Format: "rfc3164",
			Message: "Started container image pull",
			Deviations: []event.Deviation{{Kind: "clock_skew", Key: "k8s-node-17", Expected: "±2s", Observed: "+4m12s", Score: 2,
				Reason: "k8s-node-17 stamps its lines 4m12s ahead of their arrival"}}},
		event.Event{Time: at(6), Host: "mail.example.org", App: "vigil-baseline", Severity: event.Warning, Offset: -1,
			Source:  "baseline",
			Message: "postfix/smtpd on mail.example.org: silent for 25 min; usually 12–40 lines per 10 min",
			Deviations: []event.Deviation{{Kind: "silence", Key: "postfix/smtpd on mail.example.org", Expected: "12–40 per 10 min",
				Observed: "0 in 25 min", Score: 5, Reason: "postfix/smtpd on mail.example.org: silent for 25 min; usually 12–40 lines per 10 min"}}},
	)
	return out
}

// TestScreensGolden renders the main screens at 80x24 and 160x48 in the
// dark and monochrome themes: the list, a filtered view with a search, the
// detail pane, the timeline with the category and sources panes, marks,
// the full key help, and the deviations pane (with events the baseline
// found unusual, a group selected). go test ./tui -update rewrites them.
func TestScreensGolden(t *testing.T) {
	scenes := []struct {
		name     string
		keys     []tea.Msg
		extra    []event.Event // after the hour of events
		baseline func() string
	}{
		{name: "list"},
		{name: "filtered", keys: seq(keys("f"), typeText("cat:auth.* OR app:sudo"), keys("enter"), keys("/"), typeText("invalid"), keys("enter"))},
		{name: "detail", keys: seq(keys("k", "k", "d"))},
		{name: "timeline", keys: seq(keys("T", "c", "s", "["))},
		{name: "marks", keys: seq(keys("m", "k", "k", "m", "k"))},
		{name: "filterbar", keys: seq(keys("f"), typeText("user:root (cat:auth.*"))},
		{name: "help", keys: seq(keys("?"))},
		{name: "deviations", keys: seq(keys("v", "}", "}")), extra: deviationEvents(),
			baseline: func() string { return "baseline: 8 deviations" }},
	}
	for _, size := range [][2]int{{80, 24}, {160, 48}} {
		for _, th := range []themes.Theme{themes.Dark(), themes.Mono()} {
			for _, sc := range scenes {
				t.Run(fmt.Sprintf("%s/%dx%d_%s", sc.name, size[0], size[1], th.Name), func(t *testing.T) {
					m, c := testModel(t, size[0], size[1], Options{Theme: th, BufferSize: 5000, Baseline: sc.baseline})
					evs := events(0, 3600)
					for i := range evs { // an hour of events, one every second
						evs[i].Source = "file:/var/log/auth.log"
						evs[i].Fields = map[string]string{"user": []string{"root", "alice", "bob"}[i%3], "src_ip": fmt.Sprintf("203.0.113.%d", i%256)}
						evs[i].Rules = []string{"ssh-failed-password"}
					}
					evs = append(evs, sc.extra...)
					m = update(m, tickMsg{}, mkBatch(false, evs))
					c.advance(time.Second)
					m = update(m, tickMsg{})
					m = drive(t, m, sc.keys...)
					frame := m.View().Content
					checkFrame(t, frame, size[0], size[1])
					golden.RequireEqual(t, frame)
				})
			}
		}
	}
}

func TestBootSeparator(t *testing.T) {
	m, _ := testModel(t, 80, 10, Options{BufferSize: 100})
	evs := events(0, 3)
	boot := event.Event{Time: epoch.Add(time.Second), App: "vigil", Format: "notice", Message: "journald: new boot 4f1c", Offset: -1}
	boot.SetField("boot_id", "4f1c")
	m = update(m, mkBatch(false, []event.Event{evs[0], boot, evs[1]}))
	frame := ansi.Strip(m.View().Content)
	if !strings.Contains(frame, "──── 09:26:54 new boot 4f1c ──") {
		t.Fatalf("no boot separator:\n%s", frame)
	}
	checkFrame(t, m.View().Content, 80, 10)
}
