package export

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/sanitize"
)

var t0 = time.Date(2026, 11, 22, 3, 5, 49, 123456000, time.UTC)

// sample returns ordinary and hostile events, their strings escaped the way
// the decoder escapes them.
func sample() []*event.Event {
	mk := func(sec int, host, app string, pid int, raw, msg string) *event.Event {
		if msg == "" && raw != "" {
			msg = sanitize.String(raw)
		}
		e := &event.Event{
			Time: t0.Add(time.Duration(sec) * time.Second), Host: host, App: app, PID: pid,
			Severity: event.Info, Message: msg, Source: "file:/var/log/auth.log", Offset: int64(sec * 100),
		}
		if raw != "" {
			e.Raw = []byte(raw)
		}
		return e
	}
	ssh := mk(0, "web1", "sshd", 1234, "", "Failed password for root from 203.0.113.9 port 52113 ssh2")
	ssh.Raw = []byte("Nov 22 03:05:49 web1 sshd[1234]: Failed password for root from 203.0.113.9 port 52113 ssh2")
	ssh.Categories = []string{"auth.failure"}
	ssh.Rules = []string{"ssh-failed-password"}
	ssh.SetField("user", "root")
	ssh.SetField("src_ip", "203.0.113.9")
	ssh.Template = "a41f0c2e"

	esc := mk(1, "web1", "app", 0, "\x1b]0;PWNED\a\x1b[2J title, \"quoted\" and\ttab", "")
	esc.Severity = event.Warning

	badUTF8 := mk(2, "web1", "app", 7, "caf\xe9 \xff\xfe user=\"a,b\"\r", "")
	badUTF8.Offset = -1

	formula := mk(3, "@evil", "+x", 0, "=HYPERLINK(\"http://x\",\"y\")", "")
	formula.SetField("user", "-1+1")
	formula.SetField("src_ip", "\t=1")
	formula.Categories = []string{"auth.failure", "policy.violation"}
	formula.Rules = []string{"r1", "r2"}

	newline := mk(4, "", "", 0, "first\nsecond \u202eevil \u009b31m ad\u200bmin\x7f", "")

	noRaw := mk(5, "baseline", "vigil", 0, "", "host web2 went silent")
	noRaw.Source = "baseline"
	noRaw.Severity = event.Notice

	cut := mk(6, "web1", "kernel", 0, strings.Repeat("A", 40), "")
	cut.Truncated = 1000
	cut.TimeGuessed = true

	// A caller that forgot to escape: the export must escape anyway.
	raw := mk(7, "db\x1b[31m1", "pg", 9, "", "-\x1b[31mred\x00")
	raw.Raw = []byte("-\x1b[31mred\x00")

	return []*event.Event{ssh, esc, badUTF8, formula, newline, noRaw, cut, raw}
}

func header(n int) Header {
	return Header{
		Query:     `app:sshd and "failed, really" or -host:=x`,
		Selection: "marked",
		From:      t0,
		To:        t0.Add(7 * time.Second),
		Sources:   []string{"file:/var/log/auth.log", "journald"},
		Created:   time.Date(2026, 11, 22, 4, 0, 0, 0, time.UTC),
		Host:      "ir-laptop",
		Version:   "v1.2.0",
		Count:     n,
	}
}

func write(t testing.TB, f Format, evs []*event.Event) []byte {
	t.Helper()
	var b bytes.Buffer
	n, err := Write(&b, f, header(len(evs)), slices.Values(evs))
	if err != nil || n != len(evs) {
		t.Fatalf("Write(%v) = %d, %v; want %d events", f, n, err, len(evs))
	}
	return b.Bytes()
}

func TestWriteGolden(t *testing.T) {
	for _, f := range []Format{JSONL, CSV, Text} {
		t.Run(f.String(), func(t *testing.T) {
			golden.RequireEqual(t, write(t, f, sample()))
		})
	}
	t.Run("empty", func(t *testing.T) {
		for _, f := range []Format{JSONL, CSV, Text} {
			var b bytes.Buffer
			h := Header{Count: 0}
			if _, err := Write(&b, f, h, slices.Values([]*event.Event(nil))); err != nil {
				t.Fatal(err)
			}
			t.Run(f.String(), func(t *testing.T) { golden.RequireEqual(t, b.Bytes()) })
		}
	})
}

// checkInert fails if out holds anything a terminal would act on.
func checkInert(t *testing.T, out []byte) {
	t.Helper()
	if !utf8.Valid(out) {
		t.Error("output is not valid UTF-8")
	}
	for i, line := range strings.Split(string(out), "\n") {
		if sanitize.NeededString(line) {
			t.Errorf("line %d holds a control character or invisible text: %q", i+1, line)
		}
	}
}

func TestJSONL(t *testing.T) {
	evs := sample()
	out := write(t, JSONL, evs)
	checkInert(t, out)
	lines := strings.SplitAfter(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(lines) != len(evs)+2 {
		t.Fatalf("%d lines, want header, %d events, trailer", len(lines), len(evs))
	}
	var hdr struct {
		Export struct {
			Version, Host, Selection, Query, Hash string
			Created, From, To                     *time.Time
			Sources                               []string
			Count                                 int
		} `json:"vigil_export"`
	}
	if err := json.Unmarshal([]byte(lines[0]), &hdr); err != nil {
		t.Fatalf("header: %v", err)
	}
	h := header(len(evs))
	if x := hdr.Export; x.Query != h.Query || x.Count != len(evs) || !x.From.Equal(h.From) || !x.To.Equal(h.To) ||
		!x.Created.Equal(h.Created) || !slices.Equal(x.Sources, h.Sources) || x.Host != h.Host || x.Version != h.Version || x.Selection != "marked" {
		t.Errorf("header %+v", x)
	}
	for i, e := range evs {
		var got struct {
			Time      time.Time
			Message   string
			Raw       *string
			RawBase64 string `json:"raw_base64"`
			RawSHA256 string `json:"raw_sha256"`
			Fields    map[string]string
		}
		if err := json.Unmarshal([]byte(lines[i+1]), &got); err != nil {
			t.Fatalf("event %d: %v in %s", i, err, lines[i+1])
		}
		var hashed []byte
		switch {
		case got.RawBase64 != "":
			b, err := base64.StdEncoding.DecodeString(got.RawBase64)
			if err != nil {
				t.Fatal(err)
			}
			hashed = b
		case got.Raw != nil:
			hashed = []byte(*got.Raw)
		default:
			hashed = []byte(got.Message)
		}
		if sum := sha256.Sum256(hashed); hex.EncodeToString(sum[:]) != got.RawSHA256 || got.RawSHA256 != RawSHA256(e) {
			t.Errorf("event %d: raw_sha256 %s does not verify against the line's own raw", i, got.RawSHA256)
		}
		if len(e.Raw) > 0 && !bytes.Equal(hashed, e.Raw) {
			t.Errorf("event %d: raw %q, want %q", i, hashed, e.Raw)
		}
		if !got.Time.Equal(e.Time) || got.Message != e.Message {
			t.Errorf("event %d: %v %q", i, got.Time, got.Message)
		}
	}
	checkTrailer(t, out, `{"vigil_export_end":{"count":8,"sha256":"`, `"}}`)
}

// checkTrailer verifies that the last line of out is prefix, the SHA-256
// of everything before it, suffix.
func checkTrailer(t *testing.T, out []byte, prefix, suffix string) {
	t.Helper()
	body := out[:bytes.LastIndexByte(out[:len(out)-1], '\n')+1]
	sum := sha256.Sum256(body)
	want := prefix + hex.EncodeToString(sum[:]) + suffix + "\n"
	if got := string(out[len(body):]); got != want {
		t.Errorf("trailer %q, want %q", got, want)
	}
	tampered := bytes.Replace(body, []byte("203.0.113.9"), []byte("203.0.113.8"), 1)
	if sha256.Sum256(tampered) == sum {
		t.Error("an edit does not change the body hash")
	}
}

func TestCSV(t *testing.T) {
	evs := sample()
	out := write(t, CSV, evs)
	checkInert(t, bytes.ReplaceAll(out, []byte("\t"), nil)) // TAB is kept inside cells

	r := csv.NewReader(bytes.NewReader(out))
	r.Comment = '#'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rows[0], csvColumns) {
		t.Fatalf("columns %q", rows[0])
	}
	rows = rows[1:]
	if len(rows) != len(evs) {
		t.Fatalf("%d rows, want %d", len(rows), len(evs))
	}
	col := func(row []string, name string) string { return row[slices.Index(csvColumns, name)] }
	for i, e := range evs {
		if got := col(rows[i], "raw_sha256"); got != RawSHA256(e) {
			t.Errorf("row %d: raw_sha256 %s", i, got)
		}
		if got, want := col(rows[i], "time"), string(event.AppendTime(nil, e.Time)); got != want {
			t.Errorf("row %d: time %s, want %s", i, got, want)
		}
	}
	checks := []struct {
		row        int
		name, want string
	}{
		{0, "categories", "auth.failure"},
		{0, "user", "root"},
		{0, "pid", "1234"},
		{0, "offset", "0"},
		{1, "message", `\x1b]0;PWNED\x07\x1b[2J title, "quoted" and` + "\ttab"},
		{1, "severity", "warning"},
		{2, "message", `caf\xe9 \xff\xfe user="a,b"\r`},
		{2, "offset", ""},
		{3, "host", "'@evil"},
		{3, "app", "'+x"},
		{3, "user", "'-1+1"},
		{3, "src_ip", "'\t=1"},
		{3, "message", `'=HYPERLINK("http://x","y")`},
		{3, "categories", "auth.failure;policy.violation"},
		{3, "rules", "r1;r2"},
		{4, "message", `first\nsecond \u202eevil \u009b31m ad\u200bmin\x7f`},
		{4, "host", ""},
		{5, "pid", ""},
		{7, "host", `db\x1b[31m1`},
		{7, "message", `'-\x1b[31mred\x00`},
	}
	for _, c := range checks {
		if got := col(rows[c.row], c.name); got != c.want {
			t.Errorf("row %d %s = %q, want %q", c.row, c.name, got, c.want)
		}
	}

	// The header rows are CSV records too, for readers that skip nothing.
	r = csv.NewReader(bytes.NewReader(out))
	r.FieldsPerRecord = -1
	all, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	meta := map[string][]string{}
	for _, rec := range all {
		if strings.HasPrefix(rec[0], "#") {
			if len(rec) != 2 {
				t.Errorf("header row %q: want 2 fields", rec)
			}
			meta[rec[0]] = append(meta[rec[0]], rec[1])
		}
	}
	h := header(len(evs))
	if q := meta["# query"]; len(q) != 1 || q[0] != h.Query {
		t.Errorf("query %q, want %q", q, h.Query)
	}
	if s := meta["# source"]; !slices.Equal(s, h.Sources) {
		t.Errorf("sources %q", s)
	}
	if e := meta["# events"]; len(e) != 1 || e[0] != "8" {
		t.Errorf("events %q", e)
	}
}

func TestText(t *testing.T) {
	evs := sample()
	out := write(t, Text, evs)
	checkInert(t, bytes.ReplaceAll(out, []byte("\t"), nil))
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	var body []string
	for _, l := range lines {
		if !strings.HasPrefix(l, "#") {
			body = append(body, l)
		}
	}
	if len(body) != len(evs) {
		t.Fatalf("%d event lines, want %d", len(body), len(evs))
	}
	for i, e := range evs {
		if !strings.HasSuffix(body[i], "  sha256="+RawSHA256(e)) {
			t.Errorf("line %d does not end with its hash: %s", i, body[i])
		}
	}
	if !strings.Contains(string(out), "\n# window: 2026-11-22T03:05:49.123456Z – 2026-11-22T03:05:56.123456Z\n") {
		t.Error("no window line")
	}
	checkTrailer(t, out, "# end: 8 events, sha256 of the lines above ", "")
}

func TestRawSHA256(t *testing.T) {
	e := &event.Event{Raw: []byte("abc"), Message: "other"}
	const abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	if got := RawSHA256(e); got != abc {
		t.Errorf("raw: %s", got)
	}
	e = &event.Event{Raw: []byte{}, Message: "abc"}
	if got := RawSHA256(e); got != abc {
		t.Errorf("no raw, message: %s", got)
	}
}

func TestCountMismatch(t *testing.T) {
	for _, f := range []Format{JSONL, CSV, Text} {
		h := header(3)
		n, err := Write(io.Discard, f, h, slices.Values(sample()))
		if !errors.Is(err, ErrCount) || n != 8 {
			t.Errorf("%v: %d, %v; want 8 and ErrCount", f, n, err)
		}
	}
}

func TestNilEventsSkipped(t *testing.T) {
	evs := []*event.Event{nil, sample()[0], nil}
	h := header(1)
	if n, err := Write(io.Discard, Text, h, slices.Values(evs)); n != 1 || err != nil {
		t.Errorf("%d, %v", n, err)
	}
}

type failWriter struct{ after int }

func (w *failWriter) Write(p []byte) (int, error) {
	if w.after <= 0 {
		return 0, errors.New("disk full")
	}
	w.after--
	return len(p), nil
}

func TestWriterError(t *testing.T) {
	many := slices.Repeat(sample(), 2000) // several flushes
	for _, f := range []Format{JSONL, CSV, Text} {
		for _, after := range []int{0, 1} {
			h := header(len(many))
			n, err := Write(&failWriter{after: after}, f, h, slices.Values(many))
			if err == nil || !strings.Contains(err.Error(), "disk full") {
				t.Errorf("%v after %d writes: %d, %v", f, after, n, err)
			}
			if n >= len(many) {
				t.Errorf("%v after %d writes: %d events reported written", f, after, n)
			}
		}
	}
}

func TestStopsIteration(t *testing.T) {
	// A failing writer must stop the sequence rather than drain it.
	yielded := 0
	seq := func(yield func(*event.Event) bool) {
		e := sample()[0]
		for range 1_000_000 {
			yielded++
			if !yield(e) {
				return
			}
		}
	}
	Write(&failWriter{}, JSONL, header(1_000_000), seq)
	if yielded >= 1_000_000 {
		t.Error("Write drained the whole sequence after the writer failed")
	}
}

func TestUnknownFormat(t *testing.T) {
	var b bytes.Buffer
	if _, err := Write(&b, Format(0), Header{}, slices.Values([]*event.Event(nil))); err == nil || b.Len() != 0 {
		t.Errorf("format 0: %v, %d bytes", err, b.Len())
	}
}

func TestParseFormat(t *testing.T) {
	tests := []struct {
		in   string
		want Format
		ok   bool
	}{
		{"json", JSONL, true}, {"jsonl", JSONL, true}, {"NDJSON", JSONL, true},
		{"csv", CSV, true}, {" CSV ", CSV, true},
		{"text", Text, true}, {"txt", Text, true},
		{"", 0, false}, {"xml", 0, false}, {"tsv", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseFormat(tt.in)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("ParseFormat(%q) = %v, %v", tt.in, got, err)
		}
		if tt.ok {
			if back, err := ParseFormat(got.String()); back != got || err != nil {
				t.Errorf("%v does not parse back from its String", got)
			}
			if f, ok := FormatForPath("x" + got.Ext()); f != got || !ok {
				t.Errorf("%v: FormatForPath of its own Ext %q = %v, %v", got, got.Ext(), f, ok)
			}
		}
	}
}

func TestFormatForPath(t *testing.T) {
	tests := []struct {
		in   string
		want Format
		ok   bool
	}{
		{"/tmp/ev.jsonl", JSONL, true}, {"ev.JSON", JSONL, true}, {"ev.ndjson", JSONL, true},
		{"case-42.csv", CSV, true}, {"a.b.txt", Text, true}, {"notes.log", Text, true},
		{"evidence", 0, false}, {"ev.jsonl.gz", 0, false}, {"dir.csv/file", 0, false},
	}
	for _, tt := range tests {
		if got, ok := FormatForPath(tt.in); got != tt.want || ok != tt.ok {
			t.Errorf("FormatForPath(%q) = %v, %v", tt.in, got, ok)
		}
	}
	if s := Format(9).String(); s != "Format(9)" || Format(9).Ext() != "" {
		t.Errorf("Format(9): %q %q", s, Format(9).Ext())
	}
}

// TestLargeEvent checks that an event bigger than the flush size is whole.
func TestLargeEvent(t *testing.T) {
	e := sample()[0]
	big := *e
	big.Raw = bytes.Repeat([]byte("x"), 3*flushAt)
	big.Message = string(big.Raw)
	for _, f := range []Format{JSONL, Text} {
		out := write(t, f, []*event.Event{e, &big, e})
		sc := bufio.NewScanner(bytes.NewReader(out))
		sc.Buffer(nil, 8*flushAt)
		lines := 0
		for sc.Scan() {
			lines++
		}
		if f == JSONL && lines != 5 || f == Text && lines != 10+3+1 {
			t.Errorf("%v: %d lines", f, lines)
		}
	}
}

func TestJSONRawRoundTrip(t *testing.T) {
	ins := []string{"", "plain", "\x00\x1f\x7f\"\\", "\u0085\u009b\u061c\u200b\u2028\u2029\u202e\u2066\ufeff\ufff9", "été ✓ 𝄞", "a\r\nb\tc"}
	for c := 0; c < 0x80; c++ {
		ins = append(ins, string(rune(c)))
	}
	for _, in := range ins {
		out := appendJSONRaw(nil, []byte(in))
		var got string
		if err := json.Unmarshal(out, &got); err != nil || got != in {
			t.Errorf("%q: wrote %s, read back %q, %v", in, out, got, err)
		}
		if sanitize.Needed(out) {
			t.Errorf("%q: wrote %q, not inert", in, out)
		}
	}
}
