package main

// End-to-end tests of the journald source: real journal files written by
// systemd-journal-remote, read by vigil through the real journalctl.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/internal/journaltest"
)

// corpusJournal writes the journald corpus (journalctl -o json lines) into
// a real journal file in a new directory readable by everyone.
func corpusJournal(t *testing.T) (dir, jsonl string) {
	t.Helper()
	jsonl = filepath.Join(corpusDirs()[0], "journal.jsonl")
	data, err := os.ReadFile(jsonl)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := journaltest.FromJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	dir = t.TempDir()
	if err := journaltest.Write(filepath.Join(dir, "corpus.journal"), entries); err != nil {
		t.Fatal(err)
	}
	return dir, jsonl
}

// TestJournaldSameEventsAsJSON reads the journald corpus through a real
// journal and journalctl and checks every event equals the one vigil makes
// of the same entry piped as journalctl -o json: time (microseconds), host,
// app, PID, severity, message, fields, categories and rules.
func TestJournaldSameEventsAsJSON(t *testing.T) {
	dir, jsonl := corpusJournal(t)
	var got []map[string]any
	boots := 0
	for _, e := range streamJSON(t, "journald", "--journal-dir", dir) {
		if e["app"] == "vigil" {
			// The corpus comes from two machines: one boot notice.
			if m, _ := e["message"].(string); !strings.HasPrefix(m, "journald: new boot ") {
				t.Errorf("notice %q", m)
			}
			boots++
			continue
		}
		got = append(got, e)
	}
	if boots != 1 {
		t.Errorf("%d boot notices, want 1", boots)
	}
	want := streamJSON(t, jsonl, "--input-format", "journal-json")
	if len(got) != len(want) || len(got) == 0 {
		t.Fatalf("%d events from the journal, %d from the JSON", len(got), len(want))
	}
	for i := range got {
		if src, _ := got[i]["source"].(string); src != "journald:"+dir {
			t.Errorf("event %d: source %q", i, src)
		}
		for _, k := range []string{"source"} {
			delete(got[i], k)
			delete(want[i], k)
		}
		g, _ := json.Marshal(got[i])
		w, _ := json.Marshal(want[i])
		if string(g) != string(w) {
			t.Errorf("event %d:\njournald %s\njson     %s", i, g, w)
		}
	}
}

// TestJournaldWithFilesAndFlags reads a journal and a log file in one run
// and checks --unit globs, --priority and --since reach journalctl.
func TestJournaldWithFilesAndFlags(t *testing.T) {
	dir, _ := corpusJournal(t)
	p := writeFile(t, "auth.log", sampleLog)
	evs := streamJSON(t, p, "--journal-dir", dir)
	bySource := map[string]int{}
	for _, e := range evs {
		s, _ := e["source"].(string)
		bySource[s]++
	}
	if bySource["file:"+p] != 3 || bySource["journald:"+dir] < 30 {
		t.Errorf("events per source: %v", bySource)
	}
	for _, tc := range []struct {
		spec string
		args []string
		ok   func(map[string]any) bool
	}{
		{"journald:ssh*", nil, func(e map[string]any) bool {
			f, _ := e["fields"].(map[string]any)
			return strings.HasPrefix(fmt.Sprint(f["systemd_unit"]), "ssh") || strings.HasPrefix(fmt.Sprint(f["unit"]), "ssh")
		}},
		{"journald", []string{"--unit", "cron.service", "--unit", "ssh.service"}, func(e map[string]any) bool {
			f, _ := e["fields"].(map[string]any)
			u := fmt.Sprint(f["systemd_unit"]) + " " + fmt.Sprint(f["unit"])
			return strings.Contains(u, "cron.service") || strings.Contains(u, "ssh.service")
		}},
		{"journald", []string{"--priority", "warning"}, func(e map[string]any) bool {
			return slices.Contains([]string{"emerg", "alert", "crit", "err", "warning"}, e["severity"].(string))
		}},
	} {
		evs := streamJSON(t, tc.spec, append([]string{"--journal-dir", dir}, tc.args...)...)
		n := 0
		for _, e := range evs {
			if e["app"] == "vigil" {
				continue
			}
			n++
			if !tc.ok(e) {
				t.Errorf("%v: unexpected event %v", tc.args, e)
			}
		}
		if n == 0 || n >= 36 {
			t.Errorf("%v: %d events", tc.args, n)
		}
	}
}

// TestJournaldErrors checks the messages a sysadmin gets: no journalctl,
// a directory without journal files, journal files only root may read
// (as nobody), a unit without entries.
func TestJournaldErrors(t *testing.T) {
	empty := t.TempDir()
	_, errOut, code := vigil(t, "", []string{"PATH=" + empty}, "stream", "journald")
	if code != 1 || !strings.Contains(errOut, "journalctl not found") || !strings.Contains(errOut, "apt install systemd") {
		t.Errorf("no journalctl: exit %d: %s", code, errOut)
	}
	_, errOut, code = vigil(t, "", nil, "stream", "--journal-dir", empty)
	if code != 1 || !strings.Contains(errOut, "holds no journal files") {
		t.Errorf("empty dir: exit %d: %s", code, errOut)
	}
	dir, _ := corpusJournal(t)
	_, errOut, code = vigil(t, "", nil, "stream", "--priority", "bogus", "--journal-dir", dir)
	if code != 2 || !strings.Contains(errOut, "--priority") {
		t.Errorf("bad priority: exit %d: %s", code, errOut)
	}
	_, errOut, code = vigil(t, "", nil, "stream", "--boot=-5", "--journal-dir", dir)
	if code != 1 || strings.Count(errOut, "No such boot") != 1 {
		t.Errorf("unknown boot: exit %d: %s", code, errOut)
	}
	out, errOut, code := vigil(t, "", nil, "stream", "journald:nosuch.service", "--journal-dir", dir)
	if code != 0 || !strings.Contains(out, "no entries for nosuch.service") {
		t.Errorf("unit without entries: exit %d: %s %s", code, out, errOut)
	}

	if os.Geteuid() != 0 {
		t.Fatal("the permission case needs root to run vigil as nobody")
	}
	// The journal file is root's (0640 root:root), in a directory nobody
	// may list.
	pdir, err := os.MkdirTemp("", "vigil-journal-perm-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(pdir)
	if err := os.Chmod(pdir, 0o755); err != nil {
		t.Fatal(err)
	}
	few, err := journaltest.Generated(5, 1, time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC), "66666666666666666666666666666666")
	if err != nil {
		t.Fatal(err)
	}
	if err := journaltest.Write(filepath.Join(pdir, "x.journal"), few); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"stream", "--journal-dir", pdir}, {"stream", "journald", "--journal-file", filepath.Join(pdir, "x.journal")}} {
		cmd := exec.Command(vigilBin, args...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		var errb bytes.Buffer
		cmd.Stderr = &errb
		err := cmd.Run()
		ee, ok := err.(*exec.ExitError)
		if !ok || ee.ExitCode() != 1 || !strings.Contains(errb.String(), "no permission to read the journal") || !strings.Contains(errb.String(), "sudo") {
			t.Errorf("%v as nobody: %v: %s", args, err, errb.String())
		}
	}
}

// childrenOf lists the process IDs of pid's children.
func childrenOf(pid int) []int {
	var out []int
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	for _, f := range tasks {
		b, _ := os.ReadFile(f)
		for _, s := range strings.Fields(string(b)) {
			if n, err := strconv.Atoi(s); err == nil {
				out = append(out, n)
			}
		}
	}
	return out
}

// TestJournaldFollowKillChild follows a journal directory with vigil
// stream -f while entries are appended to it, kills vigil's journalctl
// child mid-stream again and again, and checks every entry is printed
// exactly once and each restart is announced.
func TestJournaldFollowKillChild(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "follow.journal")
	start := time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)
	const rounds, per = 5, 4000
	mk := func(round int) []journaltest.Entry {
		return journaltest.Numbered(start, round*per, per, "55555555555555555555555555555555")
	}
	if err := journaltest.Write(path, mk(0)); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(vigilBin, "stream", "-f", "--format", "json", "--journal-dir", dir)
	cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+t.TempDir())
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	}()
	lines := make(chan string, 1024)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	seen := map[int]int{}
	kills, restarts, next := 0, 0, 1
	deadline := time.After(90 * time.Second)
	for len(seen) < rounds*per {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("vigil ended after %d entries: %s", len(seen), errb.String())
			}
			var e struct{ App, Message string }
			if err := json.Unmarshal([]byte(l), &e); err != nil {
				t.Fatal(err)
			}
			if e.App == "vigil" {
				if strings.Contains(e.Message, "restarting it") {
					restarts++
				}
				continue
			}
			var n int
			if _, err := fmt.Sscanf(e.Message, "seq %d", &n); err != nil {
				t.Fatalf("unexpected event %s", l)
			}
			if seen[n]++; seen[n] > 1 {
				t.Fatalf("entry %d printed twice", n)
			}
			if len(seen) == (next-1)*per+per/3 && kills < next {
				for _, pid := range childrenOf(cmd.Process.Pid) {
					_ = syscall.Kill(pid, syscall.SIGKILL)
					kills++
				}
			}
			if len(seen) == next*per && next < rounds {
				if err := journaltest.Write(path, mk(next)); err != nil {
					t.Fatal(err)
				}
				next++
			}
		case <-deadline:
			t.Fatalf("timed out with %d of %d entries (%d kills, %d restarts): %s", len(seen), rounds*per, kills, restarts, errb.String())
		}
	}
	// A kill after journalctl had written everything is announced after
	// the entries already buffered.
	for late := time.After(10 * time.Second); restarts < kills; {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("vigil ended: %s", errb.String())
			}
			if strings.Contains(l, "restarting it") {
				restarts++
			} else if strings.Contains(l, `"message":"seq `) {
				t.Fatalf("an entry after all were seen: %s", l)
			}
		case <-late:
			t.Fatalf("%d kills, %d restart notices", kills, restarts)
		}
	}
	if kills < rounds || restarts < kills {
		t.Errorf("%d kills, %d restart notices", kills, restarts)
	}
	t.Logf("%d entries exactly once across %d kills of journalctl", len(seen), kills)
}

// TestJournaldOwnSignals checks journald's own signals: a new boot is a
// notice just before the boot's first entry (whose kernel banner the rules
// tag system.startup), and rate-limit suppression, vacuumed journal files
// and early rotation are tagged log.integrity.
func TestJournaldOwnSignals(t *testing.T) {
	t0 := time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)
	bootA, bootB := "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	var es []journaltest.Entry
	add := func(boot, app, msg string) {
		n := len(es)
		es = append(es, journaltest.SyslogEntry(t0.Add(time.Duration(n)*time.Second), "web1", app, strconv.Itoa(100+n), msg, boot, int64(n+1)*1000))
	}
	add(bootA, "kernel", "Linux version 6.1.0-28-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0) #1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22)")
	add(bootA, "systemd-journald", "Suppressed 1234 messages from ssh.service")
	add(bootA, "systemd-journald", "Deleted archived journal /var/log/journal/5439a4082cf1a01e26426832034282ff/system@0005f1-0001.journal~ (8.0M).")
	add(bootA, "systemd-journald", "Vacuuming done, freed 8.0M of archived journals from /var/log/journal/5439a4082cf1a01e26426832034282ff.")
	add(bootA, "systemd-journald", "Time jumped backwards, rotating.")
	add(bootB, "kernel", "Linux version 6.1.0-28-amd64 (debian-kernel@lists.debian.org) #1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22)")
	dir := t.TempDir()
	if err := journaltest.Write(filepath.Join(dir, "x.journal"), es); err != nil {
		t.Fatal(err)
	}
	evs := streamJSON(t, "journald", "--journal-dir", dir)
	var got []string
	for _, e := range evs {
		got = append(got, fmt.Sprintf("%s %v", e["app"], strs(e["categories"])))
	}
	want := []string{
		"kernel [system.startup]",
		"systemd-journald [log.integrity]",
		"systemd-journald [log.integrity]",
		"systemd-journald [log.integrity]",
		"systemd-journald [log.integrity]",
		"vigil []",
		"kernel [system.startup]",
	}
	if !slices.Equal(got, want) {
		t.Errorf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(evs) == len(want) {
		if m := evs[5]["message"]; m != "journald: new boot "+bootB {
			t.Errorf("boot notice %q", m)
		}
		if evs[5]["time"] != evs[6]["time"] {
			t.Errorf("boot notice at %v, boot's first entry at %v", evs[5]["time"], evs[6]["time"])
		}
	}
}

// TestBaselineFromJournal learns a baseline from a real journal read
// through journalctl, and replaying the same journal against it finds
// nothing: what was learnt is normal.
func TestBaselineFromJournal(t *testing.T) {
	start := time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC)
	var es []journaltest.Entry
	for i := range 2 * 24 * 60 {
		at := start.Add(time.Duration(i) * time.Minute)
		es = append(es, journaltest.SyslogEntry(at, "web1", "nginx", "42", fmt.Sprintf("GET /item/%d 200", i%97), "66666666666666666666666666666666", int64(i+1)*1000))
		if at.Hour() == 9 && at.Minute() < 3 {
			es = append(es, journaltest.SyslogEntry(at.Add(time.Second), "web1", "sshd", "43", "Accepted publickey for alice from 10.0.0.5 port 50000 ssh2", "66666666666666666666666666666666", int64(i+1)*1000+1))
		}
	}
	dir := t.TempDir()
	if err := journaltest.Write(filepath.Join(dir, "web1.journal"), es); err != nil {
		t.Fatal(err)
	}
	base := filepath.Join(t.TempDir(), "j.vbl")
	out, errOut, code := vigil(t, "", nil, "baseline", "learn", "--tz", "UTC", "--journal-dir", dir, "-o", base)
	if code != 0 || !strings.Contains(out, fmt.Sprintf("learnt %d events from 1 hosts over 2.0 days", len(es))) {
		t.Fatalf("learn: exit %d\n%s%s", code, out, errOut)
	}
	out, _, _ = vigil(t, "", nil, "baseline", "show", base)
	for _, want := range []string{"web1", "alice", "10.0.0.5", "Accepted publickey for <USER>"} {
		if !strings.Contains(out, want) {
			t.Errorf("show lacks %q:\n%s", want, out)
		}
	}
	out, errOut, code = vigil(t, "", nil, "stream", "--format", "json", "--baseline", base, "--filter", "dev:", "--journal-dir", dir)
	if code != 0 || strings.TrimSpace(out) != "" {
		t.Errorf("replaying what was learnt: exit %d, findings:\n%s%s", code, out, errOut)
	}
}
