package main

import (
	"encoding/json"
	"strings"
	"testing"
)

const scanLog = `Nov 22 03:05:49 web1 sshd[14021]: Failed password for root from 203.0.113.9 port 52113 ssh2
Nov 22 03:05:53 web1 sshd[14021]: Failed password for root from 203.0.113.9 port 52114 ssh2
Nov 22 03:06:02 web1 sshd[14030]: Invalid user oracle from 198.51.100.7 port 52188
Nov 22 03:07:11 web1 sshd[14040]: Accepted publickey for alice from 192.0.2.44 port 50022 ssh2: ED25519 SHA256:abc
Nov 22 03:08:00 web1 CRON[1]: (root) CMD (true)
`

// TestScanJSON runs vigil scan on a file and reads the JSON report.
func TestScanJSON(t *testing.T) {
	p := writeFile(t, "auth.log", scanLog)
	out, errOut, code := vigil(t, "", []string{"XDG_CONFIG_HOME=" + t.TempDir()}, "scan", "--format", "json", "--utc", p)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if errOut != "" {
		t.Errorf("progress or errors on a stderr that is not a terminal: %q", errOut)
	}
	var rep struct {
		Events       int `json:"events"`
		Tagged       int `json:"tagged"`
		AuthFailures struct {
			Total   int `json:"total"`
			Sources []struct {
				Value string `json:"value"`
				Count int    `json:"count"`
			} `json:"top_sources"`
		} `json:"auth_failures"`
		Logons []struct {
			User  string `json:"user"`
			SrcIP string `json:"src_ip"`
		} `json:"logons"`
		Categories []struct {
			ID      string `json:"id"`
			Control string `json:"nzism_control"`
			Count   int    `json:"count"`
		} `json:"categories"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not one JSON document: %v\n%s", err, out)
	}
	if rep.Events != 5 || rep.Tagged != 4 {
		t.Errorf("events %d tagged %d, want 5 and 4", rep.Events, rep.Tagged)
	}
	if rep.AuthFailures.Total != 3 || len(rep.AuthFailures.Sources) != 2 || rep.AuthFailures.Sources[0].Value != "203.0.113.9" {
		t.Errorf("auth failures %+v", rep.AuthFailures)
	}
	if len(rep.Logons) != 1 || rep.Logons[0].User != "alice" || rep.Logons[0].SrcIP != "192.0.2.44" {
		t.Errorf("logons %+v", rep.Logons)
	}
	if len(rep.Categories) != 2 || rep.Categories[0].ID != "auth.success" || rep.Categories[1].Control == "" {
		t.Errorf("categories %+v", rep.Categories)
	}
}

// TestScanText checks the text report's sections and its exit codes.
func TestScanText(t *testing.T) {
	p := writeFile(t, "auth.log", scanLog)
	out, errOut, code := vigil(t, "", []string{"XDG_CONFIG_HOME=" + t.TempDir()}, "scan", "--utc", p)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"vigil scan: 5 events from 1 source, 4 tagged", "SOURCES", "[!auth.failure] failed logons",
		"FAILED LOGONS: 3", "203.0.113.9", "SUCCESSFUL LOGONS", "alice", "PRIVILEGE USE", "CHANGES", "SERVICE FAILURES", "LOG INTEGRITY"} {
		if !strings.Contains(out, want) {
			t.Errorf("text report lacks %q:\n%s", want, out)
		}
	}
	// Standard input works as for stream.
	out, _, code = vigil(t, scanLog, nil, "scan")
	if code != 0 || !strings.Contains(out, "5 events") {
		t.Errorf("scan of stdin: exit %d\n%s", code, out)
	}
	if _, errOut, code := vigil(t, "", nil, "scan", "--format", "xml", p); code != 2 || !strings.Contains(errOut, "--format") {
		t.Errorf("bad --format: exit %d, %q", code, errOut)
	}
	if _, _, code := vigil(t, "", nil, "scan", "/nonexistent/file"); code == 0 {
		t.Errorf("missing file: exit 0")
	}
}
