package query

import (
	"bytes"
	"io"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/filters/rules"
	"github.com/vigil-sec/vigil/internal/loggen"
	"github.com/vigil-sec/vigil/sources"
	"github.com/vigil-sec/vigil/sources/decode"
)

// benchEvents decodes and tags n lines of each of loggen's mixes (a busy
// ordinary server and a server under attack), interleaved.
func benchEvents(b *testing.B, n int) []event.Event {
	set, err := rules.LoadBuiltin()
	if err != nil {
		b.Fatal(err)
	}
	start := time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)
	var evs []event.Event
	for _, gen := range []func(io.Writer, int, uint64, time.Time) error{loggen.Server, loggen.Syslog} {
		var buf bytes.Buffer
		if err := gen(&buf, n/2, 42, start); err != nil {
			b.Fatal(err)
		}
		dec := decode.New(decode.Options{Location: time.UTC})
		for i, l := range bytes.Split(bytes.TrimSuffix(buf.Bytes(), []byte("\n")), []byte("\n")) {
			var e event.Event
			dec.Decode(&e, sources.Line{Data: l, Offset: int64(i)}, start, start)
			set.Apply(&e)
			evs = append(evs, e)
		}
	}
	// Interleave, so the branch predictor sees a mix.
	mixed := make([]event.Event, 0, len(evs))
	for i := 0; i < len(evs)/2; i++ {
		mixed = append(mixed, evs[i], evs[len(evs)/2+i])
	}
	return mixed
}

// BenchmarkMatch times Match per event over 20,000 decoded and tagged
// events; the TUI runs it over its whole buffer after every edit of the
// filter. matched/event is the share of events the query keeps.
func BenchmarkMatch(b *testing.B) {
	evs := benchEvents(b, 20000)
	for _, bc := range []struct{ name, q string }{
		{"word", "failed"},
		{"words", "session root"},
		{"phrase", `"session opened"`},
		{"cat", "cat:auth.failure"},
		{"catglob", "cat:auth.*"},
		{"fieldeq", "user:root"},
		{"fieldglob", "user:ad*"},
		{"cidr", "src_ip:203.0.113.0/25"},
		{"sev", "sev>=warning"},
		{"regex", "/ssh.*root/i"},
		{"regexlit", "/Failed password for (root|admin)/"},
		{"fieldregex", "user~^(root|admin)$"},
		{"complex", `(cat:auth.* OR sev>=err) -user:root "session opened"`},
	} {
		q := MustParse(bc.q)
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			matched, n := 0, 0
			for b.Loop() {
				e := &evs[n%len(evs)]
				if q.Match(e) {
					matched++
				}
				n++
			}
			b.ReportMetric(float64(matched)/float64(n), "matched/event")
		})
	}
}

// BenchmarkParse times compiling a typical query (every keystroke in the
// filter bar).
func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		MustParse(`(cat:auth.* OR sev>=err) -user:root "session opened" /ssh.*root/i`)
	}
}

// BenchmarkHighlights times highlighting one message.
func BenchmarkHighlights(b *testing.B) {
	q := MustParse(`failed root /port \d+/`)
	const msg = "Failed password for root from 203.0.113.9 port 52113 ssh2"
	var dst [][2]int
	b.ReportAllocs()
	for b.Loop() {
		dst = q.Highlights(msg, dst[:0])
	}
}
