package rules

import (
	"bytes"
	"io"
	"runtime"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/internal/loggen"
	"github.com/vigil-sec/vigil/sources"
	"github.com/vigil-sec/vigil/sources/decode"
)

// BenchmarkApply times Apply alone over two auth.log/syslog mixes,
// decoded beforehand as the engine decodes them: "server" is an ordinary
// busy server (internal/loggen.Server: mostly chatter, about 5 % security
// lines), "attack" a server under attack (loggen.Syslog: sshd 45 %,
// systemd, kernel, cron, sudo). Each iteration tags a fresh copy of one
// event, as the engine hands Apply freshly decoded events, with an empty
// fields map as the engine's recycled batches provide. Quote events/s and
// allocs/event.
//
// Sub-benchmarks split the mix: "mix" is every event, "untagged" only those
// no rule matches (the cost every line pays), "tagged" only those a rule
// matches (captures and the fields map).
func BenchmarkApply(b *testing.B) {
	s, err := LoadBuiltin()
	if err != nil {
		b.Fatal(err)
	}
	for _, mix := range []struct {
		name string
		gen  func(io.Writer, int, uint64, time.Time) error
	}{{"server", loggen.Server}, {"attack", loggen.Syslog}} {
		evs := decodeWith(b, mix.gen, 20000)
		var tagged, untagged []event.Event
		for _, e := range evs {
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
		b.Run(mix.name+"/mix", func(b *testing.B) { benchApply(b, s, evs) })
		b.Run(mix.name+"/untagged", func(b *testing.B) { benchApply(b, s, untagged) })
		b.Run(mix.name+"/tagged", func(b *testing.B) { benchApply(b, s, tagged) })
	}
}

func benchApply(b *testing.B, s *Set, evs []event.Event) {
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	tagged := 0
	spare := make(map[string]string, 8)
	for i := 0; i < b.N; i++ {
		e := evs[i%len(evs)]
		clear(spare)
		e.Fields = spare
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

// decodeMix generates n lines of the attack mix and decodes them.
func decodeMix(b testing.TB, n int) []event.Event {
	return decodeWith(b, loggen.Syslog, n)
}

// decodeWith generates n lines with gen and decodes them.
func decodeWith(b testing.TB, gen func(io.Writer, int, uint64, time.Time) error, n int) []event.Event {
	var buf bytes.Buffer
	start := time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)
	if err := gen(&buf, n, 42, start); err != nil {
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

// BenchmarkLoadBuiltin times loading the built-in rules (parsing,
// validating, compiling and indexing them), which every vigil start pays.
func BenchmarkLoadBuiltin(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := LoadBuiltin(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkApplyLine times Apply on single common lines, to see what each
// kind costs (tagged, settled as uncategorised, no rule at all).
func BenchmarkApplyLine(b *testing.B) {
	s, err := LoadBuiltin()
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct{ name, app, msg string }{
		{"systemd-job", "systemd", "Starting sysstat-collect.service - system activity accounting tool..."},
		{"ssh-failed", "sshd", "Failed password for root from 203.0.113.5 port 4242 ssh2"},
		{"cron-session", "CRON", "pam_unix(cron:session): session closed for user root"},
		{"ufw-block", "kernel", "[9.023941] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56 SRC=203.0.113.5 DST=198.51.100.10 LEN=44 TOS=0x00 PREC=0x00 TTL=241 ID=1 PROTO=TCP SPT=1 DPT=22 WINDOW=1024 RES=0x00 SYN URGP=0"},
		{"no-rules", "named", "client @0x7f3a000002 203.0.113.150#54912 (example.net): query: example.net IN A +E(0)K (198.51.100.10)"},
	} {
		b.Run(c.name, func(b *testing.B) {
			spare := map[string]string{}
			b.ReportAllocs()
			for b.Loop() {
				e := ev(c.app, c.msg)
				clear(spare)
				e.Fields = spare
				s.Apply(&e)
			}
		})
	}
}
