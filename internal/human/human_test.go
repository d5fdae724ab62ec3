package human

import (
	"testing"
	"time"
)

func TestBytes(t *testing.T) {
	for n, w := range map[int64]string{1: "1 B", 1023: "1023 B", 1536: "1.5 KiB", 9961472: "9.5 MiB", 3 << 30: "3.0 GiB"} {
		if got := Bytes(n); got != w {
			t.Errorf("Bytes(%d) = %q, want %q", n, got, w)
		}
	}
}

func TestDuration(t *testing.T) {
	for d, w := range map[time.Duration]string{
		-time.Second:                   "0s",
		0:                              "0s",
		45 * time.Second:               "45s",
		5 * time.Minute:                "5m",
		5*time.Minute + 30*time.Second: "5m",
		2 * time.Hour:                  "2h",
		150 * time.Minute:              "2h30m",
		24 * time.Hour:                 "1d",
		30 * time.Hour:                 "1d6h",
		30*time.Hour + 24*time.Minute:  "1d6h24m",
	} {
		if got := Duration(d); got != w {
			t.Errorf("Duration(%v) = %q, want %q", d, got, w)
		}
	}
}
