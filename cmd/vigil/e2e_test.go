package main

// End-to-end tests: they build the real static binary once and run it as a
// user would, on real files, on standard input, and in a real terminal
// (tmux) for the UI.

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

var vigilBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "vigil-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	// Readable by everyone: one test runs the binary as nobody.
	if err := os.Chmod(dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	vigilBin = filepath.Join(dir, "vigil")
	build := exec.Command("go", "build", "-o", vigilBin,
		"-ldflags", "-X main.version=v0.0.0-e2e -X main.commit=e2ecommit -X main.date=2026-11-22T00:00:00Z", ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building vigil: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// vigil runs the binary with args and stdin, returning stdout, stderr and
// the exit code.
func vigil(t *testing.T, stdin string, env []string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(vigilBin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running vigil %v: %v", args, err)
	}
	return out.String(), errb.String(), code
}

const sampleLog = `Nov 22 03:05:49 web1 sshd[14021]: Failed password for root from 203.0.113.9 port 52113 ssh2
Nov 22 03:06:02 web1 sshd[14030]: Invalid user oracle from 203.0.113.9 port 52188
Nov 22 03:07:11 web1 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id
`

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestVersion(t *testing.T) {
	out, _, code := vigil(t, "", nil, "version")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"v0.0.0-e2e", "e2ecommit", "2026-11-22T00:00:00Z"} {
		if !strings.Contains(out, want) {
			t.Errorf("version output %q lacks %q", out, want)
		}
	}
}

func TestStreamJSONFromFile(t *testing.T) {
	p := writeFile(t, "auth.log", sampleLog)
	out, errOut, code := vigil(t, "", []string{"TZ=Pacific/Auckland"}, "stream", "--format", "json", p)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d lines, want 3:\n%s", len(lines), out)
	}
	var first struct {
		Time        string `json:"time"`
		TimeGuessed bool   `json:"time_guessed"`
		Host, App   string
		PID         int
		Severity    string
		Message     string
		Source      string
	}
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatalf("line 1 is not JSON: %v\n%s", err, lines[0])
	}
	if first.Host != "web1" || first.App != "sshd" || first.PID != 14021 || first.Source != "file:"+p ||
		!strings.HasPrefix(first.Message, "Failed password for root") || !first.TimeGuessed ||
		!strings.HasSuffix(first.Time, ":05:49.000000Z") || first.Severity == "" {
		t.Errorf("unexpected first event: %+v", first)
	}
}

func TestStreamTextFromStdin(t *testing.T) {
	out, errOut, code := vigil(t, sampleLog, []string{"NO_COLOR=1"}, "stream", "--utc", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if n := strings.Count(out, "\n"); n != 3 {
		t.Fatalf("got %d lines, want 3:\n%s", n, out)
	}
	if strings.Contains(out, "\x1b") {
		t.Errorf("colour codes in non-terminal output: %q", out)
	}
	if !strings.Contains(out, "web1 sudo") || !strings.Contains(out, "COMMAND=/usr/bin/id") {
		t.Errorf("unexpected text output:\n%s", out)
	}
}

func TestStreamEscapesHostileLines(t *testing.T) {
	evil := "Nov 22 03:05:49 web1 app[1]: title \x1b]0;PWNED\a clip \x1b]52;c;ZWNobyBwd25lZA==\a clear \x1b[2J cr \rOVERWRITE c1 \u009b31m bad \xff\n"
	out, _, code := vigil(t, evil, []string{"NO_COLOR=1"}, "stream", "-")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, bad := range []string{"\x1b", "\a", "\r", "\u009b", "\xff"} {
		if strings.Contains(out, bad) {
			t.Errorf("output contains raw %q: %q", bad, out)
		}
	}
	if !strings.Contains(out, `\x1b]0;PWNED`) {
		t.Errorf("escape sequence not shown escaped: %q", out)
	}
}

func TestExitCodes(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope.log")
	tests := []struct {
		name string
		env  []string
		args []string
		code int
		want string
	}{
		{"unknown flag", nil, []string{"stream", "--bogus"}, 2, "unknown flag"},
		{"bad format", nil, []string{"stream", "--format", "xml", "-"}, 2, "--format"},
		{"bad since", nil, []string{"stream", "--since", "yesterday-ish", "-"}, 2, "--since"},
		{"missing file", nil, []string{"stream", missing}, 1, "nope.log"},
		{"no default source", []string{"VIGIL_DEFAULT_SOURCES=" + missing + ":/root-only-nonexistent/x.log"}, []string{}, 1, "vigil demo"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errOut, code := vigil(t, "", tt.env, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr: %s", code, tt.code, errOut)
			}
			if !strings.Contains(errOut, tt.want) {
				t.Errorf("stderr %q lacks %q", errOut, tt.want)
			}
			if strings.Contains(errOut, "goroutine ") || strings.Contains(errOut, "panic:") {
				t.Errorf("stack trace reached the user: %s", errOut)
			}
		})
	}
}

func TestNoDefaultSourceSaysWhy(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "auth.log")
	// The UI command goes to the default paths (stream with a piped stdin
	// would read stdin instead).
	_, errOut, code := vigil(t, "", []string{"VIGIL_DEFAULT_SOURCES=" + missing})
	if code != 1 {
		t.Fatalf("exit %d, want 1: %s", code, errOut)
	}
	for _, want := range []string{missing, "sudo", "vigil demo"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
}

func TestDemoStream(t *testing.T) {
	out, errOut, code := vigil(t, "", nil, "demo", "--stream", "--speed", "0", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	formats := map[string]bool{}
	apps := map[string]bool{}
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var e map[string]any
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("not JSON: %v: %s", err, line)
		}
		n++
		apps[fmt.Sprint(e["app"])] = true
		formats[fmt.Sprint(e["source"])] = true
		if ts, _ := e["time"].(string); ts == "" {
			t.Errorf("event without time: %s", line)
		} else if tm, err := time.Parse(time.RFC3339Nano, ts); err != nil || time.Since(tm) > time.Hour || time.Since(tm) < -time.Hour {
			t.Errorf("demo event time %q is not now", ts)
		}
	}
	if n < 50 {
		t.Errorf("only %d demo events", n)
	}
	for _, app := range []string{"sshd", "sudo", "useradd", "systemd"} {
		if !apps[app] {
			t.Errorf("no %s event in the demo; apps: %v", app, apps)
		}
	}
	if len(formats) < 5 {
		t.Errorf("demo uses only sources %v", formats)
	}
}

func TestStreamHugeLineBoundedMemory(t *testing.T) {
	// A 100 MB line, then an ordinary line: the huge one is cut with a
	// visible marker, the next one still comes out, and the process never
	// holds the whole line. (The peak RSS of a child started by os/exec
	// includes the parent's while they share memory before exec, so the
	// bound is relative to the same command on a small file.)
	p := filepath.Join(t.TempDir(), "huge.log")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	chunk := bytes.Repeat([]byte("A"), 1<<20)
	f.WriteString("Nov 22 03:05:49 web1 app[1]: ")
	for i := 0; i < 100; i++ {
		f.Write(chunk)
	}
	f.WriteString("\nNov 22 03:05:50 web1 sshd[2]: next line still read\n")
	f.Close()

	cmd := exec.Command(vigilBin, "stream", "--format", "json", p)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("vigil: %v: %s", err, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("got %d events, want 2", len(lines))
	}
	var huge, next struct {
		Message   string
		Truncated int64 `json:"truncated_bytes"`
	}
	if err := json.Unmarshal([]byte(lines[0]), &huge); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(lines[1]), &next); err != nil {
		t.Fatal(err)
	}
	if huge.Truncated < 100<<20-(64<<10) || !strings.Contains(huge.Message, "[truncated") || len(huge.Message) > 70<<10 {
		t.Errorf("huge line: %d bytes truncated, message of %d bytes ending %q", huge.Truncated, len(huge.Message), huge.Message[max(0, len(huge.Message)-40):])
	}
	if next.Message != "next line still read" {
		t.Errorf("next line: %q", next.Message)
	}
	// The same run on a two-line file is the baseline (the binary, the
	// rules, the race detector when it is on): reading the huge line may
	// add a bounded amount, far below the line's size.
	small := writeFile(t, "small.log", "Nov 22 03:05:49 web1 app[1]: short\nNov 22 03:05:50 web1 sshd[2]: next line still read\n")
	base := exec.Command(vigilBin, "stream", "--format", "json", small)
	if err := base.Run(); err != nil {
		t.Fatal(err)
	}
	if rss, baseRSS := maxRSS(cmd), maxRSS(base); rss > baseRSS+40<<20 {
		t.Errorf("max RSS %d MiB while reading a 100 MiB line, %d MiB for two short lines: memory is not bounded", rss>>20, baseRSS>>20)
	}
}

func TestNoDefaultSourcePermissionDenied(t *testing.T) {
	// As an ordinary user (nobody) on a host whose log is root's alone, the
	// message must say "permission denied" and suggest sudo.
	if os.Geteuid() != 0 {
		t.Fatal("this test needs root to create a root-only file and run vigil as nobody")
	}
	dir, err := os.MkdirTemp("", "vigil-perm-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	secret := filepath.Join(dir, "auth.log")
	if err := os.WriteFile(secret, []byte(sampleLog), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "secure")
	cmd := exec.Command(vigilBin)
	cmd.Env = append(os.Environ(), "VIGIL_DEFAULT_SOURCES="+secret+":"+missing)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	var errb bytes.Buffer
	cmd.Stderr = &errb
	err = cmd.Run()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 1 {
		t.Fatalf("exit: %v, want code 1; stderr: %s", err, errb.String())
	}
	for _, want := range []string{secret + ": permission denied", missing + ": no such file", "sudo", "vigil demo"} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errb.String())
		}
	}
}

func TestStreamGlobAndGzip(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.log"), []byte(sampleLog), 0o644); err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("Nov 21 01:00:00 web2 sshd[1]: Accepted publickey for bob from 192.0.2.7 port 4 ssh2\n"))
	zw.Close()
	if err := os.WriteFile(filepath.Join(dir, "b.log.1.gz"), gz.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := vigil(t, "", nil, "stream", "--format", "json", filepath.Join(dir, "*.log"), filepath.Join(dir, "*.gz"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if n := strings.Count(out, "\n"); n != 4 {
		t.Fatalf("got %d events, want 4:\n%s", n, out)
	}
	if !strings.Contains(out, `"source":"file:`+filepath.Join(dir, "b.log.1.gz")+`"`) || !strings.Contains(out, "Accepted publickey for bob") {
		t.Errorf("gz events missing:\n%s", out)
	}
	_, errOut, code = vigil(t, "", nil, "stream", filepath.Join(dir, "*.nothing"))
	if code != 1 || !strings.Contains(errOut, "no file matches") {
		t.Errorf("empty glob: exit %d, stderr %q", code, errOut)
	}
}

func TestSourceSpellings(t *testing.T) {
	// Remote collectors are not read by this build yet: a clear refusal,
	// not a confusing "no such file". journald is the journal (read, or
	// a reason it cannot be on this host), never a file. A file whose
	// name merely starts with "journald" is still a file.
	for _, spec := range []string{"vigil://127.0.0.1:7300"} {
		_, errOut, code := vigil(t, "", nil, "stream", spec)
		if code != 1 || !strings.Contains(errOut, "not supported by this build yet") {
			t.Errorf("%s: exit %d, stderr %q", spec, code, errOut)
		}
	}
	for _, spec := range []string{"journald", "journald:sshd.service"} {
		_, errOut, code := vigil(t, "", nil, "stream", spec)
		if code != 0 && (!strings.Contains(errOut, "journal") || strings.Contains(errOut, "no such file")) {
			t.Errorf("%s: exit %d, stderr %q", spec, code, errOut)
		}
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "journald.log"), []byte(sampleLog), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(vigilBin, "stream", "journald.log")
	cmd.Dir = dir
	if out, err := cmd.Output(); err != nil || strings.Count(string(out), "\n") != 3 {
		t.Errorf("journald.log as a file: %v, %q", err, out)
	}
}

func TestRulesCommands(t *testing.T) {
	out, errOut, code := vigil(t, "", nil, "rules", "list")
	if code != 0 || !strings.Contains(out, "ssh-failed-password") || !strings.Contains(out, "builtin/sshd.yaml:") {
		t.Fatalf("rules list: exit %d, %q %q", code, out, errOut)
	}
	p := writeFile(t, "auth.log", sampleLog)
	out, _, code = vigil(t, "", nil, "rules", "test", p)
	if code != 0 || !strings.Contains(out, "rule ssh-failed-password") || !strings.Contains(out, "user=root src_ip=203.0.113.9") {
		t.Fatalf("rules test: exit %d:\n%s", code, out)
	}

	// A user file disables a built-in rule.
	off := writeFile(t, "off.yaml", "rules:\n  - id: ssh-failed-password\n    disabled: true\n")
	out, errOut, code = vigil(t, "", nil, "rules", "test", "--rules", off, p)
	if code != 0 || strings.Contains(out, "rule ssh-failed-password") {
		t.Errorf("disabled rule still fires (exit %d, %s):\n%s", code, errOut, out)
	}
	out, _, _ = vigil(t, "", nil, "rules", "list", "--rules", off)
	if !strings.Contains(out, "ssh-failed-password (disabled)") {
		t.Errorf("rules list does not show the rule disabled:\n%s", out)
	}

	// A bad rule file is bad usage, with file, line and reason.
	bad := writeFile(t, "bad.yaml", "rules:\n  - id: x-bad\n    categories: [auth.nope]\n    apps: [sshd]\n    contains: [x]\n")
	_, errOut, code = vigil(t, "", nil, "rules", "test", "--rules", bad, p)
	if code != 2 || !strings.Contains(errOut, bad+":3") || !strings.Contains(errOut, "auth.nope") {
		t.Errorf("bad rule file: exit %d, stderr %q", code, errOut)
	}
	if strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
		t.Errorf("error is not one line: %q", errOut)
	}
}
