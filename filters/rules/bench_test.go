package rules

import (
	"bytes"
	"runtime"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/internal/loggen"
	"github.com/vigil-sec/vigil/sources"
	"github.com/vigil-sec/vigil/sources/decode"
)

// BenchmarkApply times Apply alone over a realistic auth.log/syslog mix
// (internal/loggen: sshd 45 %, systemd, kernel, cron, sudo), decoded
// beforehand as the engine decodes it. Each iteration tags a fresh copy of
// one event, as the engine hands Apply freshly decoded events. Quote
// events/s and allocs/op (= allocations per event).
//
// Sub-benchmarks split the mix: "mix" is every event, "untagged" only those
// no rule matches (the cost every line pays), "tagged" only those a rule
// matches (captures and the fields map).
func BenchmarkApply(b *testing.B) {
	s, err := LoadBuiltin()
	if err != nil {
		b.Fatal(err)
	}
	mix := decodeMix(b, 20000)
	var tagged, untagged []event.Event
	for _, e := range mix {
		x := e
		s.Apply(&x)
		if len(x.Rules) > 0 {
			tagged = append(tagged, e)
		} else {
			untagged = append(untagged, e)
		}
	}
	if len(tagged) == 0 || len(untagged) == 0 {
		b.Fatalf("%d tagged, %d untagged events: the mix no longer exercises both paths", len(tagged), len(untagged))
	}
	b.Run("mix", func(b *testing.B) { benchApply(b, s, mix) })
	b.Run("untagged", func(b *testing.B) { benchApply(b, s, untagged) })
	b.Run("tagged", func(b *testing.B) { benchApply(b, s, tagged) })
}

func benchApply(b *testing.B, s *Set, evs []event.Event) {
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	tagged := 0
	for i := 0; i < b.N; i++ {
		e := evs[i%len(evs)]
		s.Apply(&e)
		if len(e.Rules) > 0 {
			tagged++
		}
	}
	_ = tagged
	b.StopTimer()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	// allocs/op rounds down to an integer; most events allocate nothing
	// and a tagged one two or three times, so give the fraction.
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(b.N), "allocs/event")
	b.ReportMetric(float64(tagged)/float64(b.N), "tagged/event")
}

// decodeMix generates n loggen lines and decodes them.
func decodeMix(b *testing.B, n int) []event.Event {
	var buf bytes.Buffer
	start := time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)
	if err := loggen.Syslog(&buf, n, 42, start); err != nil {
		b.Fatal(err)
	}
	dec := decode.New(decode.Options{Location: time.UTC})
	evs := make([]event.Event, 0, n)
	for i, l := range bytes.Split(bytes.TrimSuffix(buf.Bytes(), []byte("\n")), []byte("\n")) {
		var e event.Event
		dec.Decode(&e, sources.Line{Data: l, Offset: int64(i)}, start, start)
		if e.Fields != nil {
			b.Fatalf("decoder set fields %v: copies of the event would share the map", e.Fields)
		}
		evs = append(evs, e)
	}
	return evs
}
