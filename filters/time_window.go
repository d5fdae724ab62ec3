// Package filters decides which events are kept. Filters are pure values:
// they are parsed and checked when built, and Match reads no clock, does no
// I/O and allocates nothing.
package filters

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-sec/vigil/event"
)

// TimeWindow keeps events whose time lies in [Since, Until). A zero bound is
// open.
type TimeWindow struct {
	Since, Until time.Time
}

// IsZero reports whether the window keeps everything.
func (w TimeWindow) IsZero() bool { return w.Since.IsZero() && w.Until.IsZero() }

// Match reports whether e lies in the window.
func (w TimeWindow) Match(e *event.Event) bool {
	if !w.Since.IsZero() && e.Time.Before(w.Since) {
		return false
	}
	if !w.Until.IsZero() && !e.Time.Before(w.Until) {
		return false
	}
	return true
}

// ParseTime reads a --since/--until value: RFC 3339 ("2026-11-22T03:00:00Z"
// or with an offset), a date-time without zone in loc ("2026-11-22 03:00",
// "2026-11-22T03:00:00"), a date ("2026-11-22"), or a duration before now
// ("2h", "90m", "1h30m", "7d", "2w"). The empty string gives the zero time.
func ParseTime(s string, now time.Time, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if d, err := parseAgo(s); err == nil {
		return now.Add(-d).UTC(), nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("bad time %q: use RFC 3339 (2026-11-22T03:00:00Z), a local date-time (2026-11-22 03:00) or an age (2h, 30m, 7d)", s)
}

// parseAgo reads a Go duration extended with d (days) and w (weeks).
func parseAgo(s string) (time.Duration, error) {
	s = strings.TrimPrefix(s, "-")
	if s == "" {
		return 0, fmt.Errorf("empty age")
	}
	unit := s[len(s)-1]
	if unit == 'd' || unit == 'w' {
		n, err := strconv.ParseFloat(s[:len(s)-1], 64)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("bad age %q", s)
		}
		day := 24 * time.Hour
		if unit == 'w' {
			day *= 7
		}
		return time.Duration(n * float64(day)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("bad age %q", s)
	}
	return d, nil
}
