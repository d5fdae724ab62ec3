package scenario

import (
	"fmt"
	"time"
)

// uidOf returns the uid of a service account people sudo to.
func uidOf(account string) int {
	if account == "postgres" {
		return 114
	}
	return 0
}

// login writes s on e: the logon, the user manager it starts, the
// person's sudo commands and the logout. id is the logind session number.
func (e *emitter) login(r rng, s *session, id int) {
	p := s.who
	pts := id % 4
	t := s.start
	pid := e.pid(t)
	if s.staleKey {
		e.add(t, "sshd", pid, "Failed publickey for %s from %s port %d ssh2: RSA SHA256:%s", p.name, s.addr, s.port, staleKey(p.name))
		t = t.Add(time.Duration(100+r.IntN(900)) * time.Millisecond)
	}
	if p.key == "" {
		e.add(t, "sshd", pid, "Accepted password for %s from %s port %d ssh2", p.name, s.addr, s.port)
	} else {
		e.add(t, "sshd", pid, "Accepted publickey for %s from %s port %d ssh2: ED25519 %s", p.name, s.addr, s.port, p.key)
	}
	t = t.Add(tick(r))
	e.add(t, "sshd", pid, "pam_unix(sshd:session): session opened for user %s(uid=%d) by (uid=0)", p.name, p.uid)
	t = t.Add(tick(r))
	e.add(t, "systemd-logind", e.m.logind, "New session %d of user %s.", id, p.name)
	t = e.userManagerStart(r, t.Add(tick(r)), p.name, p.uid)
	t = t.Add(tick(r))
	e.add(t, "systemd", 1, "Started session-%d.scope - Session %d of User %s.", id, id, p.name)

	for _, c := range s.cmds {
		if c.at.Before(t) || !c.at.Before(s.end) {
			continue
		}
		pwd := "/home/" + p.name
		if len(e.m.workDirs) > 0 && r.chance(0.2) {
			pwd = r.pick(e.m.workDirs)
		}
		t = c.at
		if c.fumble {
			e.add(t, "sudo", 0, "pam_unix(sudo:auth): authentication failure; logname=%s uid=%d euid=0 tty=/dev/pts/%d ruser=%s rhost=  user=%s", p.name, p.uid, pts, p.name, p.name)
			t = t.Add(r.between(2*time.Second, 6*time.Second))
		}
		t = e.sudo(r, t, p, pts, pwd, c.cmd, s.end)
	}

	t = s.end
	if s.timeout {
		e.add(t, "sshd", pid, "Timeout, client not responding from user %s %s port %d", p.name, s.addr, s.port)
	} else {
		e.add(t, "sshd", pid, "Received disconnect from %s port %d:11: disconnected by user", s.addr, s.port)
		t = t.Add(tick(r))
		e.add(t, "sshd", pid, "Disconnected from user %s %s port %d", p.name, s.addr, s.port)
	}
	t = t.Add(tick(r))
	e.add(t, "sshd", pid, "pam_unix(sshd:session): session closed for user %s", p.name)
	t = t.Add(tick(r))
	e.add(t, "systemd-logind", e.m.logind, "Session %d logged out. Waiting for processes to exit.", id)
	t = t.Add(tick(r))
	e.add(t, "systemd", 1, "session-%d.scope: Deactivated successfully.", id)
	t = t.Add(tick(r))
	e.add(t, "systemd-logind", e.m.logind, "Removed session %d.", id)
	e.userManagerStop(r, t.Add(10*time.Second+tick(r)), p.uid)
}

// sudo writes p running c through sudo at t and returns when it ended.
func (e *emitter) sudo(r rng, t time.Time, p *person, pts int, pwd string, c command, until time.Time) time.Time {
	as := c.as
	if as == "" {
		as = "root"
	}
	e.add(t, "sudo", 0, "%8s : TTY=pts/%d ; PWD=%s ; USER=%s ; COMMAND=%s", p.name, pts, pwd, as, c.line)
	if c.line == "list" { // sudo -l runs nothing
		return t
	}
	t = t.Add(tick(r))
	e.add(t, "sudo", 0, "pam_unix(sudo:session): session opened for user %s(uid=%d) by %s(uid=%d)", as, uidOf(as), p.name, p.uid)
	end := t.Add(time.Duration(5+r.IntN(3000)) * time.Millisecond)
	if c.effect != nil {
		end = c.effect(e, r, t, until)
	}
	end = end.Add(tick(r))
	e.add(end, "sudo", 0, "pam_unix(sudo:session): session closed for user %s", as)
	return end
}

// userManagerStart writes systemd starting a user's manager for their
// first session, as Debian 12's systemd 252 logs it.
func (e *emitter) userManagerStart(r rng, t time.Time, user string, uid int) time.Time {
	e.add(t, "systemd", 1, "Created slice user-%d.slice - User Slice of UID %d.", uid, uid)
	t = t.Add(tick(r))
	e.add(t, "systemd", 1, "Starting user-runtime-dir@%d.service - User Runtime Directory /run/user/%d...", uid, uid)
	t = t.Add(tick(r))
	e.add(t, "systemd", 1, "Finished user-runtime-dir@%d.service - User Runtime Directory /run/user/%d.", uid, uid)
	t = t.Add(tick(r))
	e.add(t, "systemd", 1, "Starting user@%d.service - User Manager for UID %d...", uid, uid)
	pid := e.pid(t) + 3
	t = t.Add(tick(r))
	e.add(t, "(systemd)", pid, "pam_unix(systemd-user:session): session opened for user %s(uid=%d) by (uid=0)", user, uid)
	for _, m := range userManagerUp {
		t = t.Add(time.Duration(100+r.IntN(3000)) * time.Microsecond)
		e.add(t, "systemd", pid, "%s", m)
	}
	t = t.Add(tick(r))
	e.add(t, "systemd", pid, "Startup finished in %dms.", 40+r.IntN(200))
	t = t.Add(tick(r))
	e.add(t, "systemd", 1, "Started user@%d.service - User Manager for UID %d.", uid, uid)
	return t
}

// userManagerStop writes the user manager going away after the last
// session.
func (e *emitter) userManagerStop(r rng, t time.Time, uid int) {
	pid := e.pid(t) + 1
	e.add(t, "systemd", 1, "Stopping user@%d.service - User Manager for UID %d...", uid, uid)
	for _, m := range userManagerDown {
		t = t.Add(time.Duration(100+r.IntN(3000)) * time.Microsecond)
		e.add(t, "systemd", pid, "%s", m)
	}
	for _, f := range []string{
		"user@%d.service: Deactivated successfully.",
		"Stopped user@%d.service - User Manager for UID %[1]d.",
		"Stopping user-runtime-dir@%d.service - User Runtime Directory /run/user/%[1]d...",
		"run-user-%d.mount: Deactivated successfully.",
		"user-runtime-dir@%d.service: Deactivated successfully.",
		"Stopped user-runtime-dir@%d.service - User Runtime Directory /run/user/%[1]d.",
		"Removed slice user-%d.slice - User Slice of UID %[1]d.",
	} {
		t = t.Add(tick(r))
		e.add(t, "systemd", 1, f, uid)
	}
}

// What a user manager logs as it starts and stops.
var (
	userManagerUp = []string{
		"Queued start job for default target default.target.",
		"Created slice app.slice - User Application Slice.",
		"Reached target paths.target - Paths.",
		"Reached target timers.target - Timers.",
		"Listening on dirmngr.socket - GnuPG network certificate management daemon.",
		"Listening on gpg-agent.socket - GnuPG cryptographic agent and passphrase cache.",
		"Reached target sockets.target - Sockets.",
		"Reached target basic.target - Basic System.",
		"Reached target default.target - Main User Target.",
	}
	userManagerDown = []string{
		"Activating special unit exit.target...",
		"Stopped target default.target - Main User Target.",
		"Stopped target basic.target - Basic System.",
		"Stopped target paths.target - Paths.",
		"Stopped target sockets.target - Sockets.",
		"Stopped target timers.target - Timers.",
		"Closed dirmngr.socket - GnuPG network certificate management daemon.",
		"Closed gpg-agent.socket - GnuPG cryptographic agent and passphrase cache.",
		"Removed slice app.slice - User Application Slice.",
		"Reached target shutdown.target - Shutdown.",
		"Finished systemd-exit.service - Exit the Session.",
		"Reached target exit.target - Exit the Session.",
	}
)

// staleKey returns the fingerprint of an old RSA key that name's ssh agent
// still offers first.
func staleKey(name string) string {
	const b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	r := stream(0, "stale-key/"+name, 0)
	b := make([]byte, 43)
	for i := range b {
		b[i] = b64[r.IntN(64)]
	}
	return string(b)
}

// firstSessionID is the logind number of a host's first session on d:
// numbers count up from where the previous days left off.
func firstSessionID(d day) int { return 90 + d.idx*48 }

// String describes a session for test failures.
func (s session) String() string {
	return fmt.Sprintf("%s@%s %s-%s from %s", s.who.name, s.host, s.start.Format(time.TimeOnly), s.end.Format(time.TimeOnly), s.addr)
}
