package decode

import (
	"testing"
	"time"

	"github.com/vigil-sec/vigil/event"
)

func TestApacheError(t *testing.T) {
	loc := time.FixedZone("NZDT", 13*3600)
	tests := []struct {
		line   string
		time   time.Time
		app    string
		pid    int
		sev    event.Severity
		msg    string
		fields map[string]string
	}{
		{`[Tue Nov 28 09:00:01.123456 2026] [core:error] [pid 1234:tid 5678] [client 192.0.2.1:5050] AH00126: Invalid URI in request GET /%%% HTTP/1.1`,
			time.Date(2026, 11, 27, 20, 0, 1, 123456000, time.UTC), "apache", 1234, event.Err,
			"AH00126: Invalid URI in request GET /%%% HTTP/1.1", map[string]string{"module": "core", "src_ip": "192.0.2.1", "src_port": "5050"}},
		{`[Tue Nov 28 09:00:01 2026] [error] [client 1.2.3.4] File does not exist: /var/www/favicon.ico`,
			time.Date(2026, 11, 27, 20, 0, 1, 0, time.UTC), "apache", 0, event.Err,
			"File does not exist: /var/www/favicon.ico", map[string]string{"src_ip": "1.2.3.4"}},
		{`[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties`,
			time.Date(2005, 12, 3, 15, 47, 44, 0, time.UTC), "apache", 0, event.Notice,
			"workerEnv.init() ok /etc/httpd/conf/workers2.properties", nil},
		{`[Tue Nov 28 09:00:01.5 2026] [authz_core:trace3] [pid 9] x`,
			time.Date(2026, 11, 27, 20, 0, 1, 5e8, time.UTC), "apache", 9, event.Debug, "x", map[string]string{"module": "authz_core"}},
		{`2026/11/28 09:00:01 [error] 1234#1234: *5 open() "/usr/share/nginx/html/x" failed (2: No such file or directory), client: 203.0.113.9, server: localhost, request: "GET /x HTTP/1.1", host: "www.example.org"`,
			time.Date(2026, 11, 27, 20, 0, 1, 0, time.UTC), "nginx", 1234, event.Err,
			`*5 open() "/usr/share/nginx/html/x" failed (2: No such file or directory)`,
			map[string]string{"src_ip": "203.0.113.9", "server": "localhost", "method": "GET", "uri": "/x", "vhost": "www.example.org"}},
		{`2026/11/28 09:00:01 [warn] 77#77: worker_connections exceed open file resource limit: 1024`,
			time.Date(2026, 11, 27, 20, 0, 1, 0, time.UTC), "nginx", 77, event.Warning,
			`worker_connections exceed open file resource limit: 1024`, nil},
	}
	for _, tt := range tests {
		ev := decodeOne(t, "", tt.line, corpusRef, loc)
		if ev.Format != FormatApacheError {
			t.Errorf("%s: format %q", tt.line, ev.Format)
			continue
		}
		if !ev.Time.Equal(tt.time) || !ev.TimeGuessed || ev.App != tt.app || ev.PID != tt.pid || ev.Severity != tt.sev || ev.Message != tt.msg {
			t.Errorf("%s:\n got %v %v %q %d %v %q\nwant %v %q %d %v %q", tt.line, ev.Time, ev.TimeGuessed, ev.App, ev.PID, ev.Severity, ev.Message,
				tt.time, tt.app, tt.pid, tt.sev, tt.msg)
		}
		for k, v := range tt.fields {
			if ev.Fields[k] != v {
				t.Errorf("%s: field %s = %q, want %q", tt.line, k, ev.Fields[k], v)
			}
		}
	}
}
