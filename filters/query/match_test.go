package query

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strings"
	"testing"

	"github.com/vigil-sec/vigil/event"
)

// events are hand-made events, one of each kind the matchers look at.
var events = []event.Event{
	0: {
		Host: "web1", App: "sshd", PID: 14021, Severity: event.Warning,
		Message:    "Failed password for root from 203.0.113.9 port 52113 ssh2",
		Fields:     map[string]string{"user": "root", "src_ip": "203.0.113.9", "src_port": "52113"},
		Categories: []string{"auth.failure"}, Rules: []string{"ssh-failed-password"},
		Template: "a41f0c2e", Source: "file:/var/log/auth.log", Format: "rfc3164",
	},
	1: {
		Host: "web2", App: "sshd", PID: 2222, Severity: event.Info,
		Message:    "Accepted publickey for alice from 10.1.2.3 port 5555 ssh2",
		Fields:     map[string]string{"user": "alice", "src_ip": "10.1.2.3"},
		Categories: []string{"auth.success"}, Rules: []string{"ssh-accepted"},
		Template: "b0b0", Source: "file:/var/log/auth.log", Format: "rfc3164",
		Deviations: []event.Deviation{{Kind: "out_of_hours", Key: "alice@web2"}},
	},
	2: {
		Host: "web1", App: "sudo", Severity: event.Notice,
		Message:    "pam_unix(sudo:session): session opened for user root(uid=0) by alice(uid=1000)",
		Fields:     map[string]string{"user": "alice", "target_user": "root"},
		Categories: []string{"privilege.use", "auth.success"}, Rules: []string{"sudo-session"},
		Source: "journald", Format: "journal-json",
	},
	3: {
		Host: "db1", App: "kernel", Severity: event.Err,
		Message:    "Out of memory: Killed process 1234 (postgres)",
		Categories: []string{"service.failure"}, Rules: []string{"kernel-oom"},
		Source: "journald", Format: "journal-json",
	},
	4: {
		Host: "WEB3", App: "nginx", Severity: event.Crit,
		Message:    "GET /admin HTTP/1.1 403",
		Fields:     map[string]string{"user": "John Smith", "src_ip": "2001:db8::7", "status": "403", "dst_ip": "::ffff:192.168.1.5"},
		Categories: []string{"access.denied"},
		Deviations: []event.Deviation{{Kind: "new_value", Key: "user=John Smith"}, {Kind: "rate_high", Key: "nginx 'GET <*>' on WEB3"}},
		Source:     "file:/var/log/nginx/access.log", Format: "access",
	},
	5: {
		App: "vigil", Severity: event.Debug, Message: "file truncated: 42 bytes lost",
		Fields: map[string]string{"user": ""}, Source: "file:/x", Format: "notice",
	},
}

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		q    string
		want string // indices of the matching events
	}{
		{"", "012345"},
		{"failed", "0"},
		{"FAILED ROOT", "0"},
		{"root", "02"},
		{"sshd", "01"},     // the app
		{"WEB", "0124"},    // the host
		{"web1 sudo", "2"}, // host and app
		{"ssh2 OR kernel", "013"},
		{`"session opened"`, "2"},
		{`"Session  opened"`, ""},
		{`"(uid=0)"`, "2"},
		{`"http/1.1 403"`, "4"},
		{"or", "0123"}, // a word ("for", "memory"): lower-case or is not a keyword
		{"/^Failed/", "0"},
		{"/^failed/", ""},
		{"/^failed/i", "0"},
		{`/\/admin/`, "4"},
		{`/port \d+ ssh2$/`, "01"},
		{"/(?i)KILLED|truncated/", "35"},
		{"cat:auth.failure", "0"},
		{"cat:AUTH.FAILURE", "0"},
		{"cat:auth.*", "012"},
		{"cat:*.failure", "03"},
		{"cat:*", "01234"},
		{`cat:""`, "5"},
		{"cat:auth", ""},
		{"rule:ssh-*", "01"},
		{"rule:*oom", "3"},
		{"tpl:a41f0c2e", "0"},
		{"tpl:*", "01"},
		{"dev:", "14"},
		{"dev:*", "14"},
		{"dev:rate_high", "4"},
		{"dev:rate_*", "4"},
		{"-dev:", "0235"},
		{"devkey:alice@web2", "1"},
		{"devkey:ALICE@WEB2", "1"},
		{"devkey:alice", ""},
		{"devkey:*web*", "14"},
		{"devkey:*WEB3", "4"},
		{`devkey:"user=john smith"`, "4"},
		{`devkey:"nginx 'GET <*>' on WEB3"`, "4"}, // quoted: the * is literal
		{`devkey:"nginx*"`, ""},
		{"devkey:*", "14"},
		{`devkey:""`, "0235"},
		{"-devkey:*web2", "02345"},
		{"devkey~^user=", "4"},
		{"dev:rate_high devkey:nginx*", "4"},
		{"dev:out_of_hours devkey:nginx*", ""},
		{"host:web1", "02"},
		{"host:web3", "4"},
		{"host:web*", "0124"},
		{"host:*", "01234"},
		{`host:""`, "5"},
		{"app:sshd", "01"},
		{"app:ssh", ""},
		{"pid:14021", "0"},
		{"pid:*", "01"},
		{"source:journald", "23"},
		{"source:file:*", "0145"},
		{"source:*nginx*", "4"},
		{"format:rfc3164", "01"},
		{"msg:*truncated*", "5"},
		{"message:*memory*", "3"},
		{"user:root", "0"},
		{"user:ALICE", "12"},
		{`user:"john smith"`, "4"},
		{`user:john*`, "4"},
		{`user:j*h*h`, "4"},
		{`user:j*h*x`, ""},
		{"user:*", "0124"},
		{`user:""`, "35"},
		{"-user:root", "12345"},
		{"target_user:root", "2"},
		{"status:403", "4"},
		{"nosuch:x", ""},
		{"-nosuch:x", "012345"},
		{"src_ip:10.0.0.0/8", "1"},
		{"src_ip:203.0.113.0/24", "0"},
		{"src_ip:0.0.0.0/0", "01"},
		{"src_ip:2001:db8::/32", "4"},
		{"src_ip:::/0", "4"},
		{"dst_ip:192.168.0.0/16", "4"},
		{"src_ip:203.0.113.9", "0"},
		{"dst_ip:192.168.1.5", "4"},
		{"src_ip:2001:DB8:0::7", "4"},
		{"-src_ip:10.0.0.0/8", "02345"},
		{"user~^al", "12"},
		{"user~/^AL/i", "12"},
		{`user~"n S"`, "4"},
		{`msg~"port [0-9]+"`, "01"},
		{"msg~mem(ory|bers)", "3"},
		{"host~1$", "023"},
		{"sev:err", "3"},
		{"sev=error", "3"},
		{"sev>=warning", "034"},
		{"sev>warning", "34"},
		{"sev>err", "4"},
		{"sev<=info", "15"},
		{"sev<notice", "15"},
		{"level:debug", "5"},
		{"severity>=crit", "4"},
		{"NOT sev>=err", "0125"},
		{"-failed", "12345"},
		{"NOT failed", "12345"},
		{"-(failed OR accepted)", "2345"},
		{"-cat:auth.*", "345"},
		{"sshd -root", "1"},
		{"sshd AND -root", "1"},
		{"a b OR c", "012345"}, // (a AND b) OR c: "c" is in every message
		{"accepted OR failed sudo", "1"},
		{"(accepted OR failed) port", "01"},
		{"accepted OR (failed sudo)", "1"},
		{"NOT accepted OR failed", "02345"},
		{"NOT (accepted OR failed)", "2345"},
		{"cat:auth.failure -user:root", ""},
		{"cat:auth.* -user:root", "12"},
		{`(cat:auth.* OR sev>=err) -user:root "session opened"`, "2"},
		{`(cat:auth.* OR sev>=err) -user:root`, "1234"},
	} {
		q, err := Parse(tc.q)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.q, err)
			continue
		}
		got := ""
		for i := range events {
			if q.Match(&events[i]) {
				got += fmt.Sprint(i)
			}
		}
		if got != tc.want {
			t.Errorf("%q matches %q, want %q (tree %s)", tc.q, got, tc.want, q.tree())
		}
	}
}

func TestMatchDoesNotAllocate(t *testing.T) {
	for _, tc := range []struct {
		q     string
		regex bool // runs a regexp, whose machine comes from a sync.Pool
	}{
		{q: "failed root"}, {q: `"session opened"`}, {q: "/ssh.*root/i", regex: true},
		{q: "cat:auth.*"}, {q: "user:root"}, {q: "src_ip:10.0.0.0/8"}, {q: "src_ip:10.1.2.3"},
		{q: "user~^al", regex: true}, {q: "-sev>=err dev:"}, {q: "pid:*"},
		{q: "dev:rate_high devkey:nginx*"}, {q: `devkey:"user=john smith"`},
		{q: `(cat:auth.* OR sev>=err) -user:root "session opened"`},
	} {
		if tc.regex && raceEnabled {
			// Under -race sync.Pool drops a quarter of what is put back, so
			// regexp allocates a machine now and then; the plain run checks these.
			continue
		}
		q := MustParse(tc.q)
		allocs := testing.AllocsPerRun(100, func() {
			for i := range events {
				q.Match(&events[i])
			}
		})
		if allocs != 0 {
			t.Errorf("%q: %v allocations per run", tc.q, allocs)
		}
	}
}

func TestNeedle(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := "aAbBkKsS xX.:"
	rnd := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		return string(b)
	}
	for range 20000 {
		h, lit := rnd(r.IntN(12)), rnd(1+r.IntN(3))
		n := newNeedle(lit)
		want := strings.Index(strings.ToLower(h), strings.ToLower(lit))
		if got := n.index(h); got != want {
			t.Fatalf("needle %q (anchor %d) in %q: %d, want %d", lit, n.at, h, got, want)
		}
	}
}

func TestGlob(t *testing.T) {
	for _, tc := range []struct {
		pattern, s string
		want       bool
	}{
		{"a*", "A", true},
		{"a*", "ba", false},
		{"*a", "bA", true},
		{"a*a", "a", false},
		{"a*a", "aa", true},
		{"*ab*ab*", "xabyab", true},
		{"*ab*ab*", "xaab", false},
		{"a**b", "ab", true},
		{"a*b*c", "abbc", true},
		{"a*b*c", "acb", false},
	} {
		g := newGlob(tc.pattern)
		if got := g.match(tc.s); got != tc.want {
			t.Errorf("glob %q on %q: %v", tc.pattern, tc.s, got)
		}
	}
}

func TestParseIP(t *testing.T) {
	for _, s := range []string{
		"1.2.3.4", "0.0.0.0", "255.255.255.255", "256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1..2.3",
		"::", "::1", "1::", "2001:db8::7", "2001:DB8:0:0:0:0:0:7", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9",
		"1:2:3:4:5:6:7::", "::1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8::", "1::2::3", "12345::", ":1", "1:", "1:::2",
		"::ffff:10.0.0.1", "::10.0.0.1", "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7:1.2.3.4", "1::1.2.3.4.5",
		"fe80::1%eth0", "g::1", "", ".", ":", "1.2.3.4:22", "[::1]",
	} {
		got, ok := parseIP(s)
		want, err := netip.ParseAddr(s)
		if err == nil {
			want = want.WithZone("").Unmap()
		}
		if ok != (err == nil) || ok && got != want {
			t.Errorf("parseIP(%q) = %v, %v; netip says %v, %v", s, got, ok, want, err)
		}
	}
}

func FuzzParseIP(f *testing.F) {
	for _, s := range []string{"1.2.3.4", "::1", "2001:db8::1.2.3.4", "1:2:3:4:5:6:7:8"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if strings.Contains(s, "%") {
			return
		}
		got, ok := parseIP(s)
		want, err := netip.ParseAddr(s)
		if ok != (err == nil) || ok && got != want.Unmap() {
			t.Errorf("parseIP(%q) = %v, %v; netip says %v, %v", s, got, ok, want, err)
		}
	})
}

// TestRegexPrefilter checks that the literal checks in front of a regex
// never turn down a value the regex matches, including Unicode case
// folding (the Kelvin sign folds to k, the long s to s) and invalid UTF-8.
func TestRegexPrefilter(t *testing.T) {
	patterns := []string{"ssh.*root", "kelvin", "(?i)kelvin", "(?i)ssh.*root", "(?i)a(bk)+s", "(?i)SKs", "(?i)é+x",
		"\uFFFD", "a\uFFFDb", "(?i)x\u212Ay", "x(?i:ab)y", "(ab|cd)ef", "ab{2,}c", "a{0,3}bc"}
	alphabet := []string{"s", "S", "k", "K", "\u212A", "\u017F", "ssh", "root", "ROOT", "el", "vin", "a", "b", "é", "É", "x", "y", "\xff", "\uFFFD", " "}
	r := rand.New(rand.NewPCG(3, 4))
	for _, p := range patterns {
		fold := strings.HasPrefix(p, "(?i)")
		m, err := compileRegex(strings.TrimPrefix(p, "(?i)"), fold)
		if err != nil {
			t.Fatal(err)
		}
		for range 5000 {
			var b strings.Builder
			for range r.IntN(10) {
				b.WriteString(alphabet[r.IntN(len(alphabet))])
			}
			s := b.String()
			if want := m.re.MatchString(s); m.matchString(s) != want {
				t.Fatalf("/%s/ on %q: %v, regexp says %v (checks %+v)", p, s, !want, want, m.pre)
			}
		}
	}
	if !MustParse("/kelvin/i").Match(&event.Event{Message: "\u212Aelvin"}) {
		t.Error("/kelvin/i does not match the Kelvin sign")
	}
}
