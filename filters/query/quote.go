package query

import "strings"

// Quote returns value written so that the parser reads it back as the same
// single value: bare when that is safe, else in double quotes with \" and
// \\ escapes. A quoted field value is literal (no * glob, no CIDR), so
// "user:" + Quote(v) matches exactly the user v, and Quote(v) alone
// searches for v as text.
func Quote(value string) string {
	if bareSafe(value) {
		return value
	}
	var b strings.Builder
	b.Grow(len(value) + 2)
	b.WriteByte('"')
	for i := 0; i < len(value); i++ {
		if c := value[i]; c == '"' || c == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(value[i])
	}
	b.WriteByte('"')
	return b.String()
}

// bareSafe reports whether v reads back unchanged without quotes, both as
// a field value and as a word on its own.
func bareSafe(v string) bool {
	switch v {
	case "", "AND", "OR", "NOT":
		return false
	}
	if v[0] == '-' {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c <= ' ' || c == 0x7f || strings.IndexByte(`()"\*/:~<>=!`, c) >= 0 {
			return false
		}
	}
	return true
}
