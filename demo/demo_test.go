package demo

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/sources"
)

func TestScenarioParses(t *testing.T) {
	steps, err := Scenario()
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]int{}
	var chatter, attack int
	for _, s := range steps {
		files[s.File]++
		if s.Chatter {
			chatter++
		} else {
			attack++
		}
	}
	if chatter < 10 || attack < 40 {
		t.Errorf("scenario too small: %d chatter, %d attack lines", chatter, attack)
	}
	for _, f := range []string{"auth.log", "syslog", "access.log", "app.jsonl", "audit.log", "dpkg.log"} {
		if files[f] == 0 {
			t.Errorf("no lines for %s", f)
		}
	}
}

func TestRunFillsPlaceholders(t *testing.T) {
	now := time.Date(2026, 11, 22, 3, 5, 49, 0, time.UTC)
	src, err := New(Options{Speed: 0, Now: func() time.Time { return now }, Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	out := make(chan sources.Batch, 1024)
	if err := src.Run(context.Background(), out); err != nil {
		t.Fatal(err)
	}
	close(out)
	n := 0
	for b := range out {
		n++
		line := string(b.Lines[0].Data)
		if strings.Contains(line, "{") && !strings.HasPrefix(line, "{\"time\"") {
			t.Errorf("placeholder left in %q", line)
		}
		if !strings.HasPrefix(b.Source, "demo:") || !b.Live {
			t.Errorf("bad batch source %q live %v", b.Source, b.Live)
		}
		if strings.Contains(line, "sshd[14021]: Invalid user oracle") && !strings.HasPrefix(line, "Nov 22 03:05:49 demo-web1 ") {
			t.Errorf("syslog stamp not filled: %q", line)
		}
	}
	steps, _ := Scenario()
	if n != len(steps) {
		t.Errorf("got %d lines, want %d", n, len(steps))
	}
}

func TestRunStopsOnCancel(t *testing.T) {
	src, err := New(Options{Speed: 1, Loop: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	out := make(chan sources.Batch, 1024)
	go func() { done <- src.Run(ctx, out) }()
	time.Sleep(50 * time.Millisecond)
	cancel()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
}
