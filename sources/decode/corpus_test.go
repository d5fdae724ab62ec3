package decode

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/sources"
)

type corpusFile struct {
	name   string
	format string
	host   bool // every line names its host
	app    bool // every line names its program
}

var corpusFiles = []corpusFile{
	{"syslog-debian.log", FormatRFC3164, true, true},
	{"syslog-rhel.log", FormatRFC3164, true, true},
	{"rfc5424.log", FormatRFC5424, true, true},
	{"journal.jsonl", FormatJournalJSON, true, true},
	{"audit.log", FormatAuditd, false, true},
	{"access.log", FormatAccess, false, true},
	{"app.jsonl", FormatJSON, false, false},
}

type expectedLine struct {
	Fields map[string]string `json:"fields"`
}

// TestCorpus decodes every corpus line with an auto-detecting decoder per
// file, as the engine would.
func TestCorpus(t *testing.T) {
	akl := auckland(t)
	for _, cf := range corpusFiles {
		t.Run(cf.name, func(t *testing.T) {
			lines := readLines(t, cf.name)
			exp := readExpectedLines(t, cf.name)
			if len(exp) != len(lines) {
				t.Fatalf("%d lines, %d expected lines", len(lines), len(exp))
			}
			d := New(Options{Location: akl})
			for i, l := range lines {
				var ev event.Event
				d.decodeLine(&ev, sources.Line{Data: l, Offset: int64(i)}, corpusRef, testArrival)
				where := cf.name + ":" + itoa(i+1)
				if ev.Format != cf.format {
					t.Errorf("%s: format %q, want %q", where, ev.Format, cf.format)
					continue
				}
				if ev.Message == "" {
					t.Errorf("%s: empty message", where)
				}
				if cf.host && ev.Host == "" {
					t.Errorf("%s: no host", where)
				}
				if cf.app && ev.App == "" {
					t.Errorf("%s: no app", where)
				}
				if ev.Time.Year() != 2026 || ev.Time.In(akl).Month() != time.November || ev.Time.Location() != time.UTC {
					t.Errorf("%s: time %v not in November 2026 (UTC)", where, ev.Time)
				}
				checkSafe(t, &ev)
				var e expectedLine
				if err := json.Unmarshal(exp[i], &e); err != nil {
					t.Fatal(err)
				}
				for _, k := range expectedKeys[cf.format] {
					if want, ok := e.Fields[k]; ok && ev.Fields[k] != want {
						t.Errorf("%s: field %s = %q, want %q (fields %v)", where, k, ev.Fields[k], want, ev.Fields)
					}
				}
			}
		})
	}
}

// expectedKeys lists, per format, the expected-file fields the decoder
// itself must produce (the rest is the tagger's job: a syslog line's user is
// found by rules, not by the decoder).
var expectedKeys = map[string][]string{
	FormatJSON:        {"user", "src_ip", "target_user"},
	FormatAccess:      {"src_ip", "method", "uri", "status"},
	FormatJournalJSON: {"unit"},
	FormatAuditd:      {"user", "src_ip", "tty", "command", "path", "package", "version", "target_user", "group"},
}
