package fleet

import (
	"cmp"
	"fmt"
	"slices"
	"time"
)

// session is one login to a host: an SSH login, or with shell set a
// root shell that leaves no login lines (what an intruder's web shell
// looks like). What happens in it is acts, or sftp for file transfers.
type session struct {
	user       string
	uid        int
	host       string
	from       string
	start, end time.Time
	key        string // key fingerprint; empty logs in with a password
	tty        bool
	shell      bool
	acts       []act
	sftp       []sftpOp
	incident   string
}

// act is one command run in a session: through sudo when cmd is set,
// directly otherwise.
type act struct {
	at     time.Duration // after the session's start
	cmd    string        // the command line as sudo logs it
	runas  string        // sudo's target user, root when empty
	misses int           // mistyped passwords before the right one
	giveUp bool          // three misses, nothing ran
	hold   time.Duration // how long the command (or su shell) runs
	fx     fx
	// incident marks this command's lines as evidence of an incident.
	incident string
}

// fxKind is what a command logs by itself.
type fxKind int

const (
	fxNone    fxKind = iota
	fxSu             // su to fx.name
	fxUseradd        // new account fx.name (fx.id) in fx.group, fx.home, fx.shell
	fxPasswd         // password of fx.name changed
	fxUsermod        // fx.name added to fx.group
	fxPatch          // the week's upgrades
	fxInstall        // package fx.name installed
)

// fx is the lines a command writes itself.
type fx struct {
	kind        fxKind
	name, group string
	home, shell string
	id          int
	pkg         pkgSpec
	fromTTY     bool
}

// sessionEnd is when s really ends: its planned end or after its last
// command, whichever is later.
func sessionEnd(s *session) time.Time {
	end := s.end
	for _, a := range s.acts {
		if t := s.start.Add(a.at + a.hold + 4*time.Second); t.After(end) {
			end = t
		}
	}
	return end
}

// runSessions writes the sessions of this host and day. The user
// manager is started with a user's first concurrent session and
// stopped ten seconds after the last one ends, as logind does.
func (hd *hostDay) runSessions(ss []*session) {
	ends := make([]time.Time, len(ss))
	for i, s := range ss {
		ends[i] = sessionEnd(s)
	}
	for i, s := range ss {
		first, last, tty := true, true, 0
		for j, o := range ss {
			if j == i || o.shell {
				continue
			}
			if o.user == s.user {
				if o.start.Before(s.start) && ends[j].Add(10*time.Second).After(s.start) {
					first = false
				}
				if o.start.Before(ends[i].Add(10*time.Second)) && ends[j].After(ends[i]) {
					last = false
				}
			}
			if o.tty && s.tty && o.start.Before(s.start) && ends[j].After(s.start) {
				tty++
			}
		}
		if s.shell {
			hd.incident = s.incident
			hd.runActs(s, 0)
			hd.incident = ""
			continue
		}
		hd.session(s.start, func(id int) {
			hd.incident = s.incident
			hd.sshLogin(s, id, ends[i], first, last, tty)
			hd.incident = ""
		})
	}
}

// sshLogin writes one SSH login from accept to logout.
func (hd *hostDay) sshLogin(s *session, id int, end time.Time, first, last bool, tty int) {
	r := hd.r
	t := s.start
	pid := hd.pidAt(t)
	port := ephemeralPort(r)
	step := func(lo, hi float64) time.Time { t = t.Add(secs(between(r, lo, hi))); return t }
	if s.key != "" {
		hd.logf(t, "sshd", pid, "Accepted publickey for %s from %s port %d ssh2: %s", s.user, s.from, port, s.key)
	} else {
		hd.logf(t, "sshd", pid, "Accepted password for %s from %s port %d ssh2", s.user, s.from, port)
	}
	if hd.h.os == el7 {
		if first {
			hd.sys(step(0.005, 0.02), "Created slice User Slice of %s.", s.user)
		}
		hd.logind(step(0.002, 0.01), "New session %d of user %s.", id, s.user)
		hd.sys(step(0.002, 0.01), "Started Session %d of user %s.", id, s.user)
		hd.logf(step(0.01, 0.04), "sshd", pid, "pam_unix(sshd:session): session opened for user %s by (uid=0)", s.user)
	} else {
		hd.logf(step(0.01, 0.04), "sshd", pid, "pam_unix(sshd:session): session opened for user %s(uid=%d) by (uid=0)", s.user, s.uid)
		hd.logind(step(0.005, 0.02), "New session %d of user %s.", id, s.user)
		if first {
			hd.sys(step(0.005, 0.02), "Created slice user-%d.slice - User Slice of UID %d.", s.uid, s.uid)
			hd.sys(step(0.002, 0.01), "Starting user-runtime-dir@%d.service - User Runtime Directory /run/user/%d...", s.uid, s.uid)
			hd.sys(step(0.005, 0.02), "Finished user-runtime-dir@%d.service - User Runtime Directory /run/user/%d.", s.uid, s.uid)
			hd.sys(step(0.002, 0.01), "Starting user@%d.service - User Manager for UID %d...", s.uid, s.uid)
			hd.sys(step(0.08, 0.25), "Started user@%d.service - User Manager for UID %d.", s.uid, s.uid)
		}
		hd.sys(step(0.002, 0.01), "Started session-%d.scope - Session %d of User %s.", id, id, s.user)
	}
	if len(s.sftp) > 0 {
		hd.sftpOps(s, t)
	}
	hd.runActs(s, tty)

	t = end
	hd.logf(t, "sshd", pid, "Received disconnect from %s port %d:11: disconnected by user", s.from, port)
	if hd.h.os == el7 {
		hd.logf(step(0.0005, 0.002), "sshd", pid, "Disconnected from %s port %d", s.from, port)
		hd.logf(step(0.002, 0.01), "sshd", pid, "pam_unix(sshd:session): session closed for user %s", s.user)
		hd.logind(step(0.002, 0.01), "Removed session %d.", id)
		if last {
			hd.sys(step(0.005, 0.02), "Removed slice User Slice of %s.", s.user)
		}
		return
	}
	hd.logf(step(0.0005, 0.002), "sshd", pid, "Disconnected from user %s %s port %d", s.user, s.from, port)
	hd.logf(step(0.002, 0.01), "sshd", pid, "pam_unix(sshd:session): session closed for user %s", s.user)
	hd.sys(step(0.002, 0.01), "session-%d.scope: Deactivated successfully.", id)
	hd.logind(step(0.001, 0.005), "Session %d logged out. Waiting for processes to exit.", id)
	hd.logind(step(0.002, 0.01), "Removed session %d.", id)
	if last {
		hd.sys(step(10, 10.05), "Stopping user@%d.service - User Manager for UID %d...", s.uid, s.uid)
		hd.sys(step(0.02, 0.08), "user@%d.service: Deactivated successfully.", s.uid)
		hd.sys(step(0.001, 0.005), "Stopped user@%d.service - User Manager for UID %d.", s.uid, s.uid)
		hd.sys(step(0.01, 0.04), "Removed slice user-%d.slice - User Slice of UID %d.", s.uid, s.uid)
	}
}

// runActs writes the commands of s.
func (hd *hostDay) runActs(s *session, tty int) {
	for _, a := range s.acts {
		hd.runAct(s, a, tty)
	}
}

// sudoTag returns sudo's program and pid as the host's rsyslog shows
// them: sudo 1.8 on CentOS 7 logs without a pid.
func (hd *hostDay) sudoTag(t time.Time) (string, int) {
	if hd.h.os == el7 {
		return "sudo", 0
	}
	return "sudo", hd.pidAt(t)
}

// runAct writes one command: sudo's lines around it, and its own.
func (hd *hostDay) runAct(s *session, a act, tty int) {
	if a.incident != "" {
		prev := hd.incident
		hd.incident = a.incident
		defer func() { hd.incident = prev }()
	}
	r := hd.r
	t := s.start.Add(a.at)
	step := func(lo, hi float64) time.Time { t = t.Add(secs(between(r, lo, hi))); return t }
	el7h := hd.h.os == el7
	runas := a.runas
	if runas == "" {
		runas = "root"
	}
	home := "/home/" + s.user
	if a.cmd == "" {
		hd.effect(s, a, &t, tty)
		return
	}
	prog, pid := hd.sudoTag(t)
	ttyField := fmt.Sprintf("TTY=pts/%d ; ", tty)
	if !s.tty {
		ttyField = ""
		if el7h {
			ttyField = "TTY=unknown ; "
		}
	}
	ttyDev := fmt.Sprintf("/dev/pts/%d", tty)
	for range a.misses {
		step(2, 9)
		hd.logf(t, prog, pid, "pam_unix(sudo:auth): authentication failure; logname=%s uid=%d euid=0 tty=%s ruser=%s rhost=  user=%s",
			s.user, s.uid, ttyDev, s.user, s.user)
	}
	if a.giveUp {
		hd.logf(step(2, 6), prog, pid, "%8s : %d incorrect password attempts ; %sPWD=%s ; USER=%s ; COMMAND=%s",
			s.user, a.misses, ttyField, home, runas, a.cmd)
		return
	}
	hd.logf(step(0.5, 3), prog, pid, "%8s : %sPWD=%s ; USER=%s ; COMMAND=%s", s.user, ttyField, home, runas, a.cmd)
	if el7h {
		hd.logf(step(0.001, 0.01), prog, pid, "pam_unix(sudo:session): session opened for user %s by %s(uid=0)", runas, s.user)
	} else {
		hd.logf(step(0.001, 0.01), prog, pid, "pam_unix(sudo:session): session opened for user %s(uid=%d) by %s(uid=%d)", runas, runasUID(runas), s.user, s.uid)
	}
	hd.effect(s, a, &t, tty)
	if a.fx.kind == fxNone {
		hd.commandLines(a.cmd, t)
	}
	t = t.Add(max(a.hold, secs(between(r, 0.05, 1.5))))
	hd.logf(t, prog, pid, "pam_unix(sudo:session): session closed for user %s", runas)
}

// runasUID is the UID of a sudo target.
func runasUID(user string) int {
	if user == "orders" {
		return 986
	}
	return 0
}

// effect writes what a command logs by itself, moving *t along.
func (hd *hostDay) effect(s *session, a act, t *time.Time, tty int) {
	r := hd.r
	step := func(lo, hi float64) time.Time { *t = t.Add(secs(between(r, lo, hi))); return *t }
	el7h := hd.h.os == el7
	tool := func(name string) (string, int) { return name, hd.pidAt(*t) }
	switch a.fx.kind {
	case fxSu:
		prog, pid := "su", hd.pidAt(*t)
		if el7h {
			pid = 0
		}
		by := s.user
		hd.logf(step(0.2, 3), prog, pid, "(to %s) %s on pts/%d", a.fx.name, by, tty)
		if el7h {
			hd.logf(step(0.001, 0.01), prog, pid, "pam_unix(su-l:session): session opened for user %s by %s(uid=%d)", a.fx.name, by, byUIDFor(a, s))
		} else {
			hd.logf(step(0.001, 0.01), prog, pid, "pam_unix(su-l:session): session opened for user %s(uid=%d) by %s(uid=%d)", a.fx.name, runasUID(a.fx.name), by, byUIDFor(a, s))
		}
		hd.logf(t.Add(a.hold-secs(0.2)), prog, pid, "pam_unix(su-l:session): session closed for user %s", a.fx.name)
	case fxUseradd:
		prog, pid := tool("useradd")
		hd.logf(step(0.05, 0.3), prog, pid, "new group: name=%s, GID=%d", a.fx.name, a.fx.id)
		from := ""
		if !el7h {
			from = ", from=none"
			if a.fx.fromTTY {
				from = fmt.Sprintf(", from=/dev/pts/%d", tty)
			}
		}
		hd.logf(step(0.001, 0.01), prog, pid, "new user: name=%s, UID=%d, GID=%d, home=%s, shell=%s%s", a.fx.name, a.fx.id, a.fx.id, a.fx.home, a.fx.shell, from)
		if a.fx.group != "" {
			hd.logf(step(0.001, 0.01), prog, pid, "add '%s' to group '%s'", a.fx.name, a.fx.group)
			hd.logf(step(0.001, 0.01), prog, pid, "add '%s' to shadow group '%s'", a.fx.name, a.fx.group)
		}
	case fxPasswd:
		prog, pid := tool("passwd")
		hd.logf(step(4, 14), prog, pid, "pam_unix(passwd:chauthtok): password changed for %s", a.fx.name)
	case fxUsermod:
		prog, pid := tool("usermod")
		hd.logf(step(0.05, 0.3), prog, pid, "add '%s' to group '%s'", a.fx.name, a.fx.group)
		hd.logf(step(0.001, 0.01), prog, pid, "add '%s' to shadow group '%s'", a.fx.name, a.fx.group)
	case fxPatch:
		hd.transaction(step(20, 70), hd.f.patchSet(hd.h, hd.d.week()), nil)
	case fxInstall:
		hd.transaction(step(6, 20), nil, []pkgSpec{a.fx.pkg})
	}
}

// byUIDFor is the real UID su reports: root's when run through sudo.
func byUIDFor(a act, s *session) int {
	if a.cmd != "" {
		return 0
	}
	return s.uid
}

// orderActs sorts a session's commands by time.
func orderActs(s *session) {
	slices.SortStableFunc(s.acts, func(a, b act) int { return cmp.Compare(a.at, b.at) })
}
