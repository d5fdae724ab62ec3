package scenario

import (
	"fmt"
	"strings"
	"time"
)

// hostDay generates one host's normal lines for one day.
type hostDay struct {
	e        *emitter
	r        rng
	d        day
	seed     uint64
	sessions []session // people's sessions on this host, by start
}

// machines returns the hosts of the scenario. Each was booted some days
// before the first day, which fixes its kernel uptimes and process ids.
func machines(cfg Config) []machine {
	ms := []machine{
		{name: "web1", ip: "10.0.1.11", public: "198.51.100.10", procRate: 0.9, kind: (*hostDay).web,
			workDirs: []string{"/etc/nginx", "/var/log/nginx", "/srv/shop"}, extras: webPackages},
		{name: "web2", ip: "10.0.1.12", public: "198.51.100.11", procRate: 0.8, kind: (*hostDay).web,
			workDirs: []string{"/etc/nginx", "/srv/shop"}, extras: webPackages},
		{name: "db1", ip: "10.0.2.21", procRate: 0.35, kind: (*hostDay).db,
			workDirs: []string{"/var/lib/postgresql", "/var/log/postgresql"}, extras: dbPackages},
		{name: "build1", ip: "10.0.3.31", procRate: 2.5, kind: (*hostDay).build,
			workDirs: []string{"/opt/ci", "/var/lib/ci"}, extras: buildPackages},
		{name: "bastion1", ip: "10.0.0.5", procRate: 0.2, kind: (*hostDay).bastion,
			workDirs: []string{"/var/log"}},
	}
	for i := range ms {
		r := stream(cfg.Seed, "machine/"+ms[i].name, 0)
		ms[i].boot = cfg.Start.Add(-time.Duration(3+r.IntN(40))*24*time.Hour - r.between(0, 24*time.Hour))
		ms[i].logind = 400 + r.IntN(300)
		ms[i].rsyslog = ms[i].logind + 100 + r.IntN(200)
		ms[i].chrony = ms[i].rsyslog + 3 + r.IntN(40)
	}
	return ms
}

// run writes the host's day.
func (h *hostDay) run() {
	h.everyday()
	h.e.m.kind(h)
	id := firstSessionID(h.d)
	for i := range h.sessions {
		h.e.login(h.r, &h.sessions[i], id+i)
	}
}

// everyday writes what every Debian host logs every day: cron, systemd
// timers, log rotation, package list updates and upgrades, NTP and the
// monitoring server's ssh check.
func (h *hostDay) everyday() {
	e, r, d := h.e, h.r, h.d
	for hr := range 24 {
		e.cron(r, d.at(hm(hr, 17)+time.Second+r.between(0, 800*time.Millisecond)), "root", 0, "cd / && run-parts --report /etc/cron.hourly")
	}
	for m := time.Duration(0); m < 24*time.Hour; m += 10 * time.Minute {
		e.oneshot(r, d.at(m+r.between(0, 900*time.Millisecond)), unitSysstat, 0, nil)
	}
	// The monitoring server checks that sshd answers every five minutes.
	for m := time.Duration(0); m < 24*time.Hour; m += 5 * time.Minute {
		t := d.at(m + r.between(2*time.Second, 9*time.Second))
		e.add(t, "sshd", e.pid(t), "Connection closed by 10.0.0.30 port %d [preauth]", r.port())
	}
	e.oneshot(r, d.at(r.between(0, 2*time.Second)), unitLogrotate, r.between(200*time.Millisecond, 3*time.Second), func(t time.Time) time.Time {
		t = t.Add(r.between(100*time.Millisecond, time.Second))
		e.add(t, "rsyslogd", 0, `[origin software="rsyslogd" swVersion="8.2302.0" x-pid="%d" x-info="https://www.rsyslog.com"] rsyslogd was HUPed`, e.m.rsyslog)
		return t
	})
	e.oneshot(r, d.at(r.between(0, 12*time.Hour)), unitManDB, r.between(time.Second, 20*time.Second), nil)
	e.oneshot(r, d.at(hm(6, 0)+r.between(0, 12*time.Hour)), unitAptDaily, r.between(2*time.Second, 40*time.Second), nil)
	e.oneshot(r, d.at(hm(18, 0)+r.between(0, 6*time.Hour)), unitAptDaily, r.between(2*time.Second, 40*time.Second), nil)
	e.oneshot(r, d.at(hm(6, 0)+r.between(0, time.Hour)), unitAptUpgrade, 0, h.unattendedUpgrades)
	boot := e.m.boot.In(d.zone)
	e.oneshot(r, d.at(hm(boot.Hour(), boot.Minute()+15)+r.between(0, time.Minute)), unitTmpfiles, r.between(10*time.Millisecond, 400*time.Millisecond), nil)
	switch d.weekday() {
	case time.Monday:
		e.oneshot(r, d.at(r.between(0, 100*time.Minute)), unitFstrim, time.Second, func(t time.Time) time.Time {
			t = t.Add(r.between(200*time.Millisecond, 3*time.Second))
			gib := 0.5 + 6*r.Float64()
			e.add(t, "fstrim", e.pid(t), "/: %.1f GiB (%d bytes) trimmed on /dev/vda1", gib, int64(gib*(1<<30)))
			return t
		})
	case time.Sunday:
		e.oneshot(r, d.at(hm(3, 10)+r.between(0, 10*time.Second)), unitE2scrub, r.between(time.Second, 30*time.Second), nil)
	}
	arrivals(r, d, &flat, 0.12, 0.5, func(t time.Time) {
		e.add(t, "chronyd", e.m.chrony, "Selected source %s (2.debian.pool.ntp.org)", r.pick([]string{"192.0.2.123", "192.0.2.124", "192.0.2.131", "203.0.113.123"}))
	})
}

// pkg is a Debian package the hosts keep up to date. version holds a %d
// for the security update's number, which grows week by week.
type pkg struct {
	name, arch, version string
	restarts            *unit // a service the upgrade restarts
}

// Packages every host has, and those of each role.
var (
	basePackages = []pkg{
		{"libssl3", "amd64", "3.0.%d-1~deb12u1", nil},
		{"openssl", "amd64", "3.0.%d-1~deb12u1", nil},
		{"tzdata", "all", "2025b-0+deb12u%d", nil},
		{"curl", "amd64", "7.88.1-10+deb12u%d", nil},
		{"libcurl4", "amd64", "7.88.1-10+deb12u%d", nil},
		{"openssh-client", "amd64", "1:9.2p1-2+deb12u%d", nil},
		{"openssh-server", "amd64", "1:9.2p1-2+deb12u%d", &unit{"ssh.service", "OpenBSD Secure Shell server"}},
		{"openssh-sftp-server", "amd64", "1:9.2p1-2+deb12u%d", nil},
		{"libc6", "amd64", "2.36-9+deb12u%d", nil},
		{"libc-bin", "amd64", "2.36-9+deb12u%d", nil},
		{"libsystemd0", "amd64", "252.%d-1~deb12u1", nil},
		{"python3.11", "amd64", "3.11.2-6+deb12u%d", nil},
	}
	webPackages   = []pkg{{"nginx", "amd64", "1.22.1-9+deb12u%d", &unitNginx}, {"nginx-common", "all", "1.22.1-9+deb12u%d", nil}}
	dbPackages    = []pkg{{"postgresql-16", "amd64", "16.%d-1.pgdg120+1", &unitPostgres}, {"postgresql-client-16", "amd64", "16.%d-1.pgdg120+1", nil}, {"libpq5", "amd64", "16.%d-1.pgdg120+1", nil}}
	buildPackages = []pkg{{"git", "amd64", "1:2.39.5-0+deb12u%d", nil}, {"containerd.io", "amd64", "1.7.%d-1", nil}, {"docker-ce-cli", "amd64", "5:27.%d.0-1~debian.12~bookworm", nil}}
)

// pkgChange is one package going from old to new ("" old: a new install).
type pkgChange struct{ name, arch, old, new string }

// unattendedUpgrades writes the unattended-upgrades run of the daily
// apt-daily-upgrade job, forwarded from its log file by rsyslog's imfile
// as Debian sites commonly set up. Security updates arrive on Wednesdays;
// the other days have nothing to do.
func (h *hostDay) unattendedUpgrades(t time.Time) time.Time {
	e, r := h.e, h.r
	uu := func(t time.Time, format string, args ...any) {
		e.add(t, "unattended-upgrades", 0, "%s,%03d INFO %s", t.Format(time.DateTime), t.Nanosecond()/1e6, fmt.Sprintf(format, args...))
	}
	uu(t, "Starting unattended upgrades script")
	t = t.Add(r.between(100*time.Millisecond, 2*time.Second))
	uu(t, "Allowed origins are: origin=Debian,codename=bookworm,label=Debian, origin=Debian,codename=bookworm,label=Debian-Security, origin=Debian,codename=bookworm-security,label=Debian-Security")
	t = t.Add(r.between(2*time.Second, 20*time.Second))
	if h.d.weekday() != time.Wednesday {
		uu(t, "No packages found that can be upgraded unattended and no pending auto-removals")
		return t
	}
	week := h.d.idx / 7
	wr := stream(h.seed, "upgrades", week) // the same updates reach every host
	var changes []pkgChange
	var restarts []*unit
	choose := func(r rng, ps []pkg) {
		for _, p := range ps {
			if r.chance(0.45) {
				n := 2 + week
				changes = append(changes, pkgChange{p.name, p.arch, fmt.Sprintf(p.version, n-1), fmt.Sprintf(p.version, n)})
				if p.restarts != nil {
					restarts = append(restarts, p.restarts)
				}
			}
		}
	}
	choose(wr, basePackages)
	choose(stream(h.seed, "upgrades/"+e.m.name, week), e.m.extras)
	if len(changes) == 0 {
		p := basePackages[wr.IntN(len(basePackages))]
		changes = append(changes, pkgChange{p.name, p.arch, fmt.Sprintf(p.version, 1+week), fmt.Sprintf(p.version, 2+week)})
	}
	names := make([]string, len(changes))
	for i, c := range changes {
		names[i] = c.name
	}
	uu(t, "Packages that will be upgraded: %s", strings.Join(names, " "))
	t = t.Add(tick(r))
	uu(t, "Writing dpkg log to /var/log/unattended-upgrades/unattended-upgrades-dpkg.log")
	t = e.dpkg(r, t.Add(r.between(5*time.Second, 40*time.Second)), changes)
	for _, u := range restarts {
		t = e.restart(r, t.Add(r.between(500*time.Millisecond, 3*time.Second)), *u)
	}
	t = t.Add(r.between(time.Second, 5*time.Second))
	uu(t, "All upgrades installed")
	return t
}

// dpkg writes dpkg's log of installing or upgrading changes, as forwarded
// by rsyslog's imfile: unpack everything, then configure everything.
func (e *emitter) dpkg(r rng, t time.Time, changes []pkgChange) time.Time {
	line := func(format string, args ...any) {
		t = t.Add(time.Duration(1+r.IntN(400)) * time.Millisecond)
		e.add(t, "dpkg", 0, "%s %s", t.Format(time.DateTime), fmt.Sprintf(format, args...))
	}
	line("startup archives unpack")
	for _, c := range changes {
		if c.old == "" {
			line("install %s:%s <none> %s", c.name, c.arch, c.new)
			line("status half-installed %s:%s %s", c.name, c.arch, c.new)
		} else {
			line("upgrade %s:%s %s %s", c.name, c.arch, c.old, c.new)
			line("status half-configured %s:%s %s", c.name, c.arch, c.old)
			line("status unpacked %s:%s %s", c.name, c.arch, c.old)
			line("status half-installed %s:%s %s", c.name, c.arch, c.old)
		}
		line("status unpacked %s:%s %s", c.name, c.arch, c.new)
	}
	line("startup packages configure")
	for _, c := range changes {
		line("configure %s:%s %s <none>", c.name, c.arch, c.new)
		line("status unpacked %s:%s %s", c.name, c.arch, c.new)
		line("status half-configured %s:%s %s", c.name, c.arch, c.new)
		line("status installed %s:%s %s", c.name, c.arch, c.new)
	}
	return t
}
