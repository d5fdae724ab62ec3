package decode

import (
	"strings"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/sources"
)

// want is the part of an event a table test checks; zero values of host,
// app, pid and msg are checked too, fields only for the listed keys.
type want struct {
	format  string
	time    time.Time
	guessed bool
	host    string
	app     string
	pid     int
	sev     event.Severity
	msg     string
	fields  map[string]string
	absent  []string // fields that must not be set
}

func checkEvent(t *testing.T, line string, ev event.Event, w want) {
	t.Helper()
	if ev.Format != w.format {
		t.Fatalf("%q: format %q, want %q", line, ev.Format, w.format)
	}
	if !ev.Time.Equal(w.time) || ev.Time.Location() != time.UTC {
		t.Errorf("%q: time %v, want %v", line, ev.Time, w.time)
	}
	if ev.TimeGuessed != w.guessed {
		t.Errorf("%q: guessed %v, want %v", line, ev.TimeGuessed, w.guessed)
	}
	if ev.Host != w.host || ev.App != w.app || ev.PID != w.pid {
		t.Errorf("%q: host/app/pid %q %q %d, want %q %q %d", line, ev.Host, ev.App, ev.PID, w.host, w.app, w.pid)
	}
	if ev.Severity != w.sev {
		t.Errorf("%q: severity %v, want %v", line, ev.Severity, w.sev)
	}
	if ev.Message != w.msg {
		t.Errorf("%q: message\n got %q\nwant %q", line, ev.Message, w.msg)
	}
	for k, v := range w.fields {
		if got, ok := ev.Fields[k]; !ok || got != v {
			t.Errorf("%q: field %s = %q, want %q (all: %v)", line, k, got, v, ev.Fields)
		}
	}
	for _, k := range w.absent {
		if v, ok := ev.Fields[k]; ok {
			t.Errorf("%q: field %s = %q, want absent", line, k, v)
		}
	}
	checkSafe(t, &ev)
}

func TestRFC5424(t *testing.T) {
	tests := []struct {
		line string
		want want
	}{
		{"<38>1 2026-11-25T01:02:03.412Z edge1 sshd 2231 - - Failed password for invalid user test",
			want{format: FormatRFC5424, time: time.Date(2026, 11, 25, 1, 2, 3, 412e6, time.UTC), host: "edge1", app: "sshd", pid: 2231,
				sev: event.Info, msg: "Failed password for invalid user test", absent: []string{"msgid", "procid"}}},
		{"<85>1 2026-11-25T14:11:02.300+13:00 edge1 sudo - - -  svc-web : TTY=pts/2",
			want{format: FormatRFC5424, time: time.Date(2026, 11, 25, 1, 11, 2, 300e6, time.UTC), host: "edge1", app: "sudo",
				sev: event.Notice, msg: "svc-web : TTY=pts/2"}},
		{`<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Appli\"cation\]" eventID="1011"][examplePriority@32473 class="high"] ` + "\uFEFFAn application event",
			want{format: FormatRFC5424, time: time.Date(2003, 10, 11, 22, 14, 15, 3e6, time.UTC), host: "mymachine.example.com", app: "evntslog",
				sev: event.Notice, msg: "An application event", fields: map[string]string{
					"msgid": "ID47", "sd.exampleSDID@32473.iut": "3", "sd.exampleSDID@32473.eventSource": `Appli"cation]`,
					"sd.exampleSDID@32473.eventID": "1011", "sd.examplePriority@32473.class": "high"}}},
		{"<13>1 - - - - - -",
			want{format: FormatRFC5424, time: testArrival, guessed: true, sev: event.Notice}},
		{"<13>1 - host app proc-x 99 - message",
			want{format: FormatRFC5424, time: testArrival, guessed: true, host: "host", app: "app", sev: event.Notice, msg: "message",
				fields: map[string]string{"procid": "proc-x", "msgid": "99"}}},
		{"<13>1 2026-11-25T01:02:03Z h a - - [bad sd no quotes] msg",
			want{format: FormatRFC5424, time: time.Date(2026, 11, 25, 1, 2, 3, 0, time.UTC), host: "h", app: "a", sev: event.Notice,
				msg: "[bad sd no quotes] msg"}},
		{"<13>1 2026-11-25T01:02:03Z h a - - [x@1 k=\"a\x1bb\"] m\x1b[2J",
			want{format: FormatRFC5424, time: time.Date(2026, 11, 25, 1, 2, 3, 0, time.UTC), host: "h", app: "a", sev: event.Notice,
				msg: `m\x1b[2J`, fields: map[string]string{"sd.x@1.k": `a\x1bb`}}},
	}
	for _, tt := range tests {
		checkEvent(t, tt.line, decodeOne(t, FormatRFC5424, tt.line, corpusRef, time.UTC), tt.want)
	}
	// Not RFC 5424: falls to rfc3164 or plain.
	for _, line := range []string{"<38>2 2026-11-25T01:02:03Z h a - - m", "<38>1 yesterday h a - - m", "<38>1 2026-11-25T01:02:03Z"} {
		if ev := decodeOne(t, "", line, corpusRef, time.UTC); ev.Format == FormatRFC5424 {
			t.Errorf("%q decoded as rfc5424", line)
		}
	}
}

func TestJournalJSON(t *testing.T) {
	ts := time.Date(2026, 11, 26, 8, 1, 2, 112233000, time.UTC)
	us := itoa(int(ts.UnixMicro()))
	tests := []struct {
		line string
		want want
	}{
		{`{"__REALTIME_TIMESTAMP":"` + us + `","_HOSTNAME":"web3","PRIORITY":"3","_COMM":"systemd","_PID":"1","SYSLOG_PID":"7","MESSAGE":"Started x.","UNIT":"x.service","_SYSTEMD_UNIT":"init.scope","MESSAGE_ID":"39f5","_TRANSPORT":"journal","_BOOT_ID":"8d84"}`,
			want{format: FormatJournalJSON, time: ts, host: "web3", app: "systemd", pid: 1, sev: event.Err, msg: "Started x.",
				fields: map[string]string{"unit": "x.service", "systemd_unit": "init.scope", "message_id": "39f5", "transport": "journal", "boot_id": "8d84"}}},
		{`{"__REALTIME_TIMESTAMP":"` + us + `","SYSLOG_IDENTIFIER":"sshd","_COMM":"sshd-session","SYSLOG_PID":"7","MESSAGE":[116,105,116,108,101,27,93,48,59,88,7,233],"USER_UNIT":"app.service"}`,
			want{format: FormatJournalJSON, time: ts, app: "sshd", pid: 7, sev: event.Info, msg: `title\x1b]0;X\x07\xe9`,
				fields: map[string]string{"unit": "app.service"}}},
		{`{"__REALTIME_TIMESTAMP":"` + us + `","MESSAGE":null,"_HOSTNAME":["a","b"]}`,
			want{format: FormatJournalJSON, time: ts, host: "a, b", sev: event.Info}},
		{`{"__CURSOR":"s=1","MESSAGE":"esc \u001b[2J and \u009b and \ud83d\ude00 and \n"}`,
			want{format: FormatJournalJSON, time: testArrival, guessed: true, sev: event.Info, msg: `esc \x1b[2J and \u009b and 😀 and \n`}},
	}
	for _, tt := range tests {
		checkEvent(t, tt.line, decodeOne(t, "", tt.line, corpusRef, time.UTC), tt.want)
	}
}

func TestJSON(t *testing.T) {
	base := time.Date(2026, 11, 29, 9, 0, 1, 120e6, time.UTC)
	tests := []struct {
		line string
		want want
	}{
		{`{"time":"2026-11-29T09:00:01.120Z","level":"warn","msg":"login failed","user":"bob","ip":"203.0.113.30","attempts":10,"ok":false,"nested":{"a":1},"list":[1],"nil":null}`,
			want{format: FormatJSON, time: base, sev: event.Warning, msg: "login failed",
				fields: map[string]string{"user": "bob", "src_ip": "203.0.113.30", "attempts": "10", "ok": "false"},
				absent: []string{"ip", "nested", "list", "nil", "time", "level", "msg"}}},
		{`{"ts":1795942801.12,"lvl":"ERROR","message":"x","service":"api","hostname":"h1","pid":42,"remote_addr":"192.0.2.1:5050","username":"al"}`,
			want{format: FormatJSON, time: base, host: "h1", app: "api", pid: 42, sev: event.Err, msg: "x",
				fields: map[string]string{"src_ip": "192.0.2.1", "src_port": "5050", "user": "al"}}},
		{`{"time":"2026-11-29T09:00:01.120Z","msg":"role changed","user":"alice","target":"carol"}`,
			want{format: FormatJSON, time: base, sev: event.Info, msg: "role changed",
				fields: map[string]string{"user": "alice", "target_user": "carol"}, absent: []string{"target"}}},
		{`{"time":"2026-11-29T09:00:01.120Z","msg":"x","eventType":"user.login"}`,
			want{format: FormatJSON, time: base, sev: event.Info, msg: "x",
				fields: map[string]string{"event": "user.login"}, absent: []string{"eventType"}}},
		{`{"@timestamp":"2026-11-29T22:00:01.120+13:00","log.level":"info","message":"ecs"}`,
			want{format: FormatJSON, time: base, sev: event.Info, msg: "ecs"}},
		{`{"t":1795942801120,"level":50,"msg":"pino"}`,
			want{format: FormatJSON, time: base, sev: event.Err, msg: "pino"}},
		{`{"timestamp":1795942801120000,"severity":"critical","text":"us"}`,
			want{format: FormatJSON, time: base, sev: event.Crit, msg: "us"}},
		{`{"time":"1795942801120000000","levelname":"DEBUG","log":"ns"}`,
			want{format: FormatJSON, time: base, sev: event.Debug, msg: "ns"}},
		{`{"time":"not a time","msg":"bad time"}`,
			want{format: FormatJSON, time: testArrival, guessed: true, sev: event.Info, msg: "bad time"}},
		{`{"msg":"a\u001b]52;c;eA==\u0007b","k\u001b":"v\u009b"}`,
			want{format: FormatJSON, time: testArrival, guessed: true, sev: event.Info, msg: `a\x1b]52;c;eA==\x07b`,
				fields: map[string]string{`k\x1b`: `v\u009b`}}},
		{`{"event":"no message key"}`,
			want{format: FormatJSON, time: testArrival, guessed: true, sev: event.Info, msg: `{"event":"no message key"}`}},
	}
	for _, tt := range tests {
		checkEvent(t, tt.line, decodeOne(t, "", tt.line, corpusRef, time.UTC), tt.want)
	}
	for _, line := range []string{`{"a":1`, `{"a" 1}`, `{"a":1} x`, `[1,2]`, `{"a":tru}`, `{"a":"x}`} {
		if ev := decodeOne(t, "", line, corpusRef, time.UTC); ev.Format == FormatJSON || ev.Format == FormatJournalJSON {
			t.Errorf("%q decoded as %s", line, ev.Format)
		}
	}
}

func TestLogfmt(t *testing.T) {
	base := time.Date(2026, 11, 29, 9, 0, 1, 0, time.UTC)
	tests := []struct {
		line string
		want want
	}{
		{`time=2026-11-29T09:00:01Z level=info msg="user logged in" user=alice ip=192.0.2.44 method=password`,
			want{format: FormatLogfmt, time: base, sev: event.Info, msg: "user logged in",
				fields: map[string]string{"user": "alice", "src_ip": "192.0.2.44", "method": "password"}}},
		{`ts=2026-11-29T09:00:01Z lvl=error caller=main.go:12 msg="quote \" and esc \x1b[31m" app=api host=h`,
			want{format: FormatLogfmt, time: base, host: "h", app: "api", sev: event.Err, msg: `quote " and esc \x1b[31m`,
				fields: map[string]string{"caller": "main.go:12"}}},
		{`a=1 b=2`,
			want{format: FormatLogfmt, time: testArrival, guessed: true, sev: event.Info, msg: `a=1 b=2`, fields: map[string]string{"a": "1", "b": "2"}}},
	}
	for _, tt := range tests {
		checkEvent(t, tt.line, decodeOne(t, "", tt.line, corpusRef, time.UTC), tt.want)
	}
	for _, line := range []string{"x=1", "hello world x=1", "a=1 b", `a="unterminated`, "=1 b=2"} {
		if ev := decodeOne(t, "", line, corpusRef, time.UTC); ev.Format == FormatLogfmt {
			t.Errorf("%q decoded as logfmt", line)
		}
	}
}

func TestAccess(t *testing.T) {
	ts := time.Date(2026, 11, 27, 20, 2, 44, 0, time.UTC)
	tests := []struct {
		line string
		want want
	}{
		{`203.0.113.12 - admin [28/Nov/2026:09:02:44 +1300] "GET /admin/ HTTP/1.1" 401 179 "-" "Mozilla/5.0"`,
			want{format: FormatAccess, time: ts, app: "access", sev: event.Warning, msg: "GET /admin/ HTTP/1.1 401",
				fields: map[string]string{"src_ip": "203.0.113.12", "user": "admin", "method": "GET", "uri": "/admin/", "status": "401", "bytes": "179", "user_agent": "Mozilla/5.0"},
				absent: []string{"referer"}}},
		{`2001:db8::1 - - [27/Nov/2026:20:02:44 +0000] "POST /api HTTP/2.0" 502 - "https://x/" "ua \"q\" \x1B[2J"`,
			want{format: FormatAccess, time: ts, app: "access", sev: event.Err, msg: "POST /api HTTP/2.0 502",
				fields: map[string]string{"src_ip": "2001:db8::1", "referer": "https://x/", "user_agent": `ua \"q\" \x1B[2J`},
				absent: []string{"user", "bytes"}}},
		{`www.example.org:443 192.0.2.1 - - [28/Nov/2026:09:02:44 +1300] "GET / HTTP/1.1" 200 5`,
			want{format: FormatAccess, time: ts, app: "www.example.org:443", sev: event.Info, msg: "GET / HTTP/1.1 200",
				fields: map[string]string{"src_ip": "192.0.2.1", "status": "200", "bytes": "5"}}},
		{`192.0.2.1 - - [28/Nov/2026:09:02:44 +1300] "\x16\x03\x01" 400 157 "-" "-"`,
			want{format: FormatAccess, time: ts, app: "access", sev: event.Warning, msg: `\x16\x03\x01 400`,
				fields: map[string]string{"status": "400"}, absent: []string{"method", "uri", "user_agent"}}},
	}
	for _, tt := range tests {
		checkEvent(t, tt.line, decodeOne(t, "", tt.line, corpusRef, time.UTC), tt.want)
	}
}

func TestAuditd(t *testing.T) {
	tests := []struct {
		line string
		want want
	}{
		{"node=app3 type=USER_CMD msg=audit(1795727600.005:640): pid=40290 uid=1002 auid=1002 ses=7 msg='cwd=\"/home/dave\" cmd=646E6620696E7374616C6C202D79206874747064 exe=\"/usr/bin/sudo\" terminal=pts/0 res=success'\x1dUID=\"dave\" AUID=\"dave\"",
			want{format: FormatAuditd, time: time.Unix(1795727600, 5e6).UTC(), host: "app3", app: "audit", pid: 40290, sev: event.Info,
				msg: `type=USER_CMD pid=40290 uid=1002 auid=1002 ses=7 msg='cwd="/home/dave" cmd=646E6620696E7374616C6C202D79206874747064 exe="/usr/bin/sudo" terminal=pts/0 res=success' UID="dave" AUID="dave"`,
				fields: map[string]string{"audit_type": "USER_CMD", "audit_serial": "640", "cmd": "dnf install -y httpd", "command": "dnf install -y httpd",
					"cwd": "/home/dave", "user": "dave", "tty": "pts/0", "res": "success", "UID": "dave"}}},
		{"type=USER_LOGIN msg=audit(1795725652.040:515): pid=40755 uid=0 auid=4294967295 ses=4294967295 msg='op=login acct=\"root\" exe=\"/usr/sbin/sshd\" hostname=? addr=203.0.113.67 terminal=ssh res=failed'",
			want{format: FormatAuditd, time: time.Unix(1795725652, 40e6).UTC(), app: "audit", pid: 40755, sev: event.Warning,
				msg:    `type=USER_LOGIN pid=40755 uid=0 auid=4294967295 ses=4294967295 msg='op=login acct="root" exe="/usr/sbin/sshd" hostname=? addr=203.0.113.67 terminal=ssh res=failed'`,
				fields: map[string]string{"user": "root", "src_ip": "203.0.113.67", "acct": "root"}, absent: []string{"tty", "target_user"}}},
		{"type=PROCTITLE msg=audit(1795729203.201:802): proctitle=636174002F7372762F68722F73616C61726965732E637376",
			want{format: FormatAuditd, time: time.Unix(1795729203, 201e6).UTC(), app: "audit", sev: event.Info,
				msg:    "type=PROCTITLE proctitle=636174002F7372762F68722F73616C61726965732E637376",
				fields: map[string]string{"proctitle": "cat /srv/hr/salaries.csv"}}},
		{"type=USER_CMD msg=audit(1.000:1): cmd=1B5D303B706F776E6564070D acct=6576696C0A",
			want{format: FormatAuditd, time: time.Unix(1, 0).UTC(), app: "audit", sev: event.Info,
				msg:    "type=USER_CMD cmd=1B5D303B706F776E6564070D acct=6576696C0A",
				fields: map[string]string{"cmd": `\x1b]0;powned\x07\r`, "acct": `evil\n`, "user": `evil\n`}}},
		{"type=AVC msg=audit(1795731617.332:902): avc:  denied  { name_connect } for  pid=40412 comm=\"httpd\" dest=5432",
			want{format: FormatAuditd, time: time.Unix(1795731617, 332e6).UTC(), app: "audit", pid: 40412, sev: event.Warning,
				msg:    "type=AVC avc:  denied  { name_connect } for  pid=40412 comm=\"httpd\" dest=5432",
				fields: map[string]string{"comm": "httpd", "dest": "5432"}}},
		{"type=USER_START msg=audit(1795734001.050:981): pid=42002 uid=0 auid=4294967295 ses=4294967295 msg='op=PAM:session_open grantors=pam_unix acct=\"postgres\" exe=\"/usr/bin/su\" hostname=? addr=? terminal=? res=success'\x1dUID=\"root\" AUID=\"unset\"",
			want{format: FormatAuditd, time: time.Unix(1795734001, 50e6).UTC(), app: "audit", pid: 42002, sev: event.Info,
				msg:    `type=USER_START pid=42002 uid=0 auid=4294967295 ses=4294967295 msg='op=PAM:session_open grantors=pam_unix acct="postgres" exe="/usr/bin/su" hostname=? addr=? terminal=? res=success' UID="root" AUID="unset"`,
				fields: map[string]string{"target_user": "postgres", "acct": "postgres"}, absent: []string{"user"}}},
		{"type=USER_AUTH msg=audit(1795734001.050:982): pid=42003 uid=0 auid=4294967295 ses=4294967295 msg='op=PAM:authentication grantors=? acct=\"deploy\" exe=\"/usr/bin/sudo\" hostname=? addr=? terminal=? res=failed'",
			want{format: FormatAuditd, time: time.Unix(1795734001, 50e6).UTC(), app: "audit", pid: 42003, sev: event.Warning,
				msg:    `type=USER_AUTH pid=42003 uid=0 auid=4294967295 ses=4294967295 msg='op=PAM:authentication grantors=? acct="deploy" exe="/usr/bin/sudo" hostname=? addr=? terminal=? res=failed'`,
				fields: map[string]string{"user": "deploy"}, absent: []string{"target_user"}}},
		{"type=USER_LOGIN msg=audit(1795725652.040:516): pid=40756 uid=0 auid=4294967295 ses=4294967295 msg='op=login acct=28696E76616C6964207573657229 exe=\"/usr/sbin/sshd\" hostname=? addr=203.0.113.67 terminal=ssh res=failed'",
			want{format: FormatAuditd, time: time.Unix(1795725652, 40e6).UTC(), app: "audit", pid: 40756, sev: event.Warning,
				msg:    `type=USER_LOGIN pid=40756 uid=0 auid=4294967295 ses=4294967295 msg='op=login acct=28696E76616C6964207573657229 exe="/usr/sbin/sshd" hostname=? addr=203.0.113.67 terminal=ssh res=failed'`,
				fields: map[string]string{"acct": "(invalid user)", "src_ip": "203.0.113.67"}, absent: []string{"user", "target_user"}}},
		{"type=USER_START msg=audit(1795734002.050:983): pid=42010 uid=0 auid=0 ses=40 msg='op=PAM:session_open grantors=pam_unix acct=\"root\" exe=\"/usr/bin/sudo\" hostname=? addr=? terminal=/dev/pts/4 res=success'\x1dUID=\"root\" AUID=\"root\"",
			want{format: FormatAuditd, time: time.Unix(1795734002, 50e6).UTC(), app: "audit", pid: 42010, sev: event.Info,
				msg:    `type=USER_START pid=42010 uid=0 auid=0 ses=40 msg='op=PAM:session_open grantors=pam_unix acct="root" exe="/usr/bin/sudo" hostname=? addr=? terminal=/dev/pts/4 res=success' UID="root" AUID="root"`,
				fields: map[string]string{"user": "root", "target_user": "root", "tty": "pts/4"}}},
		{"type=SYSCALL msg=audit(1795737667.007:1062): arch=c000003e syscall=227 success=yes exit=0 items=0 auid=1002 uid=0 comm=\"date\" exe=\"/usr/bin/date\" key=74696D652D6368616E67650161756469745F74696D65",
			want{format: FormatAuditd, time: time.Unix(1795737667, 7e6).UTC(), app: "audit", sev: event.Info,
				msg:    `type=SYSCALL arch=c000003e syscall=227 success=yes exit=0 items=0 auid=1002 uid=0 comm="date" exe="/usr/bin/date" key=74696D652D6368616E67650161756469745F74696D65`,
				fields: map[string]string{"key": "time-change,audit_time", "success": "yes"}}},
	}
	for _, tt := range tests {
		checkEvent(t, tt.line, decodeOne(t, "", tt.line, corpusRef, time.UTC), tt.want)
	}
	if pkg, ver, ok := splitNEVRA("mod_ssl-1:2.4.57-8.el9.x86_64"); !ok || pkg != "mod_ssl" || ver != "1:2.4.57-8.el9" {
		t.Errorf("splitNEVRA: %q %q %v", pkg, ver, ok)
	}
}

func TestTruncatedMarker(t *testing.T) {
	d := New(Options{Location: time.UTC})
	var ev event.Event
	line := sources.Line{Data: []byte("Nov 22 03:05:49 web1 sshd[1]: start of a long line"), Offset: 0, Truncated: 9961472}
	d.Decode(&ev, line, corpusRef, testArrival)
	if ev.Truncated != 9961472 || ev.Message != "start of a long line … [truncated 9.5 MiB]" {
		t.Errorf("got %d %q", ev.Truncated, ev.Message)
	}
}

func TestForcedFormat(t *testing.T) {
	ev := decodeOne(t, FormatJSON, "Nov 22 03:05:49 web1 sshd[1]: x", corpusRef, time.UTC)
	if ev.Format != FormatPlain {
		t.Errorf("forced json on a syslog line: %q, want plain", ev.Format)
	}
	if !IsFormat("") || !IsFormat("auditd") || IsFormat("nope") || len(Formats()) != int(numFormats) {
		t.Error("IsFormat/Formats")
	}
	if d := New(Options{Format: "nope"}); d.forced {
		t.Error("unknown format forced")
	}
}

// TestMixedFile interleaves the corpus files line by line: after detection
// settles on the first file's format, every line must still decode with its
// own format.
func TestMixedFile(t *testing.T) {
	akl := auckland(t)
	type src struct {
		format string
		lines  [][]byte
	}
	var srcs []src
	for _, cf := range corpusFiles {
		srcs = append(srcs, src{cf.format, readLines(t, cf.name)})
	}
	srcs = append(srcs, src{FormatApacheError, [][]byte{
		[]byte("[Tue Nov 28 09:00:01 2026] [error] [client 1.2.3.4] File does not exist: /x"),
		[]byte("2026/11/28 09:00:01 [error] 1234#1234: *5 x, client: 1.2.3.4"),
	}}, src{FormatLogfmt, [][]byte{
		[]byte(`time=2026-11-29T09:00:01Z level=info msg="x" user=alice`),
	}}, src{FormatPlain, [][]byte{
		[]byte("081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 terminating"), []byte(""), []byte("   "),
	}})
	d := New(Options{Location: akl})
	n := 0
	for round := 0; ; round++ {
		any := false
		for _, s := range srcs {
			if round >= len(s.lines) {
				continue
			}
			any = true
			var ev event.Event
			d.decodeLine(&ev, sources.Line{Data: s.lines[round]}, corpusRef, testArrival)
			n++
			if ev.Format != s.format {
				t.Errorf("%q: format %q, want %q", s.lines[round], ev.Format, s.format)
			}
		}
		if !any {
			break
		}
	}
	if n < 300 {
		t.Fatalf("only %d lines", n)
	}
}

// evilLine is the escape-injection test line of the sanitising notes: OSC 0
// title, OSC 52 clipboard, CSI clear and cursor-up, SGR, BEL, CR, OSC 8
// link, and a UTF-8 C1 CSI (U+009B).
const evilLine = "title \x1b]0;PWNED\x07  clip \x1b]52;c;ZWNobyBwd25lZA==\x07  clear \x1b[2J  csi-up \x1b[5A  red \x1b[31mRED\x1b[0m  bell \x07  cr \rOVERWRITE  osc8 \x1b]8;;http://evil.example/\x1b\\ click \x1b]8;;\x1b\\  c1 \u009b31m"

// jsonEscape writes s as a JSON string body with \u escapes for controls.
func jsonEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r >= 0x7f && r <= 0x9f:
			b.WriteString(`\u00`)
			b.WriteByte("0123456789abcdef"[r>>4])
			b.WriteByte("0123456789abcdef"[r&0xf])
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func byteList(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(itoa(int(s[i])))
	}
	return b.String()
}

// TestEscapeInjection sends the evil line through every decoder, in every
// position the format has for text, raw and in the format's own escaping.
func TestEscapeInjection(t *testing.T) {
	e := evilLine
	je := jsonEscape(e)
	hexed := strings.ToUpper(hexString(e))
	lines := map[string]string{
		"rfc3164":         "Nov 22 03:05:49 we\x1b]0;x\x07b1 ss\x1bhd[1]: " + e,
		"rfc3164-rfc3339": "2026-11-23T02:14:02.118422+13:00 web2 kernel: " + e,
		"rfc5424":         "<38>1 2026-11-25T01:02:03.412Z ed\x1bge1 ss\rhd 12 I\x07D [x@1 k\x1b=\"" + strings.ReplaceAll(e, `"`, `\"`) + "\"] \uFEFF" + e,
		"journal-str":     `{"__REALTIME_TIMESTAMP":"1","_HOSTNAME":"` + je + `","SYSLOG_IDENTIFIER":"` + je + `","MESSAGE":"` + je + `","UNIT":"` + je + `"}`,
		"journal-bytes":   `{"__REALTIME_TIMESTAMP":"1","_HOSTNAME":[` + byteList(e) + `],"MESSAGE":[` + byteList(e) + `]}`,
		"journal-multi":   `{"__CURSOR":"x","MESSAGE":["` + je + `","` + je + `"]}`,
		"journal-export":  "__CURSOR=x\n" + exportBinary("_HOSTNAME", e) + exportBinary("SYSLOG_IDENTIFIER", e) + exportBinary("MESSAGE", e) + exportBinary("UNIT", e),
		"json-escaped":    `{"msg":"` + je + `","host":"` + je + `","app":"` + je + `","` + je + `":"` + je + `"}`,
		"json-raw":        `{"msg":"` + strings.ReplaceAll(e, `\`, `\\`) + `","x":"` + strings.ReplaceAll(e, `\`, `\\`) + `"}`,
		"logfmt":          `level=info msg=` + strconvQuote(e) + ` host=` + strconvQuote(e) + ` k` + "\x1b" + `=v` + "\x07",
		"access":          `192.0.2.1 - u` + "\x1b" + ` [28/Nov/2026:09:00:01 +1300] "GET /` + strings.ReplaceAll(e, `"`, `\"`) + ` HTTP/1.1" 200 1 "` + strings.ReplaceAll(e, `"`, `\"`) + `" "` + strings.ReplaceAll(e, `"`, `\"`) + `"`,
		"apache-error":    "[Tue Nov 28 09:00:01 2026] [core:error] [client 1.2.3.4\x1b] " + e,
		"nginx-error":     "2026/11/28 09:00:01 [error] 1#1: " + e + ", client: " + e + ", server: " + e,
		"auditd":          "node=h\x1b type=USER_CMD msg=audit(1.000:1): cmd=" + hexed + " proctitle=" + hexed + " acct=" + hexed + " x=" + e + "\x1dUID=\"" + e + "\"",
		"plain":           e,
	}
	for name, line := range lines {
		ev := decodeOne(t, "", line, corpusRef, time.UTC)
		t.Logf("%s -> %s: %q", name, ev.Format, ev.Message)
		checkSafe(t, &ev)
		if !strings.Contains(ev.Message, `\x1b`) && !strings.Contains(ev.Message, `\x1B`) && !strings.Contains(line, "cmd=") {
			t.Errorf("%s: message %q shows no escaped ESC", name, ev.Message)
		}
		if strings.HasPrefix(name, "json") || strings.HasPrefix(name, "journal") {
			if !strings.HasPrefix(ev.Format, strings.Split(name, "-")[0]) {
				t.Errorf("%s decoded as %s", name, ev.Format)
			}
		} else if want := strings.TrimSuffix(name, "-rfc3339"); ev.Format != want && !(name == "nginx-error" && ev.Format == FormatApacheError) {
			t.Errorf("%s decoded as %s", name, ev.Format)
		}
	}
}

// TestPlainThenSyslog: a source that starts with more than detectLines
// plain lines still decodes its later syslog lines as syslog.
func TestPlainThenSyslog(t *testing.T) {
	d := New(Options{Location: time.UTC})
	var ev event.Event
	for i := 0; i < 2*detectLines; i++ {
		d.decodeLine(&ev, sources.Line{Data: []byte("starting up, please wait")}, corpusRef, testArrival)
	}
	if d.Format() != FormatPlain {
		t.Fatalf("detected %s, want plain", d.Format())
	}
	d.decodeLine(&ev, sources.Line{Data: []byte("Nov 22 03:05:49 web1 sshd[1]: x")}, corpusRef, testArrival)
	if ev.Format != FormatRFC3164 || ev.App != "sshd" {
		t.Errorf("got %s %q", ev.Format, ev.App)
	}
}
