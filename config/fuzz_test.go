package config

import (
	"strings"
	"testing"
)

// FuzzParse checks that no input makes Parse panic, and that what it
// accepts keeps the promises of File and what it rejects names the file.
func FuzzParse(f *testing.F) {
	f.Add([]byte("theme: dark\nkeys:\n  quit: q\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse("c.yaml", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "c.yaml:") {
				t.Fatalf("error without the file name: %v", err)
			}
			return
		}
		if file.BufferSize < 0 {
			t.Fatalf("negative buffer size %d", file.BufferSize)
		}
		seen := map[string]bool{}
		for _, kb := range file.Keys {
			if kb.Action == "" || seen[kb.Action] || kb.Line <= 0 {
				t.Fatalf("bad binding %+v", kb)
			}
			seen[kb.Action] = true
			for _, k := range kb.Keys {
				if strings.TrimSpace(k) == "" {
					t.Fatalf("empty key in %+v", kb)
				}
			}
		}
		for _, s := range append(file.Sources, file.Rules...) {
			if strings.TrimSpace(s) == "" {
				t.Fatal("empty path")
			}
		}
	})
}
