package baseline

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/engine"
	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/filters/rules"
	"github.com/vigil-sec/vigil/internal/loggen"
	"github.com/vigil-sec/vigil/sources"
	"github.com/vigil-sec/vigil/sources/file"
)

// busyEvents decodes and tags n lines of internal/loggen's busy server mix
// (four hosts, mostly chatter, about 5 % security lines) through the real
// pipeline, as the detector would get them.
func busyEvents(tb testing.TB, n int) []event.Event {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "syslog")
	if err := loggen.ServerFile(path, n); err != nil {
		tb.Fatal(err)
	}
	set, err := rules.LoadBuiltin()
	if err != nil {
		tb.Fatal(err)
	}
	src, err := file.Open(path, file.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	out := make(chan []event.Event, 16)
	p := engine.New(engine.Options{Rules: set})
	go func() { _ = p.Run(context.Background(), []sources.Source{src}, out) }()
	evs := make([]event.Event, 0, n)
	for b := range out {
		evs = append(evs, b...)
	}
	if len(evs) != n {
		tb.Fatalf("%d events from %d lines", len(evs), n)
	}
	return evs
}

// BenchmarkDetect measures template mining plus detection, the work the
// detector stage does on its one goroutine, over a busy server's events
// against a baseline learnt from the hours before them. Target: at least
// 1,000,000 events/s on one core.
//
//	go test ./baseline -run '^$' -bench Detect -cpu 1 -count 3
func BenchmarkDetect(b *testing.B) {
	const n = 600_000
	evs := busyEvents(b, n)
	l := NewLearner(time.UTC, Caps{})
	for i := range evs[:n/2] {
		l.Add(&evs[i])
	}
	bl := l.Finish()
	live := evs[n/2:]
	batch := make([]event.Event, 0, 1024)
	b.ResetTimer()
	var findings uint64
	for b.Loop() {
		d := NewDetector(Options{Baseline: bl})
		for i := 0; i < len(live); i += 1024 {
			batch = append(batch[:0], live[i:min(i+1024, len(live))]...)
			d.Process(batch)
		}
		findings = d.Status().Findings
	}
	b.ReportMetric(float64(len(live))*float64(b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(findings), "findings")
}

// BenchmarkDetectLearning is BenchmarkDetect for the console without a
// baseline file: past its warm-up the Detector also goes on learning every
// event, so each costs mining twice.
//
//	go test ./baseline -run '^$' -bench DetectLearning -cpu 1 -count 3
func BenchmarkDetectLearning(b *testing.B) {
	const n = 600_000
	evs := busyEvents(b, n)
	half := evs[n/2-1].Time.Sub(evs[0].Time)
	batch := make([]event.Event, 0, 1024)
	var d *Detector
	warm := func() {
		d = NewDetector(Options{Warmup: half, Location: time.UTC})
		for i := 0; i < n/2; i += 1024 {
			batch = append(batch[:0], evs[i:min(i+1024, n/2)]...)
			d.Process(batch)
		}
	}
	live := evs[n/2:]
	var elapsed time.Duration
	for b.Loop() {
		b.StopTimer()
		warm()
		if d.Status().Learning {
			b.Fatal("still warming up")
		}
		start := time.Now()
		b.StartTimer()
		for i := 0; i < len(live); i += 1024 {
			batch = append(batch[:0], live[i:min(i+1024, len(live))]...)
			d.Process(batch)
		}
		elapsed += time.Since(start)
	}
	b.ReportMetric(float64(len(live))*float64(b.N)/elapsed.Seconds(), "events/s")
}

// BenchmarkLearn measures the Learner alone (mining included) on one core.
//
//	go test ./baseline -run '^$' -bench 'Learn$' -cpu 1 -count 3
func BenchmarkLearn(b *testing.B) {
	evs := busyEvents(b, 300_000)
	b.ResetTimer()
	for b.Loop() {
		l := NewLearner(time.UTC, Caps{})
		for i := range evs {
			l.Add(&evs[i])
		}
		l.Finish()
	}
	b.ReportMetric(float64(len(evs))*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkSize30Days learns 30 days of busy servers and reports the size
// of the baseline file. Target: under 10 MB.
//
// "loggen" is internal/loggen's busy server mix (four hosts, mostly
// chatter): a million lines spanning a day and a half, replayed a day and
// a half further on each time, about 18 million events. "longtail" adds a
// fifth of events with a long tail of everything a baseline keeps: 60 apps
// whose messages take thousands of shapes (Zipf-distributed words), 400
// users logging in from 4,000 addresses and running 300 commands with sudo,
// 3,000 packages, at every hour.
//
//	go test ./baseline -run '^$' -bench Size30Days -benchtime 1x -count 1
func BenchmarkSize30Days(b *testing.B) {
	evs := busyEvents(b, 1_000_000)
	span := evs[len(evs)-1].Time.Sub(evs[0].Time)
	rounds := int((30*24*time.Hour)/span) + 1
	for _, tail := range []bool{false, true} {
		name := "loggen"
		if tail {
			name = "longtail"
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				r := rand.New(rand.NewPCG(1, 2))
				words := rand.NewZipf(r, 1.1, 1, 5000)
				apps := rand.NewZipf(r, 1.2, 1, 59)
				l := NewLearner(time.UTC, Caps{})
				var x event.Event
				for round := range rounds {
					shift := time.Duration(round) * span
					for i := range evs {
						e := evs[i]
						e.Time = e.Time.Add(shift)
						l.Add(&e)
						if tail && i%5 == 0 {
							longTail(&x, r, words, apps, e.Time, e.Host)
							l.Add(&x)
						}
					}
				}
				bl := l.Finish()
				var buf bytes.Buffer
				if err := Write(&buf, bl); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(buf.Len())/1e6, "MB")
				b.ReportMetric(bl.End.Sub(bl.Start).Hours()/24, "days")
				b.ReportMetric(float64(bl.Events)/1e6, "Mevents")
				b.ReportMetric(float64(len(bl.Templates)), "templates")
				b.ReportMetric(float64(len(bl.Users)), "users")
			}
		})
	}
}

// longTail makes one event of the long tail.
func longTail(e *event.Event, r *rand.Rand, words, apps *rand.Zipf, t time.Time, host string) {
	*e = event.Event{Time: t, Host: host, Source: "file:/var/log/tail.log", Format: "rfc3164"}
	switch r.IntN(10) {
	case 0:
		u := fmt.Sprintf("user%d", r.IntN(400))
		*e = ev(t, host, "sshd", "Accepted publickey for "+u, "auth.success", "user", u, "src_ip", fmt.Sprintf("10.%d.%d.%d", r.IntN(4), r.IntN(40), r.IntN(25)))
	case 1:
		u := fmt.Sprintf("user%d", r.IntN(400))
		cmd := fmt.Sprintf("/usr/local/bin/tool%d run", r.IntN(300))
		*e = ev(t, host, "sudo", u+" : COMMAND="+cmd, "privilege.use", "user", u, "command", cmd)
	case 2:
		p := fmt.Sprintf("pkg%d", r.IntN(3000))
		*e = ev(t, host, "dpkg", "status installed "+p, "software.change", "package", p)
	default:
		app := fmt.Sprintf("app%d", apps.Uint64())
		msg := fmt.Sprintf("%s %s %s finished in %d ms", vocab(words.Uint64()), vocab(words.Uint64()), vocab(words.Uint64()), r.IntN(1000))
		*e = ev(t, host, app, msg)
	}
}

// vocab names word i: letters only, so the miner takes it for a word.
func vocab(i uint64) string {
	var b []byte
	for {
		b = append(b, byte('a'+i%26))
		i /= 26
		if i == 0 {
			return string(b)
		}
	}
}
