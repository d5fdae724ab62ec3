package rules

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/vigil-sec/vigil/event"
)

// ev returns an event as a syslog decoder would.
func ev(app, msg string) event.Event {
	return event.Event{App: app, Message: msg, Format: "rfc3164", Severity: event.Info}
}

func mustLoad(t testing.TB, text string) *Set {
	t.Helper()
	s, err := Load(Source{Name: "t.yaml", Data: []byte(text)})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

const indexRules = `rules:
  - id: ssh
    categories: [auth.failure]
    apps: [sshd]
    match: 'Failed password for (?P<user>\S+) from (?P<src_ip>\S+)'
  - id: su
    categories: [privilege.failure]
    apps: [su]
    contains: [FAILED]
  - id: audit
    categories: [account.change]
    formats: [auditd]
    fields:
      audit_type: ADD_USER
    contains: [op=]
  - id: web5xx
    categories: [service.failure]
    formats: [access]
    fields:
      status: '^5'
    contains: [' ']
  - id: everywhere
    categories: [security.alert]
    any_app: true
    contains: [BREAK-IN]
  - id: cron-upper
    categories: [maintenance]
    apps: [Cron]
    contains: [CMD]
`

// TestIndex checks which rules are tried on which events: Explain lists
// exactly the rules in an event's scope.
func TestIndex(t *testing.T) {
	s := mustLoad(t, indexRules)
	cases := []struct {
		e     event.Event
		tried string
		fired string
	}{
		{ev("sshd", "Failed password for root from 192.0.2.1 port 1 ssh2"), "ssh everywhere", "ssh"},
		{ev("SSHD", "Failed password for root from 192.0.2.1 port 1 ssh2"), "ssh everywhere", "ssh"},
		{ev("su", "FAILED SU (to root) bob on pts/0"), "su everywhere", "su"},
		{ev("CRON", "(root) CMD (true)"), "everywhere cron-upper", "cron-upper"},
		{ev("sshd", "POSSIBLE BREAK-IN ATTEMPT!"), "ssh everywhere", "everywhere"},
		{ev("kernel", "FAILED SU"), "everywhere", ""},
		{ev("ßshd", "x"), "everywhere", ""},
		{event.Event{Format: "auditd", App: "useradd", Message: "op=adding user", Fields: map[string]string{"audit_type": "ADD_USER"}}, "audit everywhere", "audit"},
		{event.Event{Format: "auditd", App: "useradd", Message: "op=adding user", Fields: map[string]string{"audit_type": "DEL_USER"}}, "audit everywhere", ""},
		{event.Event{Format: "access", App: "nginx", Message: "GET / 503", Fields: map[string]string{"status": "503"}}, "web5xx everywhere", "web5xx"},
		{event.Event{Format: "access", App: "nginx", Message: "GET / 404", Fields: map[string]string{"status": "404"}}, "web5xx everywhere", ""},
	}
	for _, c := range cases {
		e := c.e
		var tried, fired []string
		for _, st := range s.Explain(&e) {
			tried = append(tried, st.Rule.ID)
			if st.Fired {
				fired = append(fired, st.Rule.ID)
			}
		}
		if got := strings.Join(tried, " "); got != c.tried {
			t.Errorf("%s %q: tried %q, want %q", c.e.App, c.e.Message, got, c.tried)
		}
		if got := strings.Join(fired, " "); got != c.fired || got != strings.Join(e.Rules, " ") {
			t.Errorf("%s %q: fired %q, want %q (event rules %v)", c.e.App, c.e.Message, got, c.fired, e.Rules)
		}
		// Apply must agree with Explain.
		e2 := c.e
		e2.Fields = maps.Clone(c.e.Fields)
		s.Apply(&e2)
		if !slices.Equal(e2.Rules, e.Rules) || !slices.Equal(e2.Categories, e.Categories) {
			t.Errorf("%q: Apply gave %v %v, Explain %v %v", c.e.Message, e2.Rules, e2.Categories, e.Rules, e.Categories)
		}
	}
}

func TestContradiction(t *testing.T) {
	s := mustLoad(t, `rules:
  - id: fail
    categories: [auth.failure]
    apps: [x]
    contains: [bad]
  - id: ok
    categories: [auth.success, privilege.use]
    apps: [x]
    contains: [login]
  - id: root
    categories: [privilege.use, auth.logout]
    apps: [x]
    contains: [root]
`)
	e := ev("x", "bad login as root")
	steps := s.Explain(&e)
	if got := strings.Join(e.Categories, " "); got != "auth.failure privilege.use auth.logout" {
		t.Errorf("categories %q", got)
	}
	if got := strings.Join(e.Rules, " "); got != "fail root" {
		t.Errorf("rules %q", got)
	}
	if steps[1].Fired || !strings.Contains(steps[1].Reason, "auth.success contradicts") {
		t.Errorf("step for ok: %+v", steps[1])
	}
	e = ev("x", "login as root")
	s.Apply(&e)
	if got := strings.Join(e.Categories, " "); got != "auth.success privilege.use auth.logout" {
		t.Errorf("categories %q", got)
	}
	// A category set before the rules ran (a source notice) counts too.
	e = ev("x", "bad")
	e.Categories = []string{"auth.success"}
	s.Apply(&e)
	if len(e.Rules) != 0 || len(e.Categories) != 1 {
		t.Errorf("rules %v categories %v", e.Rules, e.Categories)
	}
}

func TestCaptures(t *testing.T) {
	s := mustLoad(t, `rules:
  - id: a
    categories: [auth.failure]
    apps: [sshd]
    match:
      - 'Failed (?:password|publickey) for (?:invalid user )?(?P<user>\S+) from (?P<src_ip>\S+) port (?P<src_port>\d+)(?: (?P<tty>ssh\d))?'
  - id: b
    categories: [auth.failure]
    apps: [sshd]
    severity: warning
    match: 'from (?P<src_ip>\S+) port (?P<dst_ip>\d+)'
`)
	e := ev("sshd", "Failed password for invalid user bob from 203.0.113.9 port 22 x")
	e.Fields = map[string]string{"src_ip": "", "user": "decoder-user"}
	steps := s.Explain(&e)
	want := map[string]string{"user": "decoder-user", "src_ip": "203.0.113.9", "src_port": "22", "dst_ip": "22"}
	if !maps.Equal(e.Fields, want) {
		t.Errorf("fields %v, want %v", e.Fields, want)
	}
	if e.Severity != event.Warning {
		t.Errorf("severity %v", e.Severity)
	}
	if len(e.Categories) != 1 || strings.Join(e.Rules, " ") != "a b" {
		t.Errorf("categories %v rules %v", e.Categories, e.Rules)
	}
	wantCaps := []Capture{{"user", "bob", false}, {"src_ip", "203.0.113.9", true}, {"src_port", "22", true}}
	if !slices.Equal(steps[0].Captures, wantCaps) || steps[0].Pattern != 0 {
		t.Errorf("captures %+v, want %+v", steps[0].Captures, wantCaps)
	}
	if st := steps[1]; st.Rule.File != "t.yaml" || st.Rule.Line != 7 || len(st.Captures) != 2 || st.Captures[0].Stored {
		t.Errorf("step b %+v", st)
	}
}

// TestSharedSlices checks that appending to an event's categories or rules
// never writes into the Set's own slices, which the next event receives.
func TestSharedSlices(t *testing.T) {
	s := mustLoad(t, indexRules)
	e := ev("sshd", "Failed password for root from 192.0.2.1 port 1")
	s.Apply(&e)
	e.Categories = append(e.Categories, "maintenance")
	e.Rules = append(e.Rules, "other")
	e2 := ev("sshd", "Failed password for root from 192.0.2.1 port 1")
	s.Apply(&e2)
	if len(e2.Categories) != 1 || len(e2.Rules) != 1 || s.Rule("ssh").Categories[0] != "auth.failure" {
		t.Errorf("shared slice written: %v %v", e2.Categories, e2.Rules)
	}
}

// TestNoMatchAllocs checks that lines no rule matches cost no allocation,
// including lines that pass a literal check but fail the regexp and lines
// whose program name needs lower-casing. (Under -race, sync.Pool drops some
// of regexp's machines; AllocsPerRun's integer average still reads 0.)
func TestNoMatchAllocs(t *testing.T) {
	s, err := LoadBuiltin(Source{Name: "t.yaml", Data: []byte(indexRules)})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []event.Event{
		ev("sshd", "Connection closed by 198.51.100.23 port 40112 [preauth]"),
		ev("sshd", "Failed password for"),
		ev("sshd", "Accepted publickey for alice"),
		ev("SSHD", "Received disconnect from 203.0.113.9 port 52188:11: Bye Bye [preauth]"),
		ev("CRON", "pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)"),
		ev("systemd", "Started session-1.scope - Session 1 of User alice."),
		ev("kernel", "[UFW BLOCK] IN=eth0 OUT="),
		{Format: "access", App: "nginx", Message: "GET / 404", Fields: map[string]string{"status": "404"}},
	} {
		// The engine hands Apply events whose fields map is recycled
		// and empty, as here: a rule that settles a line as
		// uncategorised may still fill a field (the address of
		// pre-authentication noise, the account of a cron session)
		// without allocating.
		spare := map[string]string{}
		for k, v := range e.Fields {
			spare[k] = v
		}
		n := testing.AllocsPerRun(100, func() {
			x := e
			clear(spare)
			for k, v := range e.Fields {
				spare[k] = v
			}
			x.Fields = spare
			s.Apply(&x)
			if len(x.Rules) != 0 {
				t.Fatalf("%q matched %v", e.Message, x.Rules)
			}
		})
		if n != 0 {
			t.Errorf("%s %q: %v allocations per line, want 0", e.App, e.Message, n)
		}
	}
}

// TestMatchAllocs bounds what a matching line costs: the capture positions
// and the fields map (two allocations), but no copies of categories or rule
// IDs.
func TestMatchAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not exact under -race")
	}
	s, err := LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	e := ev("sshd", "Failed password for root from 203.0.113.9 port 52113 ssh2")
	n := testing.AllocsPerRun(100, func() {
		x := e
		s.Apply(&x)
	})
	if n > 3 {
		t.Errorf("%v allocations for a matching line, want at most 3", n)
	}
	// With the recycled fields map the engine provides, none: the fast
	// matcher keeps capture positions on the stack.
	spare := map[string]string{}
	n = testing.AllocsPerRun(100, func() {
		x := e
		clear(spare)
		x.Fields = spare
		s.Apply(&x)
	})
	if n != 0 {
		t.Errorf("%v allocations for a matching line with a recycled fields map, want 0", n)
	}
}

// TestChecks covers each check of a rule on its own.
func TestChecks(t *testing.T) {
	s := mustLoad(t, `rules:
  - id: any
    categories: [security.alert]
    apps: [x]
    contains_any: [BREAK-IN, intrusion]
  - id: both
    categories: [maintenance]
    apps: [x]
    formats: [rfc5424]
    contains: [backup]
  - id: eq
    categories: [auth.logout]
    apps: [x]
    fields: {user: root}
    contains: [bye]
  - id: empty
    categories: [auth.failure]
    apps: [x]
    fields: {user: '^$'}
    contains: [bye]
  - id: all
    categories: [data.transfer]
    apps: [x]
    contains: [sent, bytes]
`)
	cases := []struct {
		format, msg string
		fields      map[string]string
		want        string
	}{
		{"rfc3164", "possible intrusion", nil, "any"},
		{"rfc3164", "POSSIBLE BREAK-IN ATTEMPT", nil, "any"},
		{"rfc3164", "break-in", nil, ""},
		{"rfc3164", "backup done", nil, ""},
		{"rfc5424", "backup done", nil, "both"},
		{"rfc3164", "bye", map[string]string{"user": "root"}, "eq"},
		{"rfc3164", "bye", map[string]string{"user": "rooted"}, ""},
		{"rfc3164", "bye", nil, "empty"},
		{"rfc3164", "sent 10 bytes", nil, "all"},
		{"rfc3164", "sent 10 kB", nil, ""},
	}
	for _, c := range cases {
		e := event.Event{App: "x", Format: c.format, Message: c.msg, Fields: c.fields}
		s.Apply(&e)
		if got := strings.Join(e.Rules, " "); got != c.want {
			t.Errorf("%s %q %v: rules %q, want %q", c.format, c.msg, c.fields, got, c.want)
		}
	}
}

// TestApplyTwice checks that applying a Set again changes nothing, so a
// replayed or re-tagged event does not collect duplicates.
func TestApplyTwice(t *testing.T) {
	s, err := LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	e := ev("sshd", "Accepted password for root from 192.0.2.10 port 41822 ssh2")
	s.Apply(&e)
	cats, ids, fields := slices.Clone(e.Categories), slices.Clone(e.Rules), maps.Clone(e.Fields)
	s.Apply(&e)
	if !slices.Equal(cats, e.Categories) || !slices.Equal(ids, e.Rules) || !maps.Equal(fields, e.Fields) {
		t.Errorf("second Apply changed %v %v %v into %v %v %v", cats, ids, fields, e.Categories, e.Rules, e.Fields)
	}
	if got := strings.Join(cats, " "); got != "auth.success privilege.use" {
		t.Errorf("categories %q", got)
	}
}

// TestFinalAndNotContains checks that a final rule stops the rules after
// it (and, with no categories, settles the line as uncategorised while
// keeping its captures) and that not_contains: vetoes a rule.
func TestFinalAndNotContains(t *testing.T) {
	s := mustLoad(t, `rules:
  - id: cron-session
    final: true
    apps: [cron]
    match: 'pam_unix\(cron:session\): session opened for user (?P<user>\w+)'
  - id: any-session
    categories: [auth.success]
    apps: [cron, sshd]
    match: 'session opened for user (?P<user>\w+)'
    not_contains: ['[preauth]']
`)
	cases := []struct {
		e    event.Event
		cats string
		user string
	}{
		{ev("cron", "pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)"), "", "root"},
		{ev("cron", "pam_unix(other:session): session opened for user bob(uid=0) by (uid=0)"), "auth.success", "bob"},
		{ev("sshd", "pam_unix(sshd:session): session opened for user alice(uid=1000) by (uid=0)"), "auth.success", "alice"},
		{ev("sshd", "session opened for user alice [preauth]"), "", ""},
	}
	for _, c := range cases {
		e := c.e
		s.Apply(&e)
		if got := strings.Join(e.Categories, " "); got != c.cats {
			t.Errorf("%q: categories %q, want %q", e.Message, got, c.cats)
		}
		if c.cats == "" && len(e.Rules) != 0 {
			t.Errorf("%q: rules %v on an uncategorised event", e.Message, e.Rules)
		}
		if e.Fields["user"] != c.user {
			t.Errorf("%q: user %q, want %q", e.Message, e.Fields["user"], c.user)
		}
	}
	if err := func() error {
		_, err := Load(Source{Name: "x.yaml", Data: []byte("rules:\n  - id: x\n    apps: [a]\n    contains: [b]\n")})
		return err
	}(); err == nil || !strings.Contains(err.Error(), "final: true") {
		t.Errorf("a rule with no categories and no final: %v", err)
	}
}

// TestUnitsAndTransports checks the units: and transports: scopes.
func TestUnitsAndTransports(t *testing.T) {
	s := mustLoad(t, `rules:
  - id: pg-unit
    categories: [service.failure]
    units: ['postgresql@*.service']
    contains: [FATAL]
  - id: kernel-transport
    categories: [security.alert]
    apps: [kernel]
    transports: [kernel]
    contains: [DENIED]
`)
	withFields := func(app, msg string, kv ...string) event.Event {
		e := ev(app, msg)
		for i := 0; i+1 < len(kv); i += 2 {
			e.SetField(kv[i], kv[i+1])
		}
		return e
	}
	cases := []struct {
		e    event.Event
		want string
	}{
		{withFields("postgres", "FATAL: the database system is starting up", "systemd_unit", "postgresql@15-main.service"), "pg-unit"},
		{withFields("postgres", "FATAL: x", "unit", "postgresql@15-main.service"), "pg-unit"},
		{withFields("postgres", "FATAL: x", "systemd_unit", "nginx.service"), ""},
		{ev("postgres", "FATAL: x"), ""},
		{withFields("kernel", "apparmor=\"DENIED\"", "transport", "kernel"), "kernel-transport"},
		{withFields("kernel", "apparmor=\"DENIED\"", "transport", "syslog"), ""},
	}
	for _, c := range cases {
		e := c.e
		s.Apply(&e)
		if got := strings.Join(e.Rules, " "); got != c.want {
			t.Errorf("%q %v: rules %q, want %q", e.Message, e.Fields, got, c.want)
		}
	}
	if _, err := Load(Source{Name: "x.yaml", Data: []byte("rules:\n  - id: x\n    categories: [maintenance]\n    units: ['[']\n    contains: [b]\n")}); err == nil || !strings.Contains(err.Error(), "bad glob") {
		t.Errorf("bad unit glob: %v", err)
	}
}

func TestSplitRPM(t *testing.T) {
	cases := []struct{ in, name, version string }{
		{"1:openssl-libs-1.0.2k-26.el7_9.x86_64", "openssl-libs", "1:1.0.2k-26.el7_9"},
		{"mod_ssl-1:2.4.57-8.el9.x86_64", "mod_ssl", "1:2.4.57-8.el9"},
		{"nmap-7.92-1.el9", "nmap", "7.92-1.el9"},
		{"python3-dnf-plugins-core-4.3.0-13.el9.noarch", "python3-dnf-plugins-core", "4.3.0-13.el9"},
		{"kernel", "", ""},
		{"a-b", "", ""},
	}
	for _, c := range cases {
		name, version, ok := splitRPM(c.in)
		if ok != (c.name != "") || name != c.name || version != c.version {
			t.Errorf("splitRPM(%q) = %q, %q, %v; want %q, %q", c.in, name, version, ok, c.name, c.version)
		}
	}
}
