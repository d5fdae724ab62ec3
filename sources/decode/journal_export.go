package decode

import (
	"encoding/binary"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/sanitize"
)

// decodeJournalExport decodes one entry of `journalctl -o export`: the
// entry's fields without the blank line that ends it, each either
// "KEY=value\n" or, for a value that is binary or holds a newline,
// "KEY\n" followed by the value's length as a little-endian uint64, the
// value's bytes and "\n". Package sources/journald hands entries on in
// this form.
//
// The mapping is journal-json's (see decodeJournalJSON): time from
// __REALTIME_TIMESTAMP (µs kept), host _HOSTNAME, app SYSLOG_IDENTIFIER
// else _COMM, PID _PID else SYSLOG_PID, severity PRIORITY, fields unit
// (UNIT, else USER_UNIT: the unit the entry is about), systemd_unit
// (_SYSTEMD_UNIT: the unit that wrote it), message_id, transport,
// boot_id, and uid (_UID, the writer's user ID, trusted). A binary
// MESSAGE (non-UTF-8 bytes, control characters, several lines) is one
// event whose message is those bytes made safe by package sanitize;
// a field given several times has its values joined with ", " in the
// message and keeps its first value elsewhere. Audit records
// (_TRANSPORT=audit) are read as audit.log records, as in journal-json.
//
// Raw is the MESSAGE value's bytes exactly as journald stored them (the
// whole entry when it has no MESSAGE), so an export hashes the message a
// program logged, as it does for a syslog line, not journalctl's
// rendering of metadata that differs from host to host.
//
// An entry that does not start with __CURSOR or __REALTIME_TIMESTAMP, or
// whose binary field is cut short, is not an export entry.
func (d *Decoder) decodeJournalExport(ev *event.Event, s string, data []byte, arrival time.Time) bool {
	if !strings.HasPrefix(s, "__CURSOR=") && !strings.HasPrefix(s, "__REALTIME_TIMESTAMP=") {
		return false
	}
	var (
		unit, userUnit   string
		pid, syslogPID   string
		ident, comm      string
		uid              string
		msg              string
		msgSeen          bool
		msgStart, msgEnd int
	)
	for pos := 0; pos < len(s); {
		nl := strings.IndexByte(s[pos:], '\n')
		if nl < 0 {
			nl = len(s) - pos
		}
		line := s[pos : pos+nl]
		var key, val string
		var vstart int
		if eq := strings.IndexByte(line, '='); eq >= 0 {
			key, val = line[:eq], line[eq+1:]
			vstart = pos + eq + 1
			pos += nl + 1
		} else {
			key = line
			p := pos + nl + 1
			if p+8 > len(s) {
				return false
			}
			n := binary.LittleEndian.Uint64(data[p : p+8])
			p += 8
			if n > uint64(len(s)-p) {
				return false
			}
			val = s[p : p+int(n)]
			vstart = p
			pos = p + int(n) + 1
		}
		if len(key) < 4 {
			continue
		}
		switch key {
		case "__REALTIME_TIMESTAMP":
			if us, err := strconv.ParseInt(val, 10, 64); err == nil {
				ev.Time = time.UnixMicro(us).UTC()
			}
		case "MESSAGE":
			if msgSeen {
				msg += ", " + val
				continue
			}
			msgSeen = true
			msg = val
			msgStart, msgEnd = vstart, vstart+len(val)
		case "_HOSTNAME":
			if ev.Host == "" {
				ev.Host = sanitize.String(val)
			}
		case "SYSLOG_IDENTIFIER":
			if ident == "" {
				ident = val
			}
		case "_COMM":
			if comm == "" {
				comm = val
			}
		case "_PID":
			pid = val
		case "SYSLOG_PID":
			syslogPID = val
		case "_UID":
			uid = val
		case "PRIORITY":
			if len(val) == 1 && val[0] >= '0' && val[0] <= '7' {
				ev.Severity = event.Severity(val[0] - '0')
			}
		case "UNIT":
			unit = val
		case "USER_UNIT":
			userUnit = val
		case "_SYSTEMD_UNIT":
			setExportField(ev, "systemd_unit", val)
		case "MESSAGE_ID":
			setExportField(ev, "message_id", val)
		case "_TRANSPORT":
			setExportField(ev, "transport", val)
		case "_BOOT_ID":
			setExportField(ev, "boot_id", val)
		}
	}
	if ev.Time.IsZero() {
		ev.Time = arrival.UTC()
		ev.TimeGuessed = true
	}
	ev.Message = sanitize.String(msg)
	if msgSeen {
		ev.Raw = data[msgStart:msgEnd]
	}
	ev.App = sanitize.String(ident)
	if ev.App == "" {
		ev.App = sanitize.String(comm)
	}
	if n, err := strconv.Atoi(pid); err == nil && n > 0 {
		ev.PID = n
	} else if n, err := strconv.Atoi(syslogPID); err == nil && n > 0 {
		ev.PID = n
	}
	if unit == "" {
		unit = userUnit
	}
	setExportField(ev, "unit", unit)
	if ev.Fields["transport"] == "audit" {
		d.auditFromJournal(ev)
	}
	if ev.Fields["uid"] == "" {
		setExportField(ev, "uid", uid)
	}
	return true
}

// setExportField stores a journal field's value under the fixed key k,
// made safe, unless it is empty or k is already set (a field given twice
// keeps its first value).
func setExportField(ev *event.Event, k, v string) {
	if v == "" {
		return
	}
	if _, ok := ev.Fields[k]; ok {
		return
	}
	ev.SetField(k, sanitize.String(v))
}
