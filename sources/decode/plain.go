package decode

import (
	"time"

	"github.com/vigil-sec/vigil/event"
)

// decodePlain is the fallback: the whole line is the Message, timed at
// arrival and marked guessed. It accepts anything, including an empty line.
func (d *Decoder) decodePlain(ev *event.Event, s string, arrival time.Time) {
	ev.Time = arrival.UTC()
	ev.TimeGuessed = true
	ev.Message = d.text(s)
}
