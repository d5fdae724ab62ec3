package decode

import (
	"strconv"
	"strings"
	"time"

	"github.com/vigil-sec/vigil/event"
)

// decodeApacheError decodes web server error logs:
//
//	[Tue Nov 28 09:00:01.123456 2026] [core:error] [pid 1234:tid 5678] [client 192.0.2.1:5050] AH00126: msg   (Apache 2.4)
//	[Tue Nov 28 09:00:01 2026] [error] [client 1.2.3.4] msg                                                  (Apache 2.2)
//	2026/11/28 09:00:01 [error] 1234#1234: *5 msg, client: 1.2.3.4, server: x, request: "GET / HTTP/1.1"     (nginx)
//
// Neither carries a zone: times are local (the Decoder's Location) and
// marked guessed. Severity comes from the level word ("trace1".."trace8"
// are debug). Apache: App "apache", field module (the "core" of
// "core:error"), PID from [pid N], src_ip and src_port from [client ...].
// nginx: App "nginx", PID from "PID#TID", and the ", client: ..." tail is
// cut from Message into the fields src_ip, server, method, uri (from
// request) and vhost (from host).
func (d *Decoder) decodeApacheError(ev *event.Event, s string, arrival time.Time) bool {
	if s[0] != '[' {
		return d.decodeNginxError(ev, s, arrival)
	}
	end := strings.IndexByte(s, ']')
	if end < 0 {
		return false
	}
	var c civil
	if !parseCtime(s[1:end], &c) {
		return false
	}
	rest := s[end+1:]
	// Level: "[error]" or "[module:level]".
	if !strings.HasPrefix(rest, " [") {
		return false
	}
	lend := strings.IndexByte(rest, ']')
	if lend < 0 {
		return false
	}
	level := rest[2:lend]
	module := ""
	if colon := strings.IndexByte(level, ':'); colon >= 0 {
		module, level = level[:colon], level[colon+1:]
	}
	sev, ok := apacheLevel(level)
	if !ok {
		return false
	}
	rest = rest[lend+1:]
	ev.Severity = sev
	ev.App = "apache"
	if module != "" {
		d.setField(ev, "module", module)
	}
	ev.Time, ev.TimeGuessed = d.guessedLocal(&c, arrival), true

	for strings.HasPrefix(rest, " [") {
		e := strings.IndexByte(rest, ']')
		if e < 0 {
			break
		}
		part := rest[2:e]
		switch {
		case strings.HasPrefix(part, "pid "):
			p := part[4:]
			if colon := strings.IndexByte(p, ':'); colon >= 0 {
				p = p[:colon]
			}
			if n, err := strconv.Atoi(p); err == nil && n > 0 {
				ev.PID = n
			}
		case strings.HasPrefix(part, "client ") || strings.HasPrefix(part, "remote "):
			addr := part[7:]
			host, port := addr, ""
			if strings.Count(addr, ":") == 1 || strings.HasPrefix(addr, "[") {
				host, port = splitHostPort(addr)
			}
			d.setField(ev, "src_ip", host)
			if port != "" {
				ev.SetField("src_port", port)
			}
		default:
			goto done
		}
		rest = rest[e+1:]
	}
done:
	ev.Message = d.text(strings.TrimLeft(rest, " "))
	return true
}

// guessedLocal resolves a zone-less civil time in the Decoder's Location,
// falling back to arrival.
func (d *Decoder) guessedLocal(c *civil, arrival time.Time) time.Time {
	if t, ok := d.localTime(c, arrival); ok {
		return t
	}
	return arrival.UTC()
}

// parseCtime parses "Tue Nov 28 09:00:01[.123456] 2026" (day may be
// space-padded).
func parseCtime(s string, c *civil) bool {
	if len(s) < 24 || s[3] != ' ' {
		return false
	}
	i, ok := parseMonthDayClock(s, 4, c, false)
	if !ok || i+5 != len(s) || s[i] != ' ' {
		return false
	}
	c.year, ok = digits(s, i+1, 4)
	c.yearKnown = true
	return ok
}

// apacheLevel maps an Apache or nginx level word.
func apacheLevel(level string) (event.Severity, bool) {
	if sev, ok := event.ParseSeverity(level); ok {
		return sev, true
	}
	if len(level) == 6 && strings.HasPrefix(level, "trace") && isDigit(level[5]) {
		return event.Debug, true
	}
	return event.Info, false
}

// decodeNginxError decodes "2026/11/28 09:00:01 [error] 1234#1234: *5 msg".
func (d *Decoder) decodeNginxError(ev *event.Event, s string, arrival time.Time) bool {
	if len(s) < 24 || s[4] != '/' || s[7] != '/' || s[10] != ' ' || s[19] != ' ' || s[20] != '[' {
		return false
	}
	var c civil
	var ok1, ok2, ok3 bool
	c.year, ok1 = digits(s, 0, 4)
	c.month, ok2 = digits(s, 5, 2)
	c.day, ok3 = digits(s, 8, 2)
	c.yearKnown = true
	if _, ok := parseClock(s, 11, &c); !ok || !ok1 || !ok2 || !ok3 {
		return false
	}
	lend := strings.IndexByte(s[21:], ']')
	if lend < 0 {
		return false
	}
	sev, ok := apacheLevel(s[21 : 21+lend])
	if !ok {
		return false
	}
	rest := s[21+lend+1:]
	ev.Severity = sev
	ev.App = "nginx"
	ev.Time, ev.TimeGuessed = d.guessedLocal(&c, arrival), true
	rest = strings.TrimLeft(rest, " ")
	if hash := strings.IndexByte(rest, '#'); hash > 0 && allDigits(rest[:hash]) {
		if colon := strings.Index(rest, ": "); colon > hash {
			ev.PID, _ = strconv.Atoi(rest[:hash])
			rest = rest[colon+2:]
		}
	}
	if cut := strings.Index(rest, ", client: "); cut >= 0 {
		d.nginxTail(ev, rest[cut+2:])
		rest = rest[:cut]
	}
	ev.Message = d.text(rest)
	return true
}

// nginxTail reads `client: 1.2.3.4, server: x, request: "GET / HTTP/1.1", host: "h"`.
func (d *Decoder) nginxTail(ev *event.Event, tail string) {
	for tail != "" {
		colon := strings.Index(tail, ": ")
		if colon <= 0 {
			return
		}
		key := tail[:colon]
		tail = tail[colon+2:]
		var val string
		if strings.HasPrefix(tail, `"`) {
			body, n, ok := quoted(tail, 0)
			if !ok {
				return
			}
			val, tail = body, tail[n:]
		} else if comma := strings.Index(tail, ", "); comma >= 0 {
			val, tail = tail[:comma], tail[comma:]
		} else {
			val, tail = tail, ""
		}
		tail = strings.TrimPrefix(tail, ", ")
		switch key {
		case "client":
			d.setField(ev, "src_ip", val)
		case "server":
			d.setField(ev, "server", val)
		case "host":
			d.setField(ev, "vhost", val)
		case "request":
			if sp := strings.IndexByte(val, ' '); sp > 0 {
				d.setField(ev, "method", val[:sp])
				uri := val[sp+1:]
				if sp2 := strings.LastIndexByte(uri, ' '); sp2 > 0 {
					uri = uri[:sp2]
				}
				d.setField(ev, "uri", uri)
			}
		default:
			d.setField(ev, key, val)
		}
	}
}
