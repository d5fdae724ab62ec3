package fleet

import (
	"fmt"
	"time"
)

// housekeeping writes what the host does by itself every day: cron,
// systemd timers, the nightly backup, time sync.
func (hd *hostDay) housekeeping() {
	if hd.h.os == el7 {
		hd.cronEL7()
	} else {
		hd.timersEL9()
	}
	if hd.h.backupMin >= 0 {
		hd.backupClient()
	}
}

// cronJob writes a CentOS 7 cron run: the CROND line and, for root's
// jobs, the logind session pam_systemd opens around it.
func (hd *hostDay) cronJob(t time.Time, user, cmd string) {
	pid := hd.pidAt(t)
	hd.log(t, "CROND", pid, fmt.Sprintf("(%s) CMD (%s)", user, cmd))
	if user != "root" {
		return
	}
	hd.session(t, func(id int) {
		hd.sys(t.Add(-secs(0.004)), "Created slice User Slice of root.")
		hd.sys(t.Add(-secs(0.002)), "Started Session %d of user root.", id)
		hd.sys(t.Add(secs(between(hd.r, 0.3, 2))), "Removed slice User Slice of root.")
	})
}

// cronEL7 is a CentOS 7 host's cron: sysstat every ten minutes, hourly
// run-parts kicking anacron, which runs the daily (and on Sundays the
// weekly) jobs once after 03:00.
func (hd *hostDay) cronEL7() {
	r, d := hd.r, hd.d
	for m := 0; m < 24*60; m += 10 {
		t := d.at(m/60, m%60, between(r, 1, 1.9))
		hd.log(t, "CROND", hd.pidAt(t), "(root) CMD (/usr/lib64/sa/sa1 1 1)")
	}
	hd.log(d.at(23, 53, between(r, 1, 1.9)), "CROND", hd.pidAt(d.at(23, 53, 0)), "(root) CMD (/usr/lib64/sa/sa2 -A)")
	for h := range 24 {
		t := d.at(h, 1, between(r, 1, 1.9))
		hd.cronJob(t, "root", "run-parts /etc/cron.hourly")
		const rp = "run-parts(/etc/cron.hourly)"
		p := hd.pidAt(t)
		hd.log(t.Add(secs(0.01)), rp, p, "starting 0anacron")
		if h == 3 {
			hd.anacron(t.Add(secs(0.02)))
		}
		hd.log(t.Add(secs(between(r, 0.02, 0.05))), rp, p+3, "finished 0anacron")
	}
}

// anacron writes the day's anacron run, started from cron.hourly at t.
func (hd *hostDay) anacron(t time.Time) {
	r, d := hd.r, hd.d
	pid := hd.pidAt(t)
	delay := 5 + r.IntN(40)
	hd.logf(t, "anacron", pid, "Anacron started on %04d-%02d-%02d", d.y, d.m, d.dd)
	jobs := []string{"cron.daily"}
	if d.wd == time.Sunday {
		jobs = append(jobs, "cron.weekly")
	}
	for i, j := range jobs {
		hd.logf(t.Add(secs(0.001*float64(i+1))), "anacron", pid, "Will run job `%s' in %d min.", j, delay+5*i)
	}
	hd.log(t.Add(secs(0.004)), "anacron", pid, "Jobs will be executed sequentially")
	t = t.Add(time.Duration(delay) * time.Minute)
	for _, j := range jobs {
		hd.logf(t, "anacron", pid, "Job `%s' started", j)
		rp := "run-parts(/etc/" + j + ")"
		var parts []string
		if j == "cron.daily" {
			parts = []string{"logrotate", "man-db.cron", "mlocate"}
		}
		for _, p := range parts {
			pp := hd.pidAt(t)
			hd.log(t.Add(secs(0.01)), rp, pp, "starting "+p)
			t = t.Add(secs(between(r, 0.2, 25)))
			hd.log(t, rp, pp+2, "finished "+p)
		}
		t = t.Add(secs(between(r, 0.01, 0.1)))
		hd.logf(t, "anacron", pid, "Job `%s' terminated", j)
		t = t.Add(5 * time.Minute)
	}
	exit := "Normal exit (1 job run)"
	if len(jobs) > 1 {
		exit = fmt.Sprintf("Normal exit (%d jobs run)", len(jobs))
	}
	hd.log(t.Add(-5*time.Minute+secs(0.01)), "anacron", pid, exit)
}

// timer writes one run of a systemd service started by a timer.
func (hd *hostDay) timer(t time.Time, unit, desc string, body func(t time.Time) time.Time) {
	hd.sys(t, "Starting %s - %s...", unit, desc)
	t = t.Add(secs(between(hd.r, 0.01, 0.08)))
	if body != nil {
		t = body(t)
	}
	hd.sys(t, "%s: Deactivated successfully.", unit)
	hd.sys(t.Add(secs(0.0004)), "Finished %s - %s.", unit, desc)
}

// timersEL9 is a Rocky 9 host's timers and cron: sysstat every ten
// minutes, dnf makecache about hourly, logrotate and tmpfiles daily,
// chronyd now and then.
func (hd *hostDay) timersEL9() {
	r, d := hd.r, hd.d
	for m := 0; m < 24*60; m += 10 {
		hd.timer(d.at(m/60, m%60, between(r, 0.1, 3)), "sysstat-collect.service", "system activity accounting tool", nil)
	}
	hd.timer(d.at(0, 7, between(r, 0, 5)), "sysstat-summary.service", "Generate a daily summary of process accounting", nil)
	hd.timer(d.at(0, 0, between(r, 0, 3)), "logrotate.service", "Rotate log files", func(t time.Time) time.Time {
		return t.Add(secs(between(r, 0.2, 1.5)))
	})
	hd.timer(d.at(0, 10+hd.h.sessBase%40, between(r, 0, 60)), "systemd-tmpfiles-clean.service", "Cleanup of Temporary Directories", nil)
	// dnf-makecache.timer: an hour after the last run plus up to an
	// hour of random delay; dnf refreshes only when its cache is three
	// hours old.
	last := d.start.Add(-secs(between(r, 0, 3*3600)))
	for t := d.start.Add(secs(between(r, 0, 3600))); t.Before(d.end); t = t.Add(secs(3600 + between(r, 0, 3600))) {
		hd.timer(t, "dnf-makecache.service", "dnf makecache", func(t time.Time) time.Time {
			pid := hd.pidAt(t)
			t = t.Add(secs(between(r, 0.6, 1.4)))
			if t.Sub(last) < 3*time.Hour {
				hd.log(t, "dnf", pid, "Metadata cache refreshed recently.")
				return t.Add(secs(0.05))
			}
			last = t
			for _, repo := range []string{"Rocky Linux 9 - BaseOS", "Rocky Linux 9 - AppStream", "Rocky Linux 9 - Extras"} {
				kb := between(r, 3, 60)
				t = t.Add(secs(between(r, 0.3, 1.5)))
				hd.logf(t, "dnf", pid, "%-50s %3.0f kB/s | %.1f kB     00:00", repo, kb, between(r, 2.9, 4.6))
			}
			hd.log(t.Add(secs(between(r, 0.5, 2))), "dnf", pid, "Metadata cache created.")
			return t.Add(secs(between(r, 2, 3)))
		})
	}
	for range poisson(r, 2.5) {
		t := d.start.Add(within(r, 0, d.end.Sub(d.start)))
		hd.logf(t, "chronyd", hd.h.pid["chronyd"], "Selected source %s (%d.rocky.pool.ntp.org)", pick(r, ntpServers), r.IntN(4))
	}
	for h := range 24 {
		t := d.at(h, 1, between(r, 0.5, 1.5))
		pid := hd.pidAt(t)
		hd.log(t, "CROND", pid, "(root) CMD (run-parts /etc/cron.hourly)")
		rp := hd.pidAt(t) + 1
		hd.log(t.Add(secs(0.01)), "run-parts", rp, "(/etc/cron.hourly) starting 0anacron")
		hd.log(t.Add(secs(between(r, 0.02, 0.06))), "run-parts", rp, "(/etc/cron.hourly) finished 0anacron")
		hd.log(t.Add(secs(between(r, 0.07, 0.1))), "CROND", pid, "(root) CMDEND (run-parts /etc/cron.hourly)")
	}
}

// ntpServers are pool servers chronyd picks from.
var ntpServers = []string{"162.159.200.1", "162.159.200.123", "103.242.68.68", "202.46.185.18", "131.203.16.6", "103.76.40.123"}

// backupAt is when host h's nightly backup to files1 starts on day d;
// the client and files1 draw it from the same stream so they agree.
func backupAt(seed uint64, h *host, d day) time.Time {
	r := stream(seed, "backup/"+h.name, d.idx)
	return d.at(0, h.backupMin, between(r, 0.5, 40))
}

// backupSize is how much a host's nightly backup uploads, in pack files.
func backupSize(seed uint64, h *host, d day) int {
	r := stream(seed, "backup-size/"+h.name, d.idx)
	return 2 + r.IntN(9)
}

// backupClient writes the cron job that backs the host up to files1
// with restic over sftp.
func (hd *hostDay) backupClient() {
	r := hd.r
	t := backupAt(hd.seed, hd.h, hd.d)
	pid := hd.pidAt(t)
	const cmd = "/usr/local/sbin/backup-nightly.sh"
	if hd.h.os == el7 {
		hd.cronJob(t, "root", cmd)
	} else {
		hd.logf(t, "CROND", pid, "(root) CMD (%s)", cmd)
	}
	bpid := 0
	if hd.h.os == el9 {
		bpid = hd.pidAt(t) + 2
	}
	t = t.Add(secs(between(r, 0.5, 2)))
	hd.logf(t, "backup-nightly", bpid, "starting restic backup of /etc /var/lib /srv to sftp:backup@files1:/srv/backup/%s", hd.h.name)
	packs := backupSize(hd.seed, hd.h, hd.d)
	t = t.Add(time.Duration(packs) * secs(between(r, 8, 25)))
	hd.logf(t, "backup-nightly", bpid, "snapshot %s saved: %d new, %d changed, %d unmodified files, %.1f MiB added",
		randString(r, lowerHex, 8), r.IntN(40), 20+r.IntN(400), 30000+r.IntN(90000), float64(packs)*between(r, 3, 16))
	t = t.Add(secs(between(r, 3, 20)))
	hd.logf(t, "backup-nightly", bpid, "forget: keeping 7 daily and 4 weekly snapshots, %d removed", r.IntN(2))
	if hd.h.os == el9 {
		hd.logf(t.Add(secs(0.05)), "CROND", pid, "(root) CMDEND (%s)", cmd)
	}
}
