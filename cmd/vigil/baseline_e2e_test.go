package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/event"
)

// history writes two days of web1 and web2 logging a request a minute, in
// the RFC 3339 syslog form (no year or zone to guess), ending at end.
func historyFile(t *testing.T, end time.Time) string {
	t.Helper()
	var b strings.Builder
	for at := end.Add(-48 * time.Hour); at.Before(end); at = at.Add(time.Minute) {
		for _, h := range []string{"web1", "web2"} {
			fmt.Fprintf(&b, "%s %s nginx[42]: GET /item/%d 200\n", at.UTC().Format(time.RFC3339), h, at.Minute())
		}
	}
	return writeFile(t, "history.log", b.String())
}

func TestBaselineCommands(t *testing.T) {
	end := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	hist := historyFile(t, end)
	out := filepath.Join(t.TempDir(), "normal.vbl")
	stdout, errOut, code := vigil(t, "", nil, "baseline", "learn", "--tz", "UTC", "-o", out, hist)
	if code != 0 || !strings.Contains(stdout, "learnt 5760 events from 2 hosts over 2.0 days") {
		t.Fatalf("learn: exit %d\n%s%s", code, stdout, errOut)
	}
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("baseline file: %v %v", fi, err)
	}
	stdout, _, code = vigil(t, "", nil, "baseline", "show", out)
	for _, want := range []string{"learnt from 5760 events", "hosts (2)", "web1", "group web", "templates (1)", "nginx"} {
		if code != 0 || !strings.Contains(stdout, want) {
			t.Fatalf("show: exit %d, no %q in\n%s", code, want, stdout)
		}
	}

	// Detecting: a new host, and a burst of a new kind of message.
	var b strings.Builder
	at := end.Add(10 * time.Hour)
	fmt.Fprintf(&b, "%s web1 nginx[42]: GET /item/1 200\n", at.Format(time.RFC3339))
	fmt.Fprintf(&b, "%s web3 nginx[42]: GET /item/1 200\n", at.Format(time.RFC3339))
	for i := range 30 {
		fmt.Fprintf(&b, "%s web1 sshd[7]: Failed password for root from 203.0.113.9 port %d ssh2\n", at.Add(time.Duration(i)*time.Second).Format(time.RFC3339), 4000+i)
	}
	today := writeFile(t, "today.log", b.String())
	stdout, errOut, code = vigil(t, "", nil, "stream", "--format", "json", "--baseline", out, "--filter", "dev:", today)
	if code != 0 {
		t.Fatalf("stream: exit %d: %s", code, errOut)
	}
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		var e event.Event
		var j struct {
			Host       string
			Deviations []event.Deviation
		}
		if err := json.Unmarshal([]byte(line), &j); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		_ = e
		for _, d := range j.Deviations {
			got[j.Host+" "+d.Kind] = d.Reason
		}
	}
	for key, reason := range map[string]string{
		"web3 new_value":     "first events from host web3",
		"web1 new_template":  "new kind of sshd message on web1",
		"web1 rate_high":     "10 in 5 min; usual for Fri 10:00 is 0",
		"web1 rate_high key": "",
	} {
		if reason == "" {
			continue
		}
		if !strings.Contains(got[key], reason) {
			t.Errorf("%s: %q, want %q (all: %v)", key, got[key], reason, got)
		}
	}

	// scan lists the findings.
	stdout, _, code = vigil(t, "", nil, "scan", "--baseline", out, today)
	if code != 0 || !strings.Contains(stdout, "DEVIATIONS from the baseline (time order): 3") {
		t.Errorf("scan: exit %d\n%s", code, stdout)
	}
}

func TestBaselineUsageErrors(t *testing.T) {
	notBaseline := writeFile(t, "x.vbl", "hello\n")
	newer := writeFile(t, "newer.vbl", "vigil-baseline 99\n")
	log := writeFile(t, "a.log", "2026-11-20T10:00:00Z web1 app: hi\n")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"baseline", "learn", log}, "-o FILE is required"},
		{[]string{"baseline", "learn", "-o", filepath.Join(t.TempDir(), "b"), "--tz", "Mars/Olympus", log}, "--tz \"Mars/Olympus\""},
		{[]string{"stream", "--baseline", notBaseline, log}, "not a vigil baseline"},
		{[]string{"stream", "--baseline", newer, log}, "newer than this vigil reads"},
		{[]string{"scan", "--baseline", filepath.Join(t.TempDir(), "missing"), log}, "no such file"},
	} {
		_, errOut, code := vigil(t, "", nil, tc.args...)
		if code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, %q; want exit 2 and %q", tc.args, code, errOut, tc.want)
		}
	}
	// History that --since leaves wholly out is said to be, not "no events".
	old := writeFile(t, "old.log", "2024-01-03T10:00:01Z web1 sshd[1]: Accepted password for bob from 10.0.0.1 port 22 ssh2\n")
	if _, errOut, code := vigil(t, "", nil, "baseline", "learn", "--since", "30d", "-o", filepath.Join(t.TempDir(), "b"), old); code != 1 ||
		!strings.Contains(errOut, "the one event was outside --since/--until") {
		t.Errorf("learn over history older than --since: exit %d %q", code, errOut)
	}
	// baseline show of a file that is not one is a runtime failure.
	if _, errOut, code := vigil(t, "", nil, "baseline", "show", notBaseline); code == 0 || !strings.Contains(errOut, "not a vigil baseline") {
		t.Errorf("show: exit %d %q", code, errOut)
	}
}

// TestBaselineClockSkewLive follows a file while lines arrive stamped
// twenty minutes in the past: a host whose clock is off. Only lines that
// arrive live count, not the file's backlog.
func TestBaselineClockSkewLive(t *testing.T) {
	now := time.Now().UTC()
	hist := historyFile(t, now.Add(-time.Hour))
	base := filepath.Join(t.TempDir(), "b.vbl")
	if _, errOut, code := vigil(t, "", nil, "baseline", "learn", "-o", base, hist); code != 0 {
		t.Fatalf("learn: %s", errOut)
	}
	live := writeFile(t, "live.log", fmt.Sprintf("%s web1 nginx[42]: GET /item/1 200\n", now.Add(-30*time.Minute).Format(time.RFC3339)))
	cmd := exec.Command(vigilBin, "stream", "-f", "--format", "json", "--baseline", base, "--filter", "dev:clock_skew", live)
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	f, err := os.OpenFile(live, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	go func() {
		for i := range 20 {
			time.Sleep(100 * time.Millisecond)
			fmt.Fprintf(f, "%s web2 nginx[42]: GET /item/%d 200\n", time.Now().UTC().Add(-20*time.Minute).Format(time.RFC3339), i)
		}
	}()
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	select {
	case line := <-lines:
		if !strings.Contains(line, `"host":"web2"`) || !strings.Contains(line, "web2's event times are 20m") || !strings.Contains(line, "behind their arrival") {
			t.Errorf("finding: %s", line)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no clock_skew finding within 20 s")
	}
}
