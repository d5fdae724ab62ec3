package decode

import (
	"strconv"
	"strings"
	"time"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/sanitize"
)

// decodeLogfmt decodes logfmt: space-separated key=value pairs, a value
// either bare or double-quoted with Go-style escapes (\" \\ \n \t \uXXXX).
// Keys map to event parts and contract names as for json (see structured).
// Without a message key, Message is the whole line.
//
// To tell logfmt from prose that happens to contain an '=', every token
// must be a pair with a non-empty key, and there must be at least two pairs
// or one of the well-known keys (msg, level, time, ...). Raw audit records
// ("type=... msg=audit(...)") are left to the auditd decoder.
func (d *Decoder) decodeLogfmt(ev *event.Event, s string, arrival time.Time) bool {
	if isAuditRecord(s) {
		return false
	}
	var st structured
	pairs, known := 0, false
	i := 0
	for {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		if i >= len(s) {
			break
		}
		k := i
		for i < len(s) && s[i] != '=' && s[i] != ' ' && s[i] != '"' && s[i] != '\t' {
			i++
		}
		if i == k || i >= len(s) || s[i] != '=' {
			return false
		}
		key := s[k:i]
		i++
		var val string
		if i < len(s) && s[i] == '"' {
			end, esc, ok := scanString(s, i+1)
			if !ok {
				return false
			}
			val = s[i+1 : end]
			if esc {
				val = unescapeLogfmt(val)
			} else {
				val = d.text(val)
			}
			i = end + 1
			if i < len(s) && s[i] != ' ' && s[i] != '\t' {
				return false
			}
		} else {
			v := i
			for i < len(s) && s[i] != ' ' && s[i] != '\t' {
				if s[i] == '"' {
					return false
				}
				i++
			}
			val = d.text(s[v:i])
		}
		pairs++
		switch key {
		case "msg", "message", "level", "lvl", "time", "ts", "timestamp":
			known = true
		}
		st.member(ev, d.text(key), val, val != "" && (isDigit(val[0]) || val[0] == '-') && isNumber(val))
	}
	if pairs < 2 && !known {
		return false
	}
	if st.msg == "" {
		st.msg = d.text(s)
	}
	st.finish(d, ev, arrival)
	return true
}

// unescapeLogfmt decodes a quoted logfmt value body (Go quoting, which is
// what go-kit/log and logrus write) and sanitises it; a body that is not
// valid Go quoting is kept as written.
func unescapeLogfmt(body string) string {
	if u, err := strconv.Unquote(`"` + body + `"`); err == nil {
		return sanitize.String(u)
	}
	return sanitize.String(body)
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

// isAuditRecord reports whether s starts like a raw auditd record.
func isAuditRecord(s string) bool {
	if strings.HasPrefix(s, "node=") {
		sp := strings.IndexByte(s, ' ')
		if sp < 0 {
			return false
		}
		s = s[sp+1:]
	}
	return strings.HasPrefix(s, "type=") && strings.Contains(s, " msg=audit(")
}
