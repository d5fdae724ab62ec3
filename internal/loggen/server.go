package loggen

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"time"
)

// serverLine is one kind of line in the Server mix: its weight in parts
// per ten thousand and how to write it.
type serverLine struct {
	weight int
	write  func(w io.Writer, g *gen) error
}

// gen holds the state the line writers draw on.
type gen struct {
	r          *rand.Rand
	ts, host   string
	ip         string
	port, pid  int
	user, unit string
	n          int
}

// serverMix is a busy Debian server's /var/log/syslog and auth.log merged:
// mostly chatter no rule tags (cron jobs, per-login units, mail, DHCP,
// DNS, containers, pre-authentication noise), with about 5 % security
// lines (logons, failures, sudo, firewall blocks, service jobs).
var serverMix = []serverLine{
	// Chatter: no category.
	{1400, func(w io.Writer, g *gen) error {
		_, err := fmt.Fprintf(w, "%s %s CRON[%d]: (root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)\n", g.ts, g.host, g.pid)
		return err
	}},
	{1000, func(w io.Writer, g *gen) error {
		_, err := fmt.Fprintf(w, "%s %s CRON[%d]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)\n", g.ts, g.host, g.pid)
		return err
	}},
	{1000, func(w io.Writer, g *gen) error {
		_, err := fmt.Fprintf(w, "%s %s CRON[%d]: pam_unix(cron:session): session closed for user root\n", g.ts, g.host, g.pid)
		return err
	}},
	{900, func(w io.Writer, g *gen) error {
		_, err := fmt.Fprintf(w, "%s %s postfix/smtpd[%d]: connect from unknown[%s]\n", g.ts, g.host, g.pid, g.ip)
		return err
	}},
	{900, func(w io.Writer, g *gen) error {
		_, err := fmt.Fprintf(w, "%s %s postfix/smtpd[%d]: disconnect from unknown[%s] ehlo=1 mail=1 rcpt=0/1 data=0/1 commands=2/4\n", g.ts, g.host, g.pid, g.ip)
		return err
	}},
	{700, func(w io.Writer, g *gen) error {
		_, err := fmt.Fprintf(w, "%s %s systemd[1]: session-%d.scope: Deactivated successfully.\n", g.ts, g.host, g.n%9000)
		return err
	}},
	{500, func(w io.Writer, g *gen) error {
		_, err := fmt.Fprintf(w, "%s %s systemd-logind[905]: New session %d of user %s.\n", g.ts, g.host, g.n%9000, g.user)
		return err
	}},
	{500, func(w io.Writer, g *gen) error {
		_, err := fmt.Fprintf(w, "%s %s systemd-logind[905]: Removed session %d.\n", g.ts, g.host, g.n%9000)
		return err
	}},
	{500, func(w io.Writer, g *gen) error {
		_, err := fmt.Fprintf(w, "%s %s systemd[1]: Started session-%d.scope - Session %d of User %s.\n", g.ts, g.host, g.n%9000, g.n%9000, g.user)
		return err
	}},
	{600, func(w io.Writer, g *gen) error {
		_, err := fmt.Fprintf(w, "%s %s named[%d]: client @0x7f3a%06x %s#%d (example.net): query: example.net IN A +E(0)K (198.51.100.10)\n", g.ts, g.host, g.pid, g.n%0xffffff, g.ip, g.port)
		return err
	}},
	{500, func(w io.Writer, g *gen) error {
		_, err := fmt.Fprintf(w, "%s %s sshd[%d]: Connection closed by %s port %d [preauth]\n", g.ts, g.host, g.pid, g.ip, g.port)
		return err
	}},
	{300, func(w io.Writer, g *gen) error {
		_, err := fmt.Fprintf(w, "%s %s sshd[%d]: Received disconnect from %s port %d:11: Bye Bye [preauth]\n", g.ts, g.host, g.pid, g.ip, g.port)
		return err
	}},
	{300, func(w io.Writer, g *gen) error {
		_, err := fmt.Fprintf(w, "%s %s dhclient[812]: DHCPREQUEST for 198.51.100.%d on eth0 to 198.51.100.1 port 67\n", g.ts, g.host, 2+g.r.IntN(250))
		return err
	}},
	{300, func(w io.Writer, g *gen) error {
		_, err := fmt.Fprintf(w, "%s %s containerd[%d]: time=\"2026-11-22T03:00:00.000000000Z\" level=info msg=\"loading plugin \\\"io.containerd.runtime.v2.task\\\"...\" type=io.containerd.runtime.v2\n", g.ts, g.host, g.pid)
		return err
	}},
	{200, func(w io.Writer, g *gen) error {
		_, err := fmt.Fprintf(w, "%s %s kernel: [%d.%06d] IPv6: ADDRCONF(NETDEV_CHANGE): veth%x: link becomes ready\n", g.ts, g.host, g.n, g.pid, g.pid)
		return err
	}},
	{200, func(w io.Writer, g *gen) error {
		_, err := fmt.Fprintf(w, "%s %s chronyd[640]: Selected source 198.51.100.%d (ntp.example.org)\n", g.ts, g.host, 2+g.r.IntN(250))
		return err
	}},
	{150, func(w io.Writer, g *gen) error {
		_, err := fmt.Fprintf(w, "%s %s systemd[1]: %s: Consumed %d.%03ds CPU time.\n", g.ts, g.host, g.unit, g.r.IntN(9), g.r.IntN(1000))
		return err
	}},
	{100, func(w io.Writer, g *gen) error {
		_, err := fmt.Fprintf(w, "%s %s dbus-daemon[600]: [system] Successfully activated service 'org.freedesktop.timedate1'\n", g.ts, g.host)
		return err
	}},
	// Security lines and service jobs: tagged.
	{120, func(w io.Writer, g *gen) error {
		_, err := fmt.Fprintf(w, "%s %s sshd[%d]: Failed password for %s from %s port %d ssh2\n", g.ts, g.host, g.pid, g.user, g.ip, g.port)
		return err
	}},
	{50, func(w io.Writer, g *gen) error {
		_, err := fmt.Fprintf(w, "%s %s sshd[%d]: Invalid user %s from %s port %d\n", g.ts, g.host, g.pid, g.user, g.ip, g.port)
		return err
	}},
	{40, func(w io.Writer, g *gen) error {
		_, err := fmt.Fprintf(w, "%s %s sshd[%d]: Accepted publickey for %s from %s port %d ssh2: ED25519 SHA256:s6r2i6ZrTNHi5YtzFSdA9jrnGm20gVvDAW/qqxAG8yg\n", g.ts, g.host, g.pid, g.user, g.ip, g.port)
		return err
	}},
	{40, func(w io.Writer, g *gen) error {
		_, err := fmt.Fprintf(w, "%s %s sshd[%d]: pam_unix(sshd:session): session opened for user %s(uid=%d) by (uid=0)\n", g.ts, g.host, g.pid, g.user, 1000+g.r.IntN(50))
		return err
	}},
	{40, func(w io.Writer, g *gen) error {
		_, err := fmt.Fprintf(w, "%s %s sshd[%d]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=%s  user=%s\n", g.ts, g.host, g.pid, g.ip, g.user)
		return err
	}},
	{30, func(w io.Writer, g *gen) error {
		_, err := fmt.Fprintf(w, "%s %s sudo:   %s : TTY=pts/%d ; PWD=/home/%s ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx\n", g.ts, g.host, g.user, g.r.IntN(8), g.user)
		return err
	}},
	{100, func(w io.Writer, g *gen) error {
		_, err := fmt.Fprintf(w, "%s %s kernel: [%d.%06d] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56 SRC=%s DST=198.51.100.10 LEN=44 TOS=0x00 PREC=0x00 TTL=241 ID=%d PROTO=TCP SPT=%d DPT=22 WINDOW=1024 RES=0x00 SYN URGP=0\n", g.ts, g.host, g.n, g.pid, g.ip, g.pid, g.port)
		return err
	}},
	{80, func(w io.Writer, g *gen) error {
		_, err := fmt.Fprintf(w, "%s %s systemd[1]: Starting %s - system activity accounting tool...\n", g.ts, g.host, g.unit)
		return err
	}},
	{80, func(w io.Writer, g *gen) error {
		_, err := fmt.Fprintf(w, "%s %s systemd[1]: Finished %s - system activity accounting tool.\n", g.ts, g.host, g.unit)
		return err
	}},
}

// Server writes n lines of the serverMix to w, starting at start and
// advancing up to a few hundred milliseconds a line. Output is
// deterministic for a given seed.
func Server(w io.Writer, n int, seed uint64, start time.Time) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	total := 0
	for _, l := range serverMix {
		total += l.weight
	}
	users := []string{"root", "admin", "oracle", "test", "ubuntu", "deploy", "alice", "bob", "postgres", "git"}
	units := []string{"sysstat-collect.service", "phpsessionclean.service", "apt-daily.service", "man-db.service"}
	g := &gen{r: r}
	t := start
	for i := 0; i < n; i++ {
		t = t.Add(time.Duration(r.IntN(300)) * time.Millisecond)
		g.ts = t.Format(time.Stamp)
		g.host = fmt.Sprintf("web%d", 1+r.IntN(4))
		g.ip = fmt.Sprintf("203.0.113.%d", 1+r.IntN(254))
		g.port = 30000 + r.IntN(30000)
		g.pid = 1000 + r.IntN(60000)
		g.user = users[r.IntN(len(users))]
		g.unit = units[r.IntN(len(units))]
		g.n = i
		p := r.IntN(total)
		for _, l := range serverMix {
			if p < l.weight {
				if err := l.write(bw, g); err != nil {
					return err
				}
				break
			}
			p -= l.weight
		}
	}
	return bw.Flush()
}

// ServerFile writes n lines of the Server mix to a new file at path.
func ServerFile(path string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.Local)
	if err := Server(f, n, 42, start); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
