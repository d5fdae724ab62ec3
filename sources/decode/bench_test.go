package decode

import (
	"testing"
	"time"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/sources"
)

// BenchmarkDecode measures Decode (the public entry, recover included) per
// format over realistic lines from testdata, cycling through the file. The
// decoder auto-detects, as the engine runs it. Quote lines/s and allocs/op
// (= allocations per line).
func BenchmarkDecode(b *testing.B) {
	files := []struct{ format, file string }{
		{FormatRFC3164, "syslog-debian.log"},
		{FormatRFC5424, "rfc5424.log"},
		{FormatJournalJSON, "journal.jsonl"},
		{FormatJSON, "app.jsonl"},
		{FormatLogfmt, "app.logfmt"},
		{FormatAccess, "access.log"},
		{FormatApacheError, "error.log"},
		{FormatAuditd, "audit.log"},
		{FormatPlain, "plain.log"},
	}
	loc := time.FixedZone("NZDT", 13*3600)
	for _, f := range files {
		b.Run(f.format, func(b *testing.B) {
			raw := readLines(b, f.file)
			lines := make([]sources.Line, len(raw))
			var size int64
			for i, l := range raw {
				lines[i] = sources.Line{Data: l, Offset: int64(i)}
				size += int64(len(l)) + 1
			}
			d := New(Options{Location: loc})
			var ev event.Event
			for _, l := range lines { // settle detection outside the timing
				d.Decode(&ev, l, corpusRef, testArrival)
			}
			if d.Format() != f.format {
				b.Fatalf("detected %s", d.Format())
			}
			b.SetBytes(size / int64(len(lines)))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				d.Decode(&ev, lines[i%len(lines)], corpusRef, testArrival)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
		})
	}
}
