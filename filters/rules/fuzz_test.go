package rules

import (
	"errors"
	"strings"
	"testing"
)

// FuzzLoad feeds arbitrary text to the loader: it must never panic, must
// return either a Set or an ErrorList of well-formed errors, and a Set it
// returns must apply to an event without panicking.
func FuzzLoad(f *testing.F) {
	for _, src := range Builtin() {
		f.Add(src.Data)
	}
	f.Add([]byte(indexRules))
	f.Add([]byte("rules:\n  - id: x\n    disabled: true\n"))
	f.Add([]byte("rules:\n  - &a {id: x}\n  - *a\n"))
	f.Add([]byte("rules:\n  - id: x\n    <<: {apps: [a]}\n"))
	f.Add([]byte("rules: [{id: a, categories: auth.failure, apps: sshd, match: 'for (?P<user>\\S+) from'}]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Load(Source{Name: "f.yaml", Data: data})
		if err != nil {
			var l ErrorList
			if !errors.As(err, &l) || len(l) == 0 {
				t.Fatalf("error %v is not a non-empty ErrorList", err)
			}
			for _, e := range l {
				if e.Line < 0 || !strings.HasPrefix(e.Error(), "f.yaml:") {
					t.Fatalf("malformed error %q", e.Error())
				}
			}
			return
		}
		for _, app := range []string{"sshd", "a", "x", ""} {
			e := ev(app, "Failed password for root from 192.0.2.1 port 22 ssh2")
			s.Explain(&e)
			s.Apply(&e)
		}
	})
}
