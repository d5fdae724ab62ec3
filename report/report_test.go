package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/event"
)

var update = flag.Bool("update", false, "rewrite golden files")

var t0 = time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)

// ev builds a tagged event at t0 plus min minutes.
func ev(min int, host, app, msg string, cats []string, fields ...string) event.Event {
	e := event.Event{Time: t0.Add(time.Duration(min) * time.Minute), Host: host, App: app, Message: msg,
		Categories: cats, Source: "file:/var/log/auth.log", Format: "rfc3164"}
	for i := 0; i+1 < len(fields); i += 2 {
		e.SetField(fields[i], fields[i+1])
	}
	if len(cats) > 0 {
		e.Rules = []string{"r-" + cats[0]}
	}
	return e
}

func sample() []event.Event {
	return []event.Event{
		ev(0, "web1", "CRON", "(root) CMD (true)", nil),
		ev(1, "web1", "sshd", "Failed password for root from 203.0.113.9 port 1 ssh2", []string{"auth.failure"}, "user", "root", "src_ip", "203.0.113.9"),
		ev(2, "web1", "sshd", "Failed password for root from 203.0.113.9 port 2 ssh2", []string{"auth.failure"}, "user", "root", "src_ip", "203.0.113.9"),
		ev(3, "web1", "sshd", "Invalid user oracle from 198.51.100.7 port 3", []string{"auth.failure"}, "user", "oracle", "src_ip", "198.51.100.7"),
		ev(4, "web1", "sshd", "Accepted publickey for alice from 192.0.2.44 port 4 ssh2", []string{"auth.success"}, "user", "alice", "src_ip", "192.0.2.44"),
		ev(5, "web2", "sshd", "Accepted publickey for alice from 192.0.2.44 port 5 ssh2", []string{"auth.success"}, "user", "alice", "src_ip", "192.0.2.44"),
		ev(6, "web1", "sudo", "alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx", []string{"privilege.use"},
			"user", "alice", "target_user", "root", "command", "/usr/bin/systemctl restart nginx"),
		ev(7, "web1", "sudo", "alice : TTY=pts/0 ; PWD=/home/alice ; USER=postgres ; COMMAND=/usr/bin/psql", []string{"privilege.use"},
			"user", "alice", "target_user", "postgres", "command", "/usr/bin/psql"),
		ev(8, "web1", "sudo", "bob : 3 incorrect password attempts ; TTY=pts/1 ; PWD=/home/bob ; USER=root ; COMMAND=/bin/bash", []string{"privilege.failure"},
			"user", "bob", "target_user", "root", "command", "/bin/bash"),
		// Out of time order: changes are listed by time.
		ev(10, "web1", "useradd", "new user: name=mallory, UID=1005", []string{"account.change"}, "target_user", "mallory"),
		ev(9, "web1", "dpkg", "status installed nmap:amd64 7.93+dfsg1-1", []string{"software.change"}, "package", "nmap", "version", "7.93+dfsg1-1"),
		ev(11, "web1", "systemd", "nginx.service: Main process exited, code=exited, status=1/FAILURE", []string{"service.failure"}, "unit", "nginx.service"),
		ev(12, "web1", "systemd", "nginx.service: Failed with result 'exit-code'.", []string{"service.failure"}, "unit", "nginx.service"),
		ev(13, "web1", "rsyslogd", "imuxsock: begin to drop messages due to rate-limiting", []string{"log.integrity"}),
		{Time: t0.Add(14 * time.Minute), App: "vigil", Message: "line 12 cut at 65536 bytes", Format: "notice", Source: "file:/var/log/syslog"},
	}
}

func build(opts Options) *Report {
	b := New(opts)
	for _, e := range sample() {
		b.Add(&e)
	}
	return b.Report()
}

func TestReport(t *testing.T) {
	r := build(Options{})
	if r.Events != 15 || r.Tagged != 13 {
		t.Errorf("events %d tagged %d, want 15 and 13", r.Events, r.Tagged)
	}
	if !r.First.Equal(t0) || !r.Last.Equal(t0.Add(14*time.Minute)) {
		t.Errorf("span %v to %v", r.First, r.Last)
	}
	if len(r.Sources) != 2 || r.Sources[0].Events != 14 || r.Sources[1].Events != 1 {
		t.Errorf("sources %+v", r.Sources)
	}
	cats := map[string]int{}
	for _, c := range r.Categories {
		cats[c.ID] = c.Count
		if c.Control == "" || c.Title == "" {
			t.Errorf("category %s without control or title", c.ID)
		}
	}
	want := map[string]int{"auth.failure": 3, "auth.success": 2, "privilege.use": 2, "privilege.failure": 1,
		"account.change": 1, "software.change": 1, "service.failure": 2, "log.integrity": 1}
	for k, v := range want {
		if cats[k] != v {
			t.Errorf("category %s: %d, want %d", k, cats[k], v)
		}
	}
	a := r.AuthFailures
	if a.Total != 3 || a.Sources[0].Value != "203.0.113.9" || a.Sources[0].Count != 2 || a.Users[0].Value != "root" {
		t.Errorf("auth failures %+v", a)
	}
	if len(r.Logons) != 1 || r.Logons[0].User != "alice" || r.Logons[0].Count != 2 || strings.Join(r.Logons[0].Hosts, ",") != "web1,web2" {
		t.Errorf("logons %+v", r.Logons)
	}
	if len(r.Privilege) != 2 || r.Privilege[0].User != "alice" || r.Privilege[0].Count != 2 || len(r.Privilege[0].Commands) != 2 ||
		r.Privilege[1].User != "bob" || r.Privilege[1].Failures != 1 {
		t.Errorf("privilege %+v", r.Privilege)
	}
	if len(r.Changes) != 2 || r.Changes[0].App != "dpkg" || r.Changes[1].App != "useradd" || r.Changes[0].Fields["package"] != "nmap" {
		t.Errorf("changes not in time order or incomplete: %+v", r.Changes)
	}
	if len(r.ServiceFailures) != 1 || r.ServiceFailures[0].Value != "nginx.service" || r.ServiceFailures[0].Count != 2 {
		t.Errorf("service failures %+v", r.ServiceFailures)
	}
	if len(r.Integrity) != 2 || r.Integrity[1].App != "vigil" {
		t.Errorf("integrity %+v", r.Integrity)
	}
}

// TestCaps checks that capped lists count what they leave out.
func TestCaps(t *testing.T) {
	r := build(Options{Top: 1, MaxItems: 1})
	if len(r.AuthFailures.Sources) != 1 || len(r.Changes) != 1 || r.Omitted["changes"] != 1 {
		t.Errorf("caps: sources %d changes %d omitted %v", len(r.AuthFailures.Sources), len(r.Changes), r.Omitted)
	}
	if r.Omitted["auth_failures.top_sources"] != 1 {
		t.Errorf("omitted %v", r.Omitted)
	}
}

// TestCopies checks that the report keeps no string of the event: the
// engine recycles the memory under them.
func TestCopies(t *testing.T) {
	buf := []byte("Failed password for root from 203.0.113.9 port 1 ssh2")
	b := New(Options{})
	e := ev(0, "web1", "useradd", string(buf), []string{"account.change"})
	msg := unsafeString(buf)
	e.Message = msg
	b.Add(&e)
	copy(buf, "XXXXXX")
	if r := b.Report(); r.Changes[0].Message != "Failed password for root from 203.0.113.9 port 1 ssh2" {
		t.Errorf("report aliases the event's memory: %q", r.Changes[0].Message)
	}
}

func TestJSON(t *testing.T) {
	data, err := json.Marshal(build(Options{}))
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"events", "sources", "categories", "auth_failures", "logons", "privilege", "changes", "service_failures", "integrity"} {
		if _, ok := back[k]; !ok {
			t.Errorf("JSON report has no %q", k)
		}
	}
	// An empty report still has every list, as [] rather than null.
	data, _ = json.Marshal(New(Options{}).Report())
	if bytes.Contains(data, []byte("null")) {
		t.Errorf("empty report has null lists: %s", data)
	}
}

func TestTextGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteText(&buf, build(Options{}), TextOptions{Location: time.UTC}); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "text.golden")
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("text report differs from %s (go test ./report -update):\n%s", golden, buf.Bytes())
	}
}

func TestNum(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", 100000: "100,000"} {
		if got := num(n); got != want {
			t.Errorf("num(%d) = %q, want %q", n, got, want)
		}
	}
}
