package sanitize

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestString(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "Failed password for root", "Failed password for root"},
		{"tab kept", "a\tb", "a\tb"},
		{"utf8 kept", "Invalid user été", "Invalid user été"},
		{"esc", "red \x1b[31mRED\x1b[0m", `red \x1b[31mRED\x1b[0m`},
		{"osc title", "\x1b]0;PWNED\a", `\x1b]0;PWNED\x07`},
		{"cr", "ok\rOVERWRITE", `ok\rOVERWRITE`},
		{"newline", "a\nb", `a\nb`},
		{"nul", "a\x00b", `a\x00b`},
		{"del", "a\x7fb", `a\x7fb`},
		{"c1 utf8", "c1 \u009b31m", `c1 \u009b31m`},
		{"c1 raw byte", "c1 \x9b31m", `c1 \x9b31m`},
		{"invalid utf8", "caf\xe9!", `caf\xe9!`},
		{"truncated utf8", "ab\xe2\x82", `ab\xe2\x82`},
		{"bidi override", "abc\u202edcba", `abc\u202edcba`},
		{"isolate", "x\u2066y\u2069", `x\u2066y\u2069`},
		{"zero width", "ad\u200bmin", `ad\u200bmin`},
		{"bom", "\ufeffstart", `\ufeffstart`},
		{"line separator", "a\u2028b", `a\u2028b`},
		{"long ascii fast path", strings.Repeat("abcdefgh", 10), strings.Repeat("abcdefgh", 10)},
		{"esc after 8 bytes", "12345678\x1b", `12345678\x1b`},
		{"rsyslog octal kept literal", "#033[31m", "#033[31m"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := String(tt.in); got != tt.want {
				t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if got := Bytes([]byte(tt.in)); got != tt.want {
				t.Errorf("Bytes(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if Needed([]byte(tt.in)) != (tt.in != tt.want) {
				t.Errorf("Needed(%q) = %v", tt.in, !(tt.in != tt.want))
			}
		})
	}
}

// checkSafe fails if s holds anything a terminal would act on.
func checkSafe(t *testing.T, in []byte, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Fatalf("output not valid UTF-8 for %q: %q", in, s)
	}
	for _, r := range s {
		if r < 0x20 && r != '\t' || r == 0x7f || r >= 0x80 && r <= 0x9f || unsafeRune(r) {
			t.Fatalf("unsafe rune %U in output %q for input %q", r, s, in)
		}
	}
}

func FuzzBytes(f *testing.F) {
	for _, s := range []string{
		"plain", "\x1b]52;c;ZWNobyBwd25lZA==\a", "\x1b[2J", "\u009b31m", "\x9b",
		"caf\xe9", "\u202e", "a\r\nb", "\xf0\x9f\x98", "\xed\xa0\x80", "12345678\x7f",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		out := Bytes(in)
		checkSafe(t, in, out)
		if !Needed(in) && out != string(in) {
			t.Fatalf("changed safe input %q to %q", in, out)
		}
		if NeededString(string(in)) != Needed(in) {
			t.Fatalf("NeededString and Needed disagree on %q", in)
		}
		if Needed([]byte(out)) && strings.ContainsAny(out, "\x1b") {
			t.Fatalf("escaped output still needs escaping: %q", out)
		}
	})
}

func BenchmarkBytesASCII(b *testing.B) {
	line := []byte("Nov 22 03:05:49 web1 sshd[14021]: Failed password for root from 203.0.113.9 port 52113 ssh2")
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		_ = Needed(line)
	}
}

func BenchmarkBytesEscaped(b *testing.B) {
	line := []byte("title \x1b]0;PWNED\a clip \x1b]52;c;ZWNobyBwd25lZA==\a clear \x1b[2J cr \rOVERWRITE c1 \u009b31m")
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		_ = Bytes(line)
	}
}
