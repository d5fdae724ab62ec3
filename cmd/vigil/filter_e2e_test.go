package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// filterLog has failed logons for root and for other users, a success, a
// sudo line and an untagged cron line.
const filterLog = `Nov 22 03:05:49 web1 sshd[14021]: Failed password for root from 203.0.113.9 port 52113 ssh2
Nov 22 03:06:02 web1 sshd[14030]: Invalid user oracle from 203.0.113.9 port 52188
Nov 22 03:06:05 web1 sshd[14031]: Failed password for invalid user admin from 198.51.100.7 port 40022 ssh2
Nov 22 03:06:30 web2 sshd[14040]: Failed password for alice from 10.1.2.3 port 51000 ssh2
Nov 22 03:06:31 web2 sshd[14041]: Accepted password for alice from 10.1.2.3 port 51001 ssh2
Nov 22 03:07:11 web1 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id
Nov 22 03:08:00 web1 CRON[2000]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)
`

// streamMessages runs vigil stream --format json with args on filterLog
// and returns the messages it printed.
func streamMessages(t *testing.T, args ...string) []string {
	t.Helper()
	p := writeFile(t, "auth.log", filterLog)
	args = append(append([]string{"stream", "--format", "json"}, args...), p)
	out, errOut, code := vigil(t, "", []string{"XDG_CONFIG_HOME=" + t.TempDir()}, args...)
	if code != 0 {
		t.Fatalf("vigil %v: exit %d: %s", args, code, errOut)
	}
	var msgs []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		var e struct{ Message string }
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, line)
		}
		msgs = append(msgs, e.Message)
	}
	return msgs
}

func TestStreamFilter(t *testing.T) {
	for _, tc := range []struct {
		filter string
		want   []string // message prefixes, in order
	}{
		{"cat:auth.failure -user:root", []string{
			"Invalid user oracle",
			"Failed password for invalid user admin",
			"Failed password for alice",
		}},
		{"", []string{"Failed password for root", "Invalid user oracle", "Failed password for invalid user admin",
			"Failed password for alice", "Accepted password", "alice : TTY", "pam_unix(cron:session)"}},
		{`src_ip:10.0.0.0/8 OR "session opened"`, []string{"Failed password for alice", "Accepted password", "pam_unix(cron:session)"}},
		{"host:web2 -cat:auth.failure", []string{"Accepted password"}},
		{"cat:privilege.* OR /^invalid/i", []string{"Invalid user oracle", "alice : TTY"}},
		{"nothing-matches-this", nil},
	} {
		got := streamMessages(t, "--filter", tc.filter)
		ok := len(got) == len(tc.want)
		for i := 0; ok && i < len(got); i++ {
			ok = strings.HasPrefix(got[i], tc.want[i])
		}
		if !ok {
			t.Errorf("--filter %q printed\n  %s\nwant messages starting\n  %s", tc.filter, strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "))
		}
	}
}

func TestFilterBadQuery(t *testing.T) {
	p := writeFile(t, "auth.log", filterLog)
	for _, cmd := range []string{"stream", "scan", ""} {
		args := []string{"--filter", "cat:auth.* (user:root", p}
		if cmd != "" {
			args = append([]string{cmd}, args...)
		}
		out, errOut, code := vigil(t, "", nil, args...)
		if code != 2 {
			t.Errorf("vigil %v: exit %d, want 2 (stderr %q)", args, code, errOut)
		}
		want := "vigil: --filter: at 12: unbalanced parenthesis: this ( is never closed\n" +
			"  cat:auth.* (user:root\n" +
			"             ^\n"
		if errOut != want {
			t.Errorf("vigil %v: stderr\n%s\nwant\n%s", args, errOut, want)
		}
		if out != "" {
			t.Errorf("vigil %v: printed %q", args, out)
		}
	}
	_, errOut, code := vigil(t, "", nil, "stream", "--filter", "sev>=loud", p)
	if code != 2 || !strings.Contains(errOut, `unknown severity "loud": want one of emerg,`) || !strings.Contains(errOut, "\n       ^^^^\n") {
		t.Errorf("unknown severity: exit %d, stderr\n%s", code, errOut)
	}
}

func TestScanFilter(t *testing.T) {
	p := writeFile(t, "auth.log", filterLog)
	out, errOut, code := vigil(t, "", []string{"XDG_CONFIG_HOME=" + t.TempDir()}, "scan", "--format", "json", "--filter", "cat:auth.failure -user:root", p)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rep struct {
		Events       int `json:"events"`
		AuthFailures struct {
			Total int `json:"total"`
		} `json:"auth_failures"`
		Categories []struct {
			ID    string `json:"id"`
			Count int    `json:"count"`
		} `json:"categories"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not one JSON document: %v\n%s", err, out)
	}
	if rep.Events != 3 || rep.AuthFailures.Total != 3 || len(rep.Categories) != 1 || rep.Categories[0].ID != "auth.failure" {
		t.Errorf("scan --filter: events %d, auth failures %d, categories %+v; want 3, 3 and only auth.failure",
			rep.Events, rep.AuthFailures.Total, rep.Categories)
	}
}
