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
			m := l.pf.candidates(e.Message)
			for j, r := range l.rules {
				var buf [maxSlots]int
				x := e
				if _, _, why := r.test(&x, buf[:]); why == "" && !m.has(j) {
					t.Errorf("rule %s matches %q but the prefilter left it out", r.ID, e.Message)
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
		"nothing":          "",
		"alphabeta":        "a b",
		"deltaepsilonzeta": "c d",
	}
	for msg, want := range cases {
		m := l.pf.candidates(msg)
		got := ""
		for j, r := range l.rules {
			if m.has(j) {
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
		l.pf.candidates(msg)
	}
}
