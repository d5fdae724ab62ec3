package template

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

var idShape = regexp.MustCompile(`^[0-9a-f]{8}$`)

func TestIDIsStable(t *testing.T) {
	// The ID is a pure function of the app and the text: these values
	// must never change, or IDs stored by earlier versions (baselines,
	// exported events) stop matching.
	for _, tc := range []struct{ app, text, want string }{
		{"sshd", "Invalid user <*> from <IP>", "5850f9a2"},
		{"sshd", "", "b20efc5e"},
		{"", "x", "bcd940c2"},
	} {
		if got := ID(tc.app, tc.text); got != tc.want {
			t.Errorf("ID(%q, %q) = %s, want %s", tc.app, tc.text, got, tc.want)
		}
	}
	if ID("a", "b c") == ID("a b", "c") {
		t.Error("the app and the text are not separated")
	}
}

func TestMaskedMessagesShareATemplateFromTheFirstLine(t *testing.T) {
	m := New(Options{})
	first := m.Mine("sshd", "Failed password for root from 203.0.113.9 port 52113 ssh2")
	if !first.New || first.Template != "Failed password for root from <IP> port <NUM> ssh<NUM>" {
		t.Fatalf("first: %+v", first)
	}
	if want := ID("sshd", first.Template); first.ID != want || !idShape.MatchString(first.ID) {
		t.Fatalf("ID %s, want %s", first.ID, want)
	}
	for _, msg := range []string{
		"Failed password for root from 198.51.100.7 port 22 ssh2",
		"Failed password for root from 2001:db8::7 port 40000 ssh2",
	} {
		r := m.Mine("sshd", msg)
		if r.ID != first.ID || r.New || r.Generalised {
			t.Errorf("%q: %+v, want the first template unchanged", msg, r)
		}
	}
	if other := m.Mine("sshd2", "Failed password for root from 203.0.113.9 port 52113 ssh2"); other.ID == first.ID || !other.New {
		t.Errorf("another app shares the template: %+v", other)
	}
}

func TestTemplateEvolution(t *testing.T) {
	m := New(Options{})
	a := m.Mine("cron", "Job finished for alpha from 203.0.113.9")
	b := m.Mine("cron", "Job finished for beta from 198.51.100.7")
	if !b.Generalised || b.PreviousID != a.ID || b.Template != "Job finished for <*> from <IP>" || b.ID == a.ID {
		t.Fatalf("second message: %+v (first %+v)", b, a)
	}
	c := m.Mine("cron", "Job finished for gamma from 192.0.2.1")
	if c.ID != b.ID || c.Generalised || c.New {
		t.Errorf("third message: %+v", c)
	}
	// The first event's ID still resolves to the template.
	tp, ok := m.Lookup(a.ID)
	if !ok || tp.ID != b.ID || tp.Count != 3 || len(tp.Former) != 1 || tp.Former[0] != a.ID {
		t.Errorf("Lookup(%s) = %+v, %v", a.ID, tp, ok)
	}
	if got := m.Resolve(a.ID); got != b.ID {
		t.Errorf("Resolve(%s) = %s, want %s", a.ID, got, b.ID)
	}
	if got := m.Resolve("00000000"); got != "00000000" {
		t.Errorf("Resolve of an unknown ID: %s", got)
	}
	// A shared key keeps its literal part.
	m.Mine("pam", "authentication failure; logname= uid=0 euid=0 tty=ssh rhost=203.0.113.9 user=root")
	r := m.Mine("pam", "authentication failure; logname= uid=0 euid=0 tty=ssh rhost=ec2-1-2-3-4.eu-west-1.compute.example.com user=alice")
	if r.Template != "authentication failure; logname= uid=<NUM> euid=<NUM> tty=ssh rhost=<*> user=<*>" {
		t.Errorf("partial generalisation: %q", r.Template)
	}
	if s := m.Stats(); s.Generalisations != 2 || s.Templates != 2 || s.Messages != 5 {
		t.Errorf("stats: %+v", s)
	}
}

func TestDifferentEventsStayApart(t *testing.T) {
	m := New(Options{})
	for _, tc := range [][2]string{
		// Same length and start, different literal words.
		{"Received disconnect from 203.0.113.9: 11: Bye Bye [preauth]", "Received disconnect from 203.0.113.9: 11: disconnected by user"},
		// Same length, differing in the second word (the prefix tree).
		{"Failed password for invalid user a from 192.0.2.1 port 1 ssh2", "Failed none for invalid user a from 192.0.2.1 port 1 ssh2"},
		// Different lengths.
		{"Connection closed by 192.0.2.1", "Connection closed by 192.0.2.1 [preauth]"},
	} {
		a, b := m.Mine("sshd", tc[0]), m.Mine("sshd", tc[1])
		if a.ID == b.ID || !b.New {
			t.Errorf("%q and %q share %q", tc[0], tc[1], b.Template)
		}
	}
}

// TestIDsDoNotDependOnOrder feeds two fresh Miners the same messages in
// different orders: every message ends with the same template ID.
func TestIDsDoNotDependOnOrder(t *testing.T) {
	msgs := []string{
		"Invalid user admin from 203.0.113.9",
		"Invalid user oracle from 198.51.100.7",
		"Accepted publickey for alice from 192.0.2.1 port 50000 ssh2",
		"Accepted publickey for bob from 192.0.2.8 port 50001 ssh2",
		"Invalid user test from 192.0.2.1",
		"session opened for user root by (uid=0)",
		"Disconnected from 192.0.2.1 port 50000",
		"session opened for user git by (uid=0)",
		"Connection closed by 192.0.2.1 port 50000 [preauth]",
	}
	final := func(order []int) []string {
		m := New(Options{})
		ids := make([]string, len(msgs))
		for _, i := range order {
			ids[i] = m.Mine("sshd", msgs[i]).ID
		}
		for i, id := range ids {
			tp, _ := m.Lookup(id)
			ids[i] = tp.ID
		}
		return ids
	}
	fwd := final([]int{0, 1, 2, 3, 4, 5, 6, 7, 8})
	rev := final([]int{8, 7, 6, 5, 4, 3, 2, 1, 0})
	mix := final([]int{4, 2, 7, 0, 6, 3, 8, 5, 1})
	for i := range msgs {
		if fwd[i] != rev[i] || fwd[i] != mix[i] {
			t.Errorf("%q: IDs %s %s %s", msgs[i], fwd[i], rev[i], mix[i])
		}
	}
}

func TestKnownValues(t *testing.T) {
	m := New(Options{})
	a := m.MineKnown("sshd", "Failed password for alice from 203.0.113.9 port 1 ssh2", "alice")
	b := m.MineKnown("sshd", "Failed password for bob from 203.0.113.9 port 1 ssh2", "bob")
	if a.ID != b.ID || b.Generalised || a.Template != "Failed password for <USER> from <IP> port <NUM> ssh<NUM>" {
		t.Errorf("%+v\n%+v", a, b)
	}
}

func TestKnownCommand(t *testing.T) {
	m := New(Options{})
	line := func(user, cmd string) Match {
		return m.MineEvent("sudo", user+" : TTY=pts/0 ; PWD=/home/"+user+" ; USER=root ; COMMAND="+cmd, cmd, user, "root")
	}
	a := line("alice", "/usr/bin/systemctl restart nginx")
	b := line("bob", "/usr/bin/journalctl -u orders-api --since today -n 200")
	c := line("carol", "/bin/bash")
	want := "<USER> : TTY=pts/<NUM> ; PWD=<PATH> ; USER=<USER> ; COMMAND=<CMD>"
	for _, x := range []Match{a, b, c} {
		if x.ID != a.ID || x.Generalised || x.Template != want {
			t.Errorf("%+v, want ID %s and %q", x, a.ID, want)
		}
	}
	// A command that does not stand whole in the message is not masked.
	if d := m.MineEvent("sudo", "alice : COMMAND=/bin/lsblk", "/bin/ls"); strings.Contains(d.Template, PlaceCmd) {
		t.Errorf("part of a token masked: %q", d.Template)
	}
	msg, cmd := "alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/bash", "/bin/bash"
	allocs := testing.AllocsPerRun(100, func() { m.MineEvent("sudo", msg, cmd, "alice", "root") })
	if allocs != 0 {
		t.Errorf("%v allocations per warm MineEvent", allocs)
	}
}

func TestSeed(t *testing.T) {
	m := New(Options{})
	id := m.Seed("sshd", "Invalid  user <*> from <IP>")
	if id != ID("sshd", "Invalid user <*> from <IP>") {
		t.Fatalf("Seed returned %s", id)
	}
	if again := m.Seed("sshd", "Invalid user <*> from <IP>"); again != id || m.Stats().Templates != 1 {
		t.Errorf("seeding twice: %s, %d templates", again, m.Stats().Templates)
	}
	r := m.Mine("sshd", "Invalid user zed from 203.0.113.9")
	if r.ID != id || r.New || r.Generalised {
		t.Errorf("a seeded template was not used: %+v", r)
	}
	m.Seed("sshd", "user=<*> uid=<NUM>")
	if r := m.Mine("sshd", "user=carol uid=7"); r.New || r.Template != "user=<*> uid=<NUM>" {
		t.Errorf("partial seed: %+v", r)
	}
}

func TestPerAppCap(t *testing.T) {
	m := New(Options{MaxTemplatesPerApp: 3})
	var ids []string
	for i, msg := range []string{"alpha one", "beta two three", "gamma four five six", "delta", "epsilon x y z w"} {
		r := m.Mine("a", msg)
		ids = append(ids, r.ID)
		if over := i >= 3; r.Overflow != over || r.New == over {
			t.Errorf("%q: %+v", msg, r)
		}
	}
	if ids[3] != ID("a", "<OVERFLOW>") || ids[4] != ids[3] {
		t.Errorf("overflow IDs %v", ids[3:])
	}
	// Known templates still match, and other apps are not capped.
	if r := m.Mine("a", "beta two three"); r.ID != ids[1] || r.Overflow {
		t.Errorf("known template at the cap: %+v", r)
	}
	if r := m.Mine("b", "delta"); !r.New {
		t.Errorf("app b: %+v", r)
	}
	s := m.Stats()
	if s.Overflow != 2 || s.OverflowApps != 1 || s.Templates != 4 || s.Apps != 2 {
		t.Errorf("stats %+v", s)
	}
	if tp, ok := m.Lookup(ids[3]); !ok || tp.Count != 2 || tp.Text != "<OVERFLOW>" {
		t.Errorf("overflow template %+v", tp)
	}
}

func TestMaxTemplates(t *testing.T) {
	m := New(Options{MaxTemplates: 2})
	m.Mine("a", "one")
	m.Mine("b", "two words")
	if r := m.Mine("c", "three words here"); !r.Overflow || r.ID != ID("c", "<OVERFLOW>") {
		t.Errorf("past MaxTemplates: %+v", r)
	}
	if r := m.Mine("c", "three words here"); !r.Overflow {
		t.Errorf("cached overflow: %+v", r)
	}
	if s := m.Stats(); s.Overflow != 2 || s.Templates != 2 {
		t.Errorf("stats %+v", s)
	}
}

func TestMaxTemplatesPerLeaf(t *testing.T) {
	m := New(Options{MaxTemplatesPerLeaf: 2})
	for i, msg := range []string{"x y alpha one two", "x y beta three four", "x y gamma five six", "x z gamma five six"} {
		if r := m.Mine("a", msg); r.Overflow != (i == 2) {
			t.Errorf("%q: %+v", msg, r)
		}
	}
}

func TestMaxApps(t *testing.T) {
	m := New(Options{MaxApps: 2})
	for i := 0; i < 5; i++ {
		m.Mine(fmt.Sprintf("app%d", i), "hello world")
	}
	s := m.Stats()
	if s.Apps != 3 || s.OtherApps != 3 || s.Templates != 3 {
		t.Errorf("stats %+v", s)
	}
	if got := m.Apps(); len(got) != 3 || got[2] != OtherApp {
		t.Errorf("apps %v", got)
	}
	if r := m.Mine("app9", "hello world"); r.ID != ID(OtherApp, "hello world") {
		t.Errorf("app beyond the cap: %+v", r)
	}
}

func TestMineWarmDoesNotAllocate(t *testing.T) {
	m := New(Options{})
	msgs := []string{
		"Failed password for root from 203.0.113.9 port 52113 ssh2",
		`apparmor="DENIED" operation="open" profile="/usr/sbin/named" name="/etc/shadow" pid=1234`,
		"Started session-12.scope - Session 12 of User alice.",
	}
	for _, msg := range msgs {
		m.Mine("x", msg)
	}
	allocs := testing.AllocsPerRun(100, func() {
		for _, msg := range msgs {
			m.Mine("x", msg)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per run", allocs)
	}
}

func TestTemplatesListsInOrder(t *testing.T) {
	m := New(Options{})
	m.Mine("a", "one 1")
	m.Mine("a", "two words 2")
	m.Mine("a", "one 3")
	got := m.Templates("a")
	if len(got) != 2 || got[0].Text != "one <NUM>" || got[0].Count != 2 || got[1].Text != "two words <NUM>" {
		t.Errorf("%+v", got)
	}
	if m.Templates("none") != nil {
		t.Error("templates for an unknown app")
	}
}

func TestFreezeSeeded(t *testing.T) {
	// Learn templates the way a baseline does, then seed a fresh Miner
	// with them, frozen.
	learn := New(Options{})
	for _, msg := range []string{
		"alpha queue drained",
		"Accepted password for alice from 10.0.0.1 port 5000 ssh2",
	} {
		learn.MineKnown("app", msg, "alice")
	}
	m := New(Options{FreezeSeeded: true})
	for _, tpl := range learn.Templates("app") {
		m.Seed("app", tpl.Text)
	}
	// A template with <*> in its leading words (past MaxChildren, say)
	// sits on the wild branch of the prefix tree.
	m.Seed("app", "<*> job done in <NUM> steps")
	tests := []struct {
		msg      string
		want     string // the template text, "" for "a new one"
		newShape bool
	}{
		// Seeded with <*> first: found on the wild branch though a
		// literal "alpha" branch exists.
		{"alpha job done in 9 steps", "<*> job done in <NUM> steps", false},
		{"gamma job done in 1 steps", "<*> job done in <NUM> steps", false},
		{"alpha queue drained", "alpha queue drained", false},
		{"Accepted password for bob from 10.0.0.2 port 5001 ssh2", "Accepted password for <USER> from <IP> port <NUM> ssh<NUM>", false},
		// A new word where the seeded template has a literal: a template
		// of its own, and the seeded one keeps its text and ID.
		{"Accepted publickey for bob from 10.0.0.2 port 5001 ssh2", "Accepted publickey for <USER> from <IP> port <NUM> ssh<NUM>", true},
		{"Accepted password for carol from 10.0.0.3 port 5002 ssh2", "Accepted password for <USER> from <IP> port <NUM> ssh<NUM>", false},
	}
	for _, tt := range tests {
		var known []string
		if f := strings.Fields(tt.msg); f[0] == "Accepted" {
			known = append(known, f[3])
		}
		got := m.MineKnown("app", tt.msg, known...)
		if got.Template != tt.want || got.New != tt.newShape || got.Generalised {
			t.Errorf("%q: got %q new=%v generalised=%v, want %q new=%v", tt.msg, got.Template, got.New, got.Generalised, tt.want, tt.newShape)
		}
		if !tt.newShape && got.ID != ID("app", tt.want) {
			t.Errorf("%q: ID %s, want the seeded %s", tt.msg, got.ID, ID("app", tt.want))
		}
	}
}
