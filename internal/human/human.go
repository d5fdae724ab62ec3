// Package human writes figures the way people read them: byte sizes and
// durations in a few characters, for messages, reasons and panes.
package human

import (
	"strconv"
	"time"
)

// Bytes formats n with a binary unit and one decimal: "1023 B", "1.5 KiB",
// "9.5 MiB".
func Bytes(n int64) string {
	if n < 1024 {
		return strconv.FormatInt(n, 10) + " B"
	}
	const units = "KMGTPE"
	f := float64(n) / 1024
	u := 0
	for f >= 1024 && u < len(units)-1 {
		f /= 1024
		u++
	}
	return strconv.FormatFloat(f, 'f', 1, 64) + " " + units[u:u+1] + "iB"
}

// Duration writes d in days, hours and minutes, leaving out the units that
// are zero: "5m", "2h", "1d", "2h30m", "1d6h"; under a minute, in seconds:
// "45s". A negative d is 0s.
func Duration(d time.Duration) string {
	if d < time.Minute {
		return strconv.Itoa(int(max(d, 0)/time.Second)) + "s"
	}
	var s string
	if days := d / (24 * time.Hour); days > 0 {
		s += strconv.Itoa(int(days)) + "d"
		d -= days * 24 * time.Hour
	}
	if h := d / time.Hour; h > 0 {
		s += strconv.Itoa(int(h)) + "h"
		d -= h * time.Hour
	}
	if m := d / time.Minute; m > 0 {
		s += strconv.Itoa(int(m)) + "m"
	}
	return s
}
