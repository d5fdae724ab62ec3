package scenario

import (
	"slices"
	"time"
)

// command is something a person runs with sudo.
type command struct {
	as   string // target account; "" is root
	line string // the COMMAND= text
	// effect writes what the command makes other programs log, from t,
	// and returns when the command ended; until is the end of the ssh
	// session it runs in.
	effect func(e *emitter, r rng, t, until time.Time) time.Time
}

// visit is a host a person works on and what they do there.
type visit struct {
	host string
	p    float64   // chance of working there on a working day
	cmds []command // usual sudo commands, the most used first
}

// person is one member of staff with their habits.
type person struct {
	name   string
	uid    int
	addrs  []string // usual source addresses, the most used first
	key    string   // the fingerprint of their ED25519 key
	oncall bool     // evenings and weekend checks as well as the day shift
	visits []visit  // bastion1 first
}

// restartCmd is `systemctl restart` of a service.
func restartCmd(name string, u unit) command {
	return command{line: "/usr/bin/systemctl restart " + name, effect: func(e *emitter, r rng, t, _ time.Time) time.Time {
		return e.restart(r, t.Add(tick(r)), u)
	}}
}

// reloadCmd is `systemctl reload` of a service.
func reloadCmd(name string, u unit) command {
	return command{line: "/usr/bin/systemctl reload " + name, effect: func(e *emitter, r rng, t, _ time.Time) time.Time {
		return e.reload(r, t.Add(tick(r)), u)
	}}
}

// plainCmd is a command whose effects nothing logs.
func plainCmd(line string) command { return command{line: line} }

// psqlCmd is a DBA's `sudo -u postgres psql`: a local connection that
// PostgreSQL logs, closed before the ssh session ends.
func psqlCmd() command {
	return command{as: "postgres", line: "/usr/bin/psql", effect: func(e *emitter, r rng, t, until time.Time) time.Time {
		t = t.Add(300 * time.Millisecond)
		last := until.Sub(t) - 5*time.Second
		return e.pgLocal(r, t, "postgres", "postgres", "psql", max(min(r.between(30*time.Second, 6*time.Minute), last), time.Second))
	}}
}

// staff returns the people who log in, with their habits.
func staff() []person {
	return []person{
		{
			name: "alice", uid: 1001, key: "SHA256:oQPnHb3eLZ1BY0I2eMrDEHW5Rwx1Vz77Fwgmdlts48I",
			addrs: []string{"10.20.1.31", "10.8.0.14"},
			visits: []visit{
				{"bastion1", 0.9, []command{plainCmd("/usr/bin/journalctl -u ssh --since today"), plainCmd("/usr/bin/tail -n 200 /var/log/auth.log")}},
				{"web1", 0.55, []command{reloadCmd("nginx", unitNginx), plainCmd("/usr/bin/tail -n 200 /var/log/nginx/error.log"), plainCmd("/usr/sbin/nginx -t"), restartCmd("nginx", unitNginx)}},
				{"web2", 0.3, []command{plainCmd("/usr/bin/tail -n 200 /var/log/nginx/error.log"), reloadCmd("nginx", unitNginx), plainCmd("/usr/sbin/nginx -t")}},
			},
		},
		{
			name: "bob", uid: 1002, key: "SHA256:9xY4kFq2Wm7hT1pLzR8vB3nC6dJ0sG5aE2uK7iO4wQc",
			addrs: []string{"10.20.1.47", "10.8.0.22", "10.20.3.12"},
			visits: []visit{
				{"bastion1", 0.85, []command{plainCmd("/usr/bin/systemctl status ssh")}},
				{"web2", 0.75, []command{restartCmd("shop-api", unitShopAPI), plainCmd("/usr/bin/journalctl -u shop-api -n 200"), plainCmd("/usr/bin/systemctl status shop-api")}},
				{"web1", 0.25, []command{plainCmd("/usr/bin/journalctl -u shop-api -n 200"), restartCmd("shop-api", unitShopAPI)}},
				{"build1", 0.35, []command{plainCmd("/usr/bin/journalctl -u ci-runner -n 100"), plainCmd("/usr/bin/docker ps")}},
			},
		},
		{
			name: "carol", uid: 1003, key: "SHA256:Lr3Qe8TtZc1mVb6Nw0Xy5Ua2Ps9Od4Ki7Hj1Gf8Rk2E",
			addrs: []string{"10.20.2.8"},
			visits: []visit{
				{"bastion1", 0.8, []command{plainCmd("/usr/bin/systemctl status ssh")}},
				{"db1", 0.9, []command{psqlCmd(), plainCmd("/usr/bin/tail -n 100 /var/log/postgresql/postgresql-16-main.log"), plainCmd("/usr/bin/systemctl status postgresql@16-main"), {as: "postgres", line: "/usr/bin/vacuumdb --analyze-only shop"}}},
			},
		},
		{
			name: "dave", uid: 1004, key: "SHA256:Df7Zp2Lk9Qm4Xv1Tn8Rb3Wc6Ys0Ha5Ue2Jg7Io4Pk1M", oncall: true,
			addrs: []string{"10.20.1.60", "10.8.0.9", "10.8.0.41"},
			visits: []visit{
				{"bastion1", 0.95, []command{plainCmd("/usr/bin/journalctl -p err --since -2h"), plainCmd("/usr/bin/apt-get update"), plainCmd("/usr/bin/du -sh /var/log")}},
				{"web1", 0.3, []command{plainCmd("/usr/bin/systemctl status nginx"), plainCmd("/usr/bin/apt-get update"), plainCmd("/usr/sbin/ufw status verbose")}},
				{"web2", 0.3, []command{plainCmd("/usr/bin/systemctl status nginx"), plainCmd("/usr/sbin/ufw status verbose"), plainCmd("/usr/bin/apt-get update")}},
				{"db1", 0.3, []command{plainCmd("/usr/bin/systemctl status postgresql@16-main"), plainCmd("/usr/bin/du -sh /var/lib/postgresql")}},
				{"build1", 0.4, []command{restartCmd("ci-runner", unitRunner), plainCmd("/usr/bin/docker system df"), plainCmd("/usr/bin/apt-get update")}},
			},
		},
	}
}

// session is one ssh logon of a person on a host.
type session struct {
	who        *person
	host       string
	start, end time.Time
	addr       string
	port       int
	staleKey   bool // the client offered an old key first
	timeout    bool // the session ends by a client timeout, not a logout
	cmds       []timedCmd
}

// timedCmd is a command run at a time.
type timedCmd struct {
	at     time.Time
	cmd    command
	fumble bool // the password is mistyped once first
}

// window is a stretch of a day someone works, as wall-clock offsets.
type window struct {
	from, to time.Duration
	check    bool // a short out-of-hours check rather than a working day
}

// windows returns when p works on d.
func (p *person) windows(r rng, d day) []window {
	var ws []window
	if !d.weekend() && r.chance(0.92) {
		var from, to time.Duration
		if p.oncall {
			from = r.around(hm(9, 0), 25*time.Minute)
			to = r.around(hm(18, 0), 35*time.Minute)
		} else {
			from = min(max(r.around(hm(8, 10), 25*time.Minute), hm(7, 15)), hm(10, 30))
			if r.chance(0.07) { // an early start
				from = r.between(hm(6, 25), hm(7, 15))
			}
			to = from + r.around(hm(8, 50), 35*time.Minute)
			if r.chance(0.08) { // a late finish
				to += r.between(time.Hour, 2*time.Hour+30*time.Minute)
			}
			to = min(to, hm(21, 30))
		}
		ws = append(ws, window{from: from, to: to})
	}
	if !p.oncall {
		return ws
	}
	switch {
	case !d.weekend() && r.chance(0.3):
		from := r.between(hm(19, 30), hm(22, 45))
		ws = append(ws, window{from: from, to: from + r.between(10*time.Minute, time.Hour), check: true})
	case d.weekend() && r.chance(0.6):
		from := r.between(hm(9, 30), hm(11, 30))
		if r.chance(0.4) {
			from = r.between(hm(19, 0), hm(21, 30))
		}
		ws = append(ws, window{from: from, to: from + r.between(10*time.Minute, 45*time.Minute), check: true})
	}
	return ws
}

// plan returns p's sessions on d, on every host.
func (p *person) plan(seed uint64, d day) []session {
	r := stream(seed, "person/"+p.name, d.idx)
	addr := p.addrs[r.skewed(len(p.addrs))] // where they sit today
	var out []session
	mk := func(host string, from, to time.Duration, cmds []command, ncmd int) {
		s := session{who: p, host: host, start: d.at(from), end: d.at(to), addr: addr, port: r.port()}
		if r.chance(0.1) {
			s.addr = p.addrs[r.IntN(len(p.addrs))]
		}
		s.staleKey = host != "db1" && r.chance(0.04)
		s.timeout = r.chance(0.06)
		span := to - from
		for range ncmd {
			// Early enough in the session that what the command starts
			// (a psql session, a restart) ends before the logout.
			at := from + 20*time.Second + r.between(0, span/2)
			s.cmds = append(s.cmds, timedCmd{at: d.at(at), cmd: cmds[r.skewed(len(cmds))], fumble: r.chance(0.03)})
		}
		slices.SortFunc(s.cmds, func(a, b timedCmd) int { return a.at.Compare(b.at) })
		out = append(out, s)
	}
	for _, w := range p.windows(r, d) {
		span := w.to - w.from
		if w.check {
			mk("bastion1", w.from, w.to, p.visits[0].cmds, r.poisson(0.6))
			if len(p.visits) > 1 && r.chance(0.45) {
				v := p.visits[1+r.IntN(len(p.visits)-1)]
				from := w.from + r.between(time.Minute, span/2)
				mk(v.host, from, from+r.between(3*time.Minute, span/2), v.cmds, 1+r.poisson(0.5))
			}
			continue
		}
		// The bastion: a few long sessions across the day.
		k := 1 + min(r.poisson(1.0), 3)
		part := span / time.Duration(k)
		for i := range k {
			from := w.from + time.Duration(i)*part + r.between(0, min(30*time.Minute, part/4))
			to := w.from + time.Duration(i+1)*part - r.between(time.Minute, part/3)
			mk("bastion1", from, to, p.visits[0].cmds, min(r.poisson(0.8), 3))
		}
		// Other hosts: short visits to do something.
		for _, v := range p.visits[1:] {
			if !r.chance(v.p) {
				continue
			}
			n := 1
			if r.chance(0.25) {
				n = 2
			}
			next := w.from
			for range n {
				from := next + r.between(0, max(w.to-next-20*time.Minute, time.Minute))
				dur := min(max(time.Duration(r.ExpFloat64()*float64(30*time.Minute)), 3*time.Minute), 2*time.Hour)
				to := min(from+dur, w.to)
				if to-from < 2*time.Minute {
					break
				}
				mk(v.host, from, to, v.cmds, 1+min(r.poisson(0.7), 3))
				next = to + time.Minute
			}
		}
	}
	return out
}
