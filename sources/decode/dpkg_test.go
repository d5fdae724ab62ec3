package decode

import (
	"testing"
	"time"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/sources"
)

func TestDpkg(t *testing.T) {
	nz, err := time.LoadLocation("Pacific/Auckland")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		line   string
		fields map[string]string
	}{
		{"2026-11-22 16:07:56 install netcat-openbsd:amd64 <none> 1.219-1",
			map[string]string{"action": "install", "package": "netcat-openbsd", "version": "1.219-1"}},
		{"2026-11-22 16:07:56 upgrade openssl:amd64 3.0.14-1~deb12u2 3.0.15-1~deb12u1",
			map[string]string{"action": "upgrade", "package": "openssl", "version": "3.0.15-1~deb12u1"}},
		{"2026-11-22 16:07:56 status installed netcat-openbsd:amd64 1.219-1",
			map[string]string{"action": "status", "status": "installed", "package": "netcat-openbsd", "version": "1.219-1"}},
		{"2026-11-22 16:07:56 remove telnet:amd64 0.17+2.4-2 <none>",
			map[string]string{"action": "remove", "package": "telnet"}},
		{"2026-11-22 16:07:56 configure netcat-openbsd:amd64 1.219-1 <none>",
			map[string]string{"action": "configure", "package": "netcat-openbsd", "version": "1.219-1"}},
		{"2026-11-22 16:07:56 startup archives unpack",
			map[string]string{"action": "startup"}},
	}
	want := time.Date(2026, 11, 22, 3, 7, 56, 0, time.UTC)
	for _, tt := range tests {
		d := New(Options{Location: nz})
		var ev event.Event
		d.Decode(&ev, sources.Line{Data: []byte(tt.line)}, want, want)
		if ev.Format != FormatDpkg || ev.App != "dpkg" || !ev.Time.Equal(want) || !ev.TimeGuessed || ev.Host != "" {
			t.Errorf("%q: format %s app %q time %v guessed %v host %q", tt.line, ev.Format, ev.App, ev.Time, ev.TimeGuessed, ev.Host)
		}
		if len(ev.Fields) != len(tt.fields) {
			t.Errorf("%q: fields %v, want %v", tt.line, ev.Fields, tt.fields)
		}
		for k, v := range tt.fields {
			if ev.Fields[k] != v {
				t.Errorf("%q: field %s = %q, want %q", tt.line, k, ev.Fields[k], v)
			}
		}
	}
	// Not dpkg: an RFC 3339 syslog line, and a date line with an unknown word.
	for _, line := range []string{
		"2026-11-23T02:14:02.118422+13:00 web2 kernel: Linux version 6.1.0-27-amd64",
		"2026-11-22 16:07:56 frobnicate something",
	} {
		d := New(Options{Location: nz})
		var ev event.Event
		d.Decode(&ev, sources.Line{Data: []byte(line)}, want, want)
		if ev.Format == FormatDpkg {
			t.Errorf("%q decoded as dpkg", line)
		}
	}
}

func FuzzDpkg(f *testing.F) {
	f.Add([]byte("2026-11-22 16:07:56 install netcat-openbsd:amd64 <none> 1.219-1"))
	f.Add([]byte("2026-11-22 16:07:56 status installed x:amd64 1"))
	f.Add([]byte("2026-02-30 16:07:56 remove a <none>"))
	f.Add([]byte("2026-11-22 16:07:56 upgrade \x1b]0;x\a:amd64 1 2"))
	fuzzFormat(f, FormatDpkg)
}
