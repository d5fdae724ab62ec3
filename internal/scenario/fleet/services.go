package fleet

import (
	"strings"
	"time"
)

// unitDesc is the Description= of the units people restart.
var unitDesc = map[string]string{
	"orders-api":            "Orders API",
	"nginx":                 "The nginx HTTP and reverse proxy server",
	"reports-web":           "Reports web (gunicorn)",
	"reports-worker":        "Reports worker (celery)",
	"postfix":               "Postfix Mail Transport Agent",
	"dovecot":               "Dovecot IMAP/POP3 email server",
	"opendkim":              "DomainKeys Identified Mail (DKIM) Milter",
	"openvpn-server@server": "OpenVPN service for server",
	"firewalld":             "firewalld - dynamic firewall daemon",
	"chronyd":               "NTP client/server",
	"named":                 "Berkeley Internet Name Domain (DNS)",
	"dhcpd":                 "DHCPv4 Server Daemon",
	"smb":                   "Samba SMB Daemon",
	"sshd":                  "OpenSSH server daemon",
	"nagios":                "Nagios Core 4.4.14",
	"httpd":                 "The Apache HTTP Server",
}

// commandLines writes what a command run through sudo makes other
// programs log: systemd restarting or reloading a unit, Postfix and
// BIND reloading.
func (hd *hostDay) commandLines(cmd string, t time.Time) {
	r := hd.r
	f := strings.Fields(cmd)
	step := func(lo, hi float64) time.Time { t = t.Add(secs(between(r, lo, hi))); return t }
	switch {
	case len(f) == 3 && f[0] == "/bin/systemctl" && (f[1] == "restart" || f[1] == "reload"):
		unit, desc := f[2], unitDesc[f[2]]
		if hd.h.os == el7 {
			if f[1] == "reload" {
				hd.sys(step(0.01, 0.05), "Reloading %s.", desc)
				hd.sys(step(0.05, 0.3), "Reloaded %s.", desc)
				return
			}
			hd.sys(step(0.01, 0.05), "Stopping %s...", desc)
			hd.sys(step(0.2, 3), "Stopped %s.", desc)
			hd.sys(step(0.001, 0.01), "Starting %s...", desc)
			hd.sys(step(0.1, 2), "Started %s.", desc)
			return
		}
		if f[1] == "reload" {
			hd.sys(step(0.01, 0.05), "Reloading %s.service - %s...", unit, desc)
			hd.sys(step(0.05, 0.3), "Reloaded %s.service - %s.", unit, desc)
			return
		}
		hd.sys(step(0.01, 0.05), "Stopping %s.service - %s...", unit, desc)
		hd.sys(step(0.2, 3), "%s.service: Deactivated successfully.", unit)
		hd.sys(step(0.0005, 0.002), "Stopped %s.service - %s.", unit, desc)
		hd.sys(step(0.001, 0.01), "Starting %s.service - %s...", unit, desc)
		hd.sys(step(0.1, 2), "Started %s.service - %s.", unit, desc)
	case cmd == "/sbin/postfix reload":
		hd.log(step(0.05, 0.2), "postfix/postfix-script", hd.pidAt(t), "refreshing the Postfix mail system")
		hd.log(step(0.01, 0.05), "postfix/master", hd.h.pid["master"], "reload -- version 2.10.1, configuration /etc/postfix")
	case cmd == "/sbin/rndc reload":
		pid := hd.h.pid["named"]
		hd.log(step(0.01, 0.05), "named", pid, "received control channel command 'reload'")
		hd.log(step(0.001, 0.01), "named", pid, "loading configuration from '/etc/named.conf'")
		hd.log(step(0.01, 0.1), "named", pid, "reloading configuration succeeded")
		hd.log(step(0.01, 0.2), "named", pid, "reloading zones succeeded")
		hd.log(step(0.01, 0.2), "named", pid, "all zones loaded")
		hd.log(step(0.0001, 0.001), "named", pid, "running")
	}
}
