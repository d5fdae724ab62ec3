package rules

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"testing"
)

// sameAsRegexp checks that the fast matcher finds what the regexp finds,
// captures included.
func sameAsRegexp(t testing.TB, re *regexp.Regexp, m *fastMatcher, s string) {
	t.Helper()
	want := re.FindStringSubmatchIndex(s)
	loc := make([]int, maxSlots)
	ok := m.match(s, loc)
	if ok != (want != nil) || ok && !slices.Equal(loc[:len(want)], want) {
		t.Fatalf("pattern %q on %q: fast %v %v, regexp %v", re, s, ok, loc[:m.nslot], want)
	}
}

var fastCases = []struct {
	pattern string
	inputs  []string
}{
	{`Failed (?:password|keyboard-interactive/pam) for (?:invalid user )?(?P<user>\S+) from (?P<src_ip>\S+) port (?P<src_port>\d+)`, []string{
		"Failed password for root from 203.0.113.9 port 52113 ssh2",
		"Failed password for invalid user admin from 203.0.113.9 port 1 ssh2",
		"Failed password for invalid user from 203.0.113.9 port 1 ssh2",
		"message repeated 2 times: [ Failed password for root from 203.0.113.9 port 52113 ssh2]",
		"Failed password for  from x port y", "Failed password for a from b port ", "",
		"Failed password for invalid user invalid user x from y port 9",
	}},
	{`^(?P<user>\S+) : (?:(?P<n>\d+) incorrect password attempts? ; )?TTY=(?P<tty>\S+) ; PWD=\S* ; USER=(?P<target>\S+) ; (?:ENV=.* ; )?COMMAND=(?P<command>.*)$`, []string{
		"alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id",
		"bob : 3 incorrect password attempts ; TTY=pts/1 ; PWD=/ ; USER=root ; COMMAND=/bin/sh -c 'a ; b'",
		"alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; ENV=A=1 ; B=2 ; COMMAND=/x ; COMMAND=/y",
		"alice : TTY=pts/0 ; PWD= ; USER=root ; COMMAND=",
		"alice: TTY=pts/0",
	}},
	{`\bsegfault at [0-9a-f]+ ip\b`, []string{"a[1]: segfault at 7f ip 0000 sp", "xsegfault at 7f ip", "segfault at  ip", "segfault at ff ipx segfault at 0 ip "}},
	{`^(?:Starting|Started|Stopping|Stopped) (?P<unit>[^ ]+\.service)(?: - .*)?\.{0,3}$`, []string{
		"Started nginx.service - A high performance web server.", "Starting apt-daily.service...", "Started x.service", "Started .service", "Started a b.service",
	}},
	{`user[=:] ?(?P<user>[^ ,;]*)`, []string{"user=bob", "user: alice, x", "users=no user=yes", "user=", "ß user=ü"}},
	{`([a-c]+)(b*)c$`, []string{"abc", "aaabbbc", "bbbbc", "c", "abcabc", "abcx"}},
	{`x(?:ab|a)(?:bc|c)y`, []string{"xabcy", "xacy", "xabcy xaby"}},
	{`é(?P<user>[^é]+)é`, []string{"aébcdéf", "ééé", "éxé", "é\x00é"}},
	{`a.{2,4}b`, []string{"a12b", "a1b", "a12345b", "a1234b a12b", "a\n12b", "a世界b"}},
	{`^Received disconnect from (?P<src_ip>\S+?)(?: port (?P<src_port>\d+))?: ?\d+: .*\[preauth\]$`, []string{
		"Received disconnect from 203.0.113.9 port 52188:11: Bye Bye [preauth]",
		"Received disconnect from 203.0.113.9: 11: Bye [preauth]",
		"Received disconnect from ::1 port 5:11: x [preauth] y",
		"Received disconnect from a:b:c port 1:2:3: [preauth]",
	}},
	{`PWD=.*? ; USER=(?P<target_user>\S+) ; (?:ENV=.*? ; )?COMMAND=(?P<command>.*)$`, []string{
		"alice : TTY=pts/0 ; PWD=/a ; b ; USER=root ; COMMAND=/x",
		"PWD=/ ; USER=root ; ENV=A=1 ; B=2 ; COMMAND=/bin/sh ; COMMAND=x",
	}},
	{`a{2,3}?b|x.{1,}?y`, []string{"aab", "aaab", "ab", "xyy", "x1y2y", "xy"}},
	{`(?i)failed (?P<user>\S+) session`, []string{"FAILED bob SESSION", "Failed x Session", "failed \u212a session", "fai\u212aled x session", "x failed y session", "failed session"}},
	{`Session \w+ of [Uu]ser (?P<user>\S+)`, []string{"Session 4 of user alice.", "Session c2 of User bob", "session 4 of user x", "Session 4 of \u017fer x"}},
}

func TestFastMatchAgreesWithRegexp(t *testing.T) {
	for _, c := range fastCases {
		re := regexp.MustCompile(c.pattern)
		m := fastOf(re)
		if m == nil {
			t.Fatalf("%q: not compiled for the fast matcher", c.pattern)
		}
		for _, s := range c.inputs {
			sameAsRegexp(t, re, m, s)
		}
	}
}

// TestFastMatchRefuses checks that patterns it cannot run exactly are left
// to the regexp.
func TestFastMatchRefuses(t *testing.T) {
	for _, p := range []string{`(?i)été`, `(ab)+c`, `(?:ab)??c`, `(?m)^x$`, `(?:ab|c)*d`} {
		if fastOf(regexp.MustCompile(p)) != nil {
			t.Errorf("%q compiled for the fast matcher", p)
		}
	}
}

// TestFastMatchRandom compares the fast matcher with the regexp on
// random patterns from the shapes rules use and random text over a small
// alphabet, where ambiguity and backtracking are common.
func TestFastMatchRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	atoms := []string{`a`, `ab`, `b`, ` `, `\S+`, `\d+`, `[ab]*`, `.*`, `\w+`, `(?:ab|a)`, `(?:a )?`, `[^ ]+`, `\b`, `x?`, `\S{1,3}`, `\S+?`, `.*?`, `[ab]{1,2}?`, `a??`, `(?i)ab`, `(?i:x)`}
	n := 3000
	if testing.Short() || raceEnabled {
		n = 300
	}
	for range n {
		var p strings.Builder
		if r.IntN(3) == 0 {
			p.WriteString("^")
		}
		for k := 1 + r.IntN(5); k > 0; k-- {
			a := atoms[r.IntN(len(atoms))]
			if r.IntN(3) == 0 {
				a = "(" + a + ")"
			}
			p.WriteString(a)
		}
		if r.IntN(4) == 0 {
			p.WriteString("$")
		}
		re := regexp.MustCompile(p.String())
		m := fastOf(re)
		if m == nil {
			continue
		}
		for range 20 {
			b := make([]byte, r.IntN(12))
			for i := range b {
				b[i] = "abA x1_"[r.IntN(7)]
			}
			sameAsRegexp(t, re, m, string(b))
		}
	}
}

// TestFastMatchBuiltinOnCorpus runs every built-in pattern over the
// labelled corpus lines and checks the fast matcher agrees with the regexp.
func TestFastMatchBuiltinOnCorpus(t *testing.T) {
	s, err := LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, g := range []string{"../../sources/decode/testdata/*.log", "../../sources/decode/testdata/*.jsonl", "testdata/labelled/*"} {
		files, _ := filepath.Glob(g)
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			lines = append(lines, strings.Split(string(data), "\n")...)
		}
	}
	if raceEnabled {
		// The race detector makes this ten times slower and has no
		// goroutines to watch here: a sample will do.
		var sample []string
		for i := 0; i < len(lines); i += 10 {
			sample = append(sample, lines[i])
		}
		lines = sample
	}
	compiled := 0
	for _, r := range s.Rules() {
		for i, re := range r.Match {
			m := r.fast[i]
			if m == nil {
				continue
			}
			compiled++
			for _, l := range lines {
				sameAsRegexp(t, re, m, l)
				// The message part of a syslog line, as rules see it.
				if i := strings.Index(l, ": "); i >= 0 {
					sameAsRegexp(t, re, m, l[i+2:])
				}
			}
		}
	}
	t.Logf("%d built-in patterns run on the fast matcher", compiled)
}

// FuzzFastMatch checks agreement on arbitrary text for the rule shapes.
func FuzzFastMatch(f *testing.F) {
	for _, c := range fastCases {
		for _, s := range c.inputs {
			f.Add(s)
		}
	}
	type pair struct {
		re *regexp.Regexp
		m  *fastMatcher
	}
	var ps []pair
	for _, c := range fastCases {
		re := regexp.MustCompile(c.pattern)
		ps = append(ps, pair{re, fastOf(re)})
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, p := range ps {
			sameAsRegexp(t, p.re, p.m, s)
		}
	})
}

// BenchmarkFastMatch compares the fast matcher with Go's regexp on a
// typical rule pattern and line.
func BenchmarkFastMatch(b *testing.B) {
	re := regexp.MustCompile(fastCases[0].pattern)
	m := fastOf(re)
	msg := "Failed password for invalid user admin from 203.0.113.9 port 52113 ssh2"
	b.Run("fast", func(b *testing.B) {
		var loc [maxSlots]int
		for b.Loop() {
			m.match(msg, loc[:])
		}
	})
	b.Run("regexp", func(b *testing.B) {
		for b.Loop() {
			re.FindStringSubmatchIndex(msg)
		}
	})
}

// fastOf compiles re for the fast matcher as the loader does.
func fastOf(re *regexp.Regexp) *fastMatcher {
	sr, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		panic(err)
	}
	return compileFast(re, sr)
}
