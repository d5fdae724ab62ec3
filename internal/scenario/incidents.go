package scenario

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Deviation kinds an incident can fit.
const (
	KindNewTemplate = "new_template"
	KindRateHigh    = "rate_high"
	KindRateLow     = "rate_low"
	KindNewValue    = "new_value"
	KindOutOfHours  = "out_of_hours"
	KindSilence     = "silence"
)

// injector adds the incidents to the last day.
type injector struct {
	seed     uint64
	d        day
	ms       []machine
	people   []person
	plans    []map[string][]session // every day's sessions by host
	learn    int                    // number of learning days
	sessions int                    // logind numbers handed out so far
}

// inject adds the incidents to lines, which hold the normal traffic of
// every day, records them in s and returns the lines.
func (s *Scenario) inject(in *injector, lines []Line) []Line {
	add := func(id, host, what string, kinds []string, ls []Line) {
		slices.SortStableFunc(ls, func(a, b Line) int { return a.Time.Compare(b.Time) })
		s.Incidents = append(s.Incidents, Incident{
			ID: id, Host: host, Start: ls[0].Time, End: ls[len(ls)-1].Time,
			Kinds: kinds, What: what, Lines: len(ls),
		})
		s.evidence[id] = ls
		lines = append(lines, ls...)
	}

	ip, ls := in.bruteForce()
	add("bruteforce-db1", "db1",
		fmt.Sprintf("ssh password guessing on db1 from %s: %d failed logons in under ten minutes", ip, countPrefix(ls, "Failed password")),
		[]string{KindRateHigh, KindNewTemplate, KindNewValue}, ls)

	name, ip, ls := in.newSudoer()
	add("new-sudoer-bastion1", "bastion1",
		fmt.Sprintf("at night dave creates account %s, sets its password and adds it to group sudo; %s logs in from %s and runs sudo", name, name, ip),
		[]string{KindNewValue, KindOutOfHours, KindNewTemplate}, ls)

	cmd, ls := in.nightSudo()
	add("night-sudo-bob-web2", "web2",
		fmt.Sprintf("day-shift bob logs in to web2 at night from his usual address and runs his usual %q", cmd),
		[]string{KindOutOfHours}, ls)

	pkgName, ls := in.newPackage()
	add("new-package-web1", "web1",
		fmt.Sprintf("dave installs %s on web1, a package never installed before", pkgName),
		[]string{KindNewValue, KindNewTemplate}, ls)

	ip, ls = in.newAddress()
	add("new-address-alice-bastion1", "bastion1",
		fmt.Sprintf("alice logs in to bastion1 in working hours from %s, an address she never used", ip),
		[]string{KindNewValue}, ls)

	// build1 stops logging: everything from the cut on is dropped.
	cut := in.d.at(hm(11, 0) + stream(in.seed, "incident/silence", in.d.idx).between(0, 10*time.Minute))
	var lastLine Line
	lines = slices.DeleteFunc(lines, func(l Line) bool {
		if l.Host != "build1" {
			return false
		}
		if l.Time.Before(cut) {
			if !l.Time.Before(lastLine.Time) {
				lastLine = l
			}
			return false
		}
		return true
	})
	s.Incidents = append(s.Incidents, Incident{
		ID: "silence-build1", Host: "build1", Start: lastLine.Time, End: in.d.end,
		Kinds: []string{KindSilence, KindRateLow},
		What:  fmt.Sprintf("build1 goes silent after %s for the rest of the day", lastLine.Time.Format("15:04:05")),
		Lines: 1,
	})
	s.evidence["silence-build1"] = []Line{lastLine}
	return lines
}

// countPrefix counts the lines whose message starts with prefix.
func countPrefix(ls []Line, prefix string) int {
	n := 0
	for _, l := range ls {
		if strings.Contains(l.Text, "]: "+prefix) {
			n++
		}
	}
	return n
}

// emitter returns an empty emitter for host.
func (in *injector) emitter(host string) *emitter {
	for i := range in.ms {
		if in.ms[i].name == host {
			return &emitter{m: &in.ms[i]}
		}
	}
	panic("scenario: no host " + host)
}

// person returns the member of staff called name.
func (in *injector) person(name string) *person {
	for i := range in.people {
		if in.people[i].name == name {
			return &in.people[i]
		}
	}
	panic("scenario: no person " + name)
}

// nextSession returns a logind session number after those of the day's
// normal sessions.
func (in *injector) nextSession() int {
	in.sessions++
	return firstSessionID(in.d) + 40 + in.sessions
}

// free returns a start time in [from, to) on the incident day at which p
// has no session on host for span, so the incident's session does not
// overlap one of theirs; failing that, a random one.
func (in *injector) free(r rng, p *person, host string, from, to, span time.Duration) time.Time {
	for range 100 {
		t := in.d.at(r.between(from, to))
		clash := false
		for _, s := range in.plans[in.d.idx][host] {
			if s.who.name == p.name && s.start.Before(t.Add(span+time.Minute)) && t.Before(s.end.Add(time.Minute)) {
				clash = true
			}
		}
		if !clash {
			return t
		}
	}
	return in.d.at(r.between(from, to))
}

// usual returns the address p used most and the command p ran most on
// host during learning: what p does there every day.
func (in *injector) usual(p *person, host string) (string, command) {
	addrs, cmds := map[string]int{}, map[string]int{}
	byLine := map[string]command{}
	for i := range in.learn {
		for _, s := range in.plans[i][host] {
			if s.who.name != p.name {
				continue
			}
			addrs[s.addr]++
			for _, c := range s.cmds {
				cmds[c.cmd.line]++
				byLine[c.cmd.line] = c.cmd
			}
		}
	}
	best := func(m map[string]int) string {
		var k string
		for x, n := range m {
			if n > m[k] || (n == m[k] && x < k) {
				k = x
			}
		}
		return k
	}
	addr, line := best(addrs), best(cmds)
	if addr == "" {
		addr = p.addrs[0]
	}
	for _, v := range p.visits {
		if v.host == host && line == "" {
			line = v.cmds[0].line
			byLine[line] = v.cmds[0]
		}
	}
	return addr, byLine[line]
}

// bruteForce writes password guessing against db1's sshd from one outside
// address: 50 to 200 guesses over connections of up to six tries each
// (sshd's MaxAuthTries), all within ten minutes in the afternoon.
func (in *injector) bruteForce() (string, []Line) {
	r := stream(in.seed, "incident/bruteforce", in.d.idx)
	e := in.emitter("db1")
	ip := fmt.Sprintf("198.51.100.%d", 100+r.IntN(50))
	start := in.d.at(r.between(hm(14, 0), hm(16, 0)))
	span := r.between(5*time.Minute, 8*time.Minute)
	users := []string{"root", "root", "root", "postgres", "postgres", "admin", "dbadmin", "pgsql", "backup", "oracle", "ubuntu", "test"}
	valid := map[string]bool{"root": true, "postgres": true}
	for left := 50 + r.IntN(151); left > 0; {
		tries := min(1+r.IntN(6), left)
		left -= tries
		u := r.pick(users)
		t := start.Add(r.between(0, span))
		pid, port := e.pid(t), r.port()
		who := "invalid user " + u
		if valid[u] {
			who = u
		} else {
			e.add(t, "sshd", pid, "Invalid user %s from %s port %d", u, ip, port)
			t = t.Add(tick(r))
			e.add(t, "sshd", pid, "pam_unix(sshd:auth): check pass; user unknown")
		}
		t = t.Add(tick(r))
		if valid[u] {
			e.add(t, "sshd", pid, "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=%s  user=%s", ip, u)
		} else {
			e.add(t, "sshd", pid, "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=%s", ip)
		}
		for range tries {
			t = t.Add(r.between(1800*time.Millisecond, 3500*time.Millisecond))
			e.add(t, "sshd", pid, "Failed password for %s from %s port %d ssh2", who, ip, port)
		}
		t = t.Add(r.between(50*time.Millisecond, 500*time.Millisecond))
		authUser := "authenticating user " + u
		if !valid[u] {
			authUser = who
		}
		if tries == 6 {
			e.add(t, "sshd", pid, "error: maximum authentication attempts exceeded for %s from %s port %d ssh2 [preauth]", who, ip, port)
			t = t.Add(tick(r))
			e.add(t, "sshd", pid, "Disconnecting %s %s port %d: Too many authentication failures [preauth]", authUser, ip, port)
			t = t.Add(tick(r))
			if valid[u] {
				e.add(t, "sshd", pid, "PAM 5 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=%s  user=%s", ip, u)
			} else {
				e.add(t, "sshd", pid, "PAM 5 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=%s", ip)
			}
			t = t.Add(tick(r))
			e.add(t, "sshd", pid, "PAM service(sshd) ignoring max retries; 6 > 3")
		} else if r.chance(0.5) {
			e.add(t, "sshd", pid, "Received disconnect from %s port %d:11: Bye Bye [preauth]", ip, port)
			t = t.Add(tick(r))
			e.add(t, "sshd", pid, "Disconnected from %s %s port %d [preauth]", authUser, ip, port)
		} else {
			e.add(t, "sshd", pid, "Connection closed by %s %s port %d [preauth]", authUser, ip, port)
		}
	}
	return ip, e.lines
}

// newSudoer writes, at about 02:10 on bastion1, dave logging in and
// creating an account nobody has seen, giving it a password and putting it
// in group sudo; minutes later the account logs in with its password from
// an address never seen and uses sudo.
func (in *injector) newSudoer() (string, string, []Line) {
	r := stream(in.seed, "incident/new-sudoer", in.d.idx)
	e := in.emitter("bastion1")
	dave := in.person("dave")
	name := []string{"svc-sync", "backupadm", "jmiller"}[r.IntN(3)]
	ip := fmt.Sprintf("198.51.100.%d", 150+r.IntN(50))
	uid := 1005

	id := in.nextSession()
	pts := id % 4
	start := in.d.at(hm(2, 5) + r.between(0, 4*time.Minute))
	at := start.Add(r.between(40*time.Second, 90*time.Second))
	useradd := command{line: "/usr/sbin/useradd -m -s /bin/bash " + name, effect: func(e *emitter, r rng, t, _ time.Time) time.Time {
		pid := e.pid(t)
		t = t.Add(time.Duration(5+r.IntN(40)) * time.Millisecond)
		e.add(t, "useradd", pid, "new group: name=%s, GID=%d", name, uid)
		t = t.Add(tick(r))
		e.add(t, "useradd", pid, "new user: name=%s, UID=%d, GID=%d, home=/home/%s, shell=/bin/bash, from=/dev/pts/%d", name, uid, uid, name, pts)
		return t
	}}
	passwd := command{line: "/usr/bin/passwd " + name, effect: func(e *emitter, r rng, t, _ time.Time) time.Time {
		t = t.Add(r.between(4*time.Second, 12*time.Second)) // typing it twice
		e.add(t, "passwd", e.pid(t), "pam_unix(passwd:chauthtok): password changed for %s", name)
		return t
	}}
	usermod := command{line: "/usr/sbin/usermod -aG sudo " + name, effect: func(e *emitter, r rng, t, _ time.Time) time.Time {
		pid := e.pid(t)
		t = t.Add(time.Duration(5+r.IntN(40)) * time.Millisecond)
		e.add(t, "usermod", pid, "add '%s' to group 'sudo'", name)
		t = t.Add(tick(r))
		e.add(t, "usermod", pid, "add '%s' to shadow group 'sudo'", name)
		return t
	}}
	s := session{who: dave, host: "bastion1", start: start, addr: dave.addrs[1], port: r.port()}
	for _, c := range []command{useradd, passwd, usermod} {
		s.cmds = append(s.cmds, timedCmd{at: at, cmd: c})
		at = at.Add(r.between(20*time.Second, 50*time.Second))
	}
	s.end = at.Add(r.between(20*time.Second, 2*time.Minute))
	e.login(r, &s, id)

	intruder := &person{name: name, uid: uid, addrs: []string{ip}}
	start = s.end.Add(r.between(3*time.Minute, 9*time.Minute))
	at = start.Add(r.between(20*time.Second, time.Minute))
	s = session{who: intruder, host: "bastion1", start: start, addr: ip, port: r.port(), cmds: []timedCmd{
		{at: at, cmd: command{line: "list"}},
		{at: at.Add(r.between(10*time.Second, 40*time.Second)), cmd: command{line: "/bin/bash", effect: rootShell}},
	}}
	s.end = at.Add(r.between(4*time.Minute, 15*time.Minute))
	e.login(r, &s, in.nextSession())
	return name, ip, e.lines
}

// rootShell is `sudo -i`: the root shell lasts until shortly before the
// ssh session ends.
func rootShell(_ *emitter, r rng, t, until time.Time) time.Time {
	return t.Add(max(until.Sub(t)-r.between(2*time.Second, 20*time.Second), time.Second))
}

// nightSudo writes day-shift bob logging in to web2 at about 03:05 from
// the address he uses there and running the command he runs there most.
func (in *injector) nightSudo() (string, []Line) {
	r := stream(in.seed, "incident/night-sudo", in.d.idx)
	e := in.emitter("web2")
	bob := in.person("bob")
	addr, cmd := in.usual(bob, "web2")
	start := in.d.at(hm(3, 0) + r.between(0, 10*time.Minute))
	s := session{who: bob, host: "web2", start: start, addr: addr, port: r.port(),
		cmds: []timedCmd{{at: start.Add(r.between(20*time.Second, 90*time.Second)), cmd: cmd}}}
	s.end = s.cmds[0].at.Add(r.between(2*time.Minute, 6*time.Minute))
	e.login(r, &s, in.nextSession())
	return cmd.line, e.lines
}

// newPackage writes dave installing, on web1 in the afternoon, a package
// no host has ever had, with apt-get under sudo; dpkg logs the install.
func (in *injector) newPackage() (string, []Line) {
	r := stream(in.seed, "incident/new-package", in.d.idx)
	e := in.emitter("web1")
	dave := in.person("dave")
	choices := []struct {
		name    string
		changes []pkgChange
	}{
		{"nmap", []pkgChange{
			{"liblinear4", "amd64", "", "2.3.0+dfsg-5"},
			{"liblua5.3-0", "amd64", "", "5.3.6-2"},
			{"nmap-common", "all", "", "7.93+dfsg1-1"},
			{"nmap", "amd64", "", "7.93+dfsg1-1"},
		}},
		{"netcat-traditional", []pkgChange{{"netcat-traditional", "amd64", "", "1.10-47"}}},
		{"socat", []pkgChange{{"socat", "amd64", "", "1.7.4.4-2"}}},
	}
	c := choices[r.IntN(len(choices))]
	addr, _ := in.usual(dave, "web1")
	start := in.free(r, dave, "web1", hm(13, 30), hm(16, 30), 10*time.Minute)
	install := command{line: "/usr/bin/apt-get install -y " + c.name, effect: func(e *emitter, r rng, t, _ time.Time) time.Time {
		t = e.dpkg(r, t.Add(r.between(3*time.Second, 15*time.Second)), c.changes)
		for _, l := range []string{"trigproc man-db:amd64 2.11.2-2 <none>", "status half-configured man-db:amd64 2.11.2-2", "status installed man-db:amd64 2.11.2-2"} {
			t = t.Add(time.Duration(1+r.IntN(800)) * time.Millisecond)
			e.add(t, "dpkg", 0, "%s %s", t.Format(time.DateTime), l)
		}
		return t
	}}
	s := session{who: dave, host: "web1", start: start, addr: addr, port: r.port(),
		cmds: []timedCmd{{at: start.Add(r.between(30*time.Second, 2*time.Minute)), cmd: install}}}
	s.end = s.cmds[0].at.Add(r.between(2*time.Minute, 6*time.Minute))
	e.login(r, &s, in.nextSession())
	return c.name, e.lines
}

// newAddress writes alice logging in to bastion1 in working hours from a
// public address she has never used, and doing what she usually does.
func (in *injector) newAddress() (string, []Line) {
	r := stream(in.seed, "incident/new-address", in.d.idx)
	e := in.emitter("bastion1")
	alice := in.person("alice")
	ip := fmt.Sprintf("198.51.100.%d", 200+r.IntN(50))
	_, cmd := in.usual(alice, "bastion1")
	start := in.free(r, alice, "bastion1", hm(9, 30), hm(11, 30), 30*time.Minute)
	s := session{who: alice, host: "bastion1", start: start, addr: ip, port: r.port(),
		cmds: []timedCmd{{at: start.Add(r.between(time.Minute, 5*time.Minute)), cmd: cmd}}}
	s.end = s.cmds[0].at.Add(r.between(5*time.Minute, 25*time.Minute))
	e.login(r, &s, in.nextSession())
	return ip, e.lines
}
