package decode

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/sanitize"
)

// decodeJSON decodes a generic JSON-lines log record (one object a line).
// Well-known keys fill the event (see structured.apply); every other
// top-level scalar member becomes a field, value stringified (numbers and
// booleans as written) and sanitised; nested objects, arrays and nulls are
// skipped. Without a message key, Message is the whole line.
//
// A line that looks like a journalctl entry (__REALTIME_TIMESTAMP,
// __CURSOR) is left to the journal-json decoder.
func (d *Decoder) decodeJSON(ev *event.Event, s string, arrival time.Time) bool {
	var st structured
	journal := false
	ok := eachMember(s, func(key string, kesc bool, v jsonValue) {
		if kesc {
			key = sanitize.String(unescapeJSON(key))
		} else {
			key = d.text(key)
		}
		if key == "__REALTIME_TIMESTAMP" || key == "__CURSOR" {
			journal = true
		}
		switch v.kind {
		case jsonObject, jsonArray, jsonNull:
			return
		}
		val, _ := d.jsonText(v)
		st.member(ev, key, val, v.kind == jsonNumber)
	})
	if !ok || journal {
		return false
	}
	if st.msg == "" {
		st.msg = d.text(s)
	}
	st.finish(d, ev, arrival)
	return true
}

// structured collects the well-known keys of a JSON or logfmt record. Keys
// are matched case-sensitively, first key of a kind in priority order wins:
//
//	time:    time, timestamp, ts, @timestamp, t (RFC 3339, or epoch s/ms/µs/ns)
//	level:   level, lvl, severity, log.level, levelname (words, syslog 0–7,
//	         or the pino/bunyan numbers 10–60)
//	message: msg, message, log, text
//	host:    host, hostname, host.name
//	app:     app, service, service.name, application, logger
//	pid:     pid
//
// Other keys become fields, renamed to contract names where the meaning is
// unambiguous: ip, client_ip, clientip, remote_addr, remote_ip, src_ip,
// Traefik's ClientAddr and ClientHost → src_ip
// (an "ip:port" value also gives src_port); user, username, user_name,
// user.name → user; target, target_user, target_username, target.user,
// target_user_name → target_user (the account an application event acts
// on); event.action, event_type, eventType, event_name, eventName → event
// (the application's name for what happened, which rules match);
// Traefik's DownstreamStatus, RequestMethod, RequestPath → status, method,
// uri. The
// original key is not kept alongside.
type structured struct {
	timeRank, levelRank, msgRank, hostRank, appRank int
	timeVal, timeNum                                string
	levelVal                                        string
	levelNum                                        bool
	msg                                             string
}

// rankOf returns the priority (1 = best) of key in list, 0 if absent.
func rankOf(key string, list ...string) int {
	for i, k := range list {
		if k == key {
			return i + 1
		}
	}
	return 0
}

func better(rank, have int) bool { return rank > 0 && (have == 0 || rank < have) }

// member records one key/value; key and val are already sanitised.
func (st *structured) member(ev *event.Event, key, val string, number bool) {
	if r := rankOf(key, "time", "timestamp", "ts", "@timestamp", "t"); r > 0 {
		if better(r, st.timeRank) {
			st.timeRank, st.timeVal = r, val
			if number {
				st.timeNum = val
			} else {
				st.timeNum = ""
			}
		}
		return
	}
	if r := rankOf(key, "level", "lvl", "severity", "log.level", "levelname"); r > 0 {
		if better(r, st.levelRank) {
			st.levelRank, st.levelVal, st.levelNum = r, val, number
		}
		return
	}
	if r := rankOf(key, "msg", "message", "log", "text"); r > 0 {
		if better(r, st.msgRank) {
			st.msgRank, st.msg = r, val
		}
		return
	}
	if r := rankOf(key, "host", "hostname", "host.name"); r > 0 {
		if better(r, st.hostRank) {
			st.hostRank, ev.Host = r, val
		}
		return
	}
	if r := rankOf(key, "app", "service", "service.name", "application", "logger"); r > 0 {
		if better(r, st.appRank) {
			st.appRank, ev.App = r, val
		}
		return
	}
	switch key {
	case "pid":
		if n, err := strconv.Atoi(val); err == nil && n > 0 {
			ev.PID = n
			return
		}
	case "ip", "client_ip", "clientip", "remote_addr", "remote_ip", "src_ip", "ClientAddr", "ClientHost":
		host, port := splitHostPort(val)
		ev.SetField("src_ip", host)
		if port != "" {
			ev.SetField("src_port", port)
		}
		return
	case "user", "username", "user_name", "user.name":
		key = "user"
	case "target", "target_user", "target_username", "target.user", "target_user_name":
		key = "target_user"
	case "event.action", "event_type", "eventType", "event_name", "eventName":
		key = "event"
	case "DownstreamStatus": // Traefik's access log
		key = "status"
	case "RequestMethod":
		key = "method"
	case "RequestPath":
		key = "uri"
	}
	ev.SetField(key, val)
}

// finish resolves time and level once all members are seen.
func (st *structured) finish(d *Decoder, ev *event.Event, arrival time.Time) {
	ev.Message = st.msg
	ev.Time, ev.TimeGuessed = time.Time{}, false
	if st.timeNum != "" {
		ev.Time = epochTime(st.timeNum)
	} else if st.timeVal != "" {
		if c, n, ok := parseRFC3339(st.timeVal); ok && n == len(st.timeVal) {
			if c.zone {
				ev.Time = c.utc()
			} else {
				ev.Time, _ = d.localTime(&c, arrival)
				ev.TimeGuessed = true
			}
		} else if len(st.timeVal) >= 9 && isDigit(st.timeVal[0]) {
			ev.Time = epochTime(st.timeVal)
		}
	}
	if ev.Time.IsZero() {
		ev.Time = arrival.UTC()
		ev.TimeGuessed = true
	}
	if st.levelVal != "" {
		ev.Severity = levelSeverity(st.levelVal, st.levelNum)
	}
}

// epochTime reads a Unix time in seconds, milliseconds, microseconds or
// nanoseconds, told apart by magnitude (seconds up to year 5138). Zero
// time when s is not a number.
func epochTime(s string) time.Time {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f <= 0 || math.IsInf(f, 0) || f > 1e19 {
		return time.Time{}
	}
	switch {
	case f < 1e11:
		// Seconds with a decimal fraction: parse the digits exactly, a
		// float64 has only ~7 digits left after the seconds.
		if dot := strings.IndexByte(s, '.'); dot > 0 && allDigits(s[:dot]) {
			sec, _ := strconv.ParseInt(s[:dot], 10, 64)
			ns, scale := 0, 100000000
			for i := dot + 1; i < len(s) && isDigit(s[i]) && scale > 0; i++ {
				ns += int(s[i]-'0') * scale
				scale /= 10
			}
			return time.Unix(sec, int64(ns)).UTC()
		}
		sec, frac := math.Modf(f)
		return time.Unix(int64(sec), int64(frac*1e9)).UTC()
	case f < 1e14:
		return time.UnixMicro(int64(f * 1e3)).UTC()
	case f < 1e17:
		return time.UnixMicro(int64(f)).UTC()
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(0, n).UTC()
	}
	return time.Unix(0, int64(f)).UTC()
}

// levelSeverity maps a level value: a word (event.ParseSeverity, "trace1"
// style suffixes ignored), a syslog number 0–7, or a pino/bunyan number
// (10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal).
func levelSeverity(v string, number bool) event.Severity {
	if !number {
		if sev, ok := event.ParseSeverity(v); ok {
			return sev
		}
		if t := strings.TrimRight(v, "0123456789"); t != v && t != "" {
			if sev, ok := event.ParseSeverity(t); ok {
				return sev
			}
		}
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return event.Info
	}
	switch {
	case n >= 0 && n <= 7:
		return event.Severity(n)
	case n >= 60:
		return event.Crit
	case n >= 50:
		return event.Err
	case n >= 40:
		return event.Warning
	case n >= 30:
		return event.Info
	case n >= 10:
		return event.Debug
	}
	return event.Info
}

// splitHostPort splits "1.2.3.4:80" and "[2001:db8::1]:80"; a bare address
// (IPv6 included) comes back whole with no port.
func splitHostPort(v string) (host, port string) {
	if strings.HasPrefix(v, "[") {
		if end := strings.Index(v, "]:"); end > 0 && allDigits(v[end+2:]) {
			return v[1:end], v[end+2:]
		}
		return strings.Trim(v, "[]"), ""
	}
	if i := strings.LastIndexByte(v, ':'); i > 0 && strings.IndexByte(v[:i], ':') < 0 && allDigits(v[i+1:]) {
		return v[:i], v[i+1:]
	}
	return v, ""
}

func allDigits(s string) bool {
	if s == "" || len(s) > 10 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}
