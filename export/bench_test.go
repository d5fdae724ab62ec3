package export

import (
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/event"
)

// benchEvents returns n events shaped like a busy auth log.
func benchEvents(n int) []*event.Event {
	evs := make([]*event.Event, n)
	cats := []string{"auth.failure"}
	rules := []string{"ssh-failed-password"}
	for i := range evs {
		msg := fmt.Sprintf("Failed password for invalid user admin%d from 203.0.113.%d port %d ssh2", i%97, i%250, 40000+i%20000)
		raw := "Nov 22 03:05:49 web1 sshd[1234]: " + msg
		e := &event.Event{
			Seq: uint64(i), Time: t0.Add(time.Duration(i) * time.Millisecond), Host: "web1", App: "sshd", PID: 1234,
			Severity: event.Info, Message: msg, Source: "file:/var/log/auth.log", Offset: int64(i) * 120, Raw: []byte(raw),
			Template: "a41f0c2e",
		}
		if i%3 == 0 {
			e.Categories, e.Rules = cats, rules
			e.SetField("user", fmt.Sprintf("admin%d", i%97))
			e.SetField("src_ip", fmt.Sprintf("203.0.113.%d", i%250))
		}
		evs[i] = e
	}
	return evs
}

type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}

// BenchmarkWrite exports 100,000 events per operation; MB/s is output.
func BenchmarkWrite(b *testing.B) {
	evs := benchEvents(100_000)
	seq := func(yield func(*event.Event) bool) {
		for _, e := range evs {
			if !yield(e) {
				return
			}
		}
	}
	for _, f := range []Format{JSONL, CSV, Text} {
		b.Run(f.String(), func(b *testing.B) {
			var cw countWriter
			h := header(len(evs))
			if _, err := Write(&cw, f, h, seq); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(cw.n)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Write(io.Discard, f, h, seq); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
