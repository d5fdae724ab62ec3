package decode

import (
	"strings"
	"testing"
	"time"

	"github.com/leodido/go-syslog/v4/rfc5424"
	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/sources"
)

// TestRFC5424AgreesWithGoSyslog checks the hand-written parser against
// go-syslog's rfc5424 machine (best effort) on the corpus and a few RFC
// examples: same time, header fields, severity, structured data and
// message (modulo the leading spaces and BOM this package drops).
func TestRFC5424AgreesWithGoSyslog(t *testing.T) {
	lines := readLines(t, "rfc5424.log")
	lines = append(lines,
		[]byte(`<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"] `+"\uFEFFAn application event log entry..."),
		[]byte(`<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts.`),
		[]byte(`<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"]`),
	)
	p := rfc5424.NewParser(rfc5424.WithBestEffort())
	for _, l := range lines {
		m, err := p.Parse(l)
		if err != nil {
			t.Fatalf("go-syslog: %q: %v", l, err)
		}
		sm := m.(*rfc5424.SyslogMessage)
		ev := decodeOne(t, FormatRFC5424, string(l), corpusRef, time.UTC)
		str := func(p *string) string {
			if p == nil {
				return ""
			}
			return *p
		}
		if sm.Timestamp == nil || !sm.Timestamp.Equal(ev.Time) {
			t.Errorf("%q: time %v vs %v", l, sm.Timestamp, ev.Time)
		}
		if str(sm.Hostname) != ev.Host || str(sm.Appname) != ev.App {
			t.Errorf("%q: host/app %q %q vs %q %q", l, str(sm.Hostname), str(sm.Appname), ev.Host, ev.App)
		}
		procid := ev.Fields["procid"]
		if ev.PID != 0 {
			procid = itoa(ev.PID)
		}
		if str(sm.ProcID) != procid || str(sm.MsgID) != ev.Fields["msgid"] {
			t.Errorf("%q: procid/msgid %q %q vs %q %q", l, str(sm.ProcID), str(sm.MsgID), procid, ev.Fields["msgid"])
		}
		if sm.Severity == nil || event.Severity(*sm.Severity) != ev.Severity {
			t.Errorf("%q: severity", l)
		}
		if msg := strings.TrimLeft(strings.TrimPrefix(str(sm.Message), "\uFEFF"), " "); msg != ev.Message {
			t.Errorf("%q: message %q vs %q", l, msg, ev.Message)
		}
		n := 0
		if sm.StructuredData != nil {
			for id, params := range *sm.StructuredData {
				for k, v := range params {
					n++
					if got := ev.Fields["sd."+id+"."+k]; got != v {
						t.Errorf("%q: sd %s.%s %q vs %q", l, id, k, v, got)
					}
				}
			}
		}
		for k := range ev.Fields {
			if strings.HasPrefix(k, "sd.") {
				n--
			}
		}
		if n != 0 {
			t.Errorf("%q: structured data counts differ", l)
		}
	}
}

// BenchmarkGoSyslogRFC5424 is the go-syslog baseline for
// BenchmarkDecode/rfc5424: parsing only, plus building the same event.
func BenchmarkGoSyslogRFC5424(b *testing.B) {
	lines := readLines(b, "rfc5424.log")
	p := rfc5424.NewParser(rfc5424.WithBestEffort())
	var ev event.Event
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		l := lines[i%len(lines)]
		m, err := p.Parse(l)
		if err != nil {
			b.Fatal(err)
		}
		sm := m.(*rfc5424.SyslogMessage)
		ev = event.Event{Raw: l, Format: FormatRFC5424}
		if sm.Timestamp != nil {
			ev.Time = sm.Timestamp.UTC()
		}
		if sm.Hostname != nil {
			ev.Host = *sm.Hostname
		}
		if sm.Appname != nil {
			ev.App = *sm.Appname
		}
		if sm.Message != nil {
			ev.Message = *sm.Message
		}
		if sm.StructuredData != nil {
			for id, params := range *sm.StructuredData {
				for k, v := range params {
					ev.SetField("sd."+id+"."+k, v)
				}
			}
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
	_ = sources.Line{}
}
