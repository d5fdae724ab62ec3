package filters

import (
	"testing"
	"time"

	"github.com/vigil-sec/vigil/event"
)

func TestParseTime(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	nz, err := time.LoadLocation("Pacific/Auckland")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		in      string
		want    time.Time
		wantErr bool
	}{
		{"", time.Time{}, false},
		{"2h", now.Add(-2 * time.Hour), false},
		{"-15m", now.Add(-15 * time.Minute), false},
		{"1h30m", now.Add(-90 * time.Minute), false},
		{"7d", now.Add(-7 * 24 * time.Hour), false},
		{"2w", now.Add(-14 * 24 * time.Hour), false},
		{"2026-11-22T03:00:00Z", time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC), false},
		{"2026-11-22T16:00:00+13:00", time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC), false},
		{"2026-11-22 16:00", time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC), false},
		{"2026-11-23", time.Date(2026, 11, 22, 11, 0, 0, 0, time.UTC), false},
		{"yesterday", time.Time{}, true},
		{"-", time.Time{}, true},
		{"5x", time.Time{}, true},
	}
	for _, tt := range tests {
		got, err := ParseTime(tt.in, now, nz)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseTime(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			continue
		}
		if !got.Equal(tt.want) {
			t.Errorf("ParseTime(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestTimeWindow(t *testing.T) {
	base := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	w := TimeWindow{Since: base, Until: base.Add(time.Hour)}
	tests := []struct {
		at   time.Time
		want bool
	}{
		{base.Add(-time.Second), false},
		{base, true},
		{base.Add(59 * time.Minute), true},
		{base.Add(time.Hour), false},
	}
	for _, tt := range tests {
		e := event.Event{Time: tt.at}
		if got := w.Match(&e); got != tt.want {
			t.Errorf("Match(%v) = %v, want %v", tt.at, got, tt.want)
		}
	}
	if !(TimeWindow{}).Match(&event.Event{}) || !(TimeWindow{}).IsZero() {
		t.Error("zero window must keep everything")
	}
}
