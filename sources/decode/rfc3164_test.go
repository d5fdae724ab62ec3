package decode

import (
	"strings"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/sources"
)

func TestRFC3164(t *testing.T) {
	akl := auckland(t)
	ref := time.Date(2026, 11, 30, 12, 0, 0, 0, akl)
	nz := func(y int, mo time.Month, d, h, mi, s, ns int) time.Time {
		return time.Date(y, mo, d, h, mi, s, ns, akl).UTC()
	}
	tests := []struct {
		name    string
		line    string
		ref     time.Time
		time    time.Time
		guessed bool
		host    string
		app     string
		pid     int
		sev     event.Severity
		msg     string
		fields  map[string]string
	}{
		{name: "auth.log", line: "Nov 22 03:05:49 web1 sshd[14021]: Failed password for root from 203.0.113.9 port 52113 ssh2",
			time: nz(2026, 11, 22, 3, 5, 49, 0), guessed: true, host: "web1", app: "sshd", pid: 14021,
			sev: event.Info, msg: "Failed password for root from 203.0.113.9 port 52113 ssh2"},
		{name: "space padded day", line: "Nov  5 03:05:49 web1 CRON[123]: (root) CMD (true)",
			time: nz(2026, 11, 5, 3, 5, 49, 0), guessed: true, host: "web1", app: "CRON", pid: 123, msg: "(root) CMD (true)"},
		{name: "no pid, sudo padding", line: "Nov 22 07:59:02 web1 sudo:    alice : TTY=pts/0 ; USER=root",
			time: nz(2026, 11, 22, 7, 59, 2, 0), guessed: true, host: "web1", app: "sudo", msg: "alice : TTY=pts/0 ; USER=root"},
		{name: "kernel", line: "Nov 22 07:59:02 web1 kernel: [UFW BLOCK] IN=eth0",
			time: nz(2026, 11, 22, 7, 59, 2, 0), guessed: true, host: "web1", app: "kernel", msg: "[UFW BLOCK] IN=eth0"},
		{name: "dash in tag", line: "Nov 24 09:12:44 app3 systemd-logind[905]: New session 7 of user dave.",
			time: nz(2026, 11, 24, 9, 12, 44, 0), guessed: true, host: "app3", app: "systemd-logind", pid: 905, msg: "New session 7 of user dave."},
		{name: "app(sub)[pid]", line: "Nov 24 09:12:44 app3 pam_unix(sudo:session)[77]: session opened",
			time: nz(2026, 11, 24, 9, 12, 44, 0), guessed: true, host: "app3", app: "pam_unix(sudo:session)", pid: 77, msg: "session opened"},
		{name: "(systemd)[pid]", line: "Nov 22 07:58:30 web1 (systemd)[15235]: pam_unix(systemd-user:session): session opened",
			time: nz(2026, 11, 22, 7, 58, 30, 0), guessed: true, host: "web1", app: "(systemd)", pid: 15235, msg: "pam_unix(systemd-user:session): session opened"},
		{name: "missing tag", line: "Nov 22 07:58:30 web1 just some words here",
			time: nz(2026, 11, 22, 7, 58, 30, 0), guessed: true, host: "web1", msg: "just some words here"},
		{name: "no host", line: "<38>Nov 22 07:58:30 sshd[12]: hello",
			time: nz(2026, 11, 22, 7, 58, 30, 0), guessed: true, app: "sshd", pid: 12, sev: event.Info, msg: "hello"},
		{name: "pri", line: "<34>Nov 22 07:58:30 web1 su: 'su root' failed for lonvick on /dev/pts/8",
			time: nz(2026, 11, 22, 7, 58, 30, 0), guessed: true, host: "web1", app: "su", sev: event.Crit, msg: "'su root' failed for lonvick on /dev/pts/8"},
		{name: "pri 999 ignored", line: "<999>Nov 22 07:58:30 web1 su: x",
			time: nz(2026, 11, 22, 7, 58, 30, 0), guessed: true, host: "web1", app: "su", sev: event.Info, msg: "x"},
		{name: "year first", line: "2025 Nov 22 07:58:30 web1 su: x",
			time: nz(2025, 11, 22, 7, 58, 30, 0), guessed: true, host: "web1", app: "su", msg: "x"},
		{name: "year after day", line: "Nov 22 2025 07:58:30 web1 su: x",
			time: nz(2025, 11, 22, 7, 58, 30, 0), guessed: true, host: "web1", app: "su", msg: "x"},
		{name: "fraction", line: "Nov 22 07:58:30.250 web1 su: x",
			time: nz(2026, 11, 22, 7, 58, 30, 250e6), guessed: true, host: "web1", app: "su", msg: "x"},
		{name: "rfc3339 offset", line: "2026-11-23T02:14:02.118422+13:00 web2 kernel: Linux version 6.1.0",
			time: time.Date(2026, 11, 22, 13, 14, 2, 118422000, time.UTC), host: "web2", app: "kernel", msg: "Linux version 6.1.0"},
		{name: "rfc3339 Z", line: "2026-11-23T02:14:02Z web2 systemd-fsck[288]: /dev/vda1: recovering journal",
			time: time.Date(2026, 11, 23, 2, 14, 2, 0, time.UTC), host: "web2", app: "systemd-fsck", pid: 288, msg: "/dev/vda1: recovering journal"},
		{name: "rfc3339 negative offset", line: "<13>2026-11-23T02:14:02-05:30 h a: m",
			time: time.Date(2026, 11, 23, 7, 44, 2, 0, time.UTC), host: "h", app: "a", sev: event.Notice, msg: "m"},
		{name: "repeated", line: "Nov 22 03:05:53 web1 sshd[14021]: message repeated 2 times: [ Failed password for root from 203.0.113.9 port 52113 ssh2]",
			time: nz(2026, 11, 22, 3, 5, 53, 0), guessed: true, host: "web1", app: "sshd", pid: 14021,
			msg: "Failed password for root from 203.0.113.9 port 52113 ssh2", fields: map[string]string{"repeat_count": "2"}},
		{name: "Feb 30 falls back to arrival", line: "Feb 30 03:05:53 web1 sshd[1]: x",
			time: testArrival, guessed: true, host: "web1", app: "sshd", pid: 1, msg: "x"},
		{name: "hour 25 falls back to arrival", line: "Nov 22 25:05:53 web1 sshd[1]: x",
			time: testArrival, guessed: true, host: "web1", app: "sshd", pid: 1, msg: "x"},
		{name: "empty message", line: "Nov 22 03:05:53 web1 sshd[1]:",
			time: nz(2026, 11, 22, 3, 5, 53, 0), guessed: true, host: "web1", app: "sshd", pid: 1},
		{name: "escaped content", line: "Nov 22 03:05:53 web\x1b1 sshd[1]: a\x1b]0;x\x07b\xff",
			time: nz(2026, 11, 22, 3, 5, 53, 0), guessed: true, host: `web\x1b1`, app: "sshd", pid: 1, msg: `a\x1b]0;x\x07b\xff`},
		// Year inference across New Year.
		{name: "Dec 31 read on Jan 2 is last year", line: "Dec 31 23:59:59 h a: m",
			ref: time.Date(2027, 1, 2, 10, 0, 0, 0, akl), time: nz(2026, 12, 31, 23, 59, 59, 0), guessed: true, host: "h", app: "a", msg: "m"},
		{name: "Jan 1 read on Dec 31 within a day is next year", line: "Jan  1 00:10:00 h a: m",
			ref: time.Date(2026, 12, 31, 23, 0, 0, 0, akl), time: nz(2027, 1, 1, 0, 10, 0, 0), guessed: true, host: "h", app: "a", msg: "m"},
		{name: "Jan 3 read on Dec 31 is this year's January", line: "Jan  3 00:10:00 h a: m",
			ref: time.Date(2026, 12, 31, 23, 0, 0, 0, akl), time: nz(2026, 1, 3, 0, 10, 0, 0), guessed: true, host: "h", app: "a", msg: "m"},
		{name: "a few hours ahead of ref is kept", line: "Nov 30 20:00:00 h a: m",
			time: nz(2026, 11, 30, 20, 0, 0, 0), guessed: true, host: "h", app: "a", msg: "m"},
		{name: "two days ahead of ref is last year", line: "Dec  2 20:00:00 h a: m",
			time: nz(2025, 12, 2, 20, 0, 0, 0), guessed: true, host: "h", app: "a", msg: "m"},
		{name: "Feb 29 goes to the last leap year", line: "Feb 29 10:00:00 h a: m",
			time: nz(2024, 2, 29, 10, 0, 0, 0), guessed: true, host: "h", app: "a", msg: "m"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.ref
			if r.IsZero() {
				r = ref
			}
			ev := decodeOne(t, FormatRFC3164, tt.line, r, akl)
			if ev.Format != FormatRFC3164 {
				t.Fatalf("format %q, want rfc3164", ev.Format)
			}
			if !ev.Time.Equal(tt.time) || ev.Time.Location() != time.UTC {
				t.Errorf("time %v, want %v (UTC)", ev.Time, tt.time.UTC())
			}
			if ev.TimeGuessed != tt.guessed {
				t.Errorf("guessed %v, want %v", ev.TimeGuessed, tt.guessed)
			}
			if ev.Host != tt.host || ev.App != tt.app || ev.PID != tt.pid {
				t.Errorf("host/app/pid %q %q %d, want %q %q %d", ev.Host, ev.App, ev.PID, tt.host, tt.app, tt.pid)
			}
			if tt.sev == 0 && ev.Severity != event.Info && tt.name != "pri" {
				t.Errorf("severity %v, want info", ev.Severity)
			} else if tt.sev != 0 && ev.Severity != tt.sev {
				t.Errorf("severity %v, want %v", ev.Severity, tt.sev)
			}
			if ev.Message != tt.msg {
				t.Errorf("message %q, want %q", ev.Message, tt.msg)
			}
			for k, v := range tt.fields {
				if ev.Fields[k] != v {
					t.Errorf("field %s = %q, want %q", k, ev.Fields[k], v)
				}
			}
			if ev.Offset != 7 || string(ev.Raw) != tt.line {
				t.Errorf("offset/raw not kept")
			}
		})
	}
}

func TestRFC3164Rejects(t *testing.T) {
	for _, line := range []string{
		"", "   ", "Nov 22 03:05 web1 x", "Foo 22 03:05:49 web1 x", "<38>1 2026-11-25T01:02:03.412Z edge1 sshd 2231 - - m",
		"hello world this is a line", "2026-13-01T00:00:00Z h a: m",
	} {
		ev := decodeOne(t, "", line, corpusRef, time.UTC)
		if ev.Format == FormatRFC3164 {
			t.Errorf("%q decoded as rfc3164", line)
		}
	}
}

func TestPlain(t *testing.T) {
	for _, line := range []string{"", "   ", "081109 203615 148 INFO dfs.DataNode: x"} {
		ev := decodeOne(t, "", line, corpusRef, time.UTC)
		if ev.Format != FormatPlain || ev.Message != line || !ev.TimeGuessed || !ev.Time.Equal(testArrival) {
			t.Errorf("%q: %+v", line, ev)
		}
	}
}

// TestJournalAuditRecord checks that an audit record journald received
// from the kernel reads like the same record in audit.log.
func TestJournalAuditRecord(t *testing.T) {
	line := `{"__REALTIME_TIMESTAMP":"1795639812398000","_HOSTNAME":"db2","_TRANSPORT":"audit","_PID":"5140","MESSAGE":"USER_START pid=5140 uid=0 auid=1205 ses=14 msg='op=PAM:session_open acct=\"erin\" exe=\"/usr/sbin/sshd\" hostname=2001:db8:44::9 addr=2001:db8:44::9 terminal=ssh res=success'"}`
	d := New(Options{})
	var ev event.Event
	d.Decode(&ev, sources.Line{Data: []byte(line)}, time.Now(), time.Now())
	if ev.App != "audit" || !strings.HasPrefix(ev.Message, "type=USER_START pid=5140") {
		t.Fatalf("app %q message %q", ev.App, ev.Message)
	}
	if ev.Fields["audit_type"] != "USER_START" || ev.Fields["res"] != "success" || ev.Fields["src_ip"] != "2001:db8:44::9" || ev.Fields["transport"] != "audit" {
		t.Errorf("fields %v", ev.Fields)
	}
	if ev.Time.UnixMicro() != 1795639812398000 || ev.Host != "db2" {
		t.Errorf("time %v host %q", ev.Time, ev.Host)
	}
	// A 5424 line with rsyslog's repeat compression is unwrapped too.
	d = New(Options{})
	d.Decode(&ev, sources.Line{Data: []byte("<38>1 2026-11-25T01:02:03Z edge1 sshd 2231 - - message repeated 2 times: [ Failed password for root from 2001:db8:7::20 port 61020 ssh2]")}, time.Now(), time.Now())
	if ev.Message != "Failed password for root from 2001:db8:7::20 port 61020 ssh2" || ev.Fields["repeat_count"] != "2" {
		t.Errorf("5424 repeat: %q %v", ev.Message, ev.Fields)
	}
}
