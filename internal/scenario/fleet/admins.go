package fleet

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"
)

// newSession starts a session of user on host h.
func (f *fleet) newSession(user string, h *host, from string, start time.Time, dur time.Duration) *session {
	uid := 1050
	if st := f.byUser[user]; st != nil {
		uid = st.uid
	}
	return &session{user: user, uid: uid, host: h.name, from: from, start: start, end: start.Add(dur), key: f.keys[user], tty: true}
}

// habit returns one of the commands user habitually runs with sudo on
// h, with the arguments that vary.
func habit(r *rand.Rand, user string, h *host) string {
	svc := pick(r, h.services)
	logf := pick(r, h.logs)
	n := pick(r, []string{"50", "100", "200", "500"})
	switch user {
	case "priya":
		if h.role == roleOrders {
			return pick(r, []string{
				"/bin/systemctl restart orders-api",
				"/bin/systemctl status orders-api",
				"/bin/journalctl -u orders-api -n " + pick(r, []string{"200", "500", "1000"}) + " --no-pager",
				"/bin/tail -n " + n + " /var/log/nginx/error.log",
				"/bin/journalctl -u orders-api -n " + pick(r, []string{"200", "500", "1000"}) + " --no-pager",
				"/bin/systemctl reload nginx",
			})
		}
		return pick(r, []string{
			"/bin/systemctl restart reports-worker",
			"/bin/systemctl status reports-worker",
			"/bin/journalctl -u reports-web --since -" + pick(r, []string{"1h", "2h", "4h", "30min"}),
			"/bin/tail -n " + n + " /var/log/nginx/error.log",
			"/bin/systemctl restart reports-web",
		})
	case "ruben":
		switch h.role {
		case roleMail:
			return pick(r, []string{
				"/sbin/postqueue -p",
				"/sbin/postqueue -p",
				"/sbin/postsuper -d " + randString(r, upperHexs, 10),
				"/bin/doveadm who",
				"/bin/tail -n " + n + " /var/log/maillog",
				"/bin/grep -c reject /var/log/maillog",
				"/sbin/postfix reload",
			})
		case roleVPN:
			return pick(r, []string{
				"/bin/systemctl status openvpn-server@server",
				"/bin/cat /var/log/openvpn/status.log",
				"/bin/tail -n " + n + " /var/log/messages",
			})
		}
		return pick(r, []string{
			"/bin/du -sh /srv/sftp/orders-export/upload",
			"/bin/ls -l /srv/sftp/orders-export/upload",
			"/bin/tail -n " + n + " /var/log/secure",
		})
	case "mateo":
		if h.role == roleMail && chance(r, 0.4) {
			return "/sbin/postqueue -p"
		}
		return pick(r, []string{
			"/bin/systemctl status " + svc,
			"/bin/systemctl status " + svc,
			"/bin/tail -n " + pick(r, []string{"50", "100"}) + " " + logf,
			"/bin/journalctl -p err --since -" + pick(r, []string{"1h", "2h", "30min"}),
		})
	}
	// hana
	pm := "/bin/dnf"
	if h.os == el7 {
		pm = "/bin/yum"
	}
	cmds := []string{
		"/bin/systemctl status " + svc,
		"/bin/systemctl status " + svc,
		"/bin/journalctl -u " + svc + " --since today",
		"/bin/tail -n " + n + " " + logf,
		"/bin/systemctl restart " + svc,
		pm + " check-update",
	}
	switch h.role {
	case roleDNS:
		cmds = append(cmds, "/sbin/rndc reload", "/sbin/named-checkconf", "/bin/less /var/lib/dhcpd/dhcpd.leases")
	case roleFiles:
		cmds = append(cmds, "/bin/smbstatus -b", "/bin/du -sh /srv/shares/"+pick(r, []string{"finance", "projects", "hr", "public", "scans"}))
	case roleMon:
		cmds = append(cmds, "/sbin/nagios -v /etc/nagios/nagios.cfg")
	}
	return pick(r, cmds)
}

// sudoActs fills s with k habitual commands spread over the session.
// Mistyped passwords happen at the rate given, never on files1.
func sudoActs(r *rand.Rand, s *session, h *host, k int, mistype float64) {
	dur := s.end.Sub(s.start)
	for range k {
		a := act{at: within(r, 15*time.Second, max(20*time.Second, dur-20*time.Second)), cmd: habit(r, s.user, h)}
		if h.role != roleFiles && chance(r, mistype) {
			a.misses = 1
			if chance(r, 0.12) {
				a.misses, a.giveUp = 3, true
			}
		}
		a.hold = secs(between(r, 0.1, 2))
		if a.cmd == "/bin/cat /var/log/openvpn/status.log" || a.cmd == "/bin/doveadm who" {
			a.hold = secs(between(r, 0.05, 0.3))
		}
		s.acts = append(s.acts, a)
	}
	orderActs(s)
}

// inWindow returns a random start in w that leaves room for d.
func inWindow(r *rand.Rand, w span, d time.Duration) time.Time {
	room := w.dur() - d - 10*time.Minute
	if room <= 0 {
		return w.from
	}
	return w.from.Add(5*time.Minute + within(r, 0, room))
}

// planHana: day-shift admin in the office, on every host, patch day on
// Wednesdays, and now and then an sftp account on files1.
func (f *fleet) planHana(r *rand.Rand, d day, dk *desk) []*session {
	if len(dk.windows) == 0 {
		return nil
	}
	w := dk.windows[0]
	var out []*session
	weights := []float64{1, 1, 3, 2, 2, 2, 2} // mail1 vpn1 app1 app2 files1 ns1 mon1
	for range 2 + poisson(r, 3) {
		h := f.hosts[weighted(r, weights)]
		dur := within(r, 3*time.Minute, 35*time.Minute)
		s := f.newSession("hana", h, dk.addr, inWindow(r, w, dur), dur)
		if h.role == roleMon && chance(r, 0.25) {
			s.acts = append(s.acts, act{at: within(r, 20*time.Second, dur/2), hold: within(r, time.Minute, dur/2), fx: fx{kind: fxSu, name: "root"}})
		}
		sudoActs(r, s, h, poisson(r, 1.7), 0.06)
		out = append(out, s)
	}
	if d.wd == time.Wednesday {
		t := d.at(10, 0, between(r, 0, 900))
		if t.Before(w.from) {
			t = w.from.Add(15 * time.Minute)
		}
		for _, name := range []string{"app1", "app2", "vpn1", "ns1", "files1", "mail1", "mon1"} {
			h := f.byName[name]
			dur := within(r, 6*time.Minute, 12*time.Minute)
			s := f.newSession("hana", h, dk.addr, t, dur)
			pm := "/bin/dnf"
			if h.os == el7 {
				pm = "/bin/yum"
			}
			s.acts = append(s.acts,
				act{at: secs(between(r, 10, 40)), cmd: pm + " check-update", hold: secs(between(r, 3, 12))},
				act{at: secs(between(r, 60, 110)), cmd: pm + " -y upgrade", hold: secs(between(r, 120, 260)), fx: fx{kind: fxPatch}},
			)
			if h.os == el7 {
				s.acts[1].cmd = pm + " -y update"
			}
			if chance(r, 0.5) {
				s.acts = append(s.acts, act{at: secs(between(r, 400, 460)), cmd: "/bin/systemctl restart " + h.services[0], hold: secs(between(r, 1, 5))})
			}
			out = append(out, s)
			t = s.start.Add(dur + within(r, time.Minute, 4*time.Minute))
		}
	}
	if d.wd == time.Thursday && d.week() < 2 {
		name := []string{"partner-acme", "partner-kiwifreight"}[d.week()]
		id := 1031 + d.week()
		s := f.newSession("hana", f.byName["files1"], dk.addr, d.at(14, 0, between(r, 0, 3600)), 6*time.Minute)
		s.acts = append(s.acts,
			act{at: 40 * time.Second, cmd: "/sbin/useradd -d /srv/sftp/" + name + " -s /sbin/nologin -G sftponly " + name, hold: time.Second,
				fx: fx{kind: fxUseradd, name: name, id: id, group: "sftponly", home: "/srv/sftp/" + name, shell: "/sbin/nologin"}},
			act{at: 75 * time.Second, cmd: "/bin/passwd " + name, hold: 12 * time.Second, fx: fx{kind: fxPasswd, name: name}},
			act{at: 150 * time.Second, cmd: "/bin/chown root:root /srv/sftp/" + name, hold: time.Second},
			act{at: 190 * time.Second, cmd: "/bin/mkdir /srv/sftp/" + name + "/upload", hold: time.Second},
		)
		out = append(out, s)
	}
	return out
}

// planPriya: developer, office laptop with a new address every day,
// only on the app servers, logs in with a password, mistypes sudo's.
func (f *fleet) planPriya(r *rand.Rand, d day, dk *desk) []*session {
	if len(dk.windows) == 0 {
		return nil
	}
	var out []*session
	for range 1 + poisson(r, 2.5) {
		h := f.byName["app1"]
		if chance(r, 0.4) {
			h = f.byName["app2"]
		}
		dur := within(r, 4*time.Minute, 55*time.Minute)
		s := f.newSession("priya", h, dk.addr, inWindow(r, dk.windows[0], dur), dur)
		s.key = ""
		sudoActs(r, s, h, 1+poisson(r, 1.4), 0.12)
		out = append(out, s)
	}
	return out
}

// planRuben: mail and VPN admin working from home through the VPN, some
// Saturday mornings too.
func (f *fleet) planRuben(r *rand.Rand, d day, dk *desk) []*session {
	if len(dk.windows) == 0 {
		return nil
	}
	n := 2 + poisson(r, 2)
	if !d.workday() {
		n = 1 + poisson(r, 1)
	}
	var out []*session
	for range n {
		h := f.hosts[weighted(r, []float64{6, 2.5, 0, 0, 1.5, 0, 0})]
		dur := within(r, 3*time.Minute, 30*time.Minute)
		s := f.newSession("ruben", h, dk.addr, inWindow(r, dk.windows[0], dur), dur)
		sudoActs(r, s, h, 1+poisson(r, 1.2), 0.04)
		out = append(out, s)
	}
	return out
}

// planMateo: the night-shift operator's shift that starts at 22:00 on
// day d and ends at 06:00 the next morning, from the NOC desktop.
func (f *fleet) planMateo(r *rand.Rand, d day) []*session {
	shift := span{d.at(22, 10, 0), d.at(29, 50, 0)}
	var out []*session
	for range 2 + poisson(r, 3) {
		h := f.hosts[weighted(r, []float64{2, 1, 3, 2, 0, 1, 2})]
		dur := within(r, 4*time.Minute, 30*time.Minute)
		s := f.newSession("mateo", h, nocAddr, inWindow(r, shift, dur), dur)
		if h.role == roleOrders && chance(r, 0.2) {
			hold := within(r, 2*time.Minute, dur/2)
			s.acts = append(s.acts, act{at: within(r, 30*time.Second, dur/3), cmd: "/bin/su - orders", hold: hold, fx: fx{kind: fxSu, name: "orders"}})
		}
		sudoActs(r, s, h, 1+poisson(r, 1), 0.03)
		out = append(out, s)
	}
	return out
}

// ansibleModules are the modules a playbook run goes through after
// gathering facts.
var ansibleModules = []string{"stat", "copy", "template", "file", "lineinfile", "systemd_service", "command", "package_facts"}

// planAnsible: the automation account visits every two hours, day and
// night, from the control node, and runs a handful of modules as root.
func (f *fleet) planAnsible(r *rand.Rand, d day, h *host) []*session {
	if h.ansibleMin < 0 {
		return nil
	}
	py := "/usr/bin/python3"
	if h.os == el7 {
		py = "/usr/bin/python"
	}
	var out []*session
	for hour := 0; hour < 24; hour += 2 {
		start := d.at(hour, h.ansibleMin, between(r, 2, 50))
		s := f.newSession("ansible", h, ansibleAddr, start, 0)
		s.tty = false
		ctlPID := 20000 + r.IntN(12000)
		mods := []string{"setup"}
		for range 3 + r.IntN(5) {
			mods = append(mods, pick(r, ansibleModules))
		}
		if h.os == el7 {
			mods = slices.Insert(mods, 1, "yum")
		} else {
			mods = slices.Insert(mods, 1, "dnf")
		}
		at := secs(between(r, 0.8, 2))
		for _, m := range mods {
			ts := start.Add(at)
			tmp := fmt.Sprintf("ansible-tmp-%d.%07d-%d-%s", ts.Unix(), ts.Nanosecond()/100, ctlPID, strconv.FormatInt(10e13+r.Int64N(9e14), 10))
			cmd := "/bin/sh -c echo BECOME-SUCCESS-" + randString(r, lowers, 32) + " ; " + py + " /home/ansible/.ansible/tmp/" + tmp + "/AnsiballZ_" + m + ".py"
			hold := secs(between(r, 0.3, 1.5))
			if m == "setup" || m == "dnf" || m == "yum" || m == "package_facts" {
				hold = secs(between(r, 1.5, 6))
			}
			s.acts = append(s.acts, act{at: at, cmd: cmd, hold: hold})
			at += hold + secs(between(r, 0.4, 2.5))
		}
		s.end = start.Add(at + secs(between(r, 0.5, 2)))
		out = append(out, s)
	}
	return out
}
