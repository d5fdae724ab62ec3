package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestSourcesMergedByTime: two files whose times interleave come out of
// `vigil stream` in time order, each file's lines in their own order.
func TestSourcesMergedByTime(t *testing.T) {
	var a, b strings.Builder
	start := time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)
	for i := 0; i < 500; i++ {
		fmt.Fprintf(&a, "<13>1 %s web1 app 1 - - a %d\n", start.Add(time.Duration(2*i)*time.Second).Format(time.RFC3339), i)
	}
	for i := 0; i < 400; i++ {
		fmt.Fprintf(&b, "<13>1 %s web2 app 1 - - b %d\n", start.Add(time.Duration(3*i+1)*time.Second).Format(time.RFC3339), i)
	}
	pa, pb := writeFile(t, "a.log", a.String()), writeFile(t, "b.log", b.String())
	stdout, stderr, code := vigil(t, "", nil, "stream", "--format", "json", pa, pb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var last time.Time
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		var ev struct {
			Time    time.Time
			Message string
		}
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatal(err)
		}
		if ev.Time.Before(last) {
			t.Fatalf("%q at %v after %v: not in time order", ev.Message, ev.Time, last)
		}
		last = ev.Time
		n++
	}
	if n != 900 {
		t.Fatalf("%d events, want 900", n)
	}
}
