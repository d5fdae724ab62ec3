package template

import (
	"strings"
	"testing"
)

// FuzzMine checks that Mine never panics, that a message gets the same ID
// from two fresh Miners and again from the same one, that IDs are eight
// lowercase hex digits, and that the ID is the hash of the template text.
func FuzzMine(f *testing.F) {
	f.Add("sshd", "Failed password for root from 203.0.113.9 port 52113 ssh2")
	f.Fuzz(func(t *testing.T, app, msg string) {
		a, b := New(Options{}), New(Options{})
		r1 := a.Mine(app, msg)
		r2 := b.Mine(app, msg)
		if r1.ID != r2.ID || r1.Template != r2.Template {
			t.Fatalf("two miners: %+v and %+v", r1, r2)
		}
		if !idShape.MatchString(r1.ID) {
			t.Fatalf("ID %q", r1.ID)
		}
		if !r1.New || r1.ID != ID(app, r1.Template) {
			t.Fatalf("first message: %+v, ID(app, text) = %s", r1, ID(app, r1.Template))
		}
		if again := a.Mine(app, msg); again.ID != r1.ID || again.New || again.Generalised {
			t.Fatalf("again: %+v, first %+v", again, r1)
		}
		if n := len(strings.Fields(r1.Template)); n > 64 {
			t.Fatalf("%d tokens", n)
		}
		if masked := Mask(msg); countFields(msg) <= 64 && masked != r1.Template {
			t.Fatalf("Mask %q, template %q", masked, r1.Template)
		}
		// A message of the same shape after it, and one with a word
		// changed, keep the Miner consistent.
		w := strings.Replace(msg, " ", " x ", 1)
		r3 := a.Mine(app, w)
		if tp, ok := a.Lookup(r1.ID); !ok || (tp.ID != r1.ID && tp.ID != r3.ID) {
			t.Fatalf("Lookup(%s) = %+v, %v", r1.ID, tp, ok)
		}
		a.Mine(app, msg+" 1")
		a.MineKnown(app, msg, "root", "")
	})
}

// countFields counts msg's tokens as the masker splits them.
func countFields(msg string) int {
	n, in := 0, false
	for i := 0; i < len(msg); i++ {
		if isSpace(msg[i]) {
			in = false
		} else if !in {
			in, n = true, n+1
		}
	}
	return n
}
