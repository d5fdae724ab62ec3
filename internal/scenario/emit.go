package scenario

import (
	"fmt"
	"strconv"
	"time"
)

// stampLayout is rsyslog's RSYSLOG_FileFormat timestamp ("high precision",
// the Debian 12 default): RFC 3339 with microseconds and a numeric offset.
const stampLayout = "2006-01-02T15:04:05.000000-07:00"

// machine is one host's fixed facts.
type machine struct {
	name     string
	ip       string    // address on the internal network
	public   string    // internet-facing address, empty for internal hosts
	boot     time.Time // last boot, for kernel uptimes and process ids
	procRate float64   // processes started per second, for process ids
	workDirs []string  // where people sudo from, besides their home
	extras   []pkg     // packages of the host's role
	kind     func(*hostDay)

	logind, rsyslog, chrony int // pids of daemons running since boot
}

// emitter collects one host's lines for one day.
type emitter struct {
	m     *machine
	lines []Line
	buf   []byte
}

// add appends the line "<stamp> <host> <tag>[<pid>]: <message>"; pid 0
// leaves the brackets out, as sudo, the kernel and rsyslog's file inputs do.
func (e *emitter) add(t time.Time, tag string, pid int, format string, args ...any) {
	t = t.Truncate(time.Microsecond) // what the line says is what Time holds
	b := t.AppendFormat(e.buf[:0], stampLayout)
	b = append(b, ' ')
	b = append(b, e.m.name...)
	b = append(b, ' ')
	b = append(b, tag...)
	if pid > 0 {
		b = append(b, '[')
		b = strconv.AppendInt(b, int64(pid), 10)
		b = append(b, ']')
	}
	b = append(b, ':', ' ')
	b = fmt.Appendf(b, format, args...)
	e.buf = b
	e.lines = append(e.lines, Line{Time: t, Host: e.m.name, Text: string(b)})
}

// pid returns a plausible id for a process started at t: ids grow with
// time since boot at the host's pace and wrap at pid_max, so they run
// forward through a log the way real ones do.
func (e *emitter) pid(t time.Time) int {
	n := int(t.Sub(e.m.boot).Seconds() * e.m.procRate)
	return 1200 + n%4_190_000
}

// kernel adds a kernel ring-buffer line stamped with the uptime at t.
func (e *emitter) kernel(t time.Time, format string, args ...any) {
	up := t.Sub(e.m.boot)
	msg := fmt.Sprintf(format, args...)
	e.add(t, "kernel", 0, "[%5d.%06d] %s", int64(up/time.Second), int64(up%time.Second/time.Microsecond), msg)
}

// tick returns a small forward step, the time between two lines one
// program writes in a row.
func tick(r rng) time.Duration { return time.Duration(50+r.IntN(4000)) * time.Microsecond }

// unit is a systemd unit with the description its lines show.
type unit struct{ name, desc string }

// Units the hosts run.
var (
	unitLogrotate  = unit{"logrotate.service", "Rotate log files"}
	unitManDB      = unit{"man-db.service", "Daily man-db regeneration"}
	unitAptDaily   = unit{"apt-daily.service", "Daily apt download activities"}
	unitAptUpgrade = unit{"apt-daily-upgrade.service", "Daily apt upgrade and clean activities"}
	unitTmpfiles   = unit{"systemd-tmpfiles-clean.service", "Cleanup of Temporary Directories"}
	unitFstrim     = unit{"fstrim.service", "Discard unused blocks on filesystems from /etc/fstab"}
	unitE2scrub    = unit{"e2scrub_all.service", "Online ext4 Metadata Check for All Filesystems"}
	unitCertbot    = unit{"certbot.service", "Certbot"}
	unitSysstat    = unit{"sysstat-collect.service", "system activity accounting tool"}
	unitNginx      = unit{"nginx.service", "A high performance web server and a reverse proxy server"}
	unitShopAPI    = unit{"shop-api.service", "Shop API"}
	unitPostgres   = unit{"postgresql@16-main.service", "PostgreSQL Cluster 16-main"}
	unitBackup     = unit{"pg-backup.service", "Nightly PostgreSQL backup"}
	unitRunner     = unit{"ci-runner.service", "CI job runner"}
	unitNightly    = unit{"nightly-build.service", "Nightly build of all projects"}
)

// oneshot writes the lines of a oneshot service run from t lasting dur
// and returns the time of its last line. between, when set, writes the
// service's own output between the start and the end and returns the time
// it finished.
func (e *emitter) oneshot(r rng, t time.Time, u unit, dur time.Duration, between func(t time.Time) time.Time) time.Time {
	e.add(t, "systemd", 1, "Starting %s - %s...", u.name, u.desc)
	end := t.Add(dur)
	if between != nil {
		end = between(t.Add(tick(r))).Add(tick(r))
	}
	e.add(end, "systemd", 1, "%s: Deactivated successfully.", u.name)
	end = end.Add(tick(r))
	e.add(end, "systemd", 1, "Finished %s - %s.", u.name, u.desc)
	if dur > time.Second && r.chance(0.7) {
		end = end.Add(tick(r))
		e.add(end, "systemd", 1, "%s: Consumed %.3fs CPU time.", u.name, dur.Seconds()*(0.05+0.4*r.Float64()))
	}
	return end
}

// restart writes a service stopping and starting again from t and returns
// the time of the last line.
func (e *emitter) restart(r rng, t time.Time, u unit) time.Time {
	e.add(t, "systemd", 1, "Stopping %s - %s...", u.name, u.desc)
	t = t.Add(time.Duration(20+r.IntN(900)) * time.Millisecond)
	e.add(t, "systemd", 1, "%s: Deactivated successfully.", u.name)
	t = t.Add(tick(r))
	e.add(t, "systemd", 1, "Stopped %s - %s.", u.name, u.desc)
	if r.chance(0.6) {
		t = t.Add(tick(r))
		e.add(t, "systemd", 1, "%s: Consumed %dmin %.3fs CPU time.", u.name, r.IntN(40), 60*r.Float64())
	}
	t = t.Add(tick(r))
	e.add(t, "systemd", 1, "Starting %s - %s...", u.name, u.desc)
	t = t.Add(time.Duration(30+r.IntN(1500)) * time.Millisecond)
	e.add(t, "systemd", 1, "Started %s - %s.", u.name, u.desc)
	return t
}

// reload writes a service reloading its configuration.
func (e *emitter) reload(r rng, t time.Time, u unit) time.Time {
	e.add(t, "systemd", 1, "Reloading %s - %s...", u.name, u.desc)
	t = t.Add(time.Duration(5+r.IntN(120)) * time.Millisecond)
	e.add(t, "systemd", 1, "Reloaded %s - %s.", u.name, u.desc)
	return t
}

// cron writes one cron job run by user at t: the PAM session around it
// and the command line.
func (e *emitter) cron(r rng, t time.Time, user string, uid int, cmd string) {
	pid := e.pid(t)
	e.add(t, "CRON", pid, "pam_unix(cron:session): session opened for user %s(uid=%d) by (uid=0)", user, uid)
	e.add(t.Add(tick(r)), "CRON", pid+1, "(%s) CMD (%s)", user, cmd)
	e.add(t.Add(time.Duration(20+r.IntN(900))*time.Millisecond), "CRON", pid, "pam_unix(cron:session): session closed for user %s", user)
}
