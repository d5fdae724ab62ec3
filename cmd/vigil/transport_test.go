package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/internal/journaltest"
)

// syslogLine matches the start of an RFC 3164 line as rsyslog writes it,
// with the traditional or the RFC 3339 timestamp.
var syslogLine = regexp.MustCompile(`^(?:[A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\S*) \S+ \S+`)

// streamJSON runs vigil stream --format json on a file and returns the
// events.
func streamJSON(t *testing.T, path string, extra ...string) []map[string]any {
	t.Helper()
	args := append([]string{"stream", "--format", "json", "--utc"}, extra...)
	cmd := exec.Command(vigilBin, append(args, path)...)
	cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+t.TempDir())
	var errb bytes.Buffer
	cmd.Stderr = &errb
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("vigil stream %s: %v\n%s", path, err, errb.String())
	}
	var evs []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var e map[string]any
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatal(err)
		}
		evs = append(evs, e)
	}
	return evs
}

func strs(v any) []string {
	var out []string
	for _, x := range toSlice(v) {
		out = append(out, fmt.Sprint(x))
	}
	return out
}

func toSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

// TestSameTagsAcrossTransports checks that a message gets the same
// categories and rules whether it was read from a syslog file (RFC 3164),
// received by a collector (RFC 5424), piped from journald (journalctl -o
// json) or read from a real journal through journalctl (the journald
// source): every syslog line of the labelled corpora is re-sent in the
// three other forms and tagged again.
func TestSameTagsAcrossTransports(t *testing.T) {
	var files []string
	for _, dir := range corpusDirs() {
		m, _ := filepath.Glob(filepath.Join(dir, "*.log"))
		files = append(files, m...)
	}
	checked := 0
	for _, f := range files {
		evs := streamJSON(t, f, "--raw")
		var r5424, journal strings.Builder
		var entries []journaltest.Entry
		var orig []map[string]any
		for _, e := range evs {
			// Only lines a syslog daemon wrote to a file: raw audit
			// records or JSON lines are not syslog messages.
			raw, _ := e["raw"].(string)
			if !syslogLine.MatchString(raw) {
				continue
			}
			app, _ := e["app"].(string)
			msg, _ := e["message"].(string)
			if app == "" || msg == "" || strings.ContainsRune(msg, '\n') {
				continue
			}
			host, _ := e["host"].(string)
			pid := ""
			if p, ok := e["pid"].(float64); ok {
				pid = strconv.Itoa(int(p))
			}
			ts, _ := time.Parse(time.RFC3339Nano, e["time"].(string))
			h := host
			if h == "" {
				h = "-"
			}
			p := pid
			if p == "" {
				p = "-"
			}
			fmt.Fprintf(&r5424, "<38>1 %s %s %s %s - - %s\n", ts.Format(time.RFC3339Nano), h, app, p, msg)
			j := map[string]string{
				"__REALTIME_TIMESTAMP": strconv.FormatInt(ts.UnixMicro(), 10),
				"_HOSTNAME":            host, "SYSLOG_IDENTIFIER": app, "MESSAGE": msg,
				"PRIORITY": "6", "_TRANSPORT": "syslog",
			}
			if pid != "" {
				j["_PID"] = pid
			}
			b, _ := json.Marshal(j)
			journal.Write(b)
			journal.WriteByte('\n')
			entries = append(entries, journaltest.SyslogEntry(ts, host, app, pid, msg, "44444444444444444444444444444444", int64(len(entries)+1)*1000))
			orig = append(orig, e)
		}
		if len(orig) == 0 {
			continue
		}
		dir := t.TempDir()
		jdir := filepath.Join(dir, "journal-files")
		if err := os.Mkdir(jdir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := journaltest.Write(filepath.Join(jdir, "x.journal"), entries); err != nil {
			t.Fatal(err)
		}
		for _, form := range []struct{ name, text, format string }{
			{"rfc5424", r5424.String(), "rfc5424"},
			{"journal", journal.String(), "journal-json"},
			{"journald", "", ""},
		} {
			var got []map[string]any
			if form.name == "journald" {
				got = streamJSON(t, "journald", "--journal-dir", jdir)
			} else {
				p := filepath.Join(dir, form.name)
				if err := os.WriteFile(p, []byte(form.text), 0o644); err != nil {
					t.Fatal(err)
				}
				got = streamJSON(t, p, "--input-format", form.format)
			}
			if len(got) != len(orig) {
				t.Fatalf("%s as %s: %d events for %d lines", f, form.name, len(got), len(orig))
			}
			for i := range orig {
				wc, gc := strs(orig[i]["categories"]), strs(got[i]["categories"])
				wr, gr := strs(orig[i]["rules"]), strs(got[i]["rules"])
				if !slices.Equal(wc, gc) || !slices.Equal(wr, gr) {
					t.Errorf("%s: %q as %s: categories %v rules %v; from the file %v %v",
						filepath.Base(f), orig[i]["message"], form.name, gc, gr, wc, wr)
				}
				checked++
			}
		}
	}
	if checked == 0 {
		t.Fatal("no syslog lines in the labelled corpora")
	}
	t.Logf("%d lines compared across transports", checked)
}
