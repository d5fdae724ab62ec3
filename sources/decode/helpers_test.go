package decode

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/sources"
)

// auckland is the zone the corpus hosts wrote their RFC 3164 logs in.
func auckland(tb testing.TB) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation("Pacific/Auckland")
	if err != nil {
		tb.Skipf("no tzdata: %v", err)
	}
	return loc
}

// corpusRef is the reference time the corpus tests use (file mtime).
var corpusRef = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

var testArrival = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

// readLines reads testdata/name split on LF only (audit lines contain 0x1D).
func readLines(tb testing.TB, name string) [][]byte {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	data = bytes.TrimSuffix(data, []byte("\n"))
	return bytes.Split(data, []byte("\n"))
}

// readExpected reads the *.expected.jsonl lines as raw JSON.
func readExpectedLines(tb testing.TB, name string) [][]byte {
	tb.Helper()
	f, err := os.Open(filepath.Join("testdata", name+".expected.jsonl"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out [][]byte
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		out = append(out, append([]byte(nil), sc.Bytes()...))
	}
	return out
}

// decodeOne decodes s with a fresh decoder (the given format, "" = auto)
// without the recover safety net, so a panic fails the test.
func decodeOne(tb testing.TB, format string, s string, ref time.Time, loc *time.Location) event.Event {
	tb.Helper()
	d := New(Options{Format: format, Location: loc})
	var ev event.Event
	d.decodeLine(&ev, sources.Line{Data: []byte(s), Offset: 7}, ref, testArrival)
	return ev
}

// unsafeIn returns a description of the first unsafe byte in s: C0 except
// TAB, DEL, or a UTF-8 encoded C1 control; "" if s is safe.
func unsafeIn(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 && c != '\t' || c == 0x7f {
			return "control byte at " + itoa(i)
		}
		if c == 0xc2 && i+1 < len(s) && s[i+1] >= 0x80 && s[i+1] <= 0x9f {
			return "C1 control at " + itoa(i)
		}
	}
	return ""
}

func itoa(i int) string { return string(appendInt(nil, i)) }

func appendInt(b []byte, i int) []byte {
	if i >= 10 {
		b = appendInt(b, i/10)
	}
	return append(b, byte('0'+i%10))
}

// checkSafe fails when any stored string of ev is unsafe for a terminal.
func checkSafe(tb testing.TB, ev *event.Event) {
	tb.Helper()
	check := func(what, s string) {
		if msg := unsafeIn(s); msg != "" {
			tb.Fatalf("%s %q: %s", what, s, msg)
		}
	}
	check("host", ev.Host)
	check("app", ev.App)
	check("message", ev.Message)
	check("format", ev.Format)
	for k, v := range ev.Fields {
		check("field key", k)
		check("field "+k, v)
	}
}

func hexString(s string) string {
	const digits = "0123456789abcdef"
	b := make([]byte, 0, 2*len(s))
	for i := 0; i < len(s); i++ {
		b = append(b, digits[s[i]>>4], digits[s[i]&0xf])
	}
	return string(b)
}

func strconvQuote(s string) string { return strconv.Quote(s) }
