package journald

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/internal/journaltest"
	"github.com/vigil-sec/vigil/sources"
	"github.com/vigil-sec/vigil/sources/decode"
)

// corpus is the labelled journald sample (journalctl -o json).
const corpus = "../decode/testdata/journal.jsonl"

// oneByteReader returns one byte per Read, to split entries everywhere.
type oneByteReader struct{ r io.Reader }

func (o oneByteReader) Read(p []byte) (int, error) { return o.r.Read(p[:min(1, len(p))]) }

// TestExportReaderSplitsAnywhere feeds the export stream one byte per read
// and in one piece and checks both give the same entries, binary fields
// and fields holding "\n\n" included.
func TestExportReaderSplitsAnywhere(t *testing.T) {
	entries := []journaltest.Entry{
		{{Key: "__CURSOR", Value: []byte("c1")}, {Key: "_BOOT_ID", Value: []byte("b1")}, {Key: "MESSAGE", Value: []byte("one")}},
		{{Key: "__CURSOR", Value: []byte("c2")}, {Key: "MESSAGE", Value: []byte("two\n\nlines\x00\xff")}, {Key: "_BOOT_ID", Value: []byte("b\n2")}},
		{{Key: "__CURSOR", Value: []byte("c3")}, {Key: "MESSAGE", Value: []byte("")}},
	}
	var stream []byte
	for _, e := range entries {
		stream = journaltest.AppendExport(stream, e)
	}
	for _, r := range []io.Reader{bytes.NewReader(stream), oneByteReader{bytes.NewReader(stream)}} {
		x := newExportReader(r)
		var got []entry
		for {
			err := x.fill()
			for {
				e, ok, perr := x.next()
				if perr != nil {
					t.Fatal(perr)
				}
				if !ok {
					break
				}
				got = append(got, e)
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		if len(got) != len(entries) {
			t.Fatalf("%d entries, want %d", len(got), len(entries))
		}
		for i, e := range got {
			want := journaltest.AppendExport(nil, entries[i])
			if string(e.data) != string(want[:len(want)-1]) {
				t.Errorf("entry %d: %q, want %q", i, e.data, want[:len(want)-1])
			}
			if string(e.cursor) != entries[i].Get("__CURSOR") || string(e.boot) != entries[i].Get("_BOOT_ID") {
				t.Errorf("entry %d: cursor %q boot %q", i, e.cursor, e.boot)
			}
		}
	}
}

// TestCompactLongEntry checks that an entry over sources.MaxLine keeps its
// address fields and the head of its message, and counts what was cut.
func TestCompactLongEntry(t *testing.T) {
	msg := strings.Repeat("x", 3*sources.MaxLine)
	e := journaltest.Entry{
		{Key: "__CURSOR", Value: []byte("c")}, {Key: "__REALTIME_TIMESTAMP", Value: []byte("1795633262112233")},
		{Key: "_HOSTNAME", Value: []byte("web3")}, {Key: "SYSLOG_IDENTIFIER", Value: []byte("app")},
		{Key: "COREDUMP", Value: bytes.Repeat([]byte{0}, sources.MaxLine)}, {Key: "MESSAGE", Value: []byte(msg)},
	}
	data := journaltest.AppendExport(nil, e)
	l := compact(data[:len(data)-1])
	if len(l.Data) > sources.MaxLine || l.Truncated <= 0 {
		t.Fatalf("compacted to %d bytes, truncated %d", len(l.Data), l.Truncated)
	}
	var ev event.Event
	decode.New(decode.Options{Format: decode.FormatJournalExport}).Decode(&ev, l, time.Time{}, time.Time{})
	if ev.Host != "web3" || ev.App != "app" || !strings.HasPrefix(ev.Message, "xxxx") || !strings.Contains(ev.Message, "[truncated") {
		t.Errorf("decoded %q %q %.20q…%q", ev.Host, ev.App, ev.Message, ev.Message[len(ev.Message)-30:])
	}
	if int64(len(msg)) != int64(strings.Count(ev.Message, "x"))+l.Truncated {
		t.Errorf("kept %d + cut %d != %d", strings.Count(ev.Message, "x"), l.Truncated, len(msg))
	}
}

// buildCorpusJournal writes the JSON corpus into a real journal file in a
// new directory and returns the directory and the entries.
func buildCorpusJournal(t *testing.T) (string, []journaltest.Entry) {
	t.Helper()
	data, err := os.ReadFile(corpus)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := journaltest.FromJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := journaltest.Write(filepath.Join(dir, "corpus.journal"), entries); err != nil {
		t.Fatal(err)
	}
	return dir, entries
}

// collect runs src until it returns and gathers its batches.
func collect(t *testing.T, ctx context.Context, src sources.Source) ([]sources.Batch, error) {
	t.Helper()
	ch := make(chan sources.Batch, 16)
	var (
		batches []sources.Batch
		wg      sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for b := range ch {
			batches = append(batches, b)
		}
	}()
	err := src.Run(ctx, ch)
	close(ch)
	wg.Wait()
	return batches, err
}

// TestReadCorpusThroughJournalctl writes the journald corpus into a real
// journal file, reads it back through the real journalctl, and checks that
// the journal-export decoding of every entry equals the journal-json
// decoding of the corpus line it came from.
func TestReadCorpusThroughJournalctl(t *testing.T) {
	dir, entries := buildCorpusJournal(t)
	batches, err := collect(t, context.Background(), New("journald", Options{Dir: dir}))
	if err != nil {
		t.Fatal(err)
	}
	var lines []sources.Line
	for _, b := range batches {
		if b.Format != decode.FormatJournalExport || b.Source != "journald:"+dir {
			t.Errorf("batch format %q source %q", b.Format, b.Source)
		}
		lines = append(lines, b.Lines...)
	}
	if len(lines) != len(entries) {
		t.Fatalf("%d entries read, %d written", len(lines), len(entries))
	}
	jsonLines, _ := os.ReadFile(corpus)
	js := strings.Split(strings.TrimSpace(string(jsonLines)), "\n")
	exp := decode.New(decode.Options{Format: decode.FormatJournalExport})
	jd := decode.New(decode.Options{Format: decode.FormatJournalJSON})
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for i, l := range lines {
		var a, b event.Event
		exp.Decode(&a, l, now, now)
		jd.Decode(&b, sources.Line{Data: []byte(js[i]), Offset: -1}, now, now)
		if a.Format != decode.FormatJournalExport {
			t.Fatalf("entry %d decoded as %s", i, a.Format)
		}
		if !a.Time.Equal(b.Time) || a.Host != b.Host || a.App != b.App || a.PID != b.PID || a.Severity != b.Severity || a.Message != b.Message {
			t.Errorf("entry %d:\nexport %v %q %q %d %v %q\njson   %v %q %q %d %v %q", i,
				a.Time, a.Host, a.App, a.PID, a.Severity, a.Message, b.Time, b.Host, b.App, b.PID, b.Severity, b.Message)
		}
		for k, v := range b.Fields {
			if a.Fields[k] != v {
				t.Errorf("entry %d: field %s %q, json %q", i, k, a.Fields[k], v)
			}
		}
		if a.Time.Nanosecond()%1000 != 0 || a.Time.Nanosecond() == 0 {
			t.Errorf("entry %d: time %v lost its microseconds", i, a.Time)
		}
	}
}

// TestBootBoundary checks the "new boot" notice comes between the last
// entry of one boot and the first of the next, timed like the latter.
func TestBootBoundary(t *testing.T) {
	start := time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)
	a, err := journaltest.Generated(50, 1, start, "11111111111111111111111111111111")
	if err != nil {
		t.Fatal(err)
	}
	b, err := journaltest.Generated(50, 2, start.Add(time.Hour), "22222222222222222222222222222222")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := journaltest.Write(filepath.Join(dir, "x.journal"), append(a, b...)); err != nil {
		t.Fatal(err)
	}
	batches, err := collect(t, context.Background(), New("journald", Options{Dir: dir}))
	if err != nil {
		t.Fatal(err)
	}
	n, notices := 0, 0
	for _, bt := range batches {
		for _, nt := range bt.Notices {
			notices++
			if n != len(a) || nt.Message != "journald: new boot 22222222222222222222222222222222" {
				t.Errorf("notice %q after %d entries", nt.Message, n)
			}
			if want := b[0].Get("__REALTIME_TIMESTAMP"); fmt.Sprint(nt.Time.UnixMicro()) != want {
				t.Errorf("notice time %v, want µs %s", nt.Time, want)
			}
		}
		n += len(bt.Lines)
	}
	if n != len(a)+len(b) || notices != 1 {
		t.Errorf("%d entries, %d notices", n, notices)
	}
}

// TestErrorsUsersCanActOn checks the messages for a missing journalctl, a
// directory without journal files, a missing file, and a unit with no
// entries (a notice, not an error).
func TestErrorsUsersCanActOn(t *testing.T) {
	ctx := context.Background()
	_, err := collect(t, ctx, New("journald", Options{Journalctl: "/nonexistent/journalctl"}))
	if err == nil || !strings.Contains(err.Error(), "journalctl not found") || !strings.Contains(err.Error(), "apt install systemd") {
		t.Errorf("missing journalctl: %v", err)
	}
	empty := t.TempDir()
	_, err = collect(t, ctx, New("journald", Options{Dir: empty}))
	if err == nil || !strings.Contains(err.Error(), "holds no journal files") {
		t.Errorf("empty dir: %v", err)
	}
	_, err = collect(t, ctx, New("journald", Options{Files: []string{filepath.Join(empty, "x.journal")}}))
	if err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("missing file: %v", err)
	}
	dir, _ := buildCorpusJournal(t)
	batches, err := collect(t, ctx, New("journald:nosuch.service", Options{Dir: dir, Units: []string{"nosuch.service"}}))
	if err != nil || len(batches) != 1 || len(batches[0].Notices) != 1 || !strings.Contains(batches[0].Notices[0].Message, "no entries for nosuch.service") {
		t.Errorf("unit without entries: %v %+v", err, batches)
	}
	// Following: a notice first, then the source waits.
	fctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	batches, err = collect(t, fctx, New("journald:nosuch.service", Options{Dir: dir, Units: []string{"nosuch.service"}, Follow: true}))
	if err != nil || len(batches) != 1 || !strings.Contains(batches[0].Notices[0].Message, "waiting for them") {
		t.Errorf("followed unit without entries: %v %+v", err, batches)
	}
	// A glob selects units as journalctl does.
	batches, err = collect(t, ctx, New("journald", Options{Dir: dir, Units: []string{"ssh*"}}))
	got := 0
	for _, b := range batches {
		got += len(b.Lines)
	}
	if err != nil || got == 0 {
		t.Errorf("unit glob: %v, %d entries", err, got)
	}
}

// TestFollowSurvivesKilledJournalctl follows a journal directory while
// entries are appended to it, either to the same file or in a new file per
// round (journalctl --follow --directory does not open new files itself),
// kills the journalctl child again and again mid-stream, and checks that
// every entry arrives exactly once and each restart was announced.
func TestFollowSurvivesKilledJournalctl(t *testing.T) {
	for _, newFiles := range []bool{false, true} {
		name := "append"
		if newFiles {
			name = "new-files"
		}
		t.Run(name, func(t *testing.T) { followKilled(t, newFiles) })
	}
}

func followKilled(t *testing.T, newFiles bool) {
	dir := t.TempDir()
	path := filepath.Join(dir, "follow.journal")
	fileOf := func(round int) string {
		if newFiles {
			return filepath.Join(dir, fmt.Sprintf("round%d.journal", round))
		}
		return path
	}
	newFileNotices := 0
	start := time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)
	const rounds, per = 6, 5000
	mk := func(round int) []journaltest.Entry {
		return journaltest.Numbered(start, round*per, per, "33333333333333333333333333333333")
	}
	if err := journaltest.Write(fileOf(0), mk(0)); err != nil {
		t.Fatal(err)
	}
	// With a unit match: --after-cursor with a match lost an entry
	// before systemd 255.
	src := New("journald", Options{Dir: dir, Units: []string{"sshd.service"}, Follow: true, DirPoll: 50 * time.Millisecond, MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch := make(chan sources.Batch, 4)
	done := make(chan error, 1)
	go func() { done <- src.Run(ctx, ch) }()

	seen := map[int]int{}
	restarts := 0
	kills := 0
	deadline := time.After(60 * time.Second)
	next := 1
	for len(seen) < rounds*per {
		select {
		case b := <-ch:
			for _, n := range b.Notices {
				if strings.Contains(n.Message, "restarting it") {
					restarts++
					if !strings.Contains(n.Message, "nothing is lost or repeated") {
						t.Errorf("restart notice: %q", n.Message)
					}
				}
				if strings.Contains(n.Message, "new journal file") {
					newFileNotices++
				}
			}
			for _, l := range b.Lines {
				i := bytes.Index(l.Data, []byte("MESSAGE=seq "))
				var n int
				fmt.Sscanf(string(l.Data[i+len("MESSAGE=seq "):]), "%d", &n)
				seen[n]++
				if seen[n] > 1 {
					t.Fatalf("entry %d arrived twice", n)
				}
			}
			// Kill journalctl in the middle of each round, then append the
			// next round.
			if len(seen) >= (next-1)*per+per/2 && kills < next && next <= rounds {
				if pid := src.PID(); pid > 0 {
					_ = syscall.Kill(pid, syscall.SIGKILL)
					kills++
				}
			}
			if len(seen) == next*per && next < rounds {
				if err := journaltest.Write(fileOf(next), mk(next)); err != nil {
					t.Fatal(err)
				}
				next++
			}
		case <-deadline:
			t.Fatalf("timed out with %d of %d entries, %d kills, %d restarts", len(seen), rounds*per, kills, restarts)
		}
	}
	// A kill after journalctl had written everything is announced after
	// the entries already sent.
	for late := time.After(10 * time.Second); restarts < kills; {
		select {
		case b := <-ch:
			for _, n := range b.Notices {
				if strings.Contains(n.Message, "restarting it") {
					restarts++
				}
			}
			if len(b.Lines) > 0 {
				t.Fatalf("%d entries after all were seen", len(b.Lines))
			}
		case <-late:
			t.Fatalf("%d kills, %d restart notices", kills, restarts)
		}
	}
	cancel()
	for stopped := false; !stopped; {
		select {
		case <-ch:
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			stopped = true
		}
	}
	if kills == 0 || restarts < kills {
		t.Errorf("%d kills, %d restart notices", kills, restarts)
	}
	if newFiles && newFileNotices < rounds-1 {
		t.Errorf("%d new-file notices for %d new files", newFileNotices, rounds-1)
	}
	t.Logf("%d entries, %d kills, %d restarts, %d new files read", len(seen), kills, restarts, newFileNotices)
}

// TestPartialAccessHint runs a stand-in journalctl that prints the hint
// journalctl gives a user outside the journal's groups (it then shows only
// that user's own entries) and checks the hint becomes one notice that
// says which group to join.
func TestPartialAccessHint(t *testing.T) {
	dir := t.TempDir()
	fake := filepath.Join(dir, "journalctl")
	script := `#!/bin/sh
printf '__CURSOR=c1\n__REALTIME_TIMESTAMP=1795633262112233\nMESSAGE=mine\n\n'
echo "Hint: You are currently not seeing messages from other users and the system." >&2
echo "      Users in groups 'adm', 'systemd-journal' can see all messages." >&2
echo "      Pass -q to turn off this notice." >&2
`
	if err := os.WriteFile(fake, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "x.journal"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	batches, err := collect(t, context.Background(), New("journald", Options{Journalctl: fake, Dir: dir}))
	if err != nil {
		t.Fatal(err)
	}
	var notes []string
	lines := 0
	for _, b := range batches {
		lines += len(b.Lines)
		for _, n := range b.Notices {
			notes = append(notes, n.Message)
		}
	}
	if lines != 1 || len(notes) != 1 || !strings.Contains(notes[0], "you see only your own messages") || !strings.Contains(notes[0], "systemd-journal") {
		t.Errorf("%d lines, notices %q", lines, notes)
	}
}
