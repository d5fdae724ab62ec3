package fleet

import (
	"fmt"
	"slices"
	"time"

	"github.com/vigil-sec/vigil/internal/scenario"
)

// Incident IDs.
const (
	idBruteForce = "bruteforce-files1"
	idNewAdmin   = "newadmin-app2"
	idNightSudo  = "nightsudo-app1"
	idNewPackage = "newpkg-vpn1"
	idNewAddress = "newaddr-mail1"
	idSilence    = "silence-ns1"
)

// incidentPlan is what happens on the incident day on top of normal
// traffic, decided before the hosts write their lines.
type incidentPlan struct {
	d          day
	bruteStart time.Time
	bruteFrom  string
	intruder   string // where the new account logs in from
	newAddr    string // ruben's address never seen before
	nightAt    time.Time
	silence    time.Time
}

// planIncidents decides the incidents of day d and files their
// sessions into p.
func (f *fleet) planIncidents(seed uint64, d day, p *dayPlan) *incidentPlan {
	r := stream(seed, "incidents", d.idx)
	ip := &incidentPlan{d: d}
	external := func() string {
		for {
			a := publicIP(r)
			if a[:3] != "27." && a[:3] != "10." {
				return a
			}
		}
	}

	// 1. Password guessing on files1, mid-morning.
	ip.bruteStart = d.at(10, 20, between(r, 0, 3600))
	ip.bruteFrom = external()

	// 2. An intruder with a root shell on app2 creates an account at
	// night, puts it in wheel, logs in with it and becomes root.
	app2 := f.byName["app2"]
	t0 := d.at(1, 48, between(r, 0, 900))
	shell := &session{user: "root", host: app2.name, start: t0, end: t0.Add(2 * time.Minute), shell: true, incident: idNewAdmin}
	shell.acts = []act{
		{at: 0, hold: time.Second, fx: fx{kind: fxUseradd, name: "svcbackup", id: 1006, home: "/home/svcbackup", shell: "/bin/bash"}},
		{at: secs(between(r, 15, 40)), fx: fx{kind: fxPasswd, name: "svcbackup"}},
		{at: secs(between(r, 55, 90)), fx: fx{kind: fxUsermod, name: "svcbackup", group: "wheel"}},
	}
	p.addSession(shell)
	ip.intruder = external()
	in := t0.Add(within(r, 9*time.Minute, 16*time.Minute))
	stay := within(r, 14*time.Minute, 25*time.Minute)
	login := &session{user: "svcbackup", uid: 1006, host: app2.name, from: ip.intruder, start: in, end: in.Add(stay), tty: true, incident: idNewAdmin}
	login.acts = []act{
		{at: secs(between(r, 8, 20)), cmd: "/bin/id", hold: secs(0.1)},
		{at: secs(between(r, 30, 60)), cmd: "/bin/bash", hold: stay - 90*time.Second},
	}
	p.addSession(login)

	// 3. hana, who works days, logs in to app1 at about 3 am from her
	// usual office address and runs her usual commands.
	hana := f.byUser["hana"]
	app1 := f.byName["app1"]
	ip.nightAt = d.at(2, 55, between(r, 0, 1200))
	night := f.newSession("hana", app1, hana.usual, ip.nightAt, within(r, 8*time.Minute, 15*time.Minute))
	night.incident = idNightSudo
	night.acts = []act{
		{at: secs(between(r, 20, 60)), cmd: "/bin/systemctl status orders-api", hold: secs(0.4)},
		{at: secs(between(r, 90, 200)), cmd: habit(r, "hana", app1), hold: secs(1)},
		{at: secs(between(r, 250, 400)), cmd: "/bin/journalctl -u orders-api --since today", hold: secs(2)},
	}
	p.addSession(night)

	// 4. A package no host ever had is installed on vpn1 by hana during
	// her working day.
	vpn1 := f.byName["vpn1"]
	addr := hana.usual
	at := d.at(14, 10, between(r, 0, 1800))
	if dk := p.byUser["hana"]; dk != nil && len(dk.windows) > 0 {
		addr = dk.addr
		if w := dk.windows[0]; !w.contains(at) {
			at = w.from.Add(w.dur() * 2 / 3)
		}
	}
	inst := f.newSession("hana", vpn1, addr, at, within(r, 5*time.Minute, 9*time.Minute))
	inst.acts = []act{
		{at: secs(between(r, 20, 50)), cmd: "/bin/dnf install -y " + newPackage.name, hold: secs(between(r, 25, 45)),
			fx: fx{kind: fxInstall, pkg: newPackage}, incident: idNewPackage},
	}
	p.addSession(inst)

	// 5. ruben logs in to mail1 straight from an address of a network he
	// never used, not through the VPN.
	mail1 := f.byName["mail1"]
	ip.newAddr = external()
	ra := d.at(11, 20, between(r, 0, 1800))
	ru := f.newSession("ruben", mail1, ip.newAddr, ra, within(r, 6*time.Minute, 14*time.Minute))
	ru.incident = idNewAddress
	sudoActs(r, ru, mail1, 2, 0)
	p.addSession(ru)

	// 6. ns1's rsyslog stops in the early afternoon.
	ip.silence = d.at(13, 30, between(r, 0, 3600))
	return ip
}

// bruteForce writes the password guessing against files1: about a
// hundred connections in a few minutes, invalid users and root.
func (hd *hostDay) bruteForce(start time.Time, from string) {
	hd.incident = idBruteForce
	defer func() { hd.incident = "" }()
	r := hd.r
	t := start
	n := 80 + r.IntN(50)
	users := []string{"admin", "test", "user", "ftpuser", "backup1", "samba", "guest", "share", "scan", "files", "nas", "oracle", "support"}
	for range n {
		pid := hd.pidAt(t)
		port := anyPort(r)
		ct := t
		step := func(lo, hi float64) time.Time { ct = ct.Add(secs(between(r, lo, hi))); return ct }
		if chance(r, 0.75) {
			u := pick(r, users)
			hd.logf(ct, "sshd", pid, "Invalid user %s from %s port %d", u, from, port)
			hd.logf(step(0.001, 0.01), "sshd", pid, "input_userauth_request: invalid user %s [preauth]", u)
			hd.log(step(0.3, 1.5), "sshd", pid, "pam_unix(sshd:auth): check pass; user unknown")
			hd.logf(step(0.001, 0.005), "sshd", pid, "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=%s", from)
			hd.logf(step(1.5, 2.5), "sshd", pid, "Failed password for invalid user %s from %s port %d ssh2", u, from, port)
			hd.logf(step(0.1, 0.5), "sshd", pid, "Connection closed by %s port %d [preauth]", from, port)
		} else {
			hd.logf(ct, "sshd", pid, "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=%s  user=root", from)
			for range 6 {
				hd.logf(step(1.5, 2.5), "sshd", pid, "Failed password for root from %s port %d ssh2", from, port)
			}
			hd.logf(step(0.001, 0.01), "sshd", pid, "error: maximum authentication attempts exceeded for root from %s port %d ssh2 [preauth]", from, port)
			hd.log(step(0.0001, 0.001), "sshd", pid, "Disconnecting: Too many authentication failures [preauth]")
			hd.logf(step(0.0001, 0.001), "sshd", pid, "PAM 5 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=%s  user=root", from)
			hd.log(step(0.0001, 0.001), "sshd", pid, "PAM service(sshd) ignoring max retries; 6 > 3")
		}
		t = t.Add(secs(between(r, 0.5, 5)))
	}
}

// describe fills in the manifest from the evidence.
func (ip *incidentPlan) describe(ev map[string][]scenario.Line) []scenario.Incident {
	whats := map[string]struct {
		host  string
		kinds []string
		what  string
	}{
		idBruteForce: {"files1", []string{"rate_high", "new_template", "new_value"},
			fmt.Sprintf("SSH password guessing on files1 from %s (invalid users and root); files1 never had a failed login", ip.bruteFrom)},
		idNewAdmin: {"app2", []string{"new_value", "out_of_hours", "new_template"},
			fmt.Sprintf("account svcbackup created from a root shell on app2 at night and added to wheel; it logs in from %s and becomes root with sudo", ip.intruder)},
		idNightSudo: {"app1", []string{"out_of_hours"},
			fmt.Sprintf("hana, who works days, logs in to app1 at %s and runs sudo", ip.nightAt.Format("15:04"))},
		idNewPackage: {"vpn1", []string{"new_value"},
			"nmap installed with dnf on vpn1; no host ever had it"},
		idNewAddress: {"mail1", []string{"new_value"},
			fmt.Sprintf("ruben logs in to mail1 from %s, a network he never used, not through the VPN", ip.newAddr)},
		idSilence: {"ns1", []string{"silence", "rate_low"},
			"ns1 stops logging in the afternoon and stays silent for the rest of the day"},
	}
	var out []scenario.Incident
	for _, id := range []string{idBruteForce, idNewAdmin, idNightSudo, idNewPackage, idNewAddress, idSilence} {
		w := whats[id]
		ls := ev[id]
		inc := scenario.Incident{ID: id, Host: w.host, Kinds: w.kinds, What: w.what, Lines: len(ls)}
		if len(ls) > 0 {
			inc.Start, inc.End = ls[0].Time, ls[len(ls)-1].Time
		}
		if id == idSilence {
			inc.End = ip.d.end
		}
		out = append(out, inc)
	}
	return out
}

// sortEvidence orders each incident's lines by time.
func sortEvidence(ev map[string][]scenario.Line) {
	for _, ls := range ev {
		slices.SortStableFunc(ls, func(a, b scenario.Line) int { return a.Time.Compare(b.Time) })
	}
}
