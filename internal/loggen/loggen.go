// Package loggen writes synthetic but realistic log files for benchmarks
// and soak tests, in RFC 3164. Syslog is a server under attack, where most
// lines matter for security (sshd 45 %, systemd 17 %, kernel 14 %, cron
// 14 %, sudo 10 %); Server is a busy server on an ordinary day, mostly
// chatter with about 5 % security lines. Output is deterministic for a
// given seed.
package loggen

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"time"
)

// Syslog writes n RFC 3164 lines to w, starting at start and advancing a
// few hundred milliseconds a line.
func Syslog(w io.Writer, n int, seed uint64, start time.Time) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	users := []string{"root", "admin", "oracle", "test", "ubuntu", "deploy", "alice", "bob", "postgres", "git"}
	t := start
	for i := 0; i < n; i++ {
		t = t.Add(time.Duration(r.IntN(400)) * time.Millisecond)
		ts := t.Format(time.Stamp)
		host := fmt.Sprintf("web%d", 1+r.IntN(4))
		ip := fmt.Sprintf("203.0.113.%d", 1+r.IntN(254))
		port := 30000 + r.IntN(30000)
		pid := 1000 + r.IntN(60000)
		u := users[r.IntN(len(users))]
		var err error
		switch p := r.IntN(1000); {
		case p < 150:
			_, err = fmt.Fprintf(bw, "%s %s sshd[%d]: Failed password for %s from %s port %d ssh2\n", ts, host, pid, u, ip, port)
		case p < 230:
			_, err = fmt.Fprintf(bw, "%s %s sshd[%d]: Invalid user %s from %s port %d\n", ts, host, pid, u, ip, port)
		case p < 300:
			_, err = fmt.Fprintf(bw, "%s %s sshd[%d]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=%s  user=%s\n", ts, host, pid, ip, u)
		case p < 370:
			_, err = fmt.Fprintf(bw, "%s %s sshd[%d]: Connection closed by %s port %d [preauth]\n", ts, host, pid, ip, port)
		case p < 400:
			_, err = fmt.Fprintf(bw, "%s %s sshd[%d]: Accepted publickey for %s from %s port %d ssh2: ED25519 SHA256:s6r2i6ZrTNHi5YtzFSdA9jrnGm20gVvDAW/qqxAG8yg\n", ts, host, pid, u, ip, port)
		case p < 450:
			_, err = fmt.Fprintf(bw, "%s %s sshd[%d]: pam_unix(sshd:session): session opened for user %s(uid=%d) by (uid=0)\n", ts, host, pid, u, 1000+r.IntN(50))
		case p < 545:
			_, err = fmt.Fprintf(bw, "%s %s systemd[1]: Started session-%d.scope - Session %d of User %s.\n", ts, host, i%9000, i%9000, u)
		case p < 570:
			_, err = fmt.Fprintf(bw, "%s %s systemd-logind[905]: New session %d of user %s.\n", ts, host, i%9000, u)
		case p < 620:
			_, err = fmt.Fprintf(bw, "%s %s systemd[1]: Finished logrotate.service - Rotate log files.\n", ts, host)
		case p < 700:
			_, err = fmt.Fprintf(bw, "%s %s kernel: [%d.%06d] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56 SRC=%s DST=198.51.100.10 LEN=44 TOS=0x00 PREC=0x00 TTL=241 ID=%d PROTO=TCP SPT=%d DPT=22 WINDOW=1024 RES=0x00 SYN URGP=0\n", ts, host, i, pid, ip, pid, port)
		case p < 740:
			_, err = fmt.Fprintf(bw, "%s %s kernel: [%d.%06d] audit: type=1400 audit(%d.123:%d): apparmor=\"DENIED\" operation=\"open\" profile=\"/usr/sbin/named\" name=\"/etc/shadow\" pid=%d comm=\"named\" requested_mask=\"r\" denied_mask=\"r\" fsuid=110 ouid=0\n", ts, host, i, pid, t.Unix(), i, pid)
		case p < 780:
			_, err = fmt.Fprintf(bw, "%s %s kernel: [%d.%06d] TCP: request_sock_TCP: Possible SYN flooding on port 443. Sending cookies.  Check SNMP counters.\n", ts, host, i, pid)
		case p < 850:
			_, err = fmt.Fprintf(bw, "%s %s CRON[%d]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)\n", ts, host, pid)
		case p < 900:
			_, err = fmt.Fprintf(bw, "%s %s CRON[%d]: (root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)\n", ts, host, pid)
		case p < 950:
			_, err = fmt.Fprintf(bw, "%s %s sudo:   %s : TTY=pts/%d ; PWD=/home/%s ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx\n", ts, host, u, r.IntN(8), u)
		default:
			_, err = fmt.Fprintf(bw, "%s %s sudo: pam_unix(sudo:session): session opened for user root(uid=0) by %s(uid=%d)\n", ts, host, u, 1000+r.IntN(50))
		}
		if err != nil {
			return err
		}
	}
	return bw.Flush()
}

// SyslogFile writes n lines to a new file at path (see Syslog).
func SyslogFile(path string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.Local)
	if err := Syslog(f, n, 42, start); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
