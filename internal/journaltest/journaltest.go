// Package journaltest builds real journal files for tests and benchmarks:
// it writes entries in journalctl's export format and has
// systemd-journal-remote (Debian package systemd-journal-remote) turn them
// into a journal file that the real journalctl reads.
package journaltest

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-sec/vigil/internal/loggen"
)

// Entry is one journal entry: its fields in order. A key may repeat.
type Entry []Field

// Field is one KEY=value pair of an entry.
type Field struct {
	Key   string
	Value []byte
}

// Get returns the first value of key.
func (e Entry) Get(key string) string {
	for _, f := range e {
		if f.Key == key {
			return string(f.Value)
		}
	}
	return ""
}

// AppendExport appends e in export form: KEY=value, or KEY, a
// little-endian 64-bit length and the bytes for a value holding a newline
// or other control bytes; then the blank line.
func AppendExport(dst []byte, e Entry) []byte {
	for _, f := range e {
		dst = append(dst, f.Key...)
		if binaryValue(f.Value) {
			dst = append(dst, '\n')
			dst = binary.LittleEndian.AppendUint64(dst, uint64(len(f.Value)))
			dst = append(dst, f.Value...)
		} else {
			dst = append(dst, '=')
			dst = append(dst, f.Value...)
		}
		dst = append(dst, '\n')
	}
	return append(dst, '\n')
}

func binaryValue(v []byte) bool {
	for _, c := range v {
		if c < ' ' && c != '\t' || c == 0x7f {
			return true
		}
	}
	return false
}

// FromJSON reads `journalctl -o json` lines (a value that is an array of
// numbers is bytes, an array of strings a field given several times) into
// entries, keeping each line's keys in a stable order: the address fields
// first, then the rest sorted. __CURSOR is dropped (the journal makes its
// own).
func FromJSON(data []byte) ([]Entry, error) {
	var out []Entry
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			return nil, err
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			if k != "__CURSOR" {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		var e Entry
		for _, k := range keys {
			raw := m[k]
			var s string
			if json.Unmarshal(raw, &s) == nil {
				e = append(e, Field{k, []byte(s)})
				continue
			}
			var nums []byte
			var ints []int
			if json.Unmarshal(raw, &ints) == nil {
				for _, n := range ints {
					nums = append(nums, byte(n))
				}
				e = append(e, Field{k, nums})
				continue
			}
			var ss []string
			if json.Unmarshal(raw, &ss) == nil {
				for _, s := range ss {
					e = append(e, Field{k, []byte(s)})
				}
				continue
			}
			// null: a field journalctl left out; there is nothing to store.
		}
		out = append(out, e)
	}
	return out, sc.Err()
}

// syslogRE splits an RFC 3164 line as loggen writes it.
var syslogRE = regexp.MustCompile(`^(\w{3} [ \d]\d \d\d:\d\d:\d\d) (\S+) ([^\s\[:]+)(?:\[(\d+)\])?: (.*)$`)

// FromSyslog turns loggen's syslog lines into journal entries of the
// year of start with the fields journald stores for a syslog message
// (about 450 bytes an entry in export form, as on a real host). Lines
// that are not RFC 3164 are skipped. boot is the _BOOT_ID.
func FromSyslog(r io.Reader, year int, boot string) ([]Entry, error) {
	var out []Entry
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<20)
	var mono int64 = 1_000_000
	for sc.Scan() {
		m := syslogRE.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		t, err := time.ParseInLocation("Jan _2 15:04:05", m[1], time.UTC)
		if err != nil {
			continue
		}
		t = t.AddDate(year, 0, 0)
		mono += 1000
		out = append(out, SyslogEntry(t, m[2], m[3], m[4], m[5], boot, mono))
	}
	return out, sc.Err()
}

// SyslogEntry builds the entry journald stores for a syslog message.
func SyslogEntry(t time.Time, host, app, pid, msg, boot string, mono int64) Entry {
	if pid == "" {
		pid = "1"
	}
	unit := app + ".service"
	f := func(k, v string) Field { return Field{k, []byte(v)} }
	return Entry{
		f("__REALTIME_TIMESTAMP", strconv.FormatInt(t.UnixMicro(), 10)),
		f("__MONOTONIC_TIMESTAMP", strconv.FormatInt(mono, 10)),
		f("_BOOT_ID", boot),
		f("_MACHINE_ID", "5439a4082cf1a01e26426832034282ff"),
		f("_HOSTNAME", host),
		f("PRIORITY", "6"),
		f("SYSLOG_FACILITY", "4"),
		f("_UID", "0"),
		f("_GID", "0"),
		f("_COMM", app),
		f("_EXE", "/usr/sbin/"+app),
		f("_CMDLINE", app+": worker"),
		f("_CAP_EFFECTIVE", "1ffffffffff"),
		f("_SYSTEMD_CGROUP", "/system.slice/"+unit),
		f("_SYSTEMD_UNIT", unit),
		f("_SYSTEMD_SLICE", "system.slice"),
		f("_SYSTEMD_INVOCATION_ID", "3341c86bbe19866f099e4447e140165f"),
		f("_TRANSPORT", "syslog"),
		f("SYSLOG_IDENTIFIER", app),
		f("SYSLOG_PID", pid),
		f("_PID", pid),
		f("MESSAGE", msg),
		f("_SOURCE_REALTIME_TIMESTAMP", strconv.FormatInt(t.UnixMicro()-37, 10)),
	}
}

// Numbered returns entries from to from+n-1 of a numbered stream of sshd
// failures one millisecond apart from start, each message starting with
// "seq N", for tests that count what arrives.
func Numbered(start time.Time, from, n int, boot string) []Entry {
	es := make([]Entry, 0, n)
	for i := from; i < from+n; i++ {
		es = append(es, SyslogEntry(start.Add(time.Duration(i)*time.Millisecond), "web1", "sshd", "42",
			fmt.Sprintf("seq %d Failed password for root from 203.0.113.9 port 22 ssh2", i), boot, int64(i+1)*1000))
	}
	return es
}

// Generated returns n entries of loggen's server under attack, starting
// at start, all of boot.
func Generated(n int, seed uint64, start time.Time, boot string) ([]Entry, error) {
	var buf bytes.Buffer
	if err := loggen.Syslog(&buf, n, seed, start); err != nil {
		return nil, err
	}
	return FromSyslog(&buf, start.Year(), boot)
}

// RemoteBinary returns the path of systemd-journal-remote.
func RemoteBinary() (string, error) {
	for _, p := range []string{"/lib/systemd/systemd-journal-remote", "/usr/lib/systemd/systemd-journal-remote"} {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", errors.New("systemd-journal-remote not found: install the Debian package systemd-journal-remote (scripts/test does)")
}

// Write appends entries to the journal file path (created when missing)
// with systemd-journal-remote.
func Write(path string, entries []Entry) error {
	var buf []byte
	for _, e := range entries {
		buf = AppendExport(buf, e)
	}
	return WriteExport(path, bytes.NewReader(buf))
}

// WriteExport appends the export stream r to the journal file path.
func WriteExport(path string, r io.Reader) error {
	bin, err := RemoteBinary()
	if err != nil {
		return err
	}
	if !strings.HasSuffix(path, ".journal") {
		return fmt.Errorf("%s: a journal file name must end in .journal", path)
	}
	cmd := exec.Command(bin, "--output="+path, "--split-mode=none", "-")
	cmd.Stdin = r
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("systemd-journal-remote: %v: %s", err, errb.String())
	}
	return nil
}

// WriteGenerated appends n entries of loggen's server under attack to the
// journal file path, generated and written as a stream (a million entries
// need no more memory than a few).
func WriteGenerated(path string, n int, seed uint64, start time.Time, boot string) error {
	pr, pw := io.Pipe()
	go func() {
		lr, lw := io.Pipe()
		go func() { lw.CloseWithError(loggen.Syslog(lw, n, seed, start)) }()
		bw := bufio.NewWriterSize(pw, 1<<20)
		sc := bufio.NewScanner(lr)
		sc.Buffer(nil, 1<<20)
		var buf []byte
		mono := int64(1_000_000)
		for sc.Scan() {
			m := syslogRE.FindStringSubmatch(sc.Text())
			if m == nil {
				continue
			}
			t, err := time.ParseInLocation("Jan _2 15:04:05", m[1], time.UTC)
			if err != nil {
				continue
			}
			mono += 1000
			buf = AppendExport(buf[:0], SyslogEntry(t.AddDate(start.Year(), 0, 0), m[2], m[3], m[4], m[5], boot, mono))
			if _, err := bw.Write(buf); err != nil {
				lr.CloseWithError(err)
				return
			}
		}
		err := sc.Err()
		if err == nil {
			err = bw.Flush()
		}
		pw.CloseWithError(err)
	}()
	err := WriteExport(path, pr)
	pr.Close()
	return err
}
