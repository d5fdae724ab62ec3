package fleet

import (
	"fmt"
	"time"
)

// nagiosAlert is a check that sometimes goes soft-WARNING for a while;
// warn and ok each take one number.
type nagiosAlert struct{ host, svc, warn, ok string }

var nagiosAlerts = []nagiosAlert{
	{"mail1", "Mail Queue", "WARNING: %d messages in queue", "OK: %d messages in queue"},
	{"app1", "HTTP", "HTTP WARNING: HTTP/1.1 200 OK - %d bytes in 2.104 second response time", "HTTP OK: HTTP/1.1 200 OK - %d bytes in 0.087 second response time"},
	{"app2", "Disk /var", "DISK WARNING - free space: /var %d MB (9%% inode=97%%):", "DISK OK - free space: /var %d MB (14%% inode=97%%):"},
	{"files1", "Load", "WARNING - load average: %d.41, 3.12, 2.20", "OK - load average: %d.12, 0.98, 1.40"},
	{"vpn1", "NTP", "NTP WARNING: Offset -0.%d secs", "NTP OK: Offset -0.00%d secs"},
}

// monHost writes mon1: Nagios and cron, a quiet host.
func (hd *hostDay) monHost() {
	r, d := hd.r, hd.d
	// Nagios logs to syslog without a pid.
	const pid = 0
	hd.log(d.at(0, 0, between(r, 0, 0.5)), "nagios", pid, "LOG ROTATION: DAILY")
	hd.log(d.at(0, 0, between(r, 0.5, 0.6)), "nagios", pid, "LOG VERSION: 2.0")
	for h := range 24 {
		hd.log(d.at(h, 0, between(r, 0.5, 2)), "nagios", pid, "Auto-save of retention data completed successfully.")
	}
	for range poisson(r, 3*wobble(r, 0.5)) {
		a := pick(r, nagiosAlerts)
		t := d.start.Add(within(r, 0, d.end.Sub(d.start)-time.Hour))
		n := 100 + r.IntN(900)
		hd.logf(t, "nagios", pid, "SERVICE ALERT: %s;%s;WARNING;SOFT;1;%s", a.host, a.svc, fmt.Sprintf(a.warn, n))
		if chance(r, 0.3) {
			t = t.Add(5 * time.Minute)
			hd.logf(t, "nagios", pid, "SERVICE ALERT: %s;%s;WARNING;HARD;2;%s", a.host, a.svc, fmt.Sprintf(a.warn, n))
			hd.logf(t.Add(secs(0.01)), "nagios", pid, "SERVICE NOTIFICATION: oncall;%s;%s;WARNING;notify-service-by-email;%s", a.host, a.svc, fmt.Sprintf(a.warn, n))
		}
		hd.logf(t.Add(within(r, 5*time.Minute, 40*time.Minute)), "nagios", pid, "SERVICE ALERT: %s;%s;OK;SOFT;2;%s", a.host, a.svc, fmt.Sprintf(a.ok, n/10))
	}
	hd.cronJob(d.at(7, 5, between(r, 0.5, 1.5)), "nagios", "/usr/local/bin/check_backups.sh")
}
