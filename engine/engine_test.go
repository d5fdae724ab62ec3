package engine

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/demo"
	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/filters"
	"github.com/vigil-sec/vigil/filters/query"
	"github.com/vigil-sec/vigil/filters/rules"
	"github.com/vigil-sec/vigil/sources"
	"github.com/vigil-sec/vigil/sources/decode"
)

func runDemo(t *testing.T, opts Options, now time.Time) []event.Event {
	t.Helper()
	src, err := demo.New(demo.Options{Speed: 0, Now: func() time.Time { return now }, Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	out := make(chan []event.Event, 8)
	done := make(chan error, 1)
	go func() { done <- New(opts).Run(context.Background(), []sources.Source{src}, out) }()
	var evs []event.Event
	for b := range out {
		evs = append(evs, b...)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	return evs
}

func TestRunDecodesEverySource(t *testing.T) {
	now := time.Date(2026, 11, 22, 3, 5, 49, 0, time.UTC)
	evs := runDemo(t, Options{Decode: decode.Options{Location: time.UTC}, Now: func() time.Time { return now }}, now)
	steps, _ := demo.Scenario()
	if len(evs) != len(steps) {
		t.Fatalf("got %d events, want %d", len(evs), len(steps))
	}
	var last uint64
	for i, e := range evs {
		if e.Seq <= last {
			t.Fatalf("event %d: seq %d after %d", i, e.Seq, last)
		}
		last = e.Seq
		if !strings.HasPrefix(e.Source, "demo:") {
			t.Errorf("event %d: source %q", i, e.Source)
		}
		if e.Message == "" {
			t.Errorf("event %d: empty message (raw %q)", i, e.Raw)
		}
		if e.Source == "demo:auth.log" && (e.Host != "demo-web1" || e.Format != "rfc3164") {
			t.Errorf("auth.log event decoded as %s host %q: %q", e.Format, e.Host, e.Raw)
		}
	}
}

func TestRunAppliesTimeWindow(t *testing.T) {
	now := time.Date(2026, 11, 22, 3, 5, 49, 0, time.UTC)
	opts := Options{
		Decode: decode.Options{Location: time.UTC},
		Now:    func() time.Time { return now },
		Window: filters.TimeWindow{Since: now.Add(time.Hour)},
	}
	if evs := runDemo(t, opts, now); len(evs) != 0 {
		t.Errorf("window in the future kept %d events", len(evs))
	}
}

func TestRunStopsOnCancel(t *testing.T) {
	src, err := demo.New(demo.Options{Speed: 1, Loop: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	out := make(chan []event.Event) // nobody reads: Run must still return
	done := make(chan error, 1)
	go func() { done <- New(Options{}).Run(ctx, []sources.Source{src}, out) }()
	time.Sleep(100 * time.Millisecond)
	cancel()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
}

func BenchmarkDecodeBatch(b *testing.B) {
	line := []byte("Nov 22 03:05:49 web1 sshd[14021]: Failed password for root from 203.0.113.9 port 52113 ssh2")
	batch := sources.Batch{Source: "file:bench", ModTime: time.Now()}
	for i := 0; i < 1000; i++ {
		batch.Lines = append(batch.Lines, sources.Line{Data: line, Offset: int64(i * len(line))})
	}
	p := New(Options{})
	dec := decode.New(decode.Options{})
	b.ReportAllocs()
	for b.Loop() {
		p.Decode(dec, &batch)
	}
	b.ReportMetric(float64(b.N*len(batch.Lines))/b.Elapsed().Seconds(), "lines/s")
}

func TestRunAppliesRules(t *testing.T) {
	set, err := rules.LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 22, 3, 5, 49, 0, time.UTC)
	evs := runDemo(t, Options{Decode: decode.Options{Location: time.UTC}, Now: func() time.Time { return now }, Rules: set}, now)
	tagged := 0
	for _, e := range evs {
		if e.App == "sshd" && strings.HasPrefix(e.Message, "Failed password for") {
			if !e.HasCategory("auth.failure") || e.Fields["src_ip"] != "203.0.113.9" {
				t.Errorf("not tagged: %+v", e)
			}
			tagged++
		}
	}
	if tagged == 0 {
		t.Fatal("no failed password in the demo")
	}
}

// batchSource sends n batches of one numbered line each, as fast as it can.
type batchSource struct{ n int }

func (s batchSource) Name() string { return "batches" }

func (s batchSource) Run(ctx context.Context, out chan<- sources.Batch) error {
	for i := range s.n {
		line := []byte("Nov 22 03:05:49 web1 app[1]: line " + strconv.Itoa(i))
		select {
		case out <- sources.Batch{Source: "f", Lines: []sources.Line{{Data: line, Offset: int64(i)}}}:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// TestWorkersKeepOrder decodes with several workers and checks that every
// event leaves in read order with rising sequence numbers.
func TestWorkersKeepOrder(t *testing.T) {
	for _, workers := range []int{1, 3, 8} {
		out := make(chan []event.Event, 8)
		done := make(chan error, 1)
		p := New(Options{Workers: workers})
		go func() { done <- p.Run(context.Background(), []sources.Source{batchSource{n: 2000}}, out) }()
		i := 0
		var last uint64
		for b := range out {
			for _, e := range b {
				if want := "line " + strconv.Itoa(i); e.Message != want {
					t.Fatalf("workers %d: event %d is %q, want %q", workers, i, e.Message, want)
				}
				if e.Seq <= last {
					t.Fatalf("workers %d: seq %d after %d", workers, e.Seq, last)
				}
				last = e.Seq
				i++
			}
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if i != 2000 {
			t.Fatalf("workers %d: %d events, want 2000", workers, i)
		}
	}
}

// TestRunAppliesFilter checks that the filter sees tagged events (it asks
// for a category) and drops the rest, with any number of workers.
func TestRunAppliesFilter(t *testing.T) {
	set, err := rules.LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 22, 3, 5, 49, 0, time.UTC)
	all := runDemo(t, Options{Decode: decode.Options{Location: time.UTC}, Now: func() time.Time { return now }, Rules: set}, now)
	want := 0
	for _, e := range all {
		if e.HasCategory("auth.failure") && e.Fields["user"] != "root" {
			want++
		}
	}
	if want == 0 || want == len(all) {
		t.Fatalf("the demo has %d of %d events to keep: a poor test", want, len(all))
	}
	for _, workers := range []int{1, 4} {
		opts := Options{
			Decode:  decode.Options{Location: time.UTC},
			Now:     func() time.Time { return now },
			Rules:   set,
			Filter:  query.MustParse("cat:auth.failure -user:root"),
			Workers: workers,
		}
		evs := runDemo(t, opts, now)
		if len(evs) != want {
			t.Errorf("workers %d: kept %d events, want %d", workers, len(evs), want)
		}
		var last uint64
		for _, e := range evs {
			if !e.HasCategory("auth.failure") || e.Fields["user"] == "root" {
				t.Errorf("workers %d: kept %q (categories %v, user %q)", workers, e.Message, e.Categories, e.Fields["user"])
			}
			if e.Seq != last+1 {
				t.Errorf("workers %d: seq %d after %d: kept events should be numbered without gaps", workers, e.Seq, last)
			}
			last = e.Seq
		}
	}
}

// TestFilterBypassesNotices checks that a source's notices pass any filter.
func TestFilterBypassesNotices(t *testing.T) {
	notice := sources.Notice("file:/x", event.Warning, "file truncated", event.CategoryLogIntegrity)
	b := sources.Batch{
		Source:  "file:/x",
		Notices: []event.Event{notice},
		Lines:   []sources.Line{{Data: []byte("Nov 22 03:05:49 web1 app[1]: hello")}},
	}
	p := New(Options{Filter: query.MustParse("nothing-matches-this")})
	evs := p.Decode(decode.New(decode.Options{}), &b)
	if len(evs) != 1 || evs[0].Message != "file truncated" {
		t.Fatalf("got %d events (%v), want just the notice", len(evs), evs)
	}
}

// timedSource sends n lines stamped from start, one every step, in batches
// of per lines, as RFC 5424 so times are exact.
type timedSource struct {
	name      string
	n, per    int
	start     time.Time
	step      time.Duration
	pauseEach time.Duration // a pause before each batch
}

func (s timedSource) Name() string { return s.name }

func (s timedSource) Run(ctx context.Context, out chan<- sources.Batch) error {
	for i := 0; i < s.n; i += s.per {
		var lines []sources.Line
		for j := i; j < min(i+s.per, s.n); j++ {
			ts := s.start.Add(time.Duration(j) * s.step).Format(time.RFC3339Nano)
			lines = append(lines, sources.Line{Data: []byte("<13>1 " + ts + " web1 app 1 - - " + s.name + " " + strconv.Itoa(j)), Offset: int64(j)})
		}
		if s.pauseEach > 0 {
			time.Sleep(s.pauseEach)
		}
		select {
		case out <- sources.Batch{Source: s.name, Lines: lines}:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// TestMergeByTime reads two backlogs whose times interleave and checks the
// merged stream is in time order, complete, each source in its own order,
// with contiguous sequence numbers; a source that goes quiet does not hold
// the other back.
func TestMergeByTime(t *testing.T) {
	start := time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)
	for _, workers := range []int{1, 3} {
		a := timedSource{name: "a", n: 3000, per: 100, start: start, step: 2 * time.Second}
		b := timedSource{name: "b", n: 2000, per: 64, start: start.Add(time.Second), step: 3 * time.Second}
		out := make(chan []event.Event, 8)
		done := make(chan error, 1)
		p := New(Options{Workers: workers, MergeByTime: true})
		go func() { done <- p.Run(context.Background(), []sources.Source{a, b}, out) }()
		var last time.Time
		var seq uint64
		next := map[string]int{}
		for batch := range out {
			for _, e := range batch {
				if e.Time.Before(last) {
					t.Fatalf("workers %d: %s at %v after %v", workers, e.Message, e.Time, last)
				}
				last = e.Time
				if e.Seq != seq+1 {
					t.Fatalf("workers %d: seq %d after %d", workers, e.Seq, seq)
				}
				seq = e.Seq
				var src string
				var n int
				if _, err := fmt.Sscanf(e.Message, "%s %d", &src, &n); err != nil || n != next[src] {
					t.Fatalf("workers %d: %q out of its source's order (want %d)", workers, e.Message, next[src])
				}
				next[src]++
			}
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if next["a"] != 3000 || next["b"] != 2000 {
			t.Fatalf("workers %d: got %v", workers, next)
		}
	}
	// A source that stalls (as a followed file that has caught up) holds
	// the other back at most about mergeWait per batch.
	a := timedSource{name: "a", n: 20, per: 10, start: start, step: time.Second}
	slow := timedSource{name: "s", n: 2, per: 1, start: start, step: time.Hour, pauseEach: 2 * time.Second}
	out := make(chan []event.Event, 8)
	p := New(Options{MergeByTime: true})
	go func() { _ = p.Run(context.Background(), []sources.Source{a, slow}, out) }()
	began := time.Now()
	got := 0
	for batch := range out {
		got += len(batch)
		if got >= 20 {
			break
		}
	}
	if d := time.Since(began); d > time.Second {
		t.Fatalf("a stalled source held the other back for %v", d)
	}
	for range out {
	}
}

func TestDefaultUnit(t *testing.T) {
	for _, tc := range []struct {
		format string
		fields map[string]string
		want   string
	}{
		{"journal-export", map[string]string{"systemd_unit": "ssh.service"}, "ssh.service"},
		{"journal-json", map[string]string{"systemd_unit": "cron.service"}, "cron.service"},
		{"journal-json", map[string]string{"systemd_unit": "systemd-journald.service", "unit": "app.service"}, "app.service"},
		{"rfc3164", map[string]string{"systemd_unit": "x.service"}, ""},
	} {
		e := event.Event{Format: tc.format, Fields: tc.fields}
		defaultUnit(&e)
		if got := e.Fields["unit"]; got != tc.want {
			t.Errorf("%s %v: unit %q, want %q", tc.format, tc.fields, got, tc.want)
		}
	}
}

// TestTemplates: with Templates on, every decoded event gets a template ID,
// the same in two runs and with any number of workers.
func TestTemplates(t *testing.T) {
	run := func(workers int) map[string]string {
		out := make(chan []event.Event, 8)
		p := New(Options{Workers: workers, Templates: true})
		go func() { _ = p.Run(context.Background(), []sources.Source{batchSource{n: 500}}, out) }()
		ids := map[string]string{}
		for b := range out {
			for _, e := range b {
				if len(e.Template) != 8 {
					t.Fatalf("event %q has template %q", e.Message, e.Template)
				}
				ids[e.Message] = e.Template
			}
		}
		return ids
	}
	a, b := run(1), run(4)
	if len(a) != 500 {
		t.Fatalf("%d events", len(a))
	}
	for msg, id := range a {
		if b[msg] != id {
			t.Fatalf("%q: template %s with 1 worker, %s with 4", msg, id, b[msg])
		}
	}
	if a["line 1"] != a["line 2"] {
		t.Errorf("lines of one shape got templates %s and %s", a["line 1"], a["line 2"])
	}
}

// userSource sends batches of 64 "Accepted password for uN" lines.
type userSource struct{ n int }

func (s userSource) Name() string { return "users" }

func (s userSource) Run(ctx context.Context, out chan<- sources.Batch) error {
	for i := 0; i < s.n; i += 64 {
		var b sources.Batch
		b.Source = "f"
		for j := i; j < min(i+64, s.n); j++ {
			b.Lines = append(b.Lines, sources.Line{Data: []byte(fmt.Sprintf("Nov 22 03:05:49 web1 sshd[1]: Accepted password for u%d from 10.0.0.1 port 22 ssh2", j)), Offset: int64(j)})
		}
		select {
		case out <- b:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// passDetector changes nothing; it makes the pipeline filter after it.
type passDetector struct{}

func (passDetector) Process(evs []event.Event) []event.Event { return evs }
func (passDetector) Tick(time.Time) []event.Event            { return nil }

// TestDetectStageFilterKeepsFieldsApart filters after a detector and
// recycles every batch, as stream does: events of later batches must still
// have their own fields (a filter that copied kept events over dropped ones
// left two slots sharing one fields map, and a recycled batch then decoded
// two events into the same map).
func TestDetectStageFilterKeepsFieldsApart(t *testing.T) {
	set, err := rules.LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	q, err := query.Parse(`msg~"u[0-9]*[05] from"`)
	if err != nil {
		t.Fatal(err)
	}
	p := New(Options{Rules: set, Filter: q, Detect: passDetector{}, Workers: 2})
	out := make(chan []event.Event, 4)
	done := make(chan error, 1)
	go func() { done <- p.Run(context.Background(), []sources.Source{userSource{n: 20000}}, out) }()
	n := 0
	for b := range out {
		for _, e := range b {
			want := strings.Fields(e.Message)[3]
			if e.Fields["user"] != want {
				t.Fatalf("event %q has user %q", e.Message, e.Fields["user"])
			}
			n++
		}
		p.Recycle(b)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n != 4000 {
		t.Fatalf("%d events kept, want 4000", n)
	}
}
