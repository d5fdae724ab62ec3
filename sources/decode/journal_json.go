package decode

import (
	"strconv"
	"strings"
	"time"

	"github.com/vigil-sec/vigil/event"
)

// decodeJournalJSON decodes one line of `journalctl -o json`.
//
//   - Time from __REALTIME_TIMESTAMP (µs since the epoch, as a string),
//     exact; without it, arrival (guessed).
//   - Host from _HOSTNAME; App from SYSLOG_IDENTIFIER, else _COMM; PID from
//     _PID (set by journald, so trustworthy), else SYSLOG_PID.
//   - Severity from PRIORITY.
//   - Message from MESSAGE: a string, an array of byte values (journalctl's
//     form for non-UTF-8 or control data: decoded, then sanitised), an array
//     of strings (a field with several values: joined with ", "), or null
//     (a field over 4096 bytes without --all: Message stays empty).
//   - Fields: unit (UNIT, else USER_UNIT: the unit the entry is about),
//     systemd_unit (_SYSTEMD_UNIT: the unit that wrote it), message_id,
//     transport, boot_id, uid (_UID: the writer's user ID, set by
//     journald).
//
// A JSON object with neither __REALTIME_TIMESTAMP, __CURSOR nor MESSAGE is
// not a journal entry (it falls to the generic json decoder).
func (d *Decoder) decodeJournalJSON(ev *event.Event, s string, arrival time.Time) bool {
	var journal bool
	var unit, userUnit string
	var pid, syslogPID string
	var ident, comm string
	var uid string
	ok := eachMember(s, func(key string, kesc bool, v jsonValue) {
		if kesc || len(key) < 4 {
			return
		}
		switch key {
		case "__REALTIME_TIMESTAMP":
			journal = true
			if us, err := strconv.ParseInt(v.raw, 10, 64); err == nil && v.kind != jsonArray {
				ev.Time = time.UnixMicro(us).UTC()
			}
		case "__CURSOR":
			journal = true
		case "MESSAGE":
			journal = true
			ev.Message, _ = d.jsonText(v)
		case "_HOSTNAME":
			ev.Host, _ = d.jsonText(v)
		case "SYSLOG_IDENTIFIER":
			ident, _ = d.jsonText(v)
		case "_COMM":
			comm, _ = d.jsonText(v)
		case "_PID":
			pid = v.raw
		case "SYSLOG_PID":
			syslogPID = v.raw
		case "_UID":
			uid, _ = d.jsonText(v)
		case "PRIORITY":
			if len(v.raw) == 1 && v.raw[0] >= '0' && v.raw[0] <= '7' {
				ev.Severity = event.Severity(v.raw[0] - '0')
			}
		case "UNIT":
			unit, _ = d.jsonText(v)
		case "USER_UNIT":
			userUnit, _ = d.jsonText(v)
		case "_SYSTEMD_UNIT":
			d.setJSONField(ev, "systemd_unit", v)
		case "MESSAGE_ID":
			d.setJSONField(ev, "message_id", v)
		case "_TRANSPORT":
			d.setJSONField(ev, "transport", v)
		case "_BOOT_ID":
			d.setJSONField(ev, "boot_id", v)
		}
	})
	if !ok || !journal {
		return false
	}
	if ev.Time.IsZero() {
		ev.Time = arrival.UTC()
		ev.TimeGuessed = true
	}
	ev.App = ident
	if ev.App == "" {
		ev.App = comm
	}
	if n, err := strconv.Atoi(pid); err == nil && n > 0 {
		ev.PID = n
	} else if n, err := strconv.Atoi(syslogPID); err == nil && n > 0 {
		ev.PID = n
	}
	if unit == "" {
		unit = userUnit
	}
	if unit != "" {
		ev.SetField("unit", unit)
	}
	if ev.Fields["transport"] == "audit" {
		d.auditFromJournal(ev)
	}
	if uid != "" && ev.Fields["uid"] == "" {
		ev.SetField("uid", uid)
	}
	return true
}

// auditFromJournal reads an audit record that journald received from the
// kernel (_TRANSPORT=audit, MESSAGE "USER_START pid=... msg='...'") as the
// auditd decoder reads the same record from audit.log: message "type=TYPE
// body", app "audit" and the record's fields, so the same rules tag it.
// The journal's time, host and PID stay.
func (d *Decoder) auditFromJournal(ev *event.Event) {
	msg := ev.Message
	sp := strings.IndexByte(msg, ' ')
	if sp <= 0 {
		return
	}
	for i := 0; i < sp; i++ {
		if c := msg[i]; (c < 'A' || c > 'Z') && c != '_' && (c < '0' || c > '9') {
			return
		}
	}
	var rec event.Event
	if !d.decodeAuditd(&rec, "type="+msg[:sp]+" msg=audit(0.000:0): "+msg[sp+1:]) {
		return
	}
	ev.App = "audit"
	ev.Message = rec.Message
	if rec.Severity != event.Info {
		ev.Severity = rec.Severity
	}
	for k, v := range rec.Fields {
		if k != "audit_serial" && ev.Fields[k] == "" {
			ev.SetField(k, v)
		}
	}
}

// setJSONField stores v under the fixed (trusted) key k when it has a text
// form.
func (d *Decoder) setJSONField(ev *event.Event, k string, v jsonValue) {
	if t, ok := d.jsonText(v); ok && t != "" {
		ev.SetField(k, t)
	}
}
