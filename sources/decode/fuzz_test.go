package decode

import (
	"bytes"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/sources"
)

// fuzzSeeds adds every line of the named corpus files and a few hand-made
// edge cases as seeds.
func fuzzSeeds(f *testing.F, files ...string) {
	for _, name := range files {
		for _, l := range readLines(f, name) {
			f.Add(l)
		}
	}
	f.Add([]byte(evilLine))
	f.Add([]byte(""))
	f.Add([]byte("   "))
	f.Add([]byte("\xff\xfe\x00"))
}

// fuzzFormat decodes data with the format forced (no recover), then checks
// the invariants every decoder promises.
func fuzzFormat(f *testing.F, format string) {
	loc := time.FixedZone("NZDT", 13*3600)
	f.Fuzz(func(t *testing.T, data []byte) {
		d := New(Options{Format: format, Location: loc})
		checkDecode(t, d, data)
	})
}

func checkDecode(t *testing.T, d *Decoder, data []byte) {
	var ev event.Event
	d.decodeLine(&ev, sources.Line{Data: data, Offset: 3, Truncated: int64(len(data) % 3)}, corpusRef, testArrival)
	checkSafe(t, &ev)
	if ev.Time.IsZero() || ev.Time.Location() != time.UTC {
		t.Fatalf("time %v not set or not UTC", ev.Time)
	}
	if !bytes.Equal(ev.Raw, data) || ev.Offset != 3 {
		t.Fatalf("raw or offset not kept")
	}
	if ev.Format == "" || !IsFormat(ev.Format) {
		t.Fatalf("format %q", ev.Format)
	}
	if ev.Severity > event.Debug {
		t.Fatalf("severity %d", ev.Severity)
	}
}

func FuzzRFC3164(f *testing.F) {
	fuzzSeeds(f, "syslog-debian.log", "syslog-rhel.log")
	f.Add([]byte("<999>Feb 30 25:61:61 h a[: m"))
	f.Add([]byte("Dec 31 23:59:59 h a(b:c)[1]: message repeated 3 times: [ x]"))
	fuzzFormat(f, FormatRFC3164)
}

func FuzzRFC5424(f *testing.F) {
	fuzzSeeds(f, "rfc5424.log")
	f.Add([]byte(`<165>1 2003-10-11T22:14:15.003Z h a - ID47 [a@1 k="\"\]\\"][b k="v"] ` + "\uFEFFmsg"))
	fuzzFormat(f, FormatRFC5424)
}

func FuzzJournalJSON(f *testing.F) {
	fuzzSeeds(f, "journal.jsonl")
	f.Add([]byte(`{"__CURSOR":"x","MESSAGE":[27,255,0],"_HOSTNAME":["a","b\u001b"],"PRIORITY":"9"}`))
	fuzzFormat(f, FormatJournalJSON)
}

func FuzzJSON(f *testing.F) {
	fuzzSeeds(f, "app.jsonl")
	f.Add([]byte(`{"ts":1.5e9,"level":60,"msg":"\ud800\u001b","k\"":"v","n":{"a":[1,{"b":"]"}]}}`))
	fuzzFormat(f, FormatJSON)
}

func FuzzLogfmt(f *testing.F) {
	fuzzSeeds(f)
	f.Add([]byte(`time=2026-11-29T09:00:01Z level=info msg="a \"b\" \x1b" user=alice ip=[2001:db8::1]:80`))
	f.Add([]byte(`ts=1795942801.5 lvl=trace3 x= y=""`))
	fuzzFormat(f, FormatLogfmt)
}

func FuzzAccess(f *testing.F) {
	fuzzSeeds(f, "access.log")
	f.Add([]byte(`v:80 2001:db8::1 - - [28/Nov/2026:09:00:01 -0000] "\x16\x03" 400 - "-" "\"x\""`))
	fuzzFormat(f, FormatAccess)
}

func FuzzApacheError(f *testing.F) {
	fuzzSeeds(f)
	f.Add([]byte(`[Tue Nov 28 09:00:01.123456 2026] [core:error] [pid 1234:tid 5678] [client 192.0.2.1:5050] AH00126: msg`))
	f.Add([]byte(`[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok`))
	f.Add([]byte(`2026/11/28 09:00:01 [error] 1234#1234: *5 msg, client: 1.2.3.4, server: s, request: "GET / HTTP/1.1", host: "h"`))
	fuzzFormat(f, FormatApacheError)
}

func FuzzAuditd(f *testing.F) {
	fuzzSeeds(f, "audit.log")
	f.Add([]byte("node=h type=USER_CMD msg=audit(1.5:1): cmd=1B00 proctitle=00 acct=' msg='a=\"b"))
	fuzzFormat(f, FormatAuditd)
}

// FuzzDetect feeds several lines (split on LF) to one auto-detecting
// decoder, exercising detection and the per-line fallback.
func FuzzDetect(f *testing.F) {
	for _, cf := range corpusFiles {
		lines := readLines(f, cf.name)
		f.Add(bytes.Join(lines[:3], []byte("\n")))
	}
	f.Add([]byte("Nov 22 03:05:49 web1 sshd[1]: x\n{\"msg\":\"y\"}\na=1 b=2\n<13>1 - - - - - -\n" + evilLine))
	f.Fuzz(func(t *testing.T, data []byte) {
		d := New(Options{Location: time.UTC})
		for _, l := range bytes.Split(data, []byte("\n")) {
			checkDecode(t, d, l)
		}
	})
}
