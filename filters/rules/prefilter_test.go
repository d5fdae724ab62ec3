package rules

import (
	"testing"
)

// TestPrefilterNeverHidesAMatch checks, for every built-in rule list and
// every event of the benchmark mix, that a rule the prefilter leaves out
// does not match.
func TestPrefilterNeverHidesAMatch(t *testing.T) {
	s, err := LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	evs := decodeMix(t, 5000)
	lists := []*ruleList{s.any}
	for _, l := range s.byApp {
		lists = append(lists, l)
	}
	for _, l := range s.byFormat {
		lists = append(lists, l)
	}
	for _, l := range lists {
		if l == nil || l.pf == nil {
			continue
		}
		for _, e := range evs {
			p := l.pf.scan(e.Message)
			for j, r := range l.rules {
				var buf [maxSlots]int
				x := e
				_, _, why := r.test(&x, buf[:], false)
				pass := l.pf.pass(j, &p, e.Message)
				if why == "" && !pass {
					t.Errorf("rule %s matches %q but the prefilter left it out", r.ID, e.Message)
				}
				// A vetted rule's literal verdict is the prefilter's.
				if l.pf.rules[j].vetted && pass && r.literalsMiss(e.Message) != "" {
					t.Errorf("rule %s on %q: prefilter says %v, literals say %q", r.ID, e.Message, pass, r.literalsMiss(e.Message))
				}
			}
		}
	}
}

func TestPrefilterFindsNeeds(t *testing.T) {
	s := mustLoad(t, `rules:
  - {id: a, categories: [auth.failure], apps: [x], contains: [alpha]}
  - {id: b, categories: [auth.failure], apps: [x], contains_any: [beta, gamma]}
  - {id: c, categories: [auth.failure], apps: [x], match: ['^delta (?P<user>\S+)', 'epsilon']}
  - {id: d, categories: [auth.failure], apps: [x], match: '\S+ \d+', contains_any: [zeta]}
  - {id: e, categories: [auth.failure], apps: [x], fields: {status: '5'}, contains: [' ']}
`)
	l := s.byApp["x"]
	if l.pf == nil {
		t.Fatal("no prefilter for five rules")
	}
	cases := map[string]string{
		"alpha":            "a",
		"xx gamma yy":      "b e",
		"delta x":          "c e",
		"epsilon":          "c",
		"zeta 1":           "d e",
		"nothing":          "", // e: a one-byte need is no filter, but its contains: is checked exactly
		"alphabeta":        "a b",
		"deltaepsilonzeta": "c d",
	}
	for msg, want := range cases {
		p := l.pf.scan(msg)
		got := ""
		for j, r := range l.rules {
			if l.pf.pass(j, &p, msg) {
				if got != "" {
					got += " "
				}
				got += r.ID
			}
		}
		if got != want {
			t.Errorf("%q: candidates %q, want %q", msg, got, want)
		}
	}
}

func BenchmarkPrefilter(b *testing.B) {
	s, err := LoadBuiltin()
	if err != nil {
		b.Fatal(err)
	}
	l := s.byApp["sshd"]
	if l == nil || l.pf == nil {
		b.Skip("no sshd prefilter")
	}
	msg := "Failed password for invalid user admin from 203.0.113.9 port 52113 ssh2"
	b.SetBytes(int64(len(msg)))
	for b.Loop() {
		l.pf.scan(msg)
	}
}

func TestAnchoredPrefixes(t *testing.T) {
	cases := map[string]string{
		`^Accepted (?:password|publickey) for`:           "Accepted password for|Accepted publickey for",
		`^(?:error: )?Received disconnect from (\S+)`:    "error: Received disconnect from |Received disconnect from ",
		`^(?:Invalid|Illegal) user (?P<user>\S*) from`:   "Invalid user |Illegal user ",
		`^New session \S+ of user`:                       "New session ",
		`Failed password`:                                "",
		`^\S+ : TTY=`:                                    "",
		`^[Aa]ccepted`:                                   "Accepted|accepted",
		`^(?i)accepted`:                                  "",
		`^(?:a|b|c|d|e|f|g|h|i|j|k|l|m|n|o|p|q|r|s)x`:    "",
		`^(?:Starting|Started|Stopping) (?P<unit>\S+)\.`: "Starting |Started |Stopping ",
	}
	for p, want := range cases {
		got := ""
		for i, s := range anchoredPrefixes(p) {
			if i > 0 {
				got += "|"
			}
			got += s
		}
		if got != want {
			t.Errorf("anchoredPrefixes(%q) = %q, want %q", p, got, want)
		}
	}
}

// TestPrefilterAnchored checks that an anchored literal counts only at the
// start of the message.
func TestPrefilterAnchored(t *testing.T) {
	s := mustLoad(t, `rules:
  - {id: a, categories: [auth.failure], apps: [x], match: '^Failed (?P<user>\S+)'}
  - {id: b, categories: [auth.failure], apps: [x], match: '^(?:error: )?Timeout'}
  - {id: c, categories: [auth.failure], apps: [x], match: 'Failed again'}
  - {id: d, categories: [auth.failure], apps: [x], contains: [zzz]}
`)
	l := s.byApp["x"]
	cases := map[string]string{
		"Failed bob":            "a",
		"x Failed bob":          "",
		"error: Timeout":        "b",
		"Timeout, Failed again": "b c",
		"Failed again":          "a c",
		"Failezzz":              "d",
		"":                      "",
	}
	for msg, want := range cases {
		p := l.pf.scan(msg)
		got := ""
		for j, r := range l.rules {
			if l.pf.pass(j, &p, msg) {
				if got != "" {
					got += " "
				}
				got += r.ID
			}
		}
		if got != want {
			t.Errorf("%q: candidates %q, want %q", msg, got, want)
		}
	}
}

// TestPrefilterVets checks the rules' own literal checks done by the
// prefilter of a list that scans with Aho-Corasick.
func TestPrefilterVets(t *testing.T) {
	s := mustLoad(t, `rules:
  - {id: a, categories: [auth.failure], apps: [x], contains: [alpha, omega]}
  - {id: b, categories: [auth.failure], apps: [x], contains_any: [beta, gamma], not_contains: ['[preauth]']}
  - {id: c, categories: [auth.failure], apps: [x], match: 'delta (?P<user>\S+)', not_contains: [zzz]}
  - {id: d, categories: [auth.failure], apps: [x], contains: [eta], contains_any: [theta, iota]}
  - {id: e, categories: [auth.failure], apps: [x], contains: [kappa]}
  - {id: f, categories: [auth.failure], apps: [x], contains: [lambda]}
  - {id: g, categories: [auth.failure], apps: [x], contains: [mu mu]}
`)
	l := s.byApp["x"]
	if l.pf == nil || !l.pf.rules[0].vetted {
		t.Fatal("want a vetting prefilter")
	}
	cases := map[string]string{
		"alpha":               "",
		"alpha omega":         "a",
		"beta":                "b",
		"gamma [preauth]":     "",
		"delta x":             "c",
		"delta x zzz":         "",
		"eta iota":            "d",
		"eta":                 "",
		"theta":               "d", // "theta" holds "eta"
		"kappa lambda mu mu":  "e f g",
		"omega alpha beta mu": "a b",
	}
	for msg, want := range cases {
		p := l.pf.scan(msg)
		got := ""
		for j, r := range l.rules {
			if l.pf.pass(j, &p, msg) {
				if got != "" {
					got += " "
				}
				got += r.ID
			}
		}
		if got != want {
			t.Errorf("%q: candidates %q, want %q", msg, got, want)
		}
	}
}
