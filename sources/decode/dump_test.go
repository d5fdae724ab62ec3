package decode

import (
	"fmt"
	"os"
	"testing"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/sources"
)

func TestDump(t *testing.T) {
	name := os.Getenv("DUMP")
	if name == "" {
		t.Skip()
	}
	d := New(Options{Location: auckland(t)})
	for i, l := range readLines(t, name) {
		var ev event.Event
		d.decodeLine(&ev, sources.Line{Data: l, Offset: int64(i)}, corpusRef, testArrival)
		fmt.Printf("%s %s g=%v h=%q a=%q p=%d s=%v m=%q f=%v\n", ev.Format, ev.Time.Format("2006-01-02T15:04:05.999Z"), ev.TimeGuessed, ev.Host, ev.App, ev.PID, ev.Severity, ev.Message, ev.Fields)
	}
}
