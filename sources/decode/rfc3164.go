package decode

import (
	"strings"
	"time"

	"github.com/vigil-sec/vigil/event"
)

// decodeRFC3164 decodes BSD syslog as written to /var/log/auth.log, syslog,
// secure and messages:
//
//	[<PRI>]TIMESTAMP [HOST ]TAG: MSG
//
// TIMESTAMP is "Nov 22 03:05:49" ("Nov  5" space-padded), optionally with a
// year before or after the day ("2026 Nov 22 …", "Nov 22 2026 …") and a
// fraction, or RFC 3339 as Debian 12's rsyslog writes it. TAG is "app:",
// "app[pid]:" or "app(sub)[pid]:"; a line without a tag keeps App empty.
// A token that contains '[' or ends in ':' is a tag, not a host, so lines
// received without a hostname decode too.
//
// Times without a zone are resolved in the Decoder's Location (year inferred
// from ref) and marked guessed; RFC 3339 times are exact. A header of the
// right shape with impossible values (Feb 30, hour 25) still yields an
// event, timed at arrival and marked guessed.
//
// Severity comes from PRI when present (a PRI above 191 is skipped), else
// Info: words in the message are not trusted for syslog.
//
// "message repeated N times: [ MSG]" is unwrapped: Message is MSG and the
// field repeat_count holds N. Leading spaces of MSG are dropped (sudo pads
// its messages).
func (d *Decoder) decodeRFC3164(ev *event.Event, s string, ref, arrival time.Time) bool {
	i := 0
	if s[0] == '<' {
		pri, n, ok := parsePRI(s)
		if n == 0 {
			return false
		}
		if ok {
			ev.Severity = event.Severity(pri & 7)
		}
		i = n
	}
	var c civil
	var ok bool
	tsAt := i
	i, ok = d.parse3164Time(s, i, &c)
	if !ok {
		return false
	}
	if i < len(s) {
		if s[i] != ' ' {
			return false
		}
		i++
	}
	if c.zone {
		ev.Time = c.utc()
	} else if t, ok := d.localTime(&c, ref); ok {
		ev.Time = t
		ev.TimeGuessed = true
	} else {
		ev.Time = arrival.UTC()
		ev.TimeGuessed = true
	}

	rest := s[i:]
	// Host: the first token, unless it is the tag.
	if sp := strings.IndexByte(rest, ' '); sp > 0 {
		tok := rest[:sp]
		if tok[len(tok)-1] != ':' && strings.IndexByte(tok, '[') < 0 {
			ev.Host = d.text(tok)
			rest = rest[sp+1:]
		}
	} else if sp < 0 && len(rest) > 0 && rest[len(rest)-1] != ':' && strings.IndexByte(rest, '[') < 0 {
		// Only a host: "Nov 22 03:05:49 web1".
		ev.Host = d.text(rest)
		rest = ""
	}

	app, pid, n := parseTag(rest)
	if n == 0 && !c.zone && tsAt+4 < len(s) && s[tsAt+4] == '-' {
		// "2026-11-22 16:07:56 word ..." with no zone and no tag is not
		// syslog but a program's own log (dpkg.log and the like): let the
		// other formats have it.
		return false
	}
	if n > 0 {
		ev.App = d.text(app)
		ev.PID = pid
		rest = rest[n:]
	}
	rest = strings.TrimLeft(rest, " ")
	if strings.HasPrefix(rest, "message repeated ") {
		if count, inner, ok := unwrapRepeated(rest); ok {
			ev.SetField("repeat_count", count)
			rest = inner
		}
	}
	ev.Message = d.text(rest)
	return true
}

// parsePRI parses "<N>" at the start of s. n is the length of the bracketed
// number (0 when s does not start with one); ok is false when N > 191.
func parsePRI(s string) (pri, n int, ok bool) {
	j := 1
	for ; j < len(s) && j <= 4 && isDigit(s[j]); j++ {
		pri = pri*10 + int(s[j]-'0')
	}
	if j == 1 || j >= len(s) || s[j] != '>' {
		return 0, 0, false
	}
	return pri, j + 1, pri <= 191
}

// parse3164Time parses a syslog timestamp at s[i:] into c.
func (d *Decoder) parse3164Time(s string, i int, c *civil) (int, bool) {
	rest := s[i:]
	if len(rest) < 15 {
		return i, false
	}
	if isDigit(rest[0]) {
		if rest[4] == '-' {
			tc, n, ok := parseRFC3339(rest)
			if !ok {
				return i, false
			}
			*c = tc
			return i + n, true
		}
		// "2026 Nov 22 03:05:49"
		y, ok := digits(rest, 0, 4)
		if !ok || rest[4] != ' ' {
			return i, false
		}
		j, ok := parseMonthDayClock(rest, 5, c, false)
		if !ok {
			return i, false
		}
		c.year, c.yearKnown = y, true
		return i + j, true
	}
	j, ok := parseMonthDayClock(rest, 0, c, true)
	return i + j, ok
}

// parseMonthDayClock parses "Nov 22 03:05:49", "Nov  5 03:05:49" and, when
// allowYear is set, "Nov 22 2026 03:05:49".
func parseMonthDayClock(s string, i int, c *civil, allowYear bool) (int, bool) {
	if i+15 > len(s) {
		return i, false
	}
	c.month = parseMonth(s[i:])
	if c.month == 0 || s[i+3] != ' ' {
		return i, false
	}
	i += 4
	switch {
	case s[i] == ' ' && isDigit(s[i+1]):
		c.day = int(s[i+1] - '0')
		i += 2
	case isDigit(s[i]) && isDigit(s[i+1]):
		c.day = int(s[i]-'0')*10 + int(s[i+1]-'0')
		i += 2
	case isDigit(s[i]) && s[i+1] == ' ':
		c.day = int(s[i] - '0')
		i++
	default:
		return i, false
	}
	if i >= len(s) || s[i] != ' ' {
		return i, false
	}
	i++
	if allowYear && i+5 < len(s) && s[i+4] == ' ' {
		if y, ok := digits(s, i, 4); ok {
			c.year, c.yearKnown = y, true
			i += 5
		}
	}
	if i+8 > len(s) {
		return i, false
	}
	return parseClock(s, i, c)
}

// parseTag parses a syslog tag at the start of s: "app:", "app[pid]:",
// "app(sub)[pid]:", also "app[pid]" without the colon. n is the length
// including the colon, 0 when s does not start with a tag (the first word
// ends before any colon, or the tag is implausibly long). A colon inside
// parentheses does not end the tag.
func parseTag(s string) (app string, pid, n int) {
	depth := 0
	for i := 0; i < len(s) && i < 128; i++ {
		switch c := s[i]; c {
		case ' ':
			return "", 0, 0
		case '(':
			depth++
		case ')':
			if depth > 0 {
				depth--
			}
		case ':':
			if depth == 0 && (i+1 == len(s) || s[i+1] == ' ') {
				if i == 0 {
					return "", 0, 0
				}
				return s[:i], 0, i + 1
			}
		case '[':
			j := i + 1
			p := 0
			for ; j < len(s) && j < i+11 && isDigit(s[j]); j++ {
				p = p*10 + int(s[j]-'0')
			}
			if j == i+1 || j >= len(s) || s[j] != ']' || i == 0 {
				continue
			}
			j++
			if j < len(s) && s[j] == ':' {
				j++
			}
			if j < len(s) && s[j] != ' ' {
				continue
			}
			return s[:i], p, j
		}
	}
	return "", 0, 0
}

// unwrapRepeated splits "message repeated 2 times: [ MSG]" into "2" and MSG.
func unwrapRepeated(s string) (count, inner string, ok bool) {
	rest := s[len("message repeated "):]
	sp := strings.IndexByte(rest, ' ')
	if sp <= 0 || sp > 10 {
		return "", "", false
	}
	count = rest[:sp]
	for k := 0; k < len(count); k++ {
		if !isDigit(count[k]) {
			return "", "", false
		}
	}
	rest = rest[sp:]
	if !strings.HasPrefix(rest, " times: [") {
		return "", "", false
	}
	inner = strings.TrimLeft(rest[len(" times: ["):], " ")
	inner = strings.TrimSuffix(inner, "]")
	return count, inner, true
}
