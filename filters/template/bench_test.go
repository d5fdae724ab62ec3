package template

import (
	"bytes"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/filters/rules"
	"github.com/vigil-sec/vigil/internal/loggen"
	"github.com/vigil-sec/vigil/sources"
	"github.com/vigil-sec/vigil/sources/decode"
)

// benchMessages decodes n lines of each of loggen's mixes (a busy ordinary
// server and a server under attack), interleaved, and returns their apps
// and messages.
func benchMessages(b testing.TB, n int) (apps, msgs []string) {
	evs := benchEvents(b, n, false)
	for _, e := range evs {
		apps = append(apps, e.App)
		msgs = append(msgs, e.Message)
	}
	return apps, msgs
}

// benchEvents decodes n lines of each of loggen's mixes, interleaved, and
// tags them with the built-in rules when tag is set (the rules capture user
// names as fields).
func benchEvents(b testing.TB, n int, tag bool) []event.Event {
	var set *rules.Set
	if tag {
		var err error
		if set, err = rules.LoadBuiltin(); err != nil {
			b.Fatal(err)
		}
	}
	start := time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)
	var per [2][]event.Event
	for g, gen := range []func(io.Writer, int, uint64, time.Time) error{loggen.Server, loggen.Syslog} {
		var buf bytes.Buffer
		if err := gen(&buf, n/2, 42, start); err != nil {
			b.Fatal(err)
		}
		dec := decode.New(decode.Options{Location: time.UTC})
		for i, l := range bytes.Split(bytes.TrimSuffix(buf.Bytes(), []byte("\n")), []byte("\n")) {
			var e event.Event
			dec.Decode(&e, sources.Line{Data: l, Offset: int64(i)}, start, start)
			if set != nil {
				set.Apply(&e)
			}
			per[g] = append(per[g], e)
		}
	}
	var evs []event.Event
	for i := range per[0] {
		for g := range per {
			evs = append(evs, per[g][i])
		}
	}
	return evs
}

// BenchmarkMine times Mine per message of loggen's two mixes on a warm
// Miner (every template already mined once), the steady state of a live
// source. lines/s is per core; the goal is 1,000,000.
func BenchmarkMine(b *testing.B) {
	apps, msgs := benchMessages(b, 100000)
	m := New(Options{})
	for i := range msgs {
		m.Mine(apps[i], msgs[i])
	}
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		m.Mine(apps[i], msgs[i])
		if i++; i == len(msgs) {
			i = 0
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
	b.ReportMetric(float64(m.Stats().Templates), "templates")
}

// BenchmarkMineKnown is BenchmarkMine with the user names the built-in
// rules capture passed as known values, as the engine would after tagging.
func BenchmarkMineKnown(b *testing.B) {
	evs := benchEvents(b, 100000, true)
	m := New(Options{})
	for i := range evs {
		m.MineKnown(evs[i].App, evs[i].Message, evs[i].Fields["user"], evs[i].Fields["target_user"])
	}
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		e := &evs[i]
		m.MineKnown(e.App, e.Message, e.Fields["user"], e.Fields["target_user"])
		if i++; i == len(evs) {
			i = 0
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
	b.ReportMetric(float64(m.Stats().Templates), "templates")
}

// BenchmarkMineCold times Mine on a fresh Miner each pass over the mix:
// the first sight of every shape, cache misses and tree searches included.
func BenchmarkMineCold(b *testing.B) {
	apps, msgs := benchMessages(b, 20000)
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for b.Loop() {
		m := New(Options{})
		for i := range msgs {
			m.Mine(apps[i], msgs[i])
		}
		n += len(msgs)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "lines/s")
}

// BenchmarkMask times the masking scanner alone.
func BenchmarkMask(b *testing.B) {
	_, msgs := benchMessages(b, 20000)
	k := masker{maxTokens: 64}
	var bytes int64
	for _, m := range msgs {
		bytes += int64(len(m))
	}
	b.SetBytes(bytes / int64(len(msgs)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		k.buf = k.buf[:0]
		k.run(msgs[i])
		if i++; i == len(msgs) {
			i = 0
		}
	}
}

// BenchmarkMineNovel times the worst case: every message a shape never
// seen (random words), so each misses the cache and searches its leaf,
// and past MaxTemplatesPerApp lands in the overflow template.
func BenchmarkMineNovel(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	msgs := make([]string, 1<<18) // more than MaxCached: every line misses
	for i := range msgs {
		var sb strings.Builder
		for w := 0; w < 8; w++ {
			if w > 0 {
				sb.WriteByte(' ')
			}
			for c := 0; c < 3+r.IntN(6); c++ {
				sb.WriteByte(byte('a' + r.IntN(26)))
			}
		}
		msgs[i] = sb.String()
	}
	m := New(Options{})
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		m.Mine("junk", msgs[i])
		if i++; i == len(msgs) {
			i = 0
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
	b.ReportMetric(float64(m.Stats().Overflow)/float64(b.N), "overflow/op")
}
