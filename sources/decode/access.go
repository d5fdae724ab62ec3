package decode

import (
	"strconv"
	"strings"
	"time"

	"github.com/vigil-sec/vigil/event"
)

// decodeAccess decodes the Apache/nginx common and combined log formats,
// with an optional leading virtual host (Apache's vhost_combined, "%v:%p"):
//
//	[VHOST[:PORT] ]CLIENT IDENT USER [28/Nov/2026:09:00:01 +1300] "REQUEST" STATUS BYTES ["REFERER" "USER-AGENT"]
//
// Time is exact (the line carries its zone). App is the vhost when present,
// else "access"; Host stays empty (the line does not name the server).
// Message is the request line and the status ("GET /admin/ HTTP/1.1 403"),
// the part of an access line that reads as what happened; the client is in
// the fields. Fields: src_ip, user (when not "-"), method, uri, status,
// bytes, referer, user_agent (each when present and not "-"). Quoted parts
// keep the server's own escapes (\" \x1B) as text, never decoded back.
// Severity: 5xx err, 4xx warning, else info.
func (d *Decoder) decodeAccess(ev *event.Event, s string) bool {
	lb := strings.Index(s, " [")
	if lb <= 0 || lb > 512 {
		return false
	}
	// Tokens before the date: CLIENT IDENT USER, or VHOST CLIENT IDENT USER.
	var tok [4]string
	nt := 0
	for head := s[:lb]; ; {
		sp := strings.IndexByte(head, ' ')
		f := head
		if sp >= 0 {
			f = head[:sp]
		}
		if nt == len(tok) || f == "" {
			return false
		}
		tok[nt] = f
		nt++
		if sp < 0 {
			break
		}
		head = head[sp+1:]
	}
	var vhost string
	switch nt {
	case 3:
	case 4:
		vhost = tok[0]
		copy(tok[:], tok[1:])
	default:
		return false
	}
	client, user := tok[0], tok[2]

	i := lb + 2
	rb := strings.IndexByte(s[i:], ']')
	if rb < 0 {
		return false
	}
	t, ok := parseCLFTime(s[i : i+rb])
	if !ok {
		return false
	}
	i += rb + 1
	if !strings.HasPrefix(s[i:], ` "`) {
		return false
	}
	req, n, ok := quoted(s, i+1)
	if !ok {
		return false
	}
	i = n
	// STATUS BYTES
	rest := strings.TrimLeft(s[i:], " ")
	sp := strings.IndexByte(rest, ' ')
	status := rest
	if sp >= 0 {
		status = rest[:sp]
		rest = rest[sp+1:]
	} else {
		rest = ""
	}
	code, err := strconv.Atoi(status)
	if err != nil && status != "-" || code < 0 || code > 999 {
		return false
	}
	var size string
	if sp = strings.IndexByte(rest, ' '); sp >= 0 {
		size, rest = rest[:sp], rest[sp+1:]
	} else {
		size, rest = rest, ""
	}
	if size != "-" && size != "" && !allDigits(size) {
		return false
	}
	var referer, agent string
	if strings.HasPrefix(rest, `"`) {
		if referer, n, ok = quoted(rest, 0); ok {
			rest = strings.TrimLeft(rest[n:], " ")
			if strings.HasPrefix(rest, `"`) {
				agent, _, _ = quoted(rest, 0)
			}
		}
	}

	ev.Time = t
	ev.App = "access"
	if vhost != "" {
		ev.App = d.text(vhost)
	}
	d.setField(ev, "src_ip", client)
	if user != "-" {
		d.setField(ev, "user", user)
	}
	method, uri := req, ""
	if sp := strings.IndexByte(req, ' '); sp > 0 {
		method, uri = req[:sp], req[sp+1:]
		if sp2 := strings.LastIndexByte(uri, ' '); sp2 > 0 && strings.HasPrefix(uri[sp2+1:], "HTTP/") {
			uri = uri[:sp2]
		}
		d.setField(ev, "method", method)
		d.setField(ev, "uri", uri)
	}
	if status != "-" {
		ev.SetField("status", status)
	}
	if size != "-" && size != "" {
		ev.SetField("bytes", size)
	}
	if referer != "" && referer != "-" {
		d.setField(ev, "referer", referer)
	}
	if agent != "" && agent != "-" {
		d.setField(ev, "user_agent", agent)
	}
	switch {
	case code >= 500:
		ev.Severity = event.Err
	case code >= 400:
		ev.Severity = event.Warning
	}
	ev.Message = d.text(req + " " + status)
	return true
}

// quoted returns the body of the double-quoted string starting at s[i] (a
// backslash escapes the next byte) and the index after the closing quote.
func quoted(s string, i int) (body string, next int, ok bool) {
	if i >= len(s) || s[i] != '"' {
		return "", 0, false
	}
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '"':
			return s[i+1 : j], j + 1, true
		}
	}
	return "", 0, false
}

// parseCLFTime parses "28/Nov/2026:09:00:01 +1300".
func parseCLFTime(s string) (t time.Time, ok bool) {
	if len(s) != 26 || s[2] != '/' || s[6] != '/' || s[11] != ':' || s[20] != ' ' {
		return t, false
	}
	var c civil
	var ok1, ok2, ok3, ok4 bool
	c.day, ok1 = digits(s, 0, 2)
	c.month = parseMonth(s[3:])
	c.year, ok2 = digits(s, 7, 4)
	c.yearKnown = true
	if _, ok := parseClock(s, 12, &c); !ok || !ok1 || !ok2 {
		return t, false
	}
	oh, ok3 := digits(s, 22, 2)
	om, ok4 := digits(s, 24, 2)
	if !ok3 || !ok4 || (s[21] != '+' && s[21] != '-') || om > 59 {
		return t, false
	}
	c.offset = oh*3600 + om*60
	if s[21] == '-' {
		c.offset = -c.offset
	}
	if !c.valid() {
		return t, false
	}
	return c.utc(), true
}
