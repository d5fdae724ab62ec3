package event

import (
	"encoding/json"
	"testing"
	"time"
)

func TestAppendJSON(t *testing.T) {
	e := Event{
		Time:       time.Date(2026, 11, 22, 3, 5, 49, 123456789, time.UTC),
		Host:       "web1",
		App:        "sshd",
		PID:        1234,
		Severity:   Info,
		Message:    "Failed password for root from 203.0.113.9 port 52113 ssh2",
		Categories: []string{"auth.failure"},
		Rules:      []string{"ssh-failed-password"},
		Fields:     map[string]string{"user": "root", "src_ip": "203.0.113.9", "src_port": "52113"},
		Template:   "a41f0c2e",
		Source:     "file:/var/log/auth.log",
	}
	got := string(AppendJSON(nil, &e, false))
	want := `{"time":"2026-11-22T03:05:49.123456Z","host":"web1","app":"sshd","pid":1234,"severity":"info","message":"Failed password for root from 203.0.113.9 port 52113 ssh2","categories":["auth.failure"],"rules":["ssh-failed-password"],"fields":{"src_ip":"203.0.113.9","src_port":"52113","user":"root"},"template":"a41f0c2e","source":"file:/var/log/auth.log","deviations":[]}`
	if got != want {
		t.Fatalf("AppendJSON:\n got %s\nwant %s", got, want)
	}
}

func TestAppendJSONValid(t *testing.T) {
	tests := []string{
		"plain", "quote \" backslash \\", "tab\tnl\ncr\r", "esc \x1b[31m", "bad utf8 \xe9\xff",
		"sep \u2028 \u2029", "nul \x00", "",
	}
	for _, msg := range tests {
		e := Event{Time: time.Unix(0, 0), Message: msg, Host: msg, Fields: map[string]string{msg: msg}, Raw: []byte(msg)}
		out := AppendJSON(nil, &e, true)
		var m map[string]any
		if err := json.Unmarshal(out, &m); err != nil {
			t.Errorf("invalid JSON for %q: %v\n%s", msg, err, out)
		}
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "a\"b", "\x00\x1f", "\xff", "\u2028", "héllo"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := AppendJSONString(nil, s)
		var got string
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("invalid JSON for %q: %v (%s)", s, err, out)
		}
	})
}

func BenchmarkAppendJSON(b *testing.B) {
	e := Event{
		Time:     time.Date(2026, 11, 22, 3, 5, 49, 123456789, time.UTC),
		Host:     "web1",
		App:      "sshd",
		PID:      1234,
		Severity: Info,
		Message:  "Failed password for root from 203.0.113.9 port 52113 ssh2",
		Source:   "file:/var/log/auth.log",
	}
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendJSON(buf[:0], &e, false)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

func TestAppendTimeMatchesTimeFormat(t *testing.T) {
	times := []time.Time{
		time.Unix(0, 0), time.Unix(-1, 0), time.Unix(-86401, 999999999),
		time.Date(2026, 11, 22, 3, 5, 49, 123456789, time.UTC),
		time.Date(2000, 2, 29, 23, 59, 59, 999999000, time.UTC),
		time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2100, 12, 31, 12, 0, 0, 1000, time.FixedZone("x", 13*3600)),
		time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC),
	}
	for d := int64(-800000); d < 800000; d += 997 {
		times = append(times, time.Unix(d*86400+d%86400, d*1000))
	}
	for _, tm := range times {
		want := tm.UTC().Format("2006-01-02T15:04:05.000000Z07:00")
		if got := string(AppendTime(nil, tm)); got != want {
			t.Fatalf("AppendTime(%v) = %s, want %s", tm, got, want)
		}
	}
}

func BenchmarkAppendTime(b *testing.B) {
	tm := time.Date(2026, 11, 22, 3, 5, 49, 123456789, time.UTC)
	buf := make([]byte, 0, 64)
	for b.Loop() {
		buf = AppendTime(buf[:0], tm)
	}
}

func BenchmarkAppendJSONString(b *testing.B) {
	s := "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.9  user=root"
	buf := make([]byte, 0, 1024)
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		buf = AppendJSONString(buf[:0], s)
	}
}
