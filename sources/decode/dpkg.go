package decode

import (
	"strings"
	"time"

	"github.com/vigil-sec/vigil/event"
)

// dpkgActions are the first words of the lines dpkg writes to
// /var/log/dpkg.log after its timestamp.
var dpkgActions = [...]string{
	"startup", "status", "install", "upgrade", "remove", "purge",
	"configure", "trigproc", "conffile",
}

// decodeDpkg decodes a /var/log/dpkg.log line:
//
//	2026-11-22 05:07:56 install netcat-openbsd:amd64 <none> 1.219-1
//	2026-11-22 05:07:56 status installed netcat-openbsd:amd64 1.219-1
//	2026-11-22 05:07:56 startup archives unpack
//
// The timestamp has a year but no zone: it is read in the decoder's
// Location and marked guessed. App is "dpkg"; Message is everything after
// the timestamp. Fields: action (install, upgrade, remove, purge, configure,
// trigproc, status, startup, conffile), status (for status lines), package
// (without its :arch suffix) and version (the resulting version: the last
// token that is not <none>; none after remove and purge).
func (d *Decoder) decodeDpkg(ev *event.Event, s string, ref time.Time) bool {
	c, n, ok := parseRFC3339(s)
	if !ok || n != 19 || c.zone || len(s) <= n+1 || s[n] != ' ' {
		return false
	}
	rest := s[n+1:]
	action, args, _ := strings.Cut(rest, " ")
	known := false
	for _, a := range dpkgActions {
		known = known || a == action
	}
	if !known || args == "" {
		return false
	}
	t, ok := d.localTime(&c, ref)
	if !ok {
		return false
	}
	ev.Time, ev.TimeGuessed = t, true
	ev.App = "dpkg"
	ev.Message = d.text(rest)
	ev.SetField("action", action)
	words := strings.Fields(args)
	pkgAt := 0
	switch action {
	case "status":
		if len(words) >= 1 {
			d.setField(ev, "status", words[0])
		}
		pkgAt = 1
	case "startup", "conffile":
		return true
	}
	if len(words) > pkgAt {
		pkg, _, _ := strings.Cut(words[pkgAt], ":")
		d.setField(ev, "package", pkg)
	}
	if action == "remove" || action == "purge" {
		return true // nothing is installed afterwards
	}
	for j := len(words) - 1; j > pkgAt; j-- {
		if words[j] != "<none>" {
			d.setField(ev, "version", words[j])
			break
		}
	}
	return true
}
