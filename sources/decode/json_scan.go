package decode

import (
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/vigil-sec/vigil/sanitize"
)

// A small JSON scanner for one-object-per-line logs. encoding/json into a
// map costs several microseconds and an allocation per member; this walks
// the top-level members of an object in place, hands out values as
// substrings of the line, and unescapes a string only when it has escapes.
// Nested objects and arrays are skipped over (bracket matching that respects
// strings), not validated member by member.

type jsonKind uint8

const (
	jsonString jsonKind = iota
	jsonNumber
	jsonBool
	jsonNull
	jsonObject
	jsonArray
)

// jsonValue is one member value. For a string, raw is the text between the
// quotes (still escaped when esc is set); otherwise raw is the literal JSON
// text (number, true/false, null, or the whole object/array).
type jsonValue struct {
	kind jsonKind
	esc  bool
	raw  string
}

// looksJSONObject reports whether s starts with '{' (after blanks) and ends
// with '}': a cheap sniff before the real scan.
func looksJSONObject(s string) bool {
	s = strings.TrimRight(s, " \t")
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return len(s)-i >= 2 && s[i] == '{' && s[len(s)-1] == '}'
}

func skipWS(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// scanString scans a string whose opening quote is at s[i-1]; it returns the
// index of the closing quote and whether there were escapes.
func scanString(s string, i int) (end int, esc, ok bool) {
	for i < len(s) {
		j := strings.IndexAny(s[i:], "\"\\")
		if j < 0 {
			return 0, false, false
		}
		i += j
		if s[i] == '"' {
			return i, esc, true
		}
		esc = true
		i += 2
	}
	return 0, false, false
}

// skipComposite skips an object or array starting at s[i] and returns the
// index after it.
func skipComposite(s string, i int) (int, bool) {
	depth := 0
	for i < len(s) {
		switch s[i] {
		case '{', '[':
			depth++
			if depth > 512 {
				return 0, false
			}
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1, true
			}
		case '"':
			end, _, ok := scanString(s, i+1)
			if !ok {
				return 0, false
			}
			i = end
		}
		i++
	}
	return 0, false
}

// scanValue scans the value at s[i] and returns it and the index after it.
func scanValue(s string, i int) (v jsonValue, next int, ok bool) {
	if i >= len(s) {
		return v, 0, false
	}
	switch c := s[i]; {
	case c == '"':
		end, esc, ok := scanString(s, i+1)
		if !ok {
			return v, 0, false
		}
		return jsonValue{kind: jsonString, esc: esc, raw: s[i+1 : end]}, end + 1, true
	case c == '{' || c == '[':
		end, ok := skipComposite(s, i)
		if !ok {
			return v, 0, false
		}
		k := jsonObject
		if c == '[' {
			k = jsonArray
		}
		return jsonValue{kind: k, raw: s[i:end]}, end, true
	case c == 't' && strings.HasPrefix(s[i:], "true"):
		return jsonValue{kind: jsonBool, raw: "true"}, i + 4, true
	case c == 'f' && strings.HasPrefix(s[i:], "false"):
		return jsonValue{kind: jsonBool, raw: "false"}, i + 5, true
	case c == 'n' && strings.HasPrefix(s[i:], "null"):
		return jsonValue{kind: jsonNull, raw: "null"}, i + 4, true
	case c == '-' || isDigit(c):
		j := i + 1
		for j < len(s) && (isDigit(s[j]) || s[j] == '.' || s[j] == 'e' || s[j] == 'E' || s[j] == '+' || s[j] == '-') {
			j++
		}
		return jsonValue{kind: jsonNumber, raw: s[i:j]}, j, true
	}
	return v, 0, false
}

// eachMember calls fn for every member of the JSON object s, in order. It
// reports false when s is not one well-formed object (fn may have been
// called for the members before the error).
func eachMember(s string, fn func(key string, keyEsc bool, v jsonValue)) bool {
	i := skipWS(s, 0)
	if i >= len(s) || s[i] != '{' {
		return false
	}
	i = skipWS(s, i+1)
	if i < len(s) && s[i] == '}' {
		return skipWS(s, i+1) == len(s)
	}
	for {
		if i >= len(s) || s[i] != '"' {
			return false
		}
		end, kesc, ok := scanString(s, i+1)
		if !ok {
			return false
		}
		key := s[i+1 : end]
		i = skipWS(s, end+1)
		if i >= len(s) || s[i] != ':' {
			return false
		}
		v, next, ok := scanValue(s, skipWS(s, i+1))
		if !ok {
			return false
		}
		fn(key, kesc, v)
		i = skipWS(s, next)
		if i >= len(s) {
			return false
		}
		if s[i] == '}' {
			return skipWS(s, i+1) == len(s)
		}
		if s[i] != ',' {
			return false
		}
		i = skipWS(s, i+1)
	}
}

// eachElement calls fn for every element of the JSON array s.
func eachElement(s string, fn func(v jsonValue) bool) bool {
	i := skipWS(s, 0)
	if i >= len(s) || s[i] != '[' {
		return false
	}
	i = skipWS(s, i+1)
	if i < len(s) && s[i] == ']' {
		return true
	}
	for {
		v, next, ok := scanValue(s, i)
		if !ok || !fn(v) {
			return false
		}
		i = skipWS(s, next)
		if i >= len(s) {
			return false
		}
		if s[i] == ']' {
			return true
		}
		if s[i] != ',' {
			return false
		}
		i = skipWS(s, i+1)
	}
}

// unescapeJSON decodes the escapes of a JSON string body. Invalid escapes
// are kept as they are; lone surrogates become U+FFFD (as encoding/json
// does). The result is raw text: callers sanitise it.
func unescapeJSON(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b = append(b, c)
			i++
			continue
		}
		switch e := s[i+1]; e {
		case '"', '\\', '/':
			b = append(b, e)
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, ok := hex4(s, i+2)
			if !ok {
				b = append(b, c, e)
				i += 2
				continue
			}
			i += 6
			if utf16.IsSurrogate(r) {
				r2, ok := rune(0), false
				if i+1 < len(s) && s[i] == '\\' && s[i+1] == 'u' {
					r2, ok = hex4(s, i+2)
				}
				if dec := utf16.DecodeRune(r, r2); ok && dec != utf8.RuneError {
					r = dec
					i += 6
				} else {
					r = utf8.RuneError
				}
			}
			b = utf8.AppendRune(b, r)
			continue
		default:
			b = append(b, c, e)
		}
		i += 2
	}
	return string(b)
}

func hex4(s string, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	var r rune
	for _, c := range []byte(s[i : i+4]) {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// jsonText returns the display form of a JSON value as a field value: strings
// unescaped, numbers and booleans as written, an array of byte values
// (journalctl's form for binary data) decoded, an array of strings joined
// with ", ". The result is sanitised. ok is false for null, objects and
// other arrays.
func (d *Decoder) jsonText(v jsonValue) (string, bool) {
	switch v.kind {
	case jsonString:
		if !v.esc {
			return d.text(v.raw), true
		}
		return sanitize.String(unescapeJSON(v.raw)), true
	case jsonNumber, jsonBool:
		return v.raw, true
	case jsonArray:
		if b, ok := byteArray(v.raw); ok {
			return sanitize.String(string(b)), true
		}
		var parts []string
		ok := eachElement(v.raw, func(e jsonValue) bool {
			if e.kind != jsonString {
				return false
			}
			if e.esc {
				parts = append(parts, unescapeJSON(e.raw))
			} else {
				parts = append(parts, e.raw)
			}
			return true
		})
		if !ok || len(parts) == 0 {
			return "", false
		}
		return sanitize.String(strings.Join(parts, ", ")), true
	}
	return "", false
}

// byteArray decodes a JSON array of integers 0..255.
func byteArray(s string) ([]byte, bool) {
	b := make([]byte, 0, len(s)/3)
	ok := eachElement(s, func(e jsonValue) bool {
		if e.kind != jsonNumber {
			return false
		}
		n, err := strconv.ParseUint(e.raw, 10, 8)
		if err != nil {
			return false
		}
		b = append(b, byte(n))
		return true
	})
	return b, ok && len(b) > 0
}
