// Package sanitize makes untrusted text safe to put on a terminal.
//
// Log content is attacker-controlled. Escape sequences in it can retitle a
// window, write the clipboard (OSC 52), move the cursor or overwrite what is
// on screen; bidi and zero-width characters can make text read differently
// from what it is. This package escapes, rather than strips, everything that
// could act on a terminal or hide text, so tampering stays visible:
//
//   - C0 controls except TAB, and DEL: "\r", "\n", "\x1b", "\x7f", ...
//   - C1 controls U+0080–U+009F written as UTF-8: "\u009b"
//   - invalid UTF-8 (including raw 8-bit C1 bytes): "\xNN" per byte
//   - bidi controls, zero-width characters, BOM, line and paragraph
//     separators: "\u202e", "\u200b", ...
//
// TAB is kept: it is harmless, and the renderer expands it.
// Every function here is safe for concurrent use.
package sanitize

import (
	"encoding/binary"
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// safeWord reports whether all 8 bytes of w are printable ASCII (0x20..0x7e).
func safeWord(w uint64) bool {
	const (
		lo   = 0x0101010101010101
		hi   = 0x8080808080808080
		x20  = 0x2020202020202020 // bytes below 0x20
		x7f  = 0x7f7f7f7f7f7f7f7f
		zero = 0
	)
	if w&hi != zero { // any byte >= 0x80
		return false
	}
	if (w-x20)&^w&hi != zero { // any byte < 0x20
		return false
	}
	v := w ^ x7f // DEL becomes zero
	return (v-lo)&^v&hi == zero
}

// Needed reports whether b contains anything Bytes would change.
func Needed(b []byte) bool {
	i := 0
	for ; i+8 <= len(b); i += 8 {
		if !safeWord(binary.LittleEndian.Uint64(b[i:])) {
			return slowNeeded(b[i:])
		}
	}
	return slowNeeded(b[i:])
}

// NeededString is Needed for a string.
func NeededString(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f || c == '\t' {
			i++
			continue
		}
		if c < 0x80 {
			return true
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n <= 1 || unsafeRune(r) {
			return true
		}
		i += n
	}
	return false
}

func slowNeeded(b []byte) bool {
	for i := 0; i < len(b); {
		c := b[i]
		if c >= 0x20 && c < 0x7f || c == '\t' {
			i++
			continue
		}
		if c < 0x80 {
			return true
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 || unsafeRune(r) {
			return true
		}
		i += n
	}
	return false
}

// unsafeRune reports whether a valid, non-ASCII rune must be escaped.
func unsafeRune(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f: // C1 controls
		return true
	case r == 0x061c: // Arabic letter mark
		return true
	case r >= 0x200b && r <= 0x200f: // zero-width, LRM, RLM
		return true
	case r >= 0x2028 && r <= 0x202e: // separators, LRE..RLO
		return true
	case r >= 0x2060 && r <= 0x2069: // word joiner, invisible ops, isolates
		return true
	case r == 0xfeff: // BOM / zero-width no-break space
		return true
	case r >= 0xfff9 && r <= 0xfffb: // interlinear annotation controls
		return true
	}
	return false
}

// Append appends the escaped form of src to dst and returns the result.
func Append(dst, src []byte) []byte {
	for i := 0; i < len(src); {
		c := src[i]
		if c >= 0x20 && c < 0x7f || c == '\t' {
			dst = append(dst, c)
			i++
			continue
		}
		if c < 0x80 {
			dst = appendControl(dst, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(src[i:])
		if r == utf8.RuneError && n <= 1 {
			dst = append(dst, '\\', 'x', hexDigits[c>>4], hexDigits[c&0xf])
			i++
			continue
		}
		if unsafeRune(r) {
			dst = append(dst, '\\', 'u',
				hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
		} else {
			dst = append(dst, src[i:i+n]...)
		}
		i += n
	}
	return dst
}

func appendControl(dst []byte, c byte) []byte {
	switch c {
	case '\n':
		return append(dst, '\\', 'n')
	case '\r':
		return append(dst, '\\', 'r')
	}
	return append(dst, '\\', 'x', hexDigits[c>>4], hexDigits[c&0xf])
}

// Bytes returns the escaped form of b as a string. It allocates exactly one
// string when nothing needs escaping.
func Bytes(b []byte) string {
	if !Needed(b) {
		return string(b)
	}
	return string(Append(make([]byte, 0, len(b)+16), b))
}

// String returns the escaped form of s; s itself when nothing needs escaping.
func String(s string) string {
	if !NeededString(s) {
		return s
	}
	return string(Append(make([]byte, 0, len(s)+16), []byte(s)))
}
